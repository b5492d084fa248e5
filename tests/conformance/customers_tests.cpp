// POST /v1/customers and GET /v1/customers/{id}: routes/api/customers.ts, the
// createCustomerRoute and getCustomerRoute handlers, with lib/customers.ts resolveOrCreateCustomer.
#include "expect.hpp"

#include <boost/test/unit_test.hpp>

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

BOOST_AUTO_TEST_SUITE_END()
