// Reads one HTTP response into a connection's reusable buffers: the status, the body and the
// few headers the SDK looks at. A Beast basic_parser, so no per-field allocations and no
// header container; everything else the server sends is skipped.
#pragma once

#include <boost/beast/http/basic_parser.hpp>

#include <string>

namespace owo::detail {

/// One response as the transport needs it. Reused from response to response (capacity kept).
struct received_response {
    int status = 0;
    bool keep_alive = false;
    bool idempotency_honoured = false;   ///< "Idempotency-Support: honoured"
    std::string retry_after;             ///< Retry-After, as sent
    std::string request_id;              ///< X-Request-Id
    std::string body;

    void clear() noexcept;
};

class response_reader final : public boost::beast::http::basic_parser<false> {
public:
    /// Clears `out` and fills it as the response arrives.
    explicit response_reader(received_response& out);

private:
    using string_view = boost::beast::string_view;
    using error_code = boost::beast::error_code;

    void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override;
    void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
    void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                       error_code& ec) override;
    void on_header_impl(error_code& ec) override;
    void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code& ec) override;
    std::size_t on_body_impl(string_view body, error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
    std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
    void on_finish_impl(error_code& ec) override;

    received_response& out_;
};

} // namespace owo::detail
