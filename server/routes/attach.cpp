// POST /v1/attach (subscribe, upgrade, downgrade; paid plans through checkout) and
// GET /v1/checkout/{token}, the sandbox payment page: fetching it pays and activates the plan.
#include "routes/routes.hpp"

#include "domain/customers.hpp"
#include "domain/subscriptions.hpp"

#include "ids.hpp"

namespace owo::local {

namespace json = boost::json;

route_result post_attach(request_context& ctx) {
    body_validator v(ctx.body, {"customer", "product", "customerData", "metadata", "channels", "currency", "callbackUrl"});
    auto customer = v.required_string("customer");
    auto product = v.required_string("product");
    auto customer_data = read_customer_data(v);
    v.optional_object("metadata");
    v.optional_string("currency");
    v.optional_string("callbackUrl");
    if (!v.ok()) return v.error();

    const plan_def* plan = ctx.cat.plan(product);
    if (!plan) return domain_error{error_kind::not_found, "Plan '" + product + "' not found"};
    auto who = resolve_or_create(ctx, customer, customer_data, false);
    if (!who) return who.error();
    const auto& c = *who;

    json::object answer{{"success", true}, {"customer_id", c.id}};
    auto current = current_in_group(ctx.db, ctx.cat, c.id, *plan);
    if (current && current->plan_slug == plan->slug) {
        answer["subscriptionId"] = current->id;
        answer["message"] = "Customer is already on plan '" + plan->slug + "'";
        return answer;
    }
    const char* type = "new";
    if (current)
        if (const plan_def* from = ctx.cat.plan(current->plan_slug))
            type = plan->price > from->price ? "upgrade" : plan->price < from->price ? "downgrade" : "lateral";
    answer["type"] = type;

    subscription_row sub{owo::detail::make_uuid_v4(), ctx.org, c.id, plan->slug, "pending_checkout", std::nullopt, ctx.now_ms};
    if (!plan->paid()) {
        ctx.db.insert_subscription(sub);
        activate_subscription(ctx.db, ctx.cat, sub);
        answer["subscriptionId"] = sub.id;
        answer["message"] = "Plan '" + plan->slug + "' activated";
        return answer;
    }
    // [local] The payment provider's test mode, on this server: fetching the URL pays.
    std::string token = owo::detail::make_uuid_v4();
    sub.checkout_token = token;
    ctx.db.insert_subscription(sub);
    answer["requiresCheckout"] = true;
    answer["checkoutUrl"] = ctx.public_url + "/v1/checkout/" + token;
    answer["reference"] = token;
    answer["accessCode"] = token;
    answer["subscriptionId"] = sub.id;
    return answer;
}

route_result get_checkout(request_context& ctx) {
    // The page belongs to no organisation: the token finds the subscription, and its org the catalog.
    auto sub = ctx.db.subscription_by_token(ctx.param("token"));
    if (!sub) return domain_error{error_kind::no_such_page};
    auto cat = ctx.catalogs.find(sub->org);
    if (sub->status == "pending_checkout" && cat != ctx.catalogs.end()) activate_subscription(ctx.db, *cat->second, *sub);
    std::string page = "<!doctype html><title>Owostack sandbox checkout</title><h1>Payment complete</h1>"
                       "<p>Sandbox payment for plan '" + sub->plan_slug + "' succeeded; the subscription is active.</p>";
    return html_page{std::move(page)};
}

} // namespace owo::local
