// Customer events (issue #18, protocol.md §4.15): each change writes one event in the change's
// own transaction, so there is no change without its event and no event without its change.
// The event's sequence number comes from the store; endpoints' outbox rows are written with it.
#pragma once

#include "domain/tenant.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace owo::local {

/// Every event type, as documented in protocol.md §4.15.
inline constexpr std::array<std::string_view, 10> event_types = {
    "customer.created", "customer.updated", "customer.deleted", "customer.bound",     "entity.added",
    "entity.removed",   "entity.restored",  "plan.attached",    "subscription.activated", "usage.limit_reached"};

bool is_event_type(std::string_view type);

/// The event as GET /v1/events lists it and webhooks post it.
boost::json::object event_json(const event_row& e);

// One function per kind of change; each writes its event through t.db (nothing when the
// tenant's events are off).
void customer_created(const tenant& t, const customer_row& c);
/// customer.updated with data.previousAttributes: the changed fields' values before. Nothing
/// when no field shown in the customer object changed.
void customer_updated(const tenant& t, const customer_row& before, const customer_row& after);
void customer_deleted(const tenant& t, const customer_row& c);
void customer_bound(const tenant& t, const customer_row& c);
/// entity.added / entity.removed / entity.restored, with the feature's count and limit after.
void entity_changed(const tenant& t, std::string_view type, const entity_row& e, std::int64_t count,
                    const std::optional<std::int64_t>& limit);
/// An attach changed the customer's plans: `s` is the subscription it created or changed.
void plan_attached(const tenant& t, const subscription_row& s, std::string_view switch_type);
/// A subscription started outside an attach: paid checkout, captured card, scheduled downgrade.
void subscription_activated(const tenant& t, const subscription_row& s, std::string_view reason);
/// The first time in `period_start`'s period that usage reaches the limit.
void usage_limit_reached(const tenant& t, const std::string& customer_id, const std::string& feature,
                         const std::string& entity, boost::json::value usage, std::int64_t limit, std::int64_t period_start,
                         std::int64_t resets_at);

} // namespace owo::local
