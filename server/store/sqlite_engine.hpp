// The SQLite store engine (see store_engine.hpp and docs/architecture.md, "Store execution").
#pragma once

#include "store/store_engine.hpp"

namespace owo::local {

/// Group mode: one writer thread owns the write connection and drains a queue; the units it
/// finds waiting run in one transaction and one COMMIT (a unit that throws fails alone: the
/// batch is redone without it, each unit in a SAVEPOINT). The COMMIT only writes the WAL; a syncer thread fsyncs it and
/// only then reports the batch's units done, while the writer already runs the next batch, which
/// stays open (taking in the units that arrive) until the fsync in flight is about to end. Reads
/// run on the caller's thread on pooled read connections (WAL readers never wait for the writer)
/// and are answered once every commit they may have seen is durable; for ":memory:" (one private
/// database per connection) reads queue with the writes.
/// Per-request mode is the previous design, kept for comparison: each unit runs inline under
/// one lock, a write in its own transaction with its own fsync.
std::unique_ptr<store_engine> open_sqlite_engine(const store_engine_options& opts, metrics_registry& metrics);

} // namespace owo::local
