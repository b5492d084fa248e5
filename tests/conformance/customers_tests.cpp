// POST /v1/customers and GET /v1/customers/{id}: routes/api/customers.ts, the
// createCustomerRoute and getCustomerRoute handlers, with lib/customers.ts resolveOrCreateCustomer.
#include "expect.hpp"

#include "store/postgres_store.hpp"
#include "store/sqlite_store.hpp"

#include <support/local_server.hpp>
#include <support/postgres.hpp>

#include <boost/test/unit_test.hpp>

#include <filesystem>

using namespace conformance;

BOOST_AUTO_TEST_SUITE(customers)

// createCustomerRoute handler: a new customer, name from the email's local part.
BOOST_AUTO_TEST_CASE(create) {
    auto id = unique("c");
    expect_answer(post("/v1/customers", R"({"id":")" + id + R"(","email":"Jane@Acme.io"})"), 200,
                  R"({"success":true,"id":"<uuid>","email":"jane@acme.io","name":"jane","metadata":null,"createdAt":"<number>","updatedAt":"<number>"})");
}

// createCustomerRoute handler: `id || email`, so an empty id counts as absent.
BOOST_AUTO_TEST_CASE(empty_id_is_absent) {
    auto email = unique("e") + "@x.io";
    auto first = body_of(post("/v1/customers", R"({"id":"","email":")" + email + "\"}"));
    auto again = body_of(post("/v1/customers", R"({"email":")" + email + "\"}"));
    BOOST_TEST(first.at("id") == again.at("id"));
}

// resolveOrCreateCustomer: externalId = customerId.includes("@") ? null : customerId.
BOOST_AUTO_TEST_CASE(id_with_at_is_not_an_external_id) {
    auto id = unique("x") + "@y.io";
    auto other = unique("o") + "@y.io";
    auto first = body_of(post("/v1/customers", R"({"id":")" + id + R"(","email":")" + other + "\"}"));
    // The id resolves by email (no customer has it), so a second customer is created.
    auto second = body_of(post("/v1/customers", R"({"id":")" + id + R"(","email":")" + other + "\"}"));
    BOOST_TEST(first.at("id") != second.at("id"));
}

// getCustomerRoute handler: internal id only.
BOOST_AUTO_TEST_CASE(get_by_internal_id_only) {
    auto id = unique("c");
    auto internal = make_customer(id);
    BOOST_TEST(get("/v1/customers/" + internal).status == 200);
    expect_answer(get("/v1/customers/" + id), 404, R"({"success":false,"error":"Customer not found"})");
}

// lib/customer-resolution.ts resolveCustomer: an external id that matches two customers is a
// conflict labelled CUSTOMER_FIELD_LABELS.externalId = "external ID" (G35); the customers route
// answers it as a 409 string error. The API never creates two customers with one external id, so
// the database is seeded through the store before an owostack-local of its own opens it.
BOOST_AUTO_TEST_CASE(ambiguous_external_id_is_409) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / unique("owostack-conformance-g35");
    fs::create_directories(dir);
    owo::test::local_server_options where{.db = (dir / "local.db").string(), .catalog = CONFORMANCE_CATALOG};
    auto seed = [](owo::local::store& store) {
        for (const char* id : {"11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"})
            store.insert_customer(owo::local::customer_row{.id = id, .org = "org_a", .external_id = "shared-ext",
                                                           .email = std::string(id, 8) + "@x.io", .name = "n",
                                                           .created_at = 1, .updated_at = 1});
    };
    if (auto cluster = owo::test::test_postgres_url()) {   // under postgres_test.sh: the same rows in PostgreSQL
        where.store = owo::test::fresh_postgres_database(*cluster);
        owo::local::pg_connection db(where.store, {});
        owo::local::migrate_postgres(db);
        owo::local::postgres_store store(db, owo::local::pg_access::write);
        seed(store);
    } else {
        auto store = owo::local::open_sqlite_store(where.db);
        auto t = store->begin();
        seed(*store);
        t->commit();
    }
    {
        owo::test::local_server srv(where);
        auto r = owo::test::call(srv.port(), srv.ca_file(),
                                 {.method = "POST", .target = "/v1/customers", .body = R"({"id":"shared-ext","email":"s@x.io"})"});
        expect_answer(r, 409,
                      R"({"success":false,"error":"Multiple customers in organization 'org_a' match external ID 'shared-ext'. Use the internal customer ID instead."})");
    }
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
