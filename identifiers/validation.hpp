// Input the SDK can judge before sending anything.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace owo::detail {

inline constexpr std::size_t max_identifier_bytes = 255;
/// Larger magnitudes are refused as numbers: no quantity of usage comes near it, and doubles
/// stop counting in units well before 2^53.
inline constexpr double max_number_magnitude = 1e15;

/// Each returns an empty string when the value is acceptable, else a message naming `field`.
std::string check_identifier(std::string_view field, std::string_view value);
std::string check_email(std::string_view field, std::string_view value);
std::string check_optional_identifier(std::string_view field, const std::optional<std::string>& value);
std::string check_header_value(std::string_view field, std::string_view value);
/// Finite and |x| <= max_number_magnitude.
std::string check_number(std::string_view field, const std::optional<double>& value);

/// zod 4's `z.string().email()` rule (docs/protocol.md §2.4), which the hosted service applies to
/// every email field. Stricter than check_email: `a@b.c`, `a.@x.io` and `a!b@x.com` fail.
bool is_zod_email(std::string_view value);
/// check_identifier's rules plus is_zod_email.
std::string check_strict_email(std::string_view field, std::string_view value);
/// check_number's rules plus x >= 0 (the hosted check/track schemas: `z.number().min(0)`).
std::string check_non_negative_number(std::string_view field, const std::optional<double>& value);
/// An optional value of at least `min_chars` characters (code points, as zod counts them for
/// ASCII and most text), otherwise with check_identifier's rules.
std::string check_optional_min_chars(std::string_view field, const std::optional<std::string>& value,
                                     std::size_t min_chars);
/// An optional absolute URL as zod's `url()` (the WHATWG URL parser) accepts it: a scheme, and a
/// host for http, https, ws, wss and ftp. Control characters and spaces are refused as well.
std::string check_optional_url(std::string_view field, const std::optional<std::string>& value);

} // namespace owo::detail
