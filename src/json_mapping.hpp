// JSON mapping of every request and response type (Boost.JSON tag_invoke, found by ADL).
// Requests omit absent optionals (never null); responses tolerate unknown fields and throw
// detail::decode_error on a field of the wrong type, which the client reports as bad_response.
#pragma once

#include <owostack/types.hpp>

#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <stdexcept>
#include <string_view>

namespace owo {

namespace json = boost::json;

void tag_invoke(json::value_from_tag, json::value&, const customer_params&);
void tag_invoke(json::value_from_tag, json::value&, const customer_data&);
void tag_invoke(json::value_from_tag, json::value&, const attach_params&);
void tag_invoke(json::value_from_tag, json::value&, const check_params&);
void tag_invoke(json::value_from_tag, json::value&, const track_params&);
void tag_invoke(json::value_from_tag, json::value&, const add_entity_params&);
void tag_invoke(json::value_from_tag, json::value&, const remove_entity_params&);

customer_record tag_invoke(json::value_to_tag<customer_record>, const json::value&);
plan_feature tag_invoke(json::value_to_tag<plan_feature>, const json::value&);
plan tag_invoke(json::value_to_tag<plan>, const json::value&);
attach_result tag_invoke(json::value_to_tag<attach_result>, const json::value&);
access_result tag_invoke(json::value_to_tag<access_result>, const json::value&);
add_entity_result tag_invoke(json::value_to_tag<add_entity_result>, const json::value&);
remove_entity_result tag_invoke(json::value_to_tag<remove_entity_result>, const json::value&);
entity tag_invoke(json::value_to_tag<entity>, const json::value&);
list_entities_result tag_invoke(json::value_to_tag<list_entities_result>, const json::value&);

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
