// Credit systems and packs, add-ons, the wallet and billing (issue #19):
// routes/api/credit-systems.ts and credit-packs.ts (the list handlers), addon.ts
// (createAddonRoute, handleAddonPurchase), wallet.ts (createWalletRoute: get, setup, remove),
// billing.ts (usage, invoice, invoices, invoice/{id}/pay) over lib/billing.ts BillingService and
// lib/usage-rating.ts rateUsage, and the credit-system, add-on-credit and overage branches of
// entitlements.ts (checkRoute, trackRoute) with lib/overage-guards.ts checkOverageAllowed.
// The suite catalog's "metered" plan: ai-credits 10/month (ai-chat 2 credits, ai-image 5);
// pages 100 included, overage 50 per 10 pages (cap 1000 units); renders usage-based, graduated
// 10 x 100, 40 x 80, then 50 + 1000 flat; storage-gb 5 included, volume 20 up to 10, then 10 + 100.
// The "credit-overage" plan (free): ai-credits 10/month, overage 3 per credit.
#include "expect.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <regex>

using namespace conformance;
namespace json = boost::json;

namespace {

raw_response track(const std::string& customer, const std::string& feature, int value) {
    return post("/v1/track", R"({"customer":")" + customer + R"(","feature":")" + feature + R"(","value":)" + std::to_string(value) + "}");
}
raw_response check(const std::string& customer, const std::string& feature, int value, const std::string& extra = "") {
    return post("/v1/check", R"({"customer":")" + customer + R"(","feature":")" + feature + R"(","value":)" + std::to_string(value) +
                                 extra + "}");
}

/// Fetches a sandbox checkout page ([extension]): the payment completes.
void open_page(const std::string& url) {
    BOOST_REQUIRE_EQUAL(call({.method = "GET", .target = url.substr(url.find("/v1/checkout/")), .key = ""}).status, 200);
}

/// A customer (external id `prefix-…`) subscribed to the paid "metered" plan, checkout paid.
std::string metered_customer(const std::string& prefix) {
    auto id = unique(prefix);
    make_customer(id);
    auto attached = post("/v1/attach", R"({"customer":")" + id + R"(@example.com","product":"metered"})");
    BOOST_REQUIRE_EQUAL(attached.status, 200);
    pay(attached);
    return id;
}

/// Saves the sandbox card through POST /v1/wallet/setup and its page; returns its id.
std::string add_card(const std::string& customer) {
    auto r = post("/v1/wallet/setup", R"({"customer":")" + customer + R"("})");
    BOOST_REQUIRE_EQUAL(r.status, 200);
    open_page(std::string(body_of(r).at("url").as_string()));
    return std::string(body_of(get("/v1/wallet?customer=" + customer)).at("card").at("id").as_string());
}

std::string field(const raw_response& r, const char* key) { return json::serialize(body_of(r).at(key)); }

std::string text(const json::value& v) { return std::string(v.as_string()); }

/// lib/billing.ts buildBillingGroupKey over a usage line's own fields: feature id, period,
/// subscription, plan, JSON.stringify(pricingSnapshot), joined by '|'.
std::string group_key_of(const json::object& line) {
    return text(line.at("featureId")) + "|" + json::serialize(line.at("periodStart")) + "|" + json::serialize(line.at("periodEnd")) +
           "|" + text(line.at("subscriptionId")) + "|" + text(line.at("planId")) + "|" + json::serialize(line.at("pricingSnapshot"));
}

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

BOOST_AUTO_TEST_SUITE(credits)

// credit-systems.ts: {success, creditSystems: [{slug, name, description || null, features:
// [{feature, creditCost}]}]}.
BOOST_AUTO_TEST_CASE(list_credit_systems) {
    expect_answer(get("/v1/credit-systems"), 200,
                  R"({"success":true,"creditSystems":[{"slug":"ai-credits","name":"AI credits","description":"Credits for the AI features",)"
                  R"("features":[{"feature":"ai-chat","creditCost":2},{"feature":"ai-image","creditCost":5}]}]})");
}

// credit-packs.ts: {success, data: [...]}, creditSystemId and creditSystem both the system's slug.
// The timestamps are the pack row's: sync.ts inserts it with createdAt = updatedAt = Date.now()
// (here the catalog file, merged like a sync when the server started, a moment ago).
BOOST_AUTO_TEST_CASE(list_credit_packs) {
    auto r = get("/v1/credit-packs");
    expect_answer(r, 200,
                  R"({"success":true,"data":[{"id":"<uuid>","slug":"credits-100","name":"100 AI credits","description":null,"credits":100,)"
                  R"("price":500,"currency":"USD","creditSystemId":"ai-credits","creditSystem":"ai-credits","provider":null,)"
                  R"("metadata":null,"isActive":true,"createdAt":"<number>","updatedAt":"<number>"}]})");
    const auto pack = body_of(r).at("data").at(0).as_object();
    auto created = pack.at("createdAt").to_number<std::int64_t>();
    BOOST_TEST(created > now_ms() - 3'600'000);   // not 0: stamped when created
    BOOST_TEST(created <= now_ms());
    BOOST_TEST(pack.at("updatedAt").to_number<std::int64_t>() == created);
}

// addon.ts handleAddonPurchase: always a checkout; its message names quantity, pack and credits.
// Completing it adds the credits to the customer's balance in the pack's credit system.
BOOST_AUTO_TEST_CASE(addon_buys_through_checkout) {
    auto email = unique("addon") + "@example.com";
    auto r = post("/v1/addon", R"({"customer":")" + email + R"(","pack":"credits-100","quantity":2})");
    expect_answer(r, 200,
                  R"({"success":true,"requiresCheckout":true,"checkoutUrl":"<url>","quantity":2,"credits":200,)"
                  R"J("message":"Checkout created for 2x 100 AI credits (200 credits)"})J");
    // The pack may be named by its id too; quantity defaults to 1.
    auto id = std::string(body_of(get("/v1/credit-packs")).at("data").at(0).at("id").as_string());
    BOOST_TEST(field(post("/v1/addon", R"({"customer":")" + email + R"(","pack":")" + id + R"("})"), "credits") == "100");
}

// addon.ts: unknown pack 404; a customer that is neither known nor an email 400; the body
// through the route's validator (no hook): the raw ZodError.
BOOST_AUTO_TEST_CASE(addon_refusals) {
    expect_answer(post("/v1/addon", R"({"customer":"a@example.com","pack":"nope"})"), 404,
                  R"({"success":false,"error":"Credit pack 'nope' not found"})");
    expect_answer(post("/v1/addon", R"({"customer":")" + unique("nobody") + R"(","pack":"credits-100"})"), 400,
                  R"({"success":false,"error":"Could not resolve customer. Use an existing customer ID/external ID or pass a customer email to auto-create."})");
    expect_zod_400(post("/v1/addon", R"({"pack":"credits-100","quantity":0})"),
                   R"([{"expected":"string","code":"invalid_type","path":["customer"],"message":"Invalid input: expected string, received undefined"},)"
                   R"({"origin":"number","code":"too_small","minimum":1,"inclusive":true,"path":["quantity"],"message":"Too small: expected number to be >=1"}])");
}

// entitlements.ts resolveCreditSystem: a member feature counts creditCost credits per unit
// against the credit system's plan allowance; the credits payload shows the pool. [local] The
// catalog's credit system was created by sync, for which the hosted resolveCreditSystem finds
// no plan grant and answers feature_not_in_plan (docs/protocol.md §6).
BOOST_AUTO_TEST_CASE(credit_system_member_draws_from_the_pool) {
    auto id = metered_customer("pool");
    expect_answer(check(id, "ai-chat", 1), 200,
                  R"({"allowed":true,"code":"access_granted","usage":0,"limit":10,"balance":10,"resetsAt":"<iso>","resetInterval":"monthly",)"
                  R"("credits":{"source":"credit_system","systemSlug":"ai-credits","costPerUnit":2,"addonBalance":0,)"
                  R"("plan":{"used":0,"limit":10,"balance":10,"resetsAt":"<iso>"}},)"
                  R"("details":{"message":"Access granted — used 0 of 10.","planName":"Metered","creditSystem":"ai-credits","creditCostPerUnit":2,)"
                  R"("pricing":{"usageModel":"included","ratingModel":"package","billingUnits":1}}})");
    auto t = track(id, "ai-chat", 3);   // 6 credits
    BOOST_TEST(body_of(t).at("code").as_string() == "tracked");
    BOOST_TEST(field(t, "usage") == "6");
    BOOST_TEST(field(t, "balance") == "4");
    // 5 more credits would exceed the 10: no add-on credits, overage blocks.
    auto refused = track(id, "ai-image", 1);
    BOOST_TEST(body_of(refused).at("code").as_string() == "limit_exceeded");
    BOOST_TEST(json::serialize(body_of(refused).at("credits").at("plan")) ==
               json::serialize(body_of(check(id, "ai-chat", 1)).at("credits").at("plan")));
    // The credit system's own feature counts 1:1 (resolveDirectCreditSystem).
    auto direct = track(id, "ai-credits", 4);
    BOOST_TEST(body_of(direct).at("code").as_string() == "tracked");
    BOOST_TEST(json::serialize(body_of(direct).at("credits").at("costPerUnit")) == "1");
    BOOST_TEST(field(direct, "balance") == "0");
}

// entitlements.ts: when the plan's credits are exhausted, purchased add-on credits are used
// first ("addon_credits_used"); check only says they will be, track deducts them and leaves the
// plan usage as it was.
BOOST_AUTO_TEST_CASE(addon_credits_after_the_plan_allowance) {
    auto id = metered_customer("topup");
    BOOST_TEST(body_of(track(id, "ai-credits", 10)).at("code").as_string() == "tracked");
    auto bought = post("/v1/addon", R"({"customer":")" + id + R"(","pack":"credits-100"})");
    open_page(std::string(body_of(bought).at("checkoutUrl").as_string()));
    auto c = check(id, "ai-image", 1);
    BOOST_TEST(body_of(c).at("code").as_string() == "addon_credits_used");
    BOOST_TEST(body_of(c).at("details").at("message").as_string() == "Plan credits exhausted. 5 add-on credits will be deducted.");
    expect_answer(track(id, "ai-image", 1), 200,
                  R"({"success":true,"allowed":true,"code":"addon_credits_used","usage":10,"limit":10,"balance":0,"resetsAt":"<iso>",)"
                  R"("resetInterval":"monthly","credits":{"source":"credit_system","systemSlug":"ai-credits","costPerUnit":5,"addonBalance":95,)"
                  R"("plan":{"used":10,"limit":10,"balance":0,"resetsAt":"<iso>"}},)"
                  R"("details":{"message":"Plan credits exhausted. 5 add-on credits deducted.","planName":"Metered","creditSystem":"ai-credits",)"
                  R"("creditCostPerUnit":5,"pricing":{"usageModel":"included","ratingModel":"package","billingUnits":1},)"
                  R"("addonCreditsUsed":5,"addonCreditsRemaining":95}})");
    // A page fetched twice pays once.
    open_page(std::string(body_of(bought).at("checkoutUrl").as_string()));
    BOOST_TEST(json::serialize(body_of(check(id, "ai-image", 1)).at("credits").at("addonBalance")) == "95");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(wallet)

// wallet.ts GET: customer query required; an unknown customer has an empty wallet (200, no
// "success").
BOOST_AUTO_TEST_CASE(get_wallet) {
    expect_answer(get("/v1/wallet"), 400, R"({"success":false,"error":"customer query param required"})");
    expect_answer(get("/v1/wallet?customer=" + unique("nobody")), 200, R"({"hasCard":false,"card":null,"methods":[]})");
}

// wallet.ts setup -> {url, reference}; [local] completing the sandbox page saves a test card as
// the default; remove deletes it, then 404.
BOOST_AUTO_TEST_CASE(setup_list_remove) {
    auto id = unique("wallet");
    make_customer(id);
    expect_answer(get("/v1/wallet?customer=" + id), 200, R"({"hasCard":false,"card":null,"methods":[]})");
    auto setup = post("/v1/wallet/setup", R"({"customer":")" + id + R"(","callbackUrl":"https://example.com/done"})");
    expect_answer(setup, 200, R"({"url":"<url>","reference":"<uuid>"})");
    open_page(std::string(body_of(setup).at("url").as_string()));
    auto w = get("/v1/wallet?customer=" + id);
    expect_answer(w, 200,
                  R"({"hasCard":true,"card":{"id":"<string>","last4":"4242","brand":"visa","exp":"12/2034","provider":"sandbox"},)"
                  R"("methods":[{"id":"<string>","type":"card","provider":"sandbox","isDefault":true,"isValid":true,)"
                  R"("card":{"id":"<string>","last4":"4242","brand":"visa","exp":"12/2034","provider":"sandbox"}}]})");
    // upsertPaymentMethod: the method's id is crypto.randomUUID().
    std::string method(body_of(w).at("card").at("id").as_string());
    BOOST_TEST(std::regex_match(method, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")));
    BOOST_TEST(text(body_of(w).at("methods").at(0).at("id")) == method);
    expect_answer(post("/v1/wallet/remove", R"({"customer":")" + id + R"(","id":")" + method + R"("})"), 200, R"({"success":true})");
    expect_answer(post("/v1/wallet/remove", R"({"customer":")" + id + R"(","id":")" + method + R"("})"), 404,
                  R"({"success":false,"error":"Payment method not found"})");
    expect_answer(get("/v1/wallet?customer=" + id), 200, R"({"hasCard":false,"card":null,"methods":[]})");
}

// wallet.ts setup/remove: unknown customer 404; the body through the route's validator.
BOOST_AUTO_TEST_CASE(refusals) {
    expect_answer(post("/v1/wallet/setup", R"({"customer":")" + unique("nobody") + R"("})"), 404,
                  R"({"success":false,"error":"Customer not found"})");
    expect_answer(post("/v1/wallet/remove", R"({"customer":")" + unique("nobody") + R"(","id":"pm"})"), 404,
                  R"({"success":false,"error":"Customer not found"})");
    expect_zod_400(post("/v1/wallet/setup", R"({"callbackUrl":"not a url"})"),
                   R"([{"expected":"string","code":"invalid_type","path":["customer"],"message":"Invalid input: expected string, received undefined"},)"
                   R"({"code":"invalid_format","format":"url","path":["callbackUrl"],"message":"Invalid URL"}])");
    expect_zod_400(post("/v1/wallet/remove", R"({"customer":"x"})"),
                   R"([{"expected":"string","code":"invalid_type","path":["id"],"message":"Invalid input: expected string, received undefined"}])");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(billing)

// checkOverageAllowed: overage and usage-based billing need a payment method on file. trackRoute
// refuses overage with the guard's reason; checkRoute refuses usage-based billing with it.
BOOST_AUTO_TEST_CASE(overage_needs_a_card) {
    auto id = metered_customer("nocard");
    auto t = track(id, "pages", 101);
    BOOST_TEST(body_of(t).at("code").as_string() == "limit_exceeded");
    BOOST_TEST(body_of(t).at("details").at("message").as_string() == "No payment method on file. Add a card to enable overage billing.");
    BOOST_TEST(body_of(check(id, "renders", 1)).at("details").at("message").as_string() ==
               "No payment method on file. Add a card to enable overage billing.");
}

// trackRoute, usage-based branch: checkOverageAllowed runs before the usage meter's track, so
// without a card nothing is recorded and the refusal has no usage, limit or balance.
BOOST_AUTO_TEST_CASE(track_usage_based_needs_a_card) {
    auto id = metered_customer("nocard-track");
    expect_answer(track(id, "renders", 1), 200,
                  R"({"success":false,"allowed":false,"code":"limit_exceeded","usage":null,"limit":null,"balance":null,)"
                  R"("resetsAt":"<iso>","resetInterval":"monthly","credits":null,"details":{"message":)"
                  R"("No payment method on file. Add a card to enable overage billing.","planName":"Metered",)"
                  R"("pricing":{"usageModel":"usage_based","ratingModel":"graduated"}}})");
    expect_answer(get("/v1/billing/usage?customer=" + id), 200,
                  R"({"success":true,"customerId":"<uuid>","usageWindowEnd":"<number>","features":[],"totalEstimated":0,"currency":"USD"})");
    add_card(id);
    BOOST_TEST(body_of(track(id, "renders", 1)).at("code").as_string() == "tracked");
}

// checkRoute beyond the limit: when checkOverageAllowed refuses the overage, the route falls
// through to its plain block, whose message is the limit's (not the guard's reason).
BOOST_AUTO_TEST_CASE(check_refused_overage_says_the_limit) {
    auto id = metered_customer("nocard-check");
    auto c = check(id, "pages", 101);
    expect_answer(c, 200,
                  R"({"allowed":false,"code":"limit_exceeded","usage":0,"limit":100,"balance":100,"resetsAt":"<iso>",)"
                  R"("resetInterval":"monthly","credits":null,"details":{"message":"<string>","planName":"Metered",)"
                  R"("pricing":{"usageModel":"included","ratingModel":"package","pricePerUnit":50,"billingUnits":10}}})");
    BOOST_TEST(text(body_of(c).at("details").at("message")) == "Usage limit reached (0/100). Resets at " + text(body_of(c).at("resetsAt")) + ".");
}

// checkOverageAllowed: maxOverageUnits caps the period's units beyond the included ones; check
// answers overage_allowed, track tracked_overage.
BOOST_AUTO_TEST_CASE(overage_with_a_card) {
    auto id = metered_customer("overage");
    add_card(id);
    expect_answer(track(id, "pages", 1101), 200,
                  R"({"success":false,"allowed":false,"code":"limit_exceeded","usage":0,"limit":100,"balance":100,"resetsAt":"<iso>",)"
                  R"("resetInterval":"monthly","credits":null,"details":{"message":"Overage cap reached (0/1000 overage units used).",)"
                  R"("planName":"Metered","pricing":{"usageModel":"included","ratingModel":"package","pricePerUnit":50,"billingUnits":10}}})");
    BOOST_TEST(body_of(track(id, "pages", 100)).at("code").as_string() == "tracked");
    auto c = check(id, "pages", 1);
    BOOST_TEST(body_of(c).at("code").as_string() == "overage_allowed");
    BOOST_TEST(json::serialize(body_of(c).at("details").at("overage")) ==
               R"({"type":"charge","willBeBilled":true,"pricePerUnit":50,"billingUnits":10})");
    auto t = track(id, "pages", 5);
    BOOST_TEST(body_of(t).at("code").as_string() == "tracked_overage");
    BOOST_TEST(field(t, "usage") == "105");
}

// billing.ts usage / invoice / invoices / pay over BillingService, rated by rateUsage. Each line's
// featureId is the feature's id (the usage ledger's feature_id), featureSlug its slug; its
// pricingSnapshot is buildUsagePricingSnapshot of the plan feature and its billingGroupKey
// buildBillingGroupKey. The invoice rows are createInvoiceFromUsage's, every column.
//
//   pages 137 (100 included): ceil(37 / 10) = 4 packages x 50 = 200
//   renders 75, usage-based graduated: 10 x 100 + 40 x 80 + (25 x 50 + 1000) = 1000 + 3200 + 2250 = 6450
//   storage-gb 12 (5 included), volume: 7 units in the first tier x 20 = 140
// total 6790; a second invoice holds only what was tracked after the first.
BOOST_AUTO_TEST_CASE(usage_invoice_and_payment) {
    auto id = metered_customer("invoice");
    add_card(id);
    BOOST_TEST(body_of(track(id, "pages", 137)).at("code").as_string() == "tracked_overage");
    BOOST_TEST(body_of(track(id, "renders", 75)).at("code").as_string() == "tracked");
    BOOST_TEST(body_of(track(id, "storage-gb", 12)).at("code").as_string() == "tracked_overage");
    const std::string key = R"("subscriptionId":"<uuid>","planId":"<uuid>",)";
    const std::string period = R"("periodStart":"<number>","periodEnd":"<number>")";
    const std::string renders_tiers =
        R"([{"tier":0,"units":10,"unitPrice":100,"amount":1000},{"tier":1,"units":40,"unitPrice":80,"amount":3200},)"
        R"({"tier":2,"units":25,"unitPrice":50,"flatFee":1000,"amount":2250}])";
    const std::string storage_tiers = R"([{"tier":0,"units":7,"unitPrice":20,"amount":140}])";
    const std::string pages_snapshot =
        R"({"usageModel":"included","ratingModel":"package","included":100,"pricePerUnit":null,"billingUnits":10,"overagePrice":50,"tiers":null})";
    const std::string renders_snapshot =
        R"({"usageModel":"usage_based","ratingModel":"graduated","included":0,"pricePerUnit":null,"billingUnits":1,"overagePrice":null,)"
        R"("tiers":[{"upTo":10,"unitPrice":100},{"upTo":50,"unitPrice":80},{"upTo":null,"unitPrice":50,"flatFee":1000}]})";
    const std::string storage_snapshot =
        R"({"usageModel":"included","ratingModel":"volume","included":5,"pricePerUnit":null,"billingUnits":1,"overagePrice":null,)"
        R"("tiers":[{"upTo":10,"unitPrice":20},{"upTo":null,"unitPrice":10,"flatFee":100}]})";
    auto unbilled = get("/v1/billing/usage?customer=" + id);
    expect_answer(unbilled, 200,
                  R"({"success":true,"customerId":"<uuid>","usageWindowEnd":"<number>","currency":"USD","totalEstimated":6790,"features":[)"
                  R"({"featureId":"<uuid>","featureSlug":"pages","featureName":"Pages",)" + key +
                      R"("usageModel":"included","usage":137,"included":100,"billableQuantity":37,"pricePerUnit":50,"billingUnits":10,)"
                      R"("ratingModel":"package","estimatedAmount":200,)" + period + R"(,"pricingSnapshot":)" + pages_snapshot +
                      R"(,"billingGroupKey":"<string>"},)"
                  R"({"featureId":"<uuid>","featureSlug":"renders","featureName":"Renders",)" + key +
                      R"("usageModel":"usage_based","usage":75,"included":0,"billableQuantity":75,"pricePerUnit":null,"billingUnits":null,)"
                      R"("ratingModel":"graduated","tierBreakdown":)" + renders_tiers + R"(,"estimatedAmount":6450,)" + period +
                      R"(,"pricingSnapshot":)" + renders_snapshot + R"(,"billingGroupKey":"<string>"},)"
                  R"({"featureId":"<uuid>","featureSlug":"storage-gb","featureName":"Storage",)" + key +
                      R"("usageModel":"included","usage":12,"included":5,"billableQuantity":7,"pricePerUnit":20,"billingUnits":1,)"
                      R"("ratingModel":"volume","tierBreakdown":)" + storage_tiers + R"(,"estimatedAmount":140,)" + period +
                      R"(,"pricingSnapshot":)" + storage_snapshot + R"(,"billingGroupKey":"<string>"}]})");
    const auto lines = body_of(unbilled).at("features").as_array();
    std::vector<std::string> feature_ids;
    for (const auto& line : lines) {
        BOOST_TEST(text(line.at("billingGroupKey")) == group_key_of(line.as_object()));
        feature_ids.push_back(text(line.at("featureId")));
    }
    BOOST_TEST(feature_ids[0] != feature_ids[1]);
    // The ids are the features' own: another customer's usage names the same ones.
    auto other = metered_customer("invoice-other");
    add_card(other);
    BOOST_TEST(body_of(track(other, "pages", 101)).at("code").as_string() == "tracked_overage");
    BOOST_TEST(text(body_of(get("/v1/billing/usage?customer=" + other)).at("features").at(0).at("featureId")) == feature_ids[0]);

    auto generated = post("/v1/billing/invoice", R"({"customer":")" + id + R"("})");
    const auto item_id = [&](std::size_t i) { return R"({"featureId":")" + feature_ids[i] + R"(",)"; };
    expect_answer(generated, 200,
                  R"({"success":true,"invoice":{"invoiceId":"<uuid>","number":"<string>","status":"open","currency":"USD",)"
                  R"("subtotal":6790,"total":6790,"usageWindowEnd":"<number>",)" + period + R"(,"items":[)" + item_id(0) +
                      R"J("featureSlug":"pages","description":"Pages: 37 units (10 per package)","quantity":37,)J"
                      R"("unitPrice":5,"amount":200,)" + period + R"(},)" + item_id(1) +
                      R"J("featureSlug":"renders","description":"Renders: 75 units (graduated pricing)","quantity":75,)J"
                      R"("unitPrice":0,"amount":6450,)" + period + R"(,"ratingModel":"graduated","tierBreakdown":)" + renders_tiers + "}," +
                      item_id(2) + R"J("featureSlug":"storage-gb","description":"Storage: 7 units (volume pricing)","quantity":7,)J"
                      R"("unitPrice":20,"amount":140,)" + period + R"(,"ratingModel":"volume","tierBreakdown":)" + storage_tiers + "}]}}");
    auto invoice = body_of(generated).at("invoice").as_object();
    BOOST_TEST(std::regex_match(std::string(invoice.at("number").as_string()), std::regex("INV-[0-9]{5}-[0-9A-F]{4}")));
    expect_answer(post("/v1/billing/invoice", R"({"customer":")" + id + R"("})"), 400,
                  R"({"success":false,"error":"No unbilled usage to invoice"})");

    // 5 more pages: usage 142 -> 5 packages (250) of which 4 (200) are invoiced: 5 units, 50.
    BOOST_TEST(body_of(track(id, "pages", 5)).at("code").as_string() == "tracked_overage");
    auto usage = body_of(get("/v1/billing/usage?customer=" + id));
    BOOST_TEST(json::serialize(usage.at("totalEstimated")) == "50");
    BOOST_TEST(json::serialize(usage.at("features").at(0).at("billableQuantity")) == "5");
    auto second = body_of(post("/v1/billing/invoice", R"({"customer":")" + id + R"("})")).at("invoice").as_object();
    BOOST_TEST(json::serialize(second.at("total")) == "50");

    // Newest first, [extension] paged.
    auto page1 = body_of(get("/v1/billing/invoices?customer=" + id + "&limit=1"));
    BOOST_TEST(page1.at("invoices").as_array().size() == 1u);
    BOOST_TEST(page1.at("invoices").at(0).at("id") == second.at("invoiceId"));
    BOOST_TEST(page1.at("hasMore").as_bool());
    auto page2 = body_of(get("/v1/billing/invoices?customer=" + id + "&limit=1&cursor=" + std::string(page1.at("nextCursor").as_string())));
    const auto item = [&](std::size_t i, const std::string& rest) {
        return R"({"id":"<uuid>","invoiceId":"<uuid>","featureId":")" + feature_ids[i] + R"(",)" + rest + R"(,"createdAt":"<number>"})";
    };
    const auto metadata = [&](std::size_t i, const std::string& tiers) {
        return R"("metadata":{)" + tiers + R"("billingGroupKey":)" + json::serialize(lines[i].at("billingGroupKey")) +
               R"(,"subscriptionId":"<uuid>","planId":"<uuid>","pricingSnapshot":)" + json::serialize(lines[i].at("pricingSnapshot")) + "}";
    };
    expect_answer(get("/v1/billing/invoices?customer=" + id + "&limit=1&cursor=" + std::string(page1.at("nextCursor").as_string())), 200,
                  R"({"success":true,"hasMore":false,"nextCursor":null,"invoices":[{"id":"<uuid>","organizationId":"<string>",)"
                  R"("customerId":"<uuid>","subscriptionId":"<uuid>","number":"<string>","idempotencyKey":"<string>","status":"open",)"
                  R"("currency":"USD","subtotal":6790,"tax":0,"total":6790,"amountPaid":0,"amountDue":6790,)" + period +
                  R"(,"usageWindowStart":null,"usageWindowEnd":"<number>","usageCutoffAt":"<number>","dueAt":"<number>","paidAt":null,)"
                  R"("description":null,"metadata":{"sourceTrigger":"manual"},"createdAt":"<number>","updatedAt":"<number>","items":[)" +
                  item(0, R"J("description":"Pages: 37 units (10 per package)","quantity":37,"unitPrice":5,"amount":200,)J" + period + "," +
                              metadata(0, "")) + "," +
                  item(1, R"J("description":"Renders: 75 units (graduated pricing)","quantity":75,"unitPrice":0,"amount":6450,)J" + period +
                              "," + metadata(1, R"("ratingModel":"graduated","tierBreakdown":)" + renders_tiers + ",")) + "," +
                  item(2, R"J("description":"Storage: 7 units (volume pricing)","quantity":7,"unitPrice":20,"amount":140,)J" + period +
                              "," + metadata(2, R"("ratingModel":"volume","tierBreakdown":)" + storage_tiers + ",")) + "]}]}");
    // createInvoiceFromUsage's key for generateInvoice: manual:<org>:<customer>:<usageWindowEnd>;
    // the usage is cut off at the window's end; the single subscription is the invoice's.
    const auto& row = page2.at("invoices").at(0).as_object();
    BOOST_TEST(text(row.at("idempotencyKey")) == "manual:" + text(row.at("organizationId")) + ":" + text(row.at("customerId")) + ":" +
                                                     json::serialize(row.at("usageWindowEnd")));
    BOOST_TEST(row.at("usageCutoffAt") == row.at("usageWindowEnd"));
    BOOST_TEST(row.at("subscriptionId") == lines[0].at("subscriptionId"));
    BOOST_TEST(row.at("items").at(0).at("createdAt") == row.at("createdAt"));

    // The card on file is charged at once; paying again answers paid.
    std::string first(invoice.at("invoiceId").as_string());
    const std::string paid = R"({"success":true,"paid":true,"invoice":{"id":"<uuid>","number":"<string>","total":6790,"currency":"USD","status":"paid"}})";
    expect_answer(post("/v1/billing/invoice/" + first + "/pay", "{}"), 200, paid);
    expect_answer(post("/v1/billing/invoice/" + first + "/pay", "{}"), 200, paid);
    auto listed = body_of(get("/v1/billing/invoices?customer=" + id)).at("invoices").at(1).as_object();
    BOOST_TEST(listed.at("status").as_string() == "paid");
    BOOST_TEST(json::serialize(listed.at("amountDue")) == "0");
    BOOST_TEST(json::serialize(listed.at("amountPaid")) == "6790");
}

// billing.ts pay: without a card on file, a checkout; [local] its sandbox page pays the invoice.
// [local] A card removed from the wallet is not on file: the hosted route charges the customer's
// stored authorization code, which POST /v1/wallet/remove leaves behind (docs/protocol.md §6).
BOOST_AUTO_TEST_CASE(pay_through_checkout) {
    auto id = metered_customer("paypage");
    auto card = add_card(id);
    BOOST_TEST(body_of(track(id, "renders", 3)).at("code").as_string() == "tracked");
    expect_answer(post("/v1/wallet/remove", R"({"customer":")" + id + R"(","id":")" + card + R"("})"), 200, R"({"success":true})");
    auto invoice = body_of(post("/v1/billing/invoice", R"({"customer":")" + id + R"("})")).at("invoice").as_object();
    std::string invoice_id(invoice.at("invoiceId").as_string());
    auto r = post("/v1/billing/invoice/" + invoice_id + "/pay", R"({"callbackUrl":"https://example.com/paid"})");
    expect_answer(r, 200,
                  R"({"success":true,"paid":false,"checkoutUrl":"<url>","invoice":{"id":"<uuid>","number":"<string>","total":300,)"
                  R"("currency":"USD","status":"open"}})");
    open_page(std::string(body_of(r).at("checkoutUrl").as_string()));
    BOOST_TEST(body_of(get("/v1/billing/invoices?customer=" + id)).at("invoices").at(0).at("status").as_string() == "paid");
}

// [local] Add-on credits are not billed again as overage (docs/protocol.md §6). The hosted
// trackRoute records the units paid with add-on credits in the usage ledger ("track:addon-fallback"
// scheduleUsagePersist) with the plan feature's pricing snapshot, and BillingService
// getUnbilledUsage rates every unbilled ledger unit beyond the allowance: 101 credits here. The
// pool's line is named as buildUsageLedgerContext names a credit system's usage: by its slug.
BOOST_AUTO_TEST_CASE(addon_credits_are_not_billed_again_as_overage) {
    auto id = unique("credit-overage");
    make_customer(id);
    BOOST_REQUIRE_EQUAL(post("/v1/attach", R"({"customer":")" + id + R"(","product":"credit-overage"})").status, 200);
    add_card(id);
    BOOST_TEST(body_of(track(id, "ai-credits", 10)).at("code").as_string() == "tracked");
    auto bought = post("/v1/addon", R"({"customer":")" + id + R"(","pack":"credits-100"})");
    open_page(std::string(body_of(bought).at("checkoutUrl").as_string()));
    BOOST_TEST(body_of(track(id, "ai-image", 1)).at("code").as_string() == "addon_credits_used");   // 5 of the 100
    expect_answer(get("/v1/billing/usage?customer=" + id), 200,
                  R"({"success":true,"customerId":"<uuid>","usageWindowEnd":"<number>","features":[],"totalEstimated":0,"currency":"USD"})");
    // 96 credits: more than the 95 left, so billed overage (card on file): 96 x 3 = 288.
    BOOST_TEST(body_of(track(id, "ai-credits", 96)).at("code").as_string() == "tracked_overage");
    auto usage = body_of(get("/v1/billing/usage?customer=" + id));
    BOOST_TEST(json::serialize(usage.at("totalEstimated")) == "288");
    const auto& line = usage.at("features").at(0).as_object();
    BOOST_TEST(text(line.at("featureSlug")) == "ai-credits");
    BOOST_TEST(text(line.at("featureName")) == "ai-credits");
    BOOST_TEST(json::serialize(line.at("usage")) == "106");
    BOOST_TEST(json::serialize(line.at("billableQuantity")) == "96");
    auto invoice = body_of(post("/v1/billing/invoice", R"({"customer":")" + id + R"("})")).at("invoice").as_object();
    BOOST_TEST(text(invoice.at("items").at(0).at("description")) == "ai-credits: 96 units");
    BOOST_TEST(json::serialize(invoice.at("total")) == "288");
}

// [extension] GET /v1/billing/upcoming: the next invoice without storing it: the plan's price for
// the next period (2000) and the unbilled overage (137 pages: 4 packages x 50 = 200) = 2200.
BOOST_AUTO_TEST_CASE(upcoming_invoice) {
    auto id = metered_customer("upcoming");
    add_card(id);
    BOOST_TEST(body_of(track(id, "pages", 137)).at("code").as_string() == "tracked_overage");
    const std::string expected =
        R"({"success":true,"customerId":"<uuid>","currency":"USD","subtotal":2200,"total":2200,"lines":[)"
        R"J({"type":"subscription","plan":"metered","subscriptionId":"<uuid>","description":"Metered (monthly)","quantity":1,)J"
        R"("unitPrice":2000,"amount":2000,"periodStart":"<number>","periodEnd":"<number>"},)"
        R"J({"type":"usage","feature":"pages","subscriptionId":"<uuid>","description":"Pages: 37 units (10 per package)","quantity":37,)J"
        R"("unitPrice":5,"amount":200,"periodStart":"<number>","periodEnd":"<number>"}]})";
    expect_answer(get("/v1/billing/upcoming?customer=" + id), 200, expected);
    expect_answer(get("/v1/billing/upcoming?customer=" + id), 200, expected);   // nothing was stored
    expect_answer(get("/v1/billing/upcoming"), 400, R"({"success":false,"error":"customer query param required"})");
}

// billing.ts: the customer query/body is required; unknown customers 404; unknown invoices 404.
BOOST_AUTO_TEST_CASE(refusals) {
    const std::string no_query = R"({"success":false,"error":"customer query param required"})";
    const std::string unknown = R"({"success":false,"error":"Customer not found"})";
    expect_answer(get("/v1/billing/usage"), 400, no_query);
    expect_answer(get("/v1/billing/invoices"), 400, no_query);
    expect_answer(get("/v1/billing/usage?customer=" + unique("nobody")), 404, unknown);
    expect_answer(get("/v1/billing/invoices?customer=" + unique("nobody")), 404, unknown);
    expect_answer(post("/v1/billing/invoice", R"({"customer":")" + unique("nobody") + R"("})"), 404, unknown);
    expect_zod_400(post("/v1/billing/invoice", "{}"),
                   R"([{"expected":"string","code":"invalid_type","path":["customer"],"message":"Invalid input: expected string, received undefined"}])");
    expect_answer(post("/v1/billing/invoice/no-such-invoice/pay", "{}"), 404, R"({"success":false,"error":"Invoice not found"})");
    expect_zod_400(post("/v1/billing/invoice/no-such-invoice/pay", R"({"callbackUrl":"nope"})"),
                   R"([{"code":"invalid_format","format":"url","path":["callbackUrl"],"message":"Invalid URL"}])");
    // A customer without usage has nothing to invoice.
    auto id = unique("idle");
    make_customer(id);
    expect_answer(get("/v1/billing/usage?customer=" + id), 200,
                  R"({"success":true,"customerId":"<uuid>","usageWindowEnd":"<number>","features":[],"totalEstimated":0,"currency":"USD"})");
    expect_answer(post("/v1/billing/invoice", R"({"customer":")" + id + R"("})"), 400,
                  R"({"success":false,"error":"No unbilled usage to invoice"})");
}

BOOST_AUTO_TEST_SUITE_END()
