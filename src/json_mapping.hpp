// Helpers of the JSON mapping (src/json_mapping.cpp; the tag_invoke overloads themselves are
// declared beside their types in include/owostack/types.hpp). Responses tolerate unknown
// fields and throw detail::decode_error on a field of the wrong type, which the client reports
// as bad_response.
#pragma once

#include <owostack/types.hpp>

#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <stdexcept>
#include <string_view>

namespace owo {

namespace json = boost::json;

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

} // namespace detail
} // namespace owo
