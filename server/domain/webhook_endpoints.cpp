// Webhook endpoints (see webhook_endpoints.hpp).
#include "domain/webhook_endpoints.hpp"

#include "domain/events.hpp"

#include "ids.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace owo::local {

namespace json = boost::json;

namespace {

bool is_loopback_host(std::string host) {
    if (host == "localhost") return true;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(host, ec);
    return !ec && a.is_loopback();
}

/// A stable id for a command-line endpoint: the same org, URL and types give the same id.
std::string command_line_endpoint_id(const std::string& org, const webhook_spec& s) {
    std::string key = org + "\n" + s.url + "\n" + types_column(s.types);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(key.data(), key.size(), md, &len, EVP_sha256(), nullptr);
    return "we_cli_" + owo::detail::lower_hex(md, 12);
}

} // namespace

std::string new_webhook_secret() {
    unsigned char bytes[24];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for a webhook secret");
    return "whsec_" + owo::detail::lower_hex(bytes, sizeof bytes);
}

std::string refused_webhook_url(const std::string& url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u) return "url must be an absolute http(s) URL";
    if (u->scheme() != "https" && u->scheme() != "http") return "url must use https (http only for loopback addresses)";
    if (u->encoded_host().empty()) return "url must name a host";
    if (u->has_userinfo()) return "url must not carry credentials";
    if (u->has_fragment()) return "url must not have a fragment";
    if (u->scheme() == "http" && !is_loopback_host(std::string(u->host_address())))
        return "plain http is allowed only for loopback addresses; use https";
    return {};
}

std::string types_column(const std::vector<std::string>& types) {
    if (types.empty()) return {};
    std::string out = ",";
    for (const auto& t : types) out += t + ",";
    return out;
}

json::object endpoint_json(const webhook_endpoint_row& w) {
    json::array types;
    std::string_view rest = w.types;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        if (comma > 0 && comma != std::string_view::npos) types.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return {{"id", w.id},
            {"url", w.url},
            {"types", std::move(types)},
            {"createdAt", w.created_at},
            {"source", w.from_command_line ? "command_line" : "api"},
            {"previousSecretExpiresAt",
             w.previous_secret_expires_at ? json::value(*w.previous_secret_expires_at) : json::value(nullptr)}};
}

webhook_spec parse_webhook_spec(const std::string& text) {
    webhook_spec s;
    auto hash = text.find('#');
    s.url = text.substr(0, hash);
    if (auto why = refused_webhook_url(s.url); !why.empty()) throw std::invalid_argument("--webhook " + s.url + ": " + why);
    if (hash == std::string::npos) return s;
    std::string_view rest = std::string_view(text).substr(hash + 1);
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string t(rest.substr(0, comma));
        if (!is_event_type(t)) throw std::invalid_argument("--webhook: unknown event type '" + t + "'");
        s.types.push_back(t);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (s.types.empty()) throw std::invalid_argument("--webhook: nothing after '#' (give event types, or no '#')");
    return s;
}

void configure_command_line_endpoints(const tenant& t, const std::vector<webhook_spec>& specs, const std::string& secret) {
    std::vector<std::string> wanted;
    for (const auto& s : specs) {
        auto id = command_line_endpoint_id(t.org, s);
        wanted.push_back(id);
        if (auto w = t.db.webhook_endpoint(t.org, id)) {
            if (w->secret != secret) rotate_secret(t, *w, secret, default_secret_overlap_ms);
            continue;
        }
        t.db.insert_webhook_endpoint({id, t.org, s.url, types_column(s.types), secret, std::nullopt, std::nullopt, t.now_ms, true});
    }
    for (const auto& w : t.db.webhook_endpoints(t.org))
        if (w.from_command_line && std::find(wanted.begin(), wanted.end(), w.id) == wanted.end())
            t.db.delete_webhook_endpoint(t.org, w.id);
}

void rotate_secret(const tenant& t, webhook_endpoint_row& w, std::string new_secret, std::int64_t overlap_ms) {
    w.previous_secret = w.secret;
    w.previous_secret_expires_at = t.now_ms + overlap_ms;
    w.secret = std::move(new_secret);
    t.db.update_webhook_endpoint(w);
}

} // namespace owo::local
