// Time as the API shows it (ISO-8601 UTC with milliseconds) and the usage periods that
// consumable limits reset on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace owo::local {

std::string iso8601(std::int64_t epoch_ms);

struct usage_period {
    std::int64_t start = 0;                 // 0 when usage never resets
    std::optional<std::int64_t> resets_at;  // next boundary
};

/// The period containing `now_ms` for a reset interval ("month", "monthly", "day", ...).
usage_period period_for(const std::optional<std::string>& reset, std::int64_t now_ms);

} // namespace owo::local
