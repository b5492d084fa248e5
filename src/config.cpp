#include "config_check.hpp"

#include "urls.hpp"

#include <owostack/error.hpp>

#include <cstdlib>

namespace owo {

config config::from_env() {
    config c;
    auto read = [](const char* name) {
        const char* v = std::getenv(name);
        return v ? std::string(v) : std::string();
    };
    c.secret_key = read("OWOSTACK_SECRET_KEY");
    c.api_url = read("OWOSTACK_API_URL");
    c.ca_file = read("OWOSTACK_CA_FILE");
    return c;
}

namespace detail {

namespace {
[[noreturn]] void bad_config(std::string message) {
    throw api_error(error::invalid_argument, diagnostics{.code = "invalid_config", .message = std::move(message)});
}
} // namespace

std::string_view hosted_url(mode m) {
    return m == mode::sandbox ? "https://sandbox.owostack.com/v1" : "https://api.owostack.com/v1";
}

base_url check_config(const config& c) {
    if (c.secret_key.empty())
        bad_config("config::secret_key is empty (set it, or OWOSTACK_SECRET_KEY with config::from_env())");
    for (unsigned char ch : c.secret_key)
        if (ch < 0x21 || ch > 0x7e) bad_config("config::secret_key contains characters not allowed in a header");
    if (c.request_timeout.count() <= 0 || c.connect_timeout.count() <= 0 ||
        c.handshake_timeout.count() <= 0 || c.io_timeout.count() <= 0)
        bad_config("config timeouts must be positive");
    if (c.retry.max_retries < 0 || c.retry.max_retries > 10) bad_config("config::retry.max_retries must be 0..10");
    if (c.pool.max_connections == 0) bad_config("config::pool.max_connections must be at least 1");
    if (c.max_response_bytes < 1024) bad_config("config::max_response_bytes must be at least 1024");
    boost::system::error_code ec;
    std::string why;
    base_url b = parse_base_url(c.api_url.empty() ? hosted_url(c.mode) : std::string_view(c.api_url), ec, why);
    if (ec) bad_config(why);
    return b;
}

} // namespace detail
} // namespace owo
