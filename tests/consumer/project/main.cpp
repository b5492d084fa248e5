// Builds against the installed headers and library; constructs a client and checks that a
// missing secret key is refused up front (no network needed).
#include <owostack/owostack.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdio>

int main() {
    boost::asio::io_context ioc;
    owo::client ok(ioc.get_executor(), owo::config{.secret_key = "sk_test_consumer", .api_url = "https://127.0.0.1:1/v1"});
    std::printf("client for %s\n", ok.api_url().c_str());
    try {
        owo::client bad(ioc.get_executor(), owo::config{});
        return 1;
    } catch (const std::exception& e) {
        std::printf("empty key refused: %s\n", e.what());
    }
    return 0;
}
