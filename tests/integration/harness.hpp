// Shared by the integration tests: one owostack-local for the whole run, clients that trust
// its CA, a way to run a coroutine to completion, and unique names so tests never collide.
#pragma once

#include <support/expect_error.hpp>
#include <support/local_server.hpp>

#include <owostack/owostack.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_future.hpp>

#include <functional>
#include <string>

namespace owo::test {

inline constexpr const char* key_a = "sk_test_a";
inline constexpr const char* key_b = "sk_test_b";

/// The suite's shared server (started on first use, stopped at exit).
local_server& shared_server();

/// A config for `srv` that trusts its generated CA, with short test timeouts.
owo::config config_for(const local_server& srv, std::string key = key_a);

/// "<prefix>-<n>@example.com" / "<prefix>-<n>", unique within the run.
std::string unique_email(const std::string& prefix);
std::string unique_id(const std::string& prefix);

/// Runs `body(client)` on a fresh io_context until it finishes; rethrows its exception.
void run(const owo::config& cfg, std::function<boost::asio::awaitable<void>(owo::client&)> body);

/// GET an https URL trusting `ca_file` (follows the local server's sandbox checkout page).
int https_get_status(const std::string& url, const std::string& ca_file);

} // namespace owo::test
