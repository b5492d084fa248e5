// POST /v1/check and POST /v1/track, as routes/api/entitlements.ts answers them (the checkRoute
// and trackRoute handlers): customer -> feature -> entity -> subscriptions -> plan feature ->
// boolean or metered answer. Usage is counted per reset period, per entity when one is named.
#include "routes/routes.hpp"

#include "domain/customers.hpp"
#include "domain/events.hpp"
#include "domain/subscriptions.hpp"
#include "domain/time.hpp"
#include "http/json_text.hpp"

#include <cmath>

namespace owo::local {

namespace json = boost::json;

namespace {

enum class route_kind { check, track };

struct access_request {
    std::string customer, feature;
    double value = 1;
    std::optional<std::string> entity;
    std::optional<json::object> customer_data;
    bool send_event = false;
};

json::value number(double d) {
    if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
    return d;
}

json::value limit_value(const std::optional<std::int64_t>& limit) {
    return limit ? json::value(*limit) : json::value(nullptr);
}

/// The entitlement body (docs/protocol.md §2.5); track's carries `success` first.
json::object entitlement(route_kind k, bool allowed, const char* code, std::string message) {
    json::object b;
    if (k == route_kind::track) b["success"] = allowed;
    b["allowed"] = allowed;
    b["code"] = code;
    for (const char* key : {"usage", "limit", "balance", "resetsAt", "resetInterval", "credits"}) b[key] = nullptr;
    b["details"] = json::object{{"message", std::move(message)}};
    return b;
}

/// A refusal before any plan is found: check answers 200; track answers `track_status`.
route_result refusal(route_kind k, unsigned track_status, const char* code, std::string message) {
    auto body = entitlement(k, false, code, std::move(message));
    if (k == route_kind::check || track_status == 200) return body;
    domain_error e{track_status == 404   ? error_kind::not_found
                   : track_status == 409 ? error_kind::conflict
                                         : error_kind::invalid};
    e.body = std::move(body);
    return e;
}

route_result evaluate(request_context& ctx, route_kind k, const access_request& r) {
    bool track = k == route_kind::track;
    auto who = resolve_or_create(ctx, r.customer, r.customer_data, auto_plans::assign);
    if (!who) {
        if (who.error().kind == error_kind::conflict) return refusal(k, 409, "customer_ambiguous", who.error().message);
        return refusal(k, 404, "customer_not_found", "Customer '" + r.customer + "' not found in this organization.");
    }
    const auto& c = *who;
    const feature_def* f = ctx.cat.feature(r.feature);
    if (!f) return refusal(k, 404, "feature_not_found", "Feature '" + r.feature + "' not found.");
    if (r.entity && !r.entity->empty()) {
        // check accepts an entity on its way out (pending_removal); track only an active one.
        auto e = ctx.db.find_entity(c.id, f->slug, *r.entity);
        if (!e || (track && e->status != "active"))
            return refusal(k, 404, "entity_not_found",
                           "Entity '" + *r.entity + "' not found for feature '" + r.feature +
                               "'. Use addEntity() to create it first.");
    }
    settle_subscriptions(ctx, c.id);
    auto subs = granting_subscriptions(ctx, c.id);
    if (subs.empty())
        return refusal(k, 400, "no_active_subscription", "No active or trialing subscription found for this customer.");
    auto g = find_grant(ctx, subs, f->slug);
    if (!g)
        return refusal(k, 400, "feature_not_in_plan",
                       "Feature '" + f->slug + "' is not included in the customer's current plan.");

    bool trial = g->sub.status == "trialing";
    std::string trial_ends = iso8601(g->sub.period_end);
    const std::string& plan_name = g->plan->name;
    auto details = [&](std::string message) {
        json::object d{{"message", std::move(message)}, {"planName", plan_name}};
        if (trial) {
            d["trial"] = true;
            d["trialEndsAt"] = trial_ends;
        }
        d["pricing"] = json::object{{"usageModel", "included"}, {"ratingModel", "package"}, {"billingUnits", 1}};
        return d;
    };

    if (f->type == "boolean" && !track) {
        auto body = entitlement(k, true, "access_granted", "");
        body["details"] = details(trial ? "Feature '" + f->slug + "' enabled on " + plan_name + " via free trial (ends " +
                                              trial_ends + ")."
                                        : "Feature '" + f->slug + "' enabled on " + plan_name + ".");
        return body;
    }

    // Metered (and track on any feature: the usage meter counts whatever is tracked).
    const auto& pf = *g->feature;
    std::optional<std::int64_t> limit;   // none: unlimited (booleans count against no limit)
    if (f->type != "boolean") limit = trial && pf.trial_limit ? *pf.trial_limit : pf.limit;
    auto period = period_for(pf.reset, ctx.now_ms, g->sub.period_end);
    std::string resets_at = iso8601(period.resets_at);
    std::string entity_key = r.entity.value_or("");

    double usage;
    bool allowed;
    if (!track && f->entity_feature()) {
        // [local] check on a seat feature reports the seats in use (docs/protocol.md §6); a
        // named seat that exists is allowed.
        usage = static_cast<double>(ctx.db.count_entities(c.id, f->slug));
        allowed = (r.entity && !r.entity->empty()) || !limit || usage + r.value <= static_cast<double>(*limit);
    } else {
        usage = ctx.db.usage(c.id, f->slug, entity_key, period.start);
        allowed = !limit || usage + r.value <= static_cast<double>(*limit);
    }
    bool record = allowed && (track || (r.send_event && !f->entity_feature())) && r.value != 0;
    if (record) {
        ctx.db.add_usage(c.id, f->slug, entity_key, period.start, r.value);
        // Usage only grows within a period, so it reaches the limit once.
        if (limit && usage < static_cast<double>(*limit) && usage + r.value >= static_cast<double>(*limit))
            usage_limit_reached(ctx, c.id, f->slug, entity_key, number(usage + r.value), *limit, period.start, period.resets_at);
    }
    if (track && allowed) usage += r.value;   // check reports the usage before its event
    std::optional<double> balance;
    if (limit) balance = static_cast<double>(*limit) - usage;

    std::string u = js_number_text(usage), l = limit ? std::to_string(*limit) : "null";
    std::string b = balance ? js_number_text(*balance) : "Infinity";
    std::string message;
    const char* code;
    if (track) {
        code = allowed ? "tracked" : "limit_exceeded";
        message = allowed ? "Usage tracked successfully (" + b + " remaining)."
                          : "Usage tracking denied — limit reached (" + b + " remaining). Resets at " + resets_at + ".";
    } else {
        code = allowed ? "access_granted" : "limit_exceeded";
        message = !allowed ? "Usage limit reached (" + u + "/" + l + "). Resets at " + resets_at + "."
                  : limit  ? "Access granted — used " + u + " of " + l + "."
                           : "Unlimited access to '" + f->slug + "' on " + plan_name + ".";
    }
    auto body = entitlement(k, allowed, code, "");
    body["usage"] = number(usage);
    body["limit"] = limit_value(limit);
    body["balance"] = balance ? number(*balance) : json::value(nullptr);
    body["resetsAt"] = resets_at;
    body["resetInterval"] = pf.reset;
    body["details"] = details(std::move(message));
    return body;
}

/// The fields check and track share, in their schemas' order up to `value`/`customerData`.
access_request read_common(body_validator& v) {
    access_request r;
    r.customer = v.required_string("customer");
    r.feature = v.required_string("feature");
    r.value = v.optional_number("value", 0).value_or(1);
    r.customer_data = read_customer_data(v);
    return r;
}

} // namespace

route_result post_check(request_context& ctx) {
    // checkSchema: customer, feature, value (>= 0, default 1), customerData, sendEvent, entity
    body_validator v(ctx.body, {"customer", "feature", "value", "customerData", "sendEvent", "entity", "amount"});
    auto r = read_common(v);
    r.send_event = v.optional_bool("sendEvent").value_or(false);
    r.entity = v.optional_string("entity", 0, body_validator::text::identifier);
    if (!v.ok()) return v.first_error();
    return evaluate(ctx, route_kind::check, r);
}

route_result post_track(request_context& ctx) {
    // trackSchema: customer, feature, value (>= 0, default 1), customerData, entity, metadata
    body_validator v(ctx.body, {"customer", "feature", "value", "customerData", "entity", "metadata", "amount"});
    auto r = read_common(v);
    r.entity = v.optional_string("entity", 0, body_validator::text::identifier);
    v.optional_record("metadata");
    if (!v.ok()) return v.first_error();
    return evaluate(ctx, route_kind::track, r);
}

} // namespace owo::local
