// The base URL and request targets (paths and query strings), built with Boost.URL.
#pragma once

#include <boost/system/error_code.hpp>

#include <forward_list>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace owo::detail {

struct base_url {
    bool tls = true;
    std::string host;         ///< without brackets for IPv6
    std::string port;         ///< always set ("443" by default)
    std::string path_prefix;  ///< e.g. "/v1", no trailing slash
    std::string text;         ///< normalised, e.g. "https://api.owostack.com/v1"
    bool hosted = false;      ///< the hosted Owostack API (api.owostack.com, sandbox.owostack.com)

    std::string host_header() const;  ///< Host header value: host[:port]
};

/// Parses and checks an API base URL: https://, or http:// to a loopback host only.
/// On failure sets `ec` to error::invalid_argument and `why` to a message.
base_url parse_base_url(std::string_view text, boost::system::error_code& ec, std::string& why);

bool is_loopback_host(std::string_view host);
/// api.owostack.com or sandbox.owostack.com (any case): they lack owostack-local's extensions.
bool is_hosted_api_host(std::string_view host);
bool is_ip_literal(std::string_view host);

/// Query parameters as views; a value made for the request (a number, a date) is kept by
/// add_owned() for the query's lifetime.
struct query_params : std::vector<std::pair<std::string_view, std::string_view>> {
    using vector::vector;
    void add_owned(std::string_view key, std::string value) {
        owned_.push_front(std::move(value));   // a forward_list: stable, and no allocation when unused
        emplace_back(key, owned_.front());
    }

private:
    std::forward_list<std::string> owned_;
};

/// prefix + "/" + each segment percent-encoded, then "?k=v&..." with every value encoded
/// (so '+', '@', '/', '&' survive as data).
std::string make_target(const base_url& base, std::initializer_list<std::string_view> segments,
                        const query_params& query = {});

/// The same for an operation's path template ("plans/{plan slug}"): literal segments as they
/// are, the one "{...}" segment replaced by `argument`, percent-encoded.
std::string make_target(const base_url& base, std::string_view path_template, std::string_view argument,
                        const query_params& query = {});

/// The name inside the "{...}" segment of a path template ("plan slug"), empty when none.
std::string_view path_parameter_name(std::string_view path_template);

} // namespace owo::detail
