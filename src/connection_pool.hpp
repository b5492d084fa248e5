// The keep-alive connection pool of one client (one origin): reuse of idle connections,
// a bound on open connections, idle expiry, and a fair wait for a free slot.
// Thread-safe: one mutex guards the bookkeeping (never held across I/O), so calls started
// from any thread or executor share it.
#pragma once

#include "io_seam.hpp"

#include <owostack/config.hpp>

#include <boost/asio/any_completion_handler.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace owo::detail {

class connection_pool;

/// A connection on loan from the pool, holding one of its slots. Returned on destruction:
/// kept for reuse only when mark_reusable() was called (a clean, keep-alive exchange);
/// otherwise closed. A lease may hold a connection that is not open yet (see is_open()).
class pooled_connection {
public:
    pooled_connection() = default;
    pooled_connection(connection_pool* pool, std::unique_ptr<connection_io> c) : pool_(pool), conn_(std::move(c)) {}
    pooled_connection(pooled_connection&& o) noexcept { *this = std::move(o); }
    pooled_connection& operator=(pooled_connection&& o) noexcept;
    ~pooled_connection() { release(); }

    connection_io* operator->() const noexcept { return conn_.get(); }
    connection_io& operator*() const noexcept { return *conn_; }
    explicit operator bool() const noexcept { return conn_ != nullptr; }
    void mark_reusable() noexcept { reusable_ = true; }
    /// Takes the connection out of the lease, slot and all (its owner must give it back).
    std::unique_ptr<connection_io> detach() noexcept {
        pool_ = nullptr;
        reusable_ = false;
        return std::move(conn_);
    }
    /// Closes the connection and puts a fresh, unopened one in the same slot (a re-dial).
    void renew();
    /// Gives the connection back now (closed unless reusable) and frees or passes on its slot.
    void release() noexcept;

private:
    connection_pool* pool_ = nullptr;
    std::unique_ptr<connection_io> conn_;
    bool reusable_ = false;
};

/// How a wait for the pool completes: a connection (or an unopened one in a freed slot), or
/// pool_exhausted at the deadline, or operation_aborted when cancelled.
using acquire_handler = io_handler<void(boost::system::error_code, pooled_connection)>;

class connection_pool {
public:
    /// Connections, timers and the time come from `env`; completions of their I/O run on the
    /// handler's associated executor.
    connection_pool(io_environment& env, const pool_params& params, bool tls);
    ~connection_pool();

    /// Without waiting: an idle connection fresh enough to reuse, else a new unopened one when
    /// below the bound, else an empty lease (then call wait()).
    pooled_connection try_acquire();
    /// Waits (fairly, oldest first) until a connection or a slot frees up, or until `deadline`
    /// (error::pool_exhausted), or cancellation (through the handler's cancellation slot).
    void async_wait(clock::time_point deadline, acquire_handler h);
    /// The stats of dialling: a dial started / a TLS handshake completed.
    void count_dial() noexcept;
    void count_handshake() noexcept;

    pool_counters stats() const;

    /// The handler of one wait (public for its associator specialization).
    class wait_completion;

private:
    friend class pooled_connection;
    struct waiter;
    std::unique_ptr<connection_io> make_connection() { return env_.make_connection(); }
    pooled_connection try_acquire_locked();
    void give_back(std::unique_ptr<connection_io> c, bool reusable) noexcept;
    /// Under the lock: the oldest waiter still waiting, marked as handled.
    std::shared_ptr<waiter> next_waiter_locked() noexcept;

    io_environment& env_;
    const pool_params params_;
    const bool tls_;   // opened connections count as TLS handshakes
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<connection_io>> idle_;   // most recently used at the back
    std::deque<std::shared_ptr<waiter>> waiters_;
    std::size_t open_ = 0;                              // idle + on loan (open or not)
    pool_counters stats_;   // the monotonic counters; the live ones are filled by stats()
};

} // namespace owo::detail
