#include "response_reader.hpp"

#include <boost/beast/core/string.hpp>

namespace owo::detail {

namespace http = boost::beast::http;

void received_response::clear() noexcept {
    status = 0;
    keep_alive = false;
    idempotency_honoured = false;
    retry_after.clear();
    request_id.clear();
    body.clear();
}

response_reader::response_reader(received_response& out) : out_(out) { out_.clear(); }

void response_reader::on_request_impl(http::verb, string_view, string_view, int, error_code&) {}

void response_reader::on_response_impl(int code, string_view, int, error_code&) { out_.status = code; }

void response_reader::on_field_impl(http::field, string_view name, string_view value, error_code&) {
    if (boost::beast::iequals(name, "Idempotency-Support")) out_.idempotency_honoured = boost::beast::iequals(value, "honoured");
    else if (boost::beast::iequals(name, "Retry-After")) out_.retry_after.assign(value.data(), value.size());
    else if (boost::beast::iequals(name, "X-Request-Id")) out_.request_id.assign(value.data(), value.size());
}

// Keep-alive is settled by the header (Connection, version, framing).
void response_reader::on_header_impl(error_code&) { out_.keep_alive = keep_alive(); }

void response_reader::on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) {
    // The parser's body_limit already refused anything larger.
    if (content_length) out_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t response_reader::on_body_impl(string_view body, error_code&) {
    out_.body.append(body.data(), body.size());
    return body.size();
}

void response_reader::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t response_reader::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
    out_.body.append(body.data(), body.size());
    return body.size();
}

void response_reader::on_finish_impl(error_code&) {}

} // namespace owo::detail
