// Credits: the organisation's credit systems and credit packs (GET /v1/credit-systems,
// GET /v1/credit-packs), and addon — a customer buys a credit pack (POST /v1/addon).
// Money in minor units with its currency code.
#pragma once

#include <owostack/catalog.hpp>
#include <owostack/types.hpp>

#include <boost/json/fwd.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace owo {

/// GET /v1/credit-systems takes nothing; it lists owo::credit_system_definition (catalog.hpp).
struct credit_systems_params {};

/// GET /v1/credit-packs takes nothing (active packs, newest first).
struct credit_packs_params {};

/// A credit pack for sale.
struct credit_pack_info {
    std::string id;
    std::string slug;
    std::string name;
    std::optional<std::string> description;
    std::int64_t credits = 0;
    std::int64_t price = 0;                      ///< minor units
    std::string currency;
    std::optional<std::string> credit_system;    ///< the credit system's slug (`creditSystem`, else `creditSystemId`)
    std::optional<std::string> provider;
    boost::json::object metadata;
    bool is_active = true;
    time_point created_at{};
    time_point updated_at{};
};

/// POST /v1/addon: buy `quantity` packs for a customer.
struct addon_params {
    std::string customer;                        ///< id, external id or email (an email creates the customer)
    std::string pack;                            ///< credit pack slug or id
    std::optional<std::int64_t> quantity;        ///< >= 1 (server default 1)
    std::optional<std::string> currency;         ///< >= 3 characters
    std::optional<boost::json::object> metadata;
    std::optional<std::string> callback_url;     ///< where checkout returns to
    std::optional<std::string> idempotency_key;
};

/// The answer of addon: a checkout to complete, or (charged at once) the credits added.
struct addon_result {
    bool requires_checkout = false;
    std::optional<std::string> checkout_url;
    std::optional<std::int64_t> quantity;
    std::optional<std::int64_t> credits;         ///< credits bought (credits per pack x quantity)
    std::optional<double> balance;               ///< charged at once: the credit system's new balance
    std::optional<std::string> credit_system_id;
    std::optional<std::string> reference;
    std::optional<std::string> message;
};

void tag_invoke(boost::json::value_from_tag, boost::json::value&, const addon_params&);
credit_pack_info tag_invoke(boost::json::value_to_tag<credit_pack_info>, const boost::json::value&);
addon_result tag_invoke(boost::json::value_to_tag<addon_result>, const boost::json::value&);

} // namespace owo

// Rows of the operation table (columns: operations.hpp). addon may charge a saved card: a lost
// answer is replayed only to a server that honours Idempotency-Key (counts_usage).
#define OWOSTACK_CREDITS_OPERATIONS(X)                                                                                \
    X(credit_systems, get, "credit-systems",   credit_systems_params, std::vector<owo::credit_system_definition>, read, client_scope, -,        hosted, "creditSystems") \
    X(credit_packs,  get,  "credit-packs",     credit_packs_params,  std::vector<owo::credit_pack_info>, read,  client_scope,   -,             hosted, "data")  \
    X(addon,         post, "addon",            addon_params,         addon_result,           counts_usage,         customer_scope, addon,         hosted, "")
