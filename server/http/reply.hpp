// What a route handler answers: status, content type and body. The HTTP layer adds the
// common headers (Idempotency-Support, keep-alive) and the replay marker.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string>

namespace owo::local {

struct reply {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
};

/// 2xx/4xx JSON body as given.
reply json_reply(unsigned status, const boost::json::object& body);
/// {"success":false,"error":"<message>"}
reply error_reply(unsigned status, std::string_view message);
/// The hosted service's 404 for an unknown route: plain text.
reply not_found_reply();

/// One validation issue in Zod's shape (code, path, message and code-specific fields).
boost::json::object issue(std::string_view code, boost::json::array path, std::string_view message);
/// 400 {"success":false,"error":{"name":"ZodError","message":"<issues as a JSON string>"}}
reply validation_reply(const boost::json::array& issues);

} // namespace owo::local
