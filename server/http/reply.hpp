// The one place that makes HTTP replies: what a route answers (a JSON body or an HTML page) or a
// domain_error becomes a reply (status, content type, body), and a reply becomes the response
// with the headers every answer carries. Idempotency records store replies, so a replay is the
// same bytes.
#pragma once

#include "domain/result.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>

#include <string>
#include <variant>

namespace owo::local {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

/// A page for a browser rather than JSON for a client (the sandbox checkout).
struct html_page {
    std::string html;
};

/// What a route answers on success: a JSON body (200) or a page.
using route_answer = std::variant<boost::json::object, html_page>;
using route_result = result<route_answer>;

struct reply {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::string allow;       // the Allow header of a 405 (empty: none)
    bool replayed = false;   // answered from an idempotency record
};

reply reply_for(route_result r);
reply reply_for(const domain_error& e);

/// The response to `req`: `r` plus the headers every answer carries.
http_response make_response(reply r, const http_request& req);

/// The answer to a request the HTTP layer could not read (broken framing, a malformed request
/// line or header, a size limit): `status` with {"success":false,"error":message}. The
/// connection closes after it, as the bytes that follow cannot be trusted to start a request.
http_response refused_request(unsigned status, std::string_view message);

} // namespace owo::local
