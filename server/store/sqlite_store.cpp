// The store in SQLite: one file (or ":memory:"), WAL mode with synchronous=FULL, schema
// migrations by PRAGMA user_version. A postgres_store would sit beside it, behind store.hpp.
#include "store/sqlite_store.hpp"

#include "store/organisation_ids.hpp"
#include "store/sqlite.hpp"

#include <limits>

namespace owo::local {

// Version 1. Every table is scoped by organisation, directly or through its customer.
const char* const sqlite_schema_v1 = R"sql(
CREATE TABLE customers (
  id TEXT PRIMARY KEY, org TEXT NOT NULL, external_id TEXT, email TEXT NOT NULL, name TEXT NOT NULL,
  metadata TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX customers_by_external_id ON customers(org, external_id);
CREATE INDEX customers_by_email ON customers(org, email);
CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY, org TEXT NOT NULL, customer_id TEXT NOT NULL REFERENCES customers(id),
  plan_slug TEXT NOT NULL, status TEXT NOT NULL, checkout_token TEXT UNIQUE, created_at INTEGER NOT NULL);
CREATE INDEX subscriptions_by_customer ON subscriptions(customer_id, status);
CREATE TABLE entities (
  customer_id TEXT NOT NULL REFERENCES customers(id), feature TEXT NOT NULL, entity TEXT NOT NULL,
  name TEXT, email TEXT, metadata TEXT, status TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (customer_id, feature, entity));
CREATE TABLE usage (
  customer_id TEXT NOT NULL REFERENCES customers(id), feature TEXT NOT NULL, entity TEXT NOT NULL,
  period_start INTEGER NOT NULL, amount REAL NOT NULL,
  PRIMARY KEY (customer_id, feature, entity, period_start));
CREATE TABLE idempotency (
  org TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
  content_type TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (org, key));
CREATE TABLE catalogs (org TEXT PRIMARY KEY, payload TEXT NOT NULL);
)sql";

namespace {

// Version 2. The customer lifecycle: existing customers start at version 1, live, unpurged, and
// lists page by keyset over (org, created_at, id). Subscriptions get a billing period (usage that
// never resets ends with it) and may be scheduled to end (downgrades); rows from version 1 get a
// 30-day period from their creation.
constexpr const char* schema_v2 = R"sql(
ALTER TABLE customers ADD COLUMN external_organization_id TEXT;
ALTER TABLE customers ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE customers ADD COLUMN deleted_at INTEGER;
ALTER TABLE customers ADD COLUMN purged INTEGER NOT NULL DEFAULT 0;
CREATE INDEX customers_by_creation ON customers(org, created_at, id);
ALTER TABLE subscriptions ADD COLUMN period_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN period_end INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN cancel_at INTEGER;
UPDATE subscriptions SET period_start = created_at, period_end = created_at + 2592000000;
)sql";

// Billing (issue #19): add-on credit balances per credit system, saved payment methods,
// invoices with their lines, how much of each period's usage is invoiced, and sandbox payment
// sessions (the checkout pages of add-ons, card setup and invoice payments). Money is INTEGER
// minor units; every statement is portable SQL a PostgreSQL store can run as is.
constexpr const char* schema_billing = R"sql(
CREATE TABLE credit_balances (
  customer_id TEXT NOT NULL REFERENCES customers(id), credit_system TEXT NOT NULL, balance DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (customer_id, credit_system));
CREATE TABLE payment_methods (
  id TEXT PRIMARY KEY, org TEXT NOT NULL, customer_id TEXT NOT NULL REFERENCES customers(id), provider TEXT NOT NULL,
  type TEXT NOT NULL, card_last4 TEXT, card_brand TEXT, card_exp_month INTEGER, card_exp_year INTEGER,
  is_default INTEGER NOT NULL, is_valid INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX payment_methods_by_customer ON payment_methods(customer_id, created_at);
CREATE TABLE invoices (
  id TEXT PRIMARY KEY, org TEXT NOT NULL, customer_id TEXT NOT NULL REFERENCES customers(id), number TEXT NOT NULL,
  status TEXT NOT NULL, currency TEXT NOT NULL, subtotal INTEGER NOT NULL, total INTEGER NOT NULL,
  amount_paid INTEGER NOT NULL, amount_due INTEGER NOT NULL, period_start INTEGER NOT NULL, period_end INTEGER NOT NULL,
  usage_window_end INTEGER NOT NULL, due_at INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  paid_at INTEGER);
CREATE INDEX invoices_by_customer ON invoices(org, customer_id, created_at, id);
CREATE TABLE invoice_items (
  id TEXT PRIMARY KEY, invoice_id TEXT NOT NULL REFERENCES invoices(id), position INTEGER NOT NULL, feature TEXT NOT NULL,
  description TEXT NOT NULL, quantity INTEGER NOT NULL, unit_price INTEGER NOT NULL, amount INTEGER NOT NULL,
  period_start INTEGER NOT NULL, period_end INTEGER NOT NULL, metadata TEXT);
CREATE INDEX invoice_items_by_invoice ON invoice_items(invoice_id, position);
CREATE TABLE billed_usage (
  customer_id TEXT NOT NULL REFERENCES customers(id), feature TEXT NOT NULL, period_start INTEGER NOT NULL,
  quantity INTEGER NOT NULL, PRIMARY KEY (customer_id, feature, period_start));
CREATE TABLE payment_sessions (
  token TEXT PRIMARY KEY, org TEXT NOT NULL, customer_id TEXT NOT NULL REFERENCES customers(id), kind TEXT NOT NULL,
  payload TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL);
)sql";

// Customer events and webhooks (issue #18): the event log numbered per organisation, webhook
// endpoints, and the outbox: one row per event owed to an endpoint, written in the event's
// transaction.
// Events are one b-tree keyed by (org, seq), with no other index: every page an event touches is
// written (and fsynced) with every change (bench/README.md §9), so the customer and type filters
// and retention's hourly prune scan the organisation's events instead. The outbox is likewise one
// b-tree, (endpoint, seq) in delivery order, holding only what is owed: a delivered row is
// deleted, a failed one stays (status 'failed') until its event is pruned.
constexpr const char* schema_events = R"sql(
CREATE TABLE events (
  org TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, customer_id TEXT,
  created_at INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (org, seq)) WITHOUT ROWID;
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY, org TEXT NOT NULL, url TEXT NOT NULL, types TEXT NOT NULL, secret TEXT NOT NULL,
  previous_secret TEXT, previous_secret_expires_at INTEGER, created_at INTEGER NOT NULL,
  from_command_line INTEGER NOT NULL);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints(org, created_at);
CREATE TABLE webhook_deliveries (
  endpoint_id TEXT NOT NULL, seq INTEGER NOT NULL, org TEXT NOT NULL, event_id TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, last_error TEXT, updated_at INTEGER NOT NULL,
  PRIMARY KEY (endpoint_id, seq)) WITHOUT ROWID;
)sql";

// One literal per statement (the statement cache is keyed by the literal's address).
#define CUSTOMER_COLUMNS                                                                                 \
    "id, org, external_id, email, name, metadata, created_at, updated_at, external_organization_id, " \
    "version, deleted_at, purged"

customer_row read_customer(const statement& s) {
    return {s.text(0),     s.text(1),          s.optional_text(2), s.text(3),
            s.text(4),     s.optional_text(5), s.integer(6),       s.integer(7),
            s.optional_text(8), s.integer(9),  s.optional_integer(10), s.integer(11) != 0};
}

std::vector<customer_row> read_customers(statement& s) {
    std::vector<customer_row> out;
    while (s.step()) out.push_back(read_customer(s));
    return out;
}

subscription_row read_subscription(const statement& s) {
    return {s.text(0),    s.text(1),    s.text(2),    s.text(3),   s.text(4), s.optional_text(5),
            s.integer(6), s.integer(7), s.integer(8), s.optional_integer(9)};
}

entity_row read_entity(const statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.optional_text(3), s.optional_text(4), s.optional_text(5), s.text(6),
            s.integer(7)};
}

} // namespace

// Without a cursor the keyset bound is (INT64_MIN, ''), before every row, so the statement always
// has the shape the index answers: a range on (org, created_at, id) read in order, no sort.
const char* const sqlite_list_customers_sql =
    "SELECT " CUSTOMER_COLUMNS " FROM customers INDEXED BY customers_by_creation "
    "WHERE org = ?1 AND (created_at, id) > (?2, ?3) AND created_at > ?4 AND created_at < ?5 "
    "AND (?6 IS NULL OR email = ?6) AND (?7 IS NULL OR external_organization_id = ?7) "
    "AND (?8 OR deleted_at IS NULL) AND (?9 = 0 OR (external_id IS NULL AND deleted_at IS NULL)) "
    "ORDER BY created_at, id LIMIT ?10 OFFSET ?11";

class sqlite_store final : public store {
public:
    static constexpr int schema_version = 4;

    explicit sqlite_store(const std::string& path);

    std::unique_ptr<store_transaction> begin() override;

    std::vector<customer_row> customers_by_id(const std::string& org, const std::string& id) override;
    std::vector<customer_row> customers_by_external_id(const std::string& org, const std::string& external_id) override;
    std::vector<customer_row> customers_by_email(const std::string& org, const std::string& email) override;
    void insert_customer(const customer_row& c) override;
    void update_customer(const customer_row& c) override;
    std::optional<customer_row> customer_including_deleted(const std::string& org, const std::string& id) override;
    std::optional<customer_row> last_deleted_customer(const std::string& org, const std::optional<std::string>& external_id,
                                                      const std::optional<std::string>& email) override;
    std::vector<customer_row> list_customers(const customer_page_query& q) override;

    std::vector<subscription_row> subscriptions(const std::string& customer_id, const char* status) override;
    std::optional<subscription_row> subscription_by_token(const std::string& token) override;
    void insert_subscription(const subscription_row& s) override;
    void set_subscription_status(const std::string& id, const std::string& status) override;
    void update_subscription(const subscription_row& s) override;

    std::optional<entity_row> find_entity(const std::string& customer_id, const std::string& feature,
                                                  const std::string& entity) override;
    std::int64_t count_entities(const std::string& customer_id, const std::string& feature) override;
    void insert_entity(const entity_row& e) override;
    void update_entity(const entity_row& e) override;
    std::vector<entity_row> list_entities(const std::string& customer_id,
                                                  const std::optional<std::string>& feature) override;
    void delete_entities(const std::string& customer_id) override;

    /// Usage of `feature` in the period starting `period_start`, counted for `entity` ("" = usage
    /// tracked without an entity, which is its own counter, as the hosted usage meter keys them).
    double usage(const std::string& customer_id, const std::string& feature,
                         const std::string& entity, std::int64_t period_start) override;
    void add_usage(const std::string& customer_id, const std::string& feature, const std::string& entity,
                           std::int64_t period_start, double amount) override;

    std::optional<idempotency_row> find_idempotency(const std::string& org, const std::string& key) override;
    void insert_idempotency(const std::string& org, const std::string& key, const idempotency_row& r,
                                    std::int64_t now) override;
    void erase_idempotency_mentioning(const std::string& org, const std::string& text) override;

    std::optional<std::string> catalog(const std::string& org) override;
    void save_catalog(const std::string& org, const std::string& json) override;

    // ---- customer events and webhooks (issue #18) ----
    void append_event(event_row& e) override;
    std::vector<event_row> list_events(const event_page_query& q) override;
    std::int64_t prune_events(std::int64_t before_ms) override;
    void insert_webhook_endpoint(const webhook_endpoint_row& w) override;
    void update_webhook_endpoint(const webhook_endpoint_row& w) override;
    std::vector<webhook_endpoint_row> webhook_endpoints(const std::string& org) override;
    std::optional<webhook_endpoint_row> webhook_endpoint(const std::string& org, const std::string& id) override;
    void delete_webhook_endpoint(const std::string& org, const std::string& id) override;
    std::vector<webhook_delivery> pending_deliveries(const std::string& endpoint_id, std::int64_t limit) override;
    std::optional<std::int64_t> first_pending_due(const std::string& endpoint_id) override;
    void record_webhook_attempts(const std::vector<webhook_attempt_outcome>& outcomes, std::int64_t now) override;
    std::int64_t pending_delivery_count() override;
    // One owostack-local writes a SQLite file (its single writer): nothing to share.
    bool claim_webhook_endpoint(const std::string&, const std::string&, std::int64_t) override { return true; }
    void release_webhook_endpoint(const std::string&, const std::string&) override {}
    bool organisation_exists(const std::string& org) override;
    std::int64_t move_organisation(const std::string& from, const std::string& to) override;

    database& connection() { return db_; }   // the engine's BEGIN/SAVEPOINT/COMMIT (sqlite_engine.cpp)

    // ---- Billing (issue #19) ----
    double credit_balance(const std::string& customer_id, const std::string& credit_system) override;
    void add_credits(const std::string& customer_id, const std::string& credit_system, double delta) override;
    double period_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start) override;
    std::int64_t billed_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start) override;
    void set_billed_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start,
                          std::int64_t quantity) override;
    std::vector<payment_method_row> payment_methods(const std::string& org, const std::string& customer_id) override;
    void insert_payment_method(const payment_method_row& m) override;
    void clear_default_payment_method(const std::string& customer_id) override;
    bool delete_payment_method(const std::string& org, const std::string& customer_id, const std::string& id) override;
    std::int64_t count_invoices(const std::string& org) override;
    void insert_invoice(const invoice_row& i) override;
    std::optional<invoice_row> invoice(const std::string& org, const std::string& id) override;
    std::vector<invoice_row> invoices(const std::string& org, const std::string& customer_id,
                                      const std::optional<std::pair<std::int64_t, std::string>>& before,
                                      std::int64_t limit) override;
    void update_invoice_payment(const invoice_row& i) override;
    void insert_payment_session(const payment_session_row& p) override;
    std::optional<payment_session_row> payment_session(const std::string& token) override;
    void set_payment_session_status(const std::string& token, const std::string& status) override;

private:
    void migrate();
    database db_;
};

/// The SQLite transaction behind store_transaction.
class sqlite_transaction final : public store_transaction {
public:
    explicit sqlite_transaction(database& db) : t_(db) {}
    void commit() override { t_.commit(); }

private:
    transaction t_;
};

sqlite_store::sqlite_store(const std::string& path) : db_(path) {
    // WAL + synchronous=FULL: every COMMIT is fsynced before it returns, so an acknowledged
    // write survives kill -9 and power loss alike (NORMAL in WAL mode survives only the former).
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("PRAGMA foreign_keys=ON");
    migrate();
}

std::unique_ptr<store_transaction> sqlite_store::begin() { return std::make_unique<sqlite_transaction>(db_); }

void sqlite_store::migrate() {
    int version = 0;
    {
        auto s = db_.prepare("PRAGMA user_version");
        if (s.step()) version = static_cast<int>(s.integer(0));
    }
    if (version > schema_version)
        throw sqlite_error("the database was written by a newer owostack-local (schema " + std::to_string(version) + ")");
    if (version == schema_version) return;
    // Each step in order, all in one transaction: a v1 database upgrades in place or not at all.
    transaction t(db_);
    if (version < 1) db_.exec(sqlite_schema_v1);
    if (version < 2) db_.exec(schema_v2);
    if (version < 3) db_.exec(schema_billing);
    if (version < 4) db_.exec(schema_events);
    db_.exec(("PRAGMA user_version=" + std::to_string(schema_version)).c_str());
    t.commit();
}

std::vector<customer_row> sqlite_store::customers_by_id(const std::string& org, const std::string& id) {
    auto s = db_.prepare("SELECT " CUSTOMER_COLUMNS " FROM customers WHERE org = ?1 AND id = ?2 AND deleted_at IS NULL");
    s.bind(1, org).bind(2, id);
    return read_customers(s);
}

std::vector<customer_row> sqlite_store::customers_by_external_id(const std::string& org, const std::string& external_id) {
    // INDEXED BY: for the ORDER BY, the planner would rather walk customers_by_creation over the
    // whole organisation, which made every resolve and create slower as the organisation grew.
    auto s = db_.prepare("SELECT " CUSTOMER_COLUMNS " FROM customers INDEXED BY customers_by_external_id "
                         "WHERE org = ?1 AND external_id = ?2 AND deleted_at IS NULL ORDER BY created_at LIMIT 2");
    s.bind(1, org).bind(2, external_id);
    return read_customers(s);
}

std::vector<customer_row> sqlite_store::customers_by_email(const std::string& org, const std::string& email) {
    auto s = db_.prepare("SELECT " CUSTOMER_COLUMNS " FROM customers INDEXED BY customers_by_email "
                         "WHERE org = ?1 AND email = ?2 AND deleted_at IS NULL ORDER BY created_at LIMIT 2");
    s.bind(1, org).bind(2, email);
    return read_customers(s);
}

void sqlite_store::insert_customer(const customer_row& c) {
    auto s = db_.prepare("INSERT INTO customers (" CUSTOMER_COLUMNS ") "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    s.bind(1, c.id).bind(2, c.org).bind(3, c.external_id).bind(4, c.email).bind(5, c.name).bind(6, c.metadata);
    s.bind(7, c.created_at).bind(8, c.updated_at).bind(9, c.external_organization_id).bind(10, c.version);
    s.bind(11, c.deleted_at).bind(12, std::int64_t{c.purged}).run();
}

void sqlite_store::update_customer(const customer_row& c) {
    auto s = db_.prepare("UPDATE customers SET external_id = ?2, email = ?3, name = ?4, metadata = ?5, updated_at = ?6, "
                         "external_organization_id = ?7, version = ?8, deleted_at = ?9, purged = ?10 WHERE id = ?1");
    s.bind(1, c.id).bind(2, c.external_id).bind(3, c.email).bind(4, c.name).bind(5, c.metadata).bind(6, c.updated_at);
    s.bind(7, c.external_organization_id).bind(8, c.version).bind(9, c.deleted_at).bind(10, std::int64_t{c.purged}).run();
}

std::optional<customer_row> sqlite_store::customer_including_deleted(const std::string& org, const std::string& id) {
    auto s = db_.prepare("SELECT " CUSTOMER_COLUMNS " FROM customers WHERE org = ?1 AND id = ?2");
    s.bind(1, org).bind(2, id);
    if (!s.step()) return std::nullopt;
    return read_customer(s);
}

std::optional<customer_row> sqlite_store::last_deleted_customer(const std::string& org,
                                                                const std::optional<std::string>& external_id,
                                                                const std::optional<std::string>& email) {
    auto s = db_.prepare("SELECT " CUSTOMER_COLUMNS " FROM customers WHERE org = ?1 AND deleted_at IS NOT NULL "
                         "AND (?2 IS NULL OR external_id = ?2) AND (?3 IS NULL OR email = ?3) "
                         "ORDER BY deleted_at DESC, created_at DESC, id DESC LIMIT 1");
    s.bind(1, org).bind(2, external_id).bind(3, email);
    if (!s.step()) return std::nullopt;
    return read_customer(s);
}

std::vector<customer_row> sqlite_store::list_customers(const customer_page_query& q) {
    auto s = db_.prepare(sqlite_list_customers_sql);
    s.bind(1, q.org);
    if (q.after) s.bind(2, q.after->first).bind(3, q.after->second);
    else s.bind(2, std::numeric_limits<std::int64_t>::min()).bind(3, "");
    s.bind(4, q.created_after.value_or(std::numeric_limits<std::int64_t>::min()));
    s.bind(5, q.created_before.value_or(std::numeric_limits<std::int64_t>::max()));
    s.bind(6, q.email).bind(7, q.external_organization_id);
    s.bind(8, std::int64_t{q.include_deleted}).bind(9, std::int64_t{q.unresolved_only});
    s.bind(10, q.limit).bind(11, q.offset);
    return read_customers(s);
}

std::vector<subscription_row> sqlite_store::subscriptions(const std::string& customer_id, const char* status) {
    auto s = db_.prepare("SELECT id, org, customer_id, plan_slug, status, checkout_token, created_at, period_start, period_end, cancel_at "
                         "FROM subscriptions WHERE customer_id = ?1 AND status = ?2 ORDER BY created_at, id");
    s.bind(1, customer_id).bind(2, std::string_view(status));
    std::vector<subscription_row> out;
    while (s.step()) out.push_back(read_subscription(s));
    return out;
}

std::optional<subscription_row> sqlite_store::subscription_by_token(const std::string& token) {
    auto s = db_.prepare("SELECT id, org, customer_id, plan_slug, status, checkout_token, created_at, period_start, period_end, cancel_at "
                         "FROM subscriptions WHERE checkout_token = ?1");
    s.bind(1, token);
    if (!s.step()) return std::nullopt;
    return read_subscription(s);
}

void sqlite_store::insert_subscription(const subscription_row& r) {
    auto s = db_.prepare("INSERT INTO subscriptions (id, org, customer_id, plan_slug, status, checkout_token, created_at, period_start, period_end, cancel_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    s.bind(1, r.id).bind(2, r.org).bind(3, r.customer_id).bind(4, r.plan_slug).bind(5, r.status);
    s.bind(6, r.checkout_token).bind(7, r.created_at).bind(8, r.period_start).bind(9, r.period_end).bind(10, r.cancel_at).run();
}

void sqlite_store::set_subscription_status(const std::string& id, const std::string& status) {
    auto s = db_.prepare("UPDATE subscriptions SET status = ?2 WHERE id = ?1");
    s.bind(1, id).bind(2, status).run();
}

void sqlite_store::update_subscription(const subscription_row& r) {
    auto s = db_.prepare("UPDATE subscriptions SET status = ?2, period_start = ?3, period_end = ?4, cancel_at = ?5, "
                         "plan_slug = ?6 WHERE id = ?1");
    s.bind(1, r.id).bind(2, r.status).bind(3, r.period_start).bind(4, r.period_end).bind(5, r.cancel_at).bind(6, r.plan_slug).run();
}

std::optional<entity_row> sqlite_store::find_entity(const std::string& customer_id, const std::string& feature,
                                             const std::string& entity) {
    auto s = db_.prepare("SELECT customer_id, feature, entity, name, email, metadata, status, created_at "
                         "FROM entities WHERE customer_id = ?1 AND feature = ?2 AND entity = ?3");
    s.bind(1, customer_id).bind(2, feature).bind(3, entity);
    if (!s.step()) return std::nullopt;
    return read_entity(s);
}

std::int64_t sqlite_store::count_entities(const std::string& customer_id, const std::string& feature) {
    // pending_removal still counts: the seat is billed until the period ends.
    auto s = db_.prepare("SELECT COUNT(*) FROM entities WHERE customer_id = ?1 AND feature = ?2");
    s.bind(1, customer_id).bind(2, feature);
    s.step();
    return s.integer(0);
}

void sqlite_store::insert_entity(const entity_row& e) {
    auto s = db_.prepare("INSERT INTO entities (customer_id, feature, entity, name, email, metadata, status, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s.bind(1, e.customer_id).bind(2, e.feature).bind(3, e.entity).bind(4, e.name).bind(5, e.email).bind(6, e.metadata);
    s.bind(7, e.status).bind(8, e.created_at).run();
}

void sqlite_store::update_entity(const entity_row& e) {
    auto s = db_.prepare("UPDATE entities SET name = ?4, email = ?5, metadata = ?6, status = ?7 "
                         "WHERE customer_id = ?1 AND feature = ?2 AND entity = ?3");
    s.bind(1, e.customer_id).bind(2, e.feature).bind(3, e.entity).bind(4, e.name).bind(5, e.email).bind(6, e.metadata);
    s.bind(7, e.status).run();
}

std::vector<entity_row> sqlite_store::list_entities(const std::string& customer_id, const std::optional<std::string>& feature) {
    auto s = db_.prepare("SELECT customer_id, feature, entity, name, email, metadata, status, created_at "
                         "FROM entities WHERE customer_id = ?1 AND (?2 IS NULL OR feature = ?2) "
                         "ORDER BY created_at, feature, entity");
    s.bind(1, customer_id).bind(2, feature);
    std::vector<entity_row> out;
    while (s.step()) out.push_back(read_entity(s));
    return out;
}

void sqlite_store::delete_entities(const std::string& customer_id) {
    db_.prepare("DELETE FROM entities WHERE customer_id = ?1").bind(1, customer_id).run();
}

double sqlite_store::usage(const std::string& customer_id, const std::string& feature, const std::string& entity,
                    std::int64_t period_start) {
    auto s = db_.prepare("SELECT COALESCE(SUM(amount), 0) FROM usage WHERE customer_id = ?1 AND feature = ?2 "
                         "AND entity = ?3 AND period_start = ?4");
    s.bind(1, customer_id).bind(2, feature).bind(3, entity).bind(4, period_start);
    s.step();
    return s.real(0);
}

void sqlite_store::add_usage(const std::string& customer_id, const std::string& feature, const std::string& entity,
                      std::int64_t period_start, double amount) {
    auto s = db_.prepare("INSERT INTO usage (customer_id, feature, entity, period_start, amount) VALUES (?1, ?2, ?3, ?4, ?5) "
                         "ON CONFLICT (customer_id, feature, entity, period_start) DO UPDATE SET amount = amount + ?5");
    s.bind(1, customer_id).bind(2, feature).bind(3, entity).bind(4, period_start).bind(5, amount).run();
}

std::optional<idempotency_row> sqlite_store::find_idempotency(const std::string& org, const std::string& key) {
    auto s = db_.prepare("SELECT fingerprint, status, content_type, body FROM idempotency WHERE org = ?1 AND key = ?2");
    s.bind(1, org).bind(2, key);
    if (!s.step()) return std::nullopt;
    return idempotency_row{s.text(0), static_cast<int>(s.integer(1)), s.text(2), s.text(3)};
}

void sqlite_store::insert_idempotency(const std::string& org, const std::string& key, const idempotency_row& r,
                               std::int64_t now) {
    auto s = db_.prepare("INSERT INTO idempotency (org, key, fingerprint, status, content_type, body, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    s.bind(1, org).bind(2, key).bind(3, r.fingerprint).bind(4, static_cast<std::int64_t>(r.status));
    s.bind(5, r.content_type).bind(6, r.body).bind(7, now).run();
}

void sqlite_store::erase_idempotency_mentioning(const std::string& org, const std::string& text) {
    db_.prepare("DELETE FROM idempotency WHERE org = ?1 AND instr(body, ?2) > 0").bind(1, org).bind(2, text).run();
}

std::optional<std::string> sqlite_store::catalog(const std::string& org) {
    auto s = db_.prepare("SELECT payload FROM catalogs WHERE org = ?1");
    s.bind(1, org);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

void sqlite_store::save_catalog(const std::string& org, const std::string& json) {
    auto s = db_.prepare("INSERT INTO catalogs (org, payload) VALUES (?1, ?2) "
                         "ON CONFLICT (org) DO UPDATE SET payload = ?2");
    s.bind(1, org).bind(2, json).run();
}

// ---- Billing (issue #19) ----

double sqlite_store::credit_balance(const std::string& customer_id, const std::string& credit_system) {
    auto s = db_.prepare("SELECT balance FROM credit_balances WHERE customer_id = ?1 AND credit_system = ?2");
    s.bind(1, customer_id).bind(2, credit_system);
    return s.step() ? s.real(0) : 0;
}

void sqlite_store::add_credits(const std::string& customer_id, const std::string& credit_system, double delta) {
    auto s = db_.prepare("INSERT INTO credit_balances (customer_id, credit_system, balance) VALUES (?1, ?2, ?3) "
                         "ON CONFLICT (customer_id, credit_system) DO UPDATE SET balance = credit_balances.balance + ?3");
    s.bind(1, customer_id).bind(2, credit_system).bind(3, delta).run();
}

double sqlite_store::period_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start) {
    auto s = db_.prepare("SELECT COALESCE(SUM(amount), 0) FROM usage WHERE customer_id = ?1 AND feature = ?2 AND period_start = ?3");
    s.bind(1, customer_id).bind(2, feature).bind(3, period_start);
    s.step();
    return s.real(0);
}

std::int64_t sqlite_store::billed_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start) {
    auto s = db_.prepare("SELECT quantity FROM billed_usage WHERE customer_id = ?1 AND feature = ?2 AND period_start = ?3");
    s.bind(1, customer_id).bind(2, feature).bind(3, period_start);
    return s.step() ? s.integer(0) : 0;
}

void sqlite_store::set_billed_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start,
                                    std::int64_t quantity) {
    auto s = db_.prepare("INSERT INTO billed_usage (customer_id, feature, period_start, quantity) VALUES (?1, ?2, ?3, ?4) "
                         "ON CONFLICT (customer_id, feature, period_start) DO UPDATE SET quantity = ?4");
    s.bind(1, customer_id).bind(2, feature).bind(3, period_start).bind(4, quantity).run();
}

std::vector<payment_method_row> sqlite_store::payment_methods(const std::string& org, const std::string& customer_id) {
    auto s = db_.prepare("SELECT id, org, customer_id, provider, type, card_last4, card_brand, card_exp_month, card_exp_year, "
                         "is_default, is_valid, created_at FROM payment_methods WHERE org = ?1 AND customer_id = ?2 "
                         "ORDER BY created_at, id");
    s.bind(1, org).bind(2, customer_id);
    std::vector<payment_method_row> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.optional_text(5), s.optional_text(6),
                       s.optional_integer(7), s.optional_integer(8), s.integer(9) != 0, s.integer(10) != 0, s.integer(11)});
    return out;
}

void sqlite_store::insert_payment_method(const payment_method_row& m) {
    auto s = db_.prepare("INSERT INTO payment_methods (id, org, customer_id, provider, type, card_last4, card_brand, "
                         "card_exp_month, card_exp_year, is_default, is_valid, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    s.bind(1, m.id).bind(2, m.org).bind(3, m.customer_id).bind(4, m.provider).bind(5, m.type).bind(6, m.card_last4);
    s.bind(7, m.card_brand).bind(8, m.card_exp_month).bind(9, m.card_exp_year).bind(10, std::int64_t{m.is_default});
    s.bind(11, std::int64_t{m.is_valid}).bind(12, m.created_at).run();
}

void sqlite_store::clear_default_payment_method(const std::string& customer_id) {
    db_.prepare("UPDATE payment_methods SET is_default = 0 WHERE customer_id = ?1").bind(1, customer_id).run();
}

bool sqlite_store::delete_payment_method(const std::string& org, const std::string& customer_id, const std::string& id) {
    db_.prepare("DELETE FROM payment_methods WHERE id = ?1 AND customer_id = ?2 AND org = ?3")
        .bind(1, id).bind(2, customer_id).bind(3, org).run();
    return db_.changes() > 0;
}

std::int64_t sqlite_store::count_invoices(const std::string& org) {
    auto s = db_.prepare("SELECT COUNT(*) FROM invoices WHERE org = ?1");
    s.bind(1, org);
    s.step();
    return s.integer(0);
}

void sqlite_store::insert_invoice(const invoice_row& i) {
    auto s = db_.prepare("INSERT INTO invoices (id, org, customer_id, number, status, currency, subtotal, total, amount_paid, "
                         "amount_due, period_start, period_end, usage_window_end, due_at, created_at, updated_at, paid_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    s.bind(1, i.id).bind(2, i.org).bind(3, i.customer_id).bind(4, i.number).bind(5, i.status).bind(6, i.currency);
    s.bind(7, i.subtotal).bind(8, i.total).bind(9, i.amount_paid).bind(10, i.amount_due).bind(11, i.period_start);
    s.bind(12, i.period_end).bind(13, i.usage_window_end).bind(14, i.due_at).bind(15, i.created_at).bind(16, i.updated_at);
    s.bind(17, i.paid_at).run();
    std::int64_t position = 0;
    for (const auto& it : i.items) {
        auto t = db_.prepare("INSERT INTO invoice_items (id, invoice_id, position, feature, description, quantity, unit_price, "
                             "amount, period_start, period_end, metadata) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        t.bind(1, it.id).bind(2, i.id).bind(3, position++).bind(4, it.feature).bind(5, it.description).bind(6, it.quantity);
        t.bind(7, it.unit_price).bind(8, it.amount).bind(9, it.period_start).bind(10, it.period_end).bind(11, it.metadata).run();
    }
}

namespace {

#define INVOICE_COLUMNS                                                                                          \
    "id, org, customer_id, number, status, currency, subtotal, total, amount_paid, amount_due, period_start, " \
    "period_end, usage_window_end, due_at, created_at, updated_at, paid_at"

invoice_row read_invoice(const statement& s) {
    invoice_row i{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)};
    i.subtotal = s.integer(6);
    i.total = s.integer(7);
    i.amount_paid = s.integer(8);
    i.amount_due = s.integer(9);
    i.period_start = s.integer(10);
    i.period_end = s.integer(11);
    i.usage_window_end = s.integer(12);
    i.due_at = s.integer(13);
    i.created_at = s.integer(14);
    i.updated_at = s.integer(15);
    i.paid_at = s.optional_integer(16);
    return i;
}

void read_invoice_items(database& db, invoice_row& i) {
    auto s = db.prepare("SELECT id, invoice_id, feature, description, quantity, unit_price, amount, period_start, period_end, "
                        "metadata FROM invoice_items WHERE invoice_id = ?1 ORDER BY position");
    s.bind(1, i.id);
    while (s.step())
        i.items.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4), s.integer(5), s.integer(6), s.integer(7),
                           s.integer(8), s.optional_text(9)});
}

} // namespace

std::optional<invoice_row> sqlite_store::invoice(const std::string& org, const std::string& id) {
    std::optional<invoice_row> out;
    {
        auto s = db_.prepare("SELECT " INVOICE_COLUMNS " FROM invoices WHERE org = ?1 AND id = ?2");
        s.bind(1, org).bind(2, id);
        if (!s.step()) return std::nullopt;
        out = read_invoice(s);
    }
    read_invoice_items(db_, *out);
    return out;
}

std::vector<invoice_row> sqlite_store::invoices(const std::string& org, const std::string& customer_id,
                                                const std::optional<std::pair<std::int64_t, std::string>>& before,
                                                std::int64_t limit) {
    std::vector<invoice_row> out;
    {
        // Without a cursor the bound is (INT64_MAX, ''), after every row.
        auto s = db_.prepare("SELECT " INVOICE_COLUMNS " FROM invoices WHERE org = ?1 AND customer_id = ?2 "
                             "AND (created_at < ?3 OR (created_at = ?3 AND id < ?4)) "
                             "ORDER BY created_at DESC, id DESC LIMIT ?5");
        s.bind(1, org).bind(2, customer_id);
        if (before) s.bind(3, before->first).bind(4, before->second);
        else s.bind(3, std::numeric_limits<std::int64_t>::max()).bind(4, "");
        s.bind(5, limit);
        while (s.step()) out.push_back(read_invoice(s));
    }
    for (auto& i : out) read_invoice_items(db_, i);
    return out;
}

void sqlite_store::update_invoice_payment(const invoice_row& i) {
    auto s = db_.prepare("UPDATE invoices SET status = ?2, amount_paid = ?3, amount_due = ?4, paid_at = ?5, updated_at = ?6 "
                         "WHERE id = ?1");
    s.bind(1, i.id).bind(2, i.status).bind(3, i.amount_paid).bind(4, i.amount_due).bind(5, i.paid_at).bind(6, i.updated_at).run();
}

void sqlite_store::insert_payment_session(const payment_session_row& p) {
    auto s = db_.prepare("INSERT INTO payment_sessions (token, org, customer_id, kind, payload, status, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    s.bind(1, p.token).bind(2, p.org).bind(3, p.customer_id).bind(4, p.kind).bind(5, p.payload).bind(6, p.status);
    s.bind(7, p.created_at).run();
}

std::optional<payment_session_row> sqlite_store::payment_session(const std::string& token) {
    auto s = db_.prepare("SELECT token, org, customer_id, kind, payload, status, created_at FROM payment_sessions WHERE token = ?1");
    s.bind(1, token);
    if (!s.step()) return std::nullopt;
    return payment_session_row{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.integer(6)};
}

void sqlite_store::set_payment_session_status(const std::string& token, const std::string& status) {
    db_.prepare("UPDATE payment_sessions SET status = ?2 WHERE token = ?1").bind(1, token).bind(2, status).run();
}

// ---- customer events and webhooks (issue #18) ------------------------------------------------

namespace {

#define EVENT_COLUMNS "id, org, seq, type, customer_id, created_at, data"
#define ENDPOINT_COLUMNS \
    "id, org, url, types, secret, previous_secret, previous_secret_expires_at, created_at, from_command_line"

event_row read_event(const statement& s, int at = 0) {
    return {s.text(at),           s.text(at + 1),    s.integer(at + 2), s.text(at + 3),
            s.optional_text(at + 4), s.integer(at + 5), s.text(at + 6)};
}

webhook_endpoint_row read_endpoint(const statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.optional_text(5), s.optional_integer(6),
            s.integer(7), s.integer(8) != 0};
}

} // namespace

void sqlite_store::append_event(event_row& e) {
    // The next number is the organisation's last + 1, read from the page the insert writes
    // anyway: a separate counter row would be one more page in every commit (bench/README.md §9).
    // SQLite has one writer, so no two transactions read the same last; retention never prunes
    // an organisation's last event, so a number is never handed out twice. (The PostgreSQL store,
    // with concurrent writers, takes the organisation's event lock before this read.)
    {
        auto s = db_.prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE org = ?1");
        s.bind(1, e.org).step();
        e.seq = s.integer(0);
    }
    auto s = db_.prepare("INSERT INTO events (" EVENT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    s.bind(1, e.id).bind(2, e.org).bind(3, e.seq).bind(4, e.type).bind(5, e.customer_id).bind(6, e.created_at);
    s.bind(7, e.data).run();
    // types is ",a,b,": LIKE's `_` also matches itself, and no two event types differ only there.
    auto outbox = db_.prepare("INSERT INTO webhook_deliveries (endpoint_id, event_id, org, seq, status, attempts, next_attempt_at, updated_at) "
                              "SELECT id, ?2, ?1, ?3, 'pending', 0, ?4, ?4 FROM webhook_endpoints "
                              "WHERE org = ?1 AND (types = '' OR types LIKE '%,' || ?5 || ',%')");
    outbox.bind(1, e.org).bind(2, e.id).bind(3, e.seq).bind(4, e.created_at).bind(5, e.type).run();
}

std::vector<event_row> sqlite_store::list_events(const event_page_query& q) {
    // Types are few: the filter is a ",a,b," list matched like an endpoint's.
    std::string types;
    for (const auto& t : q.types) types += "," + t;
    if (!types.empty()) types += ",";
    auto s = db_.prepare("SELECT " EVENT_COLUMNS " FROM events WHERE org = ?1 AND seq > ?2 "
                         "AND (?3 IS NULL OR customer_id = ?3) AND (?4 = '' OR ?4 LIKE '%,' || type || ',%') "
                         "ORDER BY seq LIMIT ?5");
    s.bind(1, q.org).bind(2, q.after_seq).bind(3, q.customer_id).bind(4, types).bind(5, q.limit);
    std::vector<event_row> out;
    while (s.step()) out.push_back(read_event(s));
    return out;
}

std::int64_t sqlite_store::prune_events(std::int64_t before_ms) {
    // The outbox holds only pending and failed deliveries: few rows, scanned.
    db_.prepare("DELETE FROM webhook_deliveries WHERE status = 'failed' AND EXISTS (SELECT 1 FROM events e "
                "WHERE e.org = webhook_deliveries.org AND e.seq = webhook_deliveries.seq AND e.created_at < ?1)")
        .bind(1, before_ms)
        .run();
    db_.prepare("DELETE FROM events WHERE created_at < ?1 AND NOT EXISTS "
                "(SELECT 1 FROM webhook_deliveries d WHERE d.org = events.org AND d.seq = events.seq) "
                "AND seq < (SELECT MAX(seq) FROM events last WHERE last.org = events.org)")
        .bind(1, before_ms)
        .run();
    return db_.changes();
}

void sqlite_store::insert_webhook_endpoint(const webhook_endpoint_row& w) {
    auto s = db_.prepare("INSERT INTO webhook_endpoints (" ENDPOINT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    s.bind(1, w.id).bind(2, w.org).bind(3, w.url).bind(4, w.types).bind(5, w.secret).bind(6, w.previous_secret);
    s.bind(7, w.previous_secret_expires_at).bind(8, w.created_at).bind(9, std::int64_t{w.from_command_line}).run();
}

void sqlite_store::update_webhook_endpoint(const webhook_endpoint_row& w) {
    auto s = db_.prepare("UPDATE webhook_endpoints SET url = ?2, types = ?3, secret = ?4, previous_secret = ?5, "
                         "previous_secret_expires_at = ?6 WHERE id = ?1");
    s.bind(1, w.id).bind(2, w.url).bind(3, w.types).bind(4, w.secret).bind(5, w.previous_secret);
    s.bind(6, w.previous_secret_expires_at).run();
}

std::vector<webhook_endpoint_row> sqlite_store::webhook_endpoints(const std::string& org) {
    auto s = db_.prepare("SELECT " ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE ?1 = '' OR org = ?1 ORDER BY created_at, id");
    s.bind(1, org);
    std::vector<webhook_endpoint_row> out;
    while (s.step()) out.push_back(read_endpoint(s));
    return out;
}

std::optional<webhook_endpoint_row> sqlite_store::webhook_endpoint(const std::string& org, const std::string& id) {
    auto s = db_.prepare("SELECT " ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE org = ?1 AND id = ?2");
    s.bind(1, org).bind(2, id);
    if (!s.step()) return std::nullopt;
    return read_endpoint(s);
}

void sqlite_store::delete_webhook_endpoint(const std::string& org, const std::string& id) {
    db_.prepare("DELETE FROM webhook_deliveries WHERE endpoint_id = ?1 AND endpoint_id IN "
                "(SELECT id FROM webhook_endpoints WHERE org = ?2)").bind(1, id).bind(2, org).run();
    db_.prepare("DELETE FROM webhook_endpoints WHERE org = ?1 AND id = ?2").bind(1, org).bind(2, id).run();
}

std::vector<webhook_delivery> sqlite_store::pending_deliveries(const std::string& endpoint_id, std::int64_t limit) {
    auto s = db_.prepare("SELECT d.endpoint_id, d.attempts, d.next_attempt_at, e.id, e.org, e.seq, e.type, e.customer_id, "
                         "e.created_at, e.data FROM webhook_deliveries d JOIN events e ON e.org = d.org AND e.seq = d.seq "
                         "WHERE d.endpoint_id = ?1 AND d.status = 'pending' ORDER BY d.seq LIMIT ?2");
    s.bind(1, endpoint_id).bind(2, limit);
    std::vector<webhook_delivery> out;
    while (s.step()) out.push_back({s.text(0), read_event(s, 3), s.integer(1), s.integer(2)});
    return out;
}

std::optional<std::int64_t> sqlite_store::first_pending_due(const std::string& endpoint_id) {
    // The endpoint's rows in seq order; only failed ones (rare) are stepped over.
    auto s = db_.prepare("SELECT next_attempt_at FROM webhook_deliveries WHERE endpoint_id = ?1 AND status = 'pending' "
                         "ORDER BY seq LIMIT 1");
    s.bind(1, endpoint_id);
    if (!s.step()) return std::nullopt;
    return s.integer(0);
}

void sqlite_store::record_webhook_attempts(const std::vector<webhook_attempt_outcome>& outcomes, std::int64_t now) {
    using state = webhook_attempt_outcome::state;
    for (const auto& o : outcomes) {
        if (o.status == state::delivered) {   // owed no more
            db_.prepare("DELETE FROM webhook_deliveries WHERE endpoint_id = ?1 AND seq = ?2").bind(1, o.endpoint_id).bind(2, o.seq).run();
            continue;
        }
        auto s = db_.prepare("UPDATE webhook_deliveries SET status = ?3, attempts = ?4, next_attempt_at = ?5, "
                             "last_error = ?6, updated_at = ?7 WHERE endpoint_id = ?1 AND seq = ?2");
        s.bind(1, o.endpoint_id).bind(2, o.seq).bind(3, o.status == state::failed ? "failed" : "pending");
        s.bind(4, o.attempts).bind(5, o.next_attempt_at);
        if (o.last_error.empty()) s.bind_null(6);
        else s.bind(6, o.last_error);
        s.bind(7, now).run();
    }
}

std::int64_t sqlite_store::pending_delivery_count() {
    auto s = db_.prepare("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'");
    s.step();
    return s.integer(0);
}

std::unique_ptr<store> open_sqlite_store(const std::string& path) { return std::make_unique<sqlite_store>(path); }

// Prepared once and cached (by the literal's address), like every statement: per batch and per
// unit, sqlite3_exec would parse BEGIN, SAVEPOINT, RELEASE and COMMIT again each time.
void sqlite_exec(store& s, const char* sql) { static_cast<sqlite_store&>(s).connection().prepare(sql).run(); }
bool sqlite_in_transaction(store& s) { return static_cast<sqlite_store&>(s).connection().in_transaction(); }
std::int64_t sqlite_total_changes(store& s) { return static_cast<sqlite_store&>(s).connection().total_changes(); }
std::string sqlite_wal_path(store& s) { return static_cast<sqlite_store&>(s).connection().wal_path(); }

// ---- organisation ids (issue #26) ----

bool sqlite_store::organisation_exists(const std::string& org) {
    auto s = db_.prepare(organisation_exists_sql);
    s.bind(1, org);
    return s.step() && s.integer(0) != 0;
}

std::int64_t sqlite_store::move_organisation(const std::string& from, const std::string& to) {
    auto [from_invoice, from_message] = recorded_answer_texts(from);
    auto [to_invoice, to_message] = recorded_answer_texts(to);
    // The old id is a key: the space its rows and index entries leave is zeroed, not just freed.
    struct secure_delete {
        database& db;
        explicit secure_delete(database& d) : db(d) { db.exec("PRAGMA secure_delete=ON"); }
        ~secure_delete() {
            try {
                db.exec("PRAGMA secure_delete=OFF");
            } catch (const sqlite_error&) {   // left on: slower deletes, nothing wrong
            }
        }
    } zeroing(db_);
    std::int64_t moved = 0;
    for (const char* sql : organisation_move_sql) {
        auto s = db_.prepare(sql);
        s.bind(1, from).bind(2, to);
        if (sql == organisation_move_sql.back()) s.bind(3, from_invoice).bind(4, to_invoice).bind(5, from_message).bind(6, to_message);
        while (s.step()) ++moved;
    }
    return moved;
}

} // namespace owo::local
