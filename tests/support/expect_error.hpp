// expect_error(call): awaits a call that must fail with owo::api_error and returns the error
// (unit and integration tests).
#pragma once

#include <owostack/error.hpp>

#include <boost/asio/awaitable.hpp>

#include <stdexcept>

namespace owo::test {

/// Awaits `op`, which must fail with owo::api_error; returns the error.
template <class T>
boost::asio::awaitable<owo::api_error> expect_error(boost::asio::awaitable<T> op) {
    try {
        co_await std::move(op);
    } catch (const owo::api_error& e) {
        co_return e;
    }
    throw std::runtime_error("the operation succeeded, but an error was expected");
}

} // namespace owo::test
