// POST /v1/sync: routes/api/sync.ts (syncPayloadSchema through the route's zod-openapi body
// validator, reconcilePlanFeatures) and lib/plan-feature-normalization.ts
// (validatePlanFeaturePricingConfig).
#include "expect.hpp"

#include <boost/test/unit_test.hpp>

using namespace conformance;

namespace {

/// A payload with one plan `slug` whose plan features are `features` (JSON array text).
std::string plan_payload(const std::string& slug, const std::string& features, const std::string& price = "0") {
    return R"({"features":[],"plans":[{"slug":")" + slug + R"(","name":"P","price":)" + price +
           R"(,"currency":"USD","interval":"monthly","features":)" + features + "}]}";
}

const std::string missing_sections =
    R"([{"expected":"array","code":"invalid_type","path":["features"],"message":"Invalid input: expected array, received undefined"},)"
    R"({"expected":"array","code":"invalid_type","path":["plans"],"message":"Invalid input: expected array, received undefined"}])";

} // namespace

BOOST_AUTO_TEST_SUITE(sync_route)

// reconcilePlanFeatures: `if (!feature) continue;` skips an unknown feature. [local] Refused
// instead, with every other problem of the catalog, and nothing applied (docs/protocol.md §6).
BOOST_AUTO_TEST_CASE(unknown_plan_feature_is_refused) {
    expect_zod_400(post("/v1/sync", R"({"features":[],"plans":[{"slug":"ghost-2","name":"Ghost","price":0,"currency":"USD","interval":"monthly",)"
                                    R"("features":[{"slug":"no-such-feature","enabled":true,"limit":1},{"slug":"sso","enabled":true}]}]})"),
                   R"([{"code":"custom","path":["plans",0,"features",0,"slug"],"message":"Plan 'ghost-2' references unknown feature 'no-such-feature'"}])");
    expect_answer(get("/v1/plans/ghost-2"), 404, R"({"success":false,"error":"Plan not found"})");
}

// [local] Every problem of an invalid catalog in one answer: duplicate slugs, unknown features
// and credit systems, negative and fractional prices; nothing of it is applied (§6).
BOOST_AUTO_TEST_CASE(invalid_catalog_lists_every_problem) {
    auto payload = R"({"features":[{"slug":"dup-f","type":"metered","name":"D"},{"slug":"dup-f","type":"metered","name":"D"}],)"
                   R"("creditSystems":[{"slug":"cs-x","name":"X","features":[{"feature":"nope","creditCost":1}]}],)"
                   R"("creditPacks":[{"slug":"pk-x","name":"P","credits":1,"price":1,"currency":"USD","creditSystem":"cs-none"}],)"
                   R"("plans":[{"slug":"p-bad","name":"B","price":-100,"currency":"USD","interval":"monthly",)"
                   R"("features":[{"slug":"api-calls","enabled":true,"overage":"charge","overagePrice":1.5},{"slug":"api-calls","enabled":true}]},)"
                   R"({"slug":"p-bad","name":"B","price":0,"currency":"USD","interval":"monthly","features":[]}]})";
    expect_zod_400(post("/v1/sync", payload),
                   R"([{"code":"custom","path":["features",1,"slug"],"message":"Duplicate slug 'dup-f' in features"},)"
                   R"({"code":"custom","path":["plans",1,"slug"],"message":"Duplicate slug 'p-bad' in plans"},)"
                   R"({"code":"custom","path":["plans",0,"price"],"message":"price must not be negative"},)"
                   R"({"code":"custom","path":["plans",0,"features",0,"overagePrice"],"message":"overagePrice must be an integer amount of minor units"},)"
                   R"({"code":"custom","path":["plans",0,"features",1,"slug"],"message":"Plan 'p-bad' lists feature 'api-calls' twice"},)"
                   R"({"code":"custom","path":["creditSystems",0,"features",0,"feature"],"message":"Credit system 'cs-x' references unknown feature 'nope'"},)"
                   R"({"code":"custom","path":["creditPacks",0,"creditSystem"],"message":"Credit pack 'pk-x' references unknown credit system 'cs-none'"}])");
    expect_answer(get("/v1/plans/p-bad"), 404, R"({"success":false,"error":"Plan not found"})");
    BOOST_TEST(body_of(get("/v1/credit-systems")).at("creditSystems").as_array().size() == 1u);   // only the suite catalog's
}

// syncPayloadSchema: `features` and `plans` are required z.array()s (G29).
BOOST_AUTO_TEST_CASE(features_and_plans_are_required) {
    expect_zod_400(post("/v1/sync", "{}"), missing_sections);
}

// syncCatalogRoute's body is required application/json: hono's json validator reads a body of
// another content type as {}, which then misses both sections (G29).
BOOST_AUTO_TEST_CASE(non_json_content_type_is_read_as_empty) {
    expect_zod_400(call({.method = "POST", .target = "/v1/sync", .body = R"({"features":[],"plans":[]})",
                         .headers = {{"Content-Type", "text/plain"}}}),
                   missing_sections);
}

// syncFeatureSchema: type is z.enum(["metered", "boolean"]); there is no "static" (G29, G2).
BOOST_AUTO_TEST_CASE(feature_type_has_no_static) {
    expect_zod_400(post("/v1/sync", R"({"features":[{"slug":"s","type":"static","name":"S"}],"plans":[]})"),
                   R"([{"code":"invalid_value","values":["metered","boolean"],"path":["features",0,"type"],)"
                   R"("message":"Invalid option: expected one of \"metered\"|\"boolean\""}])");
}

// syncPlanFeatureSchema: enabled is a required z.boolean() (G29).
BOOST_AUTO_TEST_CASE(plan_feature_enabled_is_required) {
    expect_zod_400(post("/v1/sync", plan_payload("p-enabled", R"([{"slug":"api-calls","limit":1}])")),
                   R"([{"expected":"boolean","code":"invalid_type","path":["plans",0,"features",0,"enabled"],)"
                   R"("message":"Invalid input: expected boolean, received undefined"}])");
}

// syncPlanFeatureSchema tiers: .refine(unitPrice !== undefined || flatFee !== undefined) (G29).
BOOST_AUTO_TEST_CASE(tier_needs_a_price) {
    expect_zod_400(post("/v1/sync", plan_payload("p-tier", R"([{"slug":"api-calls","enabled":true,"tiers":[{"upTo":10}]}])")),
                   R"([{"code":"custom","path":["plans",0,"features",0,"tiers",0],)"
                   R"("message":"Each tier must define unitPrice, flatFee, or both"}])");
}

// The handler, after the schema: validatePlanFeaturePricingConfig on every non-boolean plan
// feature; the first failure is a string 400 (G29).
BOOST_AUTO_TEST_CASE(pricing_config_is_checked) {
    expect_answer(post("/v1/sync", plan_payload("p-pricing", R"([{"slug":"api-calls","enabled":true,"usageModel":"usage_based"}])")),
                  400,
                  R"({"success":false,"error":"Invalid pricing config for plan 'p-pricing' feature 'api-calls': Usage-based package pricing requires pricePerUnit."})");
    expect_answer(post("/v1/sync", plan_payload("p-pricing", R"([{"slug":"api-calls","enabled":true,"limit":-1}])")), 400,
                  R"({"success":false,"error":"Invalid pricing config for plan 'p-pricing' feature 'api-calls': limitValue must be a non-negative number."})");
    expect_answer(get("/v1/plans/p-pricing"), 404, R"({"success":false,"error":"Plan not found"})");
}

// syncPlanSchema price: z.number(). JSON.parse reads 1e400 as Infinity, which zod 4 refuses with
// received "Infinity"; nothing is stored.
BOOST_AUTO_TEST_CASE(infinite_price_is_refused) {
    expect_zod_400(post("/v1/sync", plan_payload("p-infinite", "[]", "1e400")),
                   R"([{"expected":"number","code":"invalid_type","received":"Infinity","path":["plans",0,"price"],)"
                   R"("message":"Invalid input: expected number, received number"}])");
    expect_answer(get("/v1/plans/p-infinite"), 404, R"({"success":false,"error":"Plan not found"})");
}

// syncPlanSchema: currency and interval any strings; the stored type is
// `price === 0 ? "free" : "paid"` (G29). [local] The price is integer minor units, not negative.
BOOST_AUTO_TEST_CASE(currency_and_interval_are_free_form) {
    auto r = post("/v1/sync", R"({"features":[],"plans":[{"slug":"p-odd","name":"Odd","price":15,"currency":"","interval":"",)"
                              R"("features":[]}]})");
    BOOST_TEST(r.status == 200, r.body);
    auto plan = body_of(get("/v1/plans/p-odd")).at("plan").as_object();
    BOOST_TEST(plan.at("price").as_int64() == 15);
    BOOST_TEST(plan.at("type").as_string() == "paid");
    BOOST_TEST(plan.at("currency").as_string() == "");
}

BOOST_AUTO_TEST_SUITE_END()
