#include "validation.hpp"

#include <boost/test/unit_test.hpp>

#include <limits>

using namespace owo::detail;

BOOST_AUTO_TEST_SUITE(validation)

BOOST_AUTO_TEST_CASE(identifiers) {
    BOOST_TEST(check_identifier("customer", "c_1").empty());
    BOOST_TEST(check_identifier("customer", "jane+x@acme.com").empty());
    BOOST_TEST(check_identifier("customer", "").find("customer must not be empty") == 0u);
    BOOST_TEST(!check_identifier("entity", std::string(256, 'a')).empty());
    BOOST_TEST(check_identifier("entity", std::string(255, 'a')).empty());
    BOOST_TEST(!check_identifier("entity", "a\r\nX-Injected: 1").empty());
    BOOST_TEST(!check_identifier("entity", std::string("a\0b", 3)).empty());
    BOOST_TEST(!check_identifier("entity", "tab\there").empty());
    BOOST_TEST(check_optional_identifier("entity", std::nullopt).empty());
    BOOST_TEST(!check_optional_identifier("entity", std::string()).empty());
}

BOOST_AUTO_TEST_CASE(emails) {
    for (const char* ok : {"jane@acme.com", "jane+billing@acme.co.uk", "a@b.io"})
        BOOST_TEST(check_email("email", ok).empty(), ok);
    for (const char* bad : {"", "jane", "@acme.com", "jane@", "jane@acme", "jane@@acme.com", "ja ne@acme.com",
                            "jane@acme.com.", "jane@.com", "a@b@c.com"})
        BOOST_TEST(!check_email("email", bad).empty(), bad);
    BOOST_TEST(!check_email("email", "jane@acme.com\n").empty());
}

BOOST_AUTO_TEST_CASE(header_values_and_numbers) {
    BOOST_TEST(check_header_value("idempotency_key", "3f1c-abc").empty());
    BOOST_TEST(!check_header_value("idempotency_key", "a b").empty());
    BOOST_TEST(!check_header_value("idempotency_key", "a\r\nb").empty());
    BOOST_TEST(!check_header_value("idempotency_key", "").empty());
    BOOST_TEST(check_number("value", 3.5).empty());
    BOOST_TEST(check_number("value", std::nullopt).empty());
    BOOST_TEST(!check_number("value", std::numeric_limits<double>::infinity()).empty());
    BOOST_TEST(!check_number("value", std::numeric_limits<double>::quiet_NaN()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
