// The store in PostgreSQL: the same tables, columns and indexes as the SQLite schema, with the SQL spelled for PostgreSQL. Identifiers that order pages compare byte-wise
// (COLLATE "C"), as SQLite's do, whatever locale the database was created with.
#include "store/postgres_store.hpp"

#include "store/organisation_ids.hpp"

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

// Version 2: SQLite's schema_billing (issue #19): add-on credit balances, payment methods,
// invoices and their lines, billed usage, sandbox payment sessions.
constexpr const char* postgres_schema_billing = R"sql(
CREATE TABLE credit_balances (
  customer_id TEXT NOT NULL REFERENCES customers(id), credit_system TEXT NOT NULL, balance DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (customer_id, credit_system));
CREATE TABLE payment_methods (
  id TEXT COLLATE "C" PRIMARY KEY, org TEXT NOT NULL, customer_id TEXT NOT NULL REFERENCES customers(id),
  provider TEXT NOT NULL, type TEXT NOT NULL, card_last4 TEXT, card_brand TEXT, card_exp_month BIGINT,
  card_exp_year BIGINT, is_default BOOLEAN NOT NULL, is_valid BOOLEAN NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX payment_methods_by_customer ON payment_methods(customer_id, created_at);
CREATE TABLE invoices (
  id TEXT COLLATE "C" PRIMARY KEY, org TEXT NOT NULL, customer_id TEXT NOT NULL REFERENCES customers(id),
  number TEXT NOT NULL, status TEXT NOT NULL, currency TEXT NOT NULL, subtotal BIGINT NOT NULL, total BIGINT NOT NULL,
  amount_paid BIGINT NOT NULL, amount_due BIGINT NOT NULL, period_start BIGINT NOT NULL, period_end BIGINT NOT NULL,
  usage_window_end BIGINT NOT NULL, due_at BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  paid_at BIGINT);
CREATE INDEX invoices_by_customer ON invoices(org, customer_id, created_at, id);
CREATE TABLE invoice_items (
  id TEXT PRIMARY KEY, invoice_id TEXT NOT NULL REFERENCES invoices(id), position BIGINT NOT NULL, feature TEXT NOT NULL,
  description TEXT NOT NULL, quantity BIGINT NOT NULL, unit_price BIGINT NOT NULL, amount BIGINT NOT NULL,
  period_start BIGINT NOT NULL, period_end BIGINT NOT NULL, metadata TEXT);
CREATE INDEX invoice_items_by_invoice ON invoice_items(invoice_id, position);
CREATE TABLE billed_usage (
  customer_id TEXT NOT NULL REFERENCES customers(id), feature TEXT NOT NULL, period_start BIGINT NOT NULL,
  quantity BIGINT NOT NULL, PRIMARY KEY (customer_id, feature, period_start));
CREATE TABLE payment_sessions (
  token TEXT PRIMARY KEY, org TEXT NOT NULL, customer_id TEXT NOT NULL REFERENCES customers(id), kind TEXT NOT NULL,
  payload TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL);
)sql";

// Version 3: SQLite's schema_events (issue #18): the event log keyed by (org, seq), webhook
// endpoints, the outbox keyed by (endpoint, seq); and, for several instances on one database,
// which instance delivers an endpoint's outbox until when (webhook_claims, expires_at in the
// database's clock).
constexpr const char* postgres_schema_events = R"sql(
CREATE TABLE events (
  org TEXT NOT NULL, seq BIGINT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, customer_id TEXT,
  created_at BIGINT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (org, seq));
CREATE TABLE webhook_endpoints (
  id TEXT COLLATE "C" PRIMARY KEY, org TEXT NOT NULL, url TEXT NOT NULL, types TEXT NOT NULL, secret TEXT NOT NULL,
  previous_secret TEXT, previous_secret_expires_at BIGINT, created_at BIGINT NOT NULL,
  from_command_line BOOLEAN NOT NULL);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints(org, created_at);
CREATE TABLE webhook_deliveries (
  endpoint_id TEXT NOT NULL, seq BIGINT NOT NULL, org TEXT NOT NULL, event_id TEXT NOT NULL, status TEXT NOT NULL,
  attempts BIGINT NOT NULL, next_attempt_at BIGINT NOT NULL, last_error TEXT, updated_at BIGINT NOT NULL,
  PRIMARY KEY (endpoint_id, seq));
CREATE TABLE webhook_claims (endpoint_id TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL);
)sql";

// Append new steps here, each with the next version number.
constexpr migration migrations[] = {
    {1, postgres_schema_v1},
    {2, postgres_schema_billing},
    {3, postgres_schema_events},
};

#define CUSTOMER_COLUMNS                                                                                 \
    "id, org, external_id, email, name, metadata, created_at, updated_at, external_organization_id, " \
    "version, deleted_at, purged"
#define SUBSCRIPTION_COLUMNS \
    "id, org, customer_id, plan_slug, status, checkout_token, created_at, period_start, period_end, cancel_at"
#define ENTITY_COLUMNS "customer_id, feature, entity, name, email, metadata, status, created_at"

#define INVOICE_COLUMNS                                                                                          \
    "id, org, customer_id, number, status, currency, subtotal, total, amount_paid, amount_due, period_start, " \
    "period_end, usage_window_end, due_at, created_at, updated_at, paid_at"
#define EVENT_COLUMNS "id, org, seq, type, customer_id, created_at, data"
#define ENDPOINT_COLUMNS \
    "id, org, url, types, secret, previous_secret, previous_secret_expires_at, created_at, from_command_line"

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

// ---- Billing (issue #19) ----
// Every write of a customer's balance, methods, billed usage or invoices follows a lookup that
// locked the customer (see postgres_store.hpp); an invoice paid by its id, a payment page by its
// token and an organisation's invoice count lock their own key, so the units touching one of
// them run one after another, as under SQLite's single writer.

namespace {

invoice_row read_invoice(const pg_result& r, int row) {
    invoice_row i{r.text(row, 0), r.text(row, 1), r.text(row, 2), r.text(row, 3), r.text(row, 4), r.text(row, 5)};
    i.subtotal = r.integer(row, 6);
    i.total = r.integer(row, 7);
    i.amount_paid = r.integer(row, 8);
    i.amount_due = r.integer(row, 9);
    i.period_start = r.integer(row, 10);
    i.period_end = r.integer(row, 11);
    i.usage_window_end = r.integer(row, 12);
    i.due_at = r.integer(row, 13);
    i.created_at = r.integer(row, 14);
    i.updated_at = r.integer(row, 15);
    i.paid_at = r.optional_integer(row, 16);
    return i;
}

void read_invoice_items(pg_connection& db, invoice_row& i) {
    static const char* const sql = "SELECT id, invoice_id, feature, description, quantity, unit_price, amount, period_start, "
                                   "period_end, metadata FROM invoice_items WHERE invoice_id = $1 ORDER BY position";
    auto r = db.exec(sql, pg_params().add(i.id));
    for (int k = 0; k < r.rows(); ++k)
        i.items.push_back({r.text(k, 0), r.text(k, 1), r.text(k, 2), r.text(k, 3), r.integer(k, 4), r.integer(k, 5),
                           r.integer(k, 6), r.integer(k, 7), r.integer(k, 8), r.optional_text(k, 9)});
}

event_row read_event(const pg_result& r, int row, int at = 0) {
    return {r.text(row, at),          r.text(row, at + 1),    r.integer(row, at + 2), r.text(row, at + 3),
            r.optional_text(row, at + 4), r.integer(row, at + 5), r.text(row, at + 6)};
}

std::vector<webhook_endpoint_row> read_endpoints(const pg_result& r) {
    std::vector<webhook_endpoint_row> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.optional_text(i, 5),
                       r.optional_integer(i, 6), r.integer(i, 7), r.boolean(i, 8)});
    return out;
}

} // namespace

double postgres_store::credit_balance(const std::string& customer_id, const std::string& credit_system) {
    static const char* const sql = "SELECT balance FROM credit_balances WHERE customer_id = $1 AND credit_system = $2";
    auto r = db_.exec(sql, pg_params().add(customer_id).add(credit_system));
    return r.rows() > 0 ? r.real(0, 0) : 0;
}

void postgres_store::add_credits(const std::string& customer_id, const std::string& credit_system, double delta) {
    writing();
    static const char* const sql =
        "INSERT INTO credit_balances (customer_id, credit_system, balance) VALUES ($1, $2, $3) "
        "ON CONFLICT (customer_id, credit_system) DO UPDATE SET balance = credit_balances.balance + EXCLUDED.balance";
    db_.exec(sql, pg_params().add(customer_id).add(credit_system).add(delta));
}

double postgres_store::period_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start) {
    static const char* const sql = "SELECT COALESCE(SUM(amount), 0) FROM usage WHERE customer_id = $1 AND feature = $2 "
                                   "AND period_start = $3";
    return db_.exec(sql, pg_params().add(customer_id).add(feature).add(period_start)).real(0, 0);
}

std::int64_t postgres_store::billed_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start) {
    static const char* const sql = "SELECT quantity FROM billed_usage WHERE customer_id = $1 AND feature = $2 AND period_start = $3";
    auto r = db_.exec(sql, pg_params().add(customer_id).add(feature).add(period_start));
    return r.rows() > 0 ? r.integer(0, 0) : 0;
}

void postgres_store::set_billed_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start,
                                      std::int64_t quantity) {
    writing();
    static const char* const sql = "INSERT INTO billed_usage (customer_id, feature, period_start, quantity) VALUES ($1, $2, $3, $4) "
                                   "ON CONFLICT (customer_id, feature, period_start) DO UPDATE SET quantity = EXCLUDED.quantity";
    db_.exec(sql, pg_params().add(customer_id).add(feature).add(period_start).add(quantity));
}

std::vector<payment_method_row> postgres_store::payment_methods(const std::string& org, const std::string& customer_id) {
    static const char* const sql =
        "SELECT id, org, customer_id, provider, type, card_last4, card_brand, card_exp_month, card_exp_year, is_default, "
        "is_valid, created_at FROM payment_methods WHERE org = $1 AND customer_id = $2 ORDER BY created_at, id";
    auto r = db_.exec(sql, pg_params().add(org).add(customer_id));
    std::vector<payment_method_row> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.optional_text(i, 5),
                       r.optional_text(i, 6), r.optional_integer(i, 7), r.optional_integer(i, 8), r.boolean(i, 9),
                       r.boolean(i, 10), r.integer(i, 11)});
    return out;
}

void postgres_store::insert_payment_method(const payment_method_row& m) {
    writing();
    static const char* const sql =
        "INSERT INTO payment_methods (id, org, customer_id, provider, type, card_last4, card_brand, card_exp_month, "
        "card_exp_year, is_default, is_valid, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    db_.exec(sql, pg_params().add(m.id).add(m.org).add(m.customer_id).add(m.provider).add(m.type).add(m.card_last4)
                      .add(m.card_brand).add(m.card_exp_month).add(m.card_exp_year).add(m.is_default).add(m.is_valid)
                      .add(m.created_at));
}

void postgres_store::clear_default_payment_method(const std::string& customer_id) {
    writing();
    static const char* const sql = "UPDATE payment_methods SET is_default = FALSE WHERE customer_id = $1";
    db_.exec(sql, pg_params().add(customer_id));
}

bool postgres_store::delete_payment_method(const std::string& org, const std::string& customer_id, const std::string& id) {
    writing();
    static const char* const sql = "DELETE FROM payment_methods WHERE id = $1 AND customer_id = $2 AND org = $3 RETURNING id";
    return db_.exec(sql, pg_params().add(id).add(customer_id).add(org)).rows() > 0;
}

std::int64_t postgres_store::count_invoices(const std::string& org) {
    // The count numbers the next invoice: two units invoicing in one organisation take turns.
    if (access_ == pg_access::write) lock('n', org, "");
    static const char* const sql = "SELECT COUNT(*) FROM invoices WHERE org = $1";
    return db_.exec(sql, pg_params().add(org)).integer(0, 0);
}

void postgres_store::insert_invoice(const invoice_row& i) {
    writing();
    static const char* const sql =
        "INSERT INTO invoices (" INVOICE_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";
    db_.exec(sql, pg_params().add(i.id).add(i.org).add(i.customer_id).add(i.number).add(i.status).add(i.currency)
                      .add(i.subtotal).add(i.total).add(i.amount_paid).add(i.amount_due).add(i.period_start)
                      .add(i.period_end).add(i.usage_window_end).add(i.due_at).add(i.created_at).add(i.updated_at)
                      .add(i.paid_at));
    static const char* const item_sql =
        "INSERT INTO invoice_items (id, invoice_id, position, feature, description, quantity, unit_price, amount, "
        "period_start, period_end, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    std::int64_t position = 0;
    for (const auto& it : i.items)
        db_.exec(item_sql, pg_params().add(it.id).add(i.id).add(position++).add(it.feature).add(it.description)
                               .add(it.quantity).add(it.unit_price).add(it.amount).add(it.period_start).add(it.period_end)
                               .add(it.metadata));
}

std::optional<invoice_row> postgres_store::invoice(const std::string& org, const std::string& id) {
    if (access_ == pg_access::write) lock('i', org, id);   // one payment of it at a time
    static const char* const sql = "SELECT " INVOICE_COLUMNS " FROM invoices WHERE org = $1 AND id = $2";
    auto r = db_.exec(sql, pg_params().add(org).add(id));
    if (r.rows() == 0) return std::nullopt;
    auto i = read_invoice(r, 0);
    read_invoice_items(db_, i);
    return i;
}

std::vector<invoice_row> postgres_store::invoices(const std::string& org, const std::string& customer_id,
                                                  const std::optional<std::pair<std::int64_t, std::string>>& before,
                                                  std::int64_t limit) {
    // As in SQLite: without a cursor the bound is (INT64_MAX, ''), after every row.
    static const char* const sql = "SELECT " INVOICE_COLUMNS " FROM invoices WHERE org = $1 AND customer_id = $2 "
                                   "AND (created_at, id) < ($3, $4) ORDER BY created_at DESC, id DESC LIMIT $5";
    pg_params p;
    p.add(org).add(customer_id);
    if (before) p.add(before->first).add(before->second);
    else p.add(std::numeric_limits<std::int64_t>::max()).add("");
    p.add(limit);
    auto r = db_.exec(sql, p);
    std::vector<invoice_row> out;
    for (int k = 0; k < r.rows(); ++k) out.push_back(read_invoice(r, k));
    for (auto& i : out) read_invoice_items(db_, i);
    return out;
}

void postgres_store::update_invoice_payment(const invoice_row& i) {
    writing();
    static const char* const sql = "UPDATE invoices SET status = $2, amount_paid = $3, amount_due = $4, paid_at = $5, "
                                   "updated_at = $6 WHERE id = $1";
    db_.exec(sql, pg_params().add(i.id).add(i.status).add(i.amount_paid).add(i.amount_due).add(i.paid_at).add(i.updated_at));
}

void postgres_store::insert_payment_session(const payment_session_row& p) {
    writing();
    static const char* const sql = "INSERT INTO payment_sessions (token, org, customer_id, kind, payload, status, created_at) "
                                   "VALUES ($1, $2, $3, $4, $5, $6, $7)";
    db_.exec(sql, pg_params().add(p.token).add(p.org).add(p.customer_id).add(p.kind).add(p.payload).add(p.status)
                      .add(p.created_at));
}

std::optional<payment_session_row> postgres_store::payment_session(const std::string& token) {
    // One fetch of the page completes it: the token's lock, as subscription_by_token takes it
    // (the checkout page looks the token up there first, so this one is already held).
    if (access_ == pg_access::write) lock('t', "", token);
    static const char* const sql = "SELECT token, org, customer_id, kind, payload, status, created_at FROM payment_sessions "
                                   "WHERE token = $1";
    auto r = db_.exec(sql, pg_params().add(token));
    if (r.rows() == 0) return std::nullopt;
    return payment_session_row{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5), r.integer(0, 6)};
}

void postgres_store::set_payment_session_status(const std::string& token, const std::string& status) {
    writing();
    static const char* const sql = "UPDATE payment_sessions SET status = $2 WHERE token = $1";
    db_.exec(sql, pg_params().add(token).add(status));
}

// ---- customer events and webhooks (issue #18) ----

void postgres_store::append_event(event_row& e) {
    writing();
    // Several instances append at once: the organisation's event lock, held to COMMIT, makes the
    // units that append take turns, and the read after it (READ COMMITTED: a new snapshot per
    // statement) sees the last number committed, so numbers are 1, 2, 3, … without a gap or a
    // repeat, in commit order. The primary key (org, seq) would turn a repeat into 23505, which
    // the engine re-runs. Taken at the event, the unit's last step, so it is held shortly.
    lock('v', e.org, "");
    static const char* const next_sql = "SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE org = $1";
    e.seq = db_.exec(next_sql, pg_params().add(e.org)).integer(0, 0);
    static const char* const sql = "INSERT INTO events (" EVENT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7)";
    db_.exec(sql, pg_params().add(e.id).add(e.org).add(e.seq).add(e.type).add(e.customer_id).add(e.created_at).add(e.data));
    // As in SQLite: types is ",a,b,", matched with LIKE, case-insensitively as SQLite's LIKE is.
    static const char* const outbox_sql =
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, org, seq, status, attempts, next_attempt_at, updated_at) "
        "SELECT id, $2, $1, $3, 'pending', 0, $4, $4 FROM webhook_endpoints "
        "WHERE org = $1 AND (types = '' OR types ILIKE '%,' || $5 || ',%')";
    db_.exec(outbox_sql, pg_params().add(e.org).add(e.id).add(e.seq).add(e.created_at).add(e.type));
}

std::vector<event_row> postgres_store::list_events(const event_page_query& q) {
    std::string types;
    for (const auto& t : q.types) types += "," + t;
    if (!types.empty()) types += ",";
    static const char* const sql = "SELECT " EVENT_COLUMNS " FROM events WHERE org = $1 AND seq > $2 "
                                   "AND ($3::text IS NULL OR customer_id = $3) AND ($4 = '' OR $4 ILIKE '%,' || type || ',%') "
                                   "ORDER BY seq LIMIT $5";
    auto r = db_.exec(sql, pg_params().add(q.org).add(q.after_seq).add(q.customer_id).add(types).add(q.limit));
    std::vector<event_row> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_event(r, i));
    return out;
}

std::int64_t postgres_store::prune_events(std::int64_t before_ms) {
    writing();
    static const char* const failed_sql =
        "DELETE FROM webhook_deliveries d WHERE status = 'failed' AND EXISTS (SELECT 1 FROM events e "
        "WHERE e.org = d.org AND e.seq = d.seq AND e.created_at < $1)";
    db_.exec(failed_sql, pg_params().add(before_ms));
    // Never an organisation's last event, so a number is never handed out twice.
    static const char* const sql =
        "WITH gone AS (DELETE FROM events WHERE created_at < $1 AND NOT EXISTS "
        "(SELECT 1 FROM webhook_deliveries d WHERE d.org = events.org AND d.seq = events.seq) "
        "AND seq < (SELECT MAX(seq) FROM events last WHERE last.org = events.org) RETURNING 1) SELECT COUNT(*) FROM gone";
    return db_.exec(sql, pg_params().add(before_ms)).integer(0, 0);
}

void postgres_store::insert_webhook_endpoint(const webhook_endpoint_row& w) {
    writing();
    static const char* const sql = "INSERT INTO webhook_endpoints (" ENDPOINT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    db_.exec(sql, pg_params().add(w.id).add(w.org).add(w.url).add(w.types).add(w.secret).add(w.previous_secret)
                      .add(w.previous_secret_expires_at).add(w.created_at).add(w.from_command_line));
}

void postgres_store::update_webhook_endpoint(const webhook_endpoint_row& w) {
    writing();
    static const char* const sql = "UPDATE webhook_endpoints SET url = $2, types = $3, secret = $4, previous_secret = $5, "
                                   "previous_secret_expires_at = $6 WHERE id = $1";
    db_.exec(sql, pg_params().add(w.id).add(w.url).add(w.types).add(w.secret).add(w.previous_secret)
                      .add(w.previous_secret_expires_at));
}

std::vector<webhook_endpoint_row> postgres_store::webhook_endpoints(const std::string& org) {
    static const char* const sql = "SELECT " ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE $1 = '' OR org = $1 "
                                   "ORDER BY created_at, id";
    return read_endpoints(db_.exec(sql, pg_params().add(org)));
}

std::optional<webhook_endpoint_row> postgres_store::webhook_endpoint(const std::string& org, const std::string& id) {
    // Looked up before each change of it (rotation, deletion, the command line's endpoints that
    // instances starting together each create): those take turns.
    if (access_ == pg_access::write) lock('w', org, id);
    static const char* const sql = "SELECT " ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE org = $1 AND id = $2";
    auto rows = read_endpoints(db_.exec(sql, pg_params().add(org).add(id)));
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

void postgres_store::delete_webhook_endpoint(const std::string& org, const std::string& id) {
    writing();
    static const char* const outbox_sql = "DELETE FROM webhook_deliveries WHERE endpoint_id = $1 AND endpoint_id IN "
                                          "(SELECT id FROM webhook_endpoints WHERE org = $2)";
    db_.exec(outbox_sql, pg_params().add(id).add(org));
    static const char* const claim_sql = "DELETE FROM webhook_claims WHERE endpoint_id = $1 AND endpoint_id IN "
                                         "(SELECT id FROM webhook_endpoints WHERE org = $2)";
    db_.exec(claim_sql, pg_params().add(id).add(org));
    static const char* const sql = "DELETE FROM webhook_endpoints WHERE org = $1 AND id = $2";
    db_.exec(sql, pg_params().add(org).add(id));
}

std::vector<webhook_delivery> postgres_store::pending_deliveries(const std::string& endpoint_id, std::int64_t limit) {
    static const char* const sql =
        "SELECT d.endpoint_id, d.attempts, d.next_attempt_at, e.id, e.org, e.seq, e.type, e.customer_id, e.created_at, e.data "
        "FROM webhook_deliveries d JOIN events e ON e.org = d.org AND e.seq = d.seq "
        "WHERE d.endpoint_id = $1 AND d.status = 'pending' ORDER BY d.seq LIMIT $2";
    auto r = db_.exec(sql, pg_params().add(endpoint_id).add(limit));
    std::vector<webhook_delivery> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), read_event(r, i, 3), r.integer(i, 1), r.integer(i, 2)});
    return out;
}

std::optional<std::int64_t> postgres_store::first_pending_due(const std::string& endpoint_id) {
    static const char* const sql = "SELECT next_attempt_at FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending' "
                                   "ORDER BY seq LIMIT 1";
    auto r = db_.exec(sql, pg_params().add(endpoint_id));
    if (r.rows() == 0) return std::nullopt;
    return r.integer(0, 0);
}

void postgres_store::record_webhook_attempts(const std::vector<webhook_attempt_outcome>& outcomes, std::int64_t now) {
    writing();
    using state = webhook_attempt_outcome::state;
    static const char* const delivered_sql = "DELETE FROM webhook_deliveries WHERE endpoint_id = $1 AND seq = $2";
    static const char* const sql = "UPDATE webhook_deliveries SET status = $3, attempts = $4, next_attempt_at = $5, "
                                   "last_error = $6, updated_at = $7 WHERE endpoint_id = $1 AND seq = $2";
    for (const auto& o : outcomes) {
        if (o.status == state::delivered) {   // owed no more
            db_.exec(delivered_sql, pg_params().add(o.endpoint_id).add(o.seq));
            continue;
        }
        std::optional<std::string> error;
        if (!o.last_error.empty()) error = o.last_error;
        db_.exec(sql, pg_params().add(o.endpoint_id).add(o.seq).add(o.status == state::failed ? "failed" : "pending")
                          .add(o.attempts).add(o.next_attempt_at).add(error).add(now));
    }
}

std::int64_t postgres_store::pending_delivery_count() {
    static const char* const sql = "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'";
    return db_.exec(sql, pg_params()).integer(0, 0);
}

bool postgres_store::claim_webhook_endpoint(const std::string& endpoint_id, const std::string& holder, std::int64_t lease_ms) {
    writing();
    // The database's clock, so the instances' clocks need not agree. A second claimer waits on
    // the row until the first commits, then sees its claim (READ COMMITTED re-checks the WHERE).
    static const char* const sql =
        "INSERT INTO webhook_claims (endpoint_id, holder, expires_at) "
        "VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint + $3) "
        "ON CONFLICT (endpoint_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at "
        "WHERE webhook_claims.holder = EXCLUDED.holder "
        "OR webhook_claims.expires_at < (extract(epoch FROM clock_timestamp()) * 1000)::bigint RETURNING holder";
    return db_.exec(sql, pg_params().add(endpoint_id).add(holder).add(lease_ms)).rows() > 0;
}

void postgres_store::release_webhook_endpoint(const std::string& endpoint_id, const std::string& holder) {
    writing();
    static const char* const sql = "DELETE FROM webhook_claims WHERE endpoint_id = $1 AND holder = $2";
    db_.exec(sql, pg_params().add(endpoint_id).add(holder));
}

// ---- organisation ids (issue #26) ----

namespace {

/// A statement of organisation_ids.hpp in PostgreSQL's spelling: ?N -> $N.
std::string dollar_parameters(std::string sql) {
    for (auto& c : sql)
        if (c == '?') c = '$';
    return sql;
}

} // namespace

bool postgres_store::organisation_exists(const std::string& org) {
    static const std::string sql = dollar_parameters(organisation_exists_sql);
    return db_.exec(sql.c_str(), pg_params().add(org)).integer(0, 0) != 0;
}

std::int64_t postgres_store::move_organisation(const std::string& from, const std::string& to) {
    writing();
    static const auto statements = [] {
        std::array<std::string, organisation_move_sql.size()> out;
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = dollar_parameters(organisation_move_sql[i]);
        return out;
    }();
    lock('o', to, "");   // instances starting together: one moves, the others then find nothing
    auto [from_invoice, from_message] = recorded_answer_texts(from);
    auto [to_invoice, to_message] = recorded_answer_texts(to);
    std::int64_t moved = 0;
    for (const auto& sql : statements) {
        auto p = pg_params().add(from).add(to);
        if (&sql == &statements.back()) p.add(from_invoice).add(to_invoice).add(from_message).add(to_message);
        moved += db_.exec(sql.c_str(), p).rows();
    }
    return moved;
}

} // namespace owo::local
