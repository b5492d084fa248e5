// The SQLite engine: group commit on one writer thread, reads on pooled connections (see
// sqlite_engine.hpp for the design, docs/architecture.md for why).
#include "store/sqlite_engine.hpp"

#include "http/metrics.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_store.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>
#include <algorithm>

namespace owo::local {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

struct queued_unit {
    unit_of_work work;
    unit_done done;
    write_history* history;
    std::exception_ptr error;
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
                                               "Time of one COMMIT (per-request mode: its fsync included)",
                                               metrics_registry::latency_buckets())),
          fsync_seconds_(metrics.histogram_of("owostack_store_fsync_seconds",
                                              "Time of one fsync of the WAL making group commits durable",
                                              metrics_registry::latency_buckets())),
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
            // Savepoints journal the pages they change; in memory, not in a temporary file per batch.
            sqlite_exec(*writer_, "PRAGMA temp_store=MEMORY");
            if (!in_memory_) {
                // COMMIT only writes the batch's WAL frames; the syncer thread makes them durable
                // (sync_loop), so the next batch runs while this one's fsync is in flight.
                wal_path_ = sqlite_wal_path(*writer_);
                sqlite_exec(*writer_, "PRAGMA synchronous=OFF");
                syncer_thread_ = std::thread([this] {
                    pthread_setname_np(pthread_self(), "owo-syncer");   // in top -H and perf
                    sync_loop();
                });
            }
            writer_thread_ = std::thread([this] {
                pthread_setname_np(pthread_self(), "owo-writer");
                write_loop();
            });
        }
    }

    ~sqlite_engine() override {
        stop();
        for (const char* g : {"owostack_store_write_queue_depth", "owostack_store_pool_connections",
                              "owostack_store_pool_connections_in_use"})
            metrics_.remove_gauge(g);
    }

    void submit(unit_kind kind, unit_of_work work, unit_done done, write_history* history) override {
        if (opts_.mode == commit_mode::per_request) return run_inline(kind, work, done);
        if (auto e = durability_lost()) return done(e);
        if (kind == unit_kind::read && !in_memory_) return run_read(work, done);
        // A write unit runs first as a read on a pooled connection: many write routes often
        // write nothing (a resolve, a replayed Idempotency-Key, a check), and those then never
        // queue behind the writer. Its first write fails (query_only) and the writer runs it
        // again from scratch, as it may any unit; routes that nearly always write skip it.
        if (kind == unit_kind::write && !in_memory_ && (!history || history->read_first()) && !stopping()) {
            auto error = run_on_reader(work);
            if (!writes_after_all(error)) {
                if (history) history->record(false);   // a unit that writes is recorded by the writer
                count(unit_kind::write, !error);
                return complete_when_durable(std::move(done), error);
            }
        }
        {
            std::lock_guard lock(queue_mutex_);
            if (!stopping_) {
                queue_.push_back({std::move(work), std::move(done), history, nullptr});
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
        if (durability_lost()) return false;
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
        if (syncer_thread_.joinable()) {
            {
                std::lock_guard lock(sync_mutex_);
                syncer_stopping_ = true;
                sync_ready_.notify_all();
            }
            syncer_thread_.join();
            // The last connection to close checkpoints the WAL into the database: with fsyncs.
            try {
                sqlite_exec(*writer_, "PRAGMA synchronous=FULL");
            } catch (...) {
            }
        }
        if (wal_fd_ >= 0) ::close(wal_fd_);
        wal_fd_ = -1;
    }

private:
    bool stopping() {
        std::lock_guard lock(queue_mutex_);
        return stopping_;
    }

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

    void run_read(const unit_of_work& work, unit_done done) {
        auto error = run_on_reader(work);
        count(unit_kind::read, !error);
        complete_when_durable(std::move(done), error);
    }

    /// A read may have seen a batch that is committed but not yet fsynced; it is answered once
    /// every commit begun before it finished is durable, so no answer shows a write a crash
    /// could still take back.
    void complete_when_durable(unit_done done, std::exception_ptr error) {
        std::uint64_t seen = committing_.load(std::memory_order_acquire);
        if (durable_.load(std::memory_order_acquire) >= seen) return done(error);
        {
            std::lock_guard lock(sync_mutex_);
            if (durable_.load(std::memory_order_relaxed) < seen && !sync_error_) {
                waiting_reads_.push_back({seen, std::move(done), error});
                return;
            }
        }
        if (auto e = durability_lost()) error = e;
        done(error);
    }

    std::exception_ptr durability_lost() {
        if (!sync_failed_.load(std::memory_order_acquire)) return nullptr;
        std::lock_guard lock(sync_mutex_);
        return sync_error_;
    }

    std::exception_ptr run_on_reader(const unit_of_work& work) {
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
        return error;
    }

    /// True when a unit run on a read connection failed because it tried to write.
    static bool writes_after_all(const std::exception_ptr& error) {
        if (!error) return false;
        try {
            std::rethrow_exception(error);
        } catch (const sqlite_error& e) {
            return e.code == SQLITE_READONLY;
        } catch (...) {
            return false;
        }
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
                take_queued(batch);
            }
            bool committed = run_batch(batch);
            {
                std::lock_guard lock(queue_mutex_);
                last_commit_failed_ = !committed;
                if (syncer_thread_.joinable()) ++unsynced_commits_;
            }
            if (syncer_thread_.joinable()) {
                std::lock_guard lock(sync_mutex_);
                to_sync_.push_back({std::move(batch), committing_.load(std::memory_order_relaxed)});
                sync_ready_.notify_one();
            } else {
                finish(batch, nullptr);
            }
            // Copy the WAL into the database file every few commits, between batches: with the
            // writer idle the checkpoint completes, so the next write restarts the WAL from its
            // beginning instead of growing it (a checkpointer thread racing the writer never
            // completes one under load).
            if (!in_memory_ && ++commits_since_checkpoint_ >= checkpoint_every) {
                commits_since_checkpoint_ = 0;
                checkpoint();
            }
        }
    }

    /// Moves queued units into `batch`, up to the bound. Under queue_mutex_.
    void take_queued(std::vector<queued_unit>& batch) {
        while (!queue_.empty() && batch.size() < opts_.max_batch) {
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
    }

    /// While the previous commit is still being fsynced, the open transaction takes in the units
    /// that arrive: committing now would only write WAL frames the next fsync covers anyway. It
    /// closes when that fsync is about to end (its usual time, less a COMMIT's), so the COMMIT
    /// overlaps the end of the fsync and the next fsync starts at once. A unit waits for its
    /// batch to close at most about one fsync, and each fsync makes durable every unit that
    /// arrived during the one before. True when units were added.
    bool take_while_disk_busy(std::vector<queued_unit>& batch) {
        std::unique_lock lock(queue_mutex_);
        for (;;) {
            if (batch.size() >= opts_.max_batch || stopping_) return false;
            if (!queue_.empty()) {
                take_queued(batch);
                return true;
            }
            if (unsynced_commits_ == 0) return false;
            auto close_at = clock_type::time_point(clock_type::duration(sync_started_.load(std::memory_order_relaxed))) +
                            clock_type::duration(fsync_typical_.load(std::memory_order_relaxed)) - commit_typical_;
            if (unsynced_commits_ > 1 || clock_type::now() >= close_at) return false;
            queue_ready_.wait_until(lock, close_at);
        }
    }

    // Checkpoints keep their fsyncs (of the WAL before copying, of the database after): the WAL
    // is reused from its start only once the database file holds it durably.
    void checkpoint() {
        bool deferred = syncer_thread_.joinable();
        try {
            if (deferred) sqlite_exec(*writer_, "PRAGMA synchronous=FULL");
            sqlite_exec(*writer_, "PRAGMA wal_checkpoint(PASSIVE)");
        } catch (...) {   // the next one tries again; the WAL keeps everything meanwhile
        }
        try {
            if (deferred) sqlite_exec(*writer_, "PRAGMA synchronous=OFF");
        } catch (...) {   // stays FULL: slower, still durable
        }
    }

    /// One transaction for the batch, one COMMIT. Sets each unit's error; false when the batch
    /// itself could not commit (then every unit failed).
    ///
    /// A unit that throws must fail alone. Units rarely throw (a 4xx is an answer, not a throw),
    /// and a SAVEPOINT per unit cost a quarter of the writer's time per unit (SQLite copies every
    /// page a savepoint changes into its journal, and each unit changes the same hot pages
    /// again), so units run without one. When one throws, the whole transaction is rolled back
    /// and the batch runs again without it, this time each unit in its own SAVEPOINT, and so do
    /// the batches after it for a while: a stream of failing requests costs one rerun per
    /// `isolated_after_failure` batches, not one per failure.
    bool run_batch(std::vector<queued_unit>& batch) {
        store& s = *writer_;
        for (;;) {
            try {
                sqlite_exec(s, "BEGIN IMMEDIATE");
                bool redo = false;
                std::size_t ran = 0;
                std::size_t next = 0;
                do {
                    for (; next < batch.size() && !redo; ++next)
                        redo = !run_unit(s, batch[next], ran);
                } while (!redo && take_while_disk_busy(batch));
                // The units may run again from scratch: the others are redone without the one
                // that failed (each attempt drops at least one unit, so this ends). After some
                // errors (I/O, full disk) SQLite has already rolled the transaction back itself.
                if (redo) {
                    abandon(s);
                    isolated_batches_ = isolated_after_failure;
                    continue;
                }
                auto t0 = clock_type::now();
                committing_.fetch_add(1, std::memory_order_release);   // readers may see it from now on
                sqlite_exec(s, "COMMIT");
                auto took = clock_type::now() - t0;
                commit_seconds_.observe(std::chrono::duration<double>(took).count());
                commit_typical_ = typical(commit_typical_, took);
                batch_size_.observe(static_cast<double>(ran));
                if (isolated_batches_ > 0) --isolated_batches_;
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

    /// One unit (in its own SAVEPOINT while isolating); false when its failure means the
    /// transaction must be redone without it.
    bool run_unit(store& s, queued_unit& u, std::size_t& ran) {
        if (u.error) return true;   // failed in an earlier attempt: stays failed
        bool isolated = isolated_batches_ > 0;
        if (isolated) sqlite_exec(s, "SAVEPOINT unit");
        auto changes = sqlite_total_changes(s);
        try {
            u.work(s);
            if (isolated) sqlite_exec(s, "RELEASE unit");
            if (u.history) u.history->record(sqlite_total_changes(s) != changes);
            ++ran;
            return true;
        } catch (...) {
            u.error = std::current_exception();
            if (!isolated || !sqlite_in_transaction(s)) return false;
            sqlite_exec(s, "ROLLBACK TO unit");
            sqlite_exec(s, "RELEASE unit");
            return true;
        }
    }

    void finish(std::vector<queued_unit>& batch, const std::exception_ptr& sync_error) {
        for (auto& u : batch) {
            auto error = u.error ? u.error : sync_error;
            count(unit_kind::write, !error);
            u.done(error);
        }
    }

    /// The syncer: fsyncs the WAL once for every batch committed since its last fsync, then
    /// reports those batches' units and the reads that waited for them. If an fsync fails the
    /// kernel may have dropped the pages it could not write, so nothing after it can be called
    /// durable: those units fail, and so does every unit after them (and GET /ready) until a
    /// restart recovers from what the disk holds.
    void sync_loop() {
        for (;;) {
            std::deque<sync_entry> synced;
            {
                std::unique_lock lock(sync_mutex_);
                sync_ready_.wait(lock, [this] { return syncer_stopping_ || !to_sync_.empty(); });
                if (to_sync_.empty()) return;
                synced.swap(to_sync_);
            }
            auto t0 = clock_type::now();
            sync_started_.store(t0.time_since_epoch().count(), std::memory_order_relaxed);
            std::exception_ptr error = sync_error_copy();
            if (!error) error = sync_wal();
            auto took = clock_type::now() - t0;
            fsync_seconds_.observe(std::chrono::duration<double>(took).count());
            fsync_typical_.store(typical(clock_type::duration(fsync_typical_.load(std::memory_order_relaxed)), took).count(),
                                 std::memory_order_relaxed);
            std::vector<waiting_read> answered;
            {
                std::lock_guard lock(sync_mutex_);
                if (error) {
                    sync_error_ = error;
                    sync_failed_.store(true, std::memory_order_release);
                } else {
                    durable_.store(synced.back().generation, std::memory_order_release);
                }
                auto durable = durable_.load(std::memory_order_relaxed);
                auto waits = std::partition(waiting_reads_.begin(), waiting_reads_.end(),
                                            [&](const waiting_read& r) { return !error && r.seen > durable; });
                answered.assign(std::make_move_iterator(waits), std::make_move_iterator(waiting_reads_.end()));
                waiting_reads_.erase(waits, waiting_reads_.end());
            }
            {
                std::lock_guard lock(queue_mutex_);
                unsynced_commits_ -= synced.size();
                queue_ready_.notify_all();   // the writer may close its open batch now
            }
            for (auto& e : synced) finish(e.batch, error);
            for (auto& r : answered) r.done(error ? error : r.error);
        }
    }

    std::exception_ptr sync_error_copy() {
        std::lock_guard lock(sync_mutex_);
        return sync_error_;
    }

    /// fdatasync of the WAL through a descriptor of our own (the file is the same inode SQLite
    /// writes; opened again should SQLite have replaced it). The directory is synced once per
    /// file, so the WAL's own entry is durable too.
    std::exception_ptr sync_wal() {
        auto failure = [](const char* what) {
            return std::make_exception_ptr(std::runtime_error(std::string("the store could not make writes durable (") + what +
                                                              ": " + std::strerror(errno) + ")"));
        };
        struct stat on_disk {};
        if (::stat(wal_path_.c_str(), &on_disk) != 0) return failure("stat of the WAL");
        struct stat held {};
        if (wal_fd_ < 0 || ::fstat(wal_fd_, &held) != 0 || held.st_ino != on_disk.st_ino || held.st_dev != on_disk.st_dev) {
            if (wal_fd_ >= 0) ::close(wal_fd_);
            wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
            if (wal_fd_ < 0) return failure("open of the WAL");
            auto slash = wal_path_.rfind('/');
            std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : wal_path_.substr(0, slash);
            int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (d < 0) return failure("open of the database directory");
            int r = ::fsync(d);
            ::close(d);
            if (r != 0) return failure("fsync of the database directory");
        }
        if (opts_.before_wal_sync) {
            try {
                opts_.before_wal_sync();
            } catch (...) {
                return std::current_exception();
            }
        }
        if (::fdatasync(wal_fd_) != 0) return failure("fdatasync of the WAL");
        return nullptr;
    }

    store_engine_options opts_;
    metrics_registry& metrics_;
    bool in_memory_;
    std::unique_ptr<store> writer_;   // migrated when opened, before any reader exists
    histogram& batch_size_;
    histogram& commit_seconds_;
    histogram& fsync_seconds_;
    counter* units_[4];   // read ok/failed, write ok/failed

    std::mutex inline_mutex_;   // per-request mode

    std::mutex queue_mutex_;
    std::condition_variable queue_ready_;
    std::deque<queued_unit> queue_;
    bool stopping_ = false;
    bool last_commit_failed_ = false;
    std::thread writer_thread_;
    std::size_t unsynced_commits_ = 0;   // handed to the syncer, not yet fsynced
    // When the running fsync began, and what fsyncs and COMMITs usually take (moving averages).
    std::atomic<clock_type::rep> sync_started_{0};
    std::atomic<clock_type::rep> fsync_typical_{0};
    clock_type::duration commit_typical_{};   // the writer thread's
    static clock_type::duration typical(clock_type::duration average, clock_type::duration sample) {
        return average + (sample - average) / 8;
    }
    static constexpr std::size_t checkpoint_every = 32;   // commits
    static constexpr std::size_t isolated_after_failure = 64;   // batches with a SAVEPOINT per unit after a unit threw
    std::size_t isolated_batches_ = 0;                          // the writer thread's
    std::size_t commits_since_checkpoint_ = 0;             // the writer thread's

    // Durability (group mode on disk). Generations count COMMITs: `committing_` is the last one
    // begun (readers may see it), `durable_` the last one fsynced.
    struct sync_entry {
        std::vector<queued_unit> batch;
        std::uint64_t generation;
    };
    struct waiting_read {
        std::uint64_t seen;
        unit_done done;
        std::exception_ptr error;
    };
    std::string wal_path_;
    int wal_fd_ = -1;   // the syncer thread's
    std::atomic<std::uint64_t> committing_{0};
    std::atomic<std::uint64_t> durable_{0};
    std::atomic<bool> sync_failed_{false};
    std::mutex sync_mutex_;
    std::condition_variable sync_ready_;
    std::deque<sync_entry> to_sync_;
    std::vector<waiting_read> waiting_reads_;
    std::exception_ptr sync_error_;
    bool syncer_stopping_ = false;
    std::thread syncer_thread_;

    std::mutex pool_mutex_;
    std::vector<std::unique_ptr<store>> idle_readers_;
    std::size_t readers_open_ = 0;
};

} // namespace

std::unique_ptr<store_engine> open_sqlite_engine(const store_engine_options& opts, metrics_registry& metrics) {
    return std::make_unique<sqlite_engine>(opts, metrics);
}

} // namespace owo::local
