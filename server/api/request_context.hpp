// What a route handler is given: its organisation (store, catalog, time; see domain/tenant.hpp)
// and the request's parts the pipeline has already checked: the parsed body, the query and the
// path parameters the route table extracted.
#pragma once

#include "domain/tenant.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/url/params_view.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace owo::local {

/// Path parameters by name, e.g. {"id", "<decoded segment>"} for "/v1/customers/{id}".
using route_params = std::vector<std::pair<std::string_view, std::string>>;

struct request_context : tenant {
    const std::string& public_url;
    const boost::json::value& body;   // parsed body ({} when absent or not JSON)
    boost::urls::params_view query;
    route_params params;
    const catalog_map& catalogs;      // every organisation's, for public pages that belong to none
    std::optional<boost::json::object> new_catalog;   // set by /v1/sync, installed after commit

    /// The path parameter `name` (the route's pattern guarantees it is there).
    const std::string& param(std::string_view name) const;
};

} // namespace owo::local
