// The store execution layer: how a request's store work runs. The api hands the engine a unit of
// work — a function over `store&` — as a write (one transaction, reported done only once it is
// durable) or a read (a consistent snapshot), and is told asynchronously when it has finished, so
// the HTTP layer can co_await it without blocking its I/O threads. Each engine decides where and
// how units run: the SQLite engine batches concurrent writes into one transaction and one fsync
// (group commit, sqlite_engine.cpp); a PostgreSQL engine runs them on a connection pool and
// retries serialization failures by running the unit again.
#pragma once

#include "store/store.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace owo::local {

class metrics_registry;

enum class unit_kind { read, write };

/// A unit of work. The engine may run it more than once (a retried serialization failure, a batch
/// redone after an error), each time from scratch against a fresh transaction: a unit assigns its
/// results (never appends), changes nothing outside the store but its own outputs, and must not
/// call store::begin() (the engine owns the transaction). Throwing rolls back everything it wrote.
using unit_of_work = std::function<void(store&)>;

/// Called exactly once per submitted unit: with nullptr when the unit ran (a write: committed and
/// durable), else with why it failed (nothing it wrote remains). It may run on an engine thread or
/// on the submitting thread before submit() returns: keep it short and never block in it.
using unit_done = std::function<void(std::exception_ptr)>;

/// What a route's write units did lately. Engines run a write unit first as a read, without
/// locks or the writer (resolves, checks and replays mostly write nothing), unless the route's
/// recent units nearly all wrote (creates), where that first run is wasted work. The api keeps
/// one per route; engines record each write unit once, from the run that committed it.
class write_history {
public:
    bool read_first() const noexcept { return share_.load(std::memory_order_relaxed) < skip_above; }
    /// An average over about the last 16 units; a concurrent update may lose one (harmless).
    void record(bool wrote) noexcept {
        auto s = share_.load(std::memory_order_relaxed);
        share_.store(s - s / 16 + (wrote ? one / 16 : 0), std::memory_order_relaxed);
    }

private:
    static constexpr std::uint32_t one = 1u << 16;
    static constexpr std::uint32_t skip_above = one / 4 * 3;   // read first unless 3 in 4 wrote
    std::atomic<std::uint32_t> share_{0};
};

class store_engine {
public:
    virtual ~store_engine() = default;

    /// Runs `work` (see unit_of_work) and calls `done` once (see unit_done). `history`, when
    /// given, is the write_history of the route the unit serves.
    virtual void submit(unit_kind kind, unit_of_work work, unit_done done, write_history* history) = 0;
    void submit(unit_kind kind, unit_of_work work, unit_done done) {
        submit(kind, std::move(work), std::move(done), nullptr);
    }

    /// True while the store answers (readiness: GET /ready). Cheap enough to call per request.
    virtual bool ready() = 0;

    /// Finishes the units already submitted, then stops its threads; submit() afterwards fails
    /// the unit. Called by the destructor too.
    virtual void stop() = 0;
};

/// How the SQLite engine commits (owostack-local --commit-mode).
enum class commit_mode {
    group,         // one writer thread, concurrent writes batched into one transaction + fsync
    per_request,   // the previous design: each write its own transaction, run inline under a lock
};

struct store_engine_options {
    std::string store = ":memory:";   // a SQLite path (":memory:" allowed); postgres:// URLs: the postgres engine
    commit_mode mode = commit_mode::group;
    std::size_t max_batch = 256;      // write units per group commit at most
    // PostgreSQL (--store postgres://...): connections (= worker threads) and how long a unit
    // waits for one before it fails with 503.
    std::size_t pool_size = 8;
    std::chrono::milliseconds acquire_timeout{5000};
    // Tests: runs on the SQLite syncer thread before each fsync of the WAL; a throw fails it.
    std::function<void()> before_wal_sync;
};

/// Opens the engine `opts.store` names, registering its metrics in `metrics`.
std::unique_ptr<store_engine> open_store_engine(const store_engine_options& opts, metrics_registry& metrics);

/// Runs `work` and waits for it, rethrowing its failure: for start-up, tests and the fuzz target.
/// Never call it from a unit_done or a unit (the engine's own thread would wait for itself).
void run_blocking(store_engine& engine, unit_kind kind, unit_of_work work);

/// An Asio completion handler as a copyable callback that may be called from any thread: it posts
/// the handler to the handler's associated executor (never runs it inside the caller), and keeps
/// that executor's context running until then. For engine and api completions.
template <class... Args, class Handler>
std::function<void(Args...)> posting_callback(Handler handler) {
    auto ex = boost::asio::get_associated_executor(handler);
    struct state {
        Handler h;
        boost::asio::executor_work_guard<decltype(ex)> guard;
    };
    auto s = std::make_shared<state>(state{std::move(handler), boost::asio::make_work_guard(ex)});
    return [s](Args... args) {
        auto target = s->guard.get_executor();
        boost::asio::post(target, [s, ... args = std::move(args)]() mutable {
            s->guard.reset();
            std::move(s->h)(std::move(args)...);
        });
    };
}

/// Asio form of submit(): completes with void(std::exception_ptr) on the token's associated
/// executor, never inside the initiating call.
template <class CompletionToken>
auto async_run(store_engine& engine, unit_kind kind, unit_of_work work, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(std::exception_ptr)>(
        [&engine, kind](auto handler, unit_of_work w) {
            engine.submit(kind, std::move(w), posting_callback<std::exception_ptr>(std::move(handler)));
        },
        token, std::move(work));
}

} // namespace owo::local
