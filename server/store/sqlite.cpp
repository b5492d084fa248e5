#include "store/sqlite.hpp"

namespace owo::local {

namespace {
[[noreturn]] void fail(sqlite3* db, const char* what) {
    throw sqlite_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"), db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM);
}
} // namespace

statement& statement::bind(int i, std::string_view v) {
    if (sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK) fail(db_, "bind");
    return *this;
}
statement& statement::bind(int i, std::int64_t v) {
    if (sqlite3_bind_int64(s_, i, v) != SQLITE_OK) fail(db_, "bind");
    return *this;
}
statement& statement::bind(int i, double v) {
    if (sqlite3_bind_double(s_, i, v) != SQLITE_OK) fail(db_, "bind");
    return *this;
}
statement& statement::bind(int i, const std::optional<std::string>& v) { return v ? bind(i, std::string_view(*v)) : bind_null(i); }
statement& statement::bind(int i, const std::optional<std::int64_t>& v) { return v ? bind(i, *v) : bind_null(i); }
statement& statement::bind_null(int i) {
    if (sqlite3_bind_null(s_, i) != SQLITE_OK) fail(db_, "bind");
    return *this;
}

bool statement::step() {
    switch (sqlite3_step(s_)) {
    case SQLITE_ROW: return true;
    case SQLITE_DONE: return false;
    default: fail(db_, "step");
    }
}

void statement::run() {
    while (step()) {
    }
}

std::string statement::text(int col) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col))) : std::string();
}

std::optional<std::string> statement::optional_text(int col) const {
    if (is_null(col)) return std::nullopt;
    return text(col);
}

std::optional<std::int64_t> statement::optional_integer(int col) const {
    if (is_null(col)) return std::nullopt;
    return integer(col);
}

namespace {

// Debian's SQLite keeps allocation statistics (a process-wide mutex around every allocation its
// connections make, and it has no lookaside): with the writer and the read pool on several
// threads that mutex was contended on every statement. We never read the statistics.
void configure_sqlite_once() {
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);   // SQLITE_MISUSE if SQLite already started: harmless
        return true;
    }();
    (void)configured;
}

} // namespace

database::database(const std::string& path) {
    configure_sqlite_once();
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
        std::string msg = "cannot open database '" + path + "': " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
        sqlite3_close(db_);
        throw sqlite_error(msg);
    }
    sqlite3_busy_timeout(db_, 5000);
}

database::~database() {
    for (auto& [sql, s] : cache_) sqlite3_finalize(s);
    sqlite3_close(db_);
}

void database::exec(const char* sql) {
    char* err = nullptr;
    if (int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err); rc != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw sqlite_error(std::string("exec: ") + msg, rc & 0xff);
    }
}

statement database::prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) fail(db_, "prepare");
        it = cache_.emplace(sql, s).first;
    }
    return statement(db_, it->second);
}

std::string database::wal_path() const {
    const char* main = sqlite3_db_filename(db_, "main");
    if (!main || !*main) return {};
    const char* wal = sqlite3_filename_wal(main);
    return wal ? wal : "";
}

// Prepared once like every other statement: sqlite3_exec would re-parse them per request.
transaction::transaction(database& db) : db_(db) { db_.prepare("BEGIN IMMEDIATE").run(); }

transaction::~transaction() {
    if (!done_) {
        try {
            db_.prepare("ROLLBACK").run();
        } catch (...) {
            // Nothing to do: SQLite rolls back by itself when it cannot.
        }
    }
}

void transaction::commit() {
    db_.prepare("COMMIT").run();
    done_ = true;
}

} // namespace owo::local
