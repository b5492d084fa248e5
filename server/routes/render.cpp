// Stored text as answer fields: JSON text back to JSON, absent values as null.
#include "routes/routes.hpp"

#include <boost/json/parse.hpp>

#include <cmath>

namespace owo::local {

namespace json = boost::json;

json::value json_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    return json::parse(*text);
}

json::value string_or_null(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }

json::value js_number(double d) {
    if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
    return d;
}

} // namespace owo::local
