// Input the SDK can judge before sending anything.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace owo::detail {

inline constexpr std::size_t max_identifier_bytes = 255;

/// Each returns an empty string when the value is acceptable, else a message naming `field`.
std::string check_identifier(std::string_view field, std::string_view value);
std::string check_email(std::string_view field, std::string_view value);
std::string check_optional_identifier(std::string_view field, const std::optional<std::string>& value);
std::string check_header_value(std::string_view field, std::string_view value);
std::string check_number(std::string_view field, const std::optional<double>& value);

} // namespace owo::detail
