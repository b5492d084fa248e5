// The store interface: owostack-local's persistent state (customers, subscriptions, entities,
// usage, idempotency records, each organisation's catalog), whatever database holds it.
// Callers hold the api's lock and run every mutation inside one transaction from begin(), so a
// request's writes land together or not at all. sqlite_store.cpp is today's implementation.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace owo::local {

struct customer_row {
    std::string id, org;
    std::optional<std::string> external_id;
    std::string email, name;
    std::optional<std::string> metadata;   // JSON object text
    std::int64_t created_at = 0, updated_at = 0;
    // Schema v2 (the customer lifecycle, protocol.md §4.14):
    std::optional<std::string> external_organization_id;
    std::int64_t version = 1;                 // 1 at creation, +1 on every write of the row
    std::optional<std::int64_t> deleted_at;   // soft-deleted when set: never resolves nor lists
    bool purged = false;                      // personal data erased (implies deleted_at)
};

/// One page of an organisation's customers in creation order (created_at, then id).
struct customer_page_query {
    std::string org;
    std::optional<std::pair<std::int64_t, std::string>> after;   // keyset: rows after (created_at, id)
    std::int64_t offset = 0;
    std::int64_t limit = 20;   // rows returned at most
    std::optional<std::string> email;   // lower-case
    std::optional<std::string> external_organization_id;
    std::optional<std::int64_t> created_after, created_before;   // exclusive bounds, epoch ms
    bool include_deleted = false;
    bool unresolved_only = false;   // only customers without an external id (never deleted ones)
};

struct subscription_row {
    // status: active | trialing | pending (a paid auto plan, unpaid) | pending_checkout |
    // scheduled (a downgrade waiting for period_start) | canceled
    std::string id, org, customer_id, plan_slug, status;
    std::optional<std::string> checkout_token;
    std::int64_t created_at = 0;
    std::int64_t period_start = 0, period_end = 0;   // the current billing period (trialing: the trial)
    std::optional<std::int64_t> cancel_at;           // ends then (a scheduled downgrade)
};

struct entity_row {
    std::string customer_id, feature, entity;
    std::optional<std::string> name, email, metadata;
    std::string status;   // active | pending_removal
    std::int64_t created_at = 0;
};

struct idempotency_row {
    std::string fingerprint;
    int status = 0;
    std::string content_type, body;
};

// ---- Billing (issue #19): credit balances, payment methods, invoices, sandbox payments ----

/// A saved payment method (routes/api/wallet.ts paymentMethods): on owostack-local a sandbox card.
struct payment_method_row {
    std::string id, org, customer_id, provider, type;   // type: card | provider_managed
    std::optional<std::string> card_last4, card_brand;
    std::optional<std::int64_t> card_exp_month, card_exp_year;
    bool is_default = false, is_valid = true;
    std::int64_t created_at = 0;
};

/// One line of an invoice; money in minor units of the invoice's currency.
struct invoice_item_row {
    std::string id, invoice_id;
    std::string feature;   // the feature's id (rows written before features had ids: its slug)
    std::string description;
    std::int64_t quantity = 0, unit_price = 0, amount = 0, period_start = 0, period_end = 0;
    std::optional<std::string> metadata;   // JSON object text: ratingModel, tierBreakdown, billingGroupKey, ...
    std::string feature_slug;              // not stored: generateInvoice's answer names it beside the id
};

struct invoice_row {
    std::string id, org, customer_id, number, status, currency;   // status: open | paid | void
    std::int64_t subtotal = 0, total = 0, amount_paid = 0, amount_due = 0;
    std::int64_t period_start = 0, period_end = 0, usage_window_end = 0, due_at = 0, created_at = 0, updated_at = 0;
    std::optional<std::int64_t> paid_at;
    std::vector<invoice_item_row> items;
};

/// A sandbox payment waiting for its page to be fetched: a credit pack purchase, a card setup or
/// an invoice payment; `payload` is the JSON object the completion needs.
struct payment_session_row {
    std::string token, org, customer_id, kind, payload, status;   // kind: addon | card_setup | invoice; status: open | completed
    std::int64_t created_at = 0;
};

// ---- customer events and webhooks (issue #18) ------------------------------------------------

/// One event of the organisation's log: `seq` is 1, 2, 3, … per organisation, in commit order.
struct event_row {
    std::string id, org;
    std::int64_t seq = 0;
    std::string type;
    std::optional<std::string> customer_id;
    std::int64_t created_at = 0;
    std::string data;   // JSON object text
};

/// A page of an organisation's events after `after_seq`, in sequence order.
struct event_page_query {
    std::string org;
    std::int64_t after_seq = 0;
    std::int64_t limit = 100;
    std::vector<std::string> types;          // empty: every type
    std::optional<std::string> customer_id;
};

/// Where an organisation's events are posted. `types` is ",a,b," or empty for every type.
/// During a rotation's overlap `previous_secret` signs too, until `previous_secret_expires_at`.
struct webhook_endpoint_row {
    std::string id, org, url, types, secret;
    std::optional<std::string> previous_secret;
    std::optional<std::int64_t> previous_secret_expires_at;
    std::int64_t created_at = 0;
    bool from_command_line = false;
};

/// One event owed to one endpoint (the outbox row), with what posting it needs.
struct webhook_delivery {
    std::string endpoint_id;
    event_row event;
    std::int64_t attempts = 0;
    std::int64_t next_attempt_at = 0;
};

/// What one delivery attempt came to.
struct webhook_attempt_outcome {
    std::string endpoint_id;
    std::int64_t seq = 0;   // the event's
    enum class state { delivered, retry, failed } status = state::delivered;
    std::int64_t attempts = 0;
    std::int64_t next_attempt_at = 0;
    std::string last_error;   // never a secret
};

/// A write transaction: rolls back when destroyed unless commit() ran.
class store_transaction {
public:
    virtual ~store_transaction() = default;
    virtual void commit() = 0;
};

class store {
public:
    virtual ~store() = default;

    /// Begins a write transaction that holds the write lock from the start, so it never fails
    /// half-way on a lock upgrade.
    virtual std::unique_ptr<store_transaction> begin() = 0;

    // The customers_by_* lookups see only live customers: a soft-deleted one never resolves.
    virtual std::vector<customer_row> customers_by_id(const std::string& org, const std::string& id) = 0;
    virtual std::vector<customer_row> customers_by_external_id(const std::string& org, const std::string& external_id) = 0;
    virtual std::vector<customer_row> customers_by_email(const std::string& org, const std::string& email) = 0;
    virtual void insert_customer(const customer_row& c) = 0;
    /// Writes every mutable column of `c` (the caller sets version and updated_at).
    virtual void update_customer(const customer_row& c) = 0;
    /// The customer with internal id `id`, deleted or not.
    virtual std::optional<customer_row> customer_including_deleted(const std::string& org, const std::string& id) = 0;
    /// The most recently deleted customer matching the given external id and/or email.
    virtual std::optional<customer_row> last_deleted_customer(const std::string& org,
                                                              const std::optional<std::string>& external_id,
                                                              const std::optional<std::string>& email) = 0;
    /// Keyset (or offset) page over the index on (org, created_at, id).
    virtual std::vector<customer_row> list_customers(const customer_page_query& q) = 0;

    virtual std::vector<subscription_row> subscriptions(const std::string& customer_id, const char* status) = 0;
    virtual std::optional<subscription_row> subscription_by_token(const std::string& token) = 0;
    virtual void insert_subscription(const subscription_row& s) = 0;
    virtual void set_subscription_status(const std::string& id, const std::string& status) = 0;
    /// Writes plan, status, period and cancel_at.
    virtual void update_subscription(const subscription_row& s) = 0;

    virtual std::optional<entity_row> find_entity(const std::string& customer_id, const std::string& feature,
                                                  const std::string& entity) = 0;
    virtual std::int64_t count_entities(const std::string& customer_id, const std::string& feature) = 0;
    virtual void insert_entity(const entity_row& e) = 0;
    virtual void update_entity(const entity_row& e) = 0;
    virtual std::vector<entity_row> list_entities(const std::string& customer_id,
                                                  const std::optional<std::string>& feature) = 0;
    /// Removes every entity of the customer (a deleted customer's seats are released).
    virtual void delete_entities(const std::string& customer_id) = 0;

    /// Usage of `feature` in the period starting `period_start`, counted for `entity` ("" = usage
    /// tracked without an entity, which is its own counter, as the hosted usage meter keys them).
    virtual double usage(const std::string& customer_id, const std::string& feature,
                         const std::string& entity, std::int64_t period_start) = 0;
    virtual void add_usage(const std::string& customer_id, const std::string& feature, const std::string& entity,
                           std::int64_t period_start, double amount) = 0;

    virtual std::optional<idempotency_row> find_idempotency(const std::string& org, const std::string& key) = 0;
    virtual void insert_idempotency(const std::string& org, const std::string& key, const idempotency_row& r,
                                    std::int64_t now) = 0;
    /// Forgets the organisation's recorded answers that contain `text` (a purged customer's id).
    virtual void erase_idempotency_mentioning(const std::string& org, const std::string& text) = 0;

    virtual std::optional<std::string> catalog(const std::string& org) = 0;
    virtual void save_catalog(const std::string& org, const std::string& json) = 0;

    // ---- Billing (issue #19) ----
    /// Purchased (add-on) credits of a customer in one credit system.
    virtual double credit_balance(const std::string& customer_id, const std::string& credit_system) = 0;
    /// Adds `delta` (negative deducts) to that balance, creating it at 0 first.
    virtual void add_credits(const std::string& customer_id, const std::string& credit_system, double delta) = 0;
    /// Usage of `feature` in the period starting `period_start`, every entity's together.
    virtual double period_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start) = 0;
    /// How much of that usage is already on an invoice.
    virtual std::int64_t billed_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start) = 0;
    virtual void set_billed_usage(const std::string& customer_id, const std::string& feature, std::int64_t period_start,
                                  std::int64_t quantity) = 0;
    virtual std::vector<payment_method_row> payment_methods(const std::string& org, const std::string& customer_id) = 0;
    virtual void insert_payment_method(const payment_method_row& m) = 0;
    /// Makes every other method of the customer not the default.
    virtual void clear_default_payment_method(const std::string& customer_id) = 0;
    /// False when the customer has no such method.
    virtual bool delete_payment_method(const std::string& org, const std::string& customer_id, const std::string& id) = 0;
    virtual std::int64_t count_invoices(const std::string& org) = 0;
    /// Inserts the invoice and its items.
    virtual void insert_invoice(const invoice_row& i) = 0;
    /// The invoice with its items.
    virtual std::optional<invoice_row> invoice(const std::string& org, const std::string& id) = 0;
    /// The customer's invoices with their items, newest first (created_at, id), after the keyset
    /// bound when given, at most `limit`.
    virtual std::vector<invoice_row> invoices(const std::string& org, const std::string& customer_id,
                                              const std::optional<std::pair<std::int64_t, std::string>>& before,
                                              std::int64_t limit) = 0;
    /// Writes status, amount_paid, amount_due, paid_at and updated_at.
    virtual void update_invoice_payment(const invoice_row& i) = 0;
    virtual void insert_payment_session(const payment_session_row& p) = 0;
    virtual std::optional<payment_session_row> payment_session(const std::string& token) = 0;
    virtual void set_payment_session_status(const std::string& token, const std::string& status) = 0;

    // ---- customer events and webhooks (issue #18) ----
    /// Appends `e` with the organisation's next sequence number (set in `e.seq`) and queues it
    /// in the outbox of every endpoint of the organisation whose types match.
    virtual void append_event(event_row& e) = 0;
    virtual std::vector<event_row> list_events(const event_page_query& q) = 0;
    /// Drops events created before `before_ms` that no endpoint still waits for (never an
    /// organisation's last: sequence numbers are never reused); returns how many.
    virtual std::int64_t prune_events(std::int64_t before_ms) = 0;
    virtual void insert_webhook_endpoint(const webhook_endpoint_row& w) = 0;
    /// Writes url, types, secrets (the id and org never change).
    virtual void update_webhook_endpoint(const webhook_endpoint_row& w) = 0;
    /// The organisation's endpoints, oldest first; `org` empty: every organisation's.
    virtual std::vector<webhook_endpoint_row> webhook_endpoints(const std::string& org) = 0;
    virtual std::optional<webhook_endpoint_row> webhook_endpoint(const std::string& org, const std::string& id) = 0;
    /// Deletes the endpoint and what its outbox still held.
    virtual void delete_webhook_endpoint(const std::string& org, const std::string& id) = 0;
    /// Up to `limit` of the endpoint's pending deliveries, in sequence order.
    virtual std::vector<webhook_delivery> pending_deliveries(const std::string& endpoint_id, std::int64_t limit) = 0;
    /// When the endpoint's first pending delivery is due (epoch ms); none when nothing is pending.
    virtual std::optional<std::int64_t> first_pending_due(const std::string& endpoint_id) = 0;
    /// Delivered: the outbox row goes; retry: its next attempt; failed: kept as failed.
    virtual void record_webhook_attempts(const std::vector<webhook_attempt_outcome>& outcomes, std::int64_t now) = 0;
    /// Pending deliveries of every endpoint (the queue depth).
    virtual std::int64_t pending_delivery_count() = 0;
    // Several instances on one store (PostgreSQL, issue #20): one instance at a time posts an
    // endpoint's outbox, so its order holds and no delivery is posted by two at once.
    /// Claims the endpoint's deliveries for `holder` for `lease_ms` of the store's clock (renewing
    /// the claim `holder` has); false while another holder's claim has not expired.
    virtual bool claim_webhook_endpoint(const std::string& endpoint_id, const std::string& holder, std::int64_t lease_ms) = 0;
    /// Ends `holder`'s claim (another instance may claim at once).
    virtual void release_webhook_endpoint(const std::string& endpoint_id, const std::string& holder) = 0;

    // ---- organisation ids (issue #26) ----
    /// Whether any row names organisation `org`.
    virtual bool organisation_exists(const std::string& org) = 0;
    /// Moves every row of organisation `from` to `to` (recorded answers naming it rewritten); the
    /// number of rows moved. store/organisation_ids.hpp has the statements.
    virtual std::int64_t move_organisation(const std::string& from, const std::string& to) = 0;
};

} // namespace owo::local
