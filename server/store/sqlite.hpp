// A thin RAII layer over the SQLite C API: one connection, cached prepared statements,
// transactions that roll back unless committed. Not thread-safe; the store serialises access.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace owo::local {

struct sqlite_error : std::runtime_error {
    explicit sqlite_error(const std::string& what, int code = 0) : std::runtime_error(what), code(code) {}
    int code;   // SQLite's primary result code (SQLITE_READONLY, SQLITE_CONSTRAINT, ...), 0 when none
};

class database;

/// A prepared statement borrowed from the cache; reset and cleared when the borrow ends.
class statement {
public:
    statement(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() {
        sqlite3_reset(s_);
        sqlite3_clear_bindings(s_);
    }

    statement& bind(int i, std::string_view v);
    statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    statement& bind(int i, std::int64_t v);
    statement& bind(int i, double v);
    statement& bind(int i, const std::optional<std::string>& v);
    statement& bind(int i, const std::optional<std::int64_t>& v);
    statement& bind_null(int i);

    /// Advances; true while a row is available.
    bool step();
    /// Runs to completion (for writes).
    void run();

    std::string text(int col) const;
    std::optional<std::string> optional_text(int col) const;
    std::int64_t integer(int col) const { return sqlite3_column_int64(s_, col); }
    std::optional<std::int64_t> optional_integer(int col) const;
    double real(int col) const { return sqlite3_column_double(s_, col); }
    bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

private:
    sqlite3* db_;
    sqlite3_stmt* s_;
};

class database {
public:
    /// Opens (creating if needed) `path`; ":memory:" for a private in-memory database.
    explicit database(const std::string& path);
    database(const database&) = delete;
    database& operator=(const database&) = delete;
    ~database();

    void exec(const char* sql);
    /// The statement for `sql`, prepared once and reused.
    statement prepare(const char* sql);
    std::int64_t changes() const { return sqlite3_changes64(db_); }
    std::int64_t total_changes() const { return sqlite3_total_changes64(db_); }
    /// False outside BEGIN..COMMIT, also when SQLite itself rolled back (after an I/O error).
    bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
    /// The path of the main database's WAL file ("" for an in-memory database).
    std::string wal_path() const;

private:
    sqlite3* db_ = nullptr;
    std::map<const char*, sqlite3_stmt*> cache_;   // keyed by the literal's address
};

/// BEGIN IMMEDIATE on construction (the write lock up front, so a transaction never
/// fails half-way on lock upgrade); ROLLBACK on destruction unless commit() ran.
class transaction {
public:
    explicit transaction(database& db);
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    ~transaction();
    void commit();

private:
    database& db_;
    bool done_ = false;
};

} // namespace owo::local
