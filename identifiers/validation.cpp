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
    if (value && std::abs(*value) > max_number_magnitude) return named(field, "must be between -1e15 and 1e15");
    return {};
}

namespace {

bool is_alpha(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_alnum(unsigned char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

} // namespace

// ^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$
bool is_zod_email(std::string_view v) {
    if (v.empty() || v.front() == '.' || v.find("..") != std::string_view::npos) return false;
    auto at = v.find('@');
    if (at == std::string_view::npos || at == 0) return false;
    std::string_view local = v.substr(0, at), domain = v.substr(at + 1);
    for (unsigned char c : local)
        if (!is_alnum(c) && c != '_' && c != '\'' && c != '+' && c != '-' && c != '.') return false;
    unsigned char last = static_cast<unsigned char>(local.back());
    if (last == '.' || last == '\'') return false;
    auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    std::string_view top = domain.substr(dot + 1);
    if (top.size() < 2) return false;
    for (unsigned char c : top)
        if (!is_alpha(c)) return false;
    // Labels before the top one: a letter or digit, then letters, digits and hyphens ('@' and
    // anything else fail here, so there is exactly one '@').
    std::string_view labels = domain.substr(0, dot + 1);
    bool label_start = true;
    for (unsigned char c : labels) {
        if (c == '.') {
            if (label_start) return false;
            label_start = true;
        } else if (label_start) {
            if (!is_alnum(c)) return false;
            label_start = false;
        } else if (!is_alnum(c) && c != '-') {
            return false;
        }
    }
    return true;
}

std::string check_strict_email(std::string_view field, std::string_view value) {
    if (auto e = check_identifier(field, value); !e.empty()) return e;
    return is_zod_email(value) ? std::string{} : named(field, "is not a valid email address");
}

std::string check_non_negative_number(std::string_view field, const std::optional<double>& value) {
    if (auto e = check_number(field, value); !e.empty()) return e;
    if (value && *value < 0) return named(field, "must not be negative");
    return {};
}

std::string check_optional_min_chars(std::string_view field, const std::optional<std::string>& value,
                                     std::size_t min_chars) {
    if (!value) return {};
    if (auto e = check_identifier(field, *value); !e.empty()) return e;
    std::size_t chars = 0;
    for (unsigned char c : *value) chars += (c & 0xC0) != 0x80;   // UTF-8 lead bytes
    if (chars < min_chars) return named(field, "must have at least " + std::to_string(min_chars) + " characters");
    return {};
}

std::string check_optional_url(std::string_view field, const std::optional<std::string>& value) {
    if (!value) return {};
    std::string_view v = *value;
    if (v.empty()) return named(field, "must not be empty");
    for (unsigned char c : v)
        if (c <= 0x20 || c == 0x7f) return named(field, "must not contain spaces or control characters");
    auto colon = v.find(':');
    bool scheme_ok = colon != std::string_view::npos && colon > 0 && is_alpha(static_cast<unsigned char>(v[0]));
    for (std::size_t i = 1; scheme_ok && i < colon; ++i) {
        unsigned char c = static_cast<unsigned char>(v[i]);
        scheme_ok = is_alnum(c) || c == '+' || c == '-' || c == '.';
    }
    if (!scheme_ok) return named(field, "is not an absolute URL (scheme:...)");
    std::string scheme;
    for (unsigned char c : v.substr(0, colon)) scheme += static_cast<char>(c | 0x20);
    if (scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" || scheme == "ftp") {
        // The WHATWG parser skips any run of slashes after a special scheme, then reads the
        // authority up to the path, query or fragment.
        std::string_view rest = v.substr(colon + 1);
        while (!rest.empty() && (rest.front() == '/' || rest.front() == '\\')) rest.remove_prefix(1);
        std::string_view authority = rest.substr(0, rest.find_first_of("/?#\\"));
        if (auto userinfo = authority.rfind('@'); userinfo != std::string_view::npos) authority.remove_prefix(userinfo + 1);
        std::string_view host = authority;
        if (!host.empty() && host.front() != '[') {
            auto port = host.rfind(':');
            if (port != std::string_view::npos) {
                std::string_view digits = host.substr(port + 1);
                bool ok = digits.size() <= 5;
                unsigned long n = 0;
                for (unsigned char c : digits) {
                    ok = ok && c >= '0' && c <= '9';
                    n = n * 10 + (c - '0');
                }
                if (!ok || n > 65535) return named(field, "has an invalid port");
                host = host.substr(0, port);
            }
        }
        if (host.empty()) return named(field, "has no host");
    }
    return {};
}

} // namespace owo::detail
