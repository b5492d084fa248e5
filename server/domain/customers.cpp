// Customer resolution and creation (see customers.hpp).
#include "domain/customers.hpp"

#include "domain/events.hpp"
#include "domain/subscriptions.hpp"

#include "ids.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace owo::local {

namespace json = boost::json;

namespace {

domain_error ambiguous(const std::string& org, const char* field, const std::string& value) {
    return {error_kind::conflict, "Multiple customers in organization '" + org + "' match " + field + " '" + value +
                                      "'. Use the internal customer ID instead."};
}

} // namespace

std::string ascii_lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string normalized_email(std::string email) { return ascii_lower(std::move(email)); }

domain_error ambiguous_customer(const std::string& org, const char* field, const std::string& value) {
    return ambiguous(org, field, value);
}

result<std::optional<customer_row>> resolve_customer(const tenant& t, const std::string& identifier) {
    // The first level with any match decides: one customer, or an ambiguity.
    auto rows = t.db.customers_by_id(t.org, identifier);
    const char* field = "id";
    if (rows.empty()) {
        rows = t.db.customers_by_external_id(t.org, identifier);
        field = "external ID";   // lib/customer-resolution.ts CUSTOMER_FIELD_LABELS
    }
    if (rows.empty() && identifier.find('@') != std::string::npos) {
        rows = t.db.customers_by_email(t.org, ascii_lower(identifier));
        field = "email";
    }
    if (rows.size() > 1) return ambiguous(t.org, field, identifier);
    if (rows.empty()) return std::optional<customer_row>();
    return std::optional<customer_row>(std::move(rows.front()));
}

customer_row create_customer(const tenant& t, const std::string& email, std::optional<std::string> external_id,
                             std::optional<std::string> name, std::optional<json::object> metadata, auto_plans plans,
                             std::optional<std::string> external_organization_id) {
    customer_row c;
    c.id = owo::detail::make_uuid_v7();
    c.org = t.org;
    c.external_id = std::move(external_id);
    c.email = ascii_lower(email);
    c.name = name && !name->empty() ? *name : c.email.substr(0, c.email.find('@'));
    if (metadata) c.metadata = json::serialize(*metadata);
    c.created_at = c.updated_at = t.now_ms;
    c.external_organization_id = std::move(external_organization_id);
    t.db.insert_customer(c);
    customer_created(t, c);
    if (plans == auto_plans::skip) return c;
    // A paid plan waits for payment; either gets a 30-day period from now.
    for (const auto& p : t.cat.plans())
        if (p.auto_enable && p.active) {
            auto s = new_subscription(t, c.id, p, p.paid() ? "pending" : "active");
            s.period_end = t.now_ms + 30 * day_ms;
            t.db.insert_subscription(s);
        }
    return c;
}

std::optional<json::object> read_customer_data(body_validator& v) {
    const json::value* cd = v.nested("customerData");
    if (!cd) return std::nullopt;
    body_validator inner(*cd, {"email", "name", "metadata"});
    inner.required_email("email");
    inner.optional_string("name");
    inner.optional_record("metadata");
    v.merge(inner, "customerData");
    return cd->get_object();
}

result<customer_row> resolve_or_create(const tenant& t, const std::string& identifier,
                                       const std::optional<json::object>& customer_data, auto_plans plans) {
    auto r = resolve_customer(t, identifier);
    if (!r) return r.error();
    if (*r) return std::move(**r);
    std::optional<std::string> external;
    if (identifier.find('@') == std::string::npos) external = identifier;
    if (customer_data) {
        const auto& cd = *customer_data;
        std::optional<std::string> name;
        if (auto n = cd.if_contains("name")) name = std::string(n->get_string());
        std::optional<json::object> metadata;
        if (auto m = cd.if_contains("metadata")) metadata = m->get_object();
        return create_customer(t, std::string(cd.at("email").get_string()), external, name, metadata, plans);
    }
    // No format check: any identifier with '@' is taken as the email.
    if (!external) return create_customer(t, identifier, std::nullopt, std::nullopt, std::nullopt, plans);
    return domain_error{error_kind::not_found, "Customer not found"};
}

result<customer_row> resolve_existing(const tenant& t, const std::string& identifier) {
    auto r = resolve_customer(t, identifier);
    if (!r) return r.error();
    if (*r) return std::move(**r);
    return domain_error{error_kind::not_found, "Customer not found"};
}

} // namespace owo::local
