#include "urls.hpp"

#include <owostack/error.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url_view.hpp>

namespace owo::detail {

namespace urls = boost::urls;

std::string base_url::host_header() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != (tls ? "443" : "80")) h += ":" + port;
    return h;
}

bool is_ip_literal(std::string_view host) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(std::string(host), ec);
    return !ec;
}

bool is_loopback_host(std::string_view host) {
    if (host == "localhost") return true;
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(std::string(host), ec);
    return !ec && a.is_loopback();
}

bool is_hosted_api_host(std::string_view host) {
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);   // the root label
    auto iequals = [&](std::string_view name) {
        if (host.size() != name.size()) return false;
        for (std::size_t i = 0; i < name.size(); ++i) {
            char c = host[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != name[i]) return false;
        }
        return true;
    };
    return iequals("api.owostack.com") || iequals("sandbox.owostack.com");
}

base_url parse_base_url(std::string_view text, boost::system::error_code& ec, std::string& why) {
    base_url out;
    auto fail = [&](std::string msg) {
        ec = error::invalid_argument;
        why = std::move(msg);
        return base_url{};
    };
    auto parsed = urls::parse_absolute_uri(text);
    if (!parsed) return fail("api_url is not an absolute URL");
    urls::url_view u = *parsed;
    if (u.has_userinfo()) return fail("api_url must not contain user information");
    if (u.has_query() || u.has_fragment()) return fail("api_url must not have a query or fragment");
    auto scheme = u.scheme_id();
    if (scheme != urls::scheme::https && scheme != urls::scheme::http)
        return fail("api_url must use https:// (or http:// to a loopback host)");
    out.tls = scheme == urls::scheme::https;
    out.host = u.host_address();   // IPv6 without brackets
    if (out.host.empty()) return fail("api_url has no host");
    if (!out.tls && !is_loopback_host(out.host))
        return fail("plain http:// is only allowed to a loopback host; use https://");
    out.port = u.has_port() ? std::string(u.port()) : (out.tls ? "443" : "80");
    std::string path(u.encoded_path());
    while (!path.empty() && path.back() == '/') path.pop_back();
    out.path_prefix = path;
    out.text = std::string(out.tls ? "https://" : "http://") + out.host_header() + out.path_prefix;
    out.hosted = is_hosted_api_host(out.host);
    ec.clear();
    return out;
}

namespace {

// Appends `s` percent-encoded; ids are almost always plain, so those are copied as they are.
void append_encoded(std::string& out, std::string_view s) {
    for (char c : s)
        if (!urls::unreserved_chars(c)) {
            out += urls::encode(s, urls::unreserved_chars);
            return;
        }
    out += s;
}

void append_query(std::string& t, const query_params& query) {
    char sep = '?';
    for (const auto& [k, v] : query) {
        t.push_back(sep);
        sep = '&';
        append_encoded(t, k);
        t.push_back('=');
        append_encoded(t, v);
    }
}

} // namespace

std::string make_target(const base_url& base, std::initializer_list<std::string_view> segments,
                        const query_params& query) {
    std::string t;
    t.reserve(128);
    t = base.path_prefix;
    for (auto s : segments) {
        t.push_back('/');
        append_encoded(t, s);
    }
    append_query(t, query);
    return t;
}

std::string_view path_parameter_name(std::string_view path_template) {
    auto open = path_template.find('{');
    auto close = path_template.find('}', open);
    if (open == std::string_view::npos || close == std::string_view::npos) return {};
    return path_template.substr(open + 1, close - open - 1);
}

std::string make_target(const base_url& base, std::string_view path_template, std::string_view argument,
                        const query_params& query) {
    std::string t;
    t.reserve(128);
    t = base.path_prefix;
    while (!path_template.empty()) {
        auto slash = path_template.find('/');
        auto segment = path_template.substr(0, slash);
        t.push_back('/');
        if (segment.starts_with('{')) append_encoded(t, argument);
        else t += segment;   // literal segments of the table are plain
        path_template.remove_prefix(slash == std::string_view::npos ? path_template.size() : slash + 1);
    }
    append_query(t, query);
    return t;
}

} // namespace owo::detail
