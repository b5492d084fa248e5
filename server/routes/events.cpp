// [extension] Customer events and webhook endpoints (protocol.md §4.21, §4.22, issue #18):
//   GET    /v1/events                                  the event log, after a sequence number
//   POST   /v1/webhook_endpoints                       add an endpoint (its secret shown once)
//   GET    /v1/webhook_endpoints                       list them (never a secret)
//   DELETE /v1/webhook_endpoints/{id}                  remove one, and what it was still owed
//   POST   /v1/webhook_endpoints/{id}/rotate_secret    a new secret; the old one signs for a while
#include "routes/routes.hpp"

#include "domain/body_validator.hpp"
#include "domain/events.hpp"
#include "domain/webhook_endpoints.hpp"
#include "routes/query.hpp"

#include "ids.hpp"

#include <limits>

namespace owo::local {

namespace json = boost::json;

namespace {

constexpr std::int64_t default_event_page = 100, max_event_page = 1000;
constexpr std::int64_t max_overlap_seconds = 7 * 24 * 3600;

domain_error endpoint_not_found() { return {error_kind::not_found, "Webhook endpoint not found"}; }

/// `types` read and checked: every one a known event type.
std::vector<std::string> event_types_of(body_validator& v) {
    auto given = v.optional_string_array("types").value_or(std::vector<std::string>{});
    for (std::size_t i = 0; i < given.size(); ++i)
        if (!is_event_type(given[i])) v.refine({"types", i}, "Unknown event type '" + given[i] + "'");
    return given;
}

/// The answer that shows a secret: the only times it is ever shown.
json::object endpoint_with_secret(const webhook_endpoint_row& w) {
    json::object o{{"success", true}};
    for (auto& kv : endpoint_json(w)) o.emplace(kv.key(), std::move(kv.value()));
    o.emplace("secret", w.secret);
    return o;
}

} // namespace

route_result get_events(request_context& ctx) {
    query_reader q(ctx.query);
    event_page_query page;
    page.org = ctx.org;
    page.after_seq = q.integer("after", 0, std::numeric_limits<std::int64_t>::max()).value_or(0);
    auto limit = q.integer("limit", 1, max_event_page).value_or(default_event_page);
    if (auto types = q.text("type")) {
        std::string_view rest = *types;
        while (!rest.empty()) {
            auto comma = rest.find(',');
            std::string t(rest.substr(0, comma));
            if (!is_event_type(t)) q.refuse("type", "Unknown event type '" + t + "'");
            page.types.push_back(std::move(t));
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
    }
    page.customer_id = q.text("customer");
    if (!q.ok()) return q.error();

    page.limit = limit + 1;   // one more tells whether there is a next page
    return page_answer(ctx.db.list_events(page), limit, "events", event_json,
                       [](const event_row& e) { return std::to_string(e.seq); });
}

route_result post_webhook_endpoints(request_context& ctx) {
    body_validator v(ctx.body, {"url", "types"});
    auto url = v.required_string("url", 1, body_validator::text::free);
    auto types = event_types_of(v);
    if (v.ok())
        if (auto why = refused_webhook_url(url); !why.empty()) v.refine({"url"}, why);
    if (!v.ok()) return v.error();
    if (ctx.db.webhook_endpoints(ctx.org).size() >= max_webhook_endpoints)
        return domain_error{error_kind::invalid, "At most " + std::to_string(max_webhook_endpoints) + " webhook endpoints"};
    webhook_endpoint_row w{"we_" + owo::detail::make_uuid_v4(), ctx.org, url, types_column(types), new_webhook_secret(),
                           std::nullopt, std::nullopt, ctx.now_ms, false};
    ctx.db.insert_webhook_endpoint(w);
    return endpoint_with_secret(w);
}

route_result get_webhook_endpoints(request_context& ctx) {
    json::array endpoints;
    for (const auto& w : ctx.db.webhook_endpoints(ctx.org)) endpoints.push_back(endpoint_json(w));
    return json::object{{"success", true}, {"endpoints", std::move(endpoints)}, {"hasMore", false}};
}

route_result delete_webhook_endpoint(request_context& ctx) {
    auto w = ctx.db.webhook_endpoint(ctx.org, ctx.param("id"));
    if (!w) return endpoint_not_found();
    ctx.db.delete_webhook_endpoint(ctx.org, w->id);
    return json::object{{"success", true}, {"id", w->id}, {"deleted", true}};
}

route_result rotate_webhook_secret(request_context& ctx) {
    body_validator v(ctx.body, {"overlapSeconds"});
    auto overlap = v.optional_integer("overlapSeconds", 0);
    if (overlap && *overlap > max_overlap_seconds) v.refine({"overlapSeconds"}, "overlapSeconds may be at most 604800 (7 days)");
    if (!v.ok()) return v.error();
    auto w = ctx.db.webhook_endpoint(ctx.org, ctx.param("id"));
    if (!w) return endpoint_not_found();
    rotate_secret(ctx, *w, new_webhook_secret(), overlap ? *overlap * 1000 : default_secret_overlap_ms);
    return endpoint_with_secret(*w);
}

} // namespace owo::local
