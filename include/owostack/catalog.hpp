// The catalog declared in code — features, credit systems, credit packs and plans — and
// `co_await owo.sync(catalog)`, which creates or updates it on the server (POST /v1/sync, the
// payload upstream's buildSyncPayload makes; docs/protocol.md §4.11).
//
//     owo::catalog catalog;
//     auto api_calls = catalog.metered("api-calls", {.name = "API calls"});
//     auto seats     = catalog.entity("seats");
//     auto sso       = catalog.boolean("sso");
//     auto credits   = catalog.credit_system("ai-credits", {.features = {{"api-calls", 2}}});
//     catalog.credit_pack("250-credits", {.name = "250 credits", .credits = 250, .price = 500,
//                                         .currency = "USD", .credit_system = "ai-credits"});
//     catalog.plan("pro", {.name = "Pro", .price = 2900, .currency = "USD", .interval = "monthly",
//                          .features = {api_calls.limit(10'000, {.overage = "charge", .overage_price = 20}),
//                                       seats.limit(5), sso.on(), credits.credits(1000)},
//                          .trial_days = 14});
//     for (auto& problem : catalog.problems()) ...           // every problem, before sending
//     owo::sync_result r = co_await owo.sync(catalog);      // invalid_argument listing them all
//
// Money is in minor units of the stated currency (integers). Slugs are identifiers
// (1-255 bytes, no control characters).
#pragma once

#include <owostack/features.hpp>

#include <boost/json/fwd.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace owo {

/// Only the display name of a feature.
struct feature_options {
    std::optional<std::string> name;        ///< default: the slug in words ("api-calls" -> "Api Calls")
};

/// A feature as declared.
struct feature_definition {
    std::string slug;
    feature_kind kind = feature_kind::metered;
    std::optional<std::string> name;
};

/// A feature that draws from a credit system, and how many credits one unit costs.
struct credit_system_feature {
    std::string feature;
    double credit_cost = 0;
};

/// A credit system: a balance that several features draw from, each at its own cost per unit
/// (also what GET /v1/credit-systems lists: credits.hpp).
struct credit_system_definition {
    std::string slug;                         ///< set by catalog::credit_system
    std::optional<std::string> name;          ///< default: the slug
    std::optional<std::string> description;
    std::vector<credit_system_feature> features;
};

/// Grants a credit system's balance in a plan: `credits.credits(1000)`.
class credit_system_handle {
public:
    credit_system_handle() = default;
    explicit credit_system_handle(std::string slug, std::optional<std::string> name = {})
        : slug_(std::move(slug)), name_(std::move(name)) {}
    const std::string& slug() const noexcept { return slug_; }
    /// `amount` credits per reset interval (default monthly), overage blocked unless "charge".
    plan_feature_entry credits(double amount, std::optional<std::string> reset = {},
                               std::optional<std::string> overage = {}) const;
    /// The credit system as a feature handle (check/track its balance).
    feature_handle feature() const { return feature_handle(slug_, feature_kind::metered, name_); }

private:
    std::string slug_;
    std::optional<std::string> name_;
};

/// A credit pack: a one-time purchase adding `credits` to a credit system's balance (addon).
struct credit_pack_definition {
    std::string slug;                         ///< set by catalog::credit_pack
    std::string name;
    std::optional<std::string> description;
    std::int64_t credits = 0;                 ///< >= 1
    std::int64_t price = 0;                   ///< minor units, >= 0
    std::string currency;                     ///< ISO 4217, e.g. "USD"
    std::string credit_system;                ///< slug of a credit system of the catalog
    std::optional<std::string> provider;
    std::optional<boost::json::object> metadata;
};

/// A plan: its price per interval, and what it grants.
struct plan_definition {
    std::string slug;                         ///< set by catalog::plan
    std::string name;
    std::optional<std::string> description;
    std::int64_t price = 0;                   ///< minor units per interval, >= 0 (0: a free plan)
    std::string currency;                     ///< ISO 4217, e.g. "USD"
    std::string interval = "monthly";         ///< daily | weekly | monthly | quarterly | yearly
    std::string billing_type = "recurring";   ///< recurring | one_time
    std::vector<plan_feature_entry> features;
    std::optional<std::string> plan_group;    ///< plans of a group replace each other (upgrade/downgrade)
    std::optional<int> trial_days;
    std::optional<std::string> provider;
    std::optional<boost::json::object> metadata;
    std::optional<bool> auto_enable;          ///< subscribed automatically to new customers
    std::optional<bool> is_addon;
};

/// A catalog declared in code. The declaring calls record what they are given; problems()
/// judges the whole (sync refuses a catalog with any, listing them all).
class catalog {
public:
    feature_handle metered(std::string slug, feature_options options = {});
    feature_handle boolean(std::string slug, feature_options options = {});
    /// A non-consumable feature whose entities (seats, projects) count against the limit.
    feature_handle entity(std::string slug, feature_options options = {});
    credit_system_handle credit_system(std::string slug, credit_system_definition definition);
    catalog& credit_pack(std::string slug, credit_pack_definition definition);
    catalog& plan(std::string slug, plan_definition definition);

    /// The handle of a declared feature or credit system; throws std::invalid_argument when the
    /// catalog declares no such slug.
    feature_handle feature(std::string_view slug) const;

    /// Every problem of the catalog, in declaration order ("plan 'pro': feature 'x' is not
    /// declared"): slugs, duplicates, references, prices, limits and the pricing rules of
    /// upstream's sync. Empty when it can be sent.
    std::vector<std::string> problems() const;

    /// The payload upstream's sync takes (what POST /v1/sync is sent).
    boost::json::value sync_payload() const;
    /// The catalog a sync payload describes (e.g. a catalog.json file); throws
    /// std::invalid_argument naming the first field that is not what it should be.
    static catalog from_sync_payload(const boost::json::value& payload);

    std::optional<std::string> default_provider;   ///< the provider of plans and packs that name none

    const std::vector<feature_definition>& features() const noexcept { return features_; }
    const std::vector<credit_system_definition>& credit_systems() const noexcept { return credit_systems_; }
    const std::vector<credit_pack_definition>& credit_packs() const noexcept { return credit_packs_; }
    const std::vector<plan_definition>& plans() const noexcept { return plans_; }

private:
    feature_handle declare(std::string slug, feature_kind kind, feature_options options);

    std::vector<feature_definition> features_;
    std::vector<credit_system_definition> credit_systems_;
    std::vector<credit_pack_definition> credit_packs_;
    std::vector<plan_definition> plans_;
};

/// What a sync did to one kind of item: slugs created, updated, or found as declared.
struct sync_changes {
    std::vector<std::string> created;
    std::vector<std::string> updated;
    std::vector<std::string> unchanged;
};

/// The answer of sync.
struct sync_result {
    sync_changes features;
    sync_changes credit_systems;
    sync_changes credit_packs;
    sync_changes plans;
    std::vector<std::string> warnings;   ///< e.g. a credit pack naming an unknown credit system, skipped
};

void tag_invoke(boost::json::value_from_tag, boost::json::value&, const catalog&);
sync_result tag_invoke(boost::json::value_to_tag<sync_result>, const boost::json::value&);
/// A credit system as GET /v1/credit-systems lists it (and as a sync payload declares it).
credit_system_definition tag_invoke(boost::json::value_to_tag<credit_system_definition>, const boost::json::value&);

} // namespace owo

// The catalog's row of the operation table (see operations.hpp for the columns): the catalog is
// the params; invalid when problems() is not empty.
#define OWOSTACK_CATALOG_OPERATIONS(X)                                                                                \
    X(sync,          post, "sync",             owo::catalog,         sync_result,            idempotent_write,     client_scope,   -,             hosted, "")
