// A bare HTTPS client for HTTP-level server tests: exact bytes in, status/headers/body out.
#pragma once

#include <map>
#include <string>

namespace owo::test {

struct raw_response {
    int status = 0;
    std::map<std::string, std::string> headers;   // lower-case names
    std::string body;
};

struct raw_request {
    std::string method = "GET";
    std::string target;                           // e.g. "/v1/plans"
    std::string body;
    std::map<std::string, std::string> headers;   // added as given
    std::string key = "sk_test_a";                // Bearer key; empty: no Authorization header
};

/// One request on a fresh TLS connection to 127.0.0.1:port, trusting `ca_file`.
raw_response call(unsigned short port, const std::string& ca_file, const raw_request& r);

} // namespace owo::test
