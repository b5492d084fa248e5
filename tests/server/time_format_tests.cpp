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

// lib/reset-period.ts getResetPeriod, with docs/protocol.md §2.7's examples (now = 2026-05-14T10:07Z).
BOOST_AUTO_TEST_CASE(usage_periods_end_on_their_last_millisecond) {
    using owo::local::iso8601;
    using owo::local::period_for;
    const std::int64_t now = 1'778'753'220'000;   // 2026-05-14T10:07:00.000Z, a Thursday
    BOOST_TEST(iso8601(now) == "2026-05-14T10:07:00.000Z");
    auto ends = [&](const char* r) { return iso8601(period_for(r, now, 42).resets_at); };
    BOOST_TEST(ends("5min") == "2026-05-14T10:09:59.999Z");
    BOOST_TEST(ends("hourly") == "2026-05-14T10:59:59.999Z");
    BOOST_TEST(ends("daily") == "2026-05-14T23:59:59.999Z");
    BOOST_TEST(ends("weekly") == "2026-05-16T23:59:59.999Z");   // Sunday to Saturday
    BOOST_TEST(ends("monthly") == "2026-05-31T23:59:59.999Z");
    BOOST_TEST(ends("quarterly") == "2026-06-30T23:59:59.999Z");
    BOOST_TEST(ends("semi_annual") == "2026-06-30T23:59:59.999Z");
    BOOST_TEST(ends("annually") == "2026-12-31T23:59:59.999Z");
    BOOST_TEST(iso8601(period_for("monthly", now, 42).start) == "2026-05-01T00:00:00.000Z");
    // never/none/unknown: no reset, the subscription's period end.
    BOOST_TEST(period_for("never", now, 42).resets_at == 42);
    BOOST_TEST(period_for("never", now, 42).start == 0);
    BOOST_TEST(owo::local::normalize_reset_interval("month") == "monthly");
    BOOST_TEST(owo::local::normalize_reset_interval("annually") == "yearly");
}

BOOST_AUTO_TEST_SUITE_END()
