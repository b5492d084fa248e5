// POST /v1/customers, GET /v1/customers/{id}, and the resolution rules every route shares.
#include "api/request_context.hpp"

#include "ids.hpp"
#include "validation.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace owo::local {

namespace json = boost::json;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

json::object customer_json(const customer_row& c) {
    return {{"success", true},     {"id", c.id},           {"email", c.email},
            {"name", c.name},      {"metadata", json_or_null(c.metadata)},
            {"createdAt", c.created_at}, {"updatedAt", c.updated_at}};
}

reply ambiguous(const std::string& org, const char* field, const std::string& value) {
    return error_reply(409, "Multiple customers in organization '" + org + "' match " + field + " '" + value +
                                "'. Use the internal customer ID instead.");
}

} // namespace

json::value json_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    return json::parse(*text);
}

json::value string_or_null(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }

resolution resolve_customer(request_context& ctx, const std::string& identifier) {
    resolution r;
    auto pick = [&](std::vector<customer_row> rows, const char* field, const std::string& value) {
        if (rows.size() > 1) {
            r.status = resolution::ambiguous;
            r.ambiguity = ambiguous(ctx.org, field, value);
        } else if (rows.size() == 1) {
            r.status = resolution::found;
            r.customer = std::move(rows.front());
        }
        return !rows.empty();
    };
    if (pick(ctx.db.customers_by_id(ctx.org, identifier), "id", identifier)) return r;
    if (pick(ctx.db.customers_by_external_id(ctx.org, identifier), "external id", identifier)) return r;
    if (identifier.find('@') != std::string::npos) pick(ctx.db.customers_by_email(ctx.org, lower(identifier)), "email", identifier);
    return r;
}

customer_row create_customer(request_context& ctx, const std::string& email, std::optional<std::string> external_id,
                             std::optional<std::string> name, std::optional<json::object> metadata) {
    customer_row c;
    c.id = owo::detail::make_uuid_v4();
    c.org = ctx.org;
    c.external_id = std::move(external_id);
    c.email = lower(email);
    c.name = name ? *name : c.email.substr(0, c.email.find('@'));
    if (metadata) c.metadata = json::serialize(*metadata);
    c.created_at = c.updated_at = ctx.now_ms;
    ctx.db.insert_customer(c);
    for (const auto& p : ctx.cat.plans())
        if (p.auto_enable && p.active) {
            subscription_row s{owo::detail::make_uuid_v4(), ctx.org, c.id, p.slug, "active", std::nullopt, ctx.now_ms};
            ctx.db.insert_subscription(s);
        }
    return c;
}

std::optional<json::object> read_customer_data(body_validator& v) {
    const json::value* cd = v.nested("customerData");
    if (!cd) return std::nullopt;
    body_validator inner(*cd, {"email", "name", "metadata"});
    inner.required_email("email");
    inner.optional_string("name");
    inner.optional_object("metadata");
    v.merge(inner, "customerData");
    return cd->get_object();
}

resolved_or_reply resolve_or_create(request_context& ctx, const std::string& identifier,
                                    const std::optional<json::object>& customer_data, bool create_for_email) {
    auto r = resolve_customer(ctx, identifier);
    if (r.status == resolution::found) return {std::move(r.customer), std::nullopt};
    if (r.status == resolution::ambiguous) return {std::nullopt, std::move(r.ambiguity)};
    if (customer_data) {
        const auto& cd = *customer_data;
        std::optional<std::string> name;
        if (auto n = cd.if_contains("name")) name = std::string(n->get_string());
        std::optional<json::object> metadata;
        if (auto m = cd.if_contains("metadata")) metadata = m->get_object();
        std::optional<std::string> external;
        if (identifier.find('@') == std::string::npos) external = identifier;
        return {create_customer(ctx, std::string(cd.at("email").get_string()), external, name, metadata), std::nullopt};
    }
    if (create_for_email && owo::detail::check_email("customer", identifier).empty())
        return {create_customer(ctx, identifier, std::nullopt, std::nullopt, std::nullopt), std::nullopt};
    return {std::nullopt, error_reply(404, "Customer not found")};
}

reply post_customers(request_context& ctx) {
    body_validator v(ctx.body, {"id", "email", "name", "metadata"});
    auto id = v.optional_string("id");
    auto email = v.required_email("email");
    auto name = v.optional_string("name");
    auto metadata = v.optional_object("metadata");
    if (id && id->empty()) v.required_string("id");   // reports the empty id
    if (!v.ok()) return v.error();

    auto r = resolve_customer(ctx, id ? *id : email);
    if (r.status == resolution::ambiguous) return r.ambiguity;
    if (r.status == resolution::not_found) return json_reply(200, customer_json(create_customer(ctx, email, id, name, metadata)));

    // Found: shallow-merge metadata (keys are never deleted), replace the name if given;
    // the email of an existing customer never changes.
    auto& c = r.customer;
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
    return json_reply(200, customer_json(c));
}

reply get_customer(request_context& ctx, const std::string& id) {
    auto rows = ctx.db.customers_by_id(ctx.org, id);   // internal id only, as hosted
    if (rows.empty()) return error_reply(404, "Customer not found");
    return json_reply(200, customer_json(rows.front()));
}

} // namespace owo::local
