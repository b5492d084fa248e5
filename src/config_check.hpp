// Validation of owo::config at client construction.
#pragma once

#include "urls.hpp"

#include <owostack/config.hpp>

#include <string_view>

namespace owo::detail {

std::string_view hosted_url(mode m);

/// Throws api_error(error::invalid_argument) naming the problem (never the key itself).
base_url check_config(const config& c);

} // namespace owo::detail
