// Authentication and routing: index.ts (mounting), the requireApiKey middlewares of
// routes/api/entitlements.ts and routes/api/customers.ts, routes/health.ts.
#include "expect.hpp"

#include <boost/test/unit_test.hpp>

using namespace conformance;

BOOST_AUTO_TEST_SUITE(routing)

// entitlements.ts requireApiKey: no header -> 401 "Missing API Key".
BOOST_AUTO_TEST_CASE(missing_key_is_401) {
    expect_answer(call({.method = "GET", .target = "/v1/plans", .key = ""}), 401, R"({"success":false,"error":"Missing API Key"})");
}

// entitlements.ts requireApiKey: verifyApiKey finds nothing -> 401 "Invalid API Key".
BOOST_AUTO_TEST_CASE(unknown_key_is_401) {
    expect_answer(call({.method = "GET", .target = "/v1/plans", .key = "sk_nope"}), 401, R"({"success":false,"error":"Invalid API Key"})");
}

// entitlements.ts requireApiKey: the key is authHeader.split(" ")[1]; what follows is ignored.
BOOST_AUTO_TEST_CASE(key_is_the_second_word_of_the_header) {
    BOOST_TEST(call({.method = "GET", .target = "/v1/plans", .key = "sk_test_a trailing words"}).status == 200);
}

// customers.ts app.use("*") runs before routing: an unknown /v1 path without a key is a 401.
BOOST_AUTO_TEST_CASE(unknown_path_without_key_is_401) {
    BOOST_TEST(call({.method = "GET", .target = "/v1/nowhere", .key = ""}).status == 401);
}

// Hono's notFound: an unknown path with a key is the plain-text 404.
BOOST_AUTO_TEST_CASE(unknown_path_is_plain_404) {
    auto r = get("/v1/nowhere");
    BOOST_TEST(r.status == 404);
    BOOST_TEST(r.body == "404 Not Found");
    BOOST_TEST(r.headers.at("content-type").starts_with("text/plain"));
}

// Hono has no 405: GET /v1/check finds no handler, so it is the 404 text.
BOOST_AUTO_TEST_CASE(wrong_method_is_plain_404) {
    for (auto r : {get("/v1/check"), post("/v1/plans", "{}"), call({.method = "DELETE", .target = "/v1/customers"})}) {
        BOOST_TEST(r.status == 404);
        BOOST_TEST(r.body == "404 Not Found");
        BOOST_TEST(!r.headers.contains("allow"));
    }
}

// routes/health.ts: GET / -> {"status":"healthy"}, no key.
BOOST_AUTO_TEST_CASE(root_health) {
    expect_answer(call({.method = "GET", .target = "/", .key = ""}), 200, R"({"status":"healthy"})");
}

// index.ts mounts the API at /api/v1 too.
BOOST_AUTO_TEST_CASE(api_v1_alias) {
    auto r = get("/api/v1/plans/free");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(body_of(r).at("plan").at("slug").as_string() == "free");
    BOOST_TEST(call({.method = "GET", .target = "/api/v1/plans", .key = ""}).status == 401);
}

// [extension] the sandbox checkout page keeps its 405.
BOOST_AUTO_TEST_CASE(checkout_page_wrong_method_is_405) {
    expect_answer(call({.method = "POST", .target = "/v1/checkout/x", .key = ""}), 405,
                  R"({"success":false,"error":"Method Not Allowed"})");
}

BOOST_AUTO_TEST_SUITE_END()
