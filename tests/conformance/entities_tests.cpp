// POST /v1/entities, POST /v1/entities/remove, GET /v1/entities: routes/api/customers.ts, the
// addEntityRoute, removeEntityRoute and listEntitiesRoute handlers.
#include "expect.hpp"

#include <boost/test/unit_test.hpp>

using namespace conformance;

namespace {
raw_response add(const std::string& customer, const std::string& feature, const std::string& entity) {
    return post("/v1/entities", R"({"customer":")" + customer + R"(","feature":")" + feature + R"(","entity":")" + entity + "\"}");
}
} // namespace

BOOST_AUTO_TEST_SUITE(entities)

// addEntityRoute handler: the limit from the plan, remaining = limit - count.
BOOST_AUTO_TEST_CASE(add_entity) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(add(id, "seats", "s1"), 200,
                  R"({"success":true,"entityId":"s1","featureId":"seats","count":1,"limit":2,"remaining":1})");
}

// addEntityRoute handler: count >= limit -> the coded 400.
BOOST_AUTO_TEST_CASE(limit_exceeded) {
    auto id = unique("c");
    make_customer(id);
    add(id, "seats", "s1");
    add(id, "seats", "s2");
    expect_answer(add(id, "seats", "s3"), 400,
                  R"({"success":false,"error":"Limit exceeded: 2/2 seats used","code":"limit_exceeded","current":2,"limit":2,"feature":"seats"})");
}

// addEntityRoute handler: no feature-type check; an entity on a consumable feature is fine.
BOOST_AUTO_TEST_CASE(any_feature_type) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(add(id, "api-calls", "e1"), 200,
                  R"({"success":true,"entityId":"e1","featureId":"api-calls","count":1,"limit":5,"remaining":4})");
}

// resolveOrCreateCustomer({customerId}) without auto plans: a new email customer has no plan,
// so the limit is null.
BOOST_AUTO_TEST_CASE(email_customer_created_without_plans) {
    auto email = unique("ent") + "@x.io";
    expect_answer(add(email, "seats", "s1"), 200,
                  R"({"success":true,"entityId":"s1","featureId":"seats","count":1,"limit":null,"remaining":null})");
}

// addEntityRoute handler: existence errors and the duplicate.
BOOST_AUTO_TEST_CASE(not_found_and_exists) {
    expect_answer(add("nobody-e", "seats", "s1"), 404, R"({"success":false,"error":"Customer not found"})");
    auto id = unique("c");
    make_customer(id);
    expect_answer(add(id, "nope", "s1"), 404, R"({"success":false,"error":"Feature not found"})");
    add(id, "seats", "s1");
    expect_answer(add(id, "seats", "s1"), 409, R"({"success":false,"error":"Entity already exists"})");
}

// removeEntityRoute handler: pending_removal still counts; removing again is 404.
BOOST_AUTO_TEST_CASE(remove_entity) {
    auto id = unique("c");
    make_customer(id);
    add(id, "seats", "s1");
    auto body = R"({"customer":")" + id + R"(","feature":"seats","entity":"s1"})";
    expect_answer(post("/v1/entities/remove", body), 200, R"({"success":true,"entityId":"s1","count":1})");
    expect_answer(post("/v1/entities/remove", body), 404, R"({"success":false,"error":"Entity not found"})");
    // Restored without a limit check.
    expect_answer(add(id, "seats", "s1"), 200,
                  R"({"success":true,"entityId":"s1","featureId":"seats","count":1,"limit":2,"remaining":1,"restored":true})");
}

// listEntitiesRoute handler: the shape the route is written to return ([local] §6).
BOOST_AUTO_TEST_CASE(list_entities) {
    auto id = unique("c");
    make_customer(id);
    add(id, "seats", "s1");
    expect_answer(get("/v1/entities?customer=" + id), 200,
                  R"({"success":true,"entities":[{"id":"s1","featureId":"seats","name":null,"email":null,"metadata":null,"status":"active","createdAt":"<iso>"}],"total":1})");
    expect_answer(get("/v1/entities"), 400, R"({"success":false,"error":"Customer parameter required"})");
}

// listEntitiesRoute query schema {customer, feature: z.string().optional()}: hono's query
// validator hands zod an array for a repeated parameter (G28); the default hook answers the raw
// ZodError, every issue in schema order, before the handler runs.
BOOST_AUTO_TEST_CASE(repeated_query_parameter) {
    auto id = unique("c");
    make_customer(id);
    expect_zod_400(get("/v1/entities?feature=seats&customer=" + id + "&feature=seats&customer=" + id),
                   R"([{"expected":"string","code":"invalid_type","path":["customer"],"message":"Invalid input: expected string, received array"},)"
                   R"({"expected":"string","code":"invalid_type","path":["feature"],"message":"Invalid input: expected string, received array"}])");
    expect_answer(get("/v1/entities?customer=" + id + "&feature="), 200, R"({"success":true,"entities":[],"total":0})");
}

BOOST_AUTO_TEST_SUITE_END()
