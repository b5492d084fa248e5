// Subscription rules: which active subscription grants a feature, and plan switches (a plan
// group holds one active subscription at a time).
#pragma once

#include "domain/tenant.hpp"

#include <optional>
#include <string>

namespace owo::local {

struct grant {
    const plan_def* plan = nullptr;
    const plan_feature_def* feature = nullptr;
};

/// The first active subscription whose plan enables `feature`.
std::optional<grant> find_grant(const tenant& t, const std::string& customer_id, const std::string& feature);
bool has_active_subscription(const tenant& t, const std::string& customer_id);

/// The active subscription in `plan`'s group (or on the same plan when it has no group).
std::optional<subscription_row> current_in_group(store& db, const catalog& cat, const std::string& customer_id,
                                                 const plan_def& plan);

/// Activates `sub`, ending the other active subscriptions in its plan group.
void activate_subscription(store& db, const catalog& cat, const subscription_row& sub);

} // namespace owo::local
