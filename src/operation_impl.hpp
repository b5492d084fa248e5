// The definitions of operation<Op> (operation.hpp), included once, at the end of
// src/json_mapping.cpp: they call the per-params hooks defined there, found by argument-
// dependent lookup —
//   std::string invalid_reason(const P&)                      every struct params type
//   void put_query(const P&, query_params&)                   GET operations with struct params
//   std::optional<R> recovered(const P&, const call_result&)  optional: a failure that means done
#pragma once

#include "ids.hpp"
#include "json_mapping.hpp"
#include "operation.hpp"
#include "validation.hpp"

#include <owostack/customer.hpp>

#include <boost/json/monotonic_resource.hpp>
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
request_spec operation<Op>::make_request(const base_url& base, const params& p) {
    request_spec s;
    std::string_view argument;
    if constexpr (std::is_same_v<params, std::string>) argument = p;
    if constexpr (Op::method == http_method::post) {
        s.method = boost::beast::http::verb::post;
        s.target = make_target(base, Op::path, argument);
        // The DOM only lives to be serialised: build it in a stack arena (no heap for small bodies).
        unsigned char scratch[2048];
        json::monotonic_resource arena(scratch, sizeof scratch);
        s.body = json::serialize(json::value_from(p, &arena));
        s.idempotency_key = p.idempotency_key ? *p.idempotency_key : make_uuid_v4();
    } else {
        query_params query;
        if constexpr (requires { put_query(p, query); }) put_query(p, query);
        s.target = make_target(base, Op::path, argument, query);
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

#define OWOSTACK_INSTANTIATE_OPERATION(name, ...) template struct operation<op::name>;
OWOSTACK_OPERATIONS(OWOSTACK_INSTANTIATE_OPERATION)
#undef OWOSTACK_INSTANTIATE_OPERATION

} // namespace owo::detail
