// Completes a sandbox checkout: an HTTPS GET of the checkout URL, as a customer's browser
// would do at a payment provider's test page. owostack-local activates the plan when fetched.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>

namespace owo::examples {

/// GETs `url` verifying the server against `ca_file` (empty: the system trust store);
/// returns the HTTP status. Throws boost::system::system_error on network/TLS failure.
boost::asio::awaitable<int> complete_sandbox_checkout(std::string url, std::string ca_file);

} // namespace owo::examples
