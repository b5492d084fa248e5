// The state shared by all copies of one owo::client.
#pragma once

#include "connection.hpp"
#include "transport.hpp"
#include "urls.hpp"

#include <owostack/client.hpp>
#include <owostack/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

namespace owo::detail {

class client_impl {
public:
    /// `other_env`: another io_environment instead of the real one (unit tests' fake), which
    /// must outlive the client.
    client_impl(boost::asio::any_io_executor ex, config c, io_environment* other_env = nullptr);

    boost::asio::any_io_executor executor;
    const config cfg;
    const base_url base;
    boost::asio::ssl::context tls;
    asio_environment real_env;   // real sockets, timers and clocks
    io_environment& env;         // real_env, or the one given
    transport http;
};

/// A whole client over another io_environment (tests/unit drive operations with the fake).
struct client_access {
    static client make(boost::asio::any_io_executor ex, config cfg, io_environment& env);
};

} // namespace owo::detail
