// The PostgreSQL engine (see postgres_engine.hpp). libpq's calls block, so each connection
// belongs to one worker thread: the I/O threads only queue units and are told when one is done.
#include "store/postgres_engine.hpp"

#include "http/metrics.hpp"
#include "store/postgres_store.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace owo::local {

bool is_postgres_url(const std::string& store) {
    return store.starts_with("postgres://") || store.starts_with("postgresql://");
}

namespace {

using clock = std::chrono::steady_clock;

class postgres_engine final : public store_engine {
public:
    postgres_engine(const postgres_engine_options& opts, metrics_registry& metrics);
    ~postgres_engine() override;

    void submit(unit_kind kind, unit_of_work work, unit_done done, write_history* history) override;
    bool ready() override { return reachable_.load(); }
    void stop() override;

private:
    struct job {
        unit_kind kind;
        unit_of_work work;
        unit_done done;
        write_history* history;
        clock::time_point queued;
    };

    void work_loop();
    void monitor_loop();
    std::exception_ptr run(std::unique_ptr<pg_connection>& conn, job& j);
    void count_retry(const postgres_error& e);
    static void rollback(std::unique_ptr<pg_connection>& conn);
    void fail_expired();
    std::exception_ptr acquire_timeout();

    postgres_engine_options opts_;
    pg_connect_options connect_;
    metrics_registry& metrics_;
    counter& retries_serialization_;
    counter& retries_deadlock_;
    counter& retries_unique_;
    counter& retries_connection_;
    counter& acquire_timeouts_;
    histogram& acquire_wait_;
    counter* units_[2][2];   // [read|write][ok|failed]

    std::mutex mutex_;
    std::condition_variable wake_;          // workers: a unit was queued, or stop
    std::condition_variable stop_signal_;   // the monitor: stop
    std::deque<job> queue_;
    bool stopping_ = false;
    std::atomic<int> in_use_{0};
    std::atomic<bool> reachable_{true};
    std::vector<std::thread> workers_;
    std::thread monitor_;
};

const std::vector<std::string> reason_label{"reason"};

postgres_engine::postgres_engine(const postgres_engine_options& opts, metrics_registry& metrics)
    : opts_(opts),
      connect_{opts.connect_timeout, opts.statement_timeout, opts.statement_timeout},
      metrics_(metrics),
      retries_serialization_(metrics.counter_of("owostack_store_retries_total", "Units of work re-run after a transient store failure",
                                                reason_label, {"serialization_failure"})),
      retries_deadlock_(metrics.counter_of("owostack_store_retries_total", "", reason_label, {"deadlock"})),
      retries_unique_(metrics.counter_of("owostack_store_retries_total", "", reason_label, {"unique_violation"})),
      retries_connection_(metrics.counter_of("owostack_store_retries_total", "", reason_label, {"connection"})),
      acquire_timeouts_(metrics.counter_of("owostack_store_pool_acquire_timeouts_total",
                                           "Units of work failed because no store connection was free in time")),
      acquire_wait_(metrics.histogram_of("owostack_store_pool_acquire_seconds", "Time a unit of work waited for a store connection",
                                         metrics_registry::latency_buckets())) {
    for (int k = 0; k < 2; ++k)
        for (int o = 0; o < 2; ++o)
            units_[k][o] = &metrics.counter_of("owostack_store_units_total", "Units of work run by the store, by kind and outcome",
                                               {"kind", "outcome"}, {k ? "write" : "read", o ? "failed" : "ok"});
    if (opts_.pool_size == 0) throw std::invalid_argument("the PostgreSQL pool needs at least one connection");
    {
        pg_connection db(opts_.url, connect_);
        migrate_postgres(db);
    }
    metrics_.gauge("owostack_store_pool_connections", "Store connections the pool may open",
                   [n = opts_.pool_size] { return static_cast<double>(n); });
    metrics_.gauge("owostack_store_pool_connections_in_use", "Store connections running a unit of work now",
                   [this] { return static_cast<double>(in_use_.load()); });
    metrics_.gauge("owostack_store_pool_waiting", "Units of work waiting for a store connection", [this] {
        std::lock_guard lock(mutex_);
        return static_cast<double>(queue_.size());
    });
    for (std::size_t i = 0; i < opts_.pool_size; ++i) workers_.emplace_back([this] { work_loop(); });
    monitor_ = std::thread([this] { monitor_loop(); });
}

postgres_engine::~postgres_engine() { stop(); }

void postgres_engine::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && workers_.empty()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    stop_signal_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
    if (monitor_.joinable()) monitor_.join();
    for (const char* g : {"owostack_store_pool_connections", "owostack_store_pool_connections_in_use", "owostack_store_pool_waiting"})
        metrics_.remove_gauge(g);
}

void postgres_engine::submit(unit_kind kind, unit_of_work work, unit_done done, write_history* history) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back({kind, std::move(work), std::move(done), history, clock::now()});
            wake_.notify_one();
            return;
        }
    }
    done(std::make_exception_ptr(store_unavailable("the store is shutting down")));
}

void postgres_engine::work_loop() {
    std::unique_ptr<pg_connection> conn;   // this worker's; (re)connected when a unit needs it
    for (;;) {
        job j;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;   // stopping, and every submitted unit has run
            j = std::move(queue_.front());
            queue_.pop_front();
        }
        auto waited = clock::now() - j.queued;
        acquire_wait_.observe(std::chrono::duration<double>(waited).count());
        if (waited > opts_.acquire_timeout) {
            j.done(acquire_timeout());
            continue;
        }
        ++in_use_;
        auto failure = run(conn, j);
        --in_use_;
        units_[j.kind == unit_kind::write][failure != nullptr]->add();
        j.done(failure);
    }
}

std::exception_ptr postgres_engine::acquire_timeout() {
    acquire_timeouts_.add();
    return std::make_exception_ptr(
        store_unavailable("no store connection was free within " + std::to_string(opts_.acquire_timeout.count()) + " ms"));
}

// Units that waited too long fail even while every worker is busy (a slow database).
void postgres_engine::fail_expired() {
    std::vector<job> expired;
    {
        std::lock_guard lock(mutex_);
        auto limit = clock::now() - opts_.acquire_timeout;
        while (!queue_.empty() && queue_.front().queued < limit) {
            expired.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
    }
    for (auto& j : expired) j.done(acquire_timeout());
}

void postgres_engine::count_retry(const postgres_error& e) {
    if (e.connection_lost) retries_connection_.add();
    else if (e.sqlstate == "40001") retries_serialization_.add();
    else if (e.sqlstate == "40P01") retries_deadlock_.add();
    else retries_unique_.add();
}

// One unit, run again from scratch while it fails transiently (within max_attempts and
// retry_budget). A write unit runs first as a read (one snapshot, no locks): most write routes
// often write nothing (a resolve, an idempotent replay, a check), and those then never queue on a
// customer's lock; at its first write it stops (needs_write) and runs again with locks. A unit
// whose COMMIT lost its connection is not re-run: it may have committed, and a second run could
// apply it twice; the client's retry with its Idempotency-Key is the safe one.
std::exception_ptr postgres_engine::run(std::unique_ptr<pg_connection>& conn, job& j) {
    static thread_local std::minstd_rand jitter{std::random_device{}()};
    const auto started = clock::now();
    pg_access access = j.kind == unit_kind::read                    ? pg_access::read
                       : !j.history || j.history->read_first() ? pg_access::read_first
                                                                : pg_access::write;
    for (int attempt = 1;; ++attempt) {
        bool committing = false;
        try {
            if (!conn) conn = std::make_unique<pg_connection>(opts_.url, connect_);
            conn->exec(access == pg_access::write ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                                  : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            postgres_store s(*conn, access);
            j.work(s);
            committing = true;
            conn->commit();
            if (j.history && access != pg_access::read) j.history->record(s.wrote());
            reachable_ = true;
            return nullptr;
        } catch (const needs_write&) {
            rollback(conn);
            access = pg_access::write;   // its outcome is recorded once, by the run that commits
            --attempt;   // not a failure: the same unit, now as a write
        } catch (const postgres_error& e) {
            rollback(conn);
            if (e.connection_lost) reachable_ = false;
            if (committing && e.connection_lost)
                return std::make_exception_ptr(store_unavailable("the store connection broke during COMMIT; the outcome is unknown"));
            if (!e.retryable()) return std::current_exception();
            if (attempt >= opts_.max_attempts || clock::now() - started > opts_.retry_budget)
                return std::make_exception_ptr(store_unavailable(std::string("the store stayed unavailable: ") + e.what()));
            count_retry(e);
            // Full jitter on an exponential step (1 ms .. 32 ms), so racing units spread out.
            auto cap = std::chrono::microseconds(1000 << std::min(attempt - 1, 5));
            std::this_thread::sleep_for(std::chrono::microseconds(jitter() % (cap.count() + 1)));
        } catch (...) {
            rollback(conn);
            return std::current_exception();
        }
    }
}

// Ends the unit's transaction; a connection that cannot is dropped (the next run reconnects).
void postgres_engine::rollback(std::unique_ptr<pg_connection>& conn) {
    if (conn && !conn->broken()) {
        try {
            conn->exec("ROLLBACK");
        } catch (const postgres_error&) {
            conn.reset();
        }
    }
    if (conn && conn->broken()) conn.reset();
}

// Readiness: a connection of its own asks PostgreSQL every 500 ms (each wait bounded by the
// connect and statement timeouts), so GET /ready answers from a flag without touching the pool.
void postgres_engine::monitor_loop() {
    std::unique_ptr<pg_connection> probe;
    pg_connect_options quick{std::chrono::milliseconds(2000), std::chrono::milliseconds(2000), std::chrono::milliseconds(2000)};
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            if (stop_signal_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stopping_; })) return;
        }
        fail_expired();
        try {
            if (!probe) probe = std::make_unique<pg_connection>(opts_.url, quick);
            probe->exec("SELECT 1");
            reachable_ = true;
        } catch (const postgres_error&) {
            probe.reset();
            reachable_ = false;
        }
    }
}

} // namespace

std::unique_ptr<store_engine> open_postgres_engine(const postgres_engine_options& opts, metrics_registry& metrics) {
    return std::make_unique<postgres_engine>(opts, metrics);
}

} // namespace owo::local
