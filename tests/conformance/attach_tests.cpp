// POST /v1/attach: routes/api/checkout.ts (createCheckoutRoute, the attach handler) and
// lib/plan-switch.ts (executeSwitch and its handlers).
#include "expect.hpp"

#include <boost/test/unit_test.hpp>

using namespace conformance;

namespace {

raw_response attach(const std::string& customer, const std::string& product, const std::string& extra = "") {
    return post("/v1/attach", R"({"customer":")" + customer + R"(","product":")" + product + "\"" + extra + "}");
}

std::string code_of_check(const std::string& customer, const std::string& feature) {
    return std::string(body_of(post("/v1/check", R"({"customer":")" + customer + R"(","feature":")" + feature + "\"}")).at("code").as_string());
}

} // namespace

BOOST_AUTO_TEST_SUITE(attach_route)

// attach handler: !plan -> 404 "Plan '<product>' not found".
BOOST_AUTO_TEST_CASE(plan_not_found) {
    expect_answer(attach("c", "nope"), 404, R"({"success":false,"error":"Plan 'nope' not found"})");
}

// attach handler: resolveOrCreateCustomer with customerData {email: customer.toLowerCase(),
// metadata}: always created, no auto plans; handleFreePlanSwitch for a free plan.
BOOST_AUTO_TEST_CASE(unknown_customer_is_created_without_auto_plans) {
    auto id = unique("Acme");
    auto r = attach(id, "solo", R"(,"metadata":{"src":"t"},"customerData":{"email":"ignored@x.io"})");
    expect_answer(r, 200,
                  R"({"success":true,"type":"new","requiresCheckout":false,"subscriptionId":"<uuid>","message":"Switched to free plan Solo","customer_id":"<uuid>"})");
    auto c = body_of(get("/v1/customers/" + std::string(body_of(r).at("customer_id").as_string())));
    std::string lower = id;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    BOOST_TEST(c.at("email").as_string() == lower);
    BOOST_TEST(c.at("metadata").at("src").as_string() == "t");
    BOOST_TEST(code_of_check(id, "sso") == "feature_not_in_plan");   // Free (auto) was not assigned
}

// executeSwitch: existingSub.planId === newPlan.id -> "Already subscribed to <Name>".
BOOST_AUTO_TEST_CASE(already_subscribed) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(attach(id, "free"), 200,
                  R"({"success":true,"type":"lateral","requiresCheckout":false,"subscriptionId":"<uuid>","message":"Already subscribed to Free","customer_id":"<uuid>"})");
}

// handleFreePlanSwitch: free -> free in the same group is lateral; the old one is cancelled.
BOOST_AUTO_TEST_CASE(free_to_free_is_lateral) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(attach(id, "lite"), 200,
                  R"({"success":true,"type":"lateral","requiresCheckout":false,"subscriptionId":"<uuid>","message":"Switched to free plan Lite","customer_id":"<uuid>"})");
    BOOST_TEST(code_of_check(id, "sso") == "feature_not_in_plan");
}

// findSwitchableSubscription: a plan without a group replaces any non-add-on subscription.
BOOST_AUTO_TEST_CASE(ungrouped_plan_replaces_the_base_plan) {
    auto id = unique("c");
    make_customer(id);
    BOOST_TEST(body_of(attach(id, "solo")).at("type").as_string() == "lateral");
    BOOST_TEST(code_of_check(id, "sso") == "feature_not_in_plan");
}

// executeSwitch: an upgrade from a free plan cancels it, then handleNewSubscription: type new,
// "Checkout created for <Name>", no subscriptionId.
BOOST_AUTO_TEST_CASE(paid_from_free_needs_checkout) {
    auto id = unique("c");
    make_customer(id);
    auto r = attach(id, "starter");
    expect_answer(r, 200,
                  R"({"success":true,"type":"new","requiresCheckout":true,"checkoutUrl":"<url>","message":"Checkout created for Starter","customer_id":"<uuid>"})");
    BOOST_TEST(code_of_check(id, "api-calls") == "no_active_subscription");
    pay(r);
    BOOST_TEST(code_of_check(id, "api-calls") == "access_granted");
}

// createUpgradeCheckout: paid -> dearer paid: type upgrade, "Checkout created for upgrade to <Name>".
BOOST_AUTO_TEST_CASE(paid_upgrade) {
    auto id = unique("c");
    make_customer(id);
    pay(attach(id, "starter"));
    expect_answer(attach(id, "pro"), 200,
                  R"({"success":true,"type":"upgrade","requiresCheckout":true,"checkoutUrl":"<url>","message":"Checkout created for upgrade to Pro","customer_id":"<uuid>"})");
}

// handleLateralSwitch: same monthly price: the same subscription, the new plan's features now.
BOOST_AUTO_TEST_CASE(paid_lateral) {
    auto id = unique("c");
    make_customer(id);
    pay(attach(id, "pro"));
    expect_answer(attach(id, "team"), 200,
                  R"({"success":true,"type":"lateral","requiresCheckout":false,"subscriptionId":"<uuid>","message":"Switched to Team. Features updated immediately.","customer_id":"<uuid>"})");
    BOOST_TEST(body_of(post("/v1/check", R"({"customer":")" + id + R"(","feature":"api-calls"})")).at("limit").to_number<double>() == 500);
}

// handleDowngrade (runs before the free-plan branch): scheduled for the period end; the current
// plan stays in force. detectSwitchType compares monthly prices (49000/yr < 4900/mo).
BOOST_AUTO_TEST_CASE(downgrade_is_scheduled) {
    auto id = unique("c");
    make_customer(id);
    pay(attach(id, "pro"));
    auto r = attach(id, "pro-annual");
    expect_answer(r, 200,
                  R"({"success":true,"type":"downgrade","requiresCheckout":false,"subscriptionId":"<uuid>","scheduledAt":"<number>","message":"<string>","customer_id":"<uuid>"})");
    auto b = body_of(r);
    auto free = body_of(attach(id, "free"));
    BOOST_TEST(free.at("type").as_string() == "downgrade");
    BOOST_TEST(std::string(free.at("message").as_string()).starts_with("Downgrade to Free scheduled for 20"));
    BOOST_TEST(b.at("scheduledAt") == free.at("scheduledAt"));
    BOOST_TEST(body_of(post("/v1/check", R"({"customer":")" + id + R"(","feature":"api-calls"})")).at("details").at("planName").as_string() == "Pro");
}

// findSwitchableSubscription: add-ons stack; a paid add-on goes through checkout as new.
BOOST_AUTO_TEST_CASE(addon_stacks) {
    auto id = unique("c");
    make_customer(id);
    BOOST_TEST(body_of(attach(id, "boost")).at("type").as_string() == "new");
    BOOST_TEST(code_of_check(id, "sso") == "access_granted");
}

// The trial branch (trialDays > 0, no card): "<n>-day trial activated", then "Trial already active".
BOOST_AUTO_TEST_CASE(trial) {
    auto id = unique("c");
    make_customer(id);
    expect_answer(attach(id, "trial-pro"), 200,
                  R"({"success":true,"trial":true,"message":"14-day trial activated","subscription_id":"<uuid>","customer_id":"<uuid>","trial_ends_at":"<iso>"})");
    expect_answer(attach(id, "trial-pro"), 200,
                  R"({"success":true,"trial":true,"message":"Trial already active","subscription_id":"<uuid>","customer_id":"<uuid>","trial_ends_at":"<iso>"})");
}

// 5b of the attach handler (trialDays > 0, trialCardRequired, no card on file): a card-capture
// checkout, answered {success, trial, trial_days, checkoutUrl, reference} without customer_id
// (G26). lib/webhooks/handlers/charge-success.ts handleTrialCreation: once the card is captured
// the subscription is trialing, ending at the trial end computed at the attach; before that
// nothing grants.
BOOST_AUTO_TEST_CASE(trial_with_card_required) {
    auto id = unique("card");
    auto r = attach(id, "trial-card");
    expect_answer(r, 200, R"({"success":true,"trial":true,"trial_days":7,"checkoutUrl":"<url>","reference":"<string>"})");
    BOOST_TEST(code_of_check(id, "exports") == "no_active_subscription");
    pay(r);
    auto check = body_of(post("/v1/check", R"({"customer":")" + id + R"(","feature":"exports"})"));
    BOOST_TEST(check.at("code").as_string() == "access_granted");
    BOOST_TEST(check.at("limit").as_int64() == 3);   // the trial limit
    BOOST_TEST(check.at("details").at("trial").as_bool());
    BOOST_TEST(check.at("details").at("planName").as_string() == "Trial Card");
    pay(r);   // the page again changes nothing
    BOOST_TEST(body_of(post("/v1/check", R"({"customer":")" + id + R"(","feature":"exports"})")) == check);
}

// attach handler: a customer conflict is a 409 string error.
BOOST_AUTO_TEST_CASE(ambiguous_customer_is_409) {
    auto email = unique("dup") + "@x.io";
    for (const char* s : {"1", "2"})
        post("/v1/customers", R"({"id":")" + email.substr(0, email.find('@')) + s + R"(","email":")" + email + "\"}");
    expect_answer(attach(email, "free"), 409,
                  R"({"success":false,"error":"Multiple customers in organization 'org_a' match email ')" + email +
                      R"('. Use the internal customer ID instead."})");
}

BOOST_AUTO_TEST_SUITE_END()
