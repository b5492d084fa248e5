// Reads a route's query parameters into typed values, collecting validation issues in Zod's
// shape (as body_validator does for bodies). Unknown parameters are ignored, as on every GET; a
// known one given twice is `expected string, received array`, as hono's query validator makes it.
#pragma once

#include "domain/result.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/url/params_view.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace owo::local {

/// A page read with one row more than `limit` (to learn whether there is a next page): drops
/// that row and says whether it was there.
template <class Row>
bool trim_page(std::vector<Row>& rows, std::int64_t limit) {
    bool more = static_cast<std::int64_t>(rows.size()) > limit;
    if (more) rows.pop_back();
    return more;
}

/// One page's answer, {"success":true, <key>:[…], "hasMore":…, "nextCursor":…|null}, from rows
/// read with limit + 1: the extra row only says that there is a next page.
template <class Row, class Render, class Cursor>
boost::json::object page_answer(std::vector<Row> rows, std::int64_t limit, std::string_view key, Render render, Cursor cursor_of) {
    bool more = trim_page(rows, limit);
    boost::json::array items;
    for (const auto& r : rows) items.push_back(render(r));
    boost::json::object o{{"success", true}};
    o[key] = std::move(items);
    o["hasMore"] = more;
    o["nextCursor"] = more ? boost::json::value(cursor_of(rows.back())) : boost::json::value(nullptr);
    return o;
}

class query_reader {
public:
    explicit query_reader(boost::urls::params_view query) : query_(query) {}

    /// z.string().optional(): the value when present, "" included. Every reader refuses a
    /// repeated parameter as the hosted routes' query schemas do (hono hands zod an array).
    std::optional<std::string> string(std::string_view key);
    /// The value when present; "" is an issue.
    std::optional<std::string> text(std::string_view key);
    /// A decimal integer within [minimum, maximum].
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t minimum, std::int64_t maximum);
    /// "true" or "false"; absent is false.
    bool flag(std::string_view key);
    /// An issue of code "custom" at `key` ("" for the query as a whole).
    void refuse(std::string_view key, std::string_view message);

    bool ok() const { return issues_.empty(); }
    domain_error error() const;

private:
    std::optional<std::string> raw(std::string_view key);
    boost::json::array path(std::string_view key) const;

    boost::urls::params_view query_;
    boost::json::array issues_;
};

} // namespace owo::local
