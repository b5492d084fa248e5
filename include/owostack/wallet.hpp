// The wallet: a customer's saved payment methods (GET /v1/wallet), a setup flow that saves a
// card (POST /v1/wallet/setup), and removing one (POST /v1/wallet/remove).
#pragma once

#include <owostack/types.hpp>

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace owo {

/// A saved card.
struct card_info {
    std::string id;                   ///< the payment method's id
    std::string last4;
    std::string brand;                ///< visa, mastercard, verve, ... ("unknown")
    std::string exp;                  ///< "MM/YY"-like as the provider gave it; "" when unknown
    std::string provider;
};

/// A saved payment method.
struct payment_method {
    std::string id;
    std::string type;                 ///< "card" | "provider_managed"
    std::string provider;
    bool is_default = false;
    bool is_valid = false;            ///< still chargeable
    std::optional<card_info> card;    ///< empty for provider_managed methods
};

/// GET /v1/wallet?customer=: an unknown customer has an empty wallet (not an error).
struct wallet_params {
    std::string customer;             ///< id, external id or email
};

struct wallet_result {
    bool has_card = false;            ///< a valid default card exists
    std::optional<card_info> card;    ///< that card
    std::vector<payment_method> methods;
};

/// POST /v1/wallet/setup: a hosted flow that captures a card for later charges.
struct wallet_setup_params {
    std::string customer;
    std::optional<std::string> callback_url;
    std::optional<std::string> provider;
    std::optional<std::string> idempotency_key;
};

struct wallet_setup_result {
    std::string url;                  ///< send the customer here
    std::string reference;
};

/// POST /v1/wallet/remove: delete one saved payment method.
struct wallet_remove_params {
    std::string customer;
    std::string id;                   ///< the payment method's id
    std::optional<std::string> idempotency_key;
};

struct wallet_remove_result {
    bool removed = false;
    bool already_removed = false;     ///< a retry met "Payment method not found": an earlier attempt removed it
};

void tag_invoke(boost::json::value_from_tag, boost::json::value&, const wallet_setup_params&);
void tag_invoke(boost::json::value_from_tag, boost::json::value&, const wallet_remove_params&);
card_info tag_invoke(boost::json::value_to_tag<card_info>, const boost::json::value&);
payment_method tag_invoke(boost::json::value_to_tag<payment_method>, const boost::json::value&);
wallet_result tag_invoke(boost::json::value_to_tag<wallet_result>, const boost::json::value&);
wallet_setup_result tag_invoke(boost::json::value_to_tag<wallet_setup_result>, const boost::json::value&);
wallet_remove_result tag_invoke(boost::json::value_to_tag<wallet_remove_result>, const boost::json::value&);

} // namespace owo

// Rows of the operation table (columns: operations.hpp).
#define OWOSTACK_WALLET_OPERATIONS(X)                                                                                 \
    X(wallet,        get,  "wallet",           wallet_params,        wallet_result,          read,                 customer_scope, wallet,        hosted, "")      \
    X(wallet_setup,  post, "wallet/setup",     wallet_setup_params,  wallet_setup_result,    idempotent_write,     customer_scope, wallet_setup,  hosted, "")      \
    X(wallet_remove, post, "wallet/remove",    wallet_remove_params, wallet_remove_result,   idempotent_write,     customer_scope, wallet_remove, hosted, "")
