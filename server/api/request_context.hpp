// Shared by the route handlers: the request context and the helpers several routes use
// (customer resolution and creation, grants from active subscriptions, usage periods).
#pragma once

#include "domain/body_validator.hpp"
#include "domain/catalog.hpp"
#include "http/reply.hpp"
#include "store/store.hpp"

#include <boost/json/value.hpp>
#include <boost/url/params_view.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace owo::local {

struct request_context {
    store& db;
    const catalog& cat;
    const std::string& org;
    std::int64_t now_ms;
    const std::string& public_url;
    const boost::json::value& body;         // POST bodies ({} when absent)
    boost::urls::params_view query;         // GET query
    std::optional<boost::json::object> new_catalog;   // set by /v1/sync, installed after commit
};

// ---- handlers (one per route) --------------------------------------------------------------
reply post_customers(request_context& ctx);
reply get_customer(request_context& ctx, const std::string& id);
reply post_entities(request_context& ctx);
reply post_entities_remove(request_context& ctx);
reply get_entities(request_context& ctx);
reply get_plans(request_context& ctx);
reply get_plan(request_context& ctx, const std::string& slug);
reply post_attach(request_context& ctx);
reply post_check(request_context& ctx);
reply post_track(request_context& ctx);
reply post_sync(request_context& ctx);
/// The sandbox payment page: completing it activates the pending subscription.
reply get_checkout(store& db, const catalog_map& catalogs, const std::string& token);

// ---- customers -----------------------------------------------------------------------------
struct resolution {
    enum { found, not_found, ambiguous } status = not_found;
    customer_row customer;
    reply ambiguity;   // the 409 to answer when ambiguous
};

/// internal id -> external id -> email (case-insensitive, only for identifiers with '@').
resolution resolve_customer(request_context& ctx, const std::string& identifier);

/// Creates a customer (lower-cased email, name defaulting to the local part) and subscribes
/// it to the catalog's auto-enabled plans.
customer_row create_customer(request_context& ctx, const std::string& email, std::optional<std::string> external_id,
                             std::optional<std::string> name, std::optional<boost::json::object> metadata);

/// Resolves `identifier`, creating the customer from `customer_data` ({email, name?, metadata?})
/// when it is unknown; `reply` is set when the request must be answered with an error.
struct resolved_or_reply {
    std::optional<customer_row> customer;
    std::optional<reply> answer;
};
resolved_or_reply resolve_or_create(request_context& ctx, const std::string& identifier,
                                    const std::optional<boost::json::object>& customer_data, bool create_for_email);

/// Validates a customerData object inside `v` (adds issues to `v`).
std::optional<boost::json::object> read_customer_data(body_validator& v);

// ---- subscriptions and grants -------------------------------------------------------------
struct grant {
    const plan_def* plan = nullptr;
    const plan_feature_def* feature = nullptr;
};
/// The first active subscription whose plan enables `feature`.
std::optional<grant> find_grant(request_context& ctx, const std::string& customer_id, const std::string& feature);
bool has_active_subscription(request_context& ctx, const std::string& customer_id);
/// Activates `sub`, ending the other active subscriptions in its plan group.
void activate_subscription(store& db, const catalog& cat, const subscription_row& sub);

// ---- time ----------------------------------------------------------------------------------
std::string iso8601(std::int64_t epoch_ms);
struct usage_period {
    std::int64_t start = 0;                 // 0 when usage never resets
    std::optional<std::int64_t> resets_at;  // next boundary
};
usage_period period_for(const std::optional<std::string>& reset, std::int64_t now_ms);

boost::json::value json_or_null(const std::optional<std::string>& json_text);
boost::json::value string_or_null(const std::optional<std::string>& s);

} // namespace owo::local
