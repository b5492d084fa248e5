// POST /v1/check and POST /v1/track, as routes/api/entitlements.ts answers them (the checkRoute
// and trackRoute handlers): customer -> feature -> entity -> subscriptions -> plan feature ->
// boolean or metered answer. Usage is counted per reset period, per entity when one is named.
#include "routes/routes.hpp"

#include "domain/customers.hpp"
#include "domain/events.hpp"
#include "domain/rating.hpp"
#include "domain/subscriptions.hpp"
#include "domain/time.hpp"
#include "http/json_text.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

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

json::value limit_value(const std::optional<std::int64_t>& limit) {
    return limit ? json::value(*limit) : json::value(nullptr);
}

json::value optional_number(const std::optional<std::int64_t>& n) { return n ? json::value(*n) : json::value(nullptr); }

/// A feature drawing from a credit system: the pool's slug and the credits one unit costs.
struct credit_context {
    std::string system;
    double cost = 1;
};

/// resolveDirectCreditSystem: a plan that grants a credit system's own feature counts it 1:1.
std::optional<credit_context> direct_credit_system(const catalog& cat, const std::string& feature) {
    if (cat.credit_system(feature)) return credit_context{feature, 1};
    return std::nullopt;
}

/// resolveCreditSystem: the first credit system listing `feature` whose pool a subscription's
/// plan grants, with that grant.
std::optional<std::pair<std::optional<grant>, std::optional<credit_context>>>
credit_system_mapping(const tenant& t, const std::vector<subscription_row>& subs, const std::string& feature) {
    for (const auto& cs : t.cat.credit_systems())
        for (const auto& [member, cost] : cs.features)
            if (member == feature)
                if (auto g = find_grant(t, subs, cs.slug)) return std::pair{std::move(g), std::optional(credit_context{cs.slug, cost})};
    return std::nullopt;
}

/// buildPricingDetails: the plan feature's pricing, with the tier `usage` is in.
json::object pricing_details(const plan_feature_def& pf, std::optional<double> usage) {
    const auto& p = pf.pricing;
    json::object d{{"usageModel", p.usage_model == "usage_based" || p.usage_model == "prepaid" ? p.usage_model : "included"},
                   {"ratingModel", p.rating_model}};
    if (p.rating_model == "package") {
        auto price = p.usage_model == "included" ? (p.overage_price ? p.overage_price : p.price_per_unit)
                                                 : (p.price_per_unit ? p.price_per_unit : p.overage_price);
        if (price) d["pricePerUnit"] = *price;
        d["billingUnits"] = p.billing_units;
    }
    if (usage) {
        auto included = p.usage_model == "usage_based" ? std::optional<std::int64_t>(0) : pf.limit;
        if (auto t = current_pricing_tier(p, static_cast<std::int64_t>(std::ceil(*usage)), included)) {
            json::object tier{{"index", t->index}, {"startsAt", t->starts_at}, {"endsAt", optional_number(t->ends_at)},
                              {"unitPrice", t->unit_price}};
            if (t->flat_fee) tier["flatFee"] = *t->flat_fee;
            d["currentTier"] = std::move(tier);
        }
    }
    return d;
}

/// buildCreditsPayload: a credit system's pool and purchased balance, a prepaid feature's
/// allowance, else null.
json::value credits_payload(const std::optional<credit_context>& credit, const feature_pricing& pricing, double used,
                            const std::optional<std::int64_t>& limit, const std::string& resets_at,
                            const std::optional<double>& addon_balance) {
    if (!credit && pricing.usage_model != "prepaid") return nullptr;
    json::object plan{{"used", js_number(used)},
                      {"limit", limit_value(limit)},
                      {"balance", limit ? js_number(std::max(0.0, static_cast<double>(*limit) - used)) : json::value(nullptr)},
                      {"resetsAt", resets_at}};
    if (!credit) return json::object{{"source", "prepaid"}, {"addonBalance", nullptr}, {"plan", std::move(plan)}};
    return json::object{{"source", "credit_system"},
                        {"systemSlug", credit->system},
                        {"costPerUnit", js_number(credit->cost)},
                        {"addonBalance", js_number(addon_balance.value_or(0))},
                        {"plan", std::move(plan)}};
}

/// lib/overage-guards.ts checkOverageAllowed: why `requested` more billed units are refused, or
/// none. A valid payment method must be on file; maxOverageUnits (when > 0) caps the period's
/// units beyond `included`. (Overage blocks and spending caps are dashboard settings the local
/// server has none of.)
std::optional<std::string> overage_refusal(request_context& ctx, const std::string& customer_id,
                                           std::optional<std::int64_t> included, const plan_feature_def& pf, double usage,
                                           double requested) {
    bool card = false;
    for (const auto& m : ctx.db.payment_methods(ctx.org, customer_id)) card = card || m.is_valid;
    if (!card) return "No payment method on file. Add a card to enable overage billing.";
    if (auto max = pf.pricing.max_overage_units; max && *max > 0) {
        double used = std::max(0.0, usage - static_cast<double>(included.value_or(0)));
        if (used + requested > static_cast<double>(*max))
            return "Overage cap reached (" + js_number_text(used) + "/" + std::to_string(*max) + " overage units used).";
    }
    return std::nullopt;
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
    auto credit = g ? direct_credit_system(ctx.cat, f->slug) : std::nullopt;
    if (!g) {   // resolveCreditSystem: the feature may draw from a credit system the plan grants
        if (auto mapped = credit_system_mapping(ctx, subs, f->slug)) std::tie(g, credit) = std::move(*mapped);
    }
    if (!g)
        return refusal(k, 400, "feature_not_in_plan",
                       "Feature '" + f->slug + "' is not included in the customer's current plan.");

    bool trial = g->sub.status == "trialing";
    std::string trial_ends = iso8601(g->sub.period_end);
    const std::string& plan_name = g->plan->name;
    const auto& pf = *g->feature;
    const auto& pricing = pf.pricing;
    auto details = [&](std::string message, std::optional<double> usage_for_pricing = std::nullopt) {
        json::object d{{"message", std::move(message)}, {"planName", plan_name}};
        if (trial) {
            d["trial"] = true;
            d["trialEndsAt"] = trial_ends;
        }
        if (credit) {
            d["creditSystem"] = credit->system;
            d["creditCostPerUnit"] = js_number(credit->cost);
        }
        d["pricing"] = pricing_details(pf, usage_for_pricing);
        return d;
    };

    if (f->type == "boolean" && !track && !credit) {
        auto body = entitlement(k, true, "access_granted", "");
        body["details"] = details(trial ? "Feature '" + f->slug + "' enabled on " + plan_name + " via free trial (ends " +
                                              trial_ends + ")."
                                        : "Feature '" + f->slug + "' enabled on " + plan_name + ".");
        return body;
    }

    // Metered (and track on any feature: the usage meter counts whatever is tracked). A credit
    // system's member counts `cost` credits per unit against the credit system's pool.
    const std::string& counted = credit ? credit->system : f->slug;
    double value = credit ? r.value * credit->cost : r.value;
    bool usage_based = pricing.usage_model == "usage_based";
    std::optional<std::int64_t> limit;   // none: unlimited (booleans count against no limit)
    if (f->type != "boolean" || credit) limit = trial && pf.trial_limit ? *pf.trial_limit : pf.limit;
    if (usage_based) limit.reset();      // every unit is billed: nothing is included
    auto period = period_for(pf.reset, ctx.now_ms, g->sub.period_end);
    std::string resets_at = iso8601(period.resets_at);
    std::string entity_key = r.entity.value_or("");
    bool records = track || (r.send_event && !f->entity_feature());

    double usage;
    bool within;
    if (!track && f->entity_feature()) {
        // [local] check on a seat feature reports the seats in use (docs/protocol.md §6); a
        // named seat that exists is allowed.
        usage = static_cast<double>(ctx.db.count_entities(c.id, f->slug));
        within = (r.entity && !r.entity->empty()) || !limit || usage + value <= static_cast<double>(*limit);
    } else {
        usage = ctx.db.usage(c.id, counted, entity_key, period.start);
        within = !limit || usage + value <= static_cast<double>(*limit);
    }
    std::optional<double> addon_balance;
    if (credit) addon_balance = ctx.db.credit_balance(c.id, credit->system);
    auto balance_of = [&](double used) { return limit ? std::optional<double>(static_cast<double>(*limit) - used) : std::nullopt; };

    // What exceeding the limit leads to: purchased credits first, then billed overage (never
    // during a trial), else the limit holds.
    enum class outcome { within, addon_credits, overage, refused } how = within ? outcome::within : outcome::refused;
    std::optional<std::string> guard_refusal;
    if (!within && credit && *addon_balance >= value) how = outcome::addon_credits;
    else if (!within && !trial && pricing.overage == "charge") {
        double included_left = std::max(0.0, std::min(value, balance_of(usage).value_or(0)));
        guard_refusal = overage_refusal(ctx, c.id, limit, pf, usage, track ? value - included_left : value);
        how = guard_refusal ? outcome::refused : outcome::overage;
    }
    // checkRoute and trackRoute guard usage-based billing before it happens (track too, with the
    // usage meter: its guard runs before the meter's track).
    bool usage_based_refusal = false;
    if (within && usage_based) {
        guard_refusal = overage_refusal(ctx, c.id, std::int64_t{0}, pf, usage, value);
        usage_based_refusal = guard_refusal.has_value();
    }
    if (how == outcome::within && guard_refusal) how = outcome::refused;

    bool allowed = how != outcome::refused;
    if (how == outcome::addon_credits) {
        if (records) *addon_balance -= value;
        if (records) ctx.db.add_credits(c.id, credit->system, -value);
    } else if (allowed && records && value != 0 && !(how == outcome::overage && !track)) {
        ctx.db.add_usage(c.id, counted, entity_key, period.start, value);
        // Usage only grows within a period, so it reaches the limit once.
        if (limit && usage < static_cast<double>(*limit) && usage + value >= static_cast<double>(*limit))
            usage_limit_reached(ctx, c.id, counted, entity_key, js_number(usage + value), *limit, period.start, period.resets_at);
        if (track) usage += value;   // check reports the usage before its event
    }
    std::optional<double> balance = balance_of(usage);
    if (balance && *balance < 0) balance = 0.0;

    std::string u = js_number_text(usage), l = limit ? std::to_string(*limit) : "null", v = js_number_text(value);
    std::string b = balance ? js_number_text(*balance) : "Infinity";
    std::string message;
    const char* code;
    json::object extra;
    switch (how) {
    case outcome::addon_credits:
        code = "addon_credits_used";
        message = "Plan credits exhausted. " + v + " add-on credits " + (track || r.send_event ? "deducted." : "will be deducted.");
        extra = {{"addonCreditsUsed", js_number(value)}, {"addonCreditsRemaining", js_number(*addon_balance)}};
        break;
    case outcome::overage:
        code = track ? "tracked_overage" : "overage_allowed";
        message = track ? "Usage tracked as overage (will be billed)."
                        : "Usage exceeds limit (" + u + "/" + l + "), overage will be billed.";
        extra = {{"overage", track ? json::object{{"type", pricing.overage}, {"willBeBilled", true}}
                                   : json::object{{"type", pricing.overage},
                                                  {"willBeBilled", true},
                                                  {"pricePerUnit", optional_number(pricing.overage_price ? pricing.overage_price
                                                                                                      : pricing.price_per_unit)},
                                                  {"billingUnits", pricing.billing_units}}}};
        break;
    case outcome::refused:
        code = "limit_exceeded";
        // The guard's reason, except on check beyond the limit: a refused overage falls through
        // to checkRoute's plain block, whose message is the limit's.
        message = guard_refusal && (track || usage_based_refusal) ? *guard_refusal
                  : track ? "Usage tracking denied — limit reached (" + b + " remaining). Resets at " + resets_at + "."
                          : "Usage limit reached (" + u + "/" + l + "). Resets at " + resets_at + ".";
        break;
    case outcome::within:
        code = track ? "tracked" : "access_granted";
        message = track && usage_based ? std::string("Usage tracked successfully. This usage is billable.")
                  : track              ? "Usage tracked successfully (" + b + " remaining)."
                  : limit              ? "Access granted — used " + u + " of " + l + "."
                                       : "Unlimited access to '" + f->slug + "' on " + plan_name + ".";
        break;
    }
    auto body = entitlement(k, allowed, code, "");
    // trackRoute refuses usage-based billing before reading the meter: no usage, limit or balance.
    bool unmetered = track && usage_based_refusal;
    body["usage"] = unmetered ? json::value(nullptr) : js_number(usage);
    body["limit"] = limit_value(limit);
    body["balance"] = balance ? js_number(*balance) : json::value(nullptr);
    body["resetsAt"] = resets_at;
    body["resetInterval"] = pf.reset;
    body["credits"] = credits_payload(credit, pricing, unmetered ? 0.0 : usage, limit, resets_at, addon_balance);
    auto d = details(std::move(message), unmetered ? std::nullopt : std::optional<double>(usage));
    for (auto& [key, val] : extra) d[key] = val;
    body["details"] = std::move(d);
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
