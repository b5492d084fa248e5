// The definitions of operation<Op> (operation.hpp), included at the end of src/json_mapping.cpp
// and of each resource's mapping file (src/billing.cpp, ...), which instantiate their own rows
// (OWOSTACK_ROWS_OF_THIS_FILE): they call the per-params hooks defined there, found by argument-
// dependent lookup —
//   std::string invalid_reason(const P&)                      every struct params type
//   void put_query(const P&, query_params&)                   GET operations with struct params
//   std::optional<R> recovered(const P&, const call_result&)  optional: a failure that means done
//   std::optional<route> choose_route(const P&)               optional: the params pick another
//                                                             route than the row's (find_customer's lookup)
//   std::string_view path_argument(const P&)                  optional: the "{...}" argument of a
//                                                             struct params (default: p.customer)
#pragma once

#include "ids.hpp"
#include "json_mapping.hpp"
#include "operation.hpp"
#include "validation.hpp"

#include <owostack/customer.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/serialize.hpp>

#include <optional>
#include <type_traits>

namespace owo::detail {

template <class P>
retry_safety safety_of(retry_class c, const P& p) {
    switch (c) {
    case retry_class::entity_add: return retry_safety::entity_add;
    case retry_class::entity_remove: return retry_safety::entity_remove;
    case retry_class::counts_usage: return retry_safety::counts_usage;
    case retry_class::counts_usage_if_sent:
        if constexpr (requires { p.send_event; })
            return p.send_event.value_or(false) ? retry_safety::counts_usage : retry_safety::idempotent;
        else return retry_safety::counts_usage;
    case retry_class::read:
    case retry_class::idempotent_write: break;
    }
    return retry_safety::idempotent;
}

template <class Op>
std::string operation<Op>::invalid_reason(const params& p) {
    if constexpr (std::is_same_v<params, std::string>) return check_identifier(path_parameter_name(Op::path), p);
    else return invalid_reason_of(p);
}

template <class Op>
route operation<Op>::route_of(const params& p) {
    if constexpr (requires { choose_route(p); })
        if (std::optional<route> chosen = choose_route(p)) return *chosen;
    route r{Op::path, {}, Op::api == op_api::extension};
    if constexpr (std::is_same_v<params, std::string>) r.argument = p;
    else if constexpr (requires { path_argument(p); }) r.argument = path_argument(p);
    else if constexpr (requires { std::string_view(p.customer); }) r.argument = p.customer;
    return r;
}

template <class Op>
std::string operation<Op>::unsupported_reason(const base_url& base, const params& p) {
    if (!base.hosted || !route_of(p).extension) return {};
    std::string why(Op::name);
    why += " is an owostack-local extension; the hosted Owostack API has no route for it";
    return why;
}

constexpr boost::beast::http::verb verb_of(http_method m) {
    using boost::beast::http::verb;
    switch (m) {
    case http_method::post: return verb::post;
    case http_method::patch: return verb::patch;
    case http_method::delete_: return verb::delete_;
    case http_method::get: break;
    }
    return verb::get;
}

template <class Op>
request_spec operation<Op>::make_request(const base_url& base, const params& p) {
    request_spec s;
    s.method = verb_of(Op::method);
    const route r = route_of(p);
    if constexpr (requires(query_params& q) { put_query(p, q); }) {
        query_params query;
        put_query(p, query);
        s.target = make_target(base, r.path, r.argument, query);
    } else {
        s.target = make_target(base, r.path, r.argument);
    }
    if constexpr (Op::method != http_method::get) {
        // A body when the params have a JSON mapping (DELETE has none).
        if constexpr (requires(json::value& v) { tag_invoke(json::value_from_tag{}, v, p); }) {
            // The DOM only lives to be serialised: build it in a stack arena (no heap for small bodies).
            unsigned char scratch[2048];
            json::monotonic_resource arena(scratch, sizeof scratch);
            s.body = json::serialize(json::value_from(p, &arena));
        }
        if constexpr (requires { p.idempotency_key; })
            s.idempotency_key = p.idempotency_key ? *p.idempotency_key : make_uuid_v4();
        else
            s.idempotency_key = make_uuid_v4();   // params without a key of their own (a catalog)
    }
    s.safety = safety_of(Op::retry, p);
    return s;
}

template <class Op>
outcome<typename Op::result> operation<Op>::finish(const params& p, call_result& r, const client& owner) {
    outcome<result> out;
    if (r.ec) {
        if constexpr (requires { recovered(p, r); }) {
            if (std::optional<result> done = recovered(p, r)) {
                out.value = std::move(*done);
                return out;
            }
        }
        out.ec = r.ec;
        out.diag = std::move(r.diag);
        // A plain-text 404 (no API's JSON) on an extension route: a server without the extension.
        if (out.ec == error::not_found && out.diag.body.empty() && route_of(p).extension) {
            out.ec = error::not_supported;
            out.diag.code = "not_supported";
            out.diag.message = std::string(Op::name) +
                               " is an owostack-local extension; this server has no route for it (plain-text 404)";
        }
        return out;
    }
    try {
        if constexpr (std::is_same_v<result, owo::customer>)
            out.value = owo::customer(owner, json::value_to<customer_record>(json::value(std::move(r.body))));
        else if constexpr (!Op::member.empty())
            out.value = decode_field<result>(r.body, Op::member);
        else
            out.value = json::value_to<result>(json::value(std::move(r.body)));
    } catch (const std::exception& e) {   // decode_error, or Boost.JSON's own conversion errors
        out.ec = error::bad_response;
        out.diag.code = "bad_response";
        out.diag.message = std::string("unexpected response: ") + e.what();
        out.diag.attempts = r.diag.attempts;
        out.diag.body = std::move(r.body);
    }
    return out;
}

// The rows this translation unit maps: it defines OWOSTACK_ROWS_OF_THIS_FILE as its table
// (OWOSTACK_CORE_OPERATIONS in json_mapping.cpp, a resource's table in the resource's file).
#define OWOSTACK_INSTANTIATE_OPERATION(name, ...) template struct operation<op::name>;
OWOSTACK_ROWS_OF_THIS_FILE(OWOSTACK_INSTANTIATE_OPERATION)
#undef OWOSTACK_INSTANTIATE_OPERATION

} // namespace owo::detail
