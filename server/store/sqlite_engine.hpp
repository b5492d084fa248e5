// The SQLite store engine (see store_engine.hpp and docs/architecture.md, "Store execution").
#pragma once

#include "store/store_engine.hpp"

namespace owo::local {

/// Group mode: one writer thread owns the write connection and drains a queue; the units it
/// finds waiting run in one transaction, each inside its own SAVEPOINT (a failing unit rolls back
/// only itself), and one COMMIT — one fsync — makes the whole batch durable before any of its
/// units is reported done. A batch never waits to fill: the writer takes what is queued, so
/// batches grow exactly when requests arrive faster than commits. Reads run on the caller's
/// thread on pooled read connections (WAL readers never wait for the writer); for ":memory:"
/// (one private database per connection) reads queue with the writes.
/// Per-request mode is the previous design, kept for comparison: each unit runs inline under
/// one lock, a write in its own transaction with its own fsync.
std::unique_ptr<store_engine> open_sqlite_engine(const store_engine_options& opts, metrics_registry& metrics);

} // namespace owo::local
