// The retry rule (README "Timeouts, retries and idempotency"): what may be retried against a server that ignores Idempotency-Key.
#include "retry_policy.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

using namespace owo::detail;
using namespace std::chrono_literals;
namespace asio = boost::asio;

BOOST_AUTO_TEST_SUITE(retry_rule)

BOOST_AUTO_TEST_CASE(unsent_requests_are_always_retryable) {
    attempt_failure connect_refused{asio::error::connection_refused, 0, false};
    for (auto s : {retry_safety::idempotent, retry_safety::entity_add, retry_safety::entity_remove,
                   retry_safety::counts_usage})
        BOOST_TEST(is_retryable(s, connect_refused, false));
}

BOOST_AUTO_TEST_CASE(usage_is_never_replayed_blindly) {
    attempt_failure reset_after_send{asio::error::connection_reset, 0, true};
    BOOST_TEST(!is_retryable(retry_safety::counts_usage, reset_after_send, false));
    BOOST_TEST(is_retryable(retry_safety::counts_usage, reset_after_send, true));
    BOOST_TEST(is_retryable(retry_safety::entity_add, reset_after_send, false));
    BOOST_TEST(is_retryable(retry_safety::idempotent, reset_after_send, false));
    attempt_failure s500{{}, 500, true};
    BOOST_TEST(!is_retryable(retry_safety::counts_usage, s500, false));
    BOOST_TEST(is_retryable(retry_safety::counts_usage, s500, true));
    BOOST_TEST(is_retryable(retry_safety::entity_remove, s500, false));
}

BOOST_AUTO_TEST_CASE(statuses) {
    for (int s : {429, 500, 502, 503, 504})
        BOOST_TEST(is_retryable(retry_safety::idempotent, attempt_failure{{}, s, s != 429}, false), s);
    BOOST_TEST(is_retryable(retry_safety::counts_usage, attempt_failure{{}, 429, false}, false));
    for (int s : {400, 401, 403, 404, 409, 413, 501})
        BOOST_TEST(!is_retryable(retry_safety::idempotent, attempt_failure{{}, s, true}, true), s);
}

BOOST_AUTO_TEST_CASE(permanent_transport_errors) {
    BOOST_TEST(!is_retryable(retry_safety::idempotent, attempt_failure{asio::error::operation_aborted, 0, false}, true));
    BOOST_TEST(!is_retryable(retry_safety::idempotent,
                             attempt_failure{boost::beast::http::error::body_limit, 0, true}, true));
    boost::system::error_code verify(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED)),
                                     asio::error::get_ssl_category());
    BOOST_TEST(is_permanent_transport_error(verify));
    BOOST_TEST(!is_retryable(retry_safety::idempotent, attempt_failure{verify, 0, false}, true));
}

BOOST_AUTO_TEST_CASE(backoff_grows_is_capped_and_jittered) {
    owo::retry_params p;   // 500 ms initial, 5 s cap
    BOOST_TEST(backoff_delay(p, 1, 1.0, std::nullopt).count() == 500);
    BOOST_TEST(backoff_delay(p, 2, 1.0, std::nullopt).count() == 1000);
    BOOST_TEST(backoff_delay(p, 3, 1.0, std::nullopt).count() == 2500);
    BOOST_TEST(backoff_delay(p, 4, 1.0, std::nullopt).count() == 5000);
    BOOST_TEST(backoff_delay(p, 9, 1.0, std::nullopt).count() == 5000);
    BOOST_TEST(backoff_delay(p, 1, 0.75, std::nullopt).count() == 375);
    BOOST_TEST(backoff_delay(p, 1, 0.9, std::optional(2000ms)).count() == 2000);
    BOOST_TEST(backoff_delay(p, 1, 0.9, std::optional(60000ms)).count() == 5000);
}

BOOST_AUTO_TEST_CASE(retry_after_header) {
    // 2015-10-21T07:28:00Z, as a server's clock would say it.
    auto now = std::chrono::sys_days(std::chrono::year(2015) / 10 / 21) + std::chrono::hours(7) + std::chrono::minutes(28);
    BOOST_TEST(parse_retry_after("3", now)->count() == 3000);
    BOOST_TEST(parse_retry_after(" 0 ", now)->count() == 0);
    BOOST_TEST(parse_retry_after("Wed, 21 Oct 2015 07:28:07 GMT", now)->count() == 7000);
    BOOST_TEST(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now)->count() == 0);   // in the past
    BOOST_TEST(parse_retry_after("Thu, 22 Oct 2015 07:28:00 GMT", now + std::chrono::hours(-48))->count() == 86'400'000);
    BOOST_TEST(!parse_retry_after("Wed, 21 Oct 2015 07:28:00 UTC", now).has_value());
    BOOST_TEST(!parse_retry_after("Wed, 32 Oct 2015 07:28:00 GMT", now).has_value());
    BOOST_TEST(!parse_retry_after("-1", now).has_value());
    BOOST_TEST(!parse_retry_after("", now).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
