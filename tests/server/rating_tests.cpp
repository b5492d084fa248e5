// lib/usage-rating.ts rateUsage and getCurrentPricingTier as domain/rating.cpp computes them, in
// integer minor units. Every expected figure below is worked out by hand in the comment above it.
#include "domain/rating.hpp"

#include <boost/test/unit_test.hpp>

using owo::local::current_pricing_tier;
using owo::local::feature_pricing;
using owo::local::price_tier;
using owo::local::rate_usage;

namespace {

feature_pricing package(const char* usage_model, std::optional<std::int64_t> price, std::optional<std::int64_t> overage,
                        std::int64_t billing_units) {
    feature_pricing p;
    p.usage_model = usage_model;
    p.price_per_unit = price;
    p.overage_price = overage;
    p.billing_units = billing_units;
    p.overage = "charge";
    return p;
}

feature_pricing tiered(const char* usage_model, const char* rating_model) {
    feature_pricing p;
    p.usage_model = usage_model;
    p.rating_model = rating_model;
    // 0-10 at 100; 11-50 at 80; beyond 50 at 50 plus a flat 1000.
    p.tiers = {price_tier{10, 100, std::nullopt}, price_tier{50, 80, std::nullopt}, price_tier{std::nullopt, 50, 1000}};
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(rating)

// Included 100, overage 50 per package of 10: 137 used -> 37 billable -> ceil(3.7) = 4 packages
// -> 4 x 50 = 200.
BOOST_AUTO_TEST_CASE(package_overage_rounds_up_to_whole_packages) {
    auto r = rate_usage(package("included", 7, 50, 10), 137, 100);
    BOOST_TEST(r.billable_quantity == 37);
    BOOST_TEST(r.amount == 200);
    BOOST_TEST(*r.price_per_unit == 50);   // overagePrice before pricePerUnit for included features
    BOOST_TEST(*r.billing_units == 10);
    BOOST_TEST(!r.tiers);
    // 140 used -> 40 billable -> exactly 4 packages -> 200; 141 -> 5 packages -> 250.
    BOOST_TEST(rate_usage(package("included", 7, 50, 10), 140, 100).amount == 200);
    BOOST_TEST(rate_usage(package("included", 7, 50, 10), 141, 100).amount == 250);
}

// Within the included amount nothing is billable.
BOOST_AUTO_TEST_CASE(package_within_included_is_free) {
    auto r = rate_usage(package("included", std::nullopt, 50, 10), 100, 100);
    BOOST_TEST(r.billable_quantity == 0);
    BOOST_TEST(r.amount == 0);
}

// Usage-based: every unit; pricePerUnit before overagePrice. 13 x 7 = 91.
BOOST_AUTO_TEST_CASE(package_usage_based_bills_every_unit) {
    auto r = rate_usage(package("usage_based", 7, 50, 1), 13, std::nullopt);
    BOOST_TEST(r.billable_quantity == 13);
    BOOST_TEST(r.amount == 91);
    // An included feature without overagePrice falls back to pricePerUnit: (12 - 10) x 7 = 14.
    BOOST_TEST(rate_usage(package("included", 7, std::nullopt, 1), 12, 10).amount == 14);
}

// Prepaid usage is never billed afterwards.
BOOST_AUTO_TEST_CASE(prepaid_is_not_billed) {
    BOOST_TEST(rate_usage(package("prepaid", 7, 50, 1), 500, 10).amount == 0);
}

// Graduated, usage-based, 75 units: 10 x 100 = 1000; 40 x 80 = 3200; 25 x 50 + 1000 = 2250;
// total 6450.
BOOST_AUTO_TEST_CASE(graduated_fills_each_tier) {
    auto r = rate_usage(tiered("usage_based", "graduated"), 75, std::nullopt);
    BOOST_TEST(r.billable_quantity == 75);
    BOOST_TEST(r.amount == 6450);
    BOOST_TEST(!r.price_per_unit);
    BOOST_REQUIRE_EQUAL(r.tiers->size(), 3u);
    BOOST_TEST((*r.tiers)[0].units == 10);
    BOOST_TEST((*r.tiers)[0].amount == 1000);
    BOOST_TEST((*r.tiers)[1].units == 40);
    BOOST_TEST((*r.tiers)[1].amount == 3200);
    BOOST_TEST((*r.tiers)[2].units == 25);
    BOOST_TEST(*(*r.tiers)[2].flat_fee == 1000);
    BOOST_TEST((*r.tiers)[2].amount == 2250);
    // Exactly at a bound: 10 x 100 = 1000, one tier.
    auto at_bound = rate_usage(tiered("usage_based", "graduated"), 10, std::nullopt);
    BOOST_TEST(at_bound.amount == 1000);
    BOOST_TEST(at_bound.tiers->size() == 1u);
}

// Graduated overage of an included feature: 30 used, 12 included -> 18 billable:
// 10 x 100 + 8 x 80 = 1000 + 640 = 1640.
BOOST_AUTO_TEST_CASE(graduated_overage_starts_after_the_included_units) {
    auto r = rate_usage(tiered("included", "graduated"), 30, 12);
    BOOST_TEST(r.billable_quantity == 18);
    BOOST_TEST(r.amount == 1640);
}

// Volume: every billable unit at the tier the total falls in. 35 billable -> tier 1 (11-50):
// 35 x 80 = 2800. 60 -> tier 2: 60 x 50 + 1000 = 4000. 7 -> tier 0: 7 x 100 = 700.
BOOST_AUTO_TEST_CASE(volume_prices_all_units_at_one_tier) {
    auto r = rate_usage(tiered("usage_based", "volume"), 35, std::nullopt);
    BOOST_TEST(r.amount == 2800);
    BOOST_TEST(*r.price_per_unit == 80);
    BOOST_TEST(*r.billing_units == 1);
    BOOST_REQUIRE_EQUAL(r.tiers->size(), 1u);
    BOOST_TEST((*r.tiers)[0].tier == 1u);
    BOOST_TEST(rate_usage(tiered("usage_based", "volume"), 60, std::nullopt).amount == 4000);
    BOOST_TEST(rate_usage(tiered("usage_based", "volume"), 7, std::nullopt).amount == 700);
}

// Tiered pricing without tiers rates nothing; no usage rates nothing.
BOOST_AUTO_TEST_CASE(tiered_without_tiers_or_usage) {
    feature_pricing p;
    p.usage_model = "usage_based";
    p.rating_model = "graduated";
    BOOST_TEST(rate_usage(p, 50, std::nullopt).amount == 0);
    BOOST_TEST(rate_usage(tiered("usage_based", "graduated"), 0, std::nullopt).tiers->empty());
}

// getCurrentPricingTier: 75 units are in tier 2, which starts at 50 and never ends; 20 units in
// tier 1 (10-50); package pricing has none.
BOOST_AUTO_TEST_CASE(current_tier) {
    auto t = current_pricing_tier(tiered("usage_based", "graduated"), 75, std::nullopt);
    BOOST_REQUIRE(t);
    BOOST_TEST(t->index == 2u);
    BOOST_TEST(t->starts_at == 50);
    BOOST_TEST(!t->ends_at);
    BOOST_TEST(t->unit_price == 50);
    BOOST_TEST(*t->flat_fee == 1000);
    auto second = current_pricing_tier(tiered("usage_based", "volume"), 20, std::nullopt);
    BOOST_TEST(second->index == 1u);
    BOOST_TEST(second->starts_at == 10);
    BOOST_TEST(*second->ends_at == 50);
    BOOST_TEST(!current_pricing_tier(package("included", 7, 50, 10), 500, 100));
}

BOOST_AUTO_TEST_SUITE_END()
