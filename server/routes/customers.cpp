// POST /v1/customers (create, or update an existing customer), GET /v1/customers/{id}.
#include "routes/routes.hpp"

#include "domain/customers.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace owo::local {

namespace json = boost::json;

namespace {

json::object customer_json(const customer_row& c) {
    return {{"success", true},     {"id", c.id},           {"email", c.email},
            {"name", c.name},      {"metadata", json_or_null(c.metadata)},
            {"createdAt", c.created_at}, {"updatedAt", c.updated_at}};
}

} // namespace

route_result post_customers(request_context& ctx) {
    // routes/api/customers.ts customerSchema and the createCustomerRoute handler.
    body_validator v(ctx.body, {"id", "email", "name", "metadata"});
    auto id = v.optional_string("id", 0, body_validator::text::identifier);
    auto email = v.required_email("email");
    auto name = v.optional_string("name");
    auto metadata = v.optional_record("metadata");
    if (!v.ok()) return v.error();
    if (id && id->empty()) id.reset();   // `id || email`: an empty id counts as absent

    auto r = resolve_customer(ctx, id ? *id : email);
    if (!r) return r.error();
    if (!*r) {
        // An id with '@' is an email, never an external id (lib/customers.ts resolveOrCreateCustomer).
        if (id && id->find('@') != std::string::npos) id.reset();
        return customer_json(create_customer(ctx, email, id, name, metadata, auto_plans::assign));
    }

    // Found: shallow-merge metadata (keys are never deleted), replace the name if given;
    // the email of an existing customer never changes.
    auto& c = **r;
    if (metadata) {
        json::object merged = c.metadata ? json::parse(*c.metadata).as_object() : json::object();
        for (const auto& kv : *metadata) merged[kv.key()] = kv.value();
        c.metadata = json::serialize(merged);
    }
    if (name) c.name = *name;
    if (metadata || name) {
        c.updated_at = ctx.now_ms;
        ctx.db.update_customer(c);
    }
    return customer_json(c);
}

route_result get_customer(request_context& ctx) {
    auto rows = ctx.db.customers_by_id(ctx.org, ctx.param("id"));   // internal id only, as hosted
    if (rows.empty()) return domain_error{error_kind::not_found, "Customer not found"};
    return customer_json(rows.front());
}

} // namespace owo::local
