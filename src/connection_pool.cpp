#include "connection_pool.hpp"

#include <owostack/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <mutex>

namespace owo::detail {

namespace asio = boost::asio;
using boost::system::error_code;

// A queued wait. Whatever frees up is handed to the oldest waiter directly (a connection, or
// the right to dial one), so a caller arriving later can never barge past it. All fields and
// every operation on the timer are under the pool's mutex, so a hand-over can never slip in
// between the check and the wait (no lost wake-up).
struct connection_pool::waiter {
    explicit waiter(std::unique_ptr<wake_timer> t) : timer(std::move(t)) {}
    std::unique_ptr<wake_timer> timer;
    bool handled = false;                    // handed something, or gave up
    std::unique_ptr<connection_io> conn;     // handed a keep-alive connection
    bool slot = false;                       // handed the right to dial (counted in open_)
};

namespace {

// Waits on the waiter's timer (cancelled by a hand-over, or by the caller's cancellation
// slot), starting the wait under the mutex; completes at once when already handed something.
template <class Waiter, class Token>
auto async_wait_for_handover(Waiter& w, std::mutex& m, Token&& token) {
    return asio::async_initiate<Token, void(error_code)>(
        [&w, &m](auto handler) {
            std::unique_lock lock(m);
            if (!w.handled) {
                w.timer->async_wait(std::move(handler));
                return;
            }
            lock.unlock();
            auto ex = asio::get_associated_executor(handler);
            asio::post(ex, [h = std::move(handler)]() mutable { std::move(h)(error_code{}); });
        },
        token);
}

} // namespace

pooled_connection& pooled_connection::operator=(pooled_connection&& o) noexcept {
    if (this != &o) {
        release();
        pool_ = std::exchange(o.pool_, nullptr);
        conn_ = std::move(o.conn_);
        reusable_ = std::exchange(o.reusable_, false);
    }
    return *this;
}

void pooled_connection::renew() {
    conn_->close();
    conn_ = pool_->make_connection();
    reusable_ = false;
}

void pooled_connection::release() noexcept {
    if (pool_ && conn_) pool_->give_back(std::move(conn_), reusable_);
    conn_.reset();
    pool_ = nullptr;
    reusable_ = false;
}

connection_pool::connection_pool(io_environment& env, const pool_params& params, bool tls)
    : env_(env), params_(params), tls_(tls) {}

connection_pool::~connection_pool() {
    for (auto& c : idle_) c->close();
}

pool_counters connection_pool::stats() const {
    std::lock_guard lock(mutex_);
    pool_counters s = stats_;
    s.open_connections = open_;
    s.idle_connections = idle_.size();
    return s;
}

std::shared_ptr<connection_pool::waiter> connection_pool::next_waiter_locked() noexcept {
    while (!waiters_.empty()) {
        auto w = std::move(waiters_.front());
        waiters_.pop_front();
        if (w->handled) continue;   // gave up (timed out or cancelled)
        w->handled = true;
        return w;
    }
    return nullptr;
}

// `c` null: only the slot is given back.
void connection_pool::give_back(std::unique_ptr<connection_io> c, bool reusable) noexcept {
    std::unique_lock lock(mutex_);
    if (reusable) {
        if (auto w = next_waiter_locked()) {
            w->conn = std::move(c);
            w->timer->cancel();
        } else {
            idle_.push_back(std::move(c));
        }
        return;
    }
    if (auto w = next_waiter_locked()) {
        w->slot = true;   // open_ unchanged: the slot passes on
        w->timer->cancel();
    } else {
        --open_;
    }
    lock.unlock();
    if (c) c->close();
}

pooled_connection connection_pool::try_acquire_locked() {
    while (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        if (env_.now() - c->idle_since() < params_.idle_timeout) {
            ++stats_.reuses;
            return pooled_connection(this, std::move(c));
        }
        c->close();   // idle too long: the server may already have closed it
        --open_;
    }
    if (open_ < params_.max_connections) {
        ++open_;
        try {
            return pooled_connection(this, make_connection());
        } catch (...) {
            --open_;
            throw;
        }
    }
    return {};
}

pooled_connection connection_pool::try_acquire() {
    std::lock_guard lock(mutex_);
    return try_acquire_locked();
}

asio::awaitable<acquire_result> connection_pool::wait(clock::time_point deadline) {
    auto w = std::make_shared<waiter>(env_.make_timer());
    {
        std::lock_guard lock(mutex_);
        if (auto lease = try_acquire_locked()) co_return acquire_result{{}, std::move(lease)};
        w->timer->expires_at(deadline);
        waiters_.push_back(w);
    }
    // If this coroutine ends without resuming (its io_context is destroyed), pass on whatever
    // it was handed.
    struct pass_on {
        connection_pool* pool;
        waiter* w;
        ~pass_on() {
            std::unique_lock lock(pool->mutex_);
            w->handled = true;   // a stale queue entry from now on
            auto conn = std::move(w->conn);
            bool slot = std::exchange(w->slot, false);
            lock.unlock();
            if (conn) pool->give_back(std::move(conn), true);
            if (slot) pool->give_back(nullptr, false);
        }
    } guard{this, w.get()};
    auto [ec] = co_await async_wait_for_handover(*w, mutex_, asio::as_tuple(asio::use_awaitable));

    std::unique_lock lock(mutex_);
    w->handled = true;
    if (w->conn) {
        ++stats_.reuses;
        co_return acquire_result{{}, pooled_connection(this, std::move(w->conn))};
    }
    if (w->slot) {
        lock.unlock();   // handled: no hand-over touches `w` any more
        auto conn = make_connection();   // if this throws, the guard passes the slot on
        w->slot = false;
        co_return acquire_result{{}, pooled_connection(this, std::move(conn))};
    }
    lock.unlock();
    co_return acquire_result{ec ? ec : error_code(error::pool_exhausted), {}};
}

asio::awaitable<error_code> connection_pool::open(pooled_connection& lease, clock::time_point deadline) {
    {
        std::lock_guard lock(mutex_);
        ++stats_.connections_opened;
    }
    error_code ec = co_await lease->open(deadline);
    if (!ec && tls_) {
        std::lock_guard lock(mutex_);
        ++stats_.tls_handshakes;
    }
    co_return ec;
}

} // namespace owo::detail
