// Route matching: literal segments and {parameters}, Allow from the routes that share a path.
#include "api/route_table.hpp"

#include <algorithm>

namespace owo::local {

namespace {

std::vector<std::string_view> split(std::string_view pattern) {
    std::vector<std::string_view> out;
    while (!pattern.empty()) {
        pattern.remove_prefix(1);   // the '/'
        auto end = std::min(pattern.find('/'), pattern.size());
        out.push_back(pattern.substr(0, end));
        pattern.remove_prefix(end);
    }
    return out;
}

bool is_parameter(std::string_view s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

bool path_matches(const std::vector<std::string_view>& pattern, const std::vector<std::string>& segments) {
    if (pattern.size() != segments.size()) return false;
    for (std::size_t i = 0; i < pattern.size(); ++i)
        if (!is_parameter(pattern[i]) && pattern[i] != segments[i]) return false;
    return true;
}

} // namespace

const std::string& request_context::param(std::string_view name) const {
    return std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; })->second;
}

route_table::route_table(std::vector<route> routes) {
    for (auto& r : routes) entries_.push_back({r, split(r.pattern)});
}

route_match route_table::match(boost::beast::http::verb method, const std::vector<std::string>& segments) const {
    route_match m;
    // The path is the first pattern that matches; its routes are those with that same pattern.
    for (const auto& e : entries_) {
        if (m.on_path ? e.r.pattern != m.on_path->pattern : !path_matches(e.segments, segments)) continue;
        if (!m.on_path) m.on_path = &e.r;
        if (!m.allow.empty()) m.allow += ", ";
        m.allow += boost::beast::http::to_string(e.r.method);
        if (e.r.method != method || m.found) continue;
        m.found = &e.r;
        m.index = static_cast<std::size_t>(&e - entries_.data());
        for (std::size_t i = 0; i < e.segments.size(); ++i)
            if (is_parameter(e.segments[i])) m.params.emplace_back(e.segments[i].substr(1, e.segments[i].size() - 2), segments[i]);
    }
    return m;
}

} // namespace owo::local
