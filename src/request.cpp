#include "request.hpp"

#include <charconv>

namespace owo::detail {

std::string make_fixed_headers(const base_url& base, std::string_view secret_key, std::string_view user_agent) {
    std::string h;
    h.append("Host: ").append(base.host_header()).append("\r\n");
    h.append("Authorization: Bearer ").append(secret_key).append("\r\n");
    h.append("User-Agent: ").append(user_agent).append("\r\n");
    h.append("Accept: application/json\r\n");
    return h;
}

void write_request(std::string& out, const request_spec& spec, std::string_view fixed_headers) {
    using boost::beast::http::verb;
    // Every write carries its Idempotency-Key; a body (and its type) only when there is one, but
    // a POST or PATCH always says its length.
    const bool write = spec.method != verb::get;
    const bool has_body = !spec.body.empty();
    out.clear();
    out.append(boost::beast::http::to_string(spec.method)).push_back(' ');
    out.append(spec.target).append(" HTTP/1.1\r\n");
    out.append(fixed_headers);
    if (has_body) out.append("Content-Type: application/json\r\n");
    if (write) out.append("Idempotency-Key: ").append(spec.idempotency_key).append("\r\n");
    if (has_body || spec.method == verb::post || spec.method == verb::patch) {
        char digits[24];
        auto end = std::to_chars(digits, digits + sizeof digits, spec.body.size()).ptr;
        out.append("Content-Length: ").append(digits, end).append("\r\n");
    }
    out.append("\r\n");
    out.append(spec.body);
}

} // namespace owo::detail
