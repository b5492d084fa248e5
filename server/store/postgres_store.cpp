// The store in PostgreSQL: the same tables, columns and indexes as the SQLite schema (version 2
// there), with the SQL spelled for PostgreSQL. Identifiers that order pages compare byte-wise
// (COLLATE "C"), as SQLite's do, whatever locale the database was created with.
#include "store/postgres_store.hpp"

#include <limits>
#include <stdexcept>

namespace owo::local {

namespace {

struct migration {
    int version;
    const char* sql;
};

// Version 1: SQLite's schema version 2, in one step (no PostgreSQL database predates it).
constexpr const char* postgres_schema_v1 = R"sql(
CREATE TABLE customers (
  id TEXT COLLATE "C" PRIMARY KEY, org TEXT NOT NULL, external_id TEXT, email TEXT NOT NULL, name TEXT NOT NULL,
  metadata TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, external_organization_id TEXT,
  version BIGINT NOT NULL DEFAULT 1, deleted_at BIGINT, purged BOOLEAN NOT NULL DEFAULT FALSE);
CREATE INDEX customers_by_external_id ON customers(org, external_id);
CREATE INDEX customers_by_email ON customers(org, email);
CREATE INDEX customers_by_creation ON customers(org, created_at, id);
CREATE TABLE subscriptions (
  id TEXT COLLATE "C" PRIMARY KEY, org TEXT NOT NULL, customer_id TEXT NOT NULL REFERENCES customers(id),
  plan_slug TEXT NOT NULL, status TEXT NOT NULL, checkout_token TEXT UNIQUE, created_at BIGINT NOT NULL,
  period_start BIGINT NOT NULL DEFAULT 0, period_end BIGINT NOT NULL DEFAULT 0, cancel_at BIGINT);
CREATE INDEX subscriptions_by_customer ON subscriptions(customer_id, status);
CREATE TABLE entities (
  customer_id TEXT NOT NULL REFERENCES customers(id), feature TEXT COLLATE "C" NOT NULL, entity TEXT COLLATE "C" NOT NULL,
  name TEXT, email TEXT, metadata TEXT, status TEXT NOT NULL, created_at BIGINT NOT NULL,
  PRIMARY KEY (customer_id, feature, entity));
CREATE TABLE usage (
  customer_id TEXT NOT NULL REFERENCES customers(id), feature TEXT NOT NULL, entity TEXT NOT NULL,
  period_start BIGINT NOT NULL, amount DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (customer_id, feature, entity, period_start));
CREATE TABLE idempotency (
  org TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
  content_type TEXT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (org, key));
CREATE TABLE catalogs (org TEXT PRIMARY KEY, payload TEXT NOT NULL);
)sql";

// Append new steps here, each with the next version number.
constexpr migration migrations[] = {
    {1, postgres_schema_v1},
};

#define CUSTOMER_COLUMNS                                                                                 \
    "id, org, external_id, email, name, metadata, created_at, updated_at, external_organization_id, " \
    "version, deleted_at, purged"
#define SUBSCRIPTION_COLUMNS \
    "id, org, customer_id, plan_slug, status, checkout_token, created_at, period_start, period_end, cancel_at"
#define ENTITY_COLUMNS "customer_id, feature, entity, name, email, metadata, status, created_at"

std::vector<customer_row> read_customers(const pg_result& r) {
    std::vector<customer_row> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), r.text(i, 1), r.optional_text(i, 2), r.text(i, 3), r.text(i, 4),
                       r.optional_text(i, 5), r.integer(i, 6), r.integer(i, 7), r.optional_text(i, 8),
                       r.integer(i, 9), r.optional_integer(i, 10), r.boolean(i, 11)});
    return out;
}

std::optional<customer_row> first_customer(std::vector<customer_row> rows) {
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

std::vector<subscription_row> read_subscriptions(const pg_result& r) {
    std::vector<subscription_row> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.optional_text(i, 5),
                       r.integer(i, 6), r.integer(i, 7), r.integer(i, 8), r.optional_integer(i, 9)});
    return out;
}

std::vector<entity_row> read_entities(const pg_result& r) {
    std::vector<entity_row> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.optional_text(i, 3), r.optional_text(i, 4),
                       r.optional_text(i, 5), r.text(i, 6), r.integer(i, 7)});
    return out;
}

} // namespace

int postgres_schema_version() { return std::end(migrations)[-1].version; }

void migrate_postgres(pg_connection& db) {
    db.exec("BEGIN");
    try {
        // One migrator at a time across instances; the others then see the finished schema.
        db.exec("SELECT pg_advisory_xact_lock(7295016243)");
        db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        auto r = db.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version", pg_params{});
        auto version = static_cast<int>(r.integer(0, 0));
        if (version > postgres_schema_version())
            throw std::runtime_error("the database was written by a newer owostack-local (schema " + std::to_string(version) + ")");
        for (const auto& m : migrations)
            if (m.version > version) db.exec(m.sql);
        if (version < postgres_schema_version()) {
            auto set_version = "DELETE FROM schema_version; INSERT INTO schema_version VALUES (" +
                               std::to_string(postgres_schema_version()) + ")";
            db.exec(set_version.c_str());
        }
        db.exec("COMMIT");
    } catch (...) {
        if (!db.broken()) db.exec("ROLLBACK");
        throw;
    }
}

std::unique_ptr<store_transaction> postgres_store::begin() {
    throw std::logic_error("postgres_store: the engine owns the transaction (units must not call begin())");
}

bool postgres_store::lock(char kind, const std::string& org, const std::string& key) {
    std::string name;
    name.reserve(org.size() + key.size() + 3);
    name.append(1, kind).append(1, '\x1f').append(org).append(1, '\x1f').append(key);
    if (!locked_.insert(name).second) return false;
    // A 64-bit hash of the name: a collision only makes two unrelated units queue.
    static const char* const sql = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
    db_.exec(sql, pg_params().add(name));
    return true;
}

std::vector<customer_row> postgres_store::locked_customers(const char* sql, const pg_params& p, char kind,
                                                           const std::string& org, const std::string& key) {
    if (access_ != pg_access::write) return read_customers(db_.exec(sql, p));
    if (kind) lock(kind, org, key);
    for (;;) {
        auto rows = read_customers(db_.exec(sql, p));
        bool all_held = true;
        for (const auto& r : rows)
            if (lock('c', org, r.id)) all_held = false;   // waited: read again, after the lock
        if (all_held) return rows;
    }
}

std::vector<customer_row> postgres_store::customers_by_id(const std::string& org, const std::string& id) {
    static const char* const sql = "SELECT " CUSTOMER_COLUMNS " FROM customers WHERE org = $1 AND id = $2 AND deleted_at IS NULL";
    return locked_customers(sql, pg_params().add(org).add(id), 'c', org, id);
}

std::vector<customer_row> postgres_store::customers_by_external_id(const std::string& org, const std::string& external_id) {
    static const char* const sql = "SELECT " CUSTOMER_COLUMNS " FROM customers "
                                   "WHERE org = $1 AND external_id = $2 AND deleted_at IS NULL ORDER BY created_at LIMIT 2";
    return locked_customers(sql, pg_params().add(org).add(external_id), 'x', org, external_id);
}

std::vector<customer_row> postgres_store::customers_by_email(const std::string& org, const std::string& email) {
    static const char* const sql = "SELECT " CUSTOMER_COLUMNS " FROM customers "
                                   "WHERE org = $1 AND email = $2 AND deleted_at IS NULL ORDER BY created_at LIMIT 2";
    return locked_customers(sql, pg_params().add(org).add(email), 'e', org, email);
}

void postgres_store::insert_customer(const customer_row& c) {
    writing();
    static const char* const sql = "INSERT INTO customers (" CUSTOMER_COLUMNS ") "
                                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    db_.exec(sql, pg_params().add(c.id).add(c.org).add(c.external_id).add(c.email).add(c.name).add(c.metadata)
                      .add(c.created_at).add(c.updated_at).add(c.external_organization_id).add(c.version)
                      .add(c.deleted_at).add(c.purged));
}

void postgres_store::update_customer(const customer_row& c) {
    writing();
    static const char* const sql =
        "UPDATE customers SET external_id = $2, email = $3, name = $4, metadata = $5, updated_at = $6, "
        "external_organization_id = $7, version = $8, deleted_at = $9, purged = $10 WHERE id = $1";
    db_.exec(sql, pg_params().add(c.id).add(c.external_id).add(c.email).add(c.name).add(c.metadata).add(c.updated_at)
                      .add(c.external_organization_id).add(c.version).add(c.deleted_at).add(c.purged));
}

std::optional<customer_row> postgres_store::customer_including_deleted(const std::string& org, const std::string& id) {
    static const char* const sql = "SELECT " CUSTOMER_COLUMNS " FROM customers WHERE org = $1 AND id = $2";
    return first_customer(locked_customers(sql, pg_params().add(org).add(id), 'c', org, id));
}

std::optional<customer_row> postgres_store::last_deleted_customer(const std::string& org,
                                                                  const std::optional<std::string>& external_id,
                                                                  const std::optional<std::string>& email) {
    static const char* const sql = "SELECT " CUSTOMER_COLUMNS " FROM customers WHERE org = $1 AND deleted_at IS NOT NULL "
                                   "AND ($2::text IS NULL OR external_id = $2) AND ($3::text IS NULL OR email = $3) "
                                   "ORDER BY deleted_at DESC, created_at DESC, id DESC LIMIT 1";
    if (access_ == pg_access::write) {   // the keys it is looked up by, as for the live customers
        if (external_id) lock('x', org, *external_id);
        if (email) lock('e', org, *email);
    }
    return first_customer(locked_customers(sql, pg_params().add(org).add(external_id).add(email), 0, org, ""));
}

// As in SQLite: without a cursor the keyset bound is (INT64_MIN, ''), before every row, so the
// statement is always a range scan of customers_by_creation read in order.
std::vector<customer_row> postgres_store::list_customers(const customer_page_query& q) {
    static const char* const sql =
        "SELECT " CUSTOMER_COLUMNS " FROM customers "
        "WHERE org = $1 AND (created_at, id) > ($2, $3) AND created_at > $4 AND created_at < $5 "
        "AND ($6::text IS NULL OR email = $6) AND ($7::text IS NULL OR external_organization_id = $7) "
        "AND ($8::boolean OR deleted_at IS NULL) AND (NOT $9::boolean OR (external_id IS NULL AND deleted_at IS NULL)) "
        "ORDER BY created_at, id LIMIT $10 OFFSET $11";
    constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
    pg_params p;
    p.add(q.org);
    if (q.after) p.add(q.after->first).add(q.after->second);
    else p.add(lowest).add("");
    p.add(q.created_after.value_or(lowest)).add(q.created_before.value_or(std::numeric_limits<std::int64_t>::max()));
    p.add(q.email).add(q.external_organization_id).add(q.include_deleted).add(q.unresolved_only).add(q.limit).add(q.offset);
    return read_customers(db_.exec(sql, p));
}

std::vector<subscription_row> postgres_store::subscriptions(const std::string& customer_id, const char* status) {
    static const char* const sql = "SELECT " SUBSCRIPTION_COLUMNS " FROM subscriptions "
                                   "WHERE customer_id = $1 AND status = $2 ORDER BY created_at, id";
    return read_subscriptions(db_.exec(sql, pg_params().add(customer_id).add(status)));
}

std::optional<subscription_row> postgres_store::subscription_by_token(const std::string& token) {
    static const char* const sql = "SELECT " SUBSCRIPTION_COLUMNS " FROM subscriptions WHERE checkout_token = $1";
    if (access_ == pg_access::write) lock('t', "", token);   // one checkout page completes it
    auto rows = read_subscriptions(db_.exec(sql, pg_params().add(token)));
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

void postgres_store::insert_subscription(const subscription_row& r) {
    writing();
    static const char* const sql = "INSERT INTO subscriptions (" SUBSCRIPTION_COLUMNS ") "
                                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    db_.exec(sql, pg_params().add(r.id).add(r.org).add(r.customer_id).add(r.plan_slug).add(r.status).add(r.checkout_token)
                      .add(r.created_at).add(r.period_start).add(r.period_end).add(r.cancel_at));
}

void postgres_store::set_subscription_status(const std::string& id, const std::string& status) {
    writing();
    static const char* const sql = "UPDATE subscriptions SET status = $2 WHERE id = $1";
    db_.exec(sql, pg_params().add(id).add(status));
}

void postgres_store::update_subscription(const subscription_row& r) {
    writing();
    static const char* const sql = "UPDATE subscriptions SET status = $2, period_start = $3, period_end = $4, "
                                   "cancel_at = $5, plan_slug = $6 WHERE id = $1";
    db_.exec(sql, pg_params().add(r.id).add(r.status).add(r.period_start).add(r.period_end).add(r.cancel_at).add(r.plan_slug));
}

std::optional<entity_row> postgres_store::find_entity(const std::string& customer_id, const std::string& feature,
                                                      const std::string& entity) {
    static const char* const sql = "SELECT " ENTITY_COLUMNS " FROM entities WHERE customer_id = $1 AND feature = $2 AND entity = $3";
    auto rows = read_entities(db_.exec(sql, pg_params().add(customer_id).add(feature).add(entity)));
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

std::int64_t postgres_store::count_entities(const std::string& customer_id, const std::string& feature) {
    // pending_removal still counts: the seat is billed until the period ends.
    static const char* const sql = "SELECT COUNT(*) FROM entities WHERE customer_id = $1 AND feature = $2";
    return db_.exec(sql, pg_params().add(customer_id).add(feature)).integer(0, 0);
}

void postgres_store::insert_entity(const entity_row& e) {
    writing();
    static const char* const sql = "INSERT INTO entities (" ENTITY_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    db_.exec(sql, pg_params().add(e.customer_id).add(e.feature).add(e.entity).add(e.name).add(e.email).add(e.metadata)
                      .add(e.status).add(e.created_at));
}

void postgres_store::update_entity(const entity_row& e) {
    writing();
    static const char* const sql = "UPDATE entities SET name = $4, email = $5, metadata = $6, status = $7 "
                                   "WHERE customer_id = $1 AND feature = $2 AND entity = $3";
    db_.exec(sql, pg_params().add(e.customer_id).add(e.feature).add(e.entity).add(e.name).add(e.email).add(e.metadata)
                      .add(e.status));
}

std::vector<entity_row> postgres_store::list_entities(const std::string& customer_id, const std::optional<std::string>& feature) {
    static const char* const sql = "SELECT " ENTITY_COLUMNS " FROM entities WHERE customer_id = $1 "
                                   "AND ($2::text IS NULL OR feature = $2) ORDER BY created_at, feature, entity";
    return read_entities(db_.exec(sql, pg_params().add(customer_id).add(feature)));
}

void postgres_store::delete_entities(const std::string& customer_id) {
    writing();
    static const char* const sql = "DELETE FROM entities WHERE customer_id = $1";
    db_.exec(sql, pg_params().add(customer_id));
}

double postgres_store::usage(const std::string& customer_id, const std::string& feature, const std::string& entity,
                             std::int64_t period_start) {
    static const char* const sql = "SELECT COALESCE(SUM(amount), 0) FROM usage WHERE customer_id = $1 AND feature = $2 "
                                   "AND entity = $3 AND period_start = $4";
    return db_.exec(sql, pg_params().add(customer_id).add(feature).add(entity).add(period_start)).real(0, 0);
}

void postgres_store::add_usage(const std::string& customer_id, const std::string& feature, const std::string& entity,
                               std::int64_t period_start, double amount) {
    writing();
    static const char* const sql =
        "INSERT INTO usage (customer_id, feature, entity, period_start, amount) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (customer_id, feature, entity, period_start) DO UPDATE SET amount = usage.amount + EXCLUDED.amount";
    db_.exec(sql, pg_params().add(customer_id).add(feature).add(entity).add(period_start).add(amount));
}

std::optional<idempotency_row> postgres_store::find_idempotency(const std::string& org, const std::string& key) {
    static const char* const sql = "SELECT fingerprint, status, content_type, body FROM idempotency WHERE org = $1 AND key = $2";
    auto r = db_.exec(sql, pg_params().add(org).add(key));
    if (r.rows() == 0) return std::nullopt;
    return idempotency_row{r.text(0, 0), static_cast<int>(r.integer(0, 1)), r.text(0, 2), r.text(0, 3)};
}

void postgres_store::insert_idempotency(const std::string& org, const std::string& key, const idempotency_row& r,
                                        std::int64_t now) {
    writing();
    static const char* const sql = "INSERT INTO idempotency (org, key, fingerprint, status, content_type, body, created_at) "
                                   "VALUES ($1, $2, $3, $4, $5, $6, $7)";
    db_.exec(sql, pg_params().add(org).add(key).add(r.fingerprint).add(static_cast<std::int64_t>(r.status))
                      .add(r.content_type).add(r.body).add(now));
}

void postgres_store::erase_idempotency_mentioning(const std::string& org, const std::string& text) {
    writing();
    static const char* const sql = "DELETE FROM idempotency WHERE org = $1 AND strpos(body, $2) > 0";
    db_.exec(sql, pg_params().add(org).add(text));
}

std::optional<std::string> postgres_store::catalog(const std::string& org) {
    static const char* const sql = "SELECT payload FROM catalogs WHERE org = $1";
    auto r = db_.exec(sql, pg_params().add(org));
    std::optional<std::string> text;
    if (r.rows() > 0) text = r.text(0, 0);
    catalogs_read_.try_emplace(org, text);   // the first read is what this unit builds on
    return text;
}

void postgres_store::save_catalog(const std::string& org, const std::string& json) {
    writing();
    // Saved over the catalog this unit read, or not at all: a sync that raced another one re-runs
    // on top of it (a 40001, which the engine re-runs), as if the two had come one after the other.
    if (auto read = catalogs_read_.find(org); read != catalogs_read_.end()) {
        lock('g', org, "");
        static const char* const now_sql = "SELECT payload FROM catalogs WHERE org = $1";
        auto now = db_.exec(now_sql, pg_params().add(org));
        std::optional<std::string> current;
        if (now.rows() > 0) current = now.text(0, 0);
        if (current != read->second)
            throw postgres_error("the catalog changed while this unit ran", "40001", false);
    }
    static const char* const sql = "INSERT INTO catalogs (org, payload) VALUES ($1, $2) "
                                   "ON CONFLICT (org) DO UPDATE SET payload = EXCLUDED.payload";
    db_.exec(sql, pg_params().add(org).add(json));
}

} // namespace owo::local
