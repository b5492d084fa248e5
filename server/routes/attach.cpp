// POST /v1/attach, as routes/api/checkout.ts (createCheckoutRoute, the attach handler) and
// lib/plan-switch.ts executeSwitch answer it: trials, new subscriptions, upgrades (paid plans
// through checkout), lateral switches and downgrades scheduled for the period's end.
// GET /v1/checkout/{token} is the sandbox payment page: fetching it pays and activates the plan
// (or, for a card-required trial, captures the card and starts the trial).
#include "routes/routes.hpp"

#include "domain/billing.hpp"
#include "domain/customers.hpp"
#include "domain/events.hpp"
#include "domain/subscriptions.hpp"
#include "domain/time.hpp"
#include "http/json_text.hpp"

#include "ids.hpp"

namespace owo::local {

namespace json = boost::json;

namespace {

} // namespace

std::string checkout_url(const request_context& ctx, const std::string& token) { return ctx.public_url + "/v1/checkout/" + token; }

namespace {

/// The trial branch of the attach handler (trialDays > 0, no card required).
json::object start_trial(request_context& ctx, const customer_row& c, const plan_def& plan) {
    for (const char* status : {"active", "trialing"})
        for (const auto& s : ctx.db.subscriptions(c.id, status))
            if (s.plan_slug == plan.slug)
                return {{"success", true},          {"trial", true},        {"message", "Trial already active"},
                        {"subscription_id", s.id}, {"customer_id", c.id}, {"trial_ends_at", iso8601(s.period_end)}};
    if (auto old = switchable_subscription(ctx.db, ctx.cat, c.id, plan); old && old->plan_slug != plan.slug)
        ctx.db.set_subscription_status(old->id, "canceled");
    auto sub = new_subscription(ctx, c.id, plan, "trialing");
    sub.period_end = ctx.now_ms + static_cast<std::int64_t>(plan.trial_days * day_ms);
    ctx.db.insert_subscription(sub);
    plan_attached(ctx, sub, "trial");
    return {{"success", true},
            {"trial", true},
            {"message", js_number_text(plan.trial_days) + "-day trial activated"},
            {"subscription_id", sub.id},
            {"customer_id", c.id},
            {"trial_ends_at", iso8601(sub.period_end)}};
}

/// The card-required trial branch (5b of the attach handler): a checkout that captures the card
/// ([local] the sandbox page, as there is never a card on file); completing it starts the
/// trial, which ends trialDays after this attach (the checkout's pre-calculated trial_ends_at).
json::object start_card_trial_checkout(request_context& ctx, const customer_row& c, const plan_def& plan) {
    auto sub = new_subscription(ctx, c.id, plan, "pending_trial_checkout");
    sub.checkout_token = owo::detail::make_uuid_v4();
    sub.period_end = ctx.now_ms + static_cast<std::int64_t>(plan.trial_days * day_ms);
    ctx.db.insert_subscription(sub);
    plan_attached(ctx, sub, "trial");
    return {{"success", true},
            {"trial", true},
            {"trial_days", plan.trial_days},
            {"checkoutUrl", checkout_url(ctx, *sub.checkout_token)},
            {"reference", *sub.checkout_token}};   // the local provider has no accessCode
}

/// A switch's answer: {success, type, requiresCheckout, ...}.
json::object switched(const char* type, bool checkout) {
    return {{"success", true}, {"type", type}, {"requiresCheckout", checkout}};
}

/// executeSwitch; the route adds customer_id.
json::object execute_switch(request_context& ctx, const customer_row& c, const plan_def& plan) {
    settle_subscriptions(ctx, c.id);
    auto existing = switchable_subscription(ctx.db, ctx.cat, c.id, plan);
    const plan_def* from = existing ? ctx.cat.plan(existing->plan_slug) : nullptr;
    if (existing && existing->plan_slug == plan.slug) {
        auto a = switched("lateral", false);
        a["subscriptionId"] = existing->id;
        a["message"] = "Already subscribed to " + plan.name;
        return a;
    }
    const char* type = switch_type(from, plan);
    std::string t = type;
    if (t == "downgrade") {
        // handleDowngrade: the current plan stays until its period ends; the new one starts then.
        for (auto& s : ctx.db.subscriptions(c.id, "scheduled")) ctx.db.set_subscription_status(s.id, "canceled");
        existing->cancel_at = existing->period_end;
        ctx.db.update_subscription(*existing);
        auto next = new_subscription(ctx, c.id, plan, "scheduled");
        next.period_start = existing->period_end;
        ctx.db.insert_subscription(next);
        plan_attached(ctx, next, "downgrade");
        auto a = switched("downgrade", false);
        a["subscriptionId"] = existing->id;
        a["scheduledAt"] = existing->period_end;
        a["message"] = "Downgrade to " + plan.name + " scheduled for " + iso8601(existing->period_end);
        return a;
    }
    if (!plan.paid()) {   // handleFreePlanSwitch
        if (existing) ctx.db.set_subscription_status(existing->id, "canceled");
        auto sub = new_subscription(ctx, c.id, plan, "active");
        sub.period_end = ctx.now_ms + 30 * day_ms;
        ctx.db.insert_subscription(sub);
        plan_attached(ctx, sub, type);
        auto a = switched(type, false);
        a["subscriptionId"] = sub.id;
        a["message"] = "Switched to free plan " + plan.name;
        return a;
    }
    if (t == "lateral") {   // handleLateralSwitch: same subscription, the new plan's features now
        existing->plan_slug = plan.slug;
        ctx.db.update_subscription(*existing);
        plan_attached(ctx, *existing, "lateral");
        auto a = switched("lateral", false);
        a["subscriptionId"] = existing->id;
        a["message"] = "Switched to " + plan.name + ". Features updated immediately.";
        return a;
    }
    // An upgrade from a free plan cancels it and starts anew (handleNewSubscription); a paid
    // upgrade goes through createUpgradeCheckout. Either way: a checkout, no card on file locally.
    bool paid_upgrade = t == "upgrade" && from && from->paid();
    if (t == "upgrade" && !paid_upgrade) {
        ctx.db.set_subscription_status(existing->id, "canceled");
        type = "new";
    }
    // [local] The payment provider's test mode, on this server: fetching the URL pays.
    auto sub = new_subscription(ctx, c.id, plan, "pending_checkout");
    sub.checkout_token = owo::detail::make_uuid_v4();
    ctx.db.insert_subscription(sub);
    plan_attached(ctx, sub, type);
    auto a = switched(type, true);
    a["checkoutUrl"] = checkout_url(ctx, *sub.checkout_token);
    a["message"] = paid_upgrade ? "Checkout created for upgrade to " + plan.name : "Checkout created for " + plan.name;
    return a;
}

} // namespace

route_result post_attach(request_context& ctx) {
    // attachSchema: customer, product, currency (min 3), channels, metadata, callbackUrl. It has
    // no customerData: [local] accepted (the TypeScript SDK sends it) and ignored, as hosted.
    body_validator v(ctx.body, {"customer", "product", "currency", "channels", "metadata", "callbackUrl", "customerData"});
    auto customer = v.required_string("customer");
    auto product = v.required_string("product");
    v.optional_string("currency", 3);
    v.optional_string_array("channels");
    auto metadata = v.optional_record("metadata");
    v.optional_url("callbackUrl");
    if (!v.ok()) return v.first_error();

    const plan_def* plan = ctx.cat.plan(product);
    if (!plan) return domain_error{error_kind::not_found, "Plan '" + product + "' not found"};
    // Always created when unknown: the email is the identifier, lower-cased; no auto plans.
    json::object data{{"email", ascii_lower(customer)}};
    if (metadata) data["metadata"] = *metadata;
    auto who = resolve_or_create(ctx, customer, data, auto_plans::skip);
    if (!who) return who.error();
    const auto& c = *who;

    if (plan->trial_days > 0)
        return plan->trial_card_required ? start_card_trial_checkout(ctx, c, *plan) : start_trial(ctx, c, *plan);
    auto answer = execute_switch(ctx, c, *plan);
    answer["customer_id"] = c.id;
    return answer;
}

route_result get_checkout(request_context& ctx) {
    // The page belongs to no organisation: the token finds the subscription, and its org the catalog.
    auto sub = ctx.db.subscription_by_token(ctx.param("token"));
    if (!sub) {
        // Or a payment session: an add-on purchase, a card setup, an invoice payment.
        auto session = ctx.db.payment_session(ctx.param("token"));
        if (!session) return domain_error{error_kind::no_such_page};
        std::string said;
        for (char ch : complete_payment_session(ctx.db, *session, ctx.now_ms))   // names come from the catalog: escaped
            said += ch == '<' ? "&lt;" : ch == '>' ? "&gt;" : ch == '&' ? "&amp;" : std::string(1, ch);
        return html_page{"<!doctype html><title>Owostack sandbox checkout</title><h1>Payment complete</h1><p>" + said + "</p>"};
    }
    auto cat = ctx.catalogs.find(sub->org);
    static const catalog no_catalog;
    const tenant owner{ctx.db, cat != ctx.catalogs.end() ? *cat->second : no_catalog, sub->org, ctx.now_ms, ctx.events};
    if (sub->status == "pending_checkout" && cat != ctx.catalogs.end()) activate_subscription(owner, *sub);
    if (sub->status == "pending_trial_checkout") start_card_trial(owner, *sub);
    std::string page = "<!doctype html><title>Owostack sandbox checkout</title><h1>Payment complete</h1>"
                       "<p>Sandbox payment for plan '" + sub->plan_slug + "' succeeded; the subscription has started.</p>";
    return html_page{std::move(page)};
}

} // namespace owo::local
