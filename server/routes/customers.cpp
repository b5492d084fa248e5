// POST /v1/customers (create, or update an existing customer), GET /v1/customers/{id}.
// The rest of the lifecycle (list, lookup, update, delete, bind) is in customer_lifecycle.cpp.
#include "routes/routes.hpp"

#include "domain/customer_lifecycle.hpp"
#include "domain/customers.hpp"
#include "domain/events.hpp"
#include "routes/query.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace owo::local {

namespace json = boost::json;

json::object customer_json(const customer_row& c) {
    json::object o{{"success", true}};
    for (auto& kv : customer_fields(c)) o.emplace(kv.key(), std::move(kv.value()));
    return o;
}

json::object customer_fields(const customer_row& c) {
    return {{"id", c.id},
            {"email", c.email},
            {"name", c.name},
            {"metadata", json_or_null(c.metadata)},
            {"createdAt", c.created_at},
            {"updatedAt", c.updated_at},
            // [extension] the lifecycle's fields
            {"externalId", string_or_null(c.external_id)},
            {"externalOrganizationId", string_or_null(c.external_organization_id)},
            {"version", c.version},
            {"deletedAt", c.deleted_at ? json::value(*c.deleted_at) : json::value(nullptr)}};
}

route_result post_customers(request_context& ctx) {
    // routes/api/customers.ts customerSchema and the createCustomerRoute handler; externalOrganizationId [extension].
    body_validator v(ctx.body, {"id", "email", "name", "metadata", "externalOrganizationId"});
    auto id = v.optional_string("id", 0, body_validator::text::identifier);
    auto email = v.required_email("email");
    auto name = v.optional_string("name");
    auto metadata = v.optional_record("metadata");
    auto organization = v.optional_identifier("externalOrganizationId");
    if (!v.ok()) return v.error();
    if (id && id->empty()) id.reset();   // `id || email`: an empty id counts as absent

    auto r = resolve_customer(ctx, id ? *id : email);
    if (!r) return r.error();
    if (!*r) {
        // An id with '@' is an email, never an external id (lib/customers.ts resolveOrCreateCustomer).
        if (id && id->find('@') != std::string::npos) id.reset();
        return customer_json(create_customer(ctx, email, id, name, metadata, auto_plans::assign, organization));
    }

    // Found: shallow-merge metadata (keys are never deleted), replace the name if given;
    // the email of an existing customer never changes.
    auto& c = **r;
    const customer_row before = c;
    if (metadata) {
        json::object merged = c.metadata ? json::parse(*c.metadata).as_object() : json::object();
        for (const auto& kv : *metadata) merged[kv.key()] = kv.value();
        c.metadata = json::serialize(merged);
    }
    if (name) c.name = *name;
    if (organization) c.external_organization_id = organization;
    if (metadata || name || organization) {
        save_customer(ctx, c);
        customer_updated(ctx, before, c);
    }
    return customer_json(c);
}

route_result get_customer(request_context& ctx) {
    query_reader q(ctx.query);
    bool include_deleted = q.flag("includeDeleted");   // [extension]
    if (!q.ok()) return q.error();
    auto c = ctx.db.customer_including_deleted(ctx.org, ctx.param("id"));   // internal id only, as hosted
    if (!c || (c->deleted_at && !include_deleted)) return customer_not_found();
    return customer_json(*c);
}

} // namespace owo::local
