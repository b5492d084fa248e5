// The operations of the Owostack API, each declared once, here. See docs/architecture.md,
// "Adding an operation".
//
// Every entry generates, with no further code per operation:
//   co_await client.NAME(params)                 -> result, throws owo::api_error
//   client.async_NAME(params, token)             -> void(error_code, result) for any Asio token
//   client.async_NAME(params, diag, token)       -> the same, filling `diag` on failure
// and, for customer-scoped entries, the same three on owo::customer with params.customer set
// to the handle's id. The request is built from the entry (method, path, the params' JSON
// mapping) and the answer decoded into the result type (src/json_mapping.cpp).
#pragma once

#include <owostack/types.hpp>

#include <string>
#include <string_view>
#include <vector>

// Columns:
//   name      the member function (and async_NAME)
//   method    get | post
//   path      after the base URL ("/v1"); a segment "{x}" is the params' path argument (for a
//             std::string params type, the string itself; "x" names it in error messages)
//   params    the request type;  result: the answer type
//   retry     how a retry is judged against a server that ignores Idempotency-Key:
//             read | idempotent_write | entity_add | entity_remove | counts_usage |
//             counts_usage_if_sent (counts usage when params.send_event is true)
//   scope     client_scope | customer_scope (also a method of owo::customer)
//   member    the body member holding the result, "" for the whole body
#define OWOSTACK_OPERATIONS(X)                                                                                        \
    X(customer,      post, "customers",        customer_params,      owo::customer,          idempotent_write,     client_scope,   "")      \
    X(get_customer,  get,  "customers/{customer id}", std::string,   owo::customer,          read,                 client_scope,   "")      \
    X(attach,        post, "attach",           attach_params,        attach_result,          idempotent_write,     customer_scope, "")      \
    X(check,         post, "check",            check_params,         check_result,           counts_usage_if_sent, customer_scope, "")      \
    X(track,         post, "track",            track_params,         track_result,           counts_usage,         customer_scope, "")      \
    X(add_entity,    post, "entities",         add_entity_params,    add_entity_result,      entity_add,           customer_scope, "")      \
    X(remove_entity, post, "entities/remove",  remove_entity_params, remove_entity_result,   entity_remove,        customer_scope, "")      \
    X(list_entities, get,  "entities",         list_entities_params, list_entities_result,   read,                 customer_scope, "")      \
    X(plans,         get,  "plans",            plans_params,         std::vector<owo::plan>, read,                 client_scope,   "plans") \
    X(plan,          get,  "plans/{plan slug}", std::string,         owo::plan,              read,                 client_scope,   "plan")

namespace owo {

class customer;

namespace detail {

enum class http_method { get, post };

/// See the `retry` column above; the rule itself is detail::is_retryable (src/retry_policy.cpp).
enum class retry_class { read, idempotent_write, entity_add, entity_remove, counts_usage, counts_usage_if_sent };

enum class op_scope { client_scope, customer_scope };

/// One tag type per operation, carrying its row of the table.
namespace op {
#define OWOSTACK_OPERATION_TAG(name_, method_, path_, params_, result_, retry_, scope_, member_)                      \
    struct name_ {                                                                                                  \
        using params = params_;                                                                                     \
        using result = result_;                                                                                     \
        static constexpr std::string_view name = #name_;                                                            \
        static constexpr http_method method = http_method::method_;                                                 \
        static constexpr std::string_view path = path_;                                                             \
        static constexpr retry_class retry = retry_class::retry_;                                                   \
        static constexpr op_scope scope = op_scope::scope_;                                                         \
        static constexpr std::string_view member = member_;                                                         \
    };
OWOSTACK_OPERATIONS(OWOSTACK_OPERATION_TAG)
#undef OWOSTACK_OPERATION_TAG
} // namespace op

} // namespace detail
} // namespace owo
