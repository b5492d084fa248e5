// owo::webhook::verify: what it accepts and each way it refuses (no io_context, no network).
#include <owostack/webhook.hpp>

#include <boost/test/unit_test.hpp>

namespace {

using namespace std::chrono_literals;
using owo::webhook::verify_errc;

constexpr const char* secret = "whsec_unit";
constexpr std::int64_t signed_at = 1'800'000'000;
const auto at_signing = std::chrono::system_clock::time_point(std::chrono::seconds(signed_at));

const std::string body =
    R"({"id":"evt_1","object":"event","type":"entity.added","sequence":7,"createdAt":1800000000000,)"
    R"("organization":"org","customerId":"c1","data":{"object":{"id":"u1","featureId":"seats","name":null,)"
    R"("email":null,"metadata":null,"status":"active","createdAt":"2027-01-15T08:00:00.000Z"},"customerId":"c1",)"
    R"("count":2,"limit":5}})";

std::string header_for(std::string_view b, std::vector<std::string_view> secrets = {secret}, std::int64_t t = signed_at) {
    return owo::webhook::signature_header(t, b, secrets);
}

verify_errc refusal(std::string_view b, std::string_view header, std::string_view key = secret,
                    std::chrono::system_clock::time_point now = at_signing) {
    boost::system::error_code ec;
    owo::webhook::verify(b, header, key, owo::webhook::default_tolerance, now, ec);
    BOOST_TEST_REQUIRE((&ec.category() == &owo::webhook::verify_category()));
    return static_cast<verify_errc>(ec.value());
}

} // namespace

BOOST_AUTO_TEST_SUITE(webhook_verify)

BOOST_AUTO_TEST_CASE(a_signed_event_verifies_and_reads_typed) {
    auto e = owo::webhook::verify(body, header_for(body), secret, 300s, at_signing + 299s);
    BOOST_TEST(e.id == "evt_1");
    BOOST_TEST((e.type == owo::event_type::entity_added));
    BOOST_TEST(e.sequence == 7);
    BOOST_TEST((e.customer_id == std::optional<std::string>("c1")));
    auto seat = owo::entity_event_of(e);
    BOOST_TEST_REQUIRE(seat.has_value());
    BOOST_TEST(seat->entity.id == "u1");
    BOOST_TEST(seat->entity.feature_id == "seats");
    BOOST_TEST(seat->count == 2);
    BOOST_TEST((seat->limit == std::optional<std::int64_t>(5)));
    BOOST_TEST(!owo::customer_event_of(e).has_value());
}

BOOST_AUTO_TEST_CASE(the_signature_is_hmac_sha256_of_timestamp_dot_body) {
    // RFC 4231 test case 2 (key "Jefe"), with the message split as "<t>.<body>".
    BOOST_TEST(owo::webhook::v1_signature(0, "what do ya want for nothing?", "Jefe").size() == 64u);
    BOOST_TEST(owo::webhook::v1_signature(12, "x", "k") == owo::webhook::v1_signature(12, "x", "k"));
    BOOST_TEST(owo::webhook::v1_signature(12, "x", "k") != owo::webhook::v1_signature(13, "x", "k"));
}

BOOST_AUTO_TEST_CASE(during_a_rotation_either_secret_verifies) {
    auto h = header_for(body, {"whsec_new", "whsec_old"});
    BOOST_TEST(owo::webhook::verify(body, h, "whsec_new", 300s, at_signing).id == "evt_1");
    BOOST_TEST(owo::webhook::verify(body, h, "whsec_old", 300s, at_signing).id == "evt_1");
    BOOST_TEST((refusal(body, h, "whsec_other") == verify_errc::bad_signature));
}

BOOST_AUTO_TEST_CASE(tampering_and_wrong_secrets_are_bad_signatures) {
    auto h = header_for(body);
    std::string tampered = body;
    tampered[tampered.find("\"count\":2") + 8] = '9';
    BOOST_TEST((refusal(tampered, h) == verify_errc::bad_signature));
    std::string forged = h;
    forged.back() = forged.back() == '0' ? '1' : '0';
    BOOST_TEST((refusal(body, forged) == verify_errc::bad_signature));
    BOOST_TEST((refusal(body, h, "whsec_wrong") == verify_errc::bad_signature));
    // A changed timestamp breaks the signature too (it is signed).
    auto moved = "t=" + std::to_string(signed_at + 1) + h.substr(h.find(','));
    BOOST_TEST((refusal(body, moved) == verify_errc::bad_signature));
}

BOOST_AUTO_TEST_CASE(a_stale_or_future_timestamp_is_outside_the_tolerance) {
    auto h = header_for(body);
    BOOST_TEST((refusal(body, h, secret, at_signing + 301s) == verify_errc::timestamp_outside_tolerance));
    BOOST_TEST((refusal(body, h, secret, at_signing - 301s) == verify_errc::timestamp_outside_tolerance));
    BOOST_CHECK_THROW(owo::webhook::verify(body, h, secret, 10s, at_signing + 11s), owo::webhook::verification_error);
}

BOOST_AUTO_TEST_CASE(malformed_headers) {
    auto sig = owo::webhook::v1_signature(signed_at, body, secret);
    for (std::string h : {std::string(), std::string("garbage"), "v1=" + sig, "t=" + std::to_string(signed_at),
                          "t=abc,v1=" + sig, "t=" + std::to_string(signed_at) + ",v1=" + sig.substr(1),
                          "t=" + std::to_string(signed_at) + ",v1=" + sig + "00", "t=-5,v1=" + sig,
                          "t=1,t=2,v1=" + sig})
        BOOST_TEST((refusal(body, h) == verify_errc::malformed_header), h);
    // An unknown scheme beside v1 is ignored.
    BOOST_TEST(owo::webhook::verify(body, header_for(body) + ",v0=zzz", secret, 300s, at_signing).id == "evt_1");
}

BOOST_AUTO_TEST_CASE(a_signed_body_that_is_not_an_event_is_malformed) {
    for (std::string b : {"not json", "[]", R"({"id":"evt_1"})", R"({"id":"evt_1","type":"x","sequence":"7"})"})
        BOOST_TEST((refusal(b, header_for(b)) == verify_errc::malformed_body), b);
}

BOOST_AUTO_TEST_CASE(errors_never_hold_the_secret) {
    try {
        owo::webhook::verify(body, header_for(body), "whsec_sensitive_value", 300s, at_signing);
        BOOST_FAIL("verified with the wrong secret");
    } catch (const owo::webhook::verification_error& e) {
        BOOST_TEST(std::string(e.what()).find("sensitive") == std::string::npos);
        BOOST_TEST((e.code() == verify_errc::bad_signature));
    }
}

BOOST_AUTO_TEST_SUITE_END()
