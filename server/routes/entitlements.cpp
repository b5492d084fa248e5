// POST /v1/check and POST /v1/track: may this customer use this feature now, and (track, or
// check with sendEvent) record the use. Boolean features need a grant; seats count entities;
// consumables count usage within the limit's reset period.
#include "routes/routes.hpp"

#include "domain/customers.hpp"
#include "domain/subscriptions.hpp"
#include "domain/time.hpp"

#include <cmath>

namespace owo::local {

namespace json = boost::json;

namespace {

struct access_request {
    std::string customer, feature;
    double value = 1;
    std::optional<std::string> entity;
    bool record = false;   // track, or check with sendEvent
};

json::object access_body(bool allowed, const char* code) {
    return {{"success", true},  {"allowed", allowed},     {"code", code},      {"usage", nullptr},
            {"limit", nullptr}, {"balance", nullptr},     {"resetsAt", nullptr}, {"resetInterval", nullptr},
            {"credits", nullptr}, {"details", json::object{}}};
}

json::value number(double d) {
    if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
    return d;
}

route_result evaluate(request_context& ctx, const access_request& r, const std::optional<json::object>& customer_data,
               bool is_track) {
    auto who = resolve_or_create(ctx, r.customer, customer_data, false);
    if (!who) {
        if (who.error().kind != error_kind::not_found) return who.error();
        // check reports an unknown customer as a denial; track answers it with 404.
        auto body = access_body(false, "customer_not_found");
        body["details"] = {{"message", "Customer not found"}};
        if (!is_track) return body;
        body["success"] = false;
        body["error"] = "Customer not found";
        domain_error e{error_kind::not_found, "Customer not found"};
        e.body = std::move(body);
        return e;
    }
    const auto& c = *who;
    const feature_def* f = ctx.cat.feature(r.feature);
    if (!f) {
        auto body = access_body(false, "feature_not_found");
        body["details"] = {{"message", "Feature '" + r.feature + "' not found"}};
        return body;
    }
    if (!has_active_subscription(ctx, c.id)) {
        auto body = access_body(false, "no_active_subscription");
        body["details"] = {{"message", "Customer has no active subscription"}};
        return body;
    }
    auto g = find_grant(ctx, c.id, r.feature);
    if (!g) {
        auto body = access_body(false, "feature_not_in_plan");
        body["details"] = {{"message", "Feature '" + r.feature + "' is not in the customer's plan"}};
        return body;
    }
    json::object details{{"planName", g->plan->name}};
    if (f->type != "metered") {
        auto body = access_body(true, "access_granted");
        body["details"] = std::move(details);
        return body;
    }
    const auto& limit = g->feature->limit;

    if (f->entity_feature()) {
        // [local] the truth about seats: usage = entities counted (pending_removal included).
        auto usage = ctx.db.count_entities(c.id, r.feature);
        bool allowed;
        const char* code = "access_granted";
        if (r.entity) {
            allowed = ctx.db.find_entity(c.id, r.feature, *r.entity).has_value();
            if (!allowed) code = "entity_not_found";
        } else {
            allowed = !limit || static_cast<double>(usage) + r.value <= static_cast<double>(*limit);
            if (!allowed) code = "limit_exceeded";
        }
        auto body = access_body(allowed, code);
        body["usage"] = usage;
        body["limit"] = limit ? json::value(*limit) : json::value(nullptr);
        body["balance"] = limit ? json::value(*limit - usage) : json::value(nullptr);
        body["details"] = std::move(details);
        return body;
    }

    // Consumable: usage within the current reset period, per entity when one is named.
    auto period = period_for(g->feature->reset, ctx.now_ms);
    double usage = ctx.db.usage(c.id, r.feature, r.entity, period.start);
    bool allowed = !limit || usage + r.value <= static_cast<double>(*limit);
    if (allowed && r.record && r.value != 0) {
        ctx.db.add_usage(c.id, r.feature, r.entity.value_or(""), period.start, r.value);
        usage += r.value;
    }
    auto body = access_body(allowed, allowed ? "access_granted" : "limit_exceeded");
    body["usage"] = number(usage);
    body["limit"] = limit ? json::value(*limit) : json::value(nullptr);
    body["balance"] = limit ? number(static_cast<double>(*limit) - usage) : json::value(nullptr);
    if (period.resets_at) body["resetsAt"] = iso8601(*period.resets_at);
    body["resetInterval"] = g->feature->reset ? json::value(*g->feature->reset) : json::value(nullptr);
    body["details"] = std::move(details);
    return body;
}

access_request read_access(body_validator& v, std::optional<json::object>& customer_data) {
    access_request r;
    r.customer = v.required_string("customer");
    r.feature = v.required_string("feature");
    r.value = v.optional_number("value").value_or(1);
    r.entity = v.optional_string("entity");
    customer_data = read_customer_data(v);
    return r;
}

} // namespace

route_result post_check(request_context& ctx) {
    body_validator v(ctx.body, {"customer", "feature", "value", "customerData", "sendEvent", "entity", "amount"});
    std::optional<json::object> customer_data;
    auto r = read_access(v, customer_data);
    r.record = v.optional_bool("sendEvent").value_or(false);
    if (!v.ok()) return v.error();
    return evaluate(ctx, r, customer_data, false);
}

route_result post_track(request_context& ctx) {
    body_validator v(ctx.body, {"customer", "feature", "value", "customerData", "entity", "metadata", "amount"});
    std::optional<json::object> customer_data;
    auto r = read_access(v, customer_data);
    v.optional_object("metadata");
    r.record = true;
    if (!v.ok()) return v.error();
    return evaluate(ctx, r, customer_data, true);
}

} // namespace owo::local
