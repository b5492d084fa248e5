// The store's schema: a version-1 database (as owostack-local wrote it before the customer
// lifecycle) upgrades in place to version 2 when the server starts on it; the list query pages
// by keyset over the (org, created_at, id) index; delete and purge at the row level.
#include "server_helpers.hpp"

#include <store/sqlite_store.hpp>

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <filesystem>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace owo::test;

namespace {

using rows = std::vector<std::vector<std::string>>;

/// Runs `sql` on the database file at `path`; every row's columns as text ("NULL" for null).
rows run_sql(const fs::path& path, const std::string& sql) {
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    rows out;
    char* err = nullptr;
    auto collect = [](void* to, int n, char** values, char**) {
        auto& r = static_cast<rows*>(to)->emplace_back();
        for (int i = 0; i < n; ++i) r.emplace_back(values[i] ? values[i] : "NULL");
        return 0;
    };
    int rc = sqlite3_exec(db, sql.c_str(), collect, &out, &err);
    std::string message = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << message);
    return out;
}

std::string scalar(const fs::path& path, const std::string& sql) { return run_sql(path, sql).at(0).at(0); }

struct temp_dir {
    fs::path path = fs::temp_directory_path() / unique("owostack-schema");
    temp_dir() { fs::create_directories(path); }
    ~temp_dir() { fs::remove_all(path); }
};

raw_response ask(const local_server& srv, raw_request r) { return owo::test::call(srv.port(), srv.ca_file(), r); }

} // namespace

BOOST_AUTO_TEST_SUITE(schema)

BOOST_AUTO_TEST_CASE(a_version_1_database_upgrades_in_place) {
    temp_dir dir;
    auto db = dir.path / "v1.db";
    run_sql(db, "PRAGMA journal_mode=WAL");
    run_sql(db, owo::local::sqlite_schema_v1);
    run_sql(db, "PRAGMA user_version=1;"
                "INSERT INTO customers VALUES ('legacy-1', 'org_a', 'legacy-ext', 'old@example.com', 'Old', '{\"a\":1}', 1000, 2000);"
                "INSERT INTO customers VALUES ('legacy-2', 'org_a', NULL, 'older@example.com', 'Older', NULL, 1000, 1000);"
                "INSERT INTO entities VALUES ('legacy-1', 'seats', 'e1', NULL, NULL, NULL, 'active', 1500);"
                "INSERT INTO usage VALUES ('legacy-1', 'api-calls', '', 0, 3);");
    BOOST_TEST(scalar(db, "PRAGMA user_version") == "1");

    local_server_options o;
    o.db = db.string();
    {
        local_server srv(o);
        auto c = ask(srv, {.target = "/v1/customers/legacy-1"});
        BOOST_TEST(c.status == 200);
        BOOST_TEST(c.body == R"({"success":true,"id":"legacy-1","email":"old@example.com","name":"Old","metadata":{"a":1},)"
                             R"("createdAt":1000,"updatedAt":2000,"externalId":"legacy-ext","externalOrganizationId":null,)"
                             R"("version":1,"deletedAt":null})");
        auto listed = body_of(ask(srv, {.target = "/v1/customers"}));
        BOOST_TEST(listed.at("customers").as_array().size() == 2u);
        BOOST_TEST(listed.at("customers").at(0).at("id").as_string() == "legacy-1");   // same createdAt: by id
        auto unresolved = body_of(ask(srv, {.target = "/v1/customers/unresolved"}));
        BOOST_TEST(unresolved.at("customers").at(0).at("id").as_string() == "legacy-2");
        auto updated = ask(srv, {.method = "PATCH", .target = "/v1/customers/legacy-1", .body = R"({"expectedVersion":1,"name":"New"})"});
        BOOST_TEST(body_of(updated).at("version").as_int64() == 2);
        auto entities = body_of(ask(srv, {.target = "/v1/entities?customer=legacy-ext"}));
        BOOST_TEST(entities.at("total").as_int64() == 1);
        BOOST_TEST(srv.stop() == 0);
    }
    BOOST_TEST(scalar(db, "PRAGMA user_version") == "4");   // v3: schema_billing (#19), v4: schema_events (#18)
    BOOST_TEST(scalar(db, "SELECT count(*) FROM events") == "1");   // the PATCH's customer.updated
    BOOST_TEST(scalar(db, "SELECT name || ',' || version || ',' || purged || ',' || ifnull(deleted_at, 'live') "
                          "FROM customers WHERE id = 'legacy-1'") == "New,2,0,live");

    // The list statement reads the (org, created_at, id) index as a range, in order: no scan of
    // the table, no sort.
    std::string plan;
    for (const auto& r : run_sql(db, std::string("EXPLAIN QUERY PLAN ") + owo::local::sqlite_list_customers_sql)) plan += r.back() + "\n";
    BOOST_TEST_MESSAGE("list plan: " << plan);
    BOOST_TEST(plan.find("SEARCH customers USING INDEX customers_by_creation (org=? AND (created_at,id)>(?,?)") != std::string::npos);
    BOOST_TEST(plan.find("TEMP B-TREE") == std::string::npos);
    BOOST_TEST(plan.find("SCAN") == std::string::npos);

    // Started again on the current version: nothing to migrate, everything there.
    local_server again(o);
    BOOST_TEST(body_of(ask(again, {.target = "/v1/customers/legacy-1"})).at("version").as_int64() == 2);
    again.stop();
}

BOOST_AUTO_TEST_CASE(delete_releases_entities_and_purge_keeps_only_usage) {
    temp_dir dir;
    local_server_options o;
    o.db = (dir.path / "rows.db").string();
    local_server srv(o);
    auto email = unique("row.level") + "@example.com";
    auto created = ask(srv, {.method = "POST", .target = "/v1/customers",
                             .body = R"({"email":")" + email + R"(","name":"Private Name","metadata":{"secret":1}})",
                             .headers = {{"Idempotency-Key", "create-once"}}});
    auto id = id_of(body_of(created));
    BOOST_TEST(ask(srv, {.method = "POST", .target = "/v1/entities",
                         .body = R"({"customer":")" + id + R"(","feature":"seats","entity":"seat-1","email":"seat@example.com"})"})
                   .status == 200);
    BOOST_TEST(ask(srv, {.method = "POST", .target = "/v1/track", .body = R"({"customer":")" + id + R"(","feature":"api-calls","value":2})"})
                   .status == 200);
    auto db = fs::path(o.db);
    auto count = [&](const std::string& sql) { return std::stoi(scalar(db, sql)); };
    BOOST_TEST(count("SELECT count(*) FROM entities WHERE customer_id = '" + id + "'") == 1);

    // Soft delete: the entities go (no longer counted), the data stays.
    BOOST_TEST(ask(srv, {.method = "DELETE", .target = "/v1/customers/" + id}).status == 200);
    BOOST_TEST(count("SELECT count(*) FROM entities WHERE customer_id = '" + id + "'") == 0);
    BOOST_TEST(count("SELECT count(*) FROM customers WHERE email = '" + email + "'") == 1);

    // Purge: the personal data goes for good, recorded answers that held it too; usage stays.
    BOOST_TEST(count("SELECT count(*) FROM idempotency WHERE instr(body, '" + email + "') > 0") == 1);
    BOOST_TEST(ask(srv, {.method = "DELETE", .target = "/v1/customers/" + id + "?purge=true"}).status == 200);
    BOOST_TEST(count("SELECT count(*) FROM customers WHERE email = '" + email + "' OR name = 'Private Name' "
                     "OR metadata IS NOT NULL AND id = '" + id + "'") == 0);
    BOOST_TEST(count("SELECT count(*) FROM idempotency WHERE instr(body, '" + email + "') > 0") == 0);
    BOOST_TEST(count("SELECT count(*) FROM usage WHERE customer_id = '" + id + "' AND amount = 2") == 1);
    // The create's key, replayed, runs again: it makes a new customer rather than answer the old one.
    auto replay = ask(srv, {.method = "POST", .target = "/v1/customers",
                            .body = R"({"email":")" + email + R"(","name":"Private Name","metadata":{"secret":1}})",
                            .headers = {{"Idempotency-Key", "create-once"}}});
    BOOST_TEST(!replay.headers.contains("idempotent-replayed"));
    BOOST_TEST(id_of(body_of(replay)) != id);
    srv.stop();
}

// POST /v1/sync changes the catalog at run time and it is persisted: after a restart the synced
// credit system and pack are still there, and so is a balance bought with the pack; a refused
// sync changed nothing (issue #19).
BOOST_AUTO_TEST_CASE(a_synced_catalog_and_bought_credits_survive_a_restart) {
    temp_dir dir;
    local_server_options o;
    o.db = (dir.path / "sync.db").string();
    const std::string payload =
        R"({"features":[{"slug":"gen","type":"metered","name":"Generations"}],)"
        R"("creditSystems":[{"slug":"gen-credits","name":"Gen credits","features":[{"feature":"gen","creditCost":3}]}],)"
        R"("creditPacks":[{"slug":"gen-50","name":"50 credits","credits":50,"price":900,"currency":"EUR","creditSystem":"gen-credits"}],)"
        R"("plans":[]})";
    std::string email = unique("persist") + "@example.com";
    {
        local_server srv(o);
        auto synced = body_of(ask(srv, {.method = "POST", .target = "/v1/sync", .body = payload}));
        BOOST_TEST(json::serialize(synced.at("creditPacks").at("created")) == R"(["gen-50"])");
        auto refused = ask(srv, {.method = "POST", .target = "/v1/sync",
                                 .body = R"({"features":[],"plans":[{"slug":"p","name":"P","price":-1,"currency":"EUR","interval":"monthly","features":[]}]})"});
        BOOST_TEST(refused.status == 400);
        auto bought = body_of(ask(srv, {.method = "POST", .target = "/v1/addon", .body = R"({"customer":")" + email + R"(","pack":"gen-50","quantity":3})"}));
        std::string url(bought.at("checkoutUrl").as_string());
        BOOST_TEST(owo::test::call(srv.port(), srv.ca_file(), {.target = url.substr(url.find("/v1/checkout/")), .key = ""}).status == 200);
        BOOST_TEST(srv.stop() == 0);
    }
    auto db = fs::path(o.db);
    BOOST_TEST(scalar(db, "SELECT balance FROM credit_balances WHERE credit_system = 'gen-credits'") == "150.0");
    local_server again(o);
    auto packs = body_of(ask(again, {.target = "/v1/credit-packs"})).at("data").as_array();
    BOOST_REQUIRE_EQUAL(packs.size(), 1u);
    BOOST_TEST(packs.at(0).at("price").as_int64() == 900);
    BOOST_TEST(body_of(ask(again, {.target = "/v1/credit-systems"})).at("creditSystems").at(0).at("slug").as_string() == "gen-credits");
    BOOST_TEST(ask(again, {.target = "/v1/plans/p"}).status == 404);
    // The same payload again: everything unchanged.
    auto resynced = body_of(ask(again, {.method = "POST", .target = "/v1/sync", .body = payload}));
    BOOST_TEST(json::serialize(resynced.at("creditPacks").at("unchanged")) == R"(["gen-50"])");
    BOOST_TEST(json::serialize(resynced.at("creditSystems").at("unchanged")) == R"(["gen-credits"])");
    again.stop();
}

BOOST_AUTO_TEST_SUITE_END()
