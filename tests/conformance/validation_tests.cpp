// Request-body validation: the structured shape of check/track/attach (lib/validation.ts
// zodErrorToResponse, called by the hooks in routes/api/entitlements.ts and the attach handler
// of routes/api/checkout.ts) and the raw ZodError of customers/entities (hono's default hook),
// zod 4 texts; plus the local hardening documented in docs/protocol.md §6.
#include "expect.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace conformance;

namespace {
const std::string missing_string = "Invalid input: expected string, received undefined";
}

BOOST_AUTO_TEST_SUITE(validation)

// entitlements.ts checkSchema: customer is z.string(); the first field wins.
BOOST_AUTO_TEST_CASE(check_missing_customer) {
    expect_structured_400(post("/v1/check", R"({"feature":"sso","value":-1})"), "Invalid customer: " + missing_string);
}

// entitlements.ts checkSchema: value is z.number().min(0).
BOOST_AUTO_TEST_CASE(check_negative_value) {
    expect_structured_400(post("/v1/check", R"({"customer":"c","feature":"api-calls","value":-1})"),
                          "Invalid value: Too small: expected number to be >=0");
}

// entitlements.ts checkSchema: value must be a number.
BOOST_AUTO_TEST_CASE(check_value_wrong_type) {
    expect_structured_400(post("/v1/check", R"({"customer":"c","feature":"api-calls","value":"2"})"),
                          "Invalid value: Invalid input: expected number, received string");
}

// entitlements.ts trackSchema: value >= 0; a negative track never lowers usage.
BOOST_AUTO_TEST_CASE(track_negative_value_is_400_and_changes_nothing) {
    auto id = unique("neg");
    make_customer(id);
    BOOST_TEST(post("/v1/track", R"({"customer":")" + id + R"(","feature":"api-calls","value":2})").status == 200);
    expect_structured_400(post("/v1/track", R"({"customer":")" + id + R"(","feature":"api-calls","value":-5})"),
                          "Invalid value: Too small: expected number to be >=0");
    auto c = body_of(post("/v1/check", R"({"customer":")" + id + R"(","feature":"api-calls"})"));
    BOOST_TEST(c.at("usage").to_number<double>() == 2);
}

// zodErrorToResponse: a body that is not an object is a form error ("input").
BOOST_AUTO_TEST_CASE(track_body_not_an_object) {
    expect_structured_400(post("/v1/track", "[1]"), "Invalid input: Invalid input: expected object, received array");
}

// customerDataSchema (openapi/common.ts): a nested problem is reported against customerData.
BOOST_AUTO_TEST_CASE(check_customer_data_bad_email) {
    expect_structured_400(post("/v1/check", R"({"customer":"c","feature":"sso","customerData":{"email":"a@b.c"}})"),
                          "Invalid customerData: Invalid email address");
}

// [local] strictness: an unknown key is refused, reported as a form error by the same hook.
BOOST_AUTO_TEST_CASE(check_unknown_key) {
    expect_structured_400(post("/v1/check", R"({"customer":"c","feature":"sso","sendEvnt":true})"),
                          R"(Invalid input: Unrecognized key: "sendEvnt")");
}

// entitlements.ts ensureJsonContentType: a JSON body sent as text/plain is parsed anyway.
BOOST_AUTO_TEST_CASE(check_reads_json_whatever_the_content_type) {
    auto r = call({.method = "POST", .target = "/v1/check", .body = R"({"customer":"nobody-ct","feature":"sso"})",
                   .headers = {{"Content-Type", "text/plain"}}});
    BOOST_TEST(r.status == 200);
    BOOST_TEST(body_of(r).at("code").as_string() == "customer_not_found");
}

// customers.ts has no such middleware: a text/plain body is not read, so email is missing.
BOOST_AUTO_TEST_CASE(customers_ignore_a_non_json_content_type) {
    expect_zod_400(call({.method = "POST", .target = "/v1/customers", .body = R"({"email":"a@x.io"})",
                         .headers = {{"Content-Type", "text/plain"}}}),
                   R"([{"expected":"string","code":"invalid_type","path":["email"],"message":")" + missing_string + R"("}])");
}

// checkout.ts attachSchema: currency is z.string().min(3).
BOOST_AUTO_TEST_CASE(attach_short_currency) {
    expect_structured_400(post("/v1/attach", R"({"customer":"c","product":"free","currency":"US"})"),
                          "Invalid currency: Too small: expected string to have >=3 characters");
}

// checkout.ts attachSchema: channels is z.array(z.string()).
BOOST_AUTO_TEST_CASE(attach_channels_not_an_array) {
    expect_structured_400(post("/v1/attach", R"({"customer":"c","product":"free","channels":"card"})"),
                          "Invalid channels: Invalid input: expected array, received string");
}

// checkout.ts attachSchema: callbackUrl is z.string().url().
BOOST_AUTO_TEST_CASE(attach_bad_callback_url) {
    expect_structured_400(post("/v1/attach", R"({"customer":"c","product":"free","callbackUrl":"not a url"})"),
                          "Invalid callbackUrl: Invalid URL");
}

// checkout.ts attachSchema: metadata is a record.
BOOST_AUTO_TEST_CASE(attach_metadata_not_a_record) {
    expect_structured_400(post("/v1/attach", R"({"customer":"c","product":"free","metadata":[1]})"),
                          "Invalid metadata: Invalid input: expected record, received array");
}

// customers.ts customerSchema: email is required; the raw ZodError, pretty-printed.
BOOST_AUTO_TEST_CASE(customers_missing_email) {
    auto r = post("/v1/customers", "{}");
    expect_zod_400(r, R"([{"expected":"string","code":"invalid_type","path":["email"],"message":")" + missing_string + R"("}])");
    BOOST_TEST(r.body.find(R"(\n    \"expected\": \"string\",\n)") != std::string::npos);
}

// customers.ts customerSchema: z.string().email() is zod 4's rule (a@b.c fails).
BOOST_AUTO_TEST_CASE(customers_email_rule_is_zods) {
    expect_zod_400(
        post("/v1/customers", R"({"email":"a@b.c"})"),
        R"([{"origin":"string","code":"invalid_format","format":"email","pattern":"/^(?!\\.)(?!.*\\.\\.)([A-Za-z0-9_'+\\-\\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$/","path":["email"],"message":"Invalid email address"}])");
    for (const char* bad : {"a.@x.io", "a!b@x.com", ".a@x.io", "a..b@x.io"})
        BOOST_TEST(post("/v1/customers", std::string(R"({"email":")") + bad + "\"}").status == 400, bad);
    BOOST_TEST(post("/v1/customers", R"({"email":"A@B.CO"})").status == 200);
}

// customers.ts customerSchema: every failing field, in schema order.
BOOST_AUTO_TEST_CASE(customers_every_issue_in_schema_order) {
    expect_zod_400(
        post("/v1/customers", R"({"id":5,"email":"x@y.io","name":null,"metadata":"m"})"),
        R"([{"expected":"string","code":"invalid_type","path":["id"],"message":"Invalid input: expected string, received number"},)"
        R"({"expected":"string","code":"invalid_type","path":["name"],"message":"Invalid input: expected string, received null"},)"
        R"({"expected":"record","code":"invalid_type","path":["metadata"],"message":"Invalid input: expected record, received string"}])");
}

// customers.ts addEntitySchema: customer, feature and entity are required strings.
BOOST_AUTO_TEST_CASE(entities_missing_fields) {
    expect_zod_400(post("/v1/entities", R"({"email":"nope"})"),
                   R"([{"expected":"string","code":"invalid_type","path":["customer"],"message":")" + missing_string + R"("},)"
                   R"({"expected":"string","code":"invalid_type","path":["feature"],"message":")" + missing_string + R"("},)"
                   R"({"expected":"string","code":"invalid_type","path":["entity"],"message":")" + missing_string + R"("},)"
                   R"({"origin":"string","code":"invalid_format","format":"email","pattern":"/^(?!\\.)(?!.*\\.\\.)([A-Za-z0-9_'+\\-\\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$/","path":["email"],"message":"Invalid email address"}])");
}

// [local] hardening: identifiers with control characters or over 255 bytes are refused, and
// nothing is stored.
BOOST_AUTO_TEST_CASE(identifiers_are_hardened) {
    auto id = unique("ctl");
    auto r = post("/v1/customers", R"({"id":")" + id + R"(\n","email":")" + id + R"(@x.io"})");
    expect_zod_400(r, R"([{"origin":"string","code":"invalid_format","format":"regex","pattern":"/^[^\\x00-\\x1f\\x7f]*$/","path":["id"],"message":"Invalid string: must match pattern /^[^\\x00-\\x1f\\x7f]*$/"}])");
    // Nothing was stored: the email does not resolve to a customer.
    BOOST_TEST(body_of(post("/v1/check", R"({"customer":")" + id + R"(","feature":"sso"})")).at("code").as_string() ==
               "customer_not_found");
    std::string long_key(256, 'k');
    expect_structured_400(post("/v1/check", R"({"customer":"c","feature":")" + long_key + "\"}"),
                          "Invalid feature: Too big: expected string to have <=255 characters");
    BOOST_TEST(post("/v1/entities", R"({"customer":"c","feature":"seats","entity":")" + long_key + "\"}").status == 400);
}

// [local] hardening: numbers beyond 1e15 in magnitude are refused.
BOOST_AUTO_TEST_CASE(absurd_numbers_are_refused) {
    expect_structured_400(post("/v1/track", R"({"customer":"c","feature":"api-calls","value":1e16})"),
                          "Invalid value: Too big: expected number to be <=1000000000000000");
    BOOST_TEST(post("/v1/check", R"({"customer":"c","feature":"api-calls","value":1e999})").status == 400);
}

BOOST_AUTO_TEST_SUITE_END()
