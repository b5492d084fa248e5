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

template <class Op>
struct operation {
    using params = typename Op::params;
    using result = typename Op::result;

    /// Why `p` cannot be sent, in words naming the field (empty when it can).
    static std::string invalid_reason(const params& p);
    /// Method, target, JSON body, retry class and idempotency key (the same on every attempt).
    static request_spec make_request(const base_url& base, const params& p);
    /// The success body decoded (or bad_response), or the call's failure — unless the failure
    /// of a retried call means the desired state already holds (see retry_class).
    static outcome<result> finish(const params& p, call_result& r, const client& owner);
};

} // namespace detail
} // namespace owo
