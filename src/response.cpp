#include "response.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>

#include <memory>

namespace owo::detail {

namespace json = boost::json;

namespace {

std::string_view status_code_name(int status) {
    switch (status) {
    case 400: return "invalid_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 429: return "rate_limited";
    default: return status >= 500 ? "server_error" : "unexpected_status";
    }
}

const json::string* string_at(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() ? it->value().if_string() : nullptr;
}

std::optional<double> number_at(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end()) return std::nullopt;
    const auto& v = it->value();
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    if (v.is_double()) return v.get_double();
    return std::nullopt;
}

json::parse_options response_parse_options() {
    json::parse_options opts;
    opts.max_depth = 64;
    return opts;
}

// Parses into one monotonic arena per response (one or two allocations instead of one per
// string, array and object); the parser itself, with its scratch space, is reused per thread.
bool parse_object(std::string_view text, json::object& out) {
    thread_local json::parser parser(json::storage_ptr(), response_parse_options());
    auto arena = json::make_shared_resource<json::monotonic_resource>(512 + 4 * text.size());
    parser.reset(std::move(arena));
    boost::system::error_code ec;
    parser.write(text.data(), text.size(), ec);
    if (ec) {
        parser.reset();
        return false;
    }
    json::value v = parser.release();
    if (!v.is_object()) return false;
    // Move-construct, so the object keeps its arena: assigning across memory resources would
    // copy every key and string onto the heap.
    std::destroy_at(&out);
    std::construct_at(&out, std::move(v.get_object()));
    return true;
}

// The raw Zod shape (docs/protocol.md §2.4 b) carries its issues as a JSON string; read as
// "email: Invalid email address; name: ...". Empty when `message` is not such an array.
std::string zod_issues_summary(std::string_view message) {
    boost::system::error_code ec;
    json::value issues = json::parse(message, ec);
    if (ec || !issues.is_array() || issues.get_array().empty()) return {};
    std::string out;
    for (const auto& issue : issues.get_array()) {
        const json::object* o = issue.if_object();
        const json::string* text = o ? string_at(*o, "message") : nullptr;
        if (!text) return {};
        if (!out.empty()) out += "; ";
        std::string path;
        if (auto p = o->find("path"); p != o->end() && p->value().is_array())
            for (const auto& part : p->value().get_array()) {
                if (!path.empty()) path += '.';
                if (part.is_string()) path += part.get_string();
                else if (part.is_int64()) path += std::to_string(part.get_int64());
            }
        if (!path.empty()) out += path + ": ";
        out += *text;
    }
    return out;
}

// The customer lifecycle's error fields: requiredScope (403 insufficient_scope) and
// currentVersion (409 version_conflict).
void read_lifecycle_fields(const json::object& body, diagnostics& d) {
    if (auto s = string_at(body, "requiredScope")) d.required_scope = std::string(*s);
    if (auto it = body.find("currentVersion"); it != body.end() && it->value().is_int64())
        d.current_version = it->value().get_int64();
}

// The wallet routes answer a bad body with Zod's flattened field errors as `error`:
// {"customer":["Invalid input: expected string, received undefined"]}; read as
// "customer: Invalid input: ...". Empty when `error` is not such an object.
std::string field_errors_summary(const json::object& errors) {
    std::string out;
    for (const auto& kv : errors) {
        const json::array* messages = kv.value().if_array();
        if (!messages || messages->empty() || !(*messages)[0].is_string()) return {};
        if (!out.empty()) out += "; ";
        out += std::string(kv.key()) + ": " + std::string((*messages)[0].get_string());
    }
    return out;
}

// docs/protocol.md §2.4: code = body.code, else body.error.code; message = body.error (string), else
// body.error.message (a Zod issue list summarised), else body.message, else details.message (the
// entitlement-shaped errors of track, §4.8), else body.error as field errors (wallet).
void read_error_body(const json::object& body, diagnostics& d) {
    const json::object* nested = nullptr;
    if (auto it = body.find("error"); it != body.end()) nested = it->value().if_object();
    if (auto c = string_at(body, "code")) d.code = *c;
    else if (nested) {
        if (auto c2 = string_at(*nested, "code")) d.code = *c2;
    }
    const json::object* details = nullptr;
    if (auto it = body.find("details"); it != body.end()) details = it->value().if_object();
    if (auto m = string_at(body, "error")) d.message = *m;
    else if (nested && string_at(*nested, "message")) {
        std::string_view raw = *string_at(*nested, "message");
        std::string summary;
        if (auto n = string_at(*nested, "name"); n && *n == "ZodError") summary = zod_issues_summary(raw);
        d.message = summary.empty() ? std::string(raw) : std::move(summary);
    } else if (auto m2 = string_at(body, "message")) d.message = *m2;
    else if (details && string_at(*details, "message")) d.message = *string_at(*details, "message");
    else if (nested) d.message = field_errors_summary(*nested);
    d.current = number_at(body, "current");
    d.limit = number_at(body, "limit");
    if (auto f = string_at(body, "feature")) d.feature = std::string(*f);
    read_lifecycle_fields(body, d);
}

} // namespace

std::string excerpt(std::string_view body) {
    std::string out;
    for (unsigned char c : body.substr(0, 200)) out.push_back(c >= 0x20 && c < 0x7f ? char(c) : '?');
    if (body.size() > 200) out += "...";
    return out;
}

error classify_failure(int status, std::string_view code, std::string_view message) {
    if (code == "limit_exceeded") return error::limit_exceeded;
    if (status == 404 || code == "customer_not_found" || code == "feature_not_found" ||
        code == "entity_not_found") {
        if (code == "customer_not_found" || message == "Customer not found") return error::customer_not_found;
        if (code == "feature_not_found" || message == "Feature not found") return error::feature_not_found;
        if (code == "entity_not_found" || message == "Entity not found") return error::entity_not_found;
        if (message == "Plan not found" || (message.starts_with("Plan '") && message.ends_with("' not found")))
            return error::plan_not_found;
        if (status == 404) return error::not_found;
    }
    switch (status) {
    case 400: case 422: return error::invalid_request;
    case 401: return error::unauthorized;
    case 403: return error::forbidden;
    case 409: return message == "Entity already exists" ? error::entity_exists : error::conflict;
    case 413: return error::payload_too_large;
    case 429: return error::rate_limited;
    default: return status >= 500 && status <= 599 ? error::server_error : error::unexpected_status;
    }
}

interpreted_response interpret_response(int status, std::string_view text) {
    interpreted_response r;
    bool is_json = parse_object(text, r.body);
    bool ok_status = status >= 200 && status <= 299;
    if (ok_status && is_json) {
        auto s = r.body.find("success");
        if (s == r.body.end() || !s->value().is_bool() || s->value().get_bool()) return r;
        // The hosted track answers a refusal at the limit with 200, success:false and
        // allowed:false: an answer (a denial), not a failure. See docs/protocol.md, track.
        if (auto a = r.body.find("allowed"); a != r.body.end() && a->value().is_bool()) return r;
    }
    diagnostics& d = r.diag;
    d.http_status = status;
    if (ok_status) {
        // 2xx that is not a usable JSON object (or says success:false): we cannot trust it.
        if (is_json) read_error_body(r.body, d);
        if (d.message.empty())
            d.message = is_json ? "response reported failure without a message"
                                : "response body is not a JSON object: " + excerpt(text);
        if (d.code.empty()) d.code = "bad_response";
        r.ec = error::bad_response;
    } else {
        if (is_json) read_error_body(r.body, d);
        else d.message = excerpt(text);
        if (d.code.empty()) d.code = status_code_name(status);
        r.ec = classify_failure(status, d.code, d.message);
        // A 5xx page that is not JSON came from a proxy or load balancer, not from the API.
        if (!is_json && r.ec == error::server_error) r.ec = error::unexpected_status;
    }
    if (is_json) d.body = std::move(r.body);
    r.body = {};
    return r;
}

} // namespace owo::detail
