// owostack-local's persistent state in SQLite: customers, subscriptions, entities, usage,
// idempotency records and each organisation's catalog. Callers hold the store's lock and run
// every mutation inside one `transaction`, so a request's writes land together or not at all.
#pragma once

#include "store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace owo::local {

struct customer_row {
    std::string id, org;
    std::optional<std::string> external_id;
    std::string email, name;
    std::optional<std::string> metadata;   // JSON object text
    std::int64_t created_at = 0, updated_at = 0;
};

struct subscription_row {
    std::string id, org, customer_id, plan_slug, status;   // status: active | pending_checkout | canceled
    std::optional<std::string> checkout_token;
    std::int64_t created_at = 0;
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

class store {
public:
    static constexpr int schema_version = 1;

    /// Opens `path` (":memory:" allowed) in WAL mode with synchronous=FULL, so a commit the
    /// client saw acknowledged survives a crash, and creates or upgrades the schema.
    explicit store(const std::string& path);

    database& db() { return db_; }

    std::vector<customer_row> customers_by_id(const std::string& org, const std::string& id);
    std::vector<customer_row> customers_by_external_id(const std::string& org, const std::string& external_id);
    std::vector<customer_row> customers_by_email(const std::string& org, const std::string& email);
    void insert_customer(const customer_row& c);
    void update_customer(const customer_row& c);

    std::vector<subscription_row> subscriptions(const std::string& customer_id, const char* status);
    std::optional<subscription_row> subscription_by_token(const std::string& token);
    void insert_subscription(const subscription_row& s);
    void set_subscription_status(const std::string& id, const std::string& status);

    std::optional<entity_row> find_entity(const std::string& customer_id, const std::string& feature,
                                          const std::string& entity);
    std::int64_t count_entities(const std::string& customer_id, const std::string& feature);
    void insert_entity(const entity_row& e);
    void update_entity(const entity_row& e);
    std::vector<entity_row> list_entities(const std::string& customer_id, const std::optional<std::string>& feature);

    double usage(const std::string& customer_id, const std::string& feature, const std::optional<std::string>& entity,
                 std::int64_t period_start);
    void add_usage(const std::string& customer_id, const std::string& feature, const std::string& entity,
                   std::int64_t period_start, double amount);

    std::optional<idempotency_row> find_idempotency(const std::string& org, const std::string& key);
    void insert_idempotency(const std::string& org, const std::string& key, const idempotency_row& r, std::int64_t now);

    std::optional<std::string> catalog(const std::string& org);
    void save_catalog(const std::string& org, const std::string& json);

private:
    void migrate();
    database db_;
};

} // namespace owo::local
