// The SQLite engine: group commit on one writer thread, reads on pooled connections (see
// sqlite_engine.hpp for the design, docs/architecture.md for why).
#include "store/sqlite_engine.hpp"

#include "http/metrics.hpp"
#include "store/sqlite_store.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace owo::local {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

struct queued_unit {
    unit_of_work work;
    unit_done done;
    std::exception_ptr error;
    clock_type::time_point queued_at;
};

/// Rolls back whatever transaction `s` is in, ignoring failures (we are already failing).
void abandon(store& s) {
    if (!sqlite_in_transaction(s)) return;
    try {
        sqlite_exec(s, "ROLLBACK");
    } catch (...) {
    }
}

class sqlite_engine final : public store_engine {
public:
    sqlite_engine(const store_engine_options& opts, metrics_registry& metrics)
        : opts_(opts), metrics_(metrics), in_memory_(opts.store.empty() || opts.store == ":memory:"),
          writer_(open_sqlite_store(opts.store)),
          batch_size_(metrics.histogram_of("owostack_store_commit_batch_size", "Units of work committed by one transaction",
                                           {1, 2, 4, 8, 16, 32, 64, 128, 256})),
          commit_seconds_(metrics.histogram_of("owostack_store_commit_seconds",
                                               "Time of one COMMIT, its fsync included", metrics_registry::latency_buckets())),
          units_{&unit_counter("read", "ok"), &unit_counter("read", "failed"), &unit_counter("write", "ok"),
                 &unit_counter("write", "failed")} {
        metrics.gauge("owostack_store_write_queue_depth", "Write units waiting for the writer",
                      [this] { std::lock_guard l(queue_mutex_); return static_cast<double>(queue_.size()); });
        metrics.gauge("owostack_store_pool_connections", "Read connections open",
                      [this] { std::lock_guard l(pool_mutex_); return static_cast<double>(readers_open_); });
        metrics.gauge("owostack_store_pool_connections_in_use", "Read connections running a unit",
                      [this] { std::lock_guard l(pool_mutex_); return static_cast<double>(readers_open_ - idle_readers_.size()); });
        if (opts_.mode == commit_mode::group) {
            // The writer checkpoints itself, between batches (write_loop), not inside a COMMIT.
            if (!in_memory_) sqlite_exec(*writer_, "PRAGMA wal_autocheckpoint=0");
            // The writer's page cache holds the hot index pages between batches (SQLite's 2 MiB
            // default makes every batch re-read them from the OS as the store grows).
            sqlite_exec(*writer_, "PRAGMA cache_size=-65536");
            writer_thread_ = std::thread([this] { write_loop(); });
        }
    }

    ~sqlite_engine() override {
        stop();
        for (const char* g : {"owostack_store_write_queue_depth", "owostack_store_pool_connections",
                              "owostack_store_pool_connections_in_use"})
            metrics_.remove_gauge(g);
    }

    void submit(unit_kind kind, unit_of_work work, unit_done done) override {
        if (opts_.mode == commit_mode::per_request) return run_inline(kind, work, done);
        if (kind == unit_kind::read && !in_memory_) return run_read(work, done);
        {
            std::lock_guard lock(queue_mutex_);
            if (!stopping_) {
                queue_.push_back({std::move(work), std::move(done), nullptr, clock_type::now()});
                queue_ready_.notify_one();
                return;
            }
        }
        done(std::make_exception_ptr(std::runtime_error("the store is shutting down")));
    }

    bool ready() override {
        {
            std::lock_guard lock(queue_mutex_);
            if (stopping_ || last_commit_failed_) return false;
        }
        if (in_memory_ || opts_.mode == commit_mode::per_request) return true;
        // A read connection reaches the file and its schema.
        auto reader = borrow_reader();
        bool ok = true;
        try {
            sqlite_exec(*reader, "SELECT count(*) FROM sqlite_master");
        } catch (...) {
            ok = false;
        }
        return_reader(std::move(reader));
        return ok;
    }

    void stop() override {
        {
            std::lock_guard lock(queue_mutex_);
            if (stopping_) return;
            stopping_ = true;
            queue_ready_.notify_all();
        }
        if (writer_thread_.joinable()) writer_thread_.join();
    }

private:
    counter& unit_counter(const char* kind, const char* outcome) {
        return metrics_.counter_of("owostack_store_units_total", "Units of work finished, by kind and outcome", {"kind", "outcome"},
                                   {kind, outcome});
    }
    void count(unit_kind kind, bool ok) { units_[(kind == unit_kind::write ? 2 : 0) + (ok ? 0 : 1)]->add(); }

    /// The previous design: the caller's thread, one lock, one transaction (and fsync) per write.
    void run_inline(unit_kind kind, const unit_of_work& work, const unit_done& done) {
        std::lock_guard lock(inline_mutex_);
        std::exception_ptr error;
        try {
            if (kind == unit_kind::write) {
                sqlite_exec(*writer_, "BEGIN IMMEDIATE");
                work(*writer_);
                auto t0 = clock_type::now();
                sqlite_exec(*writer_, "COMMIT");
                commit_seconds_.observe(seconds_since(t0));
                batch_size_.observe(1);
            } else {
                work(*writer_);
            }
        } catch (...) {
            error = std::current_exception();
            abandon(*writer_);
        }
        count(kind, !error);
        done(error);   // under the lock: completions (the catalog swap) keep commit order
    }

    void run_read(const unit_of_work& work, const unit_done& done) {
        std::exception_ptr error;
        std::unique_ptr<store> reader;
        try {
            reader = borrow_reader();
            sqlite_exec(*reader, "BEGIN");   // one snapshot for every statement of the unit
            work(*reader);
            sqlite_exec(*reader, "COMMIT");
        } catch (...) {
            error = std::current_exception();
            if (reader) abandon(*reader);
        }
        if (reader) return_reader(std::move(reader));
        count(unit_kind::read, !error);
        done(error);
    }

    std::unique_ptr<store> borrow_reader() {
        {
            std::lock_guard lock(pool_mutex_);
            if (!idle_readers_.empty()) {
                auto r = std::move(idle_readers_.back());
                idle_readers_.pop_back();
                return r;
            }
            ++readers_open_;
        }
        try {
            auto r = open_sqlite_store(opts_.store);
            sqlite_exec(*r, "PRAGMA query_only=1");   // a read unit that tries to write fails
            sqlite_exec(*r, "PRAGMA busy_timeout=5000");
            return r;
        } catch (...) {
            std::lock_guard lock(pool_mutex_);
            --readers_open_;
            throw;
        }
    }

    void return_reader(std::unique_ptr<store> r) {
        std::lock_guard lock(pool_mutex_);
        idle_readers_.push_back(std::move(r));
    }

    void write_loop() {
        for (;;) {
            std::vector<queued_unit> batch;
            {
                std::unique_lock lock(queue_mutex_);
                queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) return;   // stopping, and everything submitted is done
                // The clients the last batch just answered send their next write within a
                // fraction of a millisecond; without waiting for them, they would miss this batch
                // and wait a whole commit for the next one (so two half batches alternate). With
                // concurrency (the last batch had several units) and commits that cost an fsync,
                // the batch may fill for at most the last commit's time, and never more than
                // `fill_wait`, after its oldest unit arrived; a lone writer never waits, nor do
                // batches that wrote nothing (resolves commit in microseconds).
                if (last_batch_ > 1 && last_commit_ >= min_commit_worth_waiting) {
                    std::size_t expected = std::min(opts_.max_batch, queue_.size() + last_batch_);
                    auto wait = std::min<clock_type::duration>(fill_wait, last_commit_);
                    queue_ready_.wait_until(lock, queue_.front().queued_at + wait,
                                            [&] { return stopping_ || queue_.size() >= expected; });
                }
                while (!queue_.empty() && batch.size() < opts_.max_batch) {
                    batch.push_back(std::move(queue_.front()));
                    queue_.pop_front();
                }
            }
            last_batch_ = batch.size();
            bool committed = run_batch(batch);
            {
                std::lock_guard lock(queue_mutex_);
                last_commit_failed_ = !committed;
            }
            for (auto& u : batch) {
                count(unit_kind::write, !u.error);
                u.done(u.error);
            }
            // Copy the WAL into the database file every few commits, after the batch was
            // answered: its fsync delays only the next batch (which meanwhile grows), and with
            // the writer idle the checkpoint completes, so the next write restarts the WAL from
            // its beginning instead of growing it (a checkpointer thread racing the writer never
            // completes one under load).
            if (!in_memory_ && ++commits_since_checkpoint_ >= checkpoint_every) {
                commits_since_checkpoint_ = 0;
                try {
                    sqlite_exec(*writer_, "PRAGMA wal_checkpoint(PASSIVE)");
                } catch (...) {   // the next one tries again; the WAL keeps everything meanwhile
                }
            }
        }
    }

    /// One transaction for the batch, a SAVEPOINT per unit, one COMMIT. Sets each unit's error;
    /// false when the batch itself could not commit (then every unit failed).
    bool run_batch(std::vector<queued_unit>& batch) {
        store& s = *writer_;
        for (;;) {
            try {
                sqlite_exec(s, "BEGIN IMMEDIATE");
                bool transaction_lost = false;
                std::size_t ran = 0;
                for (auto& u : batch) {
                    if (u.error) continue;   // failed in an earlier attempt: stays failed
                    sqlite_exec(s, "SAVEPOINT unit");
                    try {
                        u.work(s);
                        sqlite_exec(s, "RELEASE unit");
                        ++ran;
                    } catch (...) {
                        u.error = std::current_exception();
                        // After some errors (I/O, full disk) SQLite rolls the whole transaction
                        // back itself: the units before this one are gone too.
                        if (!sqlite_in_transaction(s)) {
                            transaction_lost = true;
                            break;
                        }
                        sqlite_exec(s, "ROLLBACK TO unit");
                        sqlite_exec(s, "RELEASE unit");
                    }
                }
                // Units may run again from scratch: redo the others without the one that failed
                // (each attempt drops one unit, so this ends).
                if (transaction_lost) continue;
                auto t0 = clock_type::now();
                sqlite_exec(s, "COMMIT");
                last_commit_ = clock_type::now() - t0;
                commit_seconds_.observe(std::chrono::duration<double>(last_commit_).count());
                batch_size_.observe(static_cast<double>(ran));
                return true;
            } catch (...) {
                // BEGIN, a savepoint or COMMIT failed: nothing of the batch is durable.
                auto error = std::current_exception();
                abandon(s);
                for (auto& u : batch)
                    if (!u.error) u.error = error;
                return false;
            }
        }
    }

    store_engine_options opts_;
    metrics_registry& metrics_;
    bool in_memory_;
    std::unique_ptr<store> writer_;   // migrated when opened, before any reader exists
    histogram& batch_size_;
    histogram& commit_seconds_;
    counter* units_[4];   // read ok/failed, write ok/failed

    std::mutex inline_mutex_;   // per-request mode

    std::mutex queue_mutex_;
    std::condition_variable queue_ready_;
    std::deque<queued_unit> queue_;
    bool stopping_ = false;
    bool last_commit_failed_ = false;
    std::thread writer_thread_;
    static constexpr std::size_t checkpoint_every = 32;   // commits
    static constexpr auto fill_wait = std::chrono::microseconds(1000);   // a unit waits at most this for its batch to fill
    static constexpr auto min_commit_worth_waiting = std::chrono::microseconds(100);
    std::size_t last_batch_ = 0;                            // the writer thread's
    clock_type::duration last_commit_{};                    // the writer thread's
    std::size_t commits_since_checkpoint_ = 0;             // the writer thread's

    std::mutex pool_mutex_;
    std::vector<std::unique_ptr<store>> idle_readers_;
    std::size_t readers_open_ = 0;
};

} // namespace

std::unique_ptr<store_engine> open_sqlite_engine(const store_engine_options& opts, metrics_registry& metrics) {
    return std::make_unique<sqlite_engine>(opts, metrics);
}

} // namespace owo::local
