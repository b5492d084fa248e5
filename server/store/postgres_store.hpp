// The store on PostgreSQL: the store interface over one libpq connection, inside the
// transaction the postgres engine opened (postgres_engine.cpp), and the schema migrations.
#pragma once

#include "store/postgres.hpp"
#include "store/store.hpp"

#include <map>
#include <stdexcept>
#include <set>

namespace owo::local {

/// The schema version this build writes; migrate() brings a database up to it.
int postgres_schema_version();

/// Creates or upgrades the schema (schema_version table), in one transaction under an advisory
/// lock, so instances starting together on one database migrate it once. Throws when the
/// database was written by a newer build.
void migrate_postgres(pg_connection& db);

/// Every store method as SQL on `db`. It runs no BEGIN/COMMIT of its own: the engine owns the
/// transaction, so begin() must not be called.
///
/// In a write run (pg_access::write, READ COMMITTED) every way to a customer locks it before it
/// reads: a transaction-scoped advisory lock on the customer's id, and on the external id or email
/// it was looked up by (so two units creating the same customer queue too), taken before the
/// SELECT, so the rows read are the latest committed and stay so until COMMIT. Every write of a
/// customer's rows (entities, usage, subscriptions, the customer itself) follows such a lookup, so
/// the units writing one customer run one after another, as under SQLite's single writer;
/// different customers run in parallel. A checkout token locks its subscription the same way, and
/// a catalog is only saved over the version this unit read (else the unit re-runs).
/// docs/architecture.md, "The PostgreSQL store", says why locks rather than SERIALIZABLE.
/// How a unit uses the store: a read unit; a write unit's first, optimistic run as a read
/// (no locks; the first write throws needs_write and the engine runs it again as a write); a
/// write unit's run with locks.
enum class pg_access { read, read_first, write };

/// Thrown by a write method in a read_first run: the unit writes after all.
struct needs_write : std::runtime_error {
    needs_write() : std::runtime_error("the unit writes: run it again as a write") {}
};

class postgres_store final : public store {
public:
    postgres_store(pg_connection& db, pg_access access) : db_(db), access_(access) {}
    /// True once the unit wrote (the engine's write_history).
    bool wrote() const { return wrote_; }

    bool organisation_exists(const std::string& org) override;
    std::int64_t move_organisation(const std::string& from, const std::string& to) override;
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
    std::vector<entity_row> list_entities(const std::string& customer_id, const std::optional<std::string>& feature) override;
    void delete_entities(const std::string& customer_id) override;

    double usage(const std::string& customer_id, const std::string& feature, const std::string& entity,
                 std::int64_t period_start) override;
    void add_usage(const std::string& customer_id, const std::string& feature, const std::string& entity,
                   std::int64_t period_start, double amount) override;

    std::optional<idempotency_row> find_idempotency(const std::string& org, const std::string& key) override;
    void insert_idempotency(const std::string& org, const std::string& key, const idempotency_row& r,
                            std::int64_t now) override;
    void erase_idempotency_mentioning(const std::string& org, const std::string& text) override;

    std::optional<std::string> catalog(const std::string& org) override;
    void save_catalog(const std::string& org, const std::string& json) override;

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
    bool claim_webhook_endpoint(const std::string& endpoint_id, const std::string& holder, std::int64_t lease_ms) override;
    void release_webhook_endpoint(const std::string& endpoint_id, const std::string& holder) override;

private:
    /// Locks (kind, org, key) for the rest of the transaction; false when this unit held it already.
    bool lock(char kind, const std::string& org, const std::string& key);
    /// `sql` (customer rows) after locking (kind, org, key) (none for kind 0) and then each
    /// customer it returns, read again until every row returned was locked before the read.
    std::vector<customer_row> locked_customers(const char* sql, const pg_params& p, char kind, const std::string& org,
                                               const std::string& key);

    /// Before each write: a read_first run stops here.
    void writing() {
        if (access_ == pg_access::read_first) throw needs_write();
        wrote_ = true;
    }

    pg_connection& db_;
    pg_access access_;
    bool wrote_ = false;
    std::set<std::string> locked_;                          // lock names taken in this unit
    std::map<std::string, std::optional<std::string>> catalogs_read_;   // org -> the catalog text read
};

} // namespace owo::local
