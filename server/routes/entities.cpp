// POST /v1/entities, POST /v1/entities/remove, GET /v1/entities: seats and other entities of
// non-consumable features. Writes run under the store lock in one transaction, which is what
// makes the seat limit exact under any concurrency.
#include "routes/routes.hpp"

#include "routes/query.hpp"

#include "domain/customers.hpp"
#include "domain/events.hpp"
#include "domain/subscriptions.hpp"
#include "domain/time.hpp"

#include <boost/json/serialize.hpp>

namespace owo::local {

namespace json = boost::json;

namespace {

json::value limit_json(const std::optional<std::int64_t>& limit) { return limit ? json::value(*limit) : json::value(nullptr); }

/// The limit on `feature` for `customer_id`: that of the first granting subscription whose plan
/// has the feature; none when unlimited. ([local]: hosted takes the first active subscription
/// even when its plan lacks the feature; docs/protocol.md §6.)
std::optional<std::int64_t> entity_limit(const tenant& t, const std::string& customer_id, const std::string& feature) {
    settle_subscriptions(t, customer_id);
    auto g = find_grant(t, granting_subscriptions(t, customer_id), feature);
    return g ? g->feature->limit : std::nullopt;
}

/// customers.ts addEntitySchema / removeEntitySchema: customer, feature, entity (plain strings).
struct entity_key {
    std::string customer, feature, entity;
};
entity_key read_entity_key(body_validator& v) {
    entity_key k;
    k.customer = v.required_string("customer");
    k.feature = v.required_string("feature");
    k.entity = v.required_string("entity");
    return k;
}

} // namespace

json::object entity_fields(const entity_row& e) {
    return {{"id", e.entity},
            {"featureId", e.feature},
            {"name", string_or_null(e.name)},
            {"email", string_or_null(e.email)},
            {"metadata", json_or_null(e.metadata)},
            {"status", e.status},
            {"createdAt", iso8601(e.created_at)}};
}

route_result post_entities(request_context& ctx) {
    body_validator v(ctx.body, {"customer", "feature", "entity", "name", "email", "metadata"});
    auto [customer, feature, entity] = read_entity_key(v);
    auto name = v.optional_string("name");
    auto email = v.optional_email("email");
    auto metadata = v.optional_record("metadata");
    if (!v.ok()) return v.error();

    // An unknown identifier with '@' creates the customer, without auto plans; any feature type.
    auto who = resolve_or_create(ctx, customer, std::nullopt, auto_plans::skip);
    if (!who) return who.error();
    const auto& c = *who;
    if (!ctx.cat.feature(feature)) return domain_error{error_kind::not_found, "Feature not found"};

    auto limit = entity_limit(ctx, c.id, feature);
    auto count = ctx.db.count_entities(c.id, feature);
    json::object answer{{"success", true}, {"entityId", entity}, {"featureId", feature}};

    if (auto existing = ctx.db.find_entity(c.id, feature, entity)) {
        if (existing->status == "active") return domain_error{error_kind::conflict, "Entity already exists"};
        // pending_removal is still counted, so restoring it never crosses the limit.
        existing->status = "active";
        if (name) existing->name = name;
        if (email) existing->email = email;
        if (metadata) existing->metadata = json::serialize(*metadata);
        ctx.db.update_entity(*existing);
        entity_changed(ctx, "entity.restored", *existing, count, limit);
        answer["restored"] = true;
    } else {
        if (limit && count + 1 > *limit) {
            return domain_error{error_kind::invalid,
                                "Limit exceeded: " + std::to_string(count) + "/" + std::to_string(*limit) + " " + feature + " used",
                                {{"code", "limit_exceeded"}, {"current", count}, {"limit", *limit}, {"feature", feature}}};
        }
        entity_row row{c.id, feature, entity, name, email, std::nullopt, "active", ctx.now_ms};
        if (metadata) row.metadata = json::serialize(*metadata);
        ctx.db.insert_entity(row);
        ++count;
        entity_changed(ctx, "entity.added", row, count, limit);
    }
    answer["count"] = count;
    answer["limit"] = limit_json(limit);
    answer["remaining"] = limit ? json::value(*limit - count) : json::value(nullptr);   // not clamped, as hosted
    return answer;
}

route_result post_entities_remove(request_context& ctx) {
    body_validator v(ctx.body, {"customer", "feature", "entity"});
    auto [customer, feature, entity] = read_entity_key(v);
    if (!v.ok()) return v.error();

    auto who = resolve_existing(ctx, customer);
    if (!who) return who.error();
    const auto& c = *who;
    if (!ctx.cat.feature(feature)) return domain_error{error_kind::not_found, "Feature not found"};
    auto existing = ctx.db.find_entity(c.id, feature, entity);
    if (!existing || existing->status != "active") return domain_error{error_kind::not_found, "Entity not found"};
    existing->status = "pending_removal";   // still counted and billed until the period ends
    ctx.db.update_entity(*existing);
    auto count = ctx.db.count_entities(c.id, feature);
    entity_changed(ctx, "entity.removed", *existing, count, entity_limit(ctx, c.id, feature));
    return json::object{{"success", true}, {"entityId", entity}, {"count", count}};
}

route_result get_entities(request_context& ctx) {
    // customers.ts listEntitiesRoute query: customer and feature, z.string().optional().
    query_reader q(ctx.query);
    auto customer = q.string("customer"), feature = q.string("feature");
    if (!q.ok()) return q.error();
    if (feature && feature->empty()) feature.reset();
    if (!customer || customer->empty()) return domain_error{error_kind::invalid, "Customer parameter required"};
    auto who = resolve_existing(ctx, *customer);
    if (!who) return who.error();
    if (feature && !ctx.cat.feature(*feature)) return domain_error{error_kind::not_found, "Feature not found"};

    json::array entities;
    for (const auto& e : ctx.db.list_entities(who->id, feature)) entities.push_back(entity_fields(e));
    auto total = entities.size();
    return json::object{{"success", true}, {"entities", std::move(entities)}, {"total", total}};
}

} // namespace owo::local
