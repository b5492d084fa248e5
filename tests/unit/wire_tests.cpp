// The bytes the SDK writes and how it reads a response, without a network: the hand-written
// request must be exactly the HTTP/1.1 message the API expects, and the response reader must
// keep the status, body and the few headers the transport acts on, whatever the framing.
#include "request.hpp"
#include "response_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace owo::detail;
namespace http = boost::beast::http;

namespace {

base_url local_base() {
    boost::system::error_code ec;
    std::string why;
    return parse_base_url("https://127.0.0.1:8443/v1", ec, why);
}

// Feeds `wire` to a fresh reader in pieces of `step` bytes, as a socket might deliver them.
received_response read_all(std::string_view wire, std::size_t step, boost::system::error_code& ec) {
    received_response out;
    response_reader reader(out);
    reader.eager(true);
    std::string pending;
    for (std::size_t pos = 0; pos < wire.size() && !reader.is_done();) {
        std::size_t n = std::min(step, wire.size() - pos);
        pending.append(wire.substr(pos, n));
        pos += n;
        std::size_t used = reader.put(boost::asio::buffer(pending), ec);
        pending.erase(0, used);   // need_more may still have consumed a part
        if (ec == http::error::need_more) ec = {};
        if (ec) return out;
    }
    if (!reader.is_done()) ec = http::error::partial_message;
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(wire)

BOOST_AUTO_TEST_CASE(get_request_bytes) {
    std::string fixed = make_fixed_headers(local_base(), "sk_test_1", "owostack-cpp/0.1");
    request_spec spec;
    spec.target = "/v1/entities?customer=c1&feature=seats";
    std::string out = "stale bytes from the previous call";
    write_request(out, spec, fixed);
    BOOST_TEST(out == "GET /v1/entities?customer=c1&feature=seats HTTP/1.1\r\n"
                      "Host: 127.0.0.1:8443\r\n"
                      "Authorization: Bearer sk_test_1\r\n"
                      "User-Agent: owostack-cpp/0.1\r\n"
                      "Accept: application/json\r\n"
                      "\r\n");
}

BOOST_AUTO_TEST_CASE(post_request_bytes) {
    std::string fixed = make_fixed_headers(local_base(), "sk_test_1", "ua");
    request_spec spec;
    spec.method = http::verb::post;
    spec.target = "/v1/customers";
    spec.body = R"({"id":"c1"})";
    spec.idempotency_key = "k-123";
    std::string out;
    write_request(out, spec, fixed);
    BOOST_TEST(out == "POST /v1/customers HTTP/1.1\r\n"
                      "Host: 127.0.0.1:8443\r\n"
                      "Authorization: Bearer sk_test_1\r\n"
                      "User-Agent: ua\r\n"
                      "Accept: application/json\r\n"
                      "Content-Type: application/json\r\n"
                      "Idempotency-Key: k-123\r\n"
                      "Content-Length: 11\r\n"
                      "\r\n"
                      R"({"id":"c1"})");
    // The buffer is reused: a shorter request leaves nothing of the longer one behind.
    request_spec get;
    get.target = "/v1/plans";
    write_request(out, get, fixed);
    BOOST_TEST(out.find("Content-Length") == std::string::npos);
    BOOST_TEST(out.substr(out.size() - 4) == "\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(response_with_content_length) {
    const std::string wire = "HTTP/1.1 429 Too Many Requests\r\n"
                             "content-type: application/json\r\n"
                             "retry-after: 2\r\n"
                             "X-REQUEST-ID: req_42\r\n"
                             "Idempotency-Support: Honoured\r\n"
                             "Content-Length: 13\r\n"
                             "\r\n"
                             R"({"code":"x"})"
                             "\n";
    for (std::size_t step : {std::size_t(1), std::size_t(7), wire.size()}) {
        boost::system::error_code ec;
        auto r = read_all(wire, step, ec);
        BOOST_TEST_REQUIRE(!ec, ec.message());
        BOOST_TEST(r.status == 429);
        BOOST_TEST(r.retry_after == "2");
        BOOST_TEST(r.request_id == "req_42");
        BOOST_TEST(r.idempotency_honoured);
        BOOST_TEST(r.keep_alive);
        BOOST_TEST(r.body == "{\"code\":\"x\"}\n");
    }
}

BOOST_AUTO_TEST_CASE(chunked_response_and_connection_close) {
    const std::string wire = "HTTP/1.1 200 OK\r\n"
                             "Transfer-Encoding: chunked\r\n"
                             "Connection: close\r\n"
                             "\r\n"
                             "5\r\n{\"a\":\r\n"
                             "2\r\n1}\r\n"
                             "0\r\n\r\n";
    boost::system::error_code ec;
    auto r = read_all(wire, 3, ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    BOOST_TEST(r.status == 200);
    BOOST_TEST(!r.keep_alive);
    BOOST_TEST(!r.idempotency_honoured);
    BOOST_TEST(r.retry_after.empty());
    BOOST_TEST(r.body == R"({"a":1})");
}

BOOST_AUTO_TEST_CASE(body_limit_and_garbage_are_errors) {
    received_response out;
    out.body = "left over";
    response_reader reader(out);
    BOOST_TEST(out.body.empty());   // a reader starts from a clean response
    reader.eager(true);
    reader.body_limit(4);
    boost::system::error_code ec;
    std::string big = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
    reader.put(boost::asio::buffer(big), ec);
    BOOST_TEST((ec == http::error::body_limit), ec.message());

    received_response junk_out;
    response_reader junk(junk_out);
    std::string junk_wire = "HTTP/1.1 2OO OK\r\n\r\n";
    junk.put(boost::asio::buffer(junk_wire), ec);
    BOOST_TEST(ec.failed());
}

BOOST_AUTO_TEST_SUITE_END()
