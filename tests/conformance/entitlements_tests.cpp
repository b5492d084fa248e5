// POST /v1/check and POST /v1/track: routes/api/entitlements.ts, the checkRoute handler
// ("check") and the trackRoute handler ("track"), with lib/reset-period.ts getResetPeriod.
#include "expect.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace conformance;
namespace json = boost::json;

namespace {

const std::string nulls = R"("usage":null,"limit":null,"balance":null,"resetsAt":null,"resetInterval":null,"credits":null)";
const std::string pricing = R"("pricing":{"usageModel":"included","ratingModel":"package","billingUnits":1})";

raw_response check(const std::string& customer, const std::string& feature, const std::string& extra = "") {
    return post("/v1/check", R"({"customer":")" + customer + R"(","feature":")" + feature + "\"" + extra + "}");
}
raw_response track(const std::string& customer, const std::string& feature, const std::string& extra = "") {
    return post("/v1/track", R"({"customer":")" + customer + R"(","feature":")" + feature + "\"" + extra + "}");
}

/// A customer with no granting subscription: attach to a paid plan creates it without auto
/// plans and leaves the subscription waiting for checkout.
std::string customer_without_plan() {
    auto id = unique("noplan");
    BOOST_REQUIRE_EQUAL(post("/v1/attach", R"({"customer":")" + id + R"(","product":"pro"})").status, 200);
    return id;
}

} // namespace

BOOST_AUTO_TEST_SUITE(entitlements)

// check: !customer -> 200 customer_not_found, all nulls.
BOOST_AUTO_TEST_CASE(check_customer_not_found) {
    expect_answer(check("ghost-1", "sso"), 200,
                  R"({"allowed":false,"code":"customer_not_found",)" + nulls +
                      R"(,"details":{"message":"Customer 'ghost-1' not found in this organization."}})");
}

// track: !customer -> 404 with success:false and no `error`.
BOOST_AUTO_TEST_CASE(track_customer_not_found) {
    expect_answer(track("ghost-2", "sso"), 404,
                  R"({"success":false,"allowed":false,"code":"customer_not_found",)" + nulls +
                      R"(,"details":{"message":"Customer 'ghost-2' not found in this organization."}})");
}

// check/track: customer "" is allowed by the schema and resolves to nothing.
BOOST_AUTO_TEST_CASE(empty_customer_is_not_found) {
    BOOST_TEST(body_of(check("", "sso")).at("code").as_string() == "customer_not_found");
}

// check: !feature -> 200 feature_not_found.
BOOST_AUTO_TEST_CASE(check_feature_not_found) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(check(id, "nope"), 200,
                  R"({"allowed":false,"code":"feature_not_found",)" + nulls + R"(,"details":{"message":"Feature 'nope' not found."}})");
}

// track: !feature -> 404.
BOOST_AUTO_TEST_CASE(track_feature_not_found) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(track(id, "nope"), 404,
                  R"({"success":false,"allowed":false,"code":"feature_not_found",)" + nulls +
                      R"(,"details":{"message":"Feature 'nope' not found."}})");
}

// check: entity && !entityValid -> 200 entity_not_found, before the subscription checks.
BOOST_AUTO_TEST_CASE(check_entity_not_found) {
    auto id = customer_without_plan();
    expect_answer(check(id, "api-calls", R"(,"entity":"e9")"), 200,
                  R"({"allowed":false,"code":"entity_not_found",)" + nulls +
                      R"(,"details":{"message":"Entity 'e9' not found for feature 'api-calls'. Use addEntity() to create it first."}})");
}

// track: entity && !trackEntityValid -> 404; only an active entity counts.
BOOST_AUTO_TEST_CASE(track_entity_not_found_and_pending_removal) {
    auto id = unique("c");
    make_customer(id);
    BOOST_REQUIRE_EQUAL(post("/v1/entities", R"({"customer":")" + id + R"(","feature":"seats","entity":"s1"})").status, 200);
    BOOST_REQUIRE_EQUAL(post("/v1/entities/remove", R"({"customer":")" + id + R"(","feature":"seats","entity":"s1"})").status, 200);
    // check accepts pending_removal; track does not.
    BOOST_TEST(body_of(check(id, "seats", R"(,"entity":"s1")")).at("allowed").as_bool());
    expect_answer(track(id, "seats", R"(,"entity":"s1")"), 404,
                  R"({"success":false,"allowed":false,"code":"entity_not_found",)" + nulls +
                      R"(,"details":{"message":"Entity 's1' not found for feature 'seats'. Use addEntity() to create it first."}})");
}

// check: no granting subscription -> 200 no_active_subscription.
BOOST_AUTO_TEST_CASE(check_no_active_subscription) {
    expect_answer(check(customer_without_plan(), "sso"), 200,
                  R"({"allowed":false,"code":"no_active_subscription",)" + nulls +
                      R"(,"details":{"message":"No active or trialing subscription found for this customer."}})");
}

// track: no granting subscription -> 400.
BOOST_AUTO_TEST_CASE(track_no_active_subscription) {
    expect_answer(track(customer_without_plan(), "sso"), 400,
                  R"({"success":false,"allowed":false,"code":"no_active_subscription",)" + nulls +
                      R"(,"details":{"message":"No active or trialing subscription found for this customer."}})");
}

// check: no plan feature -> 200 feature_not_in_plan.
BOOST_AUTO_TEST_CASE(check_feature_not_in_plan) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(check(id, "exports"), 200,
                  R"({"allowed":false,"code":"feature_not_in_plan",)" + nulls +
                      R"(,"details":{"message":"Feature 'exports' is not included in the customer's current plan."}})");
}

// track: no plan feature -> 400.
BOOST_AUTO_TEST_CASE(track_feature_not_in_plan) {
    auto id = unique("c");
    make_customer(id);
    BOOST_TEST(track(id, "exports").status == 400);
}

// check, boolean: access_granted, nulls, details with planName and pricing.
BOOST_AUTO_TEST_CASE(check_boolean_granted) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(check(id, "sso"), 200,
                  R"({"allowed":true,"code":"access_granted",)" + nulls +
                      R"(,"details":{"message":"Feature 'sso' enabled on Free.","planName":"Free",)" + pricing + "}}");
}

// check, metered: access_granted with the counter; "monthly" from the stored "month".
BOOST_AUTO_TEST_CASE(check_metered_granted) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(check(id, "api-calls"), 200,
                  R"({"allowed":true,"code":"access_granted","usage":0,"limit":5,"balance":5,"resetsAt":"<iso>",)"
                  R"("resetInterval":"monthly","credits":null,"details":{"message":"Access granted — used 0 of 5.","planName":"Free",)" +
                      pricing + "}}");
}

// check with sendEvent: the answer is the check() result from before the event.
BOOST_AUTO_TEST_CASE(check_send_event_reports_usage_before_it) {
    auto id = unique("c");
    make_customer(id);
    auto first = body_of(check(id, "api-calls", R"(,"value":2,"sendEvent":true)"));
    BOOST_TEST(first.at("usage").to_number<double>() == 0);
    BOOST_TEST(first.at("balance").to_number<double>() == 5);
    BOOST_TEST(body_of(check(id, "api-calls")).at("usage").to_number<double>() == 2);
}

// track: tracked, usage after the event, "Usage tracked successfully (<balance> remaining)."
BOOST_AUTO_TEST_CASE(track_recorded) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(track(id, "api-calls", R"(,"value":2)"), 200,
                  R"({"success":true,"allowed":true,"code":"tracked","usage":2,"limit":5,"balance":3,"resetsAt":"<iso>",)"
                  R"("resetInterval":"monthly","credits":null,"details":{"message":"Usage tracked successfully (3 remaining).","planName":"Free",)" +
                      pricing + "}}");
}

// track: fractions are allowed (no int()), and written as JavaScript writes them.
BOOST_AUTO_TEST_CASE(track_fraction) {
    auto id = unique("c");
    make_customer(id);
    auto r = track(id, "api-calls", R"(,"value":0.5)");
    BOOST_TEST(r.body.find(R"("usage":0.5,)") != std::string::npos, r.body);
    BOOST_TEST(body_of(r).at("details").at("message").as_string() == "Usage tracked successfully (4.5 remaining).");
}

// track at the limit: 200, success:false, limit_exceeded, nothing recorded.
// check at the limit: limit_exceeded, "Usage limit reached (u/l). Resets at <resetsAt>."
BOOST_AUTO_TEST_CASE(limit_reached) {
    auto id = unique("c");
    make_customer(id);
    BOOST_REQUIRE_EQUAL(track(id, "api-calls", R"(,"value":5)").status, 200);
    auto t = track(id, "api-calls");
    expect_answer(t, 200,
                  R"({"success":false,"allowed":false,"code":"limit_exceeded","usage":5,"limit":5,"balance":0,"resetsAt":"<iso>",)"
                  R"("resetInterval":"monthly","credits":null,"details":{"message":"<string>","planName":"Free",)" + pricing + "}}");
    auto tb = body_of(t);
    std::string resets(tb.at("resetsAt").as_string());
    BOOST_TEST(tb.at("details").at("message").as_string() ==
               "Usage tracking denied — limit reached (0 remaining). Resets at " + resets + ".");
    auto c = body_of(check(id, "api-calls"));
    BOOST_TEST(c.at("code").as_string() == "limit_exceeded");
    BOOST_TEST(!c.contains("success"));
    BOOST_TEST(c.at("details").at("message").as_string() == "Usage limit reached (5/5). Resets at " + resets + ".");
    // lib/reset-period.ts: a monthly period ends on its last millisecond.
    BOOST_TEST(resets.ends_with("T23:59:59.999Z"));
}

// getResetPeriod "hourly": the hour's last millisecond.
BOOST_AUTO_TEST_CASE(hourly_period_ends_on_its_last_millisecond) {
    auto id = unique("c");
    make_customer(id);
    auto b = body_of(check(id, "hourly-jobs"));
    BOOST_TEST(b.at("resetInterval").as_string() == "hourly");
    BOOST_TEST(std::string(b.at("resetsAt").as_string()).ends_with(":59:59.999Z"));
}

// Unlimited: "Unlimited access to '<slug>' on <Plan>."; track says "(Infinity remaining)".
BOOST_AUTO_TEST_CASE(unlimited_metered) {
    auto id = unique("c");
    make_customer(id);
    pay(post("/v1/attach", R"({"customer":")" + id + R"(","product":"pro"})"));
    auto c = body_of(check(id, "api-calls"));
    BOOST_TEST(c.at("limit").is_null());
    BOOST_TEST(c.at("balance").is_null());
    BOOST_TEST(c.at("details").at("message").as_string() == "Unlimited access to 'api-calls' on Pro.");
    auto t = body_of(track(id, "api-calls"));
    BOOST_TEST(t.at("balance").is_null());
    BOOST_TEST(t.at("details").at("message").as_string() == "Usage tracked successfully (Infinity remaining).");
}

// track does not look at the feature type: a boolean is counted on an unlimited counter.
BOOST_AUTO_TEST_CASE(track_boolean_is_counted) {
    auto id = unique("c");
    make_customer(id);
    track(id, "sso");
    expect_answer(track(id, "sso"), 200,
                  R"({"success":true,"allowed":true,"code":"tracked","usage":2,"limit":null,"balance":null,"resetsAt":"<iso>",)"
                  R"("resetInterval":"never","credits":null,"details":{"message":"Usage tracked successfully (Infinity remaining).","planName":"Free",)" +
                      pricing + "}}");
}

// Seats: resetInterval "never", resetsAt the subscription's period end; [local] check reports
// the seats in use (docs/protocol.md §6); track counts on the meter's own counter.
BOOST_AUTO_TEST_CASE(seat_feature) {
    auto id = unique("c");
    make_customer(id);
    BOOST_REQUIRE_EQUAL(post("/v1/entities", R"({"customer":")" + id + R"(","feature":"seats","entity":"s1"})").status, 200);
    expect_answer(check(id, "seats"), 200,
                  R"({"allowed":true,"code":"access_granted","usage":1,"limit":2,"balance":1,"resetsAt":"<iso>",)"
                  R"("resetInterval":"never","credits":null,"details":{"message":"Access granted — used 1 of 2.","planName":"Free",)" +
                      pricing + "}}");
    BOOST_TEST(body_of(check(id, "seats", R"(,"value":2)")).at("code").as_string() == "limit_exceeded");
    auto t = body_of(track(id, "seats"));
    BOOST_TEST(t.at("code").as_string() == "tracked");
    BOOST_TEST(t.at("usage").to_number<double>() == 1);
}

// The usage meter keys "<slug>" and "<slug>:<entity>" apart: usage without an entity is its own.
BOOST_AUTO_TEST_CASE(entity_usage_is_separate) {
    auto id = unique("c");
    make_customer(id);
    BOOST_REQUIRE_EQUAL(post("/v1/entities", R"({"customer":")" + id + R"(","feature":"api-calls","entity":"e1"})").status, 200);
    BOOST_TEST(body_of(track(id, "api-calls", R"(,"entity":"e1","value":3)")).at("usage").to_number<double>() == 3);
    BOOST_TEST(body_of(check(id, "api-calls")).at("usage").to_number<double>() == 0);
    BOOST_TEST(body_of(check(id, "api-calls", R"(,"entity":"e1")")).at("usage").to_number<double>() == 3);
}

// lib/customers.ts resolveOrCreateCustomer: an unknown identifier with '@' is created, with its
// auto plans (autoApplyPlansOnCreate: true), without a format check.
BOOST_AUTO_TEST_CASE(email_identifier_creates_the_customer) {
    auto email = unique("new") + "@Example.io";
    BOOST_TEST(body_of(check(email, "sso")).at("code").as_string() == "access_granted");
}

// check: conflict -> 200 customer_ambiguous; track: 409 with the same body.
BOOST_AUTO_TEST_CASE(ambiguous_customer) {
    auto email = unique("twin") + "@x.io";
    for (const char* id : {"a", "b"})
        BOOST_REQUIRE_EQUAL(post("/v1/customers", R"({"id":")" + email.substr(0, email.find('@')) + id + R"(","email":")" + email + "\"}").status, 200);
    std::string message = "Multiple customers in organization 'org_a' match email '" + email + "'. Use the internal customer ID instead.";
    expect_answer(check(email, "sso"), 200,
                  R"({"allowed":false,"code":"customer_ambiguous",)" + nulls + R"(,"details":{"message":")" + message + "\"}}");
    expect_answer(track(email, "sso"), 409,
                  R"({"success":false,"allowed":false,"code":"customer_ambiguous",)" + nulls + R"(,"details":{"message":")" + message + "\"}}");
}

// Trialing: the trial limit applies and details say so.
BOOST_AUTO_TEST_CASE(trial_limit_and_details) {
    auto id = unique("c");
    make_customer(id);
    BOOST_REQUIRE_EQUAL(post("/v1/attach", R"({"customer":")" + id + R"(","product":"trial-pro"})").status, 200);
    expect_answer(check(id, "exports"), 200,
                  R"({"allowed":true,"code":"access_granted","usage":0,"limit":2,"balance":2,"resetsAt":"<iso>",)"
                  R"("resetInterval":"monthly","credits":null,"details":{"message":"Access granted — used 0 of 2.","planName":"Trial Pro",)"
                  R"("trial":true,"trialEndsAt":"<iso>",)" + pricing + "}}");
}

BOOST_AUTO_TEST_SUITE_END()
