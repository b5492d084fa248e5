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

// docs/protocol.md §2.4: zod 4's email regex, written out by hand.
BOOST_AUTO_TEST_CASE(zod_emails) {
    for (const char* ok : {"a@x.io", "A@B.CO", "jane+billing@acme.co.uk", "o'neil@x.io", "a.b-c_d@x-1.y.museum", "-@x.io"})
        BOOST_TEST(is_zod_email(ok), ok);
    for (const char* bad : {"", "a@b.c", "a.@x.io", "a!b@x.com", ".a@x.io", "a..b@x.io", "a@x..io", "a@-x.io", "a@x.i0",
                            "a@x_y.io", "a@@x.io", "a@b@x.io", "@x.io", "a@.x.io", "a@x.io.", "a'@x.io", "a@x", "a@x.io\n",
                            "\xc3\xa9@x.io"})
        BOOST_TEST(!is_zod_email(bad), bad);
    BOOST_TEST(check_strict_email("email", "a@b.c") == "email is not a valid email address");
    BOOST_TEST(check_email("email", "a@b.c").empty());   // the lax rule owostack-local uses is unchanged
}

BOOST_AUTO_TEST_CASE(bounded_numbers_lengths_and_urls) {
    BOOST_TEST(!check_number("value", 1.5e15).empty());
    BOOST_TEST(!check_number("value", -1.5e15).empty());
    BOOST_TEST(check_number("value", -3).empty());
    BOOST_TEST(check_non_negative_number("value", 0.0).empty());
    BOOST_TEST(check_non_negative_number("value", 1e15).empty());
    BOOST_TEST(check_non_negative_number("value", -1) == "value must not be negative");
    BOOST_TEST(check_optional_min_chars("currency", std::string("USD"), 3).empty());
    BOOST_TEST(check_optional_min_chars("currency", std::string("\xc3\xa9\xc3\xa9"), 3) == "currency must have at least 3 characters");
    BOOST_TEST(check_optional_min_chars("currency", std::nullopt, 3).empty());
    BOOST_TEST(check_optional_url("u", std::string("https://x.io")).empty());
    BOOST_TEST(check_optional_url("u", std::string("HTTPS:x.io")).empty());   // WHATWG: slashes optional
    BOOST_TEST(check_optional_url("u", std::string("https://")) == "u has no host");
    BOOST_TEST(check_optional_url("u", std::string("x.io")) == "u is not an absolute URL (scheme:...)");
}

BOOST_AUTO_TEST_SUITE_END()
