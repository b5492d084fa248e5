// GET /v1/credit-systems and GET /v1/credit-packs, as routes/api/credit-systems.ts and
// credit-packs.ts list them: the organisation's catalog, as sync declared it.
#include "routes/routes.hpp"

#include <algorithm>

namespace owo::local {

namespace json = boost::json;

route_result list_credit_systems(request_context& ctx) {
    json::array systems;
    for (const auto& c : ctx.cat.credit_systems()) {
        json::array features;
        for (const auto& [feature, cost] : c.features)
            features.push_back(json::object{{"feature", feature}, {"creditCost", js_number(cost)}});
        systems.push_back(json::object{
            {"slug", c.slug}, {"name", c.name}, {"description", string_or_null(c.description)}, {"features", std::move(features)}});
    }
    return json::object{{"success", true}, {"creditSystems", std::move(systems)}};
}

route_result list_credit_packs(request_context& ctx) {
    // Newest first (orderBy createdAt desc); the catalog keeps them in creation order.
    std::vector<const credit_pack_def*> packs;
    for (const auto& p : ctx.cat.credit_packs()) packs.push_back(&p);
    std::stable_sort(packs.begin(), packs.end(), [](auto a, auto b) { return a->created_at > b->created_at; });
    json::array data;
    for (const auto* p : packs)
        data.push_back(json::object{{"id", p->id},
                                    {"slug", p->slug},
                                    {"name", p->name},
                                    {"description", string_or_null(p->description)},
                                    {"credits", p->credits},
                                    {"price", p->price},
                                    {"currency", p->currency},
                                    {"creditSystemId", p->credit_system},
                                    {"creditSystem", p->credit_system},
                                    {"provider", string_or_null(p->provider)},
                                    {"metadata", p->metadata ? json::value(*p->metadata) : json::value(nullptr)},
                                    {"isActive", true},
                                    {"createdAt", p->created_at},
                                    {"updatedAt", p->updated_at}});
    return json::object{{"success", true}, {"data", std::move(data)}};
}

} // namespace owo::local
