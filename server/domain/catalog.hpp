// An organisation's catalog (features and plans) in the shape of Owostack's sync payload:
// parsed and validated, merged by slug the way `POST /v1/sync` does, and rendered as PublicPlan.
#pragma once

#include "domain/result.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace owo::local {

struct feature_def {
    std::string slug, name, type;   // type: metered | boolean
    std::string meter_type;         // consumable | non_consumable (metered only)
    std::optional<std::string> unit;
    std::string id;                 // a UUID given when sync creates it (billing answers name it as featureId)
    bool consumable() const { return type == "metered" && meter_type != "non_consumable"; }
    bool entity_feature() const { return type == "metered" && meter_type == "non_consumable"; }
};

/// One tier of graduated or volume pricing (minor units; up_to none = open-ended).
struct price_tier {
    std::optional<std::int64_t> up_to, unit_price, flat_fee;
};

/// How a plan feature's usage is charged (routes/api/sync.ts syncPlanFeatureSchema, normalised
/// as lib/plan-feature-normalization.ts does): money in integer minor units.
struct feature_pricing {
    std::string usage_model = "included";   // included | usage_based | prepaid
    std::string rating_model = "package";   // package | graduated | volume
    std::string overage = "block";          // block | charge (usage_based: always charge)
    std::optional<std::int64_t> price_per_unit, overage_price, max_overage_units;
    std::int64_t billing_units = 1;
    std::vector<price_tier> tiers;
};

/// The tiers as sync declared them: [{upTo, unitPrice?, flatFee?}].
boost::json::array price_tiers_json(const std::vector<price_tier>& tiers);

struct plan_feature_def {
    std::string slug;
    bool enabled = true;
    std::optional<std::int64_t> limit;   // none = unlimited
    std::optional<std::int64_t> trial_limit;
    std::string reset;                   // normalised reset interval: "monthly" unless given; booleans "never"
    feature_pricing pricing;
};

/// A credit system: a metered pool (also a feature of its own slug, as sync.ts creates one)
/// that the listed features draw from at `cost` credits per unit.
struct credit_system_def {
    std::string id, slug, name;
    std::optional<std::string> description;
    std::vector<std::pair<std::string, double>> features;   // feature slug, creditCost
    std::string feature_id;   // its pool feature's id: sync.ts makes that feature a row of its own
};

/// A credit pack: `credits` credits of one credit system for `price` minor units of `currency`.
struct credit_pack_def {
    std::string id, slug, name;
    std::optional<std::string> description;
    std::int64_t credits = 0, price = 0;
    std::string currency, credit_system;
    std::optional<std::string> provider;
    std::optional<boost::json::object> metadata;
    std::int64_t created_at = 0, updated_at = 0;
};

struct plan_def {
    std::string id, slug, name;
    std::optional<std::string> description;
    double price = 0;   // minor units; any number a sync accepted
    std::string currency, interval, billing_type;
    std::optional<std::string> plan_group;
    bool auto_enable = false, is_addon = false, active = true, trial_card_required = false;
    double trial_days = 0;
    std::vector<plan_feature_def> features;

    const plan_feature_def* feature(const std::string& slug) const;
    bool paid() const { return price > 0; }
};

class catalog {
public:
    catalog() = default;
    /// From the stored (already merged and validated) JSON document.
    explicit catalog(boost::json::object doc);

    const feature_def* feature(const std::string& slug) const;
    const plan_def* plan(const std::string& slug) const;
    const std::vector<plan_def>& plans() const { return plans_; }
    const std::vector<credit_system_def>& credit_systems() const { return credit_systems_; }
    const std::vector<credit_pack_def>& credit_packs() const { return credit_packs_; }
    const credit_system_def* credit_system(const std::string& slug) const;
    /// The credit pack with this slug, else this id (routes/api/addon.ts: slug, then id).
    const credit_pack_def* credit_pack(const std::string& slug_or_id) const;
    const boost::json::object& document() const { return doc_; }

    /// The PublicPlan JSON of `p`; the list's items also carry `provider` and `autoEnable`.
    enum class plan_view { list, single };
    boost::json::object public_plan(const plan_def& p, plan_view view) const;

private:
    boost::json::object doc_;
    std::vector<feature_def> features_;
    std::vector<plan_def> plans_;
    std::vector<credit_system_def> credit_systems_;
    std::vector<credit_pack_def> credit_packs_;
};

/// Each organisation's catalog.
using catalog_map = std::map<std::string, std::shared_ptr<const catalog>>;

/// Where a catalog payload comes from. A catalog file ([extension], loaded at start) may also
/// carry what only the dashboard sets upstream: a feature's `unit`, a plan's `active` and
/// `trialCardRequired`.
enum class catalog_source { sync_request, catalog_file };

/// routes/api/sync.ts: syncPayloadSchema (zod 4 issues, every one; unknown keys refused as on
/// every route, docs/protocol.md §6), then validatePlanFeaturePricingConfig for each plan
/// feature that is not a boolean. The error to answer, or none when the payload is acceptable.
std::optional<domain_error> validate_catalog_payload(const boost::json::value& payload, catalog_source source);

/// [local] What the schema cannot see, checked against the catalog the payload would give when
/// merged into `current`: a slug twice in one section, a plan (or a plan twice the same feature),
/// credit system or pack naming a feature or credit system that would not exist, a negative or
/// fractional price (money is integer minor units). Every problem, as one validation error
/// (docs/protocol.md §6); none when the payload is sound.
std::optional<domain_error> catalog_problems(const boost::json::object& current, const boost::json::object& payload);

/// Merges `payload` into `current` by slug (never deletes). Returns the sync answer's body
/// (created/updated/unchanged per section, warnings) and updates `current`. Features, plans,
/// credit systems (and each system's pool feature, `featureId`) and packs get an id; packs also
/// createdAt/updatedAt (`now_ms`). Items of a catalog stored before they had ids get theirs here.
boost::json::object merge_catalog(boost::json::object& current, const boost::json::object& payload, std::int64_t now_ms = 0);

} // namespace owo::local
