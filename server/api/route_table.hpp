// The route table: method + path pattern -> handler, with what the route needs (an API-key
// scope) and whether it writes. The table finds the route for a request, extracts the path
// parameters and, for a known path with another method, says which methods it has (Allow).
// routes/table.cpp holds the entries.
#pragma once

#include "api/request_context.hpp"
#include "api/scope.hpp"
#include "http/reply.hpp"

#include <boost/beast/http/verb.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace owo::local {

using route_handler = route_result (*)(request_context&);

struct route {
    boost::beast::http::verb method;
    std::string_view pattern;   // e.g. "/v1/customers/{id}": literal segments and {parameters}
    route_handler handler;
    scope needs;   // what the API key must hold (checked after authentication)
    bool write;   // runs in a transaction, with Idempotency-Key honoured
    /// The body is read as JSON whatever its Content-Type says (entitlements.ts and
    /// checkout.ts ensureJsonContentType); otherwise only a JSON content type's body is read.
    bool body_always_json = false;
};

struct route_match {
    const route* found = nullptr;   // the route for this method and path
    std::size_t index = 0;          // found's position in the table
    const route* on_path = nullptr; // the first route with this path, whatever its method
    std::string allow;              // the path's methods in table order, e.g. "GET, POST"
    route_params params;
};

class route_table {
public:
    /// Literal paths must come before patterns that would also match them.
    explicit route_table(std::vector<route> routes);

    /// `segments` are the decoded path segments, e.g. {"v1", "customers", "<id>"}.
    route_match match(boost::beast::http::verb method, const std::vector<std::string>& segments) const;
    std::size_t size() const { return entries_.size(); }

private:
    struct entry {
        route r;
        std::vector<std::string_view> segments;
    };
    std::vector<entry> entries_;
};

} // namespace owo::local
