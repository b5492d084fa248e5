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

#include <owostack/billing.hpp>
#include <owostack/catalog.hpp>
#include <owostack/credits.hpp>
#include <owostack/types.hpp>
#include <owostack/wallet.hpp>

#include <string>
#include <string_view>
#include <vector>

// Columns:
//   name      the member function (and async_NAME)
//   method    get | post | patch | delete_
//   path      after the base URL ("/v1"); a segment "{x}" is the params' path argument (for a
//             std::string params type, the string itself; for a struct, its `customer` member
//             or what its path_argument(p) hook returns; "x" names it in error messages)
//   params    the request type;  result: the answer type
//   retry     how a retry is judged against a server that ignores Idempotency-Key:
//             read | idempotent_write | entity_add | entity_remove | counts_usage |
//             counts_usage_if_sent (counts usage when params.send_event is true)
//   scope     client_scope | customer_scope (also a method of owo::customer)
//   handle    customer_scope: the method's name on owo::customer; client_scope: -
//   api       hosted (the hosted API has the route) | extension (owostack-local only: against
//             api.owostack.com or sandbox.owostack.com the call ends with error::not_supported
//             before sending, and a plain-text 404 answering it is read as not_supported)
//   member    the body member holding the result, "" for the whole body
//
// The rows below are the customer and seat operations (their types in types.hpp, their mapping
// in src/json_mapping.cpp). A resource of its own keeps its rows, params and results in one
// header and its mapping in one source file, as stripe-go does: catalog (sync, credit systems
// and packs: catalog.hpp, credits.hpp), billing (billing.hpp) and wallet (wallet.hpp).
#define OWOSTACK_OPERATIONS(X) OWOSTACK_CORE_OPERATIONS(X) OWOSTACK_RESOURCE_OPERATIONS(X)
#define OWOSTACK_RESOURCE_OPERATIONS(X) OWOSTACK_CATALOG_OPERATIONS(X) OWOSTACK_CREDITS_OPERATIONS(X) \
    OWOSTACK_BILLING_OPERATIONS(X) OWOSTACK_WALLET_OPERATIONS(X)
#define OWOSTACK_CORE_OPERATIONS(X)                                                                                        \
    X(customer,      post, "customers",        customer_params,      owo::customer,          idempotent_write,     client_scope,   -,             hosted, "")      \
    X(get_customer,  get,  "customers/{customer id}", std::string,   owo::customer,          read,                 client_scope,   -,             hosted, "")      \
    X(attach,        post, "attach",           attach_params,        attach_result,          idempotent_write,     customer_scope, attach,        hosted, "")      \
    X(check,         post, "check",            check_params,         check_result,           counts_usage_if_sent, customer_scope, check,         hosted, "")      \
    X(track,         post, "track",            track_params,         track_result,           counts_usage,         customer_scope, track,         hosted, "")      \
    X(add_entity,    post, "entities",         add_entity_params,    add_entity_result,      entity_add,           customer_scope, add_entity,    hosted, "")      \
    X(remove_entity, post, "entities/remove",  remove_entity_params, remove_entity_result,   entity_remove,        customer_scope, remove_entity, hosted, "")      \
    X(list_entities, get,  "entities",         list_entities_params, list_entities_result,   read,                 customer_scope, list_entities, hosted, "")      \
    X(plans,         get,  "plans",            plans_params,         std::vector<owo::plan>, read,                 client_scope,   -,             hosted, "plans") \
    X(plan,          get,  "plans/{plan slug}", std::string,         owo::plan,              read,                 client_scope,   -,             hosted, "plan")  \
    X(find_customer, get,  "customers/{customer id}", find_customer_params, owo::customer,   read,                 client_scope,   -,             hosted, "")      \
    X(list_customers, get, "customers",        list_customers_params, list_customers_result, read,                 client_scope,   -,             extension, "")   \
    X(list_unresolved_customers, get, "customers/unresolved", list_customers_params, list_customers_result, read, client_scope, -,       extension, "")   \
    X(update_customer, patch, "customers/{customer}", update_customer_params, owo::customer, idempotent_write,     customer_scope, update,        extension, "")   \
    X(delete_customer, delete_, "customers/{customer}", delete_customer_params, delete_customer_result, idempotent_write, customer_scope, remove, extension, "") \
    X(bind_customer, post, "customers/{customer}/bind", bind_customer_params, owo::customer, idempotent_write,     customer_scope, bind,          extension, "") \
    X(list_events,   get,  "events",           list_events_params,   list_events_result,     read,                 client_scope,   -,             extension, "")

namespace owo {

class customer;

namespace detail {

enum class http_method { get, post, patch, delete_ };

/// See the `retry` column above; the rule itself is detail::is_retryable (src/retry_policy.cpp).
enum class retry_class { read, idempotent_write, entity_add, entity_remove, counts_usage, counts_usage_if_sent };

enum class op_scope { client_scope, customer_scope };

/// Whether the hosted Owostack API has the operation's route (see the `api` column above).
enum class op_api { hosted, extension };

/// One tag type per operation, carrying its row of the table.
namespace op {
#define OWOSTACK_OPERATION_TAG(name_, method_, path_, params_, result_, retry_, scope_, handle_, api_, member_)                      \
    struct name_ {                                                                                                  \
        using params = params_;                                                                                     \
        using result = result_;                                                                                     \
        static constexpr std::string_view name = #name_;                                                            \
        static constexpr http_method method = http_method::method_;                                                 \
        static constexpr std::string_view path = path_;                                                             \
        static constexpr retry_class retry = retry_class::retry_;                                                   \
        static constexpr op_scope scope = op_scope::scope_;                                                         \
        static constexpr op_api api = op_api::api_;                                                                 \
        static constexpr std::string_view member = member_;                                                         \
    };
OWOSTACK_OPERATIONS(OWOSTACK_OPERATION_TAG)
#undef OWOSTACK_OPERATION_TAG
} // namespace op

} // namespace detail

/// The auto-pager of a list operation (include/owostack/pager.hpp): `Items` is the result's
/// member holding one page's items.
template <class Op, auto Items>
class pager;

/// Every customer, page by page: `owo::customer_pager pages(client, params)` (include pager.hpp).
using customer_pager = pager<detail::op::list_customers, &list_customers_result::customers>;

/// Every invoice of a customer, newest first, page by page: `owo::invoice_pager pages(client,
/// {.customer = "cus_1", .limit = 50})` (include pager.hpp).
using invoice_pager = pager<detail::op::billing_invoices, &billing_invoices_result::invoices>;
/// Every event after a position, page by page: `owo::event_pager pages(client, {.after = 0})`.
using event_pager = pager<detail::op::list_events, &list_events_result::events>;

} // namespace owo
