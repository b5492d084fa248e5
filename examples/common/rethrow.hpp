// The co_spawn completion handler the examples use instead of asio::detached, which drops the
// exception a coroutine ends with: here it is rethrown from io_context::run(), so main reports it
// and exits non-zero.
#pragma once

#include <exception>

namespace owo::examples {

inline constexpr auto rethrow = [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
};

} // namespace owo::examples
