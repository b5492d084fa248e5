// Query parameters (see query.hpp).
#include "routes/query.hpp"

#include "domain/body_validator.hpp"

#include <charconv>

namespace owo::local {

namespace json = boost::json;

std::optional<std::string> query_reader::raw(std::string_view key) {
    std::optional<std::string> value;
    std::size_t seen = 0;
    for (auto p : query_)
        if (p.key == key && seen++ == 0) value = p.has_value ? std::string(p.value) : std::string();
    if (seen > 1) {
        issues_.push_back(json::object{{"expected", "string"},
                                       {"code", "invalid_type"},
                                       {"path", path(key)},
                                       {"message", "Invalid input: expected string, received array"}});
        return std::nullopt;
    }
    return value;
}

std::optional<std::string> query_reader::string(std::string_view key) { return raw(key); }

json::array query_reader::path(std::string_view key) const {
    json::array p;
    if (!key.empty()) p.push_back(json::value(key));
    return p;
}

void query_reader::refuse(std::string_view key, std::string_view message) {
    issues_.push_back(issue("custom", path(key), message));
}

std::optional<std::string> query_reader::text(std::string_view key) {
    auto v = raw(key);
    if (v && v->empty()) {
        issues_.push_back(bound_issue(path(key), "string", true, 1));
        return std::nullopt;
    }
    return v;
}

std::optional<std::int64_t> query_reader::integer(std::string_view key, std::int64_t minimum, std::int64_t maximum) {
    auto v = raw(key);
    if (!v) return std::nullopt;
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (v->empty() || ec != std::errc() || end != v->data() + v->size()) {
        issues_.push_back(expected_int_issue(path(key), "string"));
        return std::nullopt;
    }
    if (n < minimum || n > maximum) {
        issues_.push_back(bound_issue(path(key), "number", n < minimum,
                                      static_cast<double>(n < minimum ? minimum : maximum)));
        return std::nullopt;
    }
    return n;
}

bool query_reader::flag(std::string_view key) {
    auto v = raw(key);
    if (!v || *v == "false") return false;
    if (*v == "true") return true;
    issues_.push_back(invalid_option_issue(path(key), {"true", "false"}));
    return false;
}

domain_error query_reader::error() const { return validation_error(issues_); }

} // namespace owo::local
