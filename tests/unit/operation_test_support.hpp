// What the unit tests of operations share: request_of / invalid (one operation's request and
// rules, no client), and fake_client — a whole owo::client over the scripted fake_environment — and expect_error.
#pragma once

#include "client_impl.hpp"
#include "fake_io.hpp"
#include "operation.hpp"
#include "../support/expect_error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

namespace owo::test {

inline detail::base_url base_of(std::string_view url) {
    boost::system::error_code ec;
    std::string why;
    auto b = detail::parse_base_url(url, ec, why);
    BOOST_TEST_REQUIRE(!ec, why);
    return b;
}

inline const detail::base_url local = base_of("https://127.0.0.1:8443/v1");
inline const detail::base_url hosted = base_of("https://api.owostack.com/v1");

/// The request one operation sends for `p` (no client, no network).
template <class Op>
detail::request_spec request_of(const typename Op::params& p, const detail::base_url& b = local) {
    return detail::operation<Op>::make_request(b, p);
}

/// Why `p` would be refused before sending ("" when it would be sent).
template <class Op>
std::string invalid(const typename Op::params& p) {
    return detail::operation<Op>::invalid_reason(p);
}

/// A whole owo::client over the scripted fake, on one io_context.
struct fake_client {
    boost::asio::io_context ioc;
    fake_environment env{ioc.get_executor()};
    owo::client client = detail::client_access::make(ioc.get_executor(), config(), env);

    static owo::config config() {
        owo::config c;
        c.secret_key = "sk_test";
        c.api_url = "https://127.0.0.1:8443/v1";
        return c;
    }

    /// Runs `body` to completion (every exchange it needs must be scripted).
    template <class F>
    void run(F body) {
        bool finished = false;
        boost::asio::co_spawn(ioc, [&]() -> boost::asio::awaitable<void> { co_await body(); }, [&](std::exception_ptr e) {
            finished = true;
            if (e) {
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& x) {
                    BOOST_ERROR(std::string("the coroutine threw: ") + x.what());
                }
            }
        });
        run_ready(ioc);
        BOOST_TEST_REQUIRE(finished, "the coroutine did not finish");
        BOOST_TEST(env.unscripted() == 0u);
    }
};


} // namespace owo::test
