// The keep-alive connection pool of one client (one origin): reuse of idle connections,
// a bound on open connections, idle expiry, and a fair wait for a free slot.
// Runs on the client's strand only; it takes no locks.
#pragma once

#include "connection.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace owo::detail {

class connection_pool;

/// A connection on loan from the pool. Returned on destruction: kept for reuse only when
/// mark_reusable() was called (a clean, keep-alive exchange); otherwise closed.
class pooled_connection {
public:
    pooled_connection() = default;
    pooled_connection(connection_pool* pool, std::unique_ptr<connection> c) : pool_(pool), conn_(std::move(c)) {}
    pooled_connection(pooled_connection&& o) noexcept { *this = std::move(o); }
    pooled_connection& operator=(pooled_connection&& o) noexcept;
    ~pooled_connection() { release(); }

    connection* operator->() const noexcept { return conn_.get(); }
    explicit operator bool() const noexcept { return conn_ != nullptr; }
    void mark_reusable() noexcept { reusable_ = true; }
    /// Closes the connection now and frees its slot.
    void release() noexcept;

private:
    connection_pool* pool_ = nullptr;
    std::unique_ptr<connection> conn_;
    bool reusable_ = false;
};

struct acquire_result {
    boost::system::error_code ec;
    std::string failure_reason;   ///< e.g. why a certificate was refused
    pooled_connection conn;
};

class connection_pool {
public:
    connection_pool(boost::asio::any_io_executor strand, boost::asio::ssl::context& tls,
                    const base_url& origin, const config& cfg);
    ~connection_pool();

    /// An idle connection when one is fresh enough, else a new one when below the bound,
    /// else waits for one to be returned until `deadline` (error::pool_exhausted).
    boost::asio::awaitable<acquire_result> acquire(clock::time_point deadline);
    /// Always dials a new connection (used to re-dial once after a stale keep-alive).
    boost::asio::awaitable<acquire_result> dial(clock::time_point deadline);

    pool_counters stats() const noexcept {
        pool_counters s = stats_;
        s.open_connections = open_;
        s.idle_connections = idle_.size();
        return s;
    }

private:
    friend class pooled_connection;
    struct waiter;
    void give_back(std::unique_ptr<connection> c, bool reusable) noexcept;
    std::shared_ptr<waiter> next_waiter() noexcept;
    /// A slot (counted in open_) is free: hand it to a waiter, or give it up.
    void release_slot() noexcept;
    boost::asio::awaitable<acquire_result> dial_in_slot(clock::time_point deadline);

    boost::asio::any_io_executor strand_;
    boost::asio::ssl::context& tls_;
    const base_url& origin_;
    const config& cfg_;
    std::vector<std::unique_ptr<connection>> idle_;   // most recently used at the back
    std::deque<std::shared_ptr<waiter>> waiters_;
    std::size_t open_ = 0;                              // idle + on loan + dialling
    pool_counters stats_;   // the monotonic counters; the live ones are filled by stats()
};

} // namespace owo::detail
