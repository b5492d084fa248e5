// GET /v1/wallet, POST /v1/wallet/setup, POST /v1/wallet/remove, as routes/api/wallet.ts
// (createWalletRoute) answers them. The bodies are checked by the routes' zod-openapi validator
// before the handlers run (no hook): a bad body is the raw ZodError 400, so the handlers' own
// flatten().fieldErrors answer is never reached. [local] The payment provider is the sandbox: setup answers
// a sandbox checkout page whose completion saves a test card as the default method.
#include "routes/routes.hpp"

#include "domain/billing.hpp"
#include "domain/customers.hpp"
#include "routes/query.hpp"

namespace owo::local {

namespace json = boost::json;

namespace {

/// toCardInfo: a card's summary, null for a method that is not a card.
json::value card_info(const payment_method_row& m) {
    if (m.type != "card" || !m.card_last4) return nullptr;
    std::string exp = m.card_exp_month && m.card_exp_year
                          ? std::to_string(*m.card_exp_month) + "/" + std::to_string(*m.card_exp_year)
                          : std::string();
    return json::object{{"id", m.id}, {"last4", *m.card_last4}, {"brand", m.card_brand.value_or("unknown")}, {"exp", exp},
                        {"provider", m.provider}};
}

} // namespace

route_result get_wallet(request_context& ctx) {
    query_reader q(ctx.query);
    auto customer = q.string("customer");
    if (!q.ok()) return q.error();
    if (!customer || customer->empty()) return domain_error{error_kind::invalid, "customer query param required"};
    auto found = resolve_customer(ctx, *customer);
    if (!found) return found.error();
    json::array methods;
    json::value card = nullptr;
    bool has_card = false;
    if (*found)
        for (const auto& m : ctx.db.payment_methods(ctx.org, (*found)->id)) {
            if (m.is_default && m.is_valid && !has_card) {
                has_card = true;
                card = card_info(m);
            }
            methods.push_back(json::object{{"id", m.id},
                                           {"type", m.type},
                                           {"provider", m.provider},
                                           {"isDefault", m.is_default},
                                           {"isValid", m.is_valid},
                                           {"card", card_info(m)}});
        }
    // An unknown customer has an empty wallet, not a 404 (and the answer has no "success").
    return json::object{{"hasCard", has_card}, {"card", std::move(card)}, {"methods", std::move(methods)}};
}

route_result post_wallet_setup(request_context& ctx) {
    // setupSchema: customer, callbackUrl (url), provider.
    body_validator v(ctx.body, {"customer", "callbackUrl", "provider"});
    auto customer = v.required_string("customer");
    v.optional_url("callbackUrl");
    v.optional_string("provider");
    if (!v.ok()) return v.error();
    auto who = resolve_existing(ctx, customer);
    if (!who) return who.error();
    // [local] Whatever provider is asked for, the sandbox one (always configured) answers.
    auto token = open_payment_session(ctx, who->id, "card_setup", json::object{});
    return json::object{{"url", checkout_url(ctx, token)}, {"reference", token}};
}

route_result post_wallet_remove(request_context& ctx) {
    // removeSchema: customer, id.
    body_validator v(ctx.body, {"customer", "id"});
    auto customer = v.required_string("customer");
    auto id = v.required_string("id");
    if (!v.ok()) return v.error();
    auto who = resolve_existing(ctx, customer);
    if (!who) return who.error();
    if (!ctx.db.delete_payment_method(ctx.org, who->id, id)) return domain_error{error_kind::not_found, "Payment method not found"};
    return json::object{{"success", true}};
}

} // namespace owo::local
