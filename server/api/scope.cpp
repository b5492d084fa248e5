// Scope names and parsing (see scope.hpp).
#include "api/scope.hpp"

#include <array>
#include <utility>

namespace owo::local {

namespace {

constexpr std::array<std::pair<scope, std::string_view>, 6> names{{
    {scope::customers_read, "customers:read"},
    {scope::customers_write, "customers:write"},
    {scope::entities_read, "entities:read"},
    {scope::entities_write, "entities:write"},
    {scope::billing_read, "billing:read"},
    {scope::billing_write, "billing:write"},
}};

} // namespace

std::string_view scope_name(scope s) {
    for (const auto& [sc, name] : names)
        if (sc == s) return name;
    return {};
}

scope_set scope_set::all() {
    scope_set set;
    for (const auto& [sc, name] : names) set.bits_.set(static_cast<std::size_t>(sc));
    return set;
}

std::optional<scope_set> scope_set::parse(std::string_view list, std::string_view* bad) {
    scope_set set;
    while (true) {
        auto comma = list.find(',');
        auto entry = list.substr(0, comma);
        bool known = entry == "*";
        if (known) set = all();
        for (const auto& [sc, name] : names)
            if (entry == name) {
                set.bits_.set(static_cast<std::size_t>(sc));
                known = true;
            }
        if (!known) {
            if (bad) *bad = entry;
            return std::nullopt;
        }
        if (comma == std::string_view::npos) return set;
        list.remove_prefix(comma + 1);
    }
}

} // namespace owo::local
