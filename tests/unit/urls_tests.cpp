#include "urls.hpp"

#include <owostack/error.hpp>

#include <boost/test/unit_test.hpp>

using namespace owo::detail;

namespace {
base_url parse_ok(std::string_view text) {
    boost::system::error_code ec;
    std::string why;
    auto b = parse_base_url(text, ec, why);
    BOOST_TEST_REQUIRE(!ec, why);
    return b;
}
bool refused(std::string_view text) {
    boost::system::error_code ec;
    std::string why;
    parse_base_url(text, ec, why);
    return ec == owo::error::invalid_argument && !why.empty();
}
} // namespace

BOOST_AUTO_TEST_SUITE(urls)

BOOST_AUTO_TEST_CASE(hosted_and_local_base_urls) {
    auto b = parse_ok("https://api.owostack.com/v1");
    BOOST_TEST(b.tls);
    BOOST_TEST(b.host == "api.owostack.com");
    BOOST_TEST(b.port == "443");
    BOOST_TEST(b.path_prefix == "/v1");
    BOOST_TEST(b.host_header() == "api.owostack.com");
    auto l = parse_ok("https://127.0.0.1:8443/v1/");
    BOOST_TEST(l.port == "8443");
    BOOST_TEST(l.path_prefix == "/v1");
    BOOST_TEST(l.host_header() == "127.0.0.1:8443");
    BOOST_TEST(l.text == "https://127.0.0.1:8443/v1");
    auto v6 = parse_ok("http://[::1]:9000/v1");
    BOOST_TEST(v6.host == "::1");
    BOOST_TEST(!v6.tls);
    BOOST_TEST(v6.host_header() == "[::1]:9000");
    BOOST_TEST(parse_ok("http://localhost:1/v1").host == "localhost");
}

BOOST_AUTO_TEST_CASE(unsafe_base_urls_are_refused) {
    BOOST_TEST(refused("http://api.owostack.com/v1"));   // plain http off loopback
    BOOST_TEST(refused("http://10.0.0.1/v1"));
    BOOST_TEST(refused("ftp://127.0.0.1/v1"));
    BOOST_TEST(refused("not a url"));
    BOOST_TEST(refused("https://user:pw@api.owostack.com/v1"));
    BOOST_TEST(refused("https://api.owostack.com/v1?x=1"));
    BOOST_TEST(refused(""));
}

BOOST_AUTO_TEST_CASE(targets_encode_every_reserved_character) {
    auto b = parse_ok("https://api.owostack.com/v1");
    BOOST_TEST(make_target(b, {"customers", "abc"}) == "/v1/customers/abc");
    BOOST_TEST(make_target(b, {"customers", "a/b?c#d"}) == "/v1/customers/a%2Fb%3Fc%23d");
    BOOST_TEST(make_target(b, {"entities"}, {{"customer", "jane+billing@acme.com"}, {"feature", "seats"}}) ==
               "/v1/entities?customer=jane%2Bbilling%40acme.com&feature=seats");
    BOOST_TEST(make_target(b, {"entities"}, {{"customer", "a b&c=d"}}) == "/v1/entities?customer=a%20b%26c%3Dd");
    BOOST_TEST(make_target(b, {"plans", "über"}) == "/v1/plans/%C3%BCber");
}

BOOST_AUTO_TEST_CASE(loopback_detection) {
    BOOST_TEST(is_loopback_host("127.0.0.1"));
    BOOST_TEST(is_loopback_host("127.8.9.10"));
    BOOST_TEST(is_loopback_host("::1"));
    BOOST_TEST(is_loopback_host("localhost"));
    BOOST_TEST(!is_loopback_host("192.168.1.1"));
    BOOST_TEST(!is_loopback_host("localhost.evil.com"));
}

BOOST_AUTO_TEST_SUITE_END()
