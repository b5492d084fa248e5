// Zod 4's issues for the request bodies (see body_validator.hpp).
#include "domain/body_validator.hpp"

#include <cmath>

namespace owo::local {

namespace json = boost::json;

namespace {

constexpr std::size_t max_identifier_bytes = 255;
// zod 4's email pattern, as its issue reports it.
constexpr const char* email_pattern =
    R"(/^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/)";
constexpr const char* no_control_pattern = R"(/^[^\x00-\x1f\x7f]*$/)";

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

bool alnum(unsigned char c) { return std::isalnum(c) != 0; }
bool alpha(unsigned char c) { return std::isalpha(c) != 0; }

std::string number_text(double d) {
    if (std::floor(d) == d && std::fabs(d) < 1e18) return std::to_string(static_cast<std::int64_t>(d));
    return std::to_string(d);
}

json::value number_value(double d) {
    if (std::floor(d) == d && std::fabs(d) < 1e18) return static_cast<std::int64_t>(d);
    return d;
}

bool is_url(std::string_view s) {
    // What `new URL(s)` accepts, as far as a client's callback URL goes: a scheme, and for the
    // web's schemes a host after "//".
    auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || !alpha(static_cast<unsigned char>(s[0]))) return false;
    for (unsigned char c : s.substr(0, colon))
        if (!alnum(c) && c != '+' && c != '-' && c != '.') return false;
    for (unsigned char c : s)
        if (c <= 0x20 || c == 0x7f) return false;
    std::string scheme;
    for (char c : s.substr(0, colon)) scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto rest = s.substr(colon + 1);
    if (scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" || scheme == "ftp") {
        while (!rest.empty() && (rest.front() == '/' || rest.front() == '\\')) rest.remove_prefix(1);
        auto host_end = rest.find_first_of("/?#\\");
        auto host = rest.substr(0, host_end);
        if (auto at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
        if (auto port = host.rfind(':'); port != std::string_view::npos && host.find(']') == std::string_view::npos)
            host = host.substr(0, port);
        return !host.empty();
    }
    return true;
}

} // namespace

json::object issue(std::string_view code, json::array path, std::string_view message) {
    return {{"code", code}, {"path", std::move(path)}, {"message", message}};
}

domain_error validation_error(json::array issues) {
    domain_error e{error_kind::validation};
    e.issues = std::move(issues);
    return e;
}

json::object bound_issue(json::array path, std::string_view origin, bool below, double bound, std::string_view message) {
    std::string o(origin);
    std::string text(message);
    if (text.empty())
        text = std::string(below ? "Too small: expected " : "Too big: expected ") + o +
               (o == "string" ? " to have " : " to be ") + (below ? ">=" : "<=") + number_text(bound) +
               (o == "string" ? " characters" : "");
    return {{"origin", o},          {"code", below ? "too_small" : "too_big"}, {below ? "minimum" : "maximum", number_value(bound)},
            {"inclusive", true},    {"path", std::move(path)},                  {"message", text}};
}

json::object invalid_option_issue(json::array path, std::initializer_list<std::string_view> values) {
    json::array listed;
    std::string message = "Invalid option: expected one of ";
    for (auto value : values) {
        message += (listed.empty() ? "\"" : "|\"") + std::string(value) + "\"";
        listed.push_back(json::value(value));
    }
    return {{"code", "invalid_value"}, {"values", std::move(listed)}, {"path", std::move(path)}, {"message", message}};
}

json::object expected_int_issue(json::array path, std::string_view received) {
    return {{"expected", "int"},
            {"code", "invalid_type"},
            {"path", std::move(path)},
            {"message", "Invalid input: expected int, received " + std::string(received)}};
}

bool is_zod_email(std::string_view s) {
    // ^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$
    if (s.empty() || s.front() == '.' || s.find("..") != std::string_view::npos) return false;
    auto at = s.find('@');
    if (at == std::string_view::npos || at == 0) return false;
    auto local = s.substr(0, at), domain = s.substr(at + 1);
    for (unsigned char c : local)
        if (!alnum(c) && c != '_' && c != '\'' && c != '+' && c != '-' && c != '.') return false;
    unsigned char last = static_cast<unsigned char>(local.back());
    if (!alnum(last) && last != '_' && last != '+' && last != '-') return false;
    // One or more "label." then a top-level domain of two or more letters.
    auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    auto tld = domain.substr(dot + 1);
    if (tld.size() < 2) return false;
    for (unsigned char c : tld)
        if (!alpha(c)) return false;
    std::size_t start = 0;
    while (start < dot) {
        auto end = domain.find('.', start);
        auto label = domain.substr(start, end - start);
        if (label.empty() || !alnum(static_cast<unsigned char>(label.front()))) return false;
        for (unsigned char c : label)
            if (!alnum(c) && c != '-') return false;
        start = end + 1;
    }
    return true;
}

body_validator::body_validator(const json::value& body, std::initializer_list<std::string_view> allowed) {
    if (!body.is_object()) {
        type_issue({}, "object", &body);
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
            listed += (listed.empty() ? "\"" : ", \"") + std::string(kv.key()) + "\"";
        }
    }
    if (!unknown.empty()) {
        std::string message = (unknown.size() == 1 ? "Unrecognized key: " : "Unrecognized keys: ") + listed;
        unknown_ = json::object{{"code", "unrecognized_keys"}, {"keys", std::move(unknown)}, {"path", json::array()},
                                {"message", message}};
    }
}

void body_validator::type_issue(std::string_view key, std::string_view expected, const json::value* got) {
    json::array path;
    if (!key.empty()) path.push_back(json::value(key));
    issues_.push_back(json::object{{"expected", expected},
                                   {"code", "invalid_type"},
                                   {"path", std::move(path)},
                                   {"message", "Invalid input: expected " + std::string(expected) + ", received " + received(got)}});
}

const json::value* body_validator::field(std::string_view key, std::string_view expected) {
    if (!obj_) return nullptr;
    auto v = obj_->if_contains(key);
    bool fits = v && ((expected == "string" && v->is_string()) || (expected == "number" && v->is_number()) ||
                      (expected == "boolean" && v->is_bool()) || (expected == "object" && v->is_object()) ||
                      (expected == "record" && v->is_object()) || (expected == "array" && v->is_array()));
    if (v && !fits) {
        type_issue(key, expected, v);
        return nullptr;
    }
    return v;
}

void body_validator::check_text(std::string_view key, std::string_view s, std::size_t min_length, text kind) {
    if (s.size() < min_length) issues_.push_back(bound_issue({json::value(key)}, "string", true, static_cast<double>(min_length)));
    if (kind != text::identifier) return;
    if (s.size() > max_identifier_bytes) issues_.push_back(bound_issue({json::value(key)}, "string", false, max_identifier_bytes));
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) {
            issues_.push_back(json::object{{"origin", "string"},
                                           {"code", "invalid_format"},
                                           {"format", "regex"},
                                           {"pattern", no_control_pattern},
                                           {"path", {json::value(key)}},
                                           {"message", std::string("Invalid string: must match pattern ") + no_control_pattern}});
            break;
        }
}

std::string body_validator::required_string(std::string_view key, std::size_t min_length, text kind) {
    require(key, "string");
    if (auto s = optional_string(key, min_length, kind)) return *s;
    return {};
}

std::optional<std::string> body_validator::optional_string(std::string_view key, std::size_t min_length, text kind) {
    auto v = field(key, "string");
    if (!v) return std::nullopt;
    std::string s(v->get_string());
    check_text(key, s, min_length, kind);
    return s;
}

std::optional<std::string> body_validator::optional_email(std::string_view key) {
    auto before = issues_.size();
    auto s = optional_string(key, 0, text::identifier);
    if (s && issues_.size() == before && !is_zod_email(*s))
        issues_.push_back(json::object{{"origin", "string"},
                                       {"code", "invalid_format"},
                                       {"format", "email"},
                                       {"pattern", email_pattern},
                                       {"path", {json::value(key)}},
                                       {"message", "Invalid email address"}});
    return s;
}

std::string body_validator::required_email(std::string_view key) {
    require(key, "string");
    return optional_email(key).value_or("");
}

std::optional<std::string> body_validator::optional_url(std::string_view key) {
    auto s = optional_string(key);
    if (s && !is_url(*s))
        issues_.push_back(json::object{{"code", "invalid_format"},
                                       {"format", "url"},
                                       {"path", {json::value(key)}},
                                       {"message", "Invalid URL"}});
    return s;
}

std::optional<double> body_validator::number(std::string_view key, std::optional<double> minimum, bool integral) {
    auto v = field(key, "number");
    if (!v) return std::nullopt;
    double d = v->to_number<double>();
    if (!std::isfinite(d)) {   // zod 4: invalid_type with received "Infinity"; the message says "number"
        issues_.push_back(json::object{{"expected", "number"},
                                       {"code", "invalid_type"},
                                       {"received", "Infinity"},
                                       {"path", {json::value(key)}},
                                       {"message", "Invalid input: expected number, received number"}});
        return std::nullopt;
    }
    if (integral && std::floor(d) != d) {   // .int() aborts the value: no bound is checked after it
        issues_.push_back(json::object{{"expected", "int"},
                                       {"format", "safeint"},
                                       {"code", "invalid_type"},
                                       {"path", {json::value(key)}},
                                       {"message", "Invalid input: expected int, received number"}});
        return std::nullopt;
    }
    auto before = issues_.size();
    if (minimum && d < *minimum) issues_.push_back(bound_issue({json::value(key)}, "number", true, *minimum));
    if (std::fabs(d) > max_abs_number) issues_.push_back(bound_issue({json::value(key)}, "number", false, d < 0 ? -max_abs_number : max_abs_number));
    if (issues_.size() != before) return std::nullopt;
    return d;
}

std::optional<double> body_validator::optional_number(std::string_view key, std::optional<double> minimum) {
    return number(key, minimum, false);
}

std::optional<double> body_validator::required_number(std::string_view key, std::optional<double> minimum) {
    require(key, "number");
    return number(key, minimum, false);
}

std::optional<double> body_validator::optional_nullable_number(std::string_view key) {
    if (obj_ && obj_->if_contains(key) && obj_->at(key).is_null()) return std::nullopt;
    return number(key, std::nullopt, false);
}

std::optional<double> body_validator::required_int(std::string_view key, double minimum) {
    require(key, "number");
    return number(key, minimum, true);
}

void body_validator::require(std::string_view key, std::string_view expected) {
    if (obj_ && !obj_->if_contains(key)) type_issue(key, expected, nullptr);
}

std::optional<bool> body_validator::required_bool(std::string_view key) {
    require(key, "boolean");
    return optional_bool(key);
}

const json::array* body_validator::optional_array(std::string_view key) {
    auto v = field(key, "array");
    return v ? &v->get_array() : nullptr;
}

const json::array* body_validator::required_array(std::string_view key) {
    require(key, "array");
    return optional_array(key);
}

void body_validator::refine(json::array path, std::string_view message) { issues_.push_back(issue("custom", std::move(path), message)); }

std::optional<bool> body_validator::optional_bool(std::string_view key) {
    if (auto v = field(key, "boolean")) return v->get_bool();
    return std::nullopt;
}

std::optional<json::object> body_validator::optional_record(std::string_view key) {
    if (auto v = field(key, "record")) return v->get_object();
    return std::nullopt;
}

std::optional<std::vector<std::string>> body_validator::optional_string_array(std::string_view key) {
    auto v = field(key, "array");
    if (!v) return std::nullopt;
    std::vector<std::string> out;
    std::size_t i = 0;
    for (const auto& e : v->get_array()) {
        if (!e.is_string()) {
            issues_.push_back(json::object{{"expected", "string"},
                                           {"code", "invalid_type"},
                                           {"path", json::array{json::value(key), json::value(i)}},
                                           {"message", std::string("Invalid input: expected string, received ") + received(&e)}});
        } else {
            out.emplace_back(e.get_string());
        }
        ++i;
    }
    return out;
}

std::optional<std::string> body_validator::optional_identifier(std::string_view key) {
    return optional_string(key, 1, text::identifier);
}

std::string body_validator::required_identifier(std::string_view key) { return required_string(key, 1, text::identifier); }

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
        issues_.push_back(bound_issue({json::value(key)}, "number", true, static_cast<double>(minimum)));
        return std::nullopt;
    }
    return n;
}

std::optional<std::string> body_validator::optional_enum(std::string_view key, std::initializer_list<std::string_view> values) {
    if (!obj_ || !obj_->if_contains(key)) return std::nullopt;
    return required_enum(key, values);
}

std::optional<std::string> body_validator::required_enum(std::string_view key, std::initializer_list<std::string_view> values) {
    if (!obj_) return std::nullopt;
    if (auto v = obj_->if_contains(key); v && v->is_string())
        for (auto value : values)
            if (v->get_string() == value) return std::string(value);
    issues_.push_back(invalid_option_issue({json::value(key)}, values));
    return std::nullopt;
}

const json::value* body_validator::nested(std::string_view key) { return field(key, "object"); }

void body_validator::merge(const body_validator& inner, std::string_view key) { merge(inner, json::array{json::value(key)}); }

void body_validator::merge(const body_validator& inner, const json::array& prefix) {
    for (auto i : inner.all_issues()) {
        auto& path = i.as_object()["path"].as_array();
        path.insert(path.begin(), prefix.begin(), prefix.end());
        issues_.push_back(std::move(i));
    }
}

json::array body_validator::all_issues() const {
    json::array all = issues_;
    if (unknown_) all.push_back(*unknown_);
    return all;
}

domain_error body_validator::error() const { return validation_error(all_issues()); }

domain_error body_validator::first_error() const {
    // lib/validation.ts zodErrorToResponse: flatten() groups issues by their first path
    // element; the first field wins, and only issues about the whole body say "input".
    auto all = all_issues();
    const json::object* chosen = nullptr;
    for (const auto& i : all)
        if (!i.at("path").as_array().empty()) {
            chosen = &i.as_object();
            break;
        }
    std::string field = chosen ? std::string(chosen->at("path").as_array().front().as_string()) : "input";
    if (!chosen) chosen = &all.front().as_object();
    domain_error e{error_kind::structured_validation, "Invalid " + field + ": " + std::string(chosen->at("message").as_string())};
    return e;
}

} // namespace owo::local
