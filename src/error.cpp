#include <owostack/error.hpp>

#include <string>

namespace owo {

namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "owostack"; }
    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
        case error::invalid_argument: return "invalid argument";
        case error::unauthorized: return "unauthorized (missing or invalid API key)";
        case error::forbidden: return "forbidden";
        case error::invalid_request: return "invalid request";
        case error::customer_not_found: return "customer not found";
        case error::feature_not_found: return "feature not found";
        case error::entity_not_found: return "entity not found";
        case error::plan_not_found: return "plan not found";
        case error::not_found: return "not found";
        case error::entity_exists: return "entity already exists";
        case error::conflict: return "conflict";
        case error::limit_exceeded: return "limit exceeded";
        case error::payload_too_large: return "payload too large";
        case error::rate_limited: return "rate limited";
        case error::server_error: return "server error";
        case error::unexpected_status: return "unexpected HTTP status";
        case error::bad_response: return "bad response from server";
        case error::timeout: return "request deadline exceeded";
        case error::pool_exhausted: return "no connection available before the deadline";
        case error::not_supported: return "not supported by this API (an owostack-local extension)";
        }
        return "unknown owostack error";
    }
};

std::string describe(const diagnostics& d) {
    std::string s = "owostack";
    if (d.http_status) s += " HTTP " + std::to_string(d.http_status);
    if (!d.code.empty()) s += " [" + d.code + "]";
    if (!d.message.empty()) s += " " + d.message;
    return s;
}

} // namespace

const boost::system::error_category& get_error_category() noexcept {
    static const category c;
    return c;
}

api_error::api_error(boost::system::error_code ec, diagnostics diag)
    : boost::system::system_error(ec, describe(diag)), diag_(std::move(diag)),
      // system_error's own what() appends the error_code's source location (a Boost header
      // path): useless to a reader, so the text is built here instead.
      what_(describe(diag_) + ": " + ec.message() + " [" + ec.category().name() + ":" + std::to_string(ec.value()) + "]") {}

} // namespace owo
