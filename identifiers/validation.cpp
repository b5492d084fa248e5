#include "validation.hpp"

#include <cmath>

namespace owo::detail {

namespace {

bool has_control(std::string_view v) {
    for (unsigned char c : v)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

std::string named(std::string_view field, std::string_view what) {
    std::string s(field);
    s += ' ';
    s += what;
    return s;
}

} // namespace

std::string check_identifier(std::string_view field, std::string_view value) {
    if (value.empty()) return named(field, "must not be empty");
    if (value.size() > max_identifier_bytes) return named(field, "is longer than 255 bytes");
    if (has_control(value)) return named(field, "must not contain control characters (CR, LF, NUL, ...)");
    return {};
}

std::string check_optional_identifier(std::string_view field, const std::optional<std::string>& value) {
    return value ? check_identifier(field, *value) : std::string{};
}

std::string check_email(std::string_view field, std::string_view value) {
    if (auto e = check_identifier(field, value); !e.empty()) return e;
    auto at = value.find('@');
    bool ok = at != std::string_view::npos && at > 0 && value.find('@', at + 1) == std::string_view::npos;
    if (ok) {
        auto domain = value.substr(at + 1);
        auto dot = domain.find('.');
        ok = !domain.empty() && dot != std::string_view::npos && dot > 0 && domain.back() != '.' &&
             value.find(' ') == std::string_view::npos;
    }
    return ok ? std::string{} : named(field, "is not a valid email address");
}

std::string check_header_value(std::string_view field, std::string_view value) {
    if (value.empty()) return named(field, "must not be empty");
    if (value.size() > max_identifier_bytes) return named(field, "is longer than 255 bytes");
    for (unsigned char c : value)
        if (c < 0x21 || c > 0x7e) return named(field, "must be printable ASCII without spaces");
    return {};
}

std::string check_number(std::string_view field, const std::optional<double>& value) {
    if (value && !std::isfinite(*value)) return named(field, "must be a finite number");
    return {};
}

} // namespace owo::detail
