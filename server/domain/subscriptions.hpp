// Subscription rules: which subscriptions grant features, what time has decided (trials and
// scheduled downgrades that are due), the slot a new plan switches in, and activation.
#pragma once

#include "domain/tenant.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace owo::local {

inline constexpr std::int64_t day_ms = 86'400'000;

/// A plan's billing period (lib/plan-switch.ts intervalToMs: monthly = 30 days, yearly = 365 ...).
std::int64_t period_length_ms(const std::string& interval);

/// A new subscription to `plan` starting now, its period from the plan's interval.
subscription_row new_subscription(const tenant& t, const std::string& customer_id, const plan_def& plan, std::string status);

/// Applies what time has decided for `customer_id`: subscriptions past their cancel_at end, and
/// a downgrade scheduled for then begins; trials past their end expire (the hosted check/track
/// filter does the same, routes/api/entitlements.ts).
void settle_subscriptions(const tenant& t, const std::string& customer_id);

/// The subscriptions that grant features: active, trialing, pending_cancel; oldest first.
std::vector<subscription_row> granting_subscriptions(const tenant& t, const std::string& customer_id);

struct grant {
    const plan_def* plan = nullptr;
    const plan_feature_def* feature = nullptr;
    subscription_row sub;
};

/// The first granting subscription whose plan includes `feature` (null when none).
std::optional<grant> find_grant(const tenant& t, const std::vector<subscription_row>& subs, const std::string& feature);

/// lib/plan-switch.ts findSwitchableSubscription: the subscription `plan` would replace (none
/// for add-ons; the same group's; else any non-add-on's).
std::optional<subscription_row> switchable_subscription(store& db, const catalog& cat, const std::string& customer_id,
                                                        const plan_def& plan);

/// lib/plan-switch.ts detectSwitchType, prices normalised to monthly: new|upgrade|downgrade|lateral.
const char* switch_type(const plan_def* current, const plan_def& next);

/// A card-required trial's checkout completed (lib/webhooks/handlers/charge-success.ts
/// handleTrialCreation): `sub` becomes the trialing subscription, ending at the trial end the
/// attach computed (30 days from now if that is not between a minute and two years away),
/// unless the customer already has a granting subscription to the plan. Nothing is cancelled.
/// `t` is the subscription's organisation (its events).
void start_card_trial(const tenant& t, subscription_row sub);

/// Activates `sub` now (a completed checkout), cancelling the subscription it replaces.
/// `t` is the subscription's organisation (its catalog and events).
void activate_subscription(const tenant& t, subscription_row sub);

} // namespace owo::local
