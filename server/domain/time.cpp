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

usage_period period_for(const std::optional<std::string>& reset, std::int64_t now_ms) {
    if (!reset) return {};
    std::string r = *reset;
    if (r.size() > 2 && r.ends_with("ly")) r = r == "daily" ? "day" : r.substr(0, r.size() - 2);
    sys_time<milliseconds> now{milliseconds(now_ms)};
    auto to_ms = [](auto tp) { return duration_cast<milliseconds>(tp.time_since_epoch()).count(); };
    if (r == "hour" || r == "minute") {
        auto unit = r == "hour" ? duration_cast<milliseconds>(hours(1)) : duration_cast<milliseconds>(minutes(1));
        auto start = now_ms - now_ms % unit.count();
        return {start, start + unit.count()};
    }
    auto today = floor<days>(now);
    if (r == "day") return {to_ms(today), to_ms(today + days(1))};
    if (r == "week") {   // ISO weeks start on Monday
        auto monday = today - (weekday{today} - Monday);
        return {to_ms(monday), to_ms(monday + days(7))};
    }
    year_month_day ymd{today};
    if (r == "month") {
        auto first = sys_days{ymd.year() / ymd.month() / 1};
        return {to_ms(first), to_ms(sys_days{(ymd.year() / ymd.month() + months(1)) / 1})};
    }
    if (r == "quarter") {
        unsigned q0 = (static_cast<unsigned>(ymd.month()) - 1) / 3 * 3 + 1;
        auto first = year_month{ymd.year(), month{q0}};
        return {to_ms(sys_days{first / 1}), to_ms(sys_days{(first + months(3)) / 1})};
    }
    if (r == "year") return {to_ms(sys_days{ymd.year() / January / 1}), to_ms(sys_days{(ymd.year() + years(1)) / January / 1})};
    return {};   // "none", "never" or unknown: usage accumulates
}

} // namespace owo::local
