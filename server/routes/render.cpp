// Stored text as answer fields: JSON text back to JSON, absent values as null.
#include "routes/routes.hpp"

#include <boost/json/parse.hpp>

namespace owo::local {

namespace json = boost::json;

json::value json_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    return json::parse(*text);
}

json::value string_or_null(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }

} // namespace owo::local
