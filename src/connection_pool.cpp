#include "connection_pool.hpp"

#include "forwarding_handler.hpp"

#include <owostack/error.hpp>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

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
    std::unique_ptr<connection_io> ready;    // taken at once (counted already: no hand-over)
    bool slot = false;                       // handed the right to dial (counted in open_)
};

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

// The handler of a waiter's timer: runs when a hand-over cancels the timer, at the deadline, or
// on cancellation, and completes the wait. If it is destroyed without running (its io_context
// is destroyed), whatever the waiter was handed is passed on.
class connection_pool::wait_completion {
public:
    wait_completion(connection_pool* pool, std::shared_ptr<waiter> w, acquire_handler h)
        : pool_(pool), w_(std::move(w)), h_(std::move(h)) {}
    wait_completion(wait_completion&&) noexcept = default;
    ~wait_completion() {
        if (!w_) return;
        std::unique_lock lock(pool_->mutex_);
        w_->handled = true;   // a stale queue entry from now on
        auto ready = std::move(w_->ready);
        auto conn = std::move(w_->conn);
        bool slot = std::exchange(w_->slot, false);
        lock.unlock();
        if (conn) pool_->give_back(std::move(conn), true);
        if (ready) {
            const bool open = ready->is_open();
            pool_->give_back(std::move(ready), open);
        }
        if (slot) pool_->give_back(nullptr, false);
    }

    void operator()(error_code ec) {
        auto w = std::move(w_);
        std::unique_lock lock(pool_->mutex_);
        w->handled = true;
        if (w->ready) {
            lock.unlock();
            return std::move(h_)(error_code{}, pooled_connection(pool_, std::move(w->ready)));
        }
        if (w->conn) {
            ++pool_->stats_.reuses;
            pooled_connection lease(pool_, std::move(w->conn));
            lock.unlock();
            return std::move(h_)(error_code{}, std::move(lease));
        }
        if (w->slot) {
            lock.unlock();   // handled: no hand-over touches `w` any more
            std::unique_ptr<connection_io> conn;
            try {
                conn = pool_->make_connection();
            } catch (...) {
                pool_->give_back(nullptr, false);
                w->slot = false;
                throw;
            }
            w->slot = false;
            return std::move(h_)(error_code{}, pooled_connection(pool_, std::move(conn)));
        }
        lock.unlock();
        std::move(h_)(ec ? ec : error_code(error::pool_exhausted), pooled_connection{});
    }

    using wrapped_handler = acquire_handler;   // keeps the waiting call's associations
    const acquire_handler& inner() const noexcept { return h_; }

private:
    connection_pool* pool_;
    std::shared_ptr<waiter> w_;
    acquire_handler h_;
};

} // namespace owo::detail

template <template <class, class> class Associator, class Default>
struct boost::asio::associator<Associator, owo::detail::connection_pool::wait_completion, Default>
    : owo::detail::forwarding_associator<Associator, owo::detail::connection_pool::wait_completion, Default> {};

namespace owo::detail {

void connection_pool::async_wait(clock::time_point deadline, acquire_handler h) {
    auto w = std::make_shared<waiter>(env_.make_timer());
    std::unique_lock lock(mutex_);
    if (auto lease = try_acquire_locked()) {
        // Freed since the caller's try_acquire(): handed over at once, through the timer (so
        // the wait still completes on the handler's executor, never inline).
        w->handled = true;
        w->ready = lease.detach();
        deadline = env_.now();
    }
    w->timer->expires_at(deadline);
    if (!w->handled) waiters_.push_back(w);
    // Under the mutex, so a hand-over can never slip in between the queueing and the wait.
    auto& timer = *w->timer;
    timer.async_wait(wait_completion(this, std::move(w), std::move(h)));
}

void connection_pool::count_dial() noexcept {
    std::lock_guard lock(mutex_);
    ++stats_.connections_opened;
}

void connection_pool::count_handshake() noexcept {
    if (!tls_) return;
    std::lock_guard lock(mutex_);
    ++stats_.tls_handshakes;
}

} // namespace owo::detail
