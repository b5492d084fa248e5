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
    bool consumable() const { return type == "metered" && meter_type != "non_consumable"; }
    bool entity_feature() const { return type == "metered" && meter_type == "non_consumable"; }
};

struct plan_feature_def {
    std::string slug;
    bool enabled = true;
    std::optional<std::int64_t> limit;   // none = unlimited
    std::optional<std::int64_t> trial_limit;
    std::string reset;                   // normalised reset interval: "monthly" unless given; booleans "never"
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
    const boost::json::object& document() const { return doc_; }

    /// The PublicPlan JSON of `p`; the list's items also carry `provider` and `autoEnable`.
    enum class plan_view { list, single };
    boost::json::object public_plan(const plan_def& p, plan_view view) const;

private:
    boost::json::object doc_;
    std::vector<feature_def> features_;
    std::vector<plan_def> plans_;
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

/// Merges `payload` into `current` by slug (never deletes). Returns the sync answer's body
/// (created/updated/unchanged per section, warnings) and updates `current`.
boost::json::object merge_catalog(boost::json::object& current, const boost::json::object& payload);

} // namespace owo::local
