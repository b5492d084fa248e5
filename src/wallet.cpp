// The wallet (include/owostack/wallet.hpp): apps/api/src/routes/api/wallet.ts (toCardInfo,
// toPaymentMethod, the setup and remove answers).
#include "json_mapping.hpp"
#include "operation.hpp"
#include "transport.hpp"
#include "validation.hpp"

#include <owostack/wallet.hpp>

namespace owo {

using namespace detail::mapping;

void tag_invoke(json::value_from_tag, json::value& jv, const wallet_setup_params& p) {
    json::object& o = jv.emplace_object();
    o["customer"] = p.customer;
    put(o, "callbackUrl", p.callback_url);
    put(o, "provider", p.provider);
}

void tag_invoke(json::value_from_tag, json::value& jv, const wallet_remove_params& p) {
    json::object& o = jv.emplace_object();
    o["customer"] = p.customer;
    o["id"] = p.id;
}

card_info tag_invoke(json::value_to_tag<card_info>, const json::value& jv) {
    const auto& o = as_object(jv, "card");
    return card_info{req_string(o, "id"), opt_string(o, "last4").value_or(""), opt_string(o, "brand").value_or("unknown"),
                     opt_string(o, "exp").value_or(""), opt_string(o, "provider").value_or("")};
}

payment_method tag_invoke(json::value_to_tag<payment_method>, const json::value& jv) {
    const auto& o = as_object(jv, "payment method");
    return payment_method{req_string(o, "id"), opt_string(o, "type").value_or(""), opt_string(o, "provider").value_or(""),
                          opt_bool(o, "isDefault", false), opt_bool(o, "isValid", false), opt_value<card_info>(o, "card")};
}

wallet_result tag_invoke(json::value_to_tag<wallet_result>, const json::value& jv) {
    const auto& o = as_object(jv, "wallet");
    if (!field(o, "hasCard")) throw detail::decode_error("missing field 'hasCard'");
    return wallet_result{opt_bool(o, "hasCard", false), opt_value<card_info>(o, "card"), req_array<payment_method>(o, "methods")};
}

wallet_setup_result tag_invoke(json::value_to_tag<wallet_setup_result>, const json::value& jv) {
    const auto& o = as_object(jv, "wallet setup");
    return wallet_setup_result{req_string(o, "url"), opt_string(o, "reference").value_or("")};
}

wallet_remove_result tag_invoke(json::value_to_tag<wallet_remove_result>, const json::value& jv) {
    const auto& o = as_object(jv, "wallet remove");
    return wallet_remove_result{opt_bool(o, "success", false), false};
}

// ---- rules ---------------------------------------------------------------------------------

static std::string invalid_reason_of(const wallet_params& p) { return detail::check_identifier("customer", p.customer); }

static std::string invalid_reason_of(const wallet_setup_params& p) {
    return first_problem({detail::check_identifier("customer", p.customer),
                          detail::check_optional_url("callback_url", p.callback_url),
                          detail::check_optional_identifier("provider", p.provider), check_key(p.idempotency_key)});
}

static std::string invalid_reason_of(const wallet_remove_params& p) {
    return first_problem({detail::check_identifier("customer", p.customer), detail::check_identifier("id", p.id),
                          check_key(p.idempotency_key)});
}

static void put_query(const wallet_params& p, detail::query_params& q) { q.emplace_back("customer", p.customer); }

// An earlier attempt removed the method, then its answer was lost: the desired state holds.
static std::optional<wallet_remove_result> recovered(const wallet_remove_params&, const detail::call_result& r) {
    if (r.ec != error::not_found || r.diag.message != "Payment method not found" || !r.earlier_attempt_may_have_applied)
        return std::nullopt;
    return wallet_remove_result{true, true};
}

} // namespace owo

#define OWOSTACK_ROWS_OF_THIS_FILE OWOSTACK_WALLET_OPERATIONS
#include "operation_impl.hpp"
