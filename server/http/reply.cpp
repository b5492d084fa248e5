// Results and domain errors to replies, replies to responses (see reply.hpp).
#include "http/reply.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

namespace owo::local {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr const char* json_type = "application/json";

unsigned status_of(error_kind k) {
    switch (k) {
    case error_kind::invalid:
    case error_kind::validation: return 400;
    case error_kind::unauthenticated: return 401;
    case error_kind::forbidden: return 403;
    case error_kind::not_found:
    case error_kind::no_such_page: return 404;
    case error_kind::method_not_allowed: return 405;
    case error_kind::conflict: return 409;
    case error_kind::internal: break;
    }
    return 500;
}

} // namespace

reply reply_for(const domain_error& e) {
    unsigned status = status_of(e.kind);
    // The hosted service's 404 for a path it does not serve is plain text.
    if (e.kind == error_kind::no_such_page) return {status, "text/plain; charset=UTF-8", "404 Not Found"};
    if (e.kind == error_kind::validation)
        // Zod serialises its issue list into the message string; clients parse it back if they care.
        return {status, json_type,
                json::serialize(json::object{{"success", false},
                                             {"error", {{"name", "ZodError"}, {"message", json::serialize(e.issues)}}}})};
    if (e.body) return {status, json_type, json::serialize(*e.body)};
    json::object body{{"success", false}, {"error", e.message}};
    for (const auto& kv : e.extra) body[kv.key()] = kv.value();
    return {status, json_type, json::serialize(body)};
}

reply reply_for(route_result r) {
    if (!r) return reply_for(r.error());
    if (auto* page = std::get_if<html_page>(&*r)) return {200, "text/html; charset=UTF-8", std::move(page->html)};
    return {200, json_type, json::serialize(std::get<json::object>(*r))};
}

http_response make_response(reply r, const http_request& req) {
    http_response res{static_cast<http::status>(r.status), req.version()};
    res.set(http::field::content_type, r.content_type);
    if (!r.allow.empty()) res.set(http::field::allow, r.allow);
    if (r.replayed) res.set("Idempotent-Replayed", "true");
    res.body() = std::move(r.body);
    res.set(http::field::server, "owostack-local");
    res.set("Idempotency-Support", "honoured");
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

} // namespace owo::local
