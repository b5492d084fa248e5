// Turning an HTTP response (status, content type, body) into a JSON object or a typed error.
// Pure logic, no I/O: unit-tested against every body shape in docs/protocol.md, and fuzzed.
#pragma once

#include <owostack/error.hpp>

#include <boost/json/object.hpp>

#include <string_view>

namespace owo::detail {

struct interpreted_response {
    boost::system::error_code ec;   ///< empty on success
    diagnostics diag;               ///< filled on failure
    boost::json::object body;       ///< the JSON object on success
};

interpreted_response interpret_response(int status, std::string_view body);

/// The owo::error for an HTTP failure, from the status and what the body said.
error classify_failure(int status, std::string_view code, std::string_view message);

/// A short, printable excerpt of a non-JSON body for error messages.
std::string excerpt(std::string_view body);

} // namespace owo::detail
