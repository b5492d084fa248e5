// POST /v1/sync: routes/api/sync.ts (syncPayloadSchema, reconcilePlanFeatures).
#include "expect.hpp"

#include <boost/test/unit_test.hpp>

using namespace conformance;

BOOST_AUTO_TEST_SUITE(sync_route)

// reconcilePlanFeatures: `if (!feature) continue;` — an unknown feature is skipped, no warning.
BOOST_AUTO_TEST_CASE(unknown_plan_feature_is_skipped_silently) {
    auto r = post("/v1/sync", R"({"features":[],"plans":[{"slug":"ghost","name":"Ghost","price":0,"currency":"USD","interval":"monthly",)"
                              R"("planGroup":"ghosts","features":[{"slug":"no-such-feature","enabled":true,"limit":1},{"slug":"sso","enabled":true}]}]})");
    BOOST_TEST(r.status == 200, r.body);
    BOOST_TEST(body_of(r).at("warnings").as_array().empty());
}

BOOST_AUTO_TEST_SUITE_END()
