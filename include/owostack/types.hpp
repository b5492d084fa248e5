// Parameters and results of every operation: plain aggregates for designated initializers.
// Optional request fields that are empty are omitted from the request (never sent as null).
#pragma once

#include <boost/json/fwd.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace owo {

using time_point = std::chrono::system_clock::time_point;

// ---- customers -------------------------------------------------------------------------------

/// POST /v1/customers: create the customer or resolve an existing one.
struct customer_params {
    std::optional<std::string> id;               ///< your id for the customer (stored as external id)
    std::string email;                           ///< required
    std::optional<std::string> name;             ///< replaces the name of an existing customer
    std::optional<boost::json::object> metadata; ///< shallow-merged into existing metadata
    std::optional<std::string> idempotency_key;  ///< default: one generated per call
    std::optional<std::string> external_organization_id;  ///< [extension] replaces the stored one when given
};

/// A customer as the API returns it.
struct customer_record {
    std::string id;                 ///< the internal (server-generated) id
    std::string email;
    std::string name;
    boost::json::object metadata;   ///< empty when the server sent null
    time_point created_at{};
    time_point updated_at{};
    // owostack-local extensions (absent from the hosted API's answers: empty / 0).
    std::optional<std::string> external_id;               ///< the id bound to the customer (your id)
    std::optional<std::string> external_organization_id;
    std::int64_t version = 0;                              ///< 1 at creation, +1 on every change
    std::optional<time_point> deleted_at;                  ///< set once soft-deleted
};

/// Inline customer data for attach/check/track on a customer that may not exist yet.
struct customer_data {
    std::string email;
    std::optional<std::string> name;
    std::optional<boost::json::object> metadata;
};

// ---- plans and attach ------------------------------------------------------------------------

/// One feature of a plan as PublicPlan lists it (limits are per reset interval).
struct plan_feature {
    std::string slug;
    std::string name;
    std::string type;                        ///< "metered" | "boolean" | "static"
    bool enabled = true;
    std::optional<double> limit;             ///< empty: unlimited
    std::optional<double> trial_limit;
    std::optional<std::string> reset_interval;
    std::optional<std::string> unit;
    // Pricing, as the hosted PublicPlan sends it (docs/protocol.md §4.9); empty when not sent.
    std::optional<std::string> meter_type;     ///< "consumable" | "non_consumable"
    std::optional<std::string> usage_model;    ///< "included" | "usage_based" | "prepaid"; absent for booleans
    std::optional<std::string> rating_model;   ///< "package" | "graduated" | "volume"
    std::optional<double> price_per_unit;      ///< minor units per billing unit
    std::optional<double> billing_units;       ///< package size
    std::optional<std::string> overage;        ///< "charge" when overage is billed, else empty
    std::optional<double> overage_price;       ///< minor units
    boost::json::value tiers;                  ///< as sent: [{upTo, unitPrice?, flatFee?}], null when absent
};

/// A plan of the catalog (PublicPlan): price in minor units, features with their limits.
/// Integer fields read a fractional number as its integral part (the hosted sync accepts any number).
struct plan {
    std::string id;
    std::string slug;
    std::string name;
    std::optional<std::string> description;
    std::int64_t price = 0;                  ///< minor units
    std::string currency;
    std::string interval;
    std::string type;                        ///< "free" | "paid"
    std::string billing_type;
    bool is_addon = false;
    std::optional<std::string> plan_group;
    int trial_days = 0;
    bool trial_card_required = false;
    std::vector<plan_feature> features;
    std::optional<std::string> provider;     ///< list only (GET /v1/plans): the payment provider, if any
    std::optional<bool> auto_enable;         ///< list only: subscribed automatically to new customers
};

/// GET /v1/plans filters.
struct plans_params {
    std::optional<std::string> group;
    std::optional<std::string> interval;
    std::optional<std::string> currency;
    bool include_inactive = false;
};

/// POST /v1/attach: subscribe a customer to a plan.
struct attach_params {
    std::string customer;                    ///< internal id, external id or email (filled by owo::customer)
    std::string product;                     ///< plan slug
    std::optional<owo::customer_data> customer_data;
    std::optional<boost::json::object> metadata;
    std::optional<std::vector<std::string>> channels;
    std::optional<std::string> currency;
    std::optional<std::string> callback_url;
    std::optional<std::string> idempotency_key;
};

/// Answer of attach: free plans are active at once; paid plans carry a checkout URL
/// (docs/protocol.md §4.6 lists every case).
struct attach_result {
    bool requires_checkout = false;
    std::optional<std::string> checkout_url;   ///< paid plans: where the customer pays
    std::optional<std::string> type;           ///< "new" | "upgrade" | "downgrade" | "lateral"
    std::optional<std::string> subscription_id;  ///< `subscriptionId`, or a trial answer's `subscription_id`
    std::optional<std::string> customer_id;
    std::optional<std::string> reference;
    std::optional<std::string> access_code;
    std::optional<std::string> message;
    boost::json::value trial;                  ///< as sent (null when absent)
    std::optional<time_point> scheduled_at;    ///< downgrade: when it takes effect (`scheduledAt`)
    std::optional<time_point> trial_ends_at;   ///< trial answers (`trial_ends_at`)
    std::optional<int> trial_days;             ///< trial needing a card (`trial_days`)
};

// ---- check and track -------------------------------------------------------------------------

/// POST /v1/check: may the customer use `value` units of `feature`?
struct check_params {
    std::string customer;
    std::string feature;
    std::optional<double> value;               ///< server default: 1
    std::optional<owo::customer_data> customer_data;
    std::optional<bool> send_event;            ///< also record the usage
    std::optional<std::string> entity;         ///< scope to one entity (seat)
    std::optional<std::string> idempotency_key;
};

/// POST /v1/track: record `value` units of usage.
struct track_params {
    std::string customer;
    std::string feature;
    std::optional<double> value;
    std::optional<owo::customer_data> customer_data;
    std::optional<std::string> entity;
    std::optional<boost::json::object> metadata;
    std::optional<std::string> idempotency_key;
};

/// The answer of check and track. Denials are results (allowed == false), not errors: every
/// check refusal (HTTP 200), and track's limit_exceeded (HTTP 200, success:false). track's
/// refusals with a 4xx status (customer/feature/entity not found, no subscription, feature not
/// in plan, ambiguous customer) are errors whose diagnostics::code is the body's `code`.
struct access_result {
    bool allowed = false;
    std::string code;                          ///< "access_granted", "limit_exceeded", ...
    std::optional<double> usage;
    std::optional<double> limit;
    std::optional<double> balance;
    std::optional<time_point> resets_at;
    std::optional<std::string> reset_interval;
    boost::json::value credits;                ///< as sent (null when absent)
    boost::json::object details;               ///< human-oriented context; do not parse its text
    std::optional<double> rollover_balance;    ///< `rolloverBalance`: sent only when > 0
};
using check_result = access_result;
using track_result = access_result;

// ---- entities (seats) ------------------------------------------------------------------------

/// Add (or restore) an entity such as a seat of a non-consumable feature.
struct add_entity_params {
    std::string customer;
    std::string feature;
    std::string entity;
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<boost::json::object> metadata;
    std::optional<std::string> idempotency_key;
};

/// The entity count after an add, with the plan's limit (empty when unlimited).
struct add_entity_result {
    std::string entity_id;
    std::string feature_id;
    std::int64_t count = 0;                    ///< entities counted after the call
    std::optional<std::int64_t> limit;         ///< empty: unlimited
    std::optional<std::int64_t> remaining;     ///< limit - count, not clamped: negative after a plan change
    bool restored = false;                     ///< a pending_removal entity was restored
    bool already_present = false;              ///< a retry met "Entity already exists": it was added by an earlier attempt
};

/// Remove an entity: it becomes pending_removal and still counts until the period ends.
struct remove_entity_params {
    std::string customer;
    std::string feature;
    std::string entity;
    std::optional<std::string> idempotency_key;
};

/// The entity count after a removal (pending_removal entities are still counted).
struct remove_entity_result {
    std::string entity_id;
    std::optional<std::int64_t> count;
    bool already_removed = false;              ///< a retry met "Entity not found": an earlier attempt removed it
};

/// Which entities to list: a customer, optionally one feature.
struct list_entities_params {
    std::string customer;
    std::optional<std::string> feature;
};

/// Lifecycle of an entity; `unknown` for statuses this SDK version does not know.
enum class entity_status { active, pending_removal, unknown };

/// One entity (seat) as listed.
struct entity {
    std::string id;
    std::string feature_id;
    std::optional<std::string> name;
    std::optional<std::string> email;
    boost::json::object metadata;
    entity_status status = entity_status::unknown;
    std::string status_text;                   ///< as sent, for statuses this SDK does not know
    time_point created_at{};
};

/// The listed entities and their total.
struct list_entities_result {
    std::vector<entity> entities;
    std::int64_t total = 0;
};

const char* to_string(entity_status s) noexcept;

// ---- the customer lifecycle (owostack-local extensions, except find_customer by id) ---------

/// Find one customer without creating it: exactly one of `id` (the internal id, GET
/// /v1/customers/{id}, which the hosted API has too), `external_id` or `email` (GET
/// /v1/customers/lookup, an extension).
struct find_customer_params {
    std::optional<std::string> id;
    std::optional<std::string> external_id;
    std::optional<std::string> email;          ///< compared case-insensitively
    bool include_deleted = false;
};

/// GET /v1/customers (and /customers/unresolved): one page, oldest first (createdAt, then id).
struct list_customers_params {
    std::optional<int> limit;                  ///< 1..100 (server default 20)
    std::optional<std::string> cursor;         ///< a previous page's next_cursor
    std::optional<std::int64_t> offset;        ///< >= 0; not together with cursor
    std::optional<std::string> email;
    std::optional<std::string> external_organization_id;
    std::optional<time_point> created_after;   ///< exclusive (millisecond precision)
    std::optional<time_point> created_before;  ///< exclusive
    bool include_deleted = false;
};

/// One page of customers. owo::customer_pager (pager.hpp) walks them all.
struct list_customers_result {
    std::vector<customer_record> customers;
    std::optional<std::string> next_cursor;    ///< set while has_more
    bool has_more = false;
};

/// How update_customer applies `metadata`.
enum class metadata_mode {
    merge,     ///< shallow merge; a null value deletes that key
    replace,   ///< the given object becomes the metadata
};

/// PATCH /v1/customers/{id}: change what is given, nothing else. Metadata after the change is
/// limited to 50 keys, keys of at most 40 bytes and 16 KiB serialised (checked as far as the
/// SDK can see before sending, by the server after applying).
struct update_customer_params {
    std::string customer;                      ///< internal id (filled by owo::customer::update)
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<boost::json::object> metadata;
    owo::metadata_mode metadata_mode = owo::metadata_mode::merge;
    std::optional<std::string> external_organization_id;   ///< set it
    bool clear_external_organization_id = false;           ///< or remove it (sends null); not both
    std::optional<std::int64_t> expected_version;          ///< >= 1; stale: error::conflict with diagnostics::current_version
    std::optional<std::string> idempotency_key;
};

/// DELETE /v1/customers/{id}: soft delete (the customer no longer resolves, lists or counts
/// entities); purge also erases its personal data for good.
struct delete_customer_params {
    std::string customer;                      ///< internal id (filled by owo::customer::remove)
    bool purge = false;
    std::optional<std::string> idempotency_key;
};

struct delete_customer_result {
    std::string id;
    bool deleted = false;
    bool purged = false;
};

/// POST /v1/customers/{id}/bind: bind your id to a customer created by email alone.
struct bind_customer_params {
    std::string customer;                      ///< internal id (filled by owo::customer::bind)
    std::string external_id;
    std::optional<std::string> idempotency_key;
};

// ---- customer events (owostack-local extension, issue #18; docs/protocol.md §4.15) -----------

/// The types of customer events; `unknown` for types this SDK version does not know.
enum class event_type {
    customer_created, customer_updated, customer_deleted, customer_bound,
    entity_added, entity_removed, entity_restored,
    plan_attached, subscription_activated, usage_limit_reached,
    unknown
};

/// "customer.created", …; "" for unknown.
const char* to_string(event_type t) noexcept;

/// One event of an organisation's log, as GET /v1/events lists it and webhooks post it.
/// Typed views of `data`: owo::customer_event_of / owo::entity_event_of (webhook.hpp).
struct event {
    std::string id;                            ///< "evt_…": de-duplicate deliveries by it
    event_type type = event_type::unknown;
    std::string type_text;                     ///< as sent
    std::int64_t sequence = 0;                 ///< 1, 2, 3, … per organisation, no gaps
    time_point created_at{};
    std::string organization;
    std::optional<std::string> customer_id;    ///< the internal customer id
    boost::json::object data;                  ///< the resource after the change (data.object) and more
};

/// GET /v1/events: the events after a sequence number, oldest first.
struct list_events_params {
    std::optional<int> limit;                  ///< 1..1000 (server default 100)
    std::optional<std::string> cursor;         ///< a previous page's next_cursor
    std::optional<std::int64_t> after;         ///< >= 0: events with a greater sequence; not with cursor
    std::vector<event_type> types;             ///< empty: every type
    std::optional<std::string> customer;       ///< only this customer's (internal id)
};

/// One page of events. owo::event_pager (pager.hpp) walks them all.
struct list_events_result {
    std::vector<event> events;
    std::optional<std::string> next_cursor;    ///< the last event's sequence, set while has_more
    bool has_more = false;
};

// ---- JSON mapping (Boost.JSON conversions, defined in src/json_mapping.cpp) ------------------
// Requests omit absent optionals (never null); results tolerate unknown fields and accept
// null where a field is absent.

void tag_invoke(boost::json::value_from_tag, boost::json::value&, const customer_params&);
void tag_invoke(boost::json::value_from_tag, boost::json::value&, const customer_data&);
void tag_invoke(boost::json::value_from_tag, boost::json::value&, const attach_params&);
void tag_invoke(boost::json::value_from_tag, boost::json::value&, const check_params&);
void tag_invoke(boost::json::value_from_tag, boost::json::value&, const track_params&);
void tag_invoke(boost::json::value_from_tag, boost::json::value&, const add_entity_params&);
void tag_invoke(boost::json::value_from_tag, boost::json::value&, const remove_entity_params&);
void tag_invoke(boost::json::value_from_tag, boost::json::value&, const update_customer_params&);
void tag_invoke(boost::json::value_from_tag, boost::json::value&, const bind_customer_params&);

customer_record tag_invoke(boost::json::value_to_tag<customer_record>, const boost::json::value&);
plan_feature tag_invoke(boost::json::value_to_tag<plan_feature>, const boost::json::value&);
plan tag_invoke(boost::json::value_to_tag<plan>, const boost::json::value&);
attach_result tag_invoke(boost::json::value_to_tag<attach_result>, const boost::json::value&);
access_result tag_invoke(boost::json::value_to_tag<access_result>, const boost::json::value&);
add_entity_result tag_invoke(boost::json::value_to_tag<add_entity_result>, const boost::json::value&);
remove_entity_result tag_invoke(boost::json::value_to_tag<remove_entity_result>, const boost::json::value&);
entity tag_invoke(boost::json::value_to_tag<entity>, const boost::json::value&);
list_entities_result tag_invoke(boost::json::value_to_tag<list_entities_result>, const boost::json::value&);
list_customers_result tag_invoke(boost::json::value_to_tag<list_customers_result>, const boost::json::value&);
delete_customer_result tag_invoke(boost::json::value_to_tag<delete_customer_result>, const boost::json::value&);
event tag_invoke(boost::json::value_to_tag<event>, const boost::json::value&);
list_events_result tag_invoke(boost::json::value_to_tag<list_events_result>, const boost::json::value&);

} // namespace owo
