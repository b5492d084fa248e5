// ISO-8601 timestamps and usage periods (see time.hpp).
#include "domain/time.hpp"

#include <chrono>

namespace owo::local {

using namespace std::chrono;

namespace {
// Writes `v` as exactly `width` decimal digits (zero-padded).
char* put_digits(char* p, unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
    return p + width;
}
} // namespace

// By hand, not snprintf: every timestamp of every answer goes through here.
std::string iso8601(std::int64_t epoch_ms) {
    sys_time<milliseconds> t{milliseconds(epoch_ms)};
    auto day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss hms{t - day};
    std::string out(24, '\0');   // YYYY-MM-DDTHH:MM:SS.mmmZ
    char* p = out.data();
    p = put_digits(p, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
    *p++ = '-';
    p = put_digits(p, static_cast<unsigned>(ymd.month()), 2);
    *p++ = '-';
    p = put_digits(p, static_cast<unsigned>(ymd.day()), 2);
    *p++ = 'T';
    p = put_digits(p, static_cast<unsigned>(hms.hours().count()), 2);
    *p++ = ':';
    p = put_digits(p, static_cast<unsigned>(hms.minutes().count()), 2);
    *p++ = ':';
    p = put_digits(p, static_cast<unsigned>(hms.seconds().count()), 2);
    *p++ = '.';
    p = put_digits(p, static_cast<unsigned>(hms.subseconds().count()), 3);
    *p = 'Z';
    return out;
}

std::string normalize_reset_interval(const std::string& r) {
    if (r == "hour") return "hourly";
    if (r == "day") return "daily";
    if (r == "week") return "weekly";
    if (r == "month") return "monthly";
    if (r == "quarter") return "quarterly";
    if (r == "year" || r == "annually") return "yearly";
    return r;
}

usage_period period_for(const std::string& reset, std::int64_t now_ms, std::int64_t subscription_period_end) {
    sys_time<milliseconds> now{milliseconds(now_ms)};
    auto to_ms = [](auto tp) { return duration_cast<milliseconds>(tp.time_since_epoch()).count(); };
    // [start, next start) -> {start, next start - 1 ms}
    auto span = [](std::int64_t start, std::int64_t next) { return usage_period{start, next - 1}; };
    auto minutes_of = [&](std::int64_t n) {
        std::int64_t unit = n * 60'000;
        std::int64_t start = now_ms - now_ms % unit;
        return span(start, start + unit);
    };
    if (reset == "5min") return minutes_of(5);
    if (reset == "15min") return minutes_of(15);
    if (reset == "30min") return minutes_of(30);
    if (reset == "hour" || reset == "hourly") return minutes_of(60);
    auto today = floor<days>(now);
    if (reset == "day" || reset == "daily") return span(to_ms(today), to_ms(today + days(1)));
    if (reset == "week" || reset == "weekly") {   // Sunday to Saturday
        auto sunday = today - (weekday{today} - Sunday);
        return span(to_ms(sunday), to_ms(sunday + days(7)));
    }
    year_month_day ymd{today};
    auto months_from = [&](unsigned first_month, int count) {
        auto first = year_month{ymd.year(), month{first_month}};
        return span(to_ms(sys_days{first / 1}), to_ms(sys_days{(first + months(count)) / 1}));
    };
    unsigned m = static_cast<unsigned>(ymd.month());
    if (reset == "month" || reset == "monthly") return months_from(m, 1);
    if (reset == "quarter" || reset == "quarterly") return months_from((m - 1) / 3 * 3 + 1, 3);
    if (reset == "semi_annual") return months_from(m <= 6 ? 1 : 7, 6);
    if (reset == "year" || reset == "yearly" || reset == "annually") return months_from(1, 12);
    return {0, subscription_period_end};   // "none", "never" or unknown: usage accumulates
}

} // namespace owo::local
