// How one row of the operation table (include/owostack/operations.hpp) becomes a request, and
// how the answer becomes its result: generic over the operation's tag type. The members are
// defined for every operation at the end of src/json_mapping.cpp, where each params type's
// JSON mapping and rules are visible; src/client.cpp runs them.
#pragma once

#include "transport.hpp"
#include "urls.hpp"

#include <owostack/operations.hpp>

#include <string>

namespace owo {
class client;
namespace detail {

class client_impl;

/// What a call completes with: an error and its diagnostics, or a value.
template <class R>
struct outcome {
    boost::system::error_code ec;
    diagnostics diag;
    R value{};
};

/// Where one call goes: the path template, its "{...}" argument, and whether the route is an
/// owostack-local extension (the row's `api` column, unless the params choose the route).
struct route {
    std::string_view path;
    std::string_view argument;
    bool extension = false;
};

template <class Op>
struct operation {
    using params = typename Op::params;
    using result = typename Op::result;

    /// Why `p` cannot be sent, in words naming the field (empty when it can).
    static std::string invalid_reason(const params& p);
    /// The route of this call: from the row, or from the params' route_of(p) hook.
    static route route_of(const params& p);
    /// Why `p` cannot be sent to `base` (an extension route of the hosted API; empty when it can).
    static std::string unsupported_reason(const base_url& base, const params& p);
    /// Method, target, JSON body, retry class and idempotency key (the same on every attempt).
    static request_spec make_request(const base_url& base, const params& p);
    /// The success body decoded (or bad_response), or the call's failure — unless the failure
    /// of a retried call means the desired state already holds (see retry_class).
    static outcome<result> finish(const params& p, call_result& r, const client& owner);
};

} // namespace detail
} // namespace owo
