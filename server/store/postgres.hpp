// A thin RAII layer over libpq: one connection, statements prepared once per connection,
// parameters in text form, results read by column, errors classified by SQLSTATE. Blocking
// and not thread-safe: one connection belongs to one engine worker at a time.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace owo::local {

/// A failed libpq call. `sqlstate` is the server's code ("" when the connection broke first).
struct postgres_error : std::runtime_error {
    postgres_error(const std::string& what, std::string state, bool lost)
        : std::runtime_error(what), sqlstate(std::move(state)), connection_lost(lost) {}
    std::string sqlstate;
    bool connection_lost;

    /// Running the whole unit of work again may succeed: a serialization failure, a deadlock, a
    /// unique violation from a racing insert (the re-run sees the winner's row), a lost connection.
    bool retryable() const {
        return connection_lost || sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "23505";
    }
};

/// Positional parameters $1..$n, in libpq's text format (NULL = std::nullopt).
class pg_params {
public:
    /// Text as it is, except that U+0000 (which PostgreSQL's text cannot hold, and libpq would cut
    /// the value at) and U+0001 (the escape) are stored as U+0001 U+0002 and U+0001 U+0001;
    /// pg_result::text reverses it. Equal texts stay equal, so lookups by value still match.
    pg_params& add(std::string_view v);
    pg_params& add(const std::string& v) { return add(std::string_view(v)); }
    pg_params& add(const char* v) { return add(std::string_view(v)); }
    pg_params& add(std::int64_t v) { values_.emplace_back(std::to_string(v)); return *this; }
    pg_params& add(double v);
    pg_params& add(bool v) { values_.emplace_back(v ? "t" : "f"); return *this; }
    pg_params& add(const std::optional<std::string>& v) {
        if (!v) values_.emplace_back();
        else add(std::string_view(*v));
        return *this;
    }
    pg_params& add(const std::optional<std::int64_t>& v) {
        values_.push_back(v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt);
        return *this;
    }
    const std::vector<std::optional<std::string>>& values() const { return values_; }

private:
    std::vector<std::optional<std::string>> values_;
};

/// A query's rows; owns the PGresult.
class pg_result {
public:
    explicit pg_result(PGresult* r) : r_(r) {}
    pg_result(pg_result&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
    pg_result(const pg_result&) = delete;
    pg_result& operator=(const pg_result&) = delete;
    ~pg_result() { if (r_) PQclear(r_); }

    int rows() const { return PQntuples(r_); }
    bool is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
    std::string text(int row, int col) const;
    std::optional<std::string> optional_text(int row, int col) const {
        return is_null(row, col) ? std::nullopt : std::optional<std::string>(text(row, col));
    }
    std::int64_t integer(int row, int col) const;
    std::optional<std::int64_t> optional_integer(int row, int col) const {
        return is_null(row, col) ? std::nullopt : std::optional<std::int64_t>(integer(row, col));
    }
    double real(int row, int col) const;
    bool boolean(int row, int col) const { return PQgetvalue(r_, row, col)[0] == 't'; }

private:
    PGresult* r_;
};

struct pg_connect_options {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds statement_timeout{10000};   // server-side bound on each statement
    std::chrono::milliseconds tcp_user_timeout{10000};    // a silent peer breaks the connection
};

class pg_connection {
public:
    /// Connects (bounded by connect_timeout); throws postgres_error with connection_lost set. Every
    /// reply is then awaited at most twice statement_timeout (at least 1 s): the server cancels a
    /// slow statement itself before that, so only a database that stopped answering reaches it.
    pg_connection(const std::string& url, const pg_connect_options& opts);
    pg_connection(const pg_connection&) = delete;
    pg_connection& operator=(const pg_connection&) = delete;
    ~pg_connection();

    /// Runs `sql` (one statement, literal with static storage: prepared once per connection,
    /// keyed by the literal's address) with `p`.
    pg_result exec(const char* sql, const pg_params& p);
    /// Runs `sql` unprepared (may hold several statements; no parameters).
    void exec(const char* sql);
    bool broken() const { return timed_out_ || PQstatus(conn_) != CONNECTION_OK; }
    /// COMMIT, which throws the transaction's first failure if a statement failed in it (PostgreSQL
    /// would answer a COMMIT of an aborted transaction with a silent ROLLBACK).
    void commit();

private:
    /// The reply to what was just sent (`sent`: libpq's send call succeeded), waited for at most
    /// reply_timeout_; nullptr when sending failed or the wait ran out (then the connection counts
    /// as broken: a database that stopped answering must not hold a worker forever).
    PGresult* await_reply(int sent);
    pg_result checked(PGresult* r, const char* what);

    PGconn* conn_ = nullptr;
    std::chrono::milliseconds reply_timeout_;
    bool timed_out_ = false;
    std::optional<postgres_error> failed_;   // the first failure inside the open transaction
    std::map<const char*, std::string> prepared_;   // literal -> statement name
};

} // namespace owo::local
