// owo::client — one per application: configuration, connection pool, every API operation.
#pragma once

#include <owostack/config.hpp>
#include <owostack/error.hpp>
#include <owostack/operations.hpp>
#include <owostack/types.hpp>
#include <owostack/with_diagnostics.hpp>

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
struct client_access;   // src/client_impl.hpp: a client over another io_environment (unit tests)
template <class T>
concept token_not_diagnostics = !std::is_same_v<std::remove_cvref_t<T>, diagnostics>;

/// Starts an asynchronous call completing with void(error_code, R) — or, for throwing tokens,
/// void(exception_ptr, R) with an owo::api_error. `start(arg, diag, handler<R>)` begins the
/// work; `diag` is where it writes the diagnostics of a failure (may be null).
template <class R, class Token, class Start, class Arg>
auto initiate_call(Token&& token, diagnostics* diag, Start start, Arg arg) {
    if constexpr (throws_on_error<Token>) {
        auto& inner = inner_token(token);
        return boost::asio::async_initiate<std::remove_reference_t<decltype(inner)>, void(std::exception_ptr, R)>(
            [start = std::move(start), diag](auto inner_handler, Arg a) {
                throwing_handler<R, decltype(inner_handler)> h(std::move(inner_handler), diag);
                diagnostics* d = h.diag();
                start(std::move(a), d, handler<R>(std::move(h)));
            },
            inner, std::move(arg));
    } else {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, R)>(
            [start = std::move(start), diag](auto h, Arg a) {
                start(std::move(a), diag, handler<R>(std::move(h)));
            },
            token, std::move(arg));
    }
}
} // namespace detail

/// The Owostack API client.
///
/// Threading: a client is a cheap, copyable handle to shared state (copies share one pool,
/// guarded by a mutex). Operations may be started from any thread. `co_await c.op(...)` runs
/// in the awaiting coroutine, on its executor; the token forms run on the client's executor and
/// complete on the handler's associated executor. Connections are created on the client's
/// executor, which must be running.
///
/// Every operation of include/owostack/operations.hpp comes in three forms:
///  - `co_await c.op(params)` — an awaitable; throws owo::api_error (a boost::system::system_error
///    with the full owo::diagnostics) for every failure, transport ones included;
///  - `c.async_op(params, token)` — any Asio completion token; completes with
///    void(error_code, R). Throwing tokens (use_awaitable, use_future, owo::with_diagnostics(t))
///    complete with void(exception_ptr, R) instead, the exception an owo::api_error;
///  - `c.async_op(params, diag, token)` — the same, also filling `diag` on failure.
/// Per-operation cancellation works through the token's cancellation slot (the call ends with
/// operation_aborted and its connection is discarded); a call never outlives
/// config::request_timeout.
///
/// A moved-from client is empty: its operations complete with error::invalid_argument
/// ("empty handle"), api_url() is "" and stats() all zero.
///
/// Inside this class `customer` names the operation; the handle type is spelled owo::customer.
class client {
public:
    using executor_type = boost::asio::any_io_executor;

    /// Validates `cfg` (throws owo::api_error with error::invalid_argument when it is unusable,
    /// e.g. an empty secret_key) and prepares the TLS context. Connects lazily.
    client(executor_type ex, config cfg);

    client(const client&) = default;
    client& operator=(const client&) = default;
    /// The source keeps its executor but no state: its operations fail with invalid_argument.
    client(client&& other) noexcept : executor_(other.executor_), impl_(std::move(other.impl_)) {}
    client& operator=(client&& other) noexcept {
        executor_ = other.executor_;
        impl_ = std::move(other.impl_);
        return *this;
    }

    executor_type get_executor() const noexcept { return executor_; }
    /// The base URL in use, e.g. "https://api.owostack.com/v1".
    const std::string& api_url() const noexcept;
    /// Pool counters (a consistent snapshot; safe from any thread).
    pool_counters stats() const;

#define OWOSTACK_CLIENT_MEMBERS(name, method_, path_, params_, result_, retry_, scope_, handle_, api_, member_) \
    boost::asio::awaitable<result_> name(params_ p) const;                                                  \
    template <detail::token_not_diagnostics Token = boost::asio::deferred_t>                                \
    auto async_##name(params_ p, Token&& token = {}) const {                                                \
        return initiate<detail::op::name>(std::move(p), nullptr, std::forward<Token>(token));              \
    }                                                                                                        \
    template <class Token = boost::asio::deferred_t>                                                        \
    auto async_##name(params_ p, diagnostics& diag, Token&& token = {}) const {                             \
        return initiate<detail::op::name>(std::move(p), &diag, std::forward<Token>(token));                \
    }
    OWOSTACK_OPERATIONS(OWOSTACK_CLIENT_MEMBERS)
#undef OWOSTACK_CLIENT_MEMBERS

private:
    friend class owo::customer;
    template <class Op, auto Items>
    friend class pager;
    friend struct detail::client_access;
    client() = default;   // only for an empty owo::customer handle

    template <class Op, class Token>
    auto initiate(typename Op::params p, diagnostics* diag, Token&& token) const {
        // The initiation holds a copy of the client, so deferred operations stay valid.
        return detail::initiate_call<typename Op::result>(
            std::forward<Token>(token), diag,
            [self = *this](typename Op::params p, diagnostics* d, detail::handler<typename Op::result> h) {
                self.start<Op>(std::move(p), d, std::move(h));
            },
            std::move(p));
    }

    /// The awaitable form of `Op` (what each named member returns).
    template <class Op>
    boost::asio::awaitable<typename Op::result> call(typename Op::params p) const;

    /// Runs `Op` on the client's executor and completes `h` on its associated executor
    /// (defined for every operation in src/client.cpp).
    template <class Op>
    void start(typename Op::params p, diagnostics* diag, detail::handler<typename Op::result> h) const;

    executor_type executor_;
    std::shared_ptr<detail::client_impl> impl_;
};

} // namespace owo
