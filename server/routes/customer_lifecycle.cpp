// [extension] The customer lifecycle (protocol.md §4.14, issue #17):
//   GET    /v1/customers              list, keyset (cursor) or offset paging, with filters
//   GET    /v1/customers/unresolved   the same, only live customers without an external id
//   GET    /v1/customers/lookup       one customer by externalId or email; never creates
//   PATCH  /v1/customers/{id}         update: merge/replace metadata, expectedVersion
//   DELETE /v1/customers/{id}         soft delete, ?purge=true erases personal data
//   POST   /v1/customers/{id}/bind    give an unresolved customer its external id, once
// {id} is the internal id, as on GET /v1/customers/{id}.
#include "routes/routes.hpp"

#include "domain/customer_lifecycle.hpp"
#include "domain/customers.hpp"
#include "domain/events.hpp"
#include "routes/query.hpp"

#include <boost/json/serialize.hpp>

#include <limits>

namespace owo::local {

namespace json = boost::json;

namespace {

constexpr std::int64_t default_page = 20, max_page = 100;
constexpr auto int64_min = std::numeric_limits<std::int64_t>::min(), int64_max = std::numeric_limits<std::int64_t>::max();

route_result list_page(request_context& ctx, bool unresolved_only) {
    query_reader q(ctx.query);
    customer_page_query page;
    page.org = ctx.org;
    page.unresolved_only = unresolved_only;
    auto limit = q.integer("limit", 1, max_page).value_or(default_page);
    auto cursor = q.text("cursor");
    auto offset = q.integer("offset", 0, int64_max);
    if (auto email = q.text("email")) page.email = normalized_email(*email);
    page.external_organization_id = q.text("externalOrganizationId");
    page.created_after = q.integer("createdAfter", int64_min, int64_max);
    page.created_before = q.integer("createdBefore", int64_min, int64_max);
    page.include_deleted = q.flag("includeDeleted");
    if (cursor && offset) q.refuse("", "cursor and offset cannot be used together");
    if (cursor) {
        if (auto at = decode_cursor(*cursor)) page.after.emplace(at->created_at, std::move(at->id));
        else q.refuse("cursor", "Invalid cursor");
    }
    if (!q.ok()) return q.error();

    page.limit = limit + 1;   // one more tells whether there is a next page
    page.offset = offset.value_or(0);
    return page_answer(ctx.db.list_customers(page), limit, "customers", customer_fields,
                       [](const customer_row& c) { return encode_cursor(c); });
}

} // namespace

route_result list_customers(request_context& ctx) { return list_page(ctx, false); }

route_result list_unresolved_customers(request_context& ctx) { return list_page(ctx, true); }

route_result lookup_customer(request_context& ctx) {
    query_reader q(ctx.query);
    auto external_id = q.text("externalId");
    auto email = q.text("email");
    bool include_deleted = q.flag("includeDeleted");
    if (q.ok() && external_id.has_value() == email.has_value()) q.refuse("", "Exactly one of externalId and email is required");
    if (!q.ok()) return q.error();
    auto c = customer_by_external_id_or_email(ctx, external_id, email, include_deleted);
    if (!c) return c.error();
    return customer_json(*c);
}

route_result patch_customer(request_context& ctx) {
    body_validator v(ctx.body, {"name", "email", "metadata", "metadataMode", "externalOrganizationId", "expectedVersion"});
    auto name = v.optional_string("name");
    auto email = v.optional_email("email");
    auto metadata = v.optional_record("metadata");
    auto mode = v.optional_enum("metadataMode", {"merge", "replace"});
    auto organization = v.optional_nullable_identifier("externalOrganizationId");
    auto expected = v.optional_integer("expectedVersion", 1);
    if (!v.ok()) return v.error();

    // Every check before the first write: a refused update changes nothing.
    auto c = live_customer(ctx, ctx.param("id"));
    if (!c) return customer_not_found();
    const customer_row before = *c;
    if (expected && *expected != c->version)
        return domain_error{error_kind::conflict, "Customer version conflict",
                            {{"code", "version_conflict"}, {"currentVersion", c->version}}};
    if (metadata) {
        auto merged = apply_metadata(c->metadata, *metadata, mode == "replace" ? metadata_mode::replace : metadata_mode::merge);
        if (auto issues = metadata_limit_issues(merged); !issues.empty()) return validation_error(std::move(issues));
        c->metadata = merged.empty() ? std::nullopt : std::optional<std::string>(json::serialize(merged));
    }
    if (email) {
        auto wanted = normalized_email(*email);
        for (const auto& other : ctx.db.customers_by_email(ctx.org, wanted))
            if (other.id != c->id)
                return domain_error{error_kind::conflict, "Email already in use by another customer", {{"code", "email_conflict"}}};
        c->email = wanted;
    }
    if (name) c->name = *name;
    if (organization) c->external_organization_id = *organization;
    if (name || email || metadata || organization) {
        save_customer(ctx, *c);
        customer_updated(ctx, before, *c);
    }
    return customer_json(*c);
}

route_result delete_customer(request_context& ctx) {
    query_reader q(ctx.query);
    bool purge = q.flag("purge");
    if (!q.ok()) return q.error();
    auto c = ctx.db.customer_including_deleted(ctx.org, ctx.param("id"));
    if (!c) return customer_not_found();
    soft_delete_customer(ctx, *c, purge);
    return json::object{{"success", true}, {"id", c->id}, {"deleted", true}, {"purged", c->purged}};
}

route_result bind_customer(request_context& ctx) {
    body_validator v(ctx.body, {"externalId"});
    auto external_id = v.required_identifier("externalId");
    if (!v.ok()) return v.error();

    auto c = live_customer(ctx, ctx.param("id"));
    if (!c) return customer_not_found();
    if (c->external_id == external_id) return customer_json(*c);   // bound already: nothing to do
    if (c->external_id)
        return domain_error{error_kind::conflict, "Customer is already bound to another external id", {{"code", "already_bound"}}};
    // Resolution tries internal ids before external ids, so another customer's internal id is
    // as taken as its external id: POST /v1/customers by it would not reach this customer.
    auto holders = ctx.db.customers_by_external_id(ctx.org, external_id);
    auto by_id = ctx.db.customers_by_id(ctx.org, external_id);
    holders.insert(holders.end(), by_id.begin(), by_id.end());
    for (const auto& other : holders)
        if (other.id != c->id)
            return domain_error{error_kind::conflict, "External id is already bound to another customer",
                                {{"code", "external_id_taken"}}};
    c->external_id = external_id;
    save_customer(ctx, *c);
    customer_bound(ctx, *c);
    return customer_json(*c);
}

} // namespace owo::local
