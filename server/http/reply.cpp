// Results and domain errors to replies, replies to responses (see reply.hpp).
#include "http/reply.hpp"

#include "http/json_text.hpp"

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
    case error_kind::validation:
    case error_kind::structured_validation: return 400;
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
        // Zod serialises its issue list into the message string, as JSON.stringify(issues, null, 2).
        return {status, json_type,
                js_stringify(json::object{{"success", false},
                                          {"error", {{"name", "ZodError"}, {"message", js_stringify(e.issues, 2)}}}})};
    if (e.kind == error_kind::structured_validation)   // lib/errors.ts ValidationError via errorToResponse
        return {status, json_type,
                js_stringify(json::object{{"success", false}, {"error", {{"code", "ValidationError"}, {"message", e.message}}}})};
    if (e.body) return {status, json_type, js_stringify(*e.body)};
    json::object body{{"success", false}, {"error", e.message}};
    for (const auto& kv : e.extra) body[kv.key()] = kv.value();
    return {status, json_type, js_stringify(body)};
}

reply reply_for(route_result r) {
    if (!r) return reply_for(r.error());
    if (auto* page = std::get_if<html_page>(&*r)) return {200, "text/html; charset=UTF-8", std::move(page->html)};
    return {200, json_type, js_stringify(std::get<json::object>(*r))};
}

namespace {

http_response response_with(reply r, unsigned version, bool keep_alive) {
    http_response res{static_cast<http::status>(r.status), version};
    res.set(http::field::content_type, r.content_type);
    if (!r.allow.empty()) res.set(http::field::allow, r.allow);
    if (r.replayed) res.set("Idempotent-Replayed", "true");
    res.body() = std::move(r.body);
    res.set(http::field::server, "owostack-local");
    res.set("Idempotency-Support", "honoured");
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

} // namespace

http_response make_response(reply r, const http_request& req) { return response_with(std::move(r), req.version(), req.keep_alive()); }

http_response refused_request(unsigned status, std::string_view message) {
    return response_with({status, json_type, js_stringify(json::object{{"success", false}, {"error", message}})}, 11, false);
}

} // namespace owo::local
