// Time as the API shows it (ISO-8601 UTC with milliseconds) and the usage periods that
// consumable limits reset on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace owo::local {

std::string iso8601(std::int64_t epoch_ms);

struct usage_period {
    std::int64_t start = 0;       // where its usage is counted from; 0 when usage never resets
    std::int64_t resets_at = 0;   // the period's last millisecond
};

/// A plan feature's reset interval as the hosted sync stores it
/// (lib/plan-feature-normalization.ts normalizePlanFeatureResetInterval): month -> monthly, ...
std::string normalize_reset_interval(const std::string& reset);

/// The usage period containing `now_ms` for a (normalised) reset interval, calendar-aligned in
/// UTC as lib/reset-period.ts getResetPeriod computes it (weeks start on Sunday). "none",
/// "never" and unknown intervals never reset and end with the subscription's period.
usage_period period_for(const std::string& reset, std::int64_t now_ms, std::int64_t subscription_period_end);

} // namespace owo::local
