// What one API call sends, and its bytes on the wire. The request is written by hand into a
// per-connection buffer: the fixed header block (host, authorization, user agent) is built once
// per client, so a call only appends its request line, key, length and body.
#pragma once

#include "retry_policy.hpp"
#include "urls.hpp"

#include <boost/beast/http/verb.hpp>

#include <string>
#include <string_view>

namespace owo::detail {

struct request_spec {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string target;           ///< path and query, already encoded
    std::string body;             ///< JSON text (POST, PATCH; empty: none)
    retry_safety safety = retry_safety::idempotent;
    std::string idempotency_key;  ///< every method but GET: the same on every attempt of this call
};

/// "Host: ...\r\nAuthorization: Bearer ...\r\nUser-Agent: ...\r\nAccept: application/json\r\n".
/// Holds the secret: never logged.
std::string make_fixed_headers(const base_url& base, std::string_view secret_key, std::string_view user_agent);

/// Replaces `out` with the HTTP/1.1 request for `spec` (keep-alive). Every piece was validated
/// before (no CR/LF in the target or key); `out` keeps its capacity from call to call.
void write_request(std::string& out, const request_spec& spec, std::string_view fixed_headers);

} // namespace owo::detail
