// api_error's text: what a reader needs, nothing they must not see.
#include <owostack/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/assert/source_location.hpp>
#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(what_has_status_code_message_and_no_source_location) {
    static constexpr boost::source_location here = BOOST_CURRENT_LOCATION;
    boost::system::error_code ec;
    ec.assign(boost::asio::error::eof, &here);   // as Beast reports transport errors
    owo::diagnostics d;
    d.code = "transport_error";
    d.message = "connection closed";
    owo::api_error e(ec, d);
    std::string what = e.what();
    BOOST_TEST(what.find("owostack [transport_error] connection closed: ") == 0u, what);
    BOOST_TEST(what.find(__FILE__) == std::string::npos, what);
    BOOST_TEST(what.find(":2]") != std::string::npos, what);   // category:value for lookups
    BOOST_TEST((e.code() == boost::asio::error::eof));
}

BOOST_AUTO_TEST_CASE(what_carries_the_server_answer) {
    owo::diagnostics d;
    d.http_status = 400;
    d.code = "limit_exceeded";
    d.message = "Limit exceeded: 3/3 seats used";
    owo::api_error e(owo::error::limit_exceeded, d);
    BOOST_TEST(std::string(e.what()).find("owostack HTTP 400 [limit_exceeded] Limit exceeded: 3/3 seats used") == 0u);
    BOOST_TEST(e.http_status() == 400);
}

BOOST_AUTO_TEST_SUITE_END()
