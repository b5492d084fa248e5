#include "connection_pool.hpp"

#include <owostack/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace owo::detail {

namespace asio = boost::asio;
using boost::system::error_code;

// A queued acquire. Whatever frees up is handed to the oldest waiter directly (a connection,
// or the right to dial one), so a caller arriving later can never barge past it.
struct connection_pool::waiter {
    explicit waiter(asio::any_io_executor ex) : timer(std::move(ex)) {}
    asio::steady_timer timer;
    bool woken = false;                      // handed something, or gave up
    std::unique_ptr<connection> conn;        // handed a keep-alive connection
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

void pooled_connection::release() noexcept {
    if (pool_ && conn_) pool_->give_back(std::move(conn_), reusable_);
    conn_.reset();
    pool_ = nullptr;
    reusable_ = false;
}

connection_pool::connection_pool(asio::any_io_executor strand, asio::ssl::context& tls,
                                 const base_url& origin, const config& cfg)
    : strand_(std::move(strand)), tls_(tls), origin_(origin), cfg_(cfg) {}

connection_pool::~connection_pool() {
    for (auto& c : idle_) c->close();
}

void connection_pool::give_back(std::unique_ptr<connection> c, bool reusable) noexcept {
    if (!reusable) {
        c->close();
        release_slot();
        return;
    }
    if (auto w = next_waiter()) {
        w->conn = std::move(c);
        w->timer.cancel();
        return;
    }
    idle_.push_back(std::move(c));
}

void connection_pool::release_slot() noexcept {
    if (auto w = next_waiter()) {
        w->slot = true;   // open_ unchanged: the slot passes on
        w->timer.cancel();
        return;
    }
    --open_;
}

std::shared_ptr<connection_pool::waiter> connection_pool::next_waiter() noexcept {
    while (!waiters_.empty()) {
        auto w = std::move(waiters_.front());
        waiters_.pop_front();
        if (w->woken) continue;   // gave up (timed out or cancelled)
        w->woken = true;
        return w;
    }
    return nullptr;
}

asio::awaitable<acquire_result> connection_pool::dial(clock::time_point deadline) {
    ++open_;
    co_return co_await dial_in_slot(deadline);
}

asio::awaitable<acquire_result> connection_pool::dial_in_slot(clock::time_point deadline) {
    // The lease owns the slot from the start, so a failure or a cancellation frees it.
    acquire_result r;
    r.conn = pooled_connection(this, std::make_unique<connection>(strand_, tls_, origin_, cfg_));
    ++stats_.connections_opened;
    r.ec = co_await r.conn->open(deadline);
    if (r.ec) {
        r.failure_reason = r.conn->failure_reason();
        r.conn.release();
    } else if (origin_.tls) {
        ++stats_.tls_handshakes;
    }
    co_return r;
}

asio::awaitable<acquire_result> connection_pool::acquire(clock::time_point deadline) {
    for (;;) {
        while (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            if (clock::now() - c->idle_since() < cfg_.pool.idle_timeout) {
                ++stats_.reuses;
                co_return acquire_result{{}, {}, pooled_connection(this, std::move(c))};
            }
            c->close();   // idle too long: the server may already have closed it
            --open_;
        }
        if (open_ < cfg_.pool.max_connections) co_return co_await dial(deadline);

        auto w = std::make_shared<waiter>(strand_);
        w->timer.expires_at(deadline);
        waiters_.push_back(w);
        // If this coroutine ends (cancelled) after being handed something, pass it on.
        struct pass_on {
            connection_pool* pool;
            std::shared_ptr<waiter> w;
            ~pass_on() {
                w->woken = true;   // a stale queue entry from now on
                if (w->conn) pool->give_back(std::move(w->conn), true);
                if (std::exchange(w->slot, false)) pool->release_slot();
            }
        } guard{this, w};
        auto [ec] = co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (w->conn) {
            ++stats_.reuses;
            co_return acquire_result{{}, {}, pooled_connection(this, std::move(w->conn))};
        }
        if (std::exchange(w->slot, false)) co_return co_await dial_in_slot(deadline);
        if (!ec) co_return acquire_result{error::pool_exhausted, "no pooled connection became free before the deadline", {}};
        co_return acquire_result{ec, {}, {}};
    }
}

} // namespace owo::detail
