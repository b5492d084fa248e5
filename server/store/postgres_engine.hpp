// The PostgreSQL engine: units of work on a bounded pool of connections, each owned by one
// worker thread; write units READ COMMITTED with the store's per-customer locks, re-run whole on
// transient failures. docs/architecture.md ("The PostgreSQL store") says why a worker pool and
// why locks rather than SERIALIZABLE.
#pragma once

#include "store/store_engine.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace owo::local {

/// The store could not run a unit in time (no connection free, PostgreSQL unreachable, retries
/// exhausted, or the outcome of a COMMIT unknown): nothing the unit wrote is known to remain.
struct store_unavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct postgres_engine_options {
    std::string url;                                       // postgres://user@host:port/db?sslmode=...
    std::size_t pool_size = 8;                             // connections = worker threads
    std::chrono::milliseconds acquire_timeout{5000};       // a unit waits this long for a connection at most
    std::chrono::milliseconds retry_budget{5000};          // re-runs of one unit stop after this long
    int max_attempts = 50;                                 // ... or after this many runs
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds statement_timeout{10000};
};

/// `url` with its password (user:PASSWORD@ or password=...) replaced by "***", for logs.
std::string redacted_url(std::string_view url);

/// True for "postgres://" and "postgresql://" URLs (what --store selects this engine with).
bool is_postgres_url(const std::string& store);

/// Connects, migrates the schema and starts the pool; throws (without the password) when
/// PostgreSQL cannot be reached or the schema cannot be brought up to date.
std::unique_ptr<store_engine> open_postgres_engine(const postgres_engine_options& opts, metrics_registry& metrics);

} // namespace owo::local
