// The hosted service's exact answers, one case per situation of docs/protocol.md (cited as §),
// through the SDK's whole decoding path: status and body -> interpret_response -> the
// operation's finish() -> its typed result or owo::error with diagnostics.
#include "operation.hpp"
#include "response.hpp"

#include <owostack/client.hpp>
#include <owostack/customer.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono;
using owo::error;
namespace op = owo::detail::op;

namespace {

const owo::client& owner() {
    static asio::io_context ioc;
    static owo::client c(ioc.get_executor(), [] {
        owo::config cfg;
        cfg.secret_key = "sk_test_bodies";
        cfg.api_url = "http://127.0.0.1:1/v1";
        return cfg;
    }());
    return c;
}

/// What a call of `Op` completes with when the server answers `status` and `body`.
template <class Op>
owo::detail::outcome<typename Op::result> answer(int status, std::string_view body, typename Op::params p = {}) {
    auto ir = owo::detail::interpret_response(status, body);
    owo::detail::call_result r{ir.ec, std::move(ir.diag), std::move(ir.body), false};
    return owo::detail::operation<Op>::finish(p, r, owner());
}

template <class Out>
const auto& ok(const Out& o) {
    BOOST_REQUIRE_MESSAGE(!o.ec, o.ec.message() << " [" << o.diag.code << "] " << o.diag.message);
    return o.value;
}

template <class Out>
void failed(const Out& o, error e, int status, std::string_view code, std::string_view message) {
    BOOST_TEST((o.ec == e), o.ec.message());
    BOOST_TEST(o.diag.http_status == status);
    BOOST_TEST(o.diag.code == code);
    BOOST_TEST(o.diag.message == message);
}

std::int64_t epoch_ms(owo::time_point t) { return duration_cast<milliseconds>(t.time_since_epoch()).count(); }
const std::int64_t may_31_end = 1780271999999;   // 2026-05-31T23:59:59.999Z

// The all-null entitlement body of refusals before a plan is found (§2.5, §4.7 steps 2-6).
std::string null_entitlement(std::string_view prefix, std::string_view code, std::string_view message) {
    return "{" + std::string(prefix) + R"("allowed":false,"code":")" + std::string(code) +
           R"(","usage":null,"limit":null,"balance":null,"resetsAt":null,"resetInterval":null,"credits":null,"details":{"message":")" +
           std::string(message) + R"("}})";
}

/// track's refusals with a non-2xx status (§4.8): the entitlement body plus success:false, read
/// as an error carrying the body's code and details.message.
void track_refused(int status, std::string_view code, std::string_view message, error expected) {
    failed(answer<op::track>(status, null_entitlement(R"("success":false,)", code, message)), expected, status, code, message);
}

const char* free_pricing = R"("pricing":{"usageModel":"included","ratingModel":"package","billingUnits":1})";

} // namespace

BOOST_AUTO_TEST_SUITE(upstream_bodies)

// ---- §2 common rules -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(s2_1_missing_and_invalid_api_key) {
    failed(answer<op::plans>(401, R"({"success":false,"error":"Missing API Key"})"), error::unauthorized, 401,
           "unauthorized", "Missing API Key");
    failed(answer<op::check>(401, R"({"success":false,"error":"Invalid API Key"})"), error::unauthorized, 401,
           "unauthorized", "Invalid API Key");
}

BOOST_AUTO_TEST_CASE(s2_3_malformed_json_is_the_hosted_500) {
    failed(answer<op::track>(500, R"({"success":false,"error":"Malformed JSON in request body"})"), error::server_error, 500,
           "server_error", "Malformed JSON in request body");
}

BOOST_AUTO_TEST_CASE(s2_4b_raw_zod_shape_is_summarised) {
    auto o = answer<op::customer>(
        400, R"({"success":false,"error":{"name":"ZodError","message":"[\n  {\n    \"expected\": \"string\",\n    \"code\": \"invalid_type\",\n    \"path\": [\n      \"email\"\n    ],\n    \"message\": \"Invalid input: expected string, received undefined\"\n  }\n]"}})");
    failed(o, error::invalid_request, 400, "invalid_request", "email: Invalid input: expected string, received undefined");
    BOOST_TEST(o.diag.body.at("error").at("name").as_string() == "ZodError");   // the body as sent
}

BOOST_AUTO_TEST_CASE(s2_4b_zod_shape_with_several_issues_and_nested_paths) {
    auto o = answer<op::add_entity>(
        400, R"({"success":false,"error":{"name":"ZodError","message":"[\n  {\n    \"origin\": \"string\",\n    \"code\": \"invalid_format\",\n    \"format\": \"email\",\n    \"pattern\": \"x\",\n    \"path\": [\n      \"email\"\n    ],\n    \"message\": \"Invalid email address\"\n  },\n  {\n    \"expected\": \"record\",\n    \"code\": \"invalid_type\",\n    \"path\": [\n      \"metadata\",\n      0\n    ],\n    \"message\": \"Invalid input: expected record, received array\"\n  }\n]"}})");
    failed(o, error::invalid_request, 400, "invalid_request",
           "email: Invalid email address; metadata.0: Invalid input: expected record, received array");
}

BOOST_AUTO_TEST_CASE(s2_4b_zod_shape_whose_message_is_not_an_issue_list_is_kept) {
    failed(answer<op::customer>(400, R"({"success":false,"error":{"name":"ZodError","message":"not json"}})"),
           error::invalid_request, 400, "invalid_request", "not json");
}

BOOST_AUTO_TEST_CASE(s2_4c_structured_validation_error) {
    failed(answer<op::check>(400, R"({"success":false,"error":{"code":"ValidationError","message":"Invalid value: Too small: expected number to be >=0"}})"),
           error::invalid_request, 400, "ValidationError", "Invalid value: Too small: expected number to be >=0");
    failed(answer<op::attach>(400, R"({"success":false,"error":{"code":"ValidationError","message":"Invalid input: Invalid input: expected object, received array"}})"),
           error::invalid_request, 400, "ValidationError", "Invalid input: Invalid input: expected object, received array");
}

BOOST_AUTO_TEST_CASE(s2_4_unexpected_failures) {
    failed(answer<op::customer>(500, R"({"success":false,"error":"Failed to create customer"})"), error::server_error, 500,
           "server_error", "Failed to create customer");
    failed(answer<op::plan>(500, R"({"success":false,"error":"Internal server error"})"), error::server_error, 500,
           "server_error", "Internal server error");
}

BOOST_AUTO_TEST_CASE(s2_9_unknown_route_is_plain_text_404) {
    failed(answer<op::plans>(404, "404 Not Found"), error::not_found, 404, "not_found", "404 Not Found");
}

// ---- §4.1 / §4.2 customers -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(s4_1_customer_created_or_resolved) {
    auto c = ok(answer<op::customer>(200, R"({"success":true,"id":"5f0e6c1e-8d8a-4d47-9d55-5d1c1c1f3a10","email":"jane@acme.com","name":"jane","metadata":{"tier":"gold"},"createdAt":1778753220000,"updatedAt":1778753220001})"));
    BOOST_TEST(c.valid());
    BOOST_TEST(c.id() == "5f0e6c1e-8d8a-4d47-9d55-5d1c1c1f3a10");
    BOOST_TEST(c.email() == "jane@acme.com");
    BOOST_TEST(c.metadata().at("tier").as_string() == "gold");
}

BOOST_AUTO_TEST_CASE(s4_1_customer_with_null_metadata_and_null_name) {
    auto c = ok(answer<op::customer>(200, R"({"success":true,"id":"u1","email":"a@x.io","name":null,"metadata":null,"createdAt":1,"updatedAt":2})"));
    BOOST_TEST(c.name().empty());
    BOOST_TEST(c.metadata().empty());
}

BOOST_AUTO_TEST_CASE(s4_1_customer_zod_400_and_conflict_409) {
    failed(answer<op::customer>(400, R"({"success":false,"error":{"name":"ZodError","message":"[\n  {\n    \"origin\": \"string\",\n    \"code\": \"invalid_format\",\n    \"format\": \"email\",\n    \"pattern\": \"p\",\n    \"path\": [\n      \"email\"\n    ],\n    \"message\": \"Invalid email address\"\n  }\n]"}})"),
           error::invalid_request, 400, "invalid_request", "email: Invalid email address");
    const char* text = "Multiple customers in organization 'org_1' match email 'a@x.io'. Use the internal customer ID instead.";
    failed(answer<op::customer>(409, std::string(R"({"success":false,"error":")") + text + "\"}"), error::conflict, 409,
           "conflict", text);
}

BOOST_AUTO_TEST_CASE(s4_2_get_customer_found_missing_and_failed) {
    auto c = ok(answer<op::get_customer>(200, R"({"success":true,"id":"u1","email":"a@x.io","name":"a","metadata":null,"createdAt":1778753220000,"updatedAt":1778753220000})", "u1"));
    BOOST_TEST(c.id() == "u1");
    failed(answer<op::get_customer>(404, R"({"success":false,"error":"Customer not found"})"), error::customer_not_found, 404,
           "not_found", "Customer not found");
    failed(answer<op::get_customer>(500, R"({"success":false,"error":"Failed to get customer"})"), error::server_error, 500,
           "server_error", "Failed to get customer");
}

// ---- §4.3 - §4.5 entities ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(s4_3_entity_added) {
    auto a = ok(answer<op::add_entity>(200, R"({"success":true,"entityId":"seat_1","featureId":"seats","count":1,"limit":3,"remaining":2})"));
    BOOST_TEST(a.entity_id == "seat_1");
    BOOST_TEST(a.feature_id == "seats");
    BOOST_TEST(a.count == 1);
    BOOST_TEST(a.limit.value_or(-1) == 3);
    BOOST_TEST(a.remaining.value_or(-1) == 2);
    BOOST_TEST(!a.restored);
}

BOOST_AUTO_TEST_CASE(s4_3_entity_restored) {
    auto a = ok(answer<op::add_entity>(200, R"({"success":true,"entityId":"seat_1","featureId":"seats","count":3,"limit":3,"remaining":0,"restored":true})"));
    BOOST_TEST(a.restored);
    BOOST_TEST(a.remaining.value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(s4_3_entity_unlimited_and_negative_remaining) {
    auto u = ok(answer<op::add_entity>(200, R"({"success":true,"entityId":"s","featureId":"seats","count":7,"limit":null,"remaining":null})"));
    BOOST_TEST(!u.limit.has_value());
    BOOST_TEST(!u.remaining.has_value());
    auto n = ok(answer<op::add_entity>(200, R"({"success":true,"entityId":"s","featureId":"seats","count":5,"limit":3,"remaining":-2,"restored":true})"));
    BOOST_TEST(n.remaining.value_or(0) == -2);
}

BOOST_AUTO_TEST_CASE(s4_3_entity_fractional_limit_from_a_sync) {
    // The hosted sync takes any number for a limit; its count arithmetic then sends fractions.
    auto a = ok(answer<op::add_entity>(200, R"({"success":true,"entityId":"s","featureId":"seats","count":2,"limit":2.5,"remaining":0.5})"));
    BOOST_TEST(a.limit.value_or(-1) == 2);
    BOOST_TEST(a.remaining.value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(s4_3_entity_limit_exceeded) {
    auto o = answer<op::add_entity>(400, R"({"success":false,"error":"Limit exceeded: 3/3 seats used","code":"limit_exceeded","current":3,"limit":3,"feature":"seats"})");
    failed(o, error::limit_exceeded, 400, "limit_exceeded", "Limit exceeded: 3/3 seats used");
    BOOST_TEST(o.diag.current.value_or(-1) == 3);
    BOOST_TEST(o.diag.limit.value_or(-1) == 3);
    BOOST_TEST(o.diag.feature.value_or("") == "seats");
}

BOOST_AUTO_TEST_CASE(s4_3_entity_not_found_exists_and_failed) {
    failed(answer<op::add_entity>(404, R"({"success":false,"error":"Customer not found"})"), error::customer_not_found, 404,
           "not_found", "Customer not found");
    failed(answer<op::add_entity>(404, R"({"success":false,"error":"Feature not found"})"), error::feature_not_found, 404,
           "not_found", "Feature not found");
    failed(answer<op::add_entity>(409, R"({"success":false,"error":"Entity already exists"})"), error::entity_exists, 409,
           "conflict", "Entity already exists");
    failed(answer<op::add_entity>(500, R"({"success":false,"error":"Failed to add entity"})"), error::server_error, 500,
           "server_error", "Failed to add entity");
}

BOOST_AUTO_TEST_CASE(s4_4_entity_removed) {
    auto r = ok(answer<op::remove_entity>(200, R"({"success":true,"entityId":"seat_2","count":3})"));
    BOOST_TEST(r.entity_id == "seat_2");
    BOOST_TEST(r.count.value_or(-1) == 3);
    BOOST_TEST(!r.already_removed);
}

BOOST_AUTO_TEST_CASE(s4_4_entity_remove_failures) {
    failed(answer<op::remove_entity>(404, R"({"success":false,"error":"Entity not found"})"), error::entity_not_found, 404,
           "not_found", "Entity not found");
    failed(answer<op::remove_entity>(404, R"({"success":false,"error":"Customer not found"})"), error::customer_not_found,
           404, "not_found", "Customer not found");
    failed(answer<op::remove_entity>(500, R"({"success":false,"error":"Failed to remove entity"})"), error::server_error,
           500, "server_error", "Failed to remove entity");
}

BOOST_AUTO_TEST_CASE(s4_5_entities_listed) {
    auto l = ok(answer<op::list_entities>(200, R"({"success":true,"entities":[{"id":"seat_1","featureId":"seats","name":null,"email":null,"metadata":null,"status":"active","createdAt":"2026-05-14T10:07:12.345Z"},{"id":"seat_2","featureId":"seats","name":"Jo","email":"jo@x.io","metadata":{"k":1},"status":"pending_removal","createdAt":"2026-05-14T10:08:00.000Z"}],"total":2})"));
    BOOST_REQUIRE_EQUAL(l.entities.size(), 2u);
    BOOST_TEST(l.total == 2);
    BOOST_TEST(!l.entities[0].name.has_value());
    BOOST_TEST(l.entities[0].metadata.empty());
    BOOST_TEST((l.entities[0].status == owo::entity_status::active));
    BOOST_TEST(epoch_ms(l.entities[0].created_at) % 1000 == 345);
    BOOST_TEST((l.entities[1].status == owo::entity_status::pending_removal));
    BOOST_TEST(l.entities[1].email.value_or("") == "jo@x.io");
}

BOOST_AUTO_TEST_CASE(s4_5_entities_list_failures) {
    failed(answer<op::list_entities>(400, R"({"success":false,"error":"Customer parameter required"})"),
           error::invalid_request, 400, "invalid_request", "Customer parameter required");
    failed(answer<op::list_entities>(404, R"({"success":false,"error":"Feature not found"})"), error::feature_not_found,
           404, "not_found", "Feature not found");
    // The hosted route's current bug for every customer that resolves (§4.5, §6).
    failed(answer<op::list_entities>(500, R"({"success":false,"error":"Failed to list entities"})"), error::server_error,
           500, "server_error", "Failed to list entities");
}

// ---- §4.6 attach ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(s4_6_attach_already_subscribed) {
    auto a = ok(answer<op::attach>(200, R"({"success":true,"type":"lateral","requiresCheckout":false,"subscriptionId":"sub_1","message":"Already subscribed to Free","customer_id":"u1"})"));
    BOOST_TEST(a.type.value_or("") == "lateral");
    BOOST_TEST(!a.requires_checkout);
    BOOST_TEST(a.subscription_id.value_or("") == "sub_1");
    BOOST_TEST(a.customer_id.value_or("") == "u1");
    BOOST_TEST(a.message.value_or("") == "Already subscribed to Free");
}

BOOST_AUTO_TEST_CASE(s4_6_attach_free_plan) {
    auto a = ok(answer<op::attach>(200, R"({"success":true,"type":"new","requiresCheckout":false,"subscriptionId":"sub_2","message":"Switched to free plan Free","customer_id":"u1"})"));
    BOOST_TEST(a.type.value_or("") == "new");
    BOOST_TEST(!a.checkout_url.has_value());
    BOOST_TEST(a.trial.is_null());
}

BOOST_AUTO_TEST_CASE(s4_6_attach_downgrade_scheduled) {
    auto a = ok(answer<op::attach>(200, R"({"success":true,"type":"downgrade","requiresCheckout":false,"subscriptionId":"sub_1","scheduledAt":1780271999999,"message":"Downgrade to Free scheduled for 2026-05-31T23:59:59.999Z","customer_id":"u1"})"));
    BOOST_TEST(a.type.value_or("") == "downgrade");
    BOOST_REQUIRE(a.scheduled_at.has_value());
    BOOST_TEST(epoch_ms(*a.scheduled_at) == may_31_end);
}

BOOST_AUTO_TEST_CASE(s4_6_attach_lateral_switch) {
    auto a = ok(answer<op::attach>(200, R"({"success":true,"type":"lateral","requiresCheckout":false,"subscriptionId":"sub_1","message":"Switched to Team. Features updated immediately.","customer_id":"u1"})"));
    BOOST_TEST(a.type.value_or("") == "lateral");
}

BOOST_AUTO_TEST_CASE(s4_6_attach_paid_checkout) {
    auto a = ok(answer<op::attach>(200, R"({"success":true,"type":"new","requiresCheckout":true,"checkoutUrl":"https://checkout.example/pay/abc","message":"Checkout created for Team","customer_id":"u1"})"));
    BOOST_TEST(a.requires_checkout);
    BOOST_TEST(a.checkout_url.value_or("") == "https://checkout.example/pay/abc");
    BOOST_TEST(!a.subscription_id.has_value());
}

BOOST_AUTO_TEST_CASE(s4_6_attach_paid_card_on_file) {
    auto a = ok(answer<op::attach>(200, R"({"success":true,"type":"new","requiresCheckout":false,"subscriptionId":"sub_3","message":"Subscribed to Team","customer_id":"u1"})"));
    BOOST_TEST(a.subscription_id.value_or("") == "sub_3");
}

BOOST_AUTO_TEST_CASE(s4_6_attach_upgrade_checkout) {
    auto a = ok(answer<op::attach>(200, R"({"success":true,"type":"upgrade","requiresCheckout":true,"checkoutUrl":"https://checkout.example/u","message":"Checkout created for upgrade to Business","customer_id":"u1"})"));
    BOOST_TEST(a.type.value_or("") == "upgrade");
    BOOST_TEST(a.requires_checkout);
}

BOOST_AUTO_TEST_CASE(s4_6_attach_trial_activated) {
    auto a = ok(answer<op::attach>(200, R"({"success":true,"trial":true,"message":"14-day trial activated","subscription_id":"sub_t","customer_id":"u1","trial_ends_at":"2026-05-28T10:07:12.345Z"})"));
    BOOST_TEST(a.trial.is_bool());
    BOOST_TEST(a.subscription_id.value_or("") == "sub_t");
    BOOST_REQUIRE(a.trial_ends_at.has_value());
    BOOST_TEST(epoch_ms(*a.trial_ends_at) % 1000 == 345);
    BOOST_TEST(!a.type.has_value());
}

BOOST_AUTO_TEST_CASE(s4_6_attach_trial_already_active_with_null_end) {
    auto a = ok(answer<op::attach>(200, R"({"success":true,"trial":true,"message":"Trial already active","subscription_id":"sub_t","customer_id":"u1","trial_ends_at":null})"));
    BOOST_TEST(!a.trial_ends_at.has_value());
    BOOST_TEST(a.message.value_or("") == "Trial already active");
}

BOOST_AUTO_TEST_CASE(s4_6_attach_trial_needing_a_card) {
    auto a = ok(answer<op::attach>(200, R"({"success":true,"trial":true,"trial_days":14,"checkoutUrl":"https://checkout.example/t","reference":"ref_1","accessCode":null})"));
    BOOST_TEST(a.trial_days.value_or(0) == 14);
    BOOST_TEST(a.reference.value_or("") == "ref_1");
    BOOST_TEST(!a.access_code.has_value());
    BOOST_TEST(!a.customer_id.has_value());
    BOOST_TEST(a.checkout_url.value_or("") == "https://checkout.example/t");
}

BOOST_AUTO_TEST_CASE(s4_6_attach_failures) {
    failed(answer<op::attach>(404, R"({"success":false,"error":"Plan 'gold' not found"})"), error::plan_not_found, 404,
           "not_found", "Plan 'gold' not found");
    failed(answer<op::attach>(400, R"({"success":false,"error":"No payment provider configured"})"), error::invalid_request,
           400, "invalid_request", "No payment provider configured");
    failed(answer<op::attach>(400, R"({"success":false,"error":"Failed to create checkout: declined"})"),
           error::invalid_request, 400, "invalid_request", "Failed to create checkout: declined");
}

// ---- §4.7 check ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(s4_7_check_granted_metered) {
    auto c = ok(answer<op::check>(200, std::string(R"({"allowed":true,"code":"access_granted","usage":10,"limit":1000,"balance":990,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":null,"details":{"message":"Access granted — used 10 of 1000.","planName":"Free",)") + free_pricing + "}}"));
    BOOST_TEST(c.allowed);
    BOOST_TEST(c.code == "access_granted");
    BOOST_TEST(c.usage.value_or(-1) == 10);
    BOOST_TEST(c.limit.value_or(-1) == 1000);
    BOOST_TEST(c.balance.value_or(-1) == 990);
    BOOST_TEST(epoch_ms(c.resets_at.value()) == may_31_end);
    BOOST_TEST(c.reset_interval.value_or("") == "monthly");
    BOOST_TEST(c.credits.is_null());
    BOOST_TEST(c.details.at("planName").as_string() == "Free");
    BOOST_TEST(!c.rollover_balance.has_value());
}

BOOST_AUTO_TEST_CASE(s4_7_check_granted_boolean) {
    auto c = ok(answer<op::check>(200, std::string(R"({"allowed":true,"code":"access_granted","usage":null,"limit":null,"balance":null,"resetsAt":null,"resetInterval":null,"credits":null,"details":{"message":"Feature 'sso' enabled on Team.","planName":"Team",)") + free_pricing + "}}"));
    BOOST_TEST(c.allowed);
    BOOST_TEST(!c.usage.has_value());
    BOOST_TEST(!c.resets_at.has_value());
    BOOST_TEST(!c.reset_interval.has_value());
}

BOOST_AUTO_TEST_CASE(s4_7_check_granted_unlimited) {
    auto c = ok(answer<op::check>(200, std::string(R"({"allowed":true,"code":"access_granted","usage":42,"limit":null,"balance":null,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":null,"details":{"message":"Unlimited access to 'api-calls' on Business.","planName":"Business",)") + free_pricing + "}}"));
    BOOST_TEST(c.allowed);
    BOOST_TEST(c.usage.value_or(-1) == 42);
    BOOST_TEST(!c.limit.has_value());
    BOOST_TEST(!c.balance.has_value());
}

BOOST_AUTO_TEST_CASE(s4_7_check_limit_exceeded_is_a_result) {
    auto c = ok(answer<op::check>(200, std::string(R"({"allowed":false,"code":"limit_exceeded","usage":1000,"limit":1000,"balance":0,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":null,"details":{"message":"Usage limit reached (1000/1000). Resets at 2026-05-31T23:59:59.999Z.","planName":"Free",)") + free_pricing + "}}"));
    BOOST_TEST(!c.allowed);
    BOOST_TEST(c.code == "limit_exceeded");
    BOOST_TEST(c.balance.value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(s4_7_check_customer_ambiguous_is_a_200_result) {
    auto c = ok(answer<op::check>(200, null_entitlement("", "customer_ambiguous", "Multiple customers in organization 'org_1' match email 'a@x.io'. Use the internal customer ID instead.")));
    BOOST_TEST(!c.allowed);
    BOOST_TEST(c.code == "customer_ambiguous");
}

BOOST_AUTO_TEST_CASE(s4_7_check_customer_not_found) {
    auto c = ok(answer<op::check>(200, null_entitlement("", "customer_not_found", "Customer 'ghost' not found in this organization.")));
    BOOST_TEST(!c.allowed);
    BOOST_TEST(c.code == "customer_not_found");
    BOOST_TEST(c.details.at("message").as_string() == "Customer 'ghost' not found in this organization.");
}

BOOST_AUTO_TEST_CASE(s4_7_check_feature_not_found) {
    auto c = ok(answer<op::check>(200, null_entitlement("", "feature_not_found", "Feature 'nope' not found.")));
    BOOST_TEST(c.code == "feature_not_found");
    BOOST_TEST(!c.usage.has_value());
}

BOOST_AUTO_TEST_CASE(s4_7_check_entity_not_found_all_null) {
    auto c = ok(answer<op::check>(200, null_entitlement("", "entity_not_found", "Entity 'seat_9' not found for feature 'seats'. Use addEntity() to create it first.")));
    BOOST_TEST(!c.allowed);
    BOOST_TEST(c.code == "entity_not_found");
    BOOST_TEST(!c.usage.has_value());
    BOOST_TEST(!c.limit.has_value());
    BOOST_TEST(!c.balance.has_value());
    BOOST_TEST(!c.resets_at.has_value());
    BOOST_TEST(!c.reset_interval.has_value());
    BOOST_TEST(c.credits.is_null());
}

BOOST_AUTO_TEST_CASE(s4_7_check_no_active_subscription) {
    auto c = ok(answer<op::check>(200, null_entitlement("", "no_active_subscription", "No active or trialing subscription found for this customer.")));
    BOOST_TEST(c.code == "no_active_subscription");
}

BOOST_AUTO_TEST_CASE(s4_7_check_feature_not_in_plan) {
    auto c = ok(answer<op::check>(200, null_entitlement("", "feature_not_in_plan", "Feature 'sso' is not included in the customer's current plan.")));
    BOOST_TEST(c.code == "feature_not_in_plan");
}

BOOST_AUTO_TEST_CASE(s4_7_check_seat_feature) {
    // A non-consumable (entity) feature synced with reset "never": the period is the subscription's.
    auto c = ok(answer<op::check>(200, std::string(R"({"allowed":true,"code":"access_granted","usage":0,"limit":3,"balance":3,"resetsAt":"2026-06-13T10:07:12.345Z","resetInterval":"never","credits":null,"details":{"message":"Access granted — used 0 of 3.","planName":"Team",)") + free_pricing + "}}"));
    BOOST_TEST(c.allowed);
    BOOST_TEST(c.reset_interval.value_or("") == "never");
    BOOST_TEST(c.limit.value_or(-1) == 3);
}

BOOST_AUTO_TEST_CASE(s4_7_check_credit_system) {
    auto c = ok(answer<op::check>(200, R"({"allowed":true,"code":"access_granted","usage":10,"limit":100,"balance":90,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":{"source":"credit_system","systemSlug":"ai-credits","costPerUnit":2,"addonBalance":50,"plan":{"used":10,"limit":100,"balance":90,"resetsAt":"2026-05-31T23:59:59.999Z"}},"details":{"message":"Access granted — used 10 of 100.","planName":"Pro","creditSystem":"ai-credits","creditCostPerUnit":2,"pricing":{"usageModel":"included","ratingModel":"package","billingUnits":1}}})"));
    BOOST_TEST(c.credits.at("source").as_string() == "credit_system");
    BOOST_TEST(c.credits.at("plan").at("balance").to_number<double>() == 90);
}

BOOST_AUTO_TEST_CASE(s4_7_check_prepaid_credits_insufficient) {
    auto c = ok(answer<op::check>(200, R"({"allowed":false,"code":"insufficient_credits","usage":100,"limit":100,"balance":0,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":{"source":"prepaid","addonBalance":null,"plan":{"used":100,"limit":null,"balance":null,"resetsAt":"2026-05-31T23:59:59.999Z"}},"details":{"message":"Insufficient credits.","planName":"Pro"}})"));
    BOOST_TEST(!c.allowed);
    BOOST_TEST(c.code == "insufficient_credits");
    BOOST_TEST(c.credits.at("addonBalance").is_null());
}

BOOST_AUTO_TEST_CASE(s4_7_check_addon_credits_and_overage_allowed) {
    auto a = ok(answer<op::check>(200, R"({"allowed":true,"code":"addon_credits_used","usage":100,"limit":100,"balance":0,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":null,"details":{"message":"Plan credits exhausted.","planName":"Pro","addonCreditsRemaining":49}})"));
    BOOST_TEST(a.allowed);
    BOOST_TEST(a.code == "addon_credits_used");
    auto o = ok(answer<op::check>(200, R"({"allowed":true,"code":"overage_allowed","usage":100,"limit":100,"balance":0,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":null,"details":{"message":"Overage allowed.","planName":"Pro","overage":{"price":5}}})"));
    BOOST_TEST(o.code == "overage_allowed");
}

BOOST_AUTO_TEST_CASE(s4_7_check_trial_and_rollover) {
    auto c = ok(answer<op::check>(200, R"({"allowed":true,"code":"access_granted","usage":5,"limit":50,"balance":60,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","rolloverBalance":15,"credits":null,"details":{"message":"Access granted — used 5 of 50.","planName":"Pro","trial":true,"trialEndsAt":"2026-05-28T10:07:12.345Z","pricing":{"usageModel":"included","ratingModel":"package","billingUnits":1}}})"));
    BOOST_TEST(c.rollover_balance.value_or(-1) == 15);
    BOOST_TEST(c.details.at("trial").as_bool());
}

BOOST_AUTO_TEST_CASE(s4_7_check_unknown_feature_type) {
    auto c = ok(answer<op::check>(200, null_entitlement("", "unknown_feature_type", "Unknown feature type.")));
    BOOST_TEST(c.code == "unknown_feature_type");
}

BOOST_AUTO_TEST_CASE(s4_7_check_failures) {
    failed(answer<op::check>(503, null_entitlement("", "billing_unavailable", "Billing is unavailable.")),
           error::server_error, 503, "billing_unavailable", "Billing is unavailable.");
    failed(answer<op::check>(500, R"({"success":false,"error":"Organization Context Missing"})"), error::server_error, 500,
           "server_error", "Organization Context Missing");
}

// ---- §4.8 track ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(s4_8_track_tracked) {
    auto t = ok(answer<op::track>(200, std::string(R"({"success":true,"allowed":true,"code":"tracked","usage":11,"limit":1000,"balance":989,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":null,"details":{"message":"Usage tracked successfully (989 remaining).","planName":"Free",)") + free_pricing + "}}"));
    BOOST_TEST(t.allowed);
    BOOST_TEST(t.code == "tracked");
    BOOST_TEST(t.usage.value_or(-1) == 11);
    BOOST_TEST(t.balance.value_or(-1) == 989);
}

BOOST_AUTO_TEST_CASE(s4_8_track_tracked_unlimited) {
    auto t = ok(answer<op::track>(200, R"({"success":true,"allowed":true,"code":"tracked","usage":11,"limit":null,"balance":null,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":null,"details":{"message":"Usage tracked successfully (Infinity remaining).","planName":"Business"}})"));
    BOOST_TEST(!t.balance.has_value());
}

BOOST_AUTO_TEST_CASE(s4_8_track_tracked_overage) {
    auto t = ok(answer<op::track>(200, R"({"success":true,"allowed":true,"code":"tracked_overage","usage":1001,"limit":1000,"balance":0,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":null,"details":{"message":"Usage tracked as overage (will be billed).","planName":"Pro","overage":{"units":1}}})"));
    BOOST_TEST(t.allowed);
    BOOST_TEST(t.code == "tracked_overage");
    BOOST_TEST(t.details.contains("overage"));
}

BOOST_AUTO_TEST_CASE(s4_8_track_addon_credits_used) {
    auto t = ok(answer<op::track>(200, R"({"success":true,"allowed":true,"code":"addon_credits_used","usage":100,"limit":100,"balance":0,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":{"source":"credit_system","systemSlug":"ai","costPerUnit":1,"addonBalance":45,"plan":{"used":100,"limit":100,"balance":0,"resetsAt":"2026-05-31T23:59:59.999Z"}},"details":{"message":"Plan credits exhausted. 5 add-on credits deducted.","planName":"Pro","addonCreditsUsed":5,"addonCreditsRemaining":45}})"));
    BOOST_TEST(t.code == "addon_credits_used");
    BOOST_TEST(t.details.at("addonCreditsUsed").to_number<double>() == 5);
}

BOOST_AUTO_TEST_CASE(s4_8_track_limit_exceeded_at_200_success_false_is_a_result) {
    auto t = ok(answer<op::track>(200, std::string(R"({"success":false,"allowed":false,"code":"limit_exceeded","usage":1000,"limit":1000,"balance":0,"resetsAt":"2026-05-31T23:59:59.999Z","resetInterval":"monthly","credits":null,"details":{"message":"Usage tracking denied — limit reached (0 remaining). Resets at 2026-05-31T23:59:59.999Z.","planName":"Free",)") + free_pricing + "}}"));
    BOOST_TEST(!t.allowed);
    BOOST_TEST(t.code == "limit_exceeded");
    BOOST_TEST(t.usage.value_or(-1) == 1000);
}

BOOST_AUTO_TEST_CASE(s4_8_track_customer_ambiguous_409) {
    const char* text = "Multiple customers in organization 'org_1' match email 'a@x.io'. Use the internal customer ID instead.";
    track_refused(409, "customer_ambiguous", text, error::conflict);
}

BOOST_AUTO_TEST_CASE(s4_8_track_customer_not_found_404) {
    track_refused(404, "customer_not_found", "Customer 'ghost' not found in this organization.", error::customer_not_found);
}

BOOST_AUTO_TEST_CASE(s4_8_track_feature_not_found_404) {
    track_refused(404, "feature_not_found", "Feature 'nope' not found.", error::feature_not_found);
}

BOOST_AUTO_TEST_CASE(s4_8_track_entity_not_found_404) {
    const char* text = "Entity 'seat_9' not found for feature 'seats'. Use addEntity() to create it first.";
    track_refused(404, "entity_not_found", text, error::entity_not_found);
}

BOOST_AUTO_TEST_CASE(s4_8_track_no_active_subscription_400) {
    track_refused(400, "no_active_subscription", "No active or trialing subscription found for this customer.", error::invalid_request);
}

BOOST_AUTO_TEST_CASE(s4_8_track_feature_not_in_plan_400) {
    track_refused(400, "feature_not_in_plan", "Feature 'sso' is not included in the customer's current plan.", error::invalid_request);
}

BOOST_AUTO_TEST_CASE(s4_8_track_validation_400) {
    failed(answer<op::track>(400, R"({"success":false,"error":{"code":"ValidationError","message":"Invalid value: Too small: expected number to be >=0"}})"),
           error::invalid_request, 400, "ValidationError", "Invalid value: Too small: expected number to be >=0");
}

BOOST_AUTO_TEST_CASE(s4_8_track_billing_unavailable_and_internal_error) {
    track_refused(503, "billing_unavailable", "Billing is unavailable.", error::server_error);
    track_refused(500, "internal_error", "An internal error occurred while tracking usage.", error::server_error);
}

// ---- §4.9 / §4.10 plans --------------------------------------------------------------------

namespace {
const char* listed_free_plan = R"({"id":"2f6c","slug":"free","name":"Free","description":"For trying things out","price":0,"currency":"USD","interval":"monthly","type":"free","billingType":"recurring","isAddon":false,"planGroup":"main","trialDays":0,"trialCardRequired":false,"provider":null,"autoEnable":true,
 "features":[{"slug":"seats","name":"Seats","type":"metered","meterType":"non_consumable","enabled":true,"limit":1,"trialLimit":null,"resetInterval":"never","unit":null,"usageModel":"included","billingUnits":1,"ratingModel":"package"},
             {"slug":"api-calls","name":"API calls","type":"metered","meterType":"consumable","enabled":true,"limit":1000,"trialLimit":null,"resetInterval":"monthly","unit":null,"usageModel":"included","billingUnits":1,"ratingModel":"package"}]})";
}

BOOST_AUTO_TEST_CASE(s4_9_plans_listed) {
    auto plans = ok(answer<op::plans>(200, std::string(R"({"success":true,"plans":[)") + listed_free_plan + "]}"));
    BOOST_REQUIRE_EQUAL(plans.size(), 1u);
    const auto& p = plans[0];
    BOOST_TEST(p.id == "2f6c");
    BOOST_TEST(p.slug == "free");
    BOOST_TEST(p.description.value_or("") == "For trying things out");
    BOOST_TEST(p.price == 0);
    BOOST_TEST(p.type == "free");
    BOOST_TEST(p.billing_type == "recurring");
    BOOST_TEST(p.plan_group.value_or("") == "main");
    BOOST_TEST(!p.provider.has_value());
    BOOST_TEST(p.auto_enable.value_or(false));
    BOOST_REQUIRE_EQUAL(p.features.size(), 2u);
    BOOST_TEST(p.features[0].meter_type.value_or("") == "non_consumable");
    BOOST_TEST(p.features[0].reset_interval.value_or("") == "never");
    BOOST_TEST(p.features[0].usage_model.value_or("") == "included");
    BOOST_TEST(p.features[0].rating_model.value_or("") == "package");
    BOOST_TEST(p.features[0].billing_units.value_or(0) == 1);
    BOOST_TEST(!p.features[0].trial_limit.has_value());
    BOOST_TEST(!p.features[0].unit.has_value());
    BOOST_TEST(p.features[1].limit.value_or(-1) == 1000);
}

BOOST_AUTO_TEST_CASE(s4_9_plan_with_every_public_plan_field) {
    auto plans = ok(answer<op::plans>(200, R"({"success":true,"plans":[{"id":"p9","slug":"scale","name":"Scale","description":null,"price":4900,"currency":"NGN","interval":"yearly","type":"paid","billingType":"one_time","isAddon":true,"planGroup":null,"trialDays":14,"trialCardRequired":true,"provider":"paystack","autoEnable":false,
      "features":[{"slug":"sso","name":"SSO","type":"boolean","meterType":"consumable","enabled":true,"limit":null,"trialLimit":null,"resetInterval":null,"unit":null},
                  {"slug":"gpu","name":"GPU minutes","type":"metered","meterType":"consumable","enabled":true,"limit":null,"trialLimit":10,"resetInterval":"monthly","unit":"minute","usageModel":"usage_based","pricePerUnit":25,"billingUnits":60,"ratingModel":"graduated","tiers":[{"upTo":100,"unitPrice":30},{"upTo":null,"unitPrice":20,"flatFee":500}],"overage":"charge","overagePrice":35}]}]})"));
    BOOST_REQUIRE_EQUAL(plans.size(), 1u);
    const auto& p = plans[0];
    BOOST_TEST(!p.description.has_value());
    BOOST_TEST(p.price == 4900);
    BOOST_TEST(p.billing_type == "one_time");
    BOOST_TEST(p.is_addon);
    BOOST_TEST(!p.plan_group.has_value());
    BOOST_TEST(p.trial_days == 14);
    BOOST_TEST(p.trial_card_required);
    BOOST_TEST(p.provider.value_or("") == "paystack");
    BOOST_TEST(p.auto_enable.has_value());
    BOOST_TEST(!*p.auto_enable);
    const auto& sso = p.features.at(0);
    BOOST_TEST(!sso.usage_model.has_value());
    BOOST_TEST(!sso.reset_interval.has_value());
    BOOST_TEST(sso.tiers.is_null());
    const auto& gpu = p.features.at(1);
    BOOST_TEST(gpu.trial_limit.value_or(-1) == 10);
    BOOST_TEST(gpu.unit.value_or("") == "minute");
    BOOST_TEST(gpu.usage_model.value_or("") == "usage_based");
    BOOST_TEST(gpu.price_per_unit.value_or(-1) == 25);
    BOOST_TEST(gpu.billing_units.value_or(-1) == 60);
    BOOST_TEST(gpu.rating_model.value_or("") == "graduated");
    BOOST_TEST(gpu.tiers.as_array().size() == 2u);
    BOOST_TEST(gpu.overage.value_or("") == "charge");
    BOOST_TEST(gpu.overage_price.value_or(-1) == 35);
}

BOOST_AUTO_TEST_CASE(s4_9_plan_with_null_trial_fields_and_fractional_price) {
    // trialDays and trialCardRequired are nullable upstream; price is any number a sync sent.
    auto plans = ok(answer<op::plans>(200, R"({"success":true,"plans":[{"id":"p","slug":"odd","name":"Odd","description":null,"price":4999.5,"currency":"USD","interval":"monthly","type":"paid","billingType":"recurring","isAddon":false,"planGroup":null,"trialDays":null,"trialCardRequired":null,"provider":null,"autoEnable":null,"features":[]}]})"));
    BOOST_TEST(plans.at(0).price == 4999);
    BOOST_TEST(plans.at(0).trial_days == 0);
    BOOST_TEST(!plans.at(0).trial_card_required);
    BOOST_TEST(!plans.at(0).auto_enable.has_value());
}

BOOST_AUTO_TEST_CASE(s4_9_plans_repeated_query_parameter_is_zod_400) {
    failed(answer<op::plans>(400, R"({"success":false,"error":{"name":"ZodError","message":"[\n  {\n    \"expected\": \"string\",\n    \"code\": \"invalid_type\",\n    \"path\": [\n      \"group\"\n    ],\n    \"message\": \"Invalid input: expected string, received array\"\n  }\n]"}})"),
           error::invalid_request, 400, "invalid_request", "group: Invalid input: expected string, received array");
}

BOOST_AUTO_TEST_CASE(s4_10_single_plan_and_not_found) {
    std::string one = listed_free_plan;
    // The single-plan answer has no provider and autoEnable.
    auto cut = one.find(R"("provider":null,"autoEnable":true,)");
    one.erase(cut, std::string_view(R"("provider":null,"autoEnable":true,)").size());
    auto p = ok(answer<op::plan>(200, R"({"success":true,"plan":)" + one + "}", "free"));
    BOOST_TEST(p.slug == "free");
    BOOST_TEST(!p.auto_enable.has_value());
    BOOST_TEST(p.features.size() == 2u);
    failed(answer<op::plan>(404, R"({"success":false,"error":"Plan not found"})", "gold"), error::plan_not_found, 404,
           "not_found", "Plan not found");
}

BOOST_AUTO_TEST_SUITE_END()
