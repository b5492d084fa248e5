// Credit systems and packs, add-ons, the wallet and billing (issue #19):
// routes/api/credit-systems.ts and credit-packs.ts (the list handlers), addon.ts
// (createAddonRoute, handleAddonPurchase), wallet.ts (createWalletRoute: get, setup, remove),
// billing.ts (usage, invoice, invoices, invoice/{id}/pay) over lib/billing.ts BillingService and
// lib/usage-rating.ts rateUsage, and the credit-system, add-on-credit and overage branches of
// entitlements.ts (checkRoute, trackRoute) with lib/overage-guards.ts checkOverageAllowed.
// The suite catalog's "metered" plan: ai-credits 10/month (ai-chat 2 credits, ai-image 5);
// pages 100 included, overage 50 per 10 pages (cap 1000 units); renders usage-based, graduated
// 10 x 100, 40 x 80, then 50 + 1000 flat; storage-gb 5 included, volume 20 up to 10, then 10 + 100.
#include "expect.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

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

/// Saves the sandbox card through POST /v1/wallet/setup and its page.
void add_card(const std::string& customer) {
    auto r = post("/v1/wallet/setup", R"({"customer":")" + customer + R"("})");
    BOOST_REQUIRE_EQUAL(r.status, 200);
    open_page(std::string(body_of(r).at("url").as_string()));
}

std::string field(const raw_response& r, const char* key) { return json::serialize(body_of(r).at(key)); }

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
BOOST_AUTO_TEST_CASE(list_credit_packs) {
    expect_answer(get("/v1/credit-packs"), 200,
                  R"({"success":true,"data":[{"id":"<uuid>","slug":"credits-100","name":"100 AI credits","description":null,"credits":100,)"
                  R"("price":500,"currency":"USD","creditSystemId":"ai-credits","creditSystem":"ai-credits","provider":null,)"
                  R"("metadata":null,"isActive":true,"createdAt":"<number>","updatedAt":"<number>"}]})");
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
// against the credit system's plan allowance; the credits payload shows the pool.
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
    std::string method(body_of(w).at("card").at("id").as_string());
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

// checkOverageAllowed: overage and usage-based billing need a payment method on file; track of
// a usage-based feature does not ask (its guard runs only without the usage meter).
BOOST_AUTO_TEST_CASE(overage_needs_a_card) {
    auto id = metered_customer("nocard");
    auto t = track(id, "pages", 101);
    BOOST_TEST(body_of(t).at("code").as_string() == "limit_exceeded");
    BOOST_TEST(body_of(t).at("details").at("message").as_string() == "No payment method on file. Add a card to enable overage billing.");
    BOOST_TEST(body_of(check(id, "renders", 1)).at("details").at("message").as_string() ==
               "No payment method on file. Add a card to enable overage billing.");
    BOOST_TEST(body_of(track(id, "renders", 1)).at("code").as_string() == "tracked");
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

// billing.ts usage / invoice / invoices / pay over BillingService, rated by rateUsage:
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
    expect_answer(get("/v1/billing/usage?customer=" + id), 200,
                  R"({"success":true,"customerId":"<uuid>","usageWindowEnd":"<number>","currency":"USD","totalEstimated":6790,"features":[)"
                  R"({"featureId":"pages","featureSlug":"pages","featureName":"Pages",)" + key +
                      R"("usageModel":"included","usage":137,"included":100,"billableQuantity":37,"pricePerUnit":50,"billingUnits":10,)"
                      R"("ratingModel":"package","estimatedAmount":200,)" + period + R"(,"pricingSnapshot":null,"billingGroupKey":"<string>"},)"
                  R"({"featureId":"renders","featureSlug":"renders","featureName":"Renders",)" + key +
                      R"("usageModel":"usage_based","usage":75,"included":null,"billableQuantity":75,"pricePerUnit":null,"billingUnits":null,)"
                      R"("ratingModel":"graduated","tierBreakdown":)" + renders_tiers + R"(,"estimatedAmount":6450,)" + period +
                      R"(,"pricingSnapshot":null,"billingGroupKey":"<string>"},)"
                  R"({"featureId":"storage-gb","featureSlug":"storage-gb","featureName":"Storage",)" + key +
                      R"("usageModel":"included","usage":12,"included":5,"billableQuantity":7,"pricePerUnit":20,"billingUnits":1,)"
                      R"("ratingModel":"volume","tierBreakdown":)" + storage_tiers + R"(,"estimatedAmount":140,)" + period +
                      R"(,"pricingSnapshot":null,"billingGroupKey":"<string>"}]})");

    auto generated = post("/v1/billing/invoice", R"({"customer":")" + id + R"("})");
    expect_answer(generated, 200,
                  R"({"success":true,"invoice":{"invoiceId":"<uuid>","number":"<string>","status":"open","currency":"USD",)"
                  R"("subtotal":6790,"total":6790,"usageWindowEnd":"<number>",)" + period + R"(,"items":[)"
                  R"J({"featureId":"pages","featureSlug":"pages","description":"Pages: 37 units (10 per package)","quantity":37,)J"
                      R"("unitPrice":5,"amount":200,)" + period + R"(},)"
                  R"J({"featureId":"renders","featureSlug":"renders","description":"Renders: 75 units (graduated pricing)","quantity":75,)J"
                      R"("unitPrice":0,"amount":6450,)" + period + R"(,"ratingModel":"graduated","tierBreakdown":)" + renders_tiers + "},"
                  R"J({"featureId":"storage-gb","featureSlug":"storage-gb","description":"Storage: 7 units (volume pricing)","quantity":7,)J"
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
    expect_answer(get("/v1/billing/invoices?customer=" + id + "&limit=1&cursor=" + std::string(page1.at("nextCursor").as_string())), 200,
                  R"({"success":true,"hasMore":false,"nextCursor":null,"invoices":[{"id":"<uuid>","organizationId":"<string>",)"
                  R"("customerId":"<uuid>","number":"<string>","status":"open","currency":"USD","subtotal":6790,"tax":0,"total":6790,)"
                  R"("amountPaid":0,"amountDue":6790,)" + period + R"(,"usageWindowEnd":"<number>","dueAt":"<number>","paidAt":null,)"
                  R"("createdAt":"<number>","updatedAt":"<number>","items":)" + json::serialize(page2.at("invoices").at(0).at("items")) + "}]}");
    BOOST_TEST(page2.at("invoices").at(0).at("items").as_array().size() == 3u);

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
BOOST_AUTO_TEST_CASE(pay_through_checkout) {
    auto id = metered_customer("paypage");
    BOOST_TEST(body_of(track(id, "renders", 3)).at("code").as_string() == "tracked");
    auto invoice = body_of(post("/v1/billing/invoice", R"({"customer":")" + id + R"("})")).at("invoice").as_object();
    std::string invoice_id(invoice.at("invoiceId").as_string());
    auto r = post("/v1/billing/invoice/" + invoice_id + "/pay", R"({"callbackUrl":"https://example.com/paid"})");
    expect_answer(r, 200,
                  R"({"success":true,"paid":false,"checkoutUrl":"<url>","invoice":{"id":"<uuid>","number":"<string>","total":300,)"
                  R"("currency":"USD","status":"open"}})");
    open_page(std::string(body_of(r).at("checkoutUrl").as_string()));
    BOOST_TEST(body_of(get("/v1/billing/invoices?customer=" + id)).at("invoices").at(0).at("status").as_string() == "paid");
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
