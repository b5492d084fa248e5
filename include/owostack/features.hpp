// Features declared in code, and the typed handles that use them: `seats.limit(5)` in a plan,
// `co_await api_calls.track(customer, 5)` at run time. A handle comes from an owo::catalog
// (catalog.hpp): `auto seats = catalog.entity("seats")` or `catalog.feature("seats")`.
#pragma once

#include <owostack/types.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace owo {

class customer;

/// What a feature is: usage that is metered (api calls), a switch (sso), or entities counted
/// against a limit (seats: a non-consumable metered feature, managed by add/remove).
enum class feature_kind { metered, boolean, entity };

/// One tier of graduated or volume pricing. Money in minor units of the plan's currency.
struct pricing_tier {
    std::optional<double> up_to;              ///< inclusive upper bound in units; empty: open-ended (last tier only)
    std::optional<std::int64_t> unit_price;   ///< minor units per unit
    std::optional<std::int64_t> flat_fee;     ///< minor units, charged once the tier is entered
};

/// How a plan grants a metered or entity feature beyond its limit (upstream's
/// MeteredFeatureConfig). Every field is optional; what is empty is not sent.
struct feature_terms {
    std::optional<double> trial_limit;           ///< the limit while trialing (empty: unlimited)
    std::optional<std::string> reset;            ///< "monthly" (metered default), "never" (entity default), "daily", ...
    std::optional<std::string> overage;          ///< "block" (default) | "charge"
    std::optional<std::int64_t> overage_price;   ///< minor units per overage package
    std::optional<double> max_overage_units;
    std::optional<double> billing_units;         ///< package size (units per price)
    std::optional<std::string> usage_model;      ///< "included" | "usage_based" | "prepaid"
    std::optional<std::int64_t> price_per_unit;  ///< minor units per package
    std::optional<std::string> rating_model;     ///< "package" | "graduated" | "volume"
    std::vector<pricing_tier> tiers;             ///< graduated / volume only
    std::optional<double> credit_cost;
};

/// One feature of one plan (upstream's PlanFeatureEntry), as a handle's builders make it.
struct plan_feature_entry {
    std::string slug;
    feature_kind kind = feature_kind::metered;   ///< a credit system's entry is metered
    bool enabled = true;
    std::optional<double> limit;                 ///< per reset interval; empty: unlimited (booleans: none)
    feature_terms terms;
};

/// Options of a handle's check (the rest of owo::check_params).
struct feature_check_options {
    std::optional<double> value;          ///< server default: 1
    std::optional<std::string> entity;
    std::optional<bool> send_event;       ///< also record the usage
};

/// Options of a handle's track.
struct feature_track_options {
    std::optional<std::string> entity;
    std::optional<boost::json::object> metadata;
};

/// An entity added through a handle (the rest of owo::add_entity_params).
struct feature_entity_options {
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<boost::json::object> metadata;
};

/// A feature of a catalog: builders for plans, and the calls of check/track/entities with the
/// feature filled in. A cheap value; the calls forward to the customer's client with exactly
/// the semantics of check, track, add_entity, remove_entity and list_entities.
class feature_handle {
public:
    feature_handle() = default;
    feature_handle(std::string slug, feature_kind kind, std::optional<std::string> name = {})
        : slug_(std::move(slug)), name_(std::move(name)), kind_(kind) {}

    const std::string& slug() const noexcept { return slug_; }
    feature_kind kind() const noexcept { return kind_; }
    const std::optional<std::string>& name() const noexcept { return name_; }

    // ---- in a plan (upstream's helpers: the same defaults) ----------------------------------
    /// Up to `n` per reset interval (metered: reset monthly; entity: never), overage blocked
    /// unless `terms` say otherwise.
    plan_feature_entry limit(double n, feature_terms terms = {}) const;
    plan_feature_entry included(double n, feature_terms terms = {}) const { return limit(n, std::move(terms)); }
    plan_feature_entry unlimited(feature_terms terms = {}) const;
    /// Usage-based: every unit costs `unit_price` minor units (package rating, billing units 1).
    plan_feature_entry per_unit(std::int64_t unit_price, std::optional<std::string> reset = {}) const;
    /// Usage-based, tiered: each unit priced by the tier it falls in.
    plan_feature_entry graduated(std::vector<pricing_tier> tiers, std::optional<std::string> reset = {}) const;
    /// Usage-based, tiered: every unit priced by the tier the total falls in.
    plan_feature_entry volume(std::vector<pricing_tier> tiers, std::optional<std::string> reset = {}) const;
    /// Any terms; `limit` empty is unlimited.
    plan_feature_entry config(std::optional<double> limit, feature_terms terms, bool enabled = true) const;
    /// Booleans: included, or listed as off.
    plan_feature_entry on() const;
    plan_feature_entry off() const;

    // ---- at run time (the customer handle's client; throws owo::api_error) --------------------
    boost::asio::awaitable<access_result> check(owo::customer c, feature_check_options options = {}) const;
    boost::asio::awaitable<access_result> track(owo::customer c, double value = 1,
                                                feature_track_options options = {}) const;
    /// Entity features (seats): add, remove and list the customer's entities of this feature.
    boost::asio::awaitable<add_entity_result> add(owo::customer c, std::string entity,
                                                  feature_entity_options options = {}) const;
    boost::asio::awaitable<remove_entity_result> remove(owo::customer c, std::string entity) const;
    boost::asio::awaitable<list_entities_result> list(owo::customer c) const;

private:
    plan_feature_entry entry(std::optional<double> limit, feature_terms terms, bool enabled = true) const;

    std::string slug_;
    std::optional<std::string> name_;
    feature_kind kind_ = feature_kind::metered;
};

const char* to_string(feature_kind k) noexcept;

} // namespace owo
