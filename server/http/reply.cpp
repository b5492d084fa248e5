#include "http/reply.hpp"

#include <boost/json/serialize.hpp>

namespace owo::local {

namespace json = boost::json;

reply json_reply(unsigned status, const json::object& body) { return {status, "application/json", json::serialize(body)}; }

reply error_reply(unsigned status, std::string_view message) {
    return json_reply(status, {{"success", false}, {"error", message}});
}

reply not_found_reply() { return {404, "text/plain; charset=UTF-8", "404 Not Found"}; }

json::object issue(std::string_view code, json::array path, std::string_view message) {
    return {{"code", code}, {"path", std::move(path)}, {"message", message}};
}

reply validation_reply(const json::array& issues) {
    // Zod serialises its issue list into the message string; clients parse it back if they care.
    return json_reply(400, {{"success", false},
                            {"error", {{"name", "ZodError"}, {"message", json::serialize(issues)}}}});
}

} // namespace owo::local
