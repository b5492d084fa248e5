// The state shared by all copies of one owo::client.
#pragma once

#include "connection.hpp"
#include "transport.hpp"
#include "urls.hpp"

#include <owostack/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

namespace owo::detail {

class client_impl {
public:
    client_impl(boost::asio::any_io_executor ex, config c);

    boost::asio::any_io_executor executor;
    const config cfg;
    const base_url base;
    boost::asio::ssl::context tls;
    asio_environment env;   // real sockets, timers and clocks
    transport http;
};

} // namespace owo::detail
