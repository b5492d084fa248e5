// The server's timestamp text: exactly the hosted service's ISO-8601 shape (UTC, milliseconds).
#include "domain/time.hpp"

#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(time_format)

BOOST_AUTO_TEST_CASE(iso8601_text) {
    using owo::local::iso8601;
    BOOST_TEST(iso8601(0) == "1970-01-01T00:00:00.000Z");
    BOOST_TEST(iso8601(1'795'346'190'592) == "2026-11-22T11:16:30.592Z");
    BOOST_TEST(iso8601(1'709'164'800'007) == "2024-02-29T00:00:00.007Z");
    BOOST_TEST(iso8601(253'402'300'799'999) == "9999-12-31T23:59:59.999Z");
}

BOOST_AUTO_TEST_SUITE_END()
