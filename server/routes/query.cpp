// Query parameters (see query.hpp).
#include "routes/query.hpp"

#include "domain/body_validator.hpp"

#include <charconv>

namespace owo::local {

namespace json = boost::json;

std::optional<std::string> query_reader::raw(std::string_view key) const {
    std::optional<std::string> value;
    for (auto p : query_)
        if (p.key == key) value = p.has_value ? std::string(p.value) : std::string();
    return value;
}

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
        auto i = issue("too_small", path(key), "Too small: expected string to have >=1 characters");
        i["origin"] = "string";
        i["minimum"] = 1;
        i["inclusive"] = true;
        issues_.push_back(std::move(i));
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
        auto i = issue("invalid_type", path(key), "Invalid input: expected int, received string");
        i["expected"] = "int";
        i["received"] = "string";
        issues_.push_back(std::move(i));
        return std::nullopt;
    }
    if (n < minimum || n > maximum) {
        bool small = n < minimum;
        auto i = issue(small ? "too_small" : "too_big", path(key),
                       std::string(small ? "Too small: expected number to be >=" : "Too big: expected number to be <=") +
                           std::to_string(small ? minimum : maximum));
        i["origin"] = "number";
        i[small ? "minimum" : "maximum"] = small ? minimum : maximum;
        i["inclusive"] = true;
        issues_.push_back(std::move(i));
        return std::nullopt;
    }
    return n;
}

bool query_reader::flag(std::string_view key) {
    auto v = raw(key);
    if (!v || *v == "false") return false;
    if (*v == "true") return true;
    auto i = issue("invalid_value", path(key), R"(Invalid option: expected one of "true"|"false")");
    i["values"] = {"true", "false"};
    issues_.push_back(std::move(i));
    return false;
}

domain_error query_reader::error() const { return validation_error(issues_); }

} // namespace owo::local
