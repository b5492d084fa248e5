// Webhook endpoints (issue #18, protocol.md §4.22): where an organisation's events are posted,
// configured on the command line (--webhook) or through /v1/webhook_endpoints, and their secrets.
#pragma once

#include "domain/tenant.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace owo::local {

/// At most this many endpoints per organisation, so one page always lists them all.
inline constexpr std::size_t max_webhook_endpoints = 100;
/// How long a rotated-out secret still signs, unless the rotation says otherwise.
inline constexpr std::int64_t default_secret_overlap_ms = 24 * 3600 * 1000LL;

/// "whsec_" and 48 hex digits from the system's random source.
std::string new_webhook_secret();

/// Why `url` cannot be an endpoint ("" when it can): http(s) with a host, plain http only for
/// loopback hosts (127.0.0.0/8, ::1, localhost), no credentials in it.
std::string refused_webhook_url(const std::string& url);

/// ",a,b," for the types (every type must be known; "" for every type).
std::string types_column(const std::vector<std::string>& types);

/// The endpoint as the API shows it: never the secret.
boost::json::object endpoint_json(const webhook_endpoint_row& w);

/// One --webhook value: URL, with "#type,type" after it to filter.
struct webhook_spec {
    std::string url;
    std::vector<std::string> types;
};
/// Parses a --webhook value; throws std::invalid_argument saying what is wrong.
webhook_spec parse_webhook_spec(const std::string& text);

/// Makes the command line's endpoints those of `org`: one per spec (a stable id, so its outbox
/// survives restarts), signed with `secret`; a changed secret keeps signing with the old one
/// for the overlap. Endpoints from an earlier command line that this one lacks are removed.
void configure_command_line_endpoints(const tenant& t, const std::vector<webhook_spec>& specs, const std::string& secret);

/// Gives `w` `new_secret`; the old one keeps signing for `overlap_ms` (0: stops now).
void rotate_secret(const tenant& t, webhook_endpoint_row& w, std::string new_secret, std::int64_t overlap_ms);

} // namespace owo::local
