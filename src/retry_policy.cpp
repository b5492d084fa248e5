#include "retry_policy.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <charconv>

namespace owo::detail {

bool is_permanent_transport_error(const boost::system::error_code& ec) {
    namespace asio = boost::asio;
    if (ec == asio::error::operation_aborted) return true;
    if (ec == boost::beast::http::error::body_limit || ec == boost::beast::http::error::header_limit)
        return true;
    if (ec.category() == asio::error::get_ssl_category()) {
        // Certificate and protocol-version failures stay the same on every attempt.
        int reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
        return reason == SSL_R_CERTIFICATE_VERIFY_FAILED || reason == SSL_R_WRONG_VERSION_NUMBER ||
               reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION;
    }
    return false;
}

bool is_retryable(retry_safety safety, const attempt_failure& f, bool server_honours_keys) {
    bool replay_is_safe = safety != retry_safety::counts_usage || server_honours_keys;
    if (f.transport_error) {
        if (is_permanent_transport_error(f.transport_error)) return false;
        return !f.may_have_reached_server || replay_is_safe;
    }
    switch (f.status) {
    case 429: return true;  // refused before processing
    case 500: case 502: case 503: case 504: return replay_is_safe;
    default: return false;
    }
}

std::chrono::milliseconds backoff_delay(const retry_params& p, int retry, double jitter,
                                        std::optional<std::chrono::milliseconds> retry_after) {
    using std::chrono::milliseconds;
    if (retry_after) return std::min(*retry_after, p.max_backoff);
    long long n = std::max(retry - 1, 0);
    auto base = std::min<long long>(p.initial_backoff.count() * (1 + n * n), p.max_backoff.count());
    jitter = std::clamp(jitter, 0.0, 1.0);
    return milliseconds(static_cast<long long>(static_cast<double>(base) * jitter));
}

namespace {

bool read_int(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, out);
    return ec == std::errc{} && end == s.data() + pos + n;
}

} // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s) {
    using namespace std::chrono;
    // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions.
    static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
        s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT")
        return std::nullopt;
    auto m = months.find(s.substr(8, 3));
    int d = 0, y = 0, hh = 0, mm = 0, ss = 0;
    if (m == std::string_view::npos || m % 3 != 0 || !read_int(s, 5, 2, d) || !read_int(s, 12, 4, y) ||
        !read_int(s, 17, 2, hh) || !read_int(s, 20, 2, mm) || !read_int(s, 23, 2, ss))
        return std::nullopt;
    year_month_day ymd{year(y), month(static_cast<unsigned>(m / 3 + 1)), day(static_cast<unsigned>(d))};
    if (!ymd.ok() || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
    return time_point_cast<system_clock::duration>(sys_days(ymd) + hours(hh) + minutes(mm) + seconds(ss));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view v, std::chrono::system_clock::time_point now) {
    using std::chrono::milliseconds;
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    constexpr long long max_seconds = 86'400;
    long long secs = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
    if (ec == std::errc{} && end == v.data() + v.size() && secs >= 0)
        return milliseconds(std::min(secs, max_seconds) * 1000);
    if (auto date = parse_http_date(v)) {
        auto wait = std::chrono::duration_cast<milliseconds>(*date - now);
        return std::clamp(wait, milliseconds(0), milliseconds(max_seconds * 1000));
    }
    return std::nullopt;
}

} // namespace owo::detail
