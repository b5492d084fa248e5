// POST /v1/addon, as routes/api/addon.ts (createAddonRoute, handleAddonPurchase) answers it: a
// credit pack (by slug, then id) bought for a customer (resolved, or created from an email)
// always goes through a checkout; completing it adds the pack's credits to the customer's
// balance in the pack's credit system. [local] The checkout is the sandbox page.
#include "routes/routes.hpp"

#include "domain/billing.hpp"
#include "domain/customers.hpp"

#include <cctype>

namespace owo::local {

namespace json = boost::json;

route_result post_addon(request_context& ctx) {
    // addonSchema: customer, pack, quantity (int >= 1, default 1), currency (min 3), metadata,
    // callbackUrl (url). The route's zod-openapi validator (no hook) checks it before the
    // handler: every issue, as the raw ZodError 400.
    body_validator v(ctx.body, {"customer", "pack", "quantity", "currency", "metadata", "callbackUrl"});
    auto customer = v.required_string("customer");
    auto pack_name = v.required_string("pack");
    auto quantity_read = v.optional_integer("quantity", 1);
    v.optional_string("currency", 3);
    auto metadata = v.optional_record("metadata");
    v.optional_url("callbackUrl");
    if (!v.ok()) return v.error();
    std::int64_t quantity = quantity_read.value_or(1);

    const credit_pack_def* pack = ctx.cat.credit_pack(pack_name);
    if (!pack) return domain_error{error_kind::not_found, "Credit pack '" + pack_name + "' not found"};
    // Every pack names a credit system (sync refuses one that does not), so the hosted 400 for a
    // pack without one cannot happen here; the sandbox provider is always configured.

    std::string identifier = customer;
    while (!identifier.empty() && std::isspace(static_cast<unsigned char>(identifier.back()))) identifier.pop_back();
    while (!identifier.empty() && std::isspace(static_cast<unsigned char>(identifier.front()))) identifier.erase(0, 1);
    std::optional<json::object> data;
    if (identifier.find('@') != std::string::npos) {
        data = json::object{{"email", ascii_lower(identifier)}};
        if (metadata) (*data)["metadata"] = *metadata;
    }
    auto who = resolve_or_create(ctx, identifier, data, auto_plans::assign);
    if (!who) {
        if (who.error().kind == error_kind::conflict) return who.error();
        return domain_error{error_kind::invalid,
                            "Could not resolve customer. Use an existing customer ID/external ID or pass a customer email to auto-create."};
    }

    std::int64_t credits = 0, amount = 0;
    if (__builtin_mul_overflow(pack->credits, quantity, &credits) || __builtin_mul_overflow(pack->price, quantity, &amount))
        return domain_error{error_kind::invalid, "quantity is too large"};   // [local] hardening
    std::string message = "Checkout created for " + std::to_string(quantity) + "x " + pack->name + " (" + std::to_string(credits) +
                          " credits)";
    json::object payload{{"pack", pack->slug},
                         {"creditSystem", pack->credit_system},
                         {"quantity", quantity},
                         {"credits", credits},
                         {"amount", amount},
                         {"currency", pack->currency},
                         {"message", std::to_string(credits) + " " + pack->credit_system + " credits"}};
    auto token = open_payment_session(ctx, who->id, "addon", payload);
    return json::object{{"success", true},     {"requiresCheckout", true}, {"checkoutUrl", checkout_url(ctx, token)},
                        {"quantity", quantity}, {"credits", credits},       {"message", std::move(message)}};
}

} // namespace owo::local
