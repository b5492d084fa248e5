// Construction-time validation of owo::config; the secret key never shows in an error.
#include <owostack/owostack.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>

namespace {
std::string construct_error(owo::config cfg) {
    boost::asio::io_context ioc;
    try {
        owo::client c(ioc.get_executor(), std::move(cfg));
    } catch (const owo::api_error& e) {
        BOOST_TEST((e.code() == owo::error::invalid_argument));
        return e.what();
    }
    return {};
}
} // namespace

BOOST_AUTO_TEST_SUITE(configuration)

BOOST_AUTO_TEST_CASE(secret_key_is_required) {
    auto what = construct_error(owo::config{});
    BOOST_TEST(what.find("secret_key is empty") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_values_are_refused_without_leaking_the_key) {
    const std::string key = "sk_live_SUPERSECRET123";
    owo::config c{.secret_key = key, .api_url = "http://api.owostack.com/v1"};
    auto what = construct_error(c);
    BOOST_TEST(what.find("loopback") != std::string::npos);
    BOOST_TEST(what.find(key) == std::string::npos);
    BOOST_TEST(!construct_error(owo::config{.secret_key = "sk\r\nx"}).empty());
    BOOST_TEST(!construct_error(owo::config{.secret_key = key, .ca_file = "/nonexistent/ca.pem"}).empty());
    owo::config zero{.secret_key = key};
    zero.pool.max_connections = 0;
    BOOST_TEST(!construct_error(zero).empty());
}

BOOST_AUTO_TEST_CASE(mode_selects_hosted_url_and_api_url_wins) {
    boost::asio::io_context ioc;
    owo::client live(ioc.get_executor(), owo::config{.secret_key = "k"});
    BOOST_TEST(live.api_url() == "https://api.owostack.com/v1");
    owo::client sandbox(ioc.get_executor(), owo::config{.secret_key = "k", .mode = owo::mode::sandbox});
    BOOST_TEST(sandbox.api_url() == "https://sandbox.owostack.com/v1");
    owo::client local(ioc.get_executor(), owo::config{.secret_key = "k", .mode = owo::mode::sandbox,
                                                      .api_url = "https://127.0.0.1:8443/v1"});
    BOOST_TEST(local.api_url() == "https://127.0.0.1:8443/v1");
}

BOOST_AUTO_TEST_CASE(from_env_reads_the_documented_variables) {
    ::setenv("OWOSTACK_SECRET_KEY", "sk_env", 1);
    ::setenv("OWOSTACK_API_URL", "https://127.0.0.1:9/v1", 1);
    auto c = owo::config::from_env();
    BOOST_TEST(c.secret_key == "sk_env");
    BOOST_TEST(c.api_url == "https://127.0.0.1:9/v1");
    ::unsetenv("OWOSTACK_SECRET_KEY");
    ::unsetenv("OWOSTACK_API_URL");
}

BOOST_AUTO_TEST_SUITE_END()
