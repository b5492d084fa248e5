// The keep-alive connection pool of one client (one origin): reuse of idle connections,
// a bound on open connections, idle expiry, and a fair wait for a free slot.
// Thread-safe: one mutex guards the bookkeeping (never held across I/O), so calls started
// from any thread or executor share it.
#pragma once

#include "io_seam.hpp"

#include <owostack/config.hpp>


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
    /// Closes the connection and puts a fresh, unopened one in the same slot (a re-dial).
    void renew();
    /// Gives the connection back now (closed unless reusable) and frees or passes on its slot.
    void release() noexcept;

private:
    connection_pool* pool_ = nullptr;
    std::unique_ptr<connection_io> conn_;
    bool reusable_ = false;
};

struct acquire_result {
    boost::system::error_code ec;
    pooled_connection conn;
};

class connection_pool {
public:
    /// Connections, timers and the time come from `env`; completions of their I/O run on the
    /// executor of the coroutine that awaits them.
    connection_pool(io_environment& env, const pool_params& params, bool tls);
    ~connection_pool();

    /// Without waiting: an idle connection fresh enough to reuse, else a new unopened one when
    /// below the bound, else an empty lease (then call wait()).
    pooled_connection try_acquire();
    /// Waits (fairly, oldest first) until a connection or a slot frees up, or until `deadline`
    /// (error::pool_exhausted), or cancellation.
    boost::asio::awaitable<acquire_result> wait(clock::time_point deadline);
    /// Opens the lease's unopened connection (counted in the stats).
    boost::asio::awaitable<boost::system::error_code> open(pooled_connection& lease, clock::time_point deadline);

    pool_counters stats() const;

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
