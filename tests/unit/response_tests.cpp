// Every response shape of docs/protocol.md, success and failure, mapped to a result or a typed error.
#include "response.hpp"

#include <owostack/types.hpp>

#include <boost/json/value_to.hpp>

#include <boost/test/unit_test.hpp>

using owo::error;
using owo::detail::interpret_response;

BOOST_AUTO_TEST_SUITE(response_interpretation)

BOOST_AUTO_TEST_CASE(success_body_is_returned) {
    auto r = interpret_response(200, R"({"success":true,"id":"c1","email":"jane@acme.com"})");
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.body.at("id").as_string() == "c1");
}

BOOST_AUTO_TEST_CASE(check_body_without_success_field_is_success) {
    auto r = interpret_response(200, R"({"allowed":false,"code":"limit_exceeded","usage":3,"limit":3})");
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.body.at("allowed").as_bool() == false);
}

BOOST_AUTO_TEST_CASE(missing_and_invalid_api_key) {
    auto r = interpret_response(401, R"({"success":false,"error":"Missing API Key"})");
    BOOST_TEST((r.ec == error::unauthorized));
    BOOST_TEST(r.diag.message == "Missing API Key");
    BOOST_TEST(r.diag.http_status == 401);
    BOOST_TEST(r.diag.code == "unauthorized");
    r = interpret_response(401, R"({"success":false,"error":"Invalid API Key"})");
    BOOST_TEST((r.ec == error::unauthorized));
    BOOST_TEST(r.diag.message == "Invalid API Key");
}

BOOST_AUTO_TEST_CASE(string_errors_map_to_specific_codes) {
    struct row { int status; const char* body; error expected; };
    const row rows[] = {
        {404, R"({"success":false,"error":"Customer not found"})", error::customer_not_found},
        {404, R"({"success":false,"error":"Feature not found"})", error::feature_not_found},
        {404, R"({"success":false,"error":"Entity not found"})", error::entity_not_found},
        {404, R"({"success":false,"error":"Plan 'gold' not found"})", error::plan_not_found},
        {409, R"({"success":false,"error":"Entity already exists"})", error::entity_exists},
        {400, R"({"success":false,"error":"Customer parameter required"})", error::invalid_request},
        {409, R"({"success":false,"error":"Multiple customers in organization 'acme' match email 'a@b.co'. Use the internal customer ID instead."})", error::conflict},
        {500, R"({"success":false,"error":"Failed to list entities"})", error::server_error},
        {500, R"({"success":false,"error":"Malformed JSON in request body"})", error::server_error},
        {429, R"({"success":false,"error":"Too many requests"})", error::rate_limited},
        {413, R"({"success":false,"error":"Payload too large"})", error::payload_too_large},
        {403, R"({"success":false,"error":"Forbidden"})", error::forbidden},
        {418, R"({"success":false,"error":"teapot"})", error::unexpected_status},
    };
    for (const auto& r : rows) {
        auto got = interpret_response(r.status, r.body);
        BOOST_TEST_CONTEXT(r.body) {
            BOOST_TEST((got.ec == r.expected));
            BOOST_TEST(!got.diag.message.empty());
            BOOST_TEST(got.diag.http_status == r.status);
        }
    }
    BOOST_TEST(interpret_response(500, R"({"success":false,"error":"Failed to list entities"})").diag.message ==
               "Failed to list entities");
}

BOOST_AUTO_TEST_CASE(validation_shape) {
    auto r = interpret_response(
        400, R"({"success":false,"error":{"name":"ZodError","message":"[{\"path\":[\"email\"],\"message\":\"Invalid email\"}]"}})");
    BOOST_TEST((r.ec == error::invalid_request));
    BOOST_TEST(r.diag.message.find("Invalid email") != std::string::npos);
    BOOST_TEST(r.diag.code == "invalid_request");
    BOOST_TEST(r.diag.body.contains("error"));
}

BOOST_AUTO_TEST_CASE(structured_shape) {
    auto r = interpret_response(400, R"({"success":false,"error":{"code":"ValidationError","message":"Invalid email: x"}})");
    BOOST_TEST((r.ec == error::invalid_request));
    BOOST_TEST(r.diag.code == "ValidationError");
    BOOST_TEST(r.diag.message == "Invalid email: x");
}

BOOST_AUTO_TEST_CASE(coded_limit_exceeded_keeps_details) {
    auto r = interpret_response(
        400, R"({"success":false,"error":"Limit exceeded: 3/3 seats used","code":"limit_exceeded","current":3,"limit":3,"feature":"seats"})");
    BOOST_TEST((r.ec == error::limit_exceeded));
    BOOST_TEST(r.diag.code == "limit_exceeded");
    BOOST_TEST(r.diag.message == "Limit exceeded: 3/3 seats used");
    BOOST_REQUIRE(r.diag.current && r.diag.limit && r.diag.feature);
    BOOST_TEST(*r.diag.current == 3);
    BOOST_TEST(*r.diag.limit == 3);
    BOOST_TEST(*r.diag.feature == "seats");
}

BOOST_AUTO_TEST_CASE(top_level_message_field) {
    auto r = interpret_response(502, R"({"message":"Bad gateway"})");
    BOOST_TEST((r.ec == error::server_error));
    BOOST_TEST(r.diag.message == "Bad gateway");
}

BOOST_AUTO_TEST_CASE(track_customer_not_found_404_with_code) {
    auto r = interpret_response(404, R"({"allowed":false,"code":"customer_not_found"})");
    BOOST_TEST((r.ec == error::customer_not_found));
}

BOOST_AUTO_TEST_CASE(plain_text_errors) {
    auto r = interpret_response(404, "404 Not Found");
    BOOST_TEST((r.ec == error::not_found));
    BOOST_TEST(r.diag.message == "404 Not Found");
    // Not the API's answer but a proxy's page: named for what it is, with an excerpt.
    r = interpret_response(502, "<html>bad gateway</html>");
    BOOST_TEST((r.ec == error::unexpected_status));
    BOOST_TEST(r.diag.code == "server_error");
    BOOST_TEST(r.diag.message == "<html>bad gateway</html>");
    BOOST_TEST(r.diag.body.empty());
}

BOOST_AUTO_TEST_CASE(success_status_with_bad_body_is_bad_response) {
    for (const char* body : {"", "not json", "[1,2]", "{\"success\":true", "null", "\"str\""}) {
        auto r = interpret_response(200, body);
        BOOST_TEST_CONTEXT(body) { BOOST_TEST((r.ec == error::bad_response)); }
    }
    auto r = interpret_response(200, R"({"success":false,"error":"odd"})");
    BOOST_TEST((r.ec == error::bad_response));
    BOOST_TEST(r.diag.message == "odd");
}

// Upstream's exact answers (docs/protocol.md, track and plans/{slug}).
BOOST_AUTO_TEST_CASE(hosted_track_refusal_at_the_limit_is_a_result) {
    auto r = interpret_response(200, R"({"success":false,"allowed":false,"code":"limit_exceeded","usage":1000,"limit":1000,"balance":0,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":null,"details":{"message":"Usage tracking denied — limit reached (0 remaining). Resets at 2026-05-31T23:59:59.999Z.","planName":"Free","pricing":{"usageModel":"included","ratingModel":"package","billingUnits":1}}})");
    BOOST_TEST(!r.ec);
    auto t = boost::json::value_to<owo::track_result>(boost::json::value(r.body));
    BOOST_TEST(!t.allowed);
    BOOST_TEST(t.code == "limit_exceeded");
    BOOST_TEST(t.balance.value_or(-1) == 0);
    BOOST_TEST(t.reset_interval.value_or("") == "monthly");
}

BOOST_AUTO_TEST_CASE(hosted_unknown_plan_slug_is_plan_not_found) {
    auto r = interpret_response(404, R"({"success":false,"error":"Plan not found"})");
    BOOST_TEST((r.ec == error::plan_not_found));
}

BOOST_AUTO_TEST_CASE(deeply_nested_body_is_refused_not_crashed) {
    std::string deep(10000, '[');
    auto r = interpret_response(200, deep);
    BOOST_TEST((r.ec == error::bad_response));
}

BOOST_AUTO_TEST_CASE(non_printable_excerpt) {
    std::string body("\x01\x02secret\xff", 9);
    auto r = interpret_response(500, body);
    for (unsigned char c : r.diag.message) BOOST_TEST((c >= 0x20 && c < 0x7f));
}

BOOST_AUTO_TEST_SUITE_END()
