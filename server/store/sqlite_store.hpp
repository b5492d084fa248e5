// Opens the SQLite store. The class itself stays in sqlite_store.cpp, so only that file sees
// sqlite3.h.
#pragma once

#include "store/store.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace owo::local {

/// Opens `path` (":memory:" allowed) in WAL mode with synchronous=FULL, so a commit the client
/// saw acknowledged survives a crash, and creates or upgrades the schema. (The group-commit
/// writer turns synchronous off and fsyncs the WAL itself: sqlite_engine.hpp.)
std::unique_ptr<store> open_sqlite_store(const std::string& path);

/// The SQLite engine's hold on a store open_sqlite_store made: runs the one statement `sql` (a
/// string literal: BEGIN, SAVEPOINT, COMMIT, PRAGMA), tells whether that connection is inside a
/// transaction, and where its WAL is.
void sqlite_exec(store& s, const char* sql);
bool sqlite_in_transaction(store& s);
/// Rows inserted, updated or deleted by that connection so far (did a unit write?).
std::int64_t sqlite_total_changes(store& s);
/// The WAL file's path of that connection's database ("" in memory).
std::string sqlite_wal_path(store& s);

/// The first schema, as owostack-local wrote it before version 2 (tests make v1 databases with it).
extern const char* const sqlite_schema_v1;

/// The statement behind store::list_customers (?1 org, ?2/?3 keyset after, ?4/?5 created
/// bounds, ?6 email, ?7 external organisation, ?8 deleted too, ?9 unresolved only, ?10 limit,
/// ?11 offset), so a test can check its query plan.
extern const char* const sqlite_list_customers_sql;

} // namespace owo::local
