// POST /v1/sync: validates a catalog payload, merges it into the organisation's catalog (by
// slug, never deleting) and stores it; the api installs the new catalog after the commit.
#include "routes/routes.hpp"

#include <boost/json/serialize.hpp>

namespace owo::local {

namespace json = boost::json;

route_result post_sync(request_context& ctx) {
    if (auto refused = validate_catalog_payload(ctx.body, catalog_source::sync_request)) return std::move(*refused);
    json::object doc = ctx.cat.document();
    if (auto refused = catalog_problems(doc, ctx.body.get_object())) return std::move(*refused);
    auto answer = merge_catalog(doc, ctx.body.get_object(), ctx.now_ms);
    ctx.db.save_catalog(ctx.org, json::serialize(doc));
    ctx.new_catalog = std::move(doc);
    return answer;
}

} // namespace owo::local
