#include "store/postgres.hpp"
#include "store/postgres_engine.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <regex>

#include <poll.h>

namespace owo::local {

std::string redacted_url(std::string_view url) {
    // postgres://user:secret@host/db and key=value forms (password=secret).
    static const std::regex userinfo(R"(^(postgres(?:ql)?://[^:@/]*:)[^@/]*@)");
    static const std::regex keyword(R"(password=[^& ]*)");
    std::string out = std::regex_replace(std::string(url), userinfo, "$1***@");
    return std::regex_replace(out, keyword, "password=***");
}

pg_params& pg_params::add(std::string_view v) {
    if (v.find_first_of(std::string_view("\0\1", 2)) == std::string_view::npos) {
        values_.emplace_back(std::string(v));
        return *this;
    }
    std::string escaped;
    for (char c : v) {
        if (c == '\0') escaped += "\1\2";
        else if (c == '\1') escaped += "\1\1";
        else escaped += c;
    }
    values_.emplace_back(std::move(escaped));
    return *this;
}

std::string pg_result::text(int row, int col) const {
    std::string_view v(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
    if (v.find('\1') == std::string_view::npos) return std::string(v);
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\1' && i + 1 < v.size()) out += v[++i] == '\2' ? '\0' : '\1';
        else out += v[i];
    }
    return out;
}

pg_params& pg_params::add(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);   // shortest text that reads back exactly
    values_.emplace_back(std::string(buf, end));
    return *this;
}

std::int64_t pg_result::integer(int row, int col) const {
    std::int64_t v = 0;
    const char* s = PQgetvalue(r_, row, col);
    std::from_chars(s, s + PQgetlength(r_, row, col), v);
    return v;
}

double pg_result::real(int row, int col) const { return std::strtod(PQgetvalue(r_, row, col), nullptr); }

namespace {

std::string millis(std::chrono::milliseconds d) { return std::to_string(d.count()); }

} // namespace

pg_connection::pg_connection(const std::string& url, const pg_connect_options& opts)
    : reply_timeout_(std::max<std::chrono::milliseconds>(opts.statement_timeout * 2, std::chrono::seconds(1))) {
    // Defaults first: what the URL says overrides them (expand_dbname processes it in place).
    std::string connect_timeout = std::to_string(std::max<long long>(1, (opts.connect_timeout.count() + 999) / 1000));
    std::string tcp_user_timeout = millis(opts.tcp_user_timeout);
    std::string options = "-c statement_timeout=" + millis(opts.statement_timeout) +
                          " -c idle_in_transaction_session_timeout=" + millis(opts.statement_timeout * 3);
    const char* keys[] = {"connect_timeout", "tcp_user_timeout", "keepalives", "keepalives_idle",
                          "application_name", "options", "dbname", nullptr};
    const char* values[] = {connect_timeout.c_str(), tcp_user_timeout.c_str(), "1", "30",
                            "owostack-local", options.c_str(), url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
        // libpq's text names host and port, never the password.
        std::string why = conn_ ? PQerrorMessage(conn_) : "out of memory";
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        if (conn_) PQfinish(conn_);
        conn_ = nullptr;
        throw postgres_error("cannot connect to PostgreSQL: " + why, "", true);
    }
    // NOTICEs ("relation ... already exists, skipping") are not for owostack-local's stderr.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

pg_connection::~pg_connection() {
    if (conn_) PQfinish(conn_);
}

PGresult* pg_connection::await_reply(int sent) {
    if (!sent) return nullptr;
    auto deadline = std::chrono::steady_clock::now() + reply_timeout_;
    PGresult* kept = nullptr;   // the first error, else the last result (as PQexec answers)
    for (;;) {
        while (PQisBusy(conn_)) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd p{PQsocket(conn_), POLLIN, 0};
            int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
            if (ready < 0 && errno == EINTR) continue;
            if (ready <= 0) {
                timed_out_ = true;
                if (kept) PQclear(kept);
                return nullptr;
            }
            if (!PQconsumeInput(conn_)) break;   // PQgetResult reports the failure
        }
        PGresult* r = PQgetResult(conn_);
        if (!r) return kept;
        if (kept && PQresultStatus(kept) == PGRES_FATAL_ERROR) {
            PQclear(r);
            continue;
        }
        if (kept) PQclear(kept);
        kept = r;
    }
}

pg_result pg_connection::checked(PGresult* r, const char* what) {
    auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return pg_result(r);
    std::string state, message;
    if (r) {
        if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
        if (const char* m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)) message = m;
        PQclear(r);
    }
    if (message.empty())
        message = timed_out_ ? "no reply within " + std::to_string(reply_timeout_.count()) + " ms" : PQerrorMessage(conn_);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    // Class 08 (connection exception), 57P01-03 (the server shutting down) or a dead socket.
    bool lost = broken() || state.starts_with("08") || state.starts_with("57P0");
    postgres_error e(std::string("PostgreSQL ") + what + " failed" + (state.empty() ? "" : " [" + state + "]") + ": " +
                             message,
                         state, lost);
    if (!failed_) failed_ = e;
    throw e;
}

pg_result pg_connection::exec(const char* sql, const pg_params& p) {
    auto found = prepared_.find(sql);
    if (found == prepared_.end()) {
        std::string name = "owo" + std::to_string(prepared_.size());
        checked(await_reply(PQsendPrepare(conn_, name.c_str(), sql, 0, nullptr)), "prepare");
        found = prepared_.emplace(sql, std::move(name)).first;
    }
    std::vector<const char*> values;
    for (const auto& v : p.values()) values.push_back(v ? v->c_str() : nullptr);
    return checked(await_reply(PQsendQueryPrepared(conn_, found->second.c_str(), static_cast<int>(values.size()),
                                                   values.data(), nullptr, nullptr, 0)),
                   "query");
}

void pg_connection::exec(const char* sql) {
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) failed_.reset();   // a new transaction starts clean
    checked(await_reply(PQsendQuery(conn_, sql)), "statement");
}

void pg_connection::commit() {
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR && failed_) throw *failed_;
    exec("COMMIT");
}

} // namespace owo::local
