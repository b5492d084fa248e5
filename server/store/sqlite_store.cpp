// The store in SQLite: one file (or ":memory:"), WAL mode with synchronous=FULL, schema
// migrations by PRAGMA user_version. A postgres_store would sit beside it, behind store.hpp.
#include "store/sqlite_store.hpp"

#include "store/sqlite.hpp"

namespace owo::local {

namespace {

// Version 1. Every table is scoped by organisation, directly or through its customer.
constexpr const char* schema_v1 = R"sql(
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

// Version 2: subscriptions have a billing period (usage that never resets ends with it) and may
// be scheduled to end (downgrades). Rows from version 1 get a 30-day period from their creation.
constexpr const char* schema_v2 = R"sql(
ALTER TABLE subscriptions ADD COLUMN period_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN period_end INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN cancel_at INTEGER;
UPDATE subscriptions SET period_start = created_at, period_end = created_at + 2592000000;
)sql";
// (Statements are cached by their SQL's address: every query below is a literal.)

std::vector<customer_row> read_customers(statement& s) {
    std::vector<customer_row> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.optional_text(2), s.text(3), s.text(4), s.optional_text(5), s.integer(6),
                       s.integer(7)});
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

class sqlite_store final : public store {
public:
    static constexpr int schema_version = 2;

    explicit sqlite_store(const std::string& path);

    std::unique_ptr<store_transaction> begin() override;

    std::vector<customer_row> customers_by_id(const std::string& org, const std::string& id) override;
    std::vector<customer_row> customers_by_external_id(const std::string& org, const std::string& external_id) override;
    std::vector<customer_row> customers_by_email(const std::string& org, const std::string& email) override;
    void insert_customer(const customer_row& c) override;
    void update_customer(const customer_row& c) override;

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

    /// Usage of `feature` in the period starting `period_start`, counted for `entity` ("" = usage
    /// tracked without an entity, which is its own counter, as the hosted usage meter keys them).
    double usage(const std::string& customer_id, const std::string& feature,
                         const std::string& entity, std::int64_t period_start) override;
    void add_usage(const std::string& customer_id, const std::string& feature, const std::string& entity,
                           std::int64_t period_start, double amount) override;

    std::optional<idempotency_row> find_idempotency(const std::string& org, const std::string& key) override;
    void insert_idempotency(const std::string& org, const std::string& key, const idempotency_row& r,
                                    std::int64_t now) override;

    std::optional<std::string> catalog(const std::string& org) override;
    void save_catalog(const std::string& org, const std::string& json) override;

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
    transaction t(db_);
    if (version < 1) db_.exec(schema_v1);
    if (version < 2) db_.exec(schema_v2);
    db_.exec("PRAGMA user_version=2");
    t.commit();
}

std::vector<customer_row> sqlite_store::customers_by_id(const std::string& org, const std::string& id) {
    auto s = db_.prepare("SELECT id, org, external_id, email, name, metadata, created_at, updated_at "
                         "FROM customers WHERE org = ?1 AND id = ?2");
    s.bind(1, org).bind(2, id);
    return read_customers(s);
}

std::vector<customer_row> sqlite_store::customers_by_external_id(const std::string& org, const std::string& external_id) {
    auto s = db_.prepare("SELECT id, org, external_id, email, name, metadata, created_at, updated_at "
                         "FROM customers WHERE org = ?1 AND external_id = ?2 ORDER BY created_at LIMIT 2");
    s.bind(1, org).bind(2, external_id);
    return read_customers(s);
}

std::vector<customer_row> sqlite_store::customers_by_email(const std::string& org, const std::string& email) {
    auto s = db_.prepare("SELECT id, org, external_id, email, name, metadata, created_at, updated_at "
                         "FROM customers WHERE org = ?1 AND email = ?2 ORDER BY created_at LIMIT 2");
    s.bind(1, org).bind(2, email);
    return read_customers(s);
}

void sqlite_store::insert_customer(const customer_row& c) {
    auto s = db_.prepare("INSERT INTO customers (id, org, external_id, email, name, metadata, created_at, updated_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s.bind(1, c.id).bind(2, c.org).bind(3, c.external_id).bind(4, c.email).bind(5, c.name).bind(6, c.metadata);
    s.bind(7, c.created_at).bind(8, c.updated_at).run();
}

void sqlite_store::update_customer(const customer_row& c) {
    auto s = db_.prepare("UPDATE customers SET name = ?2, metadata = ?3, updated_at = ?4 WHERE id = ?1");
    s.bind(1, c.id).bind(2, c.name).bind(3, c.metadata).bind(4, c.updated_at).run();
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

std::unique_ptr<store> open_sqlite_store(const std::string& path) { return std::make_unique<sqlite_store>(path); }

} // namespace owo::local
