// Customer events (see events.hpp). An event's data is the resource as the API renders it, so
// this file uses the routes' renderers (customer_fields, entity_fields).
#include "domain/events.hpp"

#include "routes/routes.hpp"

#include "ids.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace owo::local {

namespace json = boost::json;

namespace {

void record(const tenant& t, const std::string& org, std::string_view type, const std::optional<std::string>& customer_id,
            json::object data) {
    if (!t.events) return;
    event_row e{"evt_" + owo::detail::make_uuid_v7(), org, 0, std::string(type), customer_id, t.now_ms,
                json::serialize(data)};
    t.db.append_event(e);
}

json::object subscription_fields(const subscription_row& s) {
    return {{"id", s.id},
            {"customerId", s.customer_id},
            {"planId", s.plan_slug},
            {"status", s.status},
            {"createdAt", s.created_at},
            {"periodStart", s.period_start},
            {"periodEnd", s.period_end},
            {"cancelAt", s.cancel_at ? json::value(*s.cancel_at) : json::value(nullptr)}};
}

} // namespace

bool is_event_type(std::string_view type) {
    return std::find(event_types.begin(), event_types.end(), type) != event_types.end();
}

json::object event_json(const event_row& e) {
    return {{"id", e.id},
            {"object", "event"},
            {"type", e.type},
            {"sequence", e.seq},
            {"createdAt", e.created_at},
            {"organization", e.org},
            {"customerId", string_or_null(e.customer_id)},
            {"data", json::parse(e.data)}};
}

void customer_created(const tenant& t, const customer_row& c) {
    record(t, t.org, "customer.created", c.id, {{"object", customer_fields(c)}});
}

void customer_updated(const tenant& t, const customer_row& before, const customer_row& after) {
    auto old_fields = customer_fields(before), new_fields = customer_fields(after);
    json::object previous;
    for (const auto& kv : new_fields) {
        if (kv.key() == "version" || kv.key() == "updatedAt") continue;   // they change with every write
        if (const auto* was = old_fields.if_contains(kv.key()); !was || *was != kv.value())
            previous[kv.key()] = was ? *was : json::value(nullptr);
    }
    if (previous.empty()) return;
    record(t, t.org, "customer.updated", after.id, {{"object", std::move(new_fields)}, {"previousAttributes", std::move(previous)}});
}

void customer_deleted(const tenant& t, const customer_row& c) {
    record(t, t.org, "customer.deleted", c.id, {{"object", customer_fields(c)}, {"purged", c.purged}});
}

void customer_bound(const tenant& t, const customer_row& c) {
    record(t, t.org, "customer.bound", c.id, {{"object", customer_fields(c)}});
}

void entity_changed(const tenant& t, std::string_view type, const entity_row& e, std::int64_t count,
                    const std::optional<std::int64_t>& limit) {
    json::object data{{"object", entity_fields(e)},
                      {"customerId", e.customer_id},
                      {"count", count},
                      {"limit", limit ? json::value(*limit) : json::value(nullptr)}};
    record(t, t.org, type, e.customer_id, std::move(data));
}

void plan_attached(const tenant& t, const subscription_row& s, std::string_view switch_type) {
    record(t, s.org, "plan.attached", s.customer_id, {{"object", subscription_fields(s)}, {"switchType", switch_type}});
}

void subscription_activated(const tenant& t, const subscription_row& s, std::string_view reason) {
    record(t, s.org, "subscription.activated", s.customer_id, {{"object", subscription_fields(s)}, {"reason", reason}});
}

void usage_limit_reached(const tenant& t, const std::string& customer_id, const std::string& feature,
                         const std::string& entity, json::value usage, std::int64_t limit, std::int64_t period_start,
                         std::int64_t resets_at) {
    json::object data{{"customerId", customer_id},
                      {"featureId", feature},
                      {"entity", entity.empty() ? json::value(nullptr) : json::value(entity)},
                      {"usage", std::move(usage)},
                      {"limit", limit},
                      {"periodStart", period_start},
                      {"resetsAt", resets_at}};
    record(t, t.org, "usage.limit_reached", customer_id, std::move(data));
}

} // namespace owo::local
