#include "domain/body_validator.hpp"

#include "validation.hpp"

#include <cmath>

namespace owo::local {

namespace json = boost::json;

json::object issue(std::string_view code, json::array path, std::string_view message) {
    return {{"code", code}, {"path", std::move(path)}, {"message", message}};
}

json::object bound_issue(json::array path, std::string_view origin, bool below, std::int64_t bound, std::string_view message) {
    std::string text(message);
    if (text.empty())
        text = std::string(below ? "Too small" : "Too big") + ": expected " + std::string(origin) +
               (origin == "string" ? " to have " : " to be ") + (below ? ">=" : "<=") + std::to_string(bound) +
               (origin == "string" ? " characters" : "");
    auto i = issue(below ? "too_small" : "too_big", std::move(path), text);
    i["origin"] = origin;
    i[below ? "minimum" : "maximum"] = bound;
    i["inclusive"] = true;
    return i;
}

json::object invalid_option_issue(json::array path, std::initializer_list<std::string_view> values) {
    json::array listed;
    std::string message = "Invalid option: expected one of ";
    for (auto value : values) {
        message += (listed.empty() ? "\"" : "|\"") + std::string(value) + "\"";
        listed.push_back(json::value(value));
    }
    auto i = issue("invalid_value", std::move(path), message);
    i["values"] = std::move(listed);
    return i;
}

json::object expected_int_issue(json::array path, std::string_view received) {
    auto i = issue("invalid_type", std::move(path), "Invalid input: expected int, received " + std::string(received));
    i["expected"] = "int";
    i["received"] = received;
    return i;
}

domain_error validation_error(json::array issues) {
    domain_error e{error_kind::validation};
    e.issues = std::move(issues);
    return e;
}

namespace {
const char* received(const json::value* v) {
    if (!v) return "undefined";
    switch (v->kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
    default: return "number";
    }
}
} // namespace

body_validator::body_validator(const json::value& body, std::initializer_list<std::string_view> allowed) {
    if (!body.is_object()) {
        auto i = issue("invalid_type", {}, std::string("Expected object, received ") + received(&body));
        i["expected"] = "object";
        i["received"] = received(&body);
        issues_.push_back(std::move(i));
        return;
    }
    obj_ = &body.get_object();
    json::array unknown;
    std::string listed;
    for (const auto& kv : *obj_) {
        bool known = false;
        for (auto a : allowed) known = known || kv.key() == a;
        if (!known) {
            unknown.push_back(json::value(kv.key()));
            listed += (listed.empty() ? "'" : ", '") + std::string(kv.key()) + "'";
        }
    }
    if (!unknown.empty()) {
        auto i = issue("unrecognized_keys", {}, "Unrecognized key(s) in object: " + listed);
        i["keys"] = std::move(unknown);
        issues_.push_back(std::move(i));
    }
}

void body_validator::type_issue(std::string_view key, std::string_view expected, const json::value* got) {
    std::string message = got ? "Expected " + std::string(expected) + ", received " + received(got) : "Required";
    auto i = issue("invalid_type", {json::value(key)}, message);
    i["expected"] = expected;
    i["received"] = received(got);
    issues_.push_back(std::move(i));
}

const json::value* body_validator::field(std::string_view key, std::string_view expected) {
    if (!obj_) return nullptr;
    auto v = obj_->if_contains(key);
    bool fits = v && ((expected == "string" && v->is_string()) || (expected == "number" && v->is_number()) ||
                      (expected == "boolean" && v->is_bool()) || (expected == "object" && v->is_object()));
    if (v && !fits) {
        type_issue(key, expected, v);
        return nullptr;
    }
    return v;
}

std::string body_validator::required_string(std::string_view key) {
    auto v = field(key, "string");
    if (!v) {
        if (obj_ && !obj_->if_contains(key)) type_issue(key, "string", nullptr);
        return {};
    }
    std::string s(v->get_string());
    if (s.empty()) {
        auto i = issue("too_small", {json::value(key)}, "String must contain at least 1 character(s)");
        i["minimum"] = 1;
        i["type"] = "string";
        i["inclusive"] = true;
        issues_.push_back(std::move(i));
    }
    return s;
}

std::optional<std::string> body_validator::optional_string(std::string_view key) {
    if (auto v = field(key, "string")) return std::string(v->get_string());
    return std::nullopt;
}

std::string body_validator::required_email(std::string_view key) {
    bool present = obj_ && obj_->if_contains(key);
    std::string s = required_string(key);
    if (present && !s.empty() && !owo::detail::check_email(key, s).empty()) {
        auto i = issue("invalid_string", {json::value(key)}, "Invalid email");
        i["validation"] = "email";
        issues_.push_back(std::move(i));
    }
    return s;
}

std::optional<double> body_validator::optional_number(std::string_view key) {
    auto v = field(key, "number");
    if (!v) return std::nullopt;
    double d = v->to_number<double>();
    if (!std::isfinite(d)) {
        issues_.push_back(issue("invalid_type", {json::value(key)}, "Expected a finite number"));
        return std::nullopt;
    }
    return d;
}

std::optional<bool> body_validator::optional_bool(std::string_view key) {
    if (auto v = field(key, "boolean")) return v->get_bool();
    return std::nullopt;
}

std::optional<json::object> body_validator::optional_object(std::string_view key) {
    if (auto v = field(key, "object")) return v->get_object();
    return std::nullopt;
}

std::optional<std::string> body_validator::optional_email(std::string_view key) {
    if (!obj_ || !obj_->if_contains(key)) return std::nullopt;
    return required_email(key);
}

void body_validator::identifier_rules(std::string_view key, const std::string& value) {
    auto problem = owo::detail::check_identifier(key, value);
    if (!problem.empty() && !value.empty()) issues_.push_back(issue("custom", {json::value(key)}, problem));
}

std::string body_validator::required_identifier(std::string_view key) {
    auto s = required_string(key);   // reports absence, a wrong type and ""
    identifier_rules(key, s);
    return s;
}

std::optional<std::string> body_validator::optional_identifier(std::string_view key) {
    if (!obj_ || !obj_->if_contains(key)) return std::nullopt;
    return required_identifier(key);
}

std::optional<std::optional<std::string>> body_validator::optional_nullable_identifier(std::string_view key) {
    if (!obj_ || !obj_->if_contains(key)) return std::nullopt;
    if (obj_->at(key).is_null()) return std::optional<std::string>();
    return std::optional<std::string>(required_identifier(key));
}

std::optional<std::int64_t> body_validator::optional_integer(std::string_view key, std::int64_t minimum) {
    auto v = field(key, "number");
    if (!v) return std::nullopt;
    boost::system::error_code ec;
    auto n = v->to_number<std::int64_t>(ec);
    if (ec) {
        issues_.push_back(expected_int_issue({json::value(key)}, "number"));
        return std::nullopt;
    }
    if (n < minimum) {
        issues_.push_back(bound_issue({json::value(key)}, "number", true, minimum));
        return std::nullopt;
    }
    return n;
}

std::optional<std::string> body_validator::optional_enum(std::string_view key, std::initializer_list<std::string_view> values) {
    auto v = field(key, "string");
    if (!v) return std::nullopt;
    std::string s(v->get_string());
    for (auto value : values)
        if (s == value) return s;
    issues_.push_back(invalid_option_issue({json::value(key)}, values));
    return std::nullopt;
}

const json::value* body_validator::nested(std::string_view key) { return field(key, "object"); }

void body_validator::merge(const body_validator& inner, std::string_view key) {
    for (auto i : inner.issues_) {
        auto& path = i.as_object()["path"].as_array();
        path.insert(path.begin(), json::value(key));
        issues_.push_back(std::move(i));
    }
}

} // namespace owo::local
