// Credits (include/owostack/credits.hpp): credit systems and packs as listed
// (apps/api/src/routes/api/credit-systems.ts, credit-packs.ts) and addon (addon.ts).
#include "json_mapping.hpp"
#include "operation.hpp"
#include "validation.hpp"

#include <owostack/credits.hpp>

namespace owo {

using namespace detail::mapping;

void tag_invoke(json::value_from_tag, json::value& jv, const addon_params& p) {
    json::object& o = jv.emplace_object();
    o["customer"] = p.customer;
    o["pack"] = p.pack;
    put(o, "quantity", p.quantity);
    put(o, "currency", p.currency);
    put(o, "metadata", p.metadata);
    put(o, "callbackUrl", p.callback_url);
}

credit_pack_info tag_invoke(json::value_to_tag<credit_pack_info>, const json::value& jv) {
    const auto& o = as_object(jv, "credit pack");
    credit_pack_info p;
    p.id = opt_string(o, "id").value_or("");
    p.slug = req_string(o, "slug");
    p.name = opt_string(o, "name").value_or(p.slug);
    p.description = opt_string(o, "description");
    p.credits = opt_int(o, "credits").value_or(0);
    p.price = opt_int(o, "price").value_or(0);
    p.currency = opt_string(o, "currency").value_or("");
    p.credit_system = opt_string(o, "creditSystem");
    if (!p.credit_system) p.credit_system = opt_string(o, "creditSystemId");
    p.provider = opt_string(o, "provider");
    p.metadata = opt_object(o, "metadata");
    p.is_active = opt_bool(o, "isActive", true);
    p.created_at = opt_time(o, "createdAt").value_or(time_point{});
    p.updated_at = opt_time(o, "updatedAt").value_or(p.created_at);
    return p;
}

addon_result tag_invoke(json::value_to_tag<addon_result>, const json::value& jv) {
    const auto& o = as_object(jv, "addon result");
    addon_result r;
    if (!field(o, "requiresCheckout")) throw detail::decode_error("missing field 'requiresCheckout'");
    r.requires_checkout = opt_bool(o, "requiresCheckout", false);
    r.checkout_url = opt_string(o, "checkoutUrl");
    r.quantity = opt_int(o, "quantity");
    r.credits = opt_int(o, "credits");
    r.balance = opt_number(o, "balance");
    r.credit_system_id = opt_string(o, "creditSystemId");
    r.reference = opt_string(o, "reference");
    r.message = opt_string(o, "message");
    return r;
}

// The hosted schemas (addon.ts): quantity an integer >= 1, currency >= 3 characters, callbackUrl a URL.
static std::string invalid_reason_of(const addon_params& p) {
    using namespace detail;
    std::string quantity = p.quantity && *p.quantity < 1 ? "quantity must be at least 1" : "";
    return first_problem({check_identifier("customer", p.customer), check_identifier("pack", p.pack), quantity,
                          check_optional_min_chars("currency", p.currency, 3),
                          check_optional_url("callback_url", p.callback_url), check_metadata("metadata", p.metadata),
                          check_key(p.idempotency_key)});
}

static std::string invalid_reason_of(const credit_systems_params&) { return {}; }
static std::string invalid_reason_of(const credit_packs_params&) { return {}; }

} // namespace owo

#define OWOSTACK_ROWS_OF_THIS_FILE OWOSTACK_CREDITS_OPERATIONS
#include "operation_impl.hpp"
