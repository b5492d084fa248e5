// GET /v1/plans (filtered by group, interval, currency; inactive on request), GET /v1/plans/{slug}.
#include "routes/routes.hpp"

#include "domain/customers.hpp"
#include "routes/query.hpp"

namespace owo::local {

namespace json = boost::json;

route_result get_plans(request_context& ctx) {
    // plans.ts listPlansRoute query: four z.string().optional(); the handler ignores an empty
    // filter (`if (group)`) and includes inactive plans only for "true".
    query_reader q(ctx.query);
    auto group = q.string("group"), interval = q.string("interval"), currency = q.string("currency");
    bool include_inactive = q.string("includeInactive") == "true";
    if (!q.ok()) return q.error();
    for (auto* filter : {&group, &interval, &currency})
        if (*filter && (*filter)->empty()) filter->reset();
    // Newest first (orderBy createdAt desc): the catalog keeps creation order.
    json::array plans;
    const auto& all = ctx.cat.plans();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        const auto& p = *it;
        if (!p.active && !include_inactive) continue;
        if (group && p.plan_group != group) continue;
        if (interval && p.interval != *interval) continue;
        if (currency && ascii_lower(p.currency) != ascii_lower(*currency)) continue;
        plans.push_back(ctx.cat.public_plan(p, catalog::plan_view::list));
    }
    return json::object{{"success", true}, {"plans", std::move(plans)}};
}

route_result get_plan(request_context& ctx) {
    const auto& slug = ctx.param("slug");
    const plan_def* p = ctx.cat.plan(slug);
    if (!p) return domain_error{error_kind::not_found, "Plan not found"};   // plans.ts getPlanRoute handler
    return json::object{{"success", true}, {"plan", ctx.cat.public_plan(*p, catalog::plan_view::single)}};
}

} // namespace owo::local
