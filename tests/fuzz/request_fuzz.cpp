// Fuzz target: owostack-local's request handling. Arbitrary bytes are parsed as an HTTP request
// (with the server's own limits) and handed to the sans-I/O `api`; it must answer every parsed
// request with a well-formed response and never crash, hang or leak state between tenants.
#include <api/api.hpp>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr const char* catalog = R"({
  "features": [
    {"slug": "seats", "type": "metered", "name": "Seats", "meterType": "non_consumable"},
    {"slug": "api-calls", "type": "metered", "name": "API calls", "meterType": "consumable"},
    {"slug": "sso", "type": "boolean", "name": "SSO"}],
  "plans": [
    {"slug": "free", "name": "Free", "price": 0, "currency": "USD", "interval": "monthly", "planGroup": "main",
     "autoEnable": true, "features": [{"slug": "seats", "limit": 2}, {"slug": "api-calls", "limit": 50, "reset": "month"}]},
    {"slug": "team", "name": "Team", "price": 4900, "currency": "USD", "interval": "monthly", "planGroup": "main",
     "features": [{"slug": "seats", "limit": 5}, {"slug": "sso", "enabled": true}]}]})";

owo::local::api& app() {
    static std::unique_ptr<owo::local::api> a = [] {
        owo::local::api_options o;
        o.api_keys = {{"sk_test_a", "org_a"}, {"sk_test_b", "org_b"}};
        o.catalog = boost::json::parse(catalog).as_object();
        o.public_url = "https://127.0.0.1:8443";
        return std::make_unique<owo::local::api>(std::move(o));
    }();
    return *a;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // First byte: which key (if any) to add, so that most inputs reach the routes.
    std::uint8_t mode = data[0];
    ++data;
    --size;

    http::request_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    parser.header_limit(16 * 1024);
    parser.eager(true);
    beast::error_code ec;
    std::size_t used = parser.put(boost::asio::buffer(data, size), ec);
    (void)used;
    if (ec == http::error::need_more && parser.got_some()) parser.put_eof(ec);   // put_eof needs a started message
    if (ec || !parser.is_done()) return 0;
    auto req = parser.release();
    if ((mode & 3) == 1 && req[http::field::authorization].empty()) req.set(http::field::authorization, "Bearer sk_test_a");
    if ((mode & 3) == 2 && req[http::field::authorization].empty()) req.set(http::field::authorization, "Bearer sk_test_b");

    auto res = app().handle(req);
    unsigned status = res.result_int();
    if (status < 200 || status > 599) std::abort();
    if (res["Idempotency-Support"] != "honoured") std::abort();
    // Every JSON answer must be JSON.
    if (res[http::field::content_type] == "application/json") {
        boost::system::error_code jec;
        boost::json::parse(res.body(), jec);
        if (jec) std::abort();
    }
    return 0;
}
