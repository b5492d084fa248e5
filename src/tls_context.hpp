// The client's TLS configuration: TLS 1.2+, peer verification against the system trust store
// and/or a CA file, SNI and host name checks per connection.
#pragma once

#include <owostack/config.hpp>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>

#include <string>

namespace owo::detail {

/// Throws api_error(invalid_argument) when the CA file cannot be loaded.
boost::asio::ssl::context make_tls_context(const config& cfg);

/// Sets SNI (for names, not IP literals) and the expected host name or IP on one SSL handle.
/// Returns false when OpenSSL refused the values.
bool prepare_tls_handle(SSL* ssl, const std::string& host, bool verify);

/// A readable reason for a failed handshake, e.g. "certificate has expired", from the handle.
std::string describe_tls_failure(SSL* ssl);

} // namespace owo::detail
