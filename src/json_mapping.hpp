// Helpers of the JSON mapping (src/json_mapping.cpp; the tag_invoke overloads themselves are
// declared beside their types in include/owostack/types.hpp). Responses tolerate unknown
// fields and throw detail::decode_error on a field of the wrong type, which the client reports
// as bad_response.
#pragma once

#include <owostack/types.hpp>

#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <cmath>
#include <initializer_list>
#include <stdexcept>
#include <string_view>

namespace owo {

namespace json = boost::json;

struct pricing_tier;

namespace detail {

/// A response field had the wrong type or a required field was missing.
struct decode_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Epoch milliseconds (number) or an ISO-8601 string ("2026-11-22T11:16:30.592Z", offsets allowed).
time_point parse_timestamp(const json::value& v);
std::optional<time_point> parse_iso8601(std::string_view text);

/// The object stored under `key` of a response, decoded (e.g. "plan", "plans").
template <class T>
T decode_field(const json::object& body, std::string_view key) {
    auto it = body.find(key);
    if (it == body.end()) throw decode_error("missing field '" + std::string(key) + "'");
    return json::value_to<T>(it->value());
}

/// Reading answers and writing requests: what every mapping file (src/json_mapping.cpp and each
/// resource's) uses. Answers tolerate unknown fields and read null as absent.
namespace mapping {

// ---- reading ---------------------------------------------------------------------------------

inline const json::object& as_object(const json::value& v, const char* what) {
    if (!v.is_object()) throw decode_error(std::string(what) + " is not a JSON object");
    return v.get_object();
}

/// The value under `key`, or nullptr when absent or null.
inline const json::value* field(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it == o.end() || it->value().is_null() ? nullptr : &it->value();
}

[[noreturn]] inline void wrong_type(std::string_view key, const char* expected) {
    throw decode_error("field '" + std::string(key) + "' is not " + expected);
}

inline std::optional<std::string> opt_string(const json::object& o, std::string_view key) {
    const json::value* v = field(o, key);
    if (!v) return std::nullopt;
    if (!v->is_string()) wrong_type(key, "a string");
    return std::string(v->get_string());
}

inline std::string req_string(const json::object& o, std::string_view key) {
    auto s = opt_string(o, key);
    if (!s) throw decode_error("missing field '" + std::string(key) + "'");
    return std::move(*s);
}

inline std::optional<double> opt_number(const json::object& o, std::string_view key) {
    const json::value* v = field(o, key);
    if (!v) return std::nullopt;
    if (v->is_int64()) return static_cast<double>(v->get_int64());
    if (v->is_uint64()) return static_cast<double>(v->get_uint64());
    if (v->is_double()) return v->get_double();
    wrong_type(key, "a number");
}

/// A count or an amount in minor units. The hosted schemas say `number`, and its sync stores
/// what it is given, so a fractional value is read as its integral part rather than refused.
inline std::optional<std::int64_t> opt_int(const json::object& o, std::string_view key) {
    auto d = opt_number(o, key);
    if (!d) return std::nullopt;
    if (!std::isfinite(*d) || std::abs(*d) > 9.0e15) wrong_type(key, "an integer");
    return static_cast<std::int64_t>(std::trunc(*d));
}

inline bool opt_bool(const json::object& o, std::string_view key, bool fallback) {
    const json::value* v = field(o, key);
    if (!v) return fallback;
    if (!v->is_bool()) wrong_type(key, "a boolean");
    return v->get_bool();
}

inline json::object opt_object(const json::object& o, std::string_view key) {
    const json::value* v = field(o, key);
    if (!v) return {};
    if (!v->is_object()) wrong_type(key, "an object");
    return v->get_object();
}

inline json::value raw(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it == o.end() ? json::value() : it->value();
}

inline std::optional<time_point> opt_time(const json::object& o, std::string_view key) {
    const json::value* v = field(o, key);
    if (!v) return std::nullopt;
    return parse_timestamp(*v);
}

/// The array under `key` (required), each element decoded as T.
template <class T>
std::vector<T> req_array(const json::object& o, std::string_view key) {
    const json::value* v = field(o, key);
    if (!v) throw decode_error("missing field '" + std::string(key) + "'");
    if (!v->is_array()) wrong_type(key, "an array");
    return json::value_to<std::vector<T>>(*v);
}

/// The array under `key`, each element decoded as T; absent or null: empty.
template <class T>
std::vector<T> opt_array(const json::object& o, std::string_view key) {
    return field(o, key) ? req_array<T>(o, key) : std::vector<T>{};
}

/// The object under `key` decoded as T; absent or null: nullopt.
template <class T>
std::optional<T> opt_value(const json::object& o, std::string_view key) {
    const json::value* v = field(o, key);
    if (!v) return std::nullopt;
    return json::value_to<T>(*v);
}

/// One tier of graduated or volume pricing ({upTo, unitPrice?, flatFee?}; src/catalog.cpp).
pricing_tier read_tier(const json::object& o);

/// A page of a cursor-paged list (owo::pager): `hasMore` and `nextCursor`.
template <class Page>
void read_paging(const json::object& o, Page& page) {
    page.has_more = opt_bool(o, "hasMore", false);
    page.next_cursor = opt_string(o, "nextCursor");
}

// ---- writing ---------------------------------------------------------------------------------

template <class T>
void put(json::object& o, std::string_view key, const std::optional<T>& v) {
    if (v) o[key] = json::value_from(*v, o.storage());
}

// Rules shared by the params of every resource (defined in src/json_mapping.cpp).
/// The first non-empty message.
std::string first_problem(std::initializer_list<std::string> problems);
/// An Idempotency-Key the caller chose must be a valid header value.
std::string check_key(const std::optional<std::string>& key);
std::string check_optional_email(std::string_view field, const std::optional<std::string>& email);
/// JSON has no NaN or Infinity: metadata holding one cannot be sent as it is.
std::string check_metadata(std::string_view field, const std::optional<json::object>& m);

} // namespace mapping

} // namespace detail
} // namespace owo
