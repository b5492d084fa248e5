// owo::client — one per application: configuration, connection pool, every API operation.
#pragma once

#include <owostack/config.hpp>
#include <owostack/error.hpp>
#include <owostack/types.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/deferred.hpp>

#include <memory>
#include <type_traits>
#include <vector>

namespace owo {

class customer;
namespace detail {
class client_impl;
template <class R>
using handler = boost::asio::any_completion_handler<void(boost::system::error_code, R)>;
template <class T>
concept token_not_diagnostics = !std::is_same_v<std::remove_cvref_t<T>, diagnostics>;
} // namespace detail

/// The Owostack API client.
///
/// Threading: a client is a cheap, copyable handle to shared state (copies share one pool,
/// guarded by a mutex). Operations may be started from any thread. `co_await c.op(...)` runs
/// in the awaiting coroutine, on its executor; the token forms run on the client's executor and
/// complete on the handler's associated executor. Connections are created on the client's
/// executor, which must be running.
///
/// Every operation comes in three forms:
///  - `co_await c.op(params)` — an awaitable; throws owo::api_error (a boost::system::system_error,
///    with diagnostics) for every failure, transport ones included;
///  - `c.async_op(params, token)` — any Asio completion token (use_awaitable, use_future,
///    deferred, callbacks, as_tuple(...)); completion signature void(error_code, R);
///  - `c.async_op(params, diag, token)` — the same, also filling `diag` on failure.
/// Per-operation cancellation works through the token's cancellation slot; a call never
/// outlives config::request_timeout.
class client {
public:
    using executor_type = boost::asio::any_io_executor;

    /// Validates `cfg` (throws owo::api_error with error::invalid_argument when it is unusable,
    /// e.g. an empty secret_key) and prepares the TLS context. Connects lazily.
    client(executor_type ex, config cfg);

    executor_type get_executor() const noexcept;
    /// The base URL in use, e.g. "https://api.owostack.com/v1".
    const std::string& api_url() const noexcept;
    /// Pool counters (a consistent snapshot; safe from any thread).
    pool_counters stats() const;

#define OWO_CLIENT_OPERATION(name, params_type, result_type)                                      \
    boost::asio::awaitable<result_type> name(params_type p) const;                                \
    template <detail::token_not_diagnostics Token = boost::asio::deferred_t>                      \
    auto async_##name(params_type p, Token&& token = {}) const {                                  \
        return initiate<result_type>(&client::start_##name, std::move(p), nullptr,                 \
                                     std::forward<Token>(token));                                  \
    }                                                                                              \
    template <class Token = boost::asio::deferred_t>                                              \
    auto async_##name(params_type p, diagnostics& diag, Token&& token = {}) const {               \
        return initiate<result_type>(&client::start_##name, std::move(p), &diag,                   \
                                     std::forward<Token>(token));                                  \
    }

    /// POST /v1/customers — create the customer, or resolve it by id / email and merge metadata.
    OWO_CLIENT_OPERATION(customer, customer_params, owo::customer)
    /// GET /v1/customers/{id} — by internal id only.
    OWO_CLIENT_OPERATION(get_customer, std::string, owo::customer)
    /// POST /v1/attach — subscribe to a plan (paid plans answer with a checkout URL).
    OWO_CLIENT_OPERATION(attach, attach_params, attach_result)
    /// POST /v1/check — may the customer use a feature? Denials are results, not errors.
    OWO_CLIENT_OPERATION(check, check_params, check_result)
    /// POST /v1/track — record usage. Never retried in a way that could count it twice.
    OWO_CLIENT_OPERATION(track, track_params, track_result)
    /// POST /v1/entities — add a seat (or other entity); error::limit_exceeded when full.
    OWO_CLIENT_OPERATION(add_entity, add_entity_params, add_entity_result)
    /// POST /v1/entities/remove — mark an entity pending_removal.
    OWO_CLIENT_OPERATION(remove_entity, remove_entity_params, remove_entity_result)
    /// GET /v1/entities — a customer's entities, optionally of one feature.
    OWO_CLIENT_OPERATION(list_entities, list_entities_params, list_entities_result)
    /// GET /v1/plans
    OWO_CLIENT_OPERATION(plans, plans_params, std::vector<owo::plan>)
    /// GET /v1/plans/{slug}
    OWO_CLIENT_OPERATION(plan, std::string, owo::plan)
#undef OWO_CLIENT_OPERATION

private:
    friend class owo::customer;
    client() = default;   // only for an empty owo::customer handle

    template <class R, class P>
    using start_fn = void (client::*)(P, diagnostics*, detail::handler<R>) const;

    template <class R, class P, class Token>
    auto initiate(start_fn<R, P> start, P p, diagnostics* diag, Token&& token) const {
        // The initiation holds a copy of the client, so deferred operations stay valid.
        return boost::asio::async_initiate<Token, void(boost::system::error_code, R)>(
            [self = *this, start](auto handler, P p, diagnostics* diag) {
                (self.*start)(std::move(p), diag, detail::handler<R>(std::move(handler)));
            },
            token, std::move(p), diag);
    }

    void start_customer(customer_params, diagnostics*, detail::handler<owo::customer>) const;
    void start_get_customer(std::string, diagnostics*, detail::handler<owo::customer>) const;
    void start_attach(attach_params, diagnostics*, detail::handler<attach_result>) const;
    void start_check(check_params, diagnostics*, detail::handler<check_result>) const;
    void start_track(track_params, diagnostics*, detail::handler<track_result>) const;
    void start_add_entity(add_entity_params, diagnostics*, detail::handler<add_entity_result>) const;
    void start_remove_entity(remove_entity_params, diagnostics*,
                             detail::handler<remove_entity_result>) const;
    void start_list_entities(list_entities_params, diagnostics*,
                             detail::handler<list_entities_result>) const;
    void start_plans(plans_params, diagnostics*, detail::handler<std::vector<owo::plan>>) const;
    void start_plan(std::string, diagnostics*, detail::handler<owo::plan>) const;

    std::shared_ptr<detail::client_impl> impl_;
};

} // namespace owo
