// Issue #19 on the SDK side, without a network: the catalog declared in code (the payload
// upstream's buildSyncPayload makes, every problem listed before sending), feature handles, and
// the credits, billing and wallet operations fed upstream's exact answers. Each body below is
// what the route code writes (apps/api/src/routes/api/{sync,addon,billing,wallet,
// credit-systems,credit-packs}.ts and lib/billing.ts at snapshot e154384), errors included.
#include "json_mapping.hpp"
#include "operation_test_support.hpp"
#include "response.hpp"

#include <owostack/blocking_client.hpp>
#include <owostack/catalog.hpp>
#include <owostack/customer.hpp>
#include <owostack/pager.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace owo::detail;
using namespace owo::test;
using owo::error;

namespace {

/// The JSON body of request bytes.
json::value body_of(const std::string& request) {
    auto at = request.find("\r\n\r\n");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    return json::parse(request.substr(at + 4));
}

/// The catalog of the examples: every kind of feature, a credit system and pack, three plans.
owo::catalog example_catalog() {
    owo::catalog c;
    auto api_calls = c.metered("api-calls", {.name = "API calls"});
    auto seats = c.entity("seats");
    auto sso = c.boolean("sso");
    auto tokens = c.metered("ai-tokens");
    auto credits = c.credit_system("ai-credits", {.name = "AI credits", .features = {{"ai-tokens", 2}}});
    c.credit_pack("250-credits", {.name = "250 credits", .credits = 250, .price = 500, .currency = "USD",
                                  .credit_system = "ai-credits"});
    c.plan("free", {.name = "Free", .price = 0, .currency = "USD", .interval = "monthly",
                    .features = {api_calls.limit(1000), seats.limit(1), sso.off()}, .auto_enable = true});
    c.plan("pro", {.name = "Pro", .price = 2900, .currency = "USD", .interval = "monthly",
                   .features = {api_calls.limit(10'000, {.overage = "charge", .overage_price = 20, .billing_units = 100}),
                                seats.limit(5), sso.on(), credits.credits(1000)},
                   .plan_group = "main", .trial_days = 14});
    c.plan("scale", {.name = "Scale", .price = 9900, .currency = "USD", .interval = "yearly",
                     .features = {api_calls.graduated({{.up_to = 1000, .unit_price = 0}, {.up_to = {}, .unit_price = 2}}),
                                  tokens.per_unit(3, "daily"), seats.unlimited()},
                     .plan_group = "main"});
    return c;
}

const char* sync_answer =
    R"({"success":true,"features":{"created":["api-calls","seats","sso","ai-tokens"],"updated":[],"unchanged":[]},)"
    R"("creditSystems":{"created":["ai-credits"],"updated":[],"unchanged":[]},"creditPacks":{"created":["250-credits"],"updated":[],"unchanged":[]},)"
    R"("plans":{"created":["free","pro"],"updated":["scale"],"unchanged":[]},"warnings":[]})";

} // namespace

BOOST_AUTO_TEST_SUITE(parity_catalog)

// The payload, key for key, as upstream's buildSyncPayload writes it for the same declaration
// (limit(): reset monthly / never for entities, overage block; perUnit(): usage_based, package,
// billingUnits 1, overage charge; graduated(): tiers, overage charge; booleans: limit and
// trialLimit null, no reset).
BOOST_AUTO_TEST_CASE(sync_payload_is_upstreams) {
    const std::string expected =
        R"({"features":[{"slug":"api-calls","type":"metered","name":"API calls"},{"slug":"seats","type":"metered","name":"Seats","meterType":"non_consumable"},)"
        R"({"slug":"sso","type":"boolean","name":"Sso"},{"slug":"ai-tokens","type":"metered","name":"Ai Tokens"}],)"
        R"("creditSystems":[{"slug":"ai-credits","name":"AI credits","features":[{"feature":"ai-tokens","creditCost":2}]}],)"
        R"("creditPacks":[{"slug":"250-credits","name":"250 credits","credits":250,"price":500,"currency":"USD","creditSystem":"ai-credits"}],)"
        R"("plans":[{"slug":"free","name":"Free","price":0,"currency":"USD","interval":"monthly","billingType":"recurring","autoEnable":true,"features":[)"
        R"({"slug":"api-calls","enabled":true,"limit":1000,"trialLimit":null,"reset":"monthly","overage":"block"},)"
        R"({"slug":"seats","enabled":true,"limit":1,"trialLimit":null,"reset":"never","overage":"block"},)"
        R"({"slug":"sso","enabled":false,"limit":null,"trialLimit":null}]},)"
        R"({"slug":"pro","name":"Pro","price":2900,"currency":"USD","interval":"monthly","billingType":"recurring","planGroup":"main","trialDays":14,"features":[)"
        R"({"slug":"api-calls","enabled":true,"limit":10000,"trialLimit":null,"reset":"monthly","overage":"charge","overagePrice":20,"billingUnits":100},)"
        R"({"slug":"seats","enabled":true,"limit":5,"trialLimit":null,"reset":"never","overage":"block"},)"
        R"({"slug":"sso","enabled":true,"limit":null,"trialLimit":null},)"
        R"({"slug":"ai-credits","enabled":true,"limit":1000,"trialLimit":null,"reset":"monthly","overage":"block"}]},)"
        R"({"slug":"scale","name":"Scale","price":9900,"currency":"USD","interval":"yearly","billingType":"recurring","planGroup":"main","features":[)"
        R"({"slug":"api-calls","enabled":true,"limit":null,"trialLimit":null,"reset":"monthly","usageModel":"usage_based","ratingModel":"graduated",)"
        R"("tiers":[{"upTo":1000,"unitPrice":0},{"upTo":null,"unitPrice":2}],"overage":"charge"},)"
        R"({"slug":"ai-tokens","enabled":true,"limit":null,"trialLimit":null,"reset":"daily","usageModel":"usage_based","pricePerUnit":3,"ratingModel":"package","overage":"charge","billingUnits":1},)"
        R"({"slug":"seats","enabled":true,"limit":null,"trialLimit":null,"reset":"never","overage":"block"}]}]})";
    auto c = example_catalog();
    BOOST_TEST(c.problems().empty());
    BOOST_TEST(json::serialize(c.sync_payload()) == expected);
    // POST /v1/sync sends exactly that.
    auto spec = request_of<op::sync>(c);
    BOOST_TEST(spec.target == "/v1/sync");
    BOOST_TEST(spec.body == expected);
    BOOST_TEST(spec.idempotency_key.size() == 36u);
}

BOOST_AUTO_TEST_CASE(a_payload_reads_back_to_the_same_catalog) {
    auto c = example_catalog();
    c.default_provider = "stripe";
    auto again = owo::catalog::from_sync_payload(c.sync_payload());
    BOOST_TEST(json::serialize(again.sync_payload()) == json::serialize(c.sync_payload()));
    BOOST_TEST(again.problems().empty());
    BOOST_TEST((again.feature("seats").kind() == owo::feature_kind::entity));
    BOOST_TEST((again.feature("sso").kind() == owo::feature_kind::boolean));
    BOOST_TEST(again.plans().at(1).features.at(0).terms.overage_price.value_or(0) == 20);
    // What is not a catalog is refused naming where.
    try {
        owo::catalog::from_sync_payload(json::parse(R"({"features":[{"slug":"a","type":"counter","name":"A"}],"plans":[]})"));
        BOOST_ERROR("a feature of an unknown type was read");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()) == "catalog: features[0]: type 'counter' is not metered or boolean");
    }
    BOOST_CHECK_THROW(owo::catalog::from_sync_payload(json::parse(R"({"plans":[{"slug":"p"}]})")), std::invalid_argument);
    BOOST_CHECK_THROW(owo::catalog::from_sync_payload(json::parse("[]")), std::invalid_argument);
}

// Every problem, in declaration order — not only the first.
BOOST_AUTO_TEST_CASE(every_problem_is_listed) {
    owo::catalog c;
    auto calls = c.metered("api-calls");
    c.metered("api-calls");                                   // duplicate key
    auto sso = c.boolean("sso");
    c.metered("");                                            // empty slug
    owo::feature_handle ghost("ghost", owo::feature_kind::metered);   // not declared
    c.credit_system("credits", {.features = {{"nowhere", 1}, {"sso", 1}}});
    c.credit_pack("pack", {.name = "", .credits = 0, .price = -5, .currency = "$", .credit_system = "none"});
    c.plan("pro", {.name = "Pro", .price = -100, .currency = "USD", .interval = "fortnightly",
                   .features = {calls.limit(-1), ghost.limit(5), sso.on(), sso.on(),
                                calls.config(std::nullopt, {.usage_model = "usage_based"}),
                                owo::plan_feature_entry{.slug = "sso", .limit = 3}},
                   .trial_days = -1});
    c.plan("pro", {.name = "Again", .price = 0, .currency = "USD",
                   .features = {calls.graduated({{.up_to = 100, .unit_price = 1}, {.up_to = {}, .unit_price = 2}, {.up_to = 50}}),
                                calls.config(10, {.overage = "charge"}),
                                calls.config(10, {.billing_units = 0, .rating_model = "package", .tiers = {{.up_to = 1, .unit_price = 1}}})}});
    const std::vector<std::string> expected{
        "feature 'api-calls': declared more than once",
        "feature '': slug must not be empty",
        "credit system 'credits': feature 'nowhere' is not declared in the catalog",
        "credit system 'credits': feature 'sso' is boolean and cannot cost credits",
        "credit pack 'pack': name must not be empty",
        "credit pack 'pack': credits must be at least 1",
        "credit pack 'pack': price must not be negative",
        "credit pack 'pack': currency '$' must have at least 3 characters (ISO 4217)",
        "credit pack 'pack': credit system 'none' is not declared in the catalog",
        "plan 'pro': price must not be negative",
        "plan 'pro': interval 'fortnightly' is not one of daily, weekly, monthly, quarterly, yearly",
        "plan 'pro': trial_days must not be negative",
        "plan 'pro' feature 'api-calls': limit must not be negative",
        "plan 'pro' feature 'ghost': not declared in the catalog",
        "plan 'pro' feature 'sso': listed more than once",
        "plan 'pro' feature 'api-calls': listed more than once",
        "plan 'pro' feature 'api-calls': usage-based package pricing needs price_per_unit",
        "plan 'pro' feature 'sso': listed more than once",
        "plan 'pro' feature 'sso': declared boolean but given a limit or pricing",
        "plan 'pro': declared more than once",
        "plan 'pro' feature 'api-calls': only the last tier can be open-ended (tier 2 is not last)",
        "plan 'pro' feature 'api-calls': tier 3 needs unit_price, flat_fee or both",
        "plan 'pro' feature 'api-calls': tier 3 must end above tier 2",
        "plan 'pro' feature 'api-calls': listed more than once",
        "plan 'pro' feature 'api-calls': charging for overage needs overage_price or price_per_unit",
        "plan 'pro' feature 'api-calls': listed more than once",
        "plan 'pro' feature 'api-calls': billing_units must be greater than 0",
        "plan 'pro' feature 'api-calls': package pricing cannot have tiers",
    };
    BOOST_TEST(c.problems() == expected, boost::test_tools::per_element());

    // sync refuses it with all of them in one message, and sends nothing.
    fake_client f;
    f.run([&]() -> asio::awaitable<void> {
        try {
            co_await f.client.sync(c);
            BOOST_ERROR("an invalid catalog was sent");
        } catch (const owo::api_error& e) {
            BOOST_TEST((e.code() == error::invalid_argument));
            BOOST_TEST(e.server_message().starts_with("the catalog has 28 problems: feature 'api-calls': declared more than once; "));
            BOOST_TEST(e.server_message().find("package pricing cannot have tiers") != std::string::npos);
        }
    });
    BOOST_TEST(f.env.connections_made() == 0u);
}

BOOST_AUTO_TEST_CASE(feature_lookup) {
    auto c = example_catalog();
    BOOST_TEST(c.feature("api-calls").name().value_or("") == "API calls");
    BOOST_TEST((c.feature("ai-credits").kind() == owo::feature_kind::metered));   // a credit system's balance
    try {
        c.feature("nope");
        BOOST_ERROR("an undeclared feature was found");
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()) == "the catalog declares no feature 'nope'");
    }
}

BOOST_AUTO_TEST_CASE(sync_answers) {
    fake_client f;
    f.env.script({reply(200, sync_answer),
                  reply(400, R"({"success":false,"error":"Invalid pricing config for plan 'pro' feature 'api-calls': Usage-based package pricing requires pricePerUnit."})"),
                  reply(400, R"({"success":false,"error":{"name":"ZodError","message":"[\n  {\n    \"origin\": \"string\",\n    \"code\": \"too_small\",\n    \"minimum\": 3,\n    \"inclusive\": true,\n    \"path\": [\n      \"creditPacks\",\n      0,\n      \"currency\"\n    ],\n    \"message\": \"Too small: expected string to have >=3 characters\"\n  }\n]"}})")});
    auto c = example_catalog();
    f.run([&]() -> asio::awaitable<void> {
        owo::sync_result r = co_await f.client.sync(c);
        BOOST_TEST(r.features.created == (std::vector<std::string>{"api-calls", "seats", "sso", "ai-tokens"}), boost::test_tools::per_element());
        BOOST_TEST(r.credit_systems.created.at(0) == "ai-credits");
        BOOST_TEST(r.credit_packs.created.at(0) == "250-credits");
        BOOST_TEST(r.plans.updated.at(0) == "scale");
        BOOST_TEST(r.warnings.empty());
        auto pricing = co_await expect_error(f.client.sync(c));
        BOOST_TEST((pricing.code() == error::invalid_request));
        BOOST_TEST(pricing.server_message().ends_with("Usage-based package pricing requires pricePerUnit."));
        auto zod = co_await expect_error(f.client.sync(c));
        BOOST_TEST((zod.code() == error::invalid_request));
        BOOST_TEST(zod.server_message() == "creditPacks.0.currency: Too small: expected string to have >=3 characters");
    });
    auto sent = f.env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 3u);
    BOOST_TEST(request_line_start(sent[0]) == "POST /v1/sync");
    BOOST_TEST(body_of(sent[0]) == c.sync_payload());
}

// The handles forward to check/track/entities with the feature filled in.
BOOST_AUTO_TEST_CASE(feature_handles_call_the_operations) {
    fake_client f;
    const char* granted = R"({"allowed":true,"code":"access_granted","usage":6,"limit":10000,"balance":9994})";
    f.env.script({reply(200, granted), reply(200, R"({"success":true,"allowed":true,"code":"access_granted","usage":11})"),
                  reply(200, R"({"success":true,"entityId":"u_1","featureId":"seats","count":1,"limit":5,"remaining":4})"),
                  reply(200, R"({"success":true,"entityId":"u_1","count":1})"),
                  reply(200, R"({"success":true,"entities":[],"total":0})")});
    auto c = example_catalog();
    f.run([&]() -> asio::awaitable<void> {
        owo::customer jane(f.client, owo::customer_record{.id = "cus_1"});
        auto api_calls = c.feature("api-calls");
        auto seats = c.feature("seats");
        auto allowed = co_await api_calls.check(jane);
        BOOST_TEST(allowed.allowed);
        auto tracked = co_await api_calls.track(jane, 5);
        BOOST_TEST(tracked.usage.value_or(0) == 11);
        auto added = co_await seats.add(jane, "u_1");
        BOOST_TEST(added.remaining.value_or(-1) == 4);
        co_await seats.remove(jane, "u_1");
        auto listed = co_await seats.list(jane);
        BOOST_TEST(listed.total == 0);
    });
    auto sent = f.env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 5u);
    BOOST_TEST(body_of(sent[0]) == json::parse(R"({"customer":"cus_1","feature":"api-calls"})"));
    auto tracked = body_of(sent[1]).as_object();
    BOOST_TEST(tracked.at("feature") == "api-calls");
    BOOST_TEST(tracked.at("value").to_number<double>() == 5.0);
    BOOST_TEST(body_of(sent[2]) == json::parse(R"({"customer":"cus_1","feature":"seats","entity":"u_1"})"));
    BOOST_TEST(request_line_start(sent[3]) == "POST /v1/entities/remove");
    BOOST_TEST(request_line_start(sent[4]) == "GET /v1/entities?customer=cus_1&feature=seats");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parity_credits)

BOOST_AUTO_TEST_CASE(credit_systems_and_packs_as_listed) {
    fake_client f;
    f.env.script({reply(200, R"({"success":true,"creditSystems":[{"slug":"ai-credits","name":"AI credits","description":null,"features":[{"feature":"ai-tokens","creditCost":2}]}]})"),
                  reply(200, R"({"success":true,"data":[{"id":"5b1f","slug":"250-credits","name":"250 credits","description":null,"credits":250,"price":500,"currency":"USD","creditSystemId":"ai-credits","creditSystem":"ai-credits","provider":null,"metadata":null,"isActive":true,"createdAt":1795346181901,"updatedAt":1795346181901}]})"),
                  reply(401, R"({"success":false,"error":"Invalid API Key"})")});
    f.run([&]() -> asio::awaitable<void> {
        owo::credit_systems_params none;
        auto systems = co_await f.client.credit_systems(none);
        BOOST_TEST_REQUIRE(systems.size() == 1u);
        BOOST_TEST(systems[0].name.value_or("") == "AI credits");
        BOOST_TEST(!systems[0].description.has_value());
        BOOST_TEST(systems[0].features.at(0).credit_cost == 2);
        owo::credit_packs_params all;
        auto packs = co_await f.client.credit_packs(all);
        BOOST_TEST_REQUIRE(packs.size() == 1u);
        BOOST_TEST(packs[0].price == 500);
        BOOST_TEST(packs[0].currency == "USD");
        BOOST_TEST(packs[0].credit_system.value_or("") == "ai-credits");
        BOOST_TEST(packs[0].is_active);
        auto denied = co_await expect_error(f.client.credit_systems(none));
        BOOST_TEST((denied.code() == error::unauthorized));
    });
    auto sent = f.env.requests();
    BOOST_TEST(request_line_start(sent.at(0)) == "GET /v1/credit-systems");
    BOOST_TEST(request_line_start(sent.at(1)) == "GET /v1/credit-packs");
}

BOOST_AUTO_TEST_CASE(addon_checkout_immediate_and_errors) {
    fake_client f;
    f.env.script({reply(200, R"J({"success":true,"requiresCheckout":true,"checkoutUrl":"https://checkout.paystack.com/x1","quantity":2,"credits":500,"message":"Checkout created for 2x 250 credits (500 credits)"})J"),
                  reply(200, R"({"success":true,"requiresCheckout":false,"credits":500,"balance":1500,"creditSystemId":"cs_1","reference":"ref_1"})"),
                  reply(404, R"({"success":false,"error":"Credit pack 'gold' not found"})"),
                  reply(400, R"({"success":false,"error":"No payment provider configured"})"),
                  reply(400, R"({"success":false,"error":"Credit pack '250-credits' is not attached to a credit system. Every add-on pack must have a creditSystemId."})"),
                  reply(409, R"({"success":false,"error":"Multiple customers in organization 'org_1' match email 'j@x.io'. Use the internal customer ID instead."})")});
    f.run([&]() -> asio::awaitable<void> {
        owo::customer jane(f.client, owo::customer_record{.id = "cus_1"});
        owo::addon_params two{.pack = "250-credits", .quantity = 2, .callback_url = "https://app.example.com/done"};
        auto checkout = co_await jane.addon(two);
        BOOST_TEST(checkout.requires_checkout);
        BOOST_TEST(checkout.checkout_url.value_or("") == "https://checkout.paystack.com/x1");
        BOOST_TEST(checkout.credits.value_or(0) == 500);
        auto immediate = co_await jane.addon(two);
        BOOST_TEST(!immediate.requires_checkout);
        BOOST_TEST(immediate.balance.value_or(0) == 1500);
        owo::addon_params gold{.customer = "j@x.io", .pack = "gold"};
        auto missing = co_await expect_error(f.client.addon(gold));
        BOOST_TEST((missing.code() == error::not_found));
        BOOST_TEST(missing.server_message() == "Credit pack 'gold' not found");
        auto no_provider = co_await expect_error(f.client.addon(gold));
        BOOST_TEST((no_provider.code() == error::invalid_request));
        auto detached = co_await expect_error(f.client.addon(gold));
        BOOST_TEST((detached.code() == error::invalid_request));
        auto ambiguous = co_await expect_error(f.client.addon(gold));
        BOOST_TEST((ambiguous.code() == error::conflict));
    });
    auto sent = f.env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 6u);
    BOOST_TEST(request_line_start(sent[0]) == "POST /v1/addon");
    BOOST_TEST(body_of(sent[0]) == json::parse(R"({"customer":"cus_1","pack":"250-credits","quantity":2,"callbackUrl":"https://app.example.com/done"})"));
    // addon may charge: the answer 404 is final (no retry); a lost answer is not replayed to a
    // server that does not honour keys (retry class counts_usage).
    BOOST_TEST((request_of<op::addon>(owo::addon_params{.customer = "c", .pack = "p"}).safety == retry_safety::counts_usage));
}

BOOST_AUTO_TEST_CASE(addon_rules) {
    BOOST_TEST(invalid<op::addon>({.customer = "c", .pack = "p"}).empty());
    BOOST_TEST(invalid<op::addon>({.customer = "", .pack = "p"}) == "customer must not be empty");
    BOOST_TEST(invalid<op::addon>({.customer = "c", .pack = ""}) == "pack must not be empty");
    BOOST_TEST(invalid<op::addon>({.customer = "c", .pack = "p", .quantity = 0}) == "quantity must be at least 1");
    BOOST_TEST(!invalid<op::addon>({.customer = "c", .pack = "p", .currency = "US"}).empty());
    BOOST_TEST(!invalid<op::addon>({.customer = "c", .pack = "p", .callback_url = "not a url"}).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parity_billing)

// getUnbilledUsage: 250 units over an included 1000 (1250 used), billed in packages of 100 at
// 20 minor units: ceil(250 / 100) = 3 packages = 60; graduated 0 up to 1000 then 2 per unit:
// 1500 used -> 500 x 2 = 1000. Total 1060.
BOOST_AUTO_TEST_CASE(usage_rated_and_errors) {
    fake_client f;
    f.env.script({reply(200, R"({"success":true,"customerId":"cus_1","usageWindowEnd":1795346181901,"features":[)"
                             R"({"featureId":"f_1","featureSlug":"api-calls","featureName":"API calls","subscriptionId":"sub_1","planId":"pl_1","usageModel":"included","usage":1250,"included":1000,"billableQuantity":250,"pricePerUnit":20,"billingUnits":100,"ratingModel":"package","estimatedAmount":60,"periodStart":1793836800000,"periodEnd":1796428799999,"pricingSnapshot":null,"billingGroupKey":"f_1:1793836800000"},)"
                             R"({"featureId":"f_2","featureSlug":"ai-tokens","featureName":"Ai Tokens","usageModel":"usage_based","usage":1500,"included":null,"billableQuantity":1500,"pricePerUnit":null,"billingUnits":1,"ratingModel":"graduated",)"
                             R"("tierBreakdown":[{"tier":0,"units":1000,"unitPrice":0,"amount":0},{"tier":1,"units":500,"unitPrice":2,"amount":1000}],"estimatedAmount":1000,"periodStart":1793836800000,"periodEnd":1796428799999}],)"
                             R"("totalEstimated":1060,"currency":"USD"})"),
                  reply(200, R"({"success":true,"customerId":"cus_2","usageWindowEnd":1795346181901,"features":[],"totalEstimated":0,"currency":"USD"})"),
                  reply(404, R"({"success":false,"error":"Customer not found"})"),
                  reply(409, R"({"success":false,"error":"Multiple customers in organization 'org_1' match email 'j@x.io'. Use the internal customer ID instead."})")});
    f.run([&]() -> asio::awaitable<void> {
        owo::customer jane(f.client, owo::customer_record{.id = "cus_1"});
        owo::billing_usage_params mine;
        auto usage = co_await jane.billing_usage(mine);
        BOOST_TEST(usage.total_estimated == 1060);
        BOOST_TEST(usage.currency == "USD");
        BOOST_TEST_REQUIRE(usage.features.size() == 2u);
        const auto& calls = usage.features[0];
        BOOST_TEST(calls.feature_slug.value_or("") == "api-calls");
        BOOST_TEST(calls.included.value_or(0) == 1000);
        BOOST_TEST(calls.billable_quantity == 250);
        BOOST_TEST(calls.estimated_amount == 60);
        BOOST_TEST(calls.price_per_unit.value_or(0) == 20);
        BOOST_TEST(calls.subscription_id.value_or("") == "sub_1");
        BOOST_TEST(calls.plan_id.value_or("") == "pl_1");
        BOOST_TEST(calls.billing_group_key.value_or("") == "f_1:1793836800000");
        BOOST_TEST(!calls.pricing_snapshot.has_value());
        const auto& tokens = usage.features[1];
        BOOST_TEST(!tokens.subscription_id.has_value());
        BOOST_TEST(!tokens.included.has_value());
        BOOST_TEST(!tokens.price_per_unit.has_value());
        BOOST_TEST_REQUIRE(tokens.tier_breakdown.size() == 2u);
        BOOST_TEST(tokens.tier_breakdown[1].amount == 1000);
        BOOST_TEST(tokens.tier_breakdown[0].amount + tokens.tier_breakdown[1].amount == tokens.estimated_amount);
        owo::billing_usage_params nothing{.customer = "cus_2"};
        auto none = co_await f.client.billing_usage(nothing);
        BOOST_TEST(none.features.empty());
        BOOST_TEST(none.total_estimated == 0);
        owo::billing_usage_params ghost{.customer = "ghost@x.io"};
        auto missing = co_await expect_error(f.client.billing_usage(ghost));
        BOOST_TEST((missing.code() == error::customer_not_found));
        auto ambiguous = co_await expect_error(f.client.billing_usage(ghost));
        BOOST_TEST((ambiguous.code() == error::conflict));
    });
    auto sent = f.env.requests();
    BOOST_TEST(request_line_start(sent.at(0)) == "GET /v1/billing/usage?customer=cus_1");
    BOOST_TEST(request_line_start(sent.at(2)) == "GET /v1/billing/usage?customer=ghost%40x.io");
    BOOST_TEST(invalid<op::billing_usage>({.customer = ""}) == "customer must not be empty");
}

BOOST_AUTO_TEST_CASE(invoice_generated_and_errors) {
    fake_client f;
    f.env.script({reply(200, R"({"success":true,"invoice":{"invoiceId":"inv_1","number":"INV-0001","status":"open","currency":"USD","subtotal":60,"total":60,)"
                             R"J("items":[{"featureId":"f_1","featureSlug":"api-calls","description":"API calls overage (250 units)","quantity":250,"unitPrice":20,"amount":60,"periodStart":1793836800000,"periodEnd":1796428799999,"ratingModel":"package"}],)J"
                             R"("periodStart":1793836800000,"periodEnd":1796428799999,"usageWindowEnd":1795346181901}})"),
                  reply(400, R"({"success":false,"error":"No unbilled usage to invoice"})"),
                  reply(400, R"({"success":false,"code":"invoice_below_provider_minimum","message":"Invoice amount 20 USD is below the stripe minimum charge of 50."})")});
    f.run([&]() -> asio::awaitable<void> {
        owo::customer jane(f.client, owo::customer_record{.id = "cus_1"});
        owo::billing_invoice_params now;
        owo::invoice inv = co_await jane.billing_invoice(now);
        BOOST_TEST(inv.id == "inv_1");
        BOOST_TEST(inv.number.value_or("") == "INV-0001");
        BOOST_TEST(inv.status == "open");
        BOOST_TEST(inv.total == 60);
        BOOST_TEST_REQUIRE(inv.items.size() == 1u);
        BOOST_TEST(inv.items[0].amount == 60);
        BOOST_TEST(inv.items[0].quantity == 250);
        auto empty = co_await expect_error(jane.billing_invoice(now));
        BOOST_TEST((empty.code() == error::invalid_request));
        BOOST_TEST(empty.server_message() == "No unbilled usage to invoice");
        auto small = co_await expect_error(jane.billing_invoice(now));
        BOOST_TEST((small.code() == error::invalid_request));
        BOOST_TEST(small.server_code() == "invoice_below_provider_minimum");
        BOOST_TEST(small.server_message().starts_with("Invoice amount 20 USD"));
    });
    auto sent = f.env.requests();
    BOOST_TEST(request_line_start(sent.at(0)) == "POST /v1/billing/invoice");
    BOOST_TEST(body_of(sent.at(0)) == json::parse(R"({"customer":"cus_1"})"));
}

// getInvoices answers the stored rows, newest first, with their items; the pager follows
// owostack-local's cursor and stops at once on the hosted API's single page.
BOOST_AUTO_TEST_CASE(invoices_listed_and_paged) {
    auto row = [](std::string id, std::string status) {
        return R"({"id":")" + id + R"(","organizationId":"org_1","customerId":"cus_1","subscriptionId":"sub_1","number":"INV-)" + id +
               R"(","idempotencyKey":"manual:org_1:cus_1:1","status":")" + status +
               R"(","currency":"USD","subtotal":60,"tax":0,"total":60,"amountPaid":0,"amountDue":60,"periodStart":1793836800000,"periodEnd":1796428799999,)"
               R"("usageWindowStart":null,"usageWindowEnd":1795346181901,"usageCutoffAt":null,"dueAt":null,"paidAt":null,"description":null,"metadata":null,)"
               R"("createdAt":1795346181901,"updatedAt":1795346181901,"items":[{"id":"ii_1","invoiceId":")" + id +
               R"(","featureId":"f_1","description":"API calls","quantity":250,"unitPrice":20,"amount":60,"periodStart":1793836800000,"periodEnd":1796428799999,"metadata":null,"createdAt":1795346181901}]})";
    };
    fake_client f;
    f.env.script({reply(200, R"({"success":true,"invoices":[)" + row("3", "open") + "," + row("2", "paid") + R"(],"hasMore":true,"nextCursor":"c1"})"),
                  reply(200, R"({"success":true,"invoices":[)" + row("1", "void") + R"(],"hasMore":false,"nextCursor":null})"),
                  reply(200, R"({"success":true,"invoices":[)" + row("1", "void") + "]}")});
    std::vector<std::string> seen;
    f.run([&]() -> asio::awaitable<void> {
        owo::billing_invoices_params first{.customer = "cus_1", .limit = 2};
        owo::invoice_pager pages(f.client, first);
        while (true) {
            auto page = co_await pages.next();
            if (page.empty()) break;
            for (auto& inv : page) seen.push_back(inv.id + ":" + inv.status);
        }
        BOOST_TEST(pages.done());
        owo::billing_invoices_params hosted_style{.customer = "cus_1"};
        owo::invoice_pager one(f.client, hosted_style);
        auto only = co_await one.next();
        BOOST_TEST(only.size() == 1u);
        BOOST_TEST(one.done());
        BOOST_TEST(only[0].amount_due.value_or(0) == 60);
        BOOST_TEST(only[0].items.at(0).unit_price == 20);
        // Every column of the stored row (lib/billing.ts createInvoiceFromUsage) is read.
        BOOST_TEST(only[0].organization_id.value_or("") == "org_1");
        BOOST_TEST(only[0].subscription_id.value_or("") == "sub_1");
        BOOST_TEST(only[0].idempotency_key.value_or("") == "manual:org_1:cus_1:1");
        BOOST_TEST(!only[0].usage_window_start.has_value());
        BOOST_TEST(only[0].usage_window_end.has_value());
        BOOST_TEST(!only[0].usage_cutoff_at.has_value());
        BOOST_TEST(only[0].updated_at.has_value());
        BOOST_TEST(only[0].metadata.empty());
        BOOST_TEST(only[0].items.at(0).id.value_or("") == "ii_1");
        BOOST_TEST(only[0].items.at(0).invoice_id.value_or("") == "1");
        BOOST_TEST(only[0].items.at(0).feature_id.value_or("") == "f_1");
        BOOST_TEST(!only[0].items.at(0).pricing_snapshot.has_value());
    });
    BOOST_TEST(seen == (std::vector<std::string>{"3:open", "2:paid", "1:void"}), boost::test_tools::per_element());
    auto sent = f.env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 3u);
    BOOST_TEST(request_line_start(sent[0]) == "GET /v1/billing/invoices?customer=cus_1&limit=2");
    BOOST_TEST(request_line_start(sent[1]) == "GET /v1/billing/invoices?customer=cus_1&limit=2&cursor=c1");
    BOOST_TEST(request_line_start(sent[2]) == "GET /v1/billing/invoices?customer=cus_1");
    BOOST_TEST(invalid<op::billing_invoices>({.customer = "c", .limit = 0}) == "limit must be between 1 and 100");
    BOOST_TEST(invalid<op::billing_invoices>({.customer = "c", .limit = 101}) == "limit must be between 1 and 100");
}

BOOST_AUTO_TEST_CASE(pay_answers_and_errors) {
    fake_client f;
    const char* summary = R"({"id":"inv/1","number":"INV-0001","total":60,"currency":"USD","status":"open"})";
    f.env.script({reply(200, std::string(R"({"success":true,"paid":false,"checkoutUrl":"https://checkout.stripe.com/c/pay/cs_1","invoice":)") + summary + "}"),
                  reply(200, R"({"success":true,"paid":true,"invoice":{"id":"inv/1","number":"INV-0001","total":60,"currency":"USD","status":"paid"}})"),
                  reply(409, R"({"success":false,"code":"invoice_below_provider_minimum","message":"Invoice amount 20 USD is below the stripe minimum charge of 50. The invoice was voided and its usage was returned to the unbilled pool.","invoice":{"id":"inv/1","number":"INV-0001","total":20,"currency":"USD","status":"void"}})"),
                  reply(404, R"({"success":false,"error":"Invoice not found"})"),
                  reply(400, R"({"success":false,"error":"Invoice is void — only open invoices can be paid"})"),
                  reply(400, R"({"success":false,"error":"Invoice has no outstanding balance"})")});
    f.run([&]() -> asio::awaitable<void> {
        owo::pay_invoice_params pay{.invoice_id = "inv/1", .callback_url = "https://app.example.com/paid"};
        auto checkout = co_await f.client.pay_invoice(pay);
        BOOST_TEST(!checkout.paid);
        BOOST_TEST(checkout.checkout_url.value_or("") == "https://checkout.stripe.com/c/pay/cs_1");
        BOOST_TEST(checkout.invoice.total == 60);
        owo::pay_invoice_params bare{.invoice_id = "inv/1"};
        auto paid = co_await f.client.pay_invoice(bare);
        BOOST_TEST(paid.paid);
        BOOST_TEST(paid.invoice.status == "paid");
        auto below = co_await expect_error(f.client.pay_invoice(bare));
        BOOST_TEST((below.code() == error::conflict));
        BOOST_TEST(below.server_code() == "invoice_below_provider_minimum");
        BOOST_TEST(below.diag().body.at("invoice").at("status") == "void");
        auto missing = co_await expect_error(f.client.pay_invoice(bare));
        BOOST_TEST((missing.code() == error::not_found));
        BOOST_TEST(missing.server_message() == "Invoice not found");
        auto closed = co_await expect_error(f.client.pay_invoice(bare));
        BOOST_TEST((closed.code() == error::invalid_request));
        auto nothing_due = co_await expect_error(f.client.pay_invoice(bare));
        BOOST_TEST(nothing_due.server_message() == "Invoice has no outstanding balance");
    });
    auto sent = f.env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 6u);
    BOOST_TEST(request_line_start(sent[0]) == "POST /v1/billing/invoice/inv%2F1/pay");
    BOOST_TEST(body_of(sent[0]) == json::parse(R"({"callbackUrl":"https://app.example.com/paid"})"));
    BOOST_TEST(body_of(sent[1]) == json::parse("{}"));
    BOOST_TEST((request_of<op::pay_invoice>(owo::pay_invoice_params{.invoice_id = "i"}).safety == retry_safety::counts_usage));
    BOOST_TEST(invalid<op::pay_invoice>({.invoice_id = ""}) == "invoice_id must not be empty");
}

// owostack-local's upcoming invoice [extension] (server/domain/billing.cpp upcoming_invoice_json):
// the plan's price for the next period, then the unbilled usage rated: 2900 + 60 = 2960.
BOOST_AUTO_TEST_CASE(upcoming_invoice_an_extension) {
    fake_client f;
    f.env.script({reply(200, R"J({"success":true,"customerId":"cus_1","currency":"USD","lines":[)J"
                             R"J({"type":"subscription","plan":"pro","subscriptionId":"sub_1","description":"Pro (monthly)","quantity":1,"unitPrice":2900,"amount":2900,"periodStart":1796428800000,"periodEnd":1799020800000},)J"
                             R"J({"type":"usage","feature":"api-calls","subscriptionId":"sub_1","description":"API calls: 25 units (10 per package)","quantity":25,"unitPrice":2,"amount":60,"periodStart":1793836800000,"periodEnd":1796428799999,"ratingModel":"package"}],)J"
                             R"J("subtotal":2960,"total":2960})J"),
                  reply(404, "404 Not Found")});
    f.run([&]() -> asio::awaitable<void> {
        owo::customer jane(f.client, owo::customer_record{.id = "cus_1"});
        owo::billing_upcoming_params next;
        auto u = co_await jane.billing_upcoming(next);
        BOOST_TEST(u.total == 2960);
        BOOST_TEST_REQUIRE(u.lines.size() == 2u);
        BOOST_TEST(u.lines[0].type.value_or("") == "subscription");
        BOOST_TEST(u.lines[0].plan.value_or("") == "pro");
        BOOST_TEST(u.lines[0].amount == 2900);
        BOOST_TEST(u.lines[1].feature_slug.value_or("") == "api-calls");
        BOOST_TEST(u.lines[0].amount + u.lines[1].amount == u.total);
        // A server without the extension answers the plain-text 404: not_supported.
        auto old_server = co_await expect_error(jane.billing_upcoming(next));
        BOOST_TEST((old_server.code() == error::not_supported));
    });
    BOOST_TEST(request_line_start(f.env.requests().at(0)) == "GET /v1/billing/upcoming?customer=cus_1");
    // Against the hosted API it is refused before sending.
    BOOST_TEST(!operation<op::billing_upcoming>::unsupported_reason(hosted, {.customer = "c"}).empty());
    BOOST_TEST(operation<op::billing_upcoming>::unsupported_reason(local, {.customer = "c"}).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parity_wallet)

BOOST_AUTO_TEST_CASE(wallet_listed_set_up_and_removed) {
    fake_client f;
    f.env.script({reply(200, R"({"hasCard":true,"card":{"id":"pm_1","last4":"4242","brand":"visa","exp":"12/2030","provider":"stripe"},"methods":[)"
                             R"({"id":"pm_1","type":"card","provider":"stripe","isDefault":true,"isValid":true,"card":{"id":"pm_1","last4":"4242","brand":"visa","exp":"12/2030","provider":"stripe"}},)"
                             R"({"id":"pm_2","type":"provider_managed","provider":"dodopayments","isDefault":false,"isValid":true,"card":null}]})"),
                  reply(200, R"({"hasCard":false,"card":null,"methods":[]})"),
                  reply(200, R"({"url":"https://checkout.stripe.com/c/pay/cs_test_1","reference":"cs_test_1"})"),
                  reply(200, R"({"success":true})"),
                  reply(404, R"({"success":false,"error":"Payment method not found"})"),
                  reply(404, R"({"success":false,"error":"Customer not found"})"),
                  reply(400, R"({"success":false,"error":{"customer":["Invalid input: expected string, received undefined"]}})"),
                  reply(400, R"({"success":false,"error":"No payment provider configured"})")});
    f.run([&]() -> asio::awaitable<void> {
        owo::customer jane(f.client, owo::customer_record{.id = "cus_1"});
        owo::wallet_params mine;
        auto w = co_await jane.wallet(mine);
        BOOST_TEST(w.has_card);
        BOOST_TEST(w.card->last4 == "4242");
        BOOST_TEST_REQUIRE(w.methods.size() == 2u);
        BOOST_TEST(w.methods[0].is_default);
        BOOST_TEST(!w.methods[1].card.has_value());
        BOOST_TEST(w.methods[1].type == "provider_managed");
        owo::wallet_params stranger{.customer = "nobody@x.io"};
        auto empty = co_await f.client.wallet(stranger);
        BOOST_TEST(!empty.has_card);
        BOOST_TEST(empty.methods.empty());
        owo::wallet_setup_params setup{.callback_url = "https://app.example.com/card"};
        auto flow = co_await jane.wallet_setup(setup);
        BOOST_TEST(flow.url == "https://checkout.stripe.com/c/pay/cs_test_1");
        BOOST_TEST(flow.reference == "cs_test_1");
        owo::wallet_remove_params drop{.id = "pm_2"};
        auto removed = co_await jane.wallet_remove(drop);
        BOOST_TEST(removed.removed);
        BOOST_TEST(!removed.already_removed);
        auto gone = co_await expect_error(jane.wallet_remove(drop));   // a first attempt: not recovered
        BOOST_TEST((gone.code() == error::not_found));
        BOOST_TEST(gone.server_message() == "Payment method not found");
        auto unknown = co_await expect_error(jane.wallet_setup(setup));
        BOOST_TEST((unknown.code() == error::customer_not_found));
        auto shape = co_await expect_error(jane.wallet_setup(setup));
        BOOST_TEST((shape.code() == error::invalid_request));
        BOOST_TEST(shape.server_message() == "customer: Invalid input: expected string, received undefined");
        auto no_provider = co_await expect_error(jane.wallet_setup(setup));
        BOOST_TEST(no_provider.server_message() == "No payment provider configured");
    });
    auto sent = f.env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 8u);
    BOOST_TEST(request_line_start(sent[0]) == "GET /v1/wallet?customer=cus_1");
    BOOST_TEST(body_of(sent[2]) == json::parse(R"({"customer":"cus_1","callbackUrl":"https://app.example.com/card"})"));
    BOOST_TEST(request_line_start(sent[3]) == "POST /v1/wallet/remove");
    BOOST_TEST(body_of(sent[3]) == json::parse(R"({"customer":"cus_1","id":"pm_2"})"));
}

// A removal whose answer was lost (503, then the retry meets "Payment method not found" from a
// server that ignores Idempotency-Key): the method is gone, which is what was asked.
BOOST_AUTO_TEST_CASE(a_lost_removal_answer_is_recovered) {
    fake_client f;
    f.env.script({reply(503, R"({"success":false,"error":"Service Unavailable"})"),
                  reply(404, R"({"success":false,"error":"Payment method not found"})")});
    f.run([&]() -> asio::awaitable<void> {
        owo::wallet_remove_params drop{.customer = "cus_1", .id = "pm_2"};
        auto r = co_await f.client.wallet_remove(drop);
        BOOST_TEST(r.removed);
        BOOST_TEST(r.already_removed);
    });
    auto sent = f.env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 2u);
    BOOST_TEST(header_value(sent[0], "Idempotency-Key") == header_value(sent[1], "Idempotency-Key"));
}

BOOST_AUTO_TEST_CASE(wallet_rules) {
    BOOST_TEST(invalid<op::wallet>({.customer = ""}) == "customer must not be empty");
    BOOST_TEST(invalid<op::wallet_remove>({.customer = "c", .id = ""}) == "id must not be empty");
    BOOST_TEST(!invalid<op::wallet_setup>({.customer = "c", .callback_url = "nope"}).empty());
}

// The blocking client and the customer handle have every new operation (from the table).
BOOST_AUTO_TEST_CASE(generated_forms_exist) {
    static_assert(requires(owo::blocking_client& b, owo::catalog c) { b.sync(c); });
    static_assert(requires(owo::blocking_client& b) { b.billing_invoices(owo::billing_invoices_params{}); });
    static_assert(requires(owo::blocking_client& b) { b.wallet_setup(owo::wallet_setup_params{}); });
    static_assert(requires(owo::customer& h) {
        h.addon(owo::addon_params{});
        h.billing_usage(owo::billing_usage_params{});
        h.wallet(owo::wallet_params{});
        h.async_wallet_remove(owo::wallet_remove_params{});
    });
    BOOST_TEST(true);
}

BOOST_AUTO_TEST_SUITE_END()
