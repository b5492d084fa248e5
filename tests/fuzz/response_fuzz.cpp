// Fuzz target: an HTTP status and a body, as a server (or a proxy) might send them, through
// the SDK's response interpretation and every result decoder. Must end in a result or a typed
// error, never a crash. Input: "<status>\n<body>".
#include "json_mapping.hpp"
#include "response.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

template <class T>
void try_decode(const boost::json::object& body) {
    try {
        (void)boost::json::value_to<T>(boost::json::value(body));
    } catch (const owo::detail::decode_error&) {
    } catch (const boost::system::system_error&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto nl = in.find('\n');
    int status = 200;
    if (nl != std::string_view::npos && nl <= 3) {
        status = 0;
        for (char c : in.substr(0, nl)) status = status * 10 + ((c >= '0' && c <= '9') ? c - '0' : 0);
        in.remove_prefix(nl + 1);
    }
    auto r = owo::detail::interpret_response(status, in);
    if (r.ec) {
        if (!r.diag.message.empty() && r.diag.code.empty()) __builtin_trap();   // every failure is described
        return 0;
    }
    try_decode<owo::customer_record>(r.body);
    try_decode<owo::attach_result>(r.body);
    try_decode<owo::access_result>(r.body);
    try_decode<owo::add_entity_result>(r.body);
    try_decode<owo::remove_entity_result>(r.body);
    try_decode<owo::list_entities_result>(r.body);
    try {
        (void)owo::detail::decode_field<owo::plan>(r.body, "plan");
        (void)owo::detail::decode_field<std::vector<owo::plan>>(r.body, "plans");
    } catch (const owo::detail::decode_error&) {
    } catch (const boost::system::system_error&) {
    }
    return 0;
}
