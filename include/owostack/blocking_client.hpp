// owo::blocking_client — every operation of the table as a plain blocking call, for code that
// has no io_context of its own (a CLI, a script, a thread-per-request server).
#pragma once

#include <owostack/client.hpp>
#include <owostack/customer.hpp>

#include <memory>

namespace owo {

/// A blocking face on owo::client. It owns an io_context and one I/O thread, and an owo::client
/// on that thread's executor. Every operation of include/owostack/operations.hpp is a member
///     R NAME(params)
/// that starts the asynchronous form on the I/O thread and waits for it: it returns the result
/// or throws owo::api_error with the full owo::diagnostics (the same errors, retries, deadline
/// and pool as owo::client).
///
/// Threading: calls may be made from any number of threads at once; they share the one
/// connection pool (config::pool.max_connections bounds its connections). A call made on the
/// I/O thread itself (from a handler or coroutine running on get_executor()) would wait for
/// itself: it throws api_error(error::invalid_argument) instead of deadlocking — use client()'s
/// asynchronous forms there.
///
/// Destruction: calls still in flight are cancelled and their callers get
/// api_error(boost::asio::error::operation_aborted); the destructor waits for the I/O thread,
/// bounded (a few seconds at worst). Calls must not be *started* once destruction has begun.
///
/// An owo::customer returned by a call keeps its record valid for as long as it lives; its own
/// (asynchronous) operations run on this client's I/O thread, so use them only while the
/// blocking_client exists.
class blocking_client {
public:
    /// Validates `cfg` (throws owo::api_error with error::invalid_argument when unusable, e.g. an
    /// empty secret_key) and starts the I/O thread. Connects lazily.
    explicit blocking_client(config cfg);
    ~blocking_client();  // NOLINT(bugprone-exception-escape): see src/blocking_client.cpp

    blocking_client(const blocking_client&) = delete;
    blocking_client& operator=(const blocking_client&) = delete;

    /// The base URL in use, e.g. "https://api.owostack.com/v1".
    const std::string& api_url() const noexcept;
    /// Pool counters (a consistent snapshot).
    pool_counters stats() const;
    /// The asynchronous client underneath (its executor is the I/O thread's).
    const owo::client& client() const noexcept;
    owo::client::executor_type get_executor() const noexcept;

#define OWOSTACK_BLOCKING_MEMBER(name, method_, path_, params_, result_, ...) result_ name(params_ p);
    OWOSTACK_OPERATIONS(OWOSTACK_BLOCKING_MEMBER)
#undef OWOSTACK_BLOCKING_MEMBER

private:
    class state;
    std::unique_ptr<state> state_;
};

} // namespace owo
