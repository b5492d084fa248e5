// GET /v1/plans and GET /v1/plans/{slug}: routes/api/plans.ts createApiPlansRoute, the list and
// getPlanRoute handlers, over what routes/api/sync.ts reconcilePlanFeatures stores.
#include "expect.hpp"

#include <boost/test/unit_test.hpp>

using namespace conformance;

BOOST_AUTO_TEST_SUITE(plans)

// getPlanRoute handler: unknown slug -> 404 "Plan not found".
BOOST_AUTO_TEST_CASE(get_unknown_plan) {
    expect_answer(get("/v1/plans/nope"), 404, R"({"success":false,"error":"Plan not found"})");
}

// getPlanRoute handler: PublicPlan without provider/autoEnable; every feature with meterType,
// trialLimit, normalised resetInterval and the synced pricing defaults; booleans with a null
// limit and resetInterval and no usageModel.
BOOST_AUTO_TEST_CASE(get_plan) {
    expect_answer(get("/v1/plans/free"), 200, R"({"success":true,"plan":{"id":"<uuid>","slug":"free","name":"Free","description":null,
      "price":0,"currency":"USD","interval":"monthly","type":"free","billingType":"recurring","isAddon":false,"planGroup":"main",
      "trialDays":0,"trialCardRequired":false,"features":[
      {"slug":"seats","name":"Seats","type":"metered","meterType":"non_consumable","enabled":true,"limit":2,"trialLimit":null,"resetInterval":"never","unit":null,"usageModel":"included","billingUnits":1,"ratingModel":"package"},
      {"slug":"api-calls","name":"API calls","type":"metered","meterType":"consumable","enabled":true,"limit":5,"trialLimit":null,"resetInterval":"monthly","unit":null,"usageModel":"included","billingUnits":1,"ratingModel":"package"},
      {"slug":"sso","name":"Single sign-on","type":"boolean","meterType":"consumable","enabled":true,"limit":null,"trialLimit":null,"resetInterval":null,"unit":null,"billingUnits":1,"ratingModel":"package"},
      {"slug":"hourly-jobs","name":"Hourly jobs","type":"metered","meterType":"consumable","enabled":true,"limit":3,"trialLimit":null,"resetInterval":"hourly","unit":null,"usageModel":"included","billingUnits":1,"ratingModel":"package"}]}})");
}

// sync.ts reconcilePlanFeatures: a feature without reset is stored "monthly"; enabled:false
// features are not part of the plan ([local] an unknown feature slug is refused by sync and the
// catalog file, docs/protocol.md §6).
BOOST_AUTO_TEST_CASE(plan_features_as_synced) {
    auto starter = body_of(get("/v1/plans/starter")).at("plan").at("features").as_array();
    BOOST_TEST(starter.at(1).at("resetInterval").as_string() == "monthly");
    auto ghost = body_of(get("/v1/plans/ghost")).at("plan").at("features").as_array();
    BOOST_TEST(ghost.size() == 1u);
    BOOST_TEST(ghost.at(0).at("slug").as_string() == "sso");
    BOOST_TEST(body_of(get("/v1/plans/legacy")).at("plan").at("features").as_array().empty());
}

// list handler: provider and autoEnable on each item, newest first, inactive plans only on
// request, currency compared case-insensitively.
BOOST_AUTO_TEST_CASE(list_plans) {
    auto plans = body_of(get("/v1/plans")).at("plans").as_array();
    BOOST_TEST(plans.front().at("slug").as_string() == "ghost");
    BOOST_TEST(plans.back().at("slug").as_string() == "free");
    BOOST_TEST(plans.back().at("provider").is_null());
    BOOST_TEST(plans.back().at("autoEnable").as_bool());
    for (const auto& p : plans) BOOST_TEST(p.at("slug").as_string() != "legacy");
    auto all = body_of(get("/v1/plans?includeInactive=true")).at("plans").as_array();
    BOOST_TEST(all.size() == plans.size() + 1);
    auto usd = body_of(get("/v1/plans?currency=usd")).at("plans").as_array();
    BOOST_TEST(usd.size() == plans.size());
}

// listPlansRoute query schema (four z.string().optional()): a repeated parameter is an array,
// which zod refuses with the raw ZodError (G28).
BOOST_AUTO_TEST_CASE(repeated_query_parameter) {
    expect_zod_400(get("/v1/plans?group=main&group=main"),
                   R"([{"expected":"string","code":"invalid_type","path":["group"],"message":"Invalid input: expected string, received array"}])");
}

// list handler: `if (group)` — an empty filter filters nothing.
BOOST_AUTO_TEST_CASE(empty_filter_is_no_filter) {
    BOOST_TEST(body_of(get("/v1/plans?group=&interval=&currency=")).at("plans").as_array().size() ==
               body_of(get("/v1/plans")).at("plans").as_array().size());
}

BOOST_AUTO_TEST_SUITE_END()
