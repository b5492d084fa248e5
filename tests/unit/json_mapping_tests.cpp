// Request bodies omit absent optionals; every docs/protocol.md success body decodes; bad types are decode errors.
#include "json_mapping.hpp"

#include <owostack/billing.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

namespace json = boost::json;
using namespace std::chrono;

namespace {
template <class T>
T decode(std::string_view text) {
    return json::value_to<T>(json::parse(text));
}
std::int64_t epoch_ms(owo::time_point t) { return duration_cast<milliseconds>(t.time_since_epoch()).count(); }
} // namespace

BOOST_AUTO_TEST_SUITE(json_mapping)

BOOST_AUTO_TEST_CASE(customer_params_omit_absent_optionals) {
    owo::customer_params p{.email = "jane@acme.com"};
    BOOST_TEST(json::serialize(json::value_from(p)) == R"({"email":"jane@acme.com"})");
    p.id = "org_1";
    p.name = "Jane";
    p.metadata = json::object{{"industry", "SaaS"}};
    p.idempotency_key = "k";   // a header, never in the body
    auto v = json::value_from(p);
    BOOST_TEST(v.as_object().size() == 4u);
    BOOST_TEST(v.at("id").as_string() == "org_1");
    BOOST_TEST(v.at("metadata").at("industry").as_string() == "SaaS");
    BOOST_TEST(!v.as_object().contains("idempotency_key"));
}

BOOST_AUTO_TEST_CASE(operation_params_use_wire_names) {
    owo::check_params c{.customer = "c1", .feature = "seats", .value = 2,
                        .customer_data = owo::customer_data{.email = "a@b.co"}, .send_event = true, .entity = "u1"};
    auto v = json::value_from(c);
    BOOST_TEST(v.at("sendEvent").as_bool());
    BOOST_TEST(v.at("customerData").at("email").as_string() == "a@b.co");
    BOOST_TEST(!v.at("customerData").as_object().contains("name"));
    BOOST_TEST(v.at("value").to_number<double>() == 2.0);

    owo::attach_params a{.customer = "c1", .product = "team", .callback_url = "https://x.test/cb"};
    auto av = json::value_from(a);
    BOOST_TEST(av.at("callbackUrl").as_string() == "https://x.test/cb");
    BOOST_TEST(av.as_object().size() == 3u);

    owo::track_params t{.customer = "c1", .feature = "api-calls"};
    BOOST_TEST(json::serialize(json::value_from(t)) == R"({"customer":"c1","feature":"api-calls"})");

    owo::add_entity_params e{.customer = "c1", .feature = "seats", .entity = "u1", .name = "John"};
    BOOST_TEST(json::serialize(json::value_from(e)) == R"({"customer":"c1","feature":"seats","entity":"u1","name":"John"})");
    owo::remove_entity_params r{.customer = "c1", .feature = "seats", .entity = "u1"};
    BOOST_TEST(json::serialize(json::value_from(r)) == R"({"customer":"c1","feature":"seats","entity":"u1"})");
}

BOOST_AUTO_TEST_CASE(customer_body_with_epoch_ms) {
    auto c = decode<owo::customer_record>(
        R"({"success":true,"id":"0b5e","email":"jane@acme.com","name":"jane","metadata":{"a":1},"createdAt":1795346181901,"updatedAt":1795346181904,"extra":"ignored"})");
    BOOST_TEST(c.id == "0b5e");
    BOOST_TEST(c.name == "jane");
    BOOST_TEST(c.metadata.at("a").as_int64() == 1);
    BOOST_TEST(epoch_ms(c.created_at) == 1795346181901);
    BOOST_TEST(epoch_ms(c.updated_at) == 1795346181904);
    auto n = decode<owo::customer_record>(R"({"id":"x","email":"e@x.io","name":"e","metadata":null,"createdAt":1,"updatedAt":2})");
    BOOST_TEST(n.metadata.empty());
}

BOOST_AUTO_TEST_CASE(entity_list_with_iso_timestamps) {
    auto l = decode<owo::list_entities_result>(
        R"({"success":true,"entities":[{"id":"seat_1","featureId":"seats","name":null,"email":null,"metadata":null,"status":"active","createdAt":"2026-11-22T11:16:30.592Z"},
            {"id":"seat_2","featureId":"seats","name":"Jo","email":"jo@x.io","metadata":{"k":"v"},"status":"pending_removal","createdAt":"2026-11-22T12:16:30+01:00"},
            {"id":"seat_3","featureId":"seats","status":"suspended","createdAt":"2026-11-22T11:16:30Z"}],"total":3})");
    BOOST_REQUIRE_EQUAL(l.entities.size(), 3u);
    BOOST_TEST(l.total == 3);
    BOOST_TEST((l.entities[0].status == owo::entity_status::active));
    BOOST_TEST(!l.entities[0].name.has_value());
    BOOST_TEST(epoch_ms(l.entities[0].created_at) % 1000 == 592);
    BOOST_TEST((l.entities[1].status == owo::entity_status::pending_removal));
    BOOST_TEST(*l.entities[1].email == "jo@x.io");
    // 12:16:30+01:00 == 11:16:30Z
    BOOST_TEST(epoch_ms(l.entities[1].created_at) / 1000 == epoch_ms(l.entities[2].created_at) / 1000);
    BOOST_TEST((l.entities[2].status == owo::entity_status::unknown));
    BOOST_TEST(l.entities[2].status_text == "suspended");
}

BOOST_AUTO_TEST_CASE(add_and_remove_entity_bodies) {
    auto a = decode<owo::add_entity_result>(R"({"success":true,"entityId":"seat_1","featureId":"seats","count":1,"limit":3,"remaining":2})");
    BOOST_TEST(a.entity_id == "seat_1");
    BOOST_TEST(a.count == 1);
    BOOST_TEST(*a.limit == 3);
    BOOST_TEST(*a.remaining == 2);
    BOOST_TEST(!a.restored);
    auto u = decode<owo::add_entity_result>(R"({"success":true,"entityId":"s","featureId":"seats","count":1,"limit":null,"remaining":null,"restored":true})");
    BOOST_TEST(!u.limit.has_value());
    BOOST_TEST(u.restored);
    auto r = decode<owo::remove_entity_result>(R"({"success":true,"entityId":"seat_2","count":3})");
    BOOST_TEST(r.entity_id == "seat_2");
    BOOST_TEST(*r.count == 3);
}

BOOST_AUTO_TEST_CASE(check_and_track_bodies) {
    auto c = decode<owo::access_result>(
        R"({"allowed":true,"code":"access_granted","usage":2,"limit":5,"balance":3,"resetsAt":"2026-12-01T00:00:00.000Z","resetInterval":"month","credits":null,"details":{"message":"ok","planName":"Team"}})");
    BOOST_TEST(c.allowed);
    BOOST_TEST(c.code == "access_granted");
    BOOST_TEST(*c.balance == 3);
    BOOST_TEST(c.resets_at.has_value());
    BOOST_TEST(*c.reset_interval == "month");
    BOOST_TEST(c.credits.is_null());
    BOOST_TEST(c.details.at("planName").as_string() == "Team");
    auto d = decode<owo::access_result>(R"({"allowed":false,"code":"no_active_subscription","usage":null,"limit":null,"balance":null,"resetsAt":null,"resetInterval":null,"credits":null,"details":{}})");
    BOOST_TEST(!d.allowed);
    BOOST_TEST(!d.usage.has_value());
}

BOOST_AUTO_TEST_CASE(attach_and_plan_bodies) {
    auto a = decode<owo::attach_result>(R"({"success":true,"requiresCheckout":true,"checkoutUrl":"https://127.0.0.1:1/v1/checkout/t","type":"new","subscriptionId":"s1"})");
    BOOST_TEST(a.requires_checkout);
    BOOST_TEST(*a.checkout_url == "https://127.0.0.1:1/v1/checkout/t");
    BOOST_TEST(*a.type == "new");
    auto p = decode<owo::plan>(
        R"({"id":"p1","slug":"team","name":"Team","description":null,"price":4900,"currency":"USD","interval":"monthly","type":"paid","billingType":"licensed","isAddon":false,"planGroup":"main","trialDays":0,"trialCardRequired":false,
            "features":[{"slug":"seats","name":"Seats","type":"metered","enabled":true,"limit":5,"resetInterval":null,"unit":null},{"slug":"sso","name":"SSO","type":"boolean","enabled":false,"limit":null}]})");
    BOOST_TEST(p.price == 4900);
    BOOST_TEST(*p.plan_group == "main");
    BOOST_REQUIRE_EQUAL(p.features.size(), 2u);
    BOOST_TEST(*p.features[0].limit == 5);
    BOOST_TEST(!p.features[1].enabled);
    auto plans = owo::detail::decode_field<std::vector<owo::plan>>(
        json::parse(R"({"success":true,"plans":[{"slug":"free","features":[]}]})").as_object(), "plans");
    BOOST_TEST(plans.size() == 1u);
}

// lib/billing.ts getUnbilledUsage and createInvoiceFromUsage as docs/protocol.md §4.19 shows
// them: the pricing snapshot of a usage line and of a stored item's metadata, the group key.
BOOST_AUTO_TEST_CASE(billing_lines_carry_their_pricing_snapshot) {
    const std::string snapshot =
        R"({"usageModel":"usage_based","ratingModel":"graduated","included":0,"pricePerUnit":null,"billingUnits":1,"overagePrice":null,)"
        R"("tiers":[{"upTo":10,"unitPrice":100},{"upTo":null,"unitPrice":50,"flatFee":1000}]})";
    auto line = decode<owo::billing_feature_usage>(
        R"({"featureId":"0b9d2f0e-1c1a-4d5e-9f00-6b1c2d3e4f50","featureSlug":"renders","featureName":"Renders","subscriptionId":"s","planId":"p",)"
        R"("usageModel":"usage_based","usage":75,"included":0,"billableQuantity":75,"pricePerUnit":null,"billingUnits":null,)"
        R"("ratingModel":"graduated","estimatedAmount":6450,"periodStart":1,"periodEnd":2,"pricingSnapshot":)" + snapshot +
        R"(,"billingGroupKey":"k"})");
    BOOST_TEST(line.feature_id == "0b9d2f0e-1c1a-4d5e-9f00-6b1c2d3e4f50");
    BOOST_TEST(line.billing_group_key.value_or("") == "k");
    BOOST_TEST_REQUIRE(line.pricing_snapshot.has_value());
    const auto& p = *line.pricing_snapshot;
    BOOST_TEST(p.usage_model == "usage_based");
    BOOST_TEST(p.rating_model == "graduated");
    BOOST_TEST(p.included.value_or(-1) == 0);
    BOOST_TEST(!p.price_per_unit.has_value());
    BOOST_TEST(p.billing_units.value_or(0) == 1);
    BOOST_TEST(!p.overage_price.has_value());
    BOOST_TEST_REQUIRE(p.tiers.size() == 2u);
    BOOST_TEST(p.tiers[0].up_to.value_or(0) == 10);
    BOOST_TEST(!p.tiers[1].up_to.has_value());
    BOOST_TEST(p.tiers[1].flat_fee.value_or(0) == 1000);
    auto item = decode<owo::invoice_line_item>(
        R"J({"id":"i","invoiceId":"v","featureId":"f","description":"Renders: 75 units (graduated pricing)","quantity":75,"unitPrice":0,)J"
        R"("amount":6450,"periodStart":1,"periodEnd":2,"metadata":{"billingGroupKey":"k","pricingSnapshot":)" + snapshot +
        R"(},"createdAt":3})");
    BOOST_TEST(item.billing_group_key.value_or("") == "k");
    BOOST_TEST_REQUIRE(item.pricing_snapshot.has_value());
    BOOST_TEST(item.pricing_snapshot->tiers.size() == 2u);
    BOOST_TEST(epoch_ms(item.created_at.value()) == 3);
    BOOST_CHECK_THROW(decode<owo::billing_feature_usage>(R"({"featureId":"f","pricingSnapshot":{"tiers":7}})"), owo::detail::decode_error);
}

BOOST_AUTO_TEST_CASE(wrong_types_are_decode_errors) {
    using owo::detail::decode_error;
    BOOST_CHECK_THROW(decode<owo::customer_record>(R"({"id":5})"), decode_error);
    BOOST_CHECK_THROW(decode<owo::customer_record>(R"({"email":"x"})"), decode_error);
    BOOST_CHECK_THROW(decode<owo::add_entity_result>(R"({"entityId":"a","count":"3"})"), decode_error);
    BOOST_CHECK_THROW(decode<owo::add_entity_result>(R"({"entityId":"a","count":true})"), decode_error);
    BOOST_CHECK_THROW(decode<owo::add_entity_result>(R"({"entityId":"a","count":1e300})"), decode_error);
    BOOST_CHECK_THROW(decode<owo::list_entities_result>(R"({"entities":{}})"), decode_error);
    BOOST_CHECK_THROW(decode<owo::list_entities_result>(R"({"entities":[1]})"), decode_error);
    BOOST_CHECK_THROW(decode<owo::access_result>(R"({"code":"x"})"), decode_error);
    BOOST_CHECK_THROW(decode<owo::customer_record>(R"({"id":"a","createdAt":"yesterday"})"), decode_error);
    BOOST_CHECK_THROW(decode<owo::plan>(R"({"slug":"a","features":"none"})"), decode_error);
}

BOOST_AUTO_TEST_CASE(iso8601_parsing) {
    using owo::detail::parse_iso8601;
    BOOST_TEST(parse_iso8601("2026-11-22T11:16:30.592Z").has_value());
    BOOST_TEST(parse_iso8601("2026-11-22T11:16:30-05:30").has_value());
    BOOST_TEST(!parse_iso8601("2026-13-22T11:16:30Z").has_value());
    BOOST_TEST(!parse_iso8601("2026-11-22").has_value());
    BOOST_TEST(!parse_iso8601("2026-11-22T11:16:30Zjunk").has_value());
    BOOST_TEST(epoch_ms(*parse_iso8601("1970-01-01T00:00:01.500Z")) == 1500);
}

BOOST_AUTO_TEST_CASE(iso8601_exact_values) {
    using owo::detail::parse_iso8601;
    const std::int64_t base = 1'795'346'190'000;   // 2026-11-22T11:16:30Z
    BOOST_TEST(epoch_ms(*parse_iso8601("2026-11-22T11:16:30Z")) == base);
    BOOST_TEST(epoch_ms(*parse_iso8601("2026-11-22t11:16:30z")) == base);
    BOOST_TEST(epoch_ms(*parse_iso8601("2026-11-22T11:16:30")) == base);   // no zone: UTC
    BOOST_TEST(epoch_ms(*parse_iso8601("2026-11-22T11:16:30.1Z")) == base + 100);
    BOOST_TEST(epoch_ms(*parse_iso8601("2026-11-22T11:16:30,25Z")) == base + 250);
    BOOST_TEST(epoch_ms(*parse_iso8601("2026-11-22T11:16:30.123456789123Z")) == base + 123);
    BOOST_TEST(epoch_ms(*parse_iso8601("2026-11-22T11:16:30.9996Z")) == base + 1000);   // rounded
    BOOST_TEST(epoch_ms(*parse_iso8601("2026-11-22T12:46:30+01:30")) == base);
    BOOST_TEST(epoch_ms(*parse_iso8601("2026-11-22T06:16:30-05:00")) == base);
    BOOST_TEST(epoch_ms(*parse_iso8601("2024-02-29T00:00:00Z")) == 1'709'164'800'000);
}

BOOST_AUTO_TEST_CASE(iso8601_refuses_malformed_text) {
    using owo::detail::parse_iso8601;
    for (const char* bad : {"", "2026", "2026-11-22T11:16", "2026-11-22 11:16:30Z", "2026-1-22T11:16:30Z",
                            "2026-11-22T11:16:3xZ", "+026-11-22T11:16:30Z", "2026-11-22T11:16:30.Z",
                            "2026-11-22T24:00:00Z", "2026-11-22T11:60:00Z", "2026-11-22T11:16:61Z",
                            "2025-02-29T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-22T11:16:30+0100",
                            "2026-11-22T11:16:30+24:00", "2026-11-22T11:16:30+01:60", "2026-11-22T11:16:30+1:00",
                            "2026-11-22T11:16:30ZZ", "2026-11-22T11:16:30 "})
        BOOST_TEST(!parse_iso8601(bad).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()
