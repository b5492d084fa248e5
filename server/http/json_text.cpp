// JSON.stringify's output (see json_text.hpp).
#include "http/json_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace owo::local {

namespace json = boost::json;

namespace {

void put_string(std::string& out, std::string_view s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

// Number.prototype.toString: the shortest round-trip digits, fixed notation for
// 1e-6 <= |d| < 1e21, else d.ddde+x; non-finite numbers become null.
void put_double(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    if (d == 0) {
        out += '0';
        return;
    }
    char buf[64];
    double a = std::fabs(d);
    bool fixed = a >= 1e-6 && a < 1e21;
    auto r = std::to_chars(buf, buf + sizeof buf, d, fixed ? std::chars_format::fixed : std::chars_format::scientific);
    std::string s(buf, r.ptr);
    if (!fixed) {   // to_chars writes e+07 / e-07; JavaScript writes e+7 / e-7
        auto e = s.find('e');
        std::size_t digits = e + 2;
        while (digits + 1 < s.size() && s[digits] == '0') s.erase(digits, 1);
    }
    out += s;
}

void put(std::string& out, const json::value& v, int indent, int depth) {
    auto newline = [&](int d) {
        if (indent <= 0) return;
        out += '\n';
        out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(d), ' ');
    };
    switch (v.kind()) {
    case json::kind::null: out += "null"; return;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; return;
    case json::kind::int64: out += std::to_string(v.get_int64()); return;
    case json::kind::uint64: out += std::to_string(v.get_uint64()); return;
    case json::kind::double_: put_double(out, v.get_double()); return;
    case json::kind::string: put_string(out, v.get_string()); return;
    case json::kind::array: {
        const auto& a = v.get_array();
        if (a.empty()) {
            out += "[]";
            return;
        }
        out += '[';
        bool first = true;
        for (const auto& e : a) {
            if (!first) out += ',';
            first = false;
            newline(depth + 1);
            put(out, e, indent, depth + 1);
        }
        newline(depth);
        out += ']';
        return;
    }
    case json::kind::object: {
        const auto& o = v.get_object();
        if (o.empty()) {
            out += "{}";
            return;
        }
        out += '{';
        bool first = true;
        for (const auto& kv : o) {
            if (!first) out += ',';
            first = false;
            newline(depth + 1);
            put_string(out, kv.key());
            out += indent > 0 ? ": " : ":";
            put(out, kv.value(), indent, depth + 1);
        }
        newline(depth);
        out += '}';
        return;
    }
    }
}

} // namespace

std::string js_number_text(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    std::string out;
    put_double(out, d);
    return out;
}

std::string js_stringify(const json::value& v, int indent) {
    std::string out;
    put(out, v, indent, 0);
    return out;
}

} // namespace owo::local
