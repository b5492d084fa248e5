#include "json_mapping.hpp"
#include "operation.hpp"
#include "transport.hpp"
#include "urls.hpp"
#include "validation.hpp"

#include <chrono>
#include <cmath>

#include <boost/json/serialize.hpp>

namespace owo {

using namespace detail::mapping;
using detail::decode_error;

namespace detail {

namespace {

// Reads exactly `n` digits at `pos` (no sign, no spaces).
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        out = out * 10 + (c - '0');
    }
    pos += n;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

} // namespace

// Hand-written (no sscanf, no temporary string): it runs for every timestamp of every response.
std::optional<time_point> parse_iso8601(std::string_view s) {
    std::size_t pos = 0;
    int y, mo, d, h, mi, sec;
    if (!digits(s, pos, 4, y) || !expect(s, pos, '-') || !digits(s, pos, 2, mo) || !expect(s, pos, '-') ||
        !digits(s, pos, 2, d) || !(expect(s, pos, 'T') || expect(s, pos, 't')) || !digits(s, pos, 2, h) ||
        !expect(s, pos, ':') || !digits(s, pos, 2, mi) || !expect(s, pos, ':') || !digits(s, pos, 2, sec))
        return std::nullopt;
    std::chrono::nanoseconds fraction{0};
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        std::int64_t scale = 100'000'000, ns = 0;
        std::size_t first = pos;
        for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
            ns += (s[pos] - '0') * scale;
            scale /= 10;
        }
        if (pos == first) return std::nullopt;
        fraction = std::chrono::nanoseconds(ns);
    }
    std::string_view zone = s.substr(pos);
    std::chrono::minutes offset{0};
    if (zone == "Z" || zone == "z" || zone.empty()) {
    } else if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 6 && zone[3] == ':') {
        std::size_t zp = 1;
        int zh = 0, zm = 0;
        if (!digits(zone, zp, 2, zh) || !expect(zone, zp, ':') || !digits(zone, zp, 2, zm) || zh > 23 || zm > 59)
            return std::nullopt;
        offset = std::chrono::minutes(zh * 60 + zm) * (zone[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                    std::chrono::day(unsigned(d))};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    auto tp = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
              std::chrono::seconds(sec) + std::chrono::round<std::chrono::milliseconds>(fraction) - offset;
    return std::chrono::time_point_cast<time_point::duration>(tp);
}

time_point parse_timestamp(const json::value& v) {
    if (v.is_string()) {
        if (auto t = parse_iso8601(v.get_string())) return *t;
        throw decode_error("timestamp is not ISO-8601: '" + std::string(v.get_string().subview(0, 40)) + "'");
    }
    std::chrono::milliseconds ms;
    if (v.is_int64()) ms = std::chrono::milliseconds(v.get_int64());
    else if (v.is_uint64() && v.get_uint64() < (1ull << 62)) ms = std::chrono::milliseconds(static_cast<std::int64_t>(v.get_uint64()));
    else if (v.is_double() && std::isfinite(v.get_double()) && std::abs(v.get_double()) < 1e17)
        ms = std::chrono::milliseconds(std::llround(v.get_double()));
    else throw decode_error("timestamp is neither epoch milliseconds nor an ISO-8601 string");
    return time_point(std::chrono::duration_cast<time_point::duration>(ms));
}

} // namespace detail

// ---- requests --------------------------------------------------------------------------------

void tag_invoke(json::value_from_tag, json::value& jv, const customer_data& p) {
    json::object& o = jv.emplace_object();
    o["email"] = p.email;
    put(o, "name", p.name);
    put(o, "metadata", p.metadata);
}

void tag_invoke(json::value_from_tag, json::value& jv, const customer_params& p) {
    json::object& o = jv.emplace_object();
    put(o, "id", p.id);
    o["email"] = p.email;
    put(o, "name", p.name);
    put(o, "metadata", p.metadata);
    put(o, "externalOrganizationId", p.external_organization_id);
}

void tag_invoke(json::value_from_tag, json::value& jv, const attach_params& p) {
    json::object& o = jv.emplace_object();
    o["customer"] = p.customer;
    o["product"] = p.product;
    put(o, "customerData", p.customer_data);
    put(o, "metadata", p.metadata);
    put(o, "channels", p.channels);
    put(o, "currency", p.currency);
    put(o, "callbackUrl", p.callback_url);
}

void tag_invoke(json::value_from_tag, json::value& jv, const check_params& p) {
    json::object& o = jv.emplace_object();
    o["customer"] = p.customer;
    o["feature"] = p.feature;
    put(o, "value", p.value);
    put(o, "customerData", p.customer_data);
    put(o, "sendEvent", p.send_event);
    put(o, "entity", p.entity);
}

void tag_invoke(json::value_from_tag, json::value& jv, const track_params& p) {
    json::object& o = jv.emplace_object();
    o["customer"] = p.customer;
    o["feature"] = p.feature;
    put(o, "value", p.value);
    put(o, "customerData", p.customer_data);
    put(o, "entity", p.entity);
    put(o, "metadata", p.metadata);
}

void tag_invoke(json::value_from_tag, json::value& jv, const add_entity_params& p) {
    json::object& o = jv.emplace_object();
    o["customer"] = p.customer;
    o["feature"] = p.feature;
    o["entity"] = p.entity;
    put(o, "name", p.name);
    put(o, "email", p.email);
    put(o, "metadata", p.metadata);
}

void tag_invoke(json::value_from_tag, json::value& jv, const remove_entity_params& p) {
    json::object& o = jv.emplace_object();
    o["customer"] = p.customer;
    o["feature"] = p.feature;
    o["entity"] = p.entity;
}

// ---- responses -------------------------------------------------------------------------------

customer_record tag_invoke(json::value_to_tag<customer_record>, const json::value& jv) {
    const auto& o = as_object(jv, "customer");
    customer_record r;
    r.id = req_string(o, "id");
    r.email = opt_string(o, "email").value_or("");
    r.name = opt_string(o, "name").value_or("");
    r.metadata = opt_object(o, "metadata");
    r.created_at = opt_time(o, "createdAt").value_or(time_point{});
    r.updated_at = opt_time(o, "updatedAt").value_or(r.created_at);
    r.external_id = opt_string(o, "externalId");
    r.external_organization_id = opt_string(o, "externalOrganizationId");
    r.version = opt_int(o, "version").value_or(0);
    r.deleted_at = opt_time(o, "deletedAt");
    return r;
}

plan_feature tag_invoke(json::value_to_tag<plan_feature>, const json::value& jv) {
    const auto& o = as_object(jv, "plan feature");
    plan_feature f;
    f.slug = req_string(o, "slug");
    f.name = opt_string(o, "name").value_or(f.slug);
    f.type = opt_string(o, "type").value_or("");
    f.enabled = opt_bool(o, "enabled", true);
    f.limit = opt_number(o, "limit");
    f.trial_limit = opt_number(o, "trialLimit");
    f.reset_interval = opt_string(o, "resetInterval");
    f.unit = opt_string(o, "unit");
    f.meter_type = opt_string(o, "meterType");
    f.usage_model = opt_string(o, "usageModel");
    f.rating_model = opt_string(o, "ratingModel");
    f.price_per_unit = opt_number(o, "pricePerUnit");
    f.billing_units = opt_number(o, "billingUnits");
    f.overage = opt_string(o, "overage");
    f.overage_price = opt_number(o, "overagePrice");
    f.tiers = raw(o, "tiers");
    return f;
}

plan tag_invoke(json::value_to_tag<plan>, const json::value& jv) {
    const auto& o = as_object(jv, "plan");
    plan p;
    p.id = opt_string(o, "id").value_or("");
    p.slug = req_string(o, "slug");
    p.name = opt_string(o, "name").value_or(p.slug);
    p.description = opt_string(o, "description");
    p.price = opt_int(o, "price").value_or(0);
    p.currency = opt_string(o, "currency").value_or("");
    p.interval = opt_string(o, "interval").value_or("");
    p.type = opt_string(o, "type").value_or("");
    p.billing_type = opt_string(o, "billingType").value_or("");
    p.is_addon = opt_bool(o, "isAddon", false);
    p.plan_group = opt_string(o, "planGroup");
    p.trial_days = static_cast<int>(opt_int(o, "trialDays").value_or(0));
    p.trial_card_required = opt_bool(o, "trialCardRequired", false);
    if (const json::value* fs = field(o, "features")) {
        if (!fs->is_array()) wrong_type("features", "an array");
        p.features = json::value_to<std::vector<plan_feature>>(*fs);
    }
    p.provider = opt_string(o, "provider");
    if (field(o, "autoEnable")) p.auto_enable = opt_bool(o, "autoEnable", false);
    return p;
}

attach_result tag_invoke(json::value_to_tag<attach_result>, const json::value& jv) {
    const auto& o = as_object(jv, "attach result");
    attach_result r;
    r.requires_checkout = opt_bool(o, "requiresCheckout", false);
    r.checkout_url = opt_string(o, "checkoutUrl");
    r.type = opt_string(o, "type");
    r.subscription_id = opt_string(o, "subscriptionId");
    if (!r.subscription_id) r.subscription_id = opt_string(o, "subscription_id");   // trial answers
    r.customer_id = opt_string(o, "customer_id");
    r.reference = opt_string(o, "reference");
    r.access_code = opt_string(o, "accessCode");
    r.message = opt_string(o, "message");
    r.trial = raw(o, "trial");
    r.scheduled_at = opt_time(o, "scheduledAt");
    r.trial_ends_at = opt_time(o, "trial_ends_at");
    if (auto days = opt_int(o, "trial_days")) r.trial_days = static_cast<int>(*days);
    return r;
}

access_result tag_invoke(json::value_to_tag<access_result>, const json::value& jv) {
    const auto& o = as_object(jv, "access result");
    access_result r;
    if (!field(o, "allowed")) throw decode_error("missing field 'allowed'");
    r.allowed = opt_bool(o, "allowed", false);
    r.code = opt_string(o, "code").value_or("");
    r.usage = opt_number(o, "usage");
    r.limit = opt_number(o, "limit");
    r.balance = opt_number(o, "balance");
    r.resets_at = opt_time(o, "resetsAt");
    r.reset_interval = opt_string(o, "resetInterval");
    r.credits = raw(o, "credits");
    r.details = opt_object(o, "details");
    r.rollover_balance = opt_number(o, "rolloverBalance");
    return r;
}

add_entity_result tag_invoke(json::value_to_tag<add_entity_result>, const json::value& jv) {
    const auto& o = as_object(jv, "add entity result");
    add_entity_result r;
    r.entity_id = req_string(o, "entityId");
    r.feature_id = opt_string(o, "featureId").value_or("");
    r.count = opt_int(o, "count").value_or(0);
    r.limit = opt_int(o, "limit");
    r.remaining = opt_int(o, "remaining");
    r.restored = opt_bool(o, "restored", false);
    return r;
}

remove_entity_result tag_invoke(json::value_to_tag<remove_entity_result>, const json::value& jv) {
    const auto& o = as_object(jv, "remove entity result");
    remove_entity_result r;
    r.entity_id = req_string(o, "entityId");
    r.count = opt_int(o, "count");
    return r;
}

entity tag_invoke(json::value_to_tag<entity>, const json::value& jv) {
    const auto& o = as_object(jv, "entity");
    entity e;
    e.id = req_string(o, "id");
    e.feature_id = opt_string(o, "featureId").value_or("");
    e.name = opt_string(o, "name");
    e.email = opt_string(o, "email");
    e.metadata = opt_object(o, "metadata");
    e.status_text = opt_string(o, "status").value_or("");
    e.status = e.status_text == "active"            ? entity_status::active
               : e.status_text == "pending_removal" ? entity_status::pending_removal
                                                    : entity_status::unknown;
    e.created_at = opt_time(o, "createdAt").value_or(time_point{});
    return e;
}

list_entities_result tag_invoke(json::value_to_tag<list_entities_result>, const json::value& jv) {
    const auto& o = as_object(jv, "entity list");
    list_entities_result r;
    r.entities = req_array<entity>(o, "entities");
    r.total = opt_int(o, "total").value_or(static_cast<std::int64_t>(r.entities.size()));
    return r;
}

const char* to_string(entity_status s) noexcept {
    switch (s) {
    case entity_status::active: return "active";
    case entity_status::pending_removal: return "pending_removal";
    default: return "unknown";
    }
}

// ---- the rules of each operation's params (see src/operation_impl.hpp) ----------------------
// The hosted schemas (docs/protocol.md §4), judged before sending so that a call that cannot
// succeed fails with invalid_argument and sends nothing, plus this SDK's hardening: keys and ids
// are 1-255 bytes without control characters, and numbers are finite with |x| <= 1e15.

namespace detail::mapping {

using detail::check_header_value;
using detail::check_identifier;
using detail::check_non_negative_number;
using detail::check_optional_identifier;
using detail::check_optional_min_chars;
using detail::check_optional_url;
using detail::check_strict_email;

/// The first non-empty message.
std::string first_problem(std::initializer_list<std::string> problems) {
    for (const auto& p : problems)
        if (!p.empty()) return p;
    return {};
}

std::string check_key(const std::optional<std::string>& key) {
    return key ? check_header_value("idempotency_key", *key) : std::string{};
}

std::string check_optional_email(std::string_view field, const std::optional<std::string>& email) {
    return email ? check_strict_email(field, *email) : std::string{};
}

/// JSON has no NaN or Infinity: a metadata object holding one cannot be sent as it is.
std::string check_json_numbers(const std::string& path, const json::value& v) {
    if (v.is_double() && !std::isfinite(v.get_double())) return path + " must be a finite number";
    if (const auto* o = v.if_object()) {
        for (const auto& kv : *o)
            if (auto e = check_json_numbers(path + "." + std::string(kv.key()), kv.value()); !e.empty()) return e;
    } else if (const auto* a = v.if_array()) {
        for (std::size_t i = 0; i < a->size(); ++i)
            if (auto e = check_json_numbers(path + "[" + std::to_string(i) + "]", (*a)[i]); !e.empty()) return e;
    }
    return {};
}

std::string check_metadata(std::string_view field, const std::optional<json::object>& m) {
    if (!m) return {};
    for (const auto& kv : *m)
        if (auto e = check_json_numbers(std::string(field) + "." + std::string(kv.key()), kv.value()); !e.empty())
            return e;
    return {};
}

std::string check_customer_data(const std::optional<customer_data>& d) {
    if (!d) return {};
    return first_problem({check_strict_email("customer_data.email", d->email),
                          check_metadata("customer_data.metadata", d->metadata)});
}

std::string check_channels(const std::optional<std::vector<std::string>>& channels) {
    if (!channels) return {};
    for (std::size_t i = 0; i < channels->size(); ++i)
        if (auto e = check_identifier("channels[" + std::to_string(i) + "]", (*channels)[i]); !e.empty()) return e;
    return {};
}

} // namespace detail::mapping

// §4.1: email required (zod email); id, when given, an external id.
static std::string invalid_reason_of(const customer_params& p) {
    return first_problem({check_strict_email("email", p.email), check_optional_identifier("id", p.id),
                          check_metadata("metadata", p.metadata), check_key(p.idempotency_key),
                          check_optional_identifier("external_organization_id", p.external_organization_id)});
}

// §4.6: customer and product required; currency >= 3 characters; callbackUrl a URL. The hosted
// schema has no customerData (it is dropped), so only its email's form is judged here.
static std::string invalid_reason_of(const attach_params& p) {
    return first_problem({check_identifier("customer", p.customer), check_identifier("product", p.product),
                          check_optional_min_chars("currency", p.currency, 3), check_channels(p.channels),
                          check_optional_url("callback_url", p.callback_url), check_metadata("metadata", p.metadata),
                          check_customer_data(p.customer_data), check_key(p.idempotency_key)});
}

// §4.7: value >= 0 (fractions allowed).
static std::string invalid_reason_of(const check_params& p) {
    return first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                          check_optional_identifier("entity", p.entity), check_non_negative_number("value", p.value),
                          check_customer_data(p.customer_data), check_key(p.idempotency_key)});
}

// §4.8: as check; a negative value is a 400 upstream.
static std::string invalid_reason_of(const track_params& p) {
    return first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                          check_optional_identifier("entity", p.entity), check_non_negative_number("value", p.value),
                          check_customer_data(p.customer_data), check_metadata("metadata", p.metadata),
                          check_key(p.idempotency_key)});
}

// §4.3: email, when given, a zod email.
static std::string invalid_reason_of(const add_entity_params& p) {
    return first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                          check_identifier("entity", p.entity), check_optional_email("email", p.email),
                          check_metadata("metadata", p.metadata), check_key(p.idempotency_key)});
}

// §4.4: all three required.
static std::string invalid_reason_of(const remove_entity_params& p) {
    return first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                          check_identifier("entity", p.entity), check_key(p.idempotency_key)});
}

// §4.5: customer required.
static std::string invalid_reason_of(const list_entities_params& p) {
    return first_problem({check_identifier("customer", p.customer), check_optional_identifier("feature", p.feature)});
}

// §4.9: free-text filters.
static std::string invalid_reason_of(const plans_params& p) {
    return first_problem({check_optional_identifier("group", p.group), check_optional_identifier("interval", p.interval),
                          check_optional_identifier("currency", p.currency)});
}

static void put_query(const list_entities_params& p, detail::query_params& q) {
    q.emplace_back("customer", p.customer);
    if (p.feature) q.emplace_back("feature", *p.feature);
}

static void put_query(const plans_params& p, detail::query_params& q) {
    if (p.group) q.emplace_back("group", *p.group);
    if (p.interval) q.emplace_back("interval", *p.interval);
    if (p.currency) q.emplace_back("currency", *p.currency);
    if (p.include_inactive) q.emplace_back("includeInactive", "true");
}

// An earlier attempt added the entity, then its answer was lost: the desired state holds.
static std::optional<add_entity_result> recovered(const add_entity_params& p, const detail::call_result& r) {
    if (r.ec != error::entity_exists || !r.earlier_attempt_may_have_applied) return std::nullopt;
    add_entity_result done;
    done.entity_id = p.entity;
    done.feature_id = p.feature;
    done.already_present = true;
    return done;
}

// Likewise for a removal whose answer was lost.
static std::optional<remove_entity_result> recovered(const remove_entity_params& p, const detail::call_result& r) {
    if (r.ec != error::entity_not_found || !r.earlier_attempt_may_have_applied) return std::nullopt;
    remove_entity_result done;
    done.entity_id = p.entity;
    done.already_removed = true;
    return done;
}

// ---- the customer lifecycle: mapping and rules (docs/protocol.md, customers [extension]) -----

void tag_invoke(json::value_from_tag, json::value& jv, const update_customer_params& p) {
    json::object& o = jv.emplace_object();
    put(o, "name", p.name);
    put(o, "email", p.email);
    if (p.metadata) {
        o["metadata"] = json::value(*p.metadata, o.storage());
        o["metadataMode"] = p.metadata_mode == metadata_mode::replace ? "replace" : "merge";
    }
    if (p.clear_external_organization_id) o["externalOrganizationId"] = nullptr;
    else put(o, "externalOrganizationId", p.external_organization_id);
    put(o, "expectedVersion", p.expected_version);
}

void tag_invoke(json::value_from_tag, json::value& jv, const bind_customer_params& p) {
    json::object& o = jv.emplace_object();
    o["externalId"] = p.external_id;
}

list_customers_result tag_invoke(json::value_to_tag<list_customers_result>, const json::value& jv) {
    const auto& o = as_object(jv, "customer list");
    list_customers_result r;
    r.customers = req_array<customer_record>(o, "customers");
    read_paging(o, r);
    return r;
}

delete_customer_result tag_invoke(json::value_to_tag<delete_customer_result>, const json::value& jv) {
    const auto& o = as_object(jv, "delete customer result");
    delete_customer_result r;
    r.id = req_string(o, "id");
    r.deleted = opt_bool(o, "deleted", false);
    r.purged = opt_bool(o, "purged", false);
    return r;
}

namespace {

constexpr std::size_t max_metadata_keys = 50;
constexpr std::size_t max_metadata_key_bytes = 40;   // "40 characters", counted as owostack-local does: bytes
constexpr std::size_t max_metadata_bytes = 16 * 1024;

// The server judges the metadata after applying the change; the SDK judges what it can see: the
// keys the change keeps or sets (a merge's null deletes) are all in the result.
std::string check_metadata(const std::optional<json::object>& m) {
    if (!m) return {};
    json::object kept;
    for (const auto& kv : *m) {
        if (kv.key().size() > max_metadata_key_bytes)
            return "metadata key '" + std::string(kv.key().substr(0, 60)) + "' is longer than 40 bytes";
        if (!kv.value().is_null()) kept.emplace(kv.key(), kv.value());
    }
    if (kept.size() > max_metadata_keys) return "metadata has more than 50 keys";
    if (json::serialize(kept).size() > max_metadata_bytes) return "metadata is larger than 16 KiB serialised";
    return {};
}

void put_epoch_ms(detail::query_params& q, std::string_view key, const std::optional<time_point>& t) {
    if (!t) return;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count();
    q.add_owned(key, std::to_string(ms));
}

} // namespace

static std::string invalid_reason_of(const find_customer_params& p) {
    if (int(p.id.has_value()) + int(p.external_id.has_value()) + int(p.email.has_value()) != 1)
        return "find_customer needs exactly one of id, external_id and email";
    return first_problem({check_optional_identifier("id", p.id), check_optional_identifier("external_id", p.external_id),
                          check_optional_email("email", p.email)});
}

// By id: the row's route (GET customers/{id}, the hosted API has it). Otherwise the lookup.
static std::string_view path_argument(const find_customer_params& p) { return p.id ? std::string_view(*p.id) : ""; }

static std::optional<detail::route> choose_route(const find_customer_params& p) {
    if (p.id) return std::nullopt;
    return detail::route{"customers/lookup", {}, true};
}

static void put_query(const find_customer_params& p, detail::query_params& q) {
    if (p.external_id) q.emplace_back("externalId", *p.external_id);
    if (p.email) q.emplace_back("email", *p.email);
    if (p.include_deleted) q.emplace_back("includeDeleted", "true");
}

static std::string invalid_reason_of(const list_customers_params& p) {
    if (p.limit && (*p.limit < 1 || *p.limit > 100)) return "limit must be between 1 and 100";
    if (p.offset && *p.offset < 0) return "offset must not be negative";
    if (p.offset && p.cursor) return "cursor and offset exclude each other: give one";
    return first_problem({check_optional_identifier("cursor", p.cursor), check_optional_email("email", p.email),
                          check_optional_identifier("external_organization_id", p.external_organization_id)});
}

static void put_query(const list_customers_params& p, detail::query_params& q) {
    if (p.limit) q.add_owned("limit", std::to_string(*p.limit));
    if (p.cursor) q.emplace_back("cursor", *p.cursor);
    if (p.offset) q.add_owned("offset", std::to_string(*p.offset));
    if (p.email) q.emplace_back("email", *p.email);
    if (p.external_organization_id) q.emplace_back("externalOrganizationId", *p.external_organization_id);
    put_epoch_ms(q, "createdAfter", p.created_after);
    put_epoch_ms(q, "createdBefore", p.created_before);
    if (p.include_deleted) q.emplace_back("includeDeleted", "true");
}

static std::string invalid_reason_of(const update_customer_params& p) {
    if (p.external_organization_id && p.clear_external_organization_id)
        return "external_organization_id and clear_external_organization_id exclude each other";
    if (p.expected_version && *p.expected_version < 1) return "expected_version must be at least 1";
    return first_problem({check_identifier("customer", p.customer), check_optional_email("email", p.email),
                          check_optional_identifier("external_organization_id", p.external_organization_id),
                          check_metadata(p.metadata), check_key(p.idempotency_key)});
}

static std::string invalid_reason_of(const delete_customer_params& p) {
    return first_problem({check_identifier("customer", p.customer), check_key(p.idempotency_key)});
}

static void put_query(const delete_customer_params& p, detail::query_params& q) {
    if (p.purge) q.emplace_back("purge", "true");
}

static std::string invalid_reason_of(const bind_customer_params& p) {
    return first_problem({check_identifier("customer", p.customer), check_identifier("external_id", p.external_id),
                          check_key(p.idempotency_key)});
}

// ---- customer events: mapping and rules (docs/protocol.md §4.15 [extension]) ---------------

namespace {

constexpr std::pair<event_type, const char*> event_type_names[] = {
    {event_type::customer_created, "customer.created"},
    {event_type::customer_updated, "customer.updated"},
    {event_type::customer_deleted, "customer.deleted"},
    {event_type::customer_bound, "customer.bound"},
    {event_type::entity_added, "entity.added"},
    {event_type::entity_removed, "entity.removed"},
    {event_type::entity_restored, "entity.restored"},
    {event_type::plan_attached, "plan.attached"},
    {event_type::subscription_activated, "subscription.activated"},
    {event_type::usage_limit_reached, "usage.limit_reached"},
};

event_type event_type_of(std::string_view text) {
    for (const auto& [type, name] : event_type_names)
        if (text == name) return type;
    return event_type::unknown;
}

} // namespace

const char* to_string(event_type t) noexcept {
    for (const auto& [type, name] : event_type_names)
        if (type == t) return name;
    return "";
}

event tag_invoke(json::value_to_tag<event>, const json::value& jv) {
    const auto& o = as_object(jv, "event");
    event e;
    e.id = req_string(o, "id");
    e.type_text = req_string(o, "type");
    e.type = event_type_of(e.type_text);
    auto seq = opt_int(o, "sequence");
    if (!seq) throw detail::decode_error("missing field 'sequence'");
    e.sequence = *seq;
    e.created_at = opt_time(o, "createdAt").value_or(time_point{});
    e.organization = opt_string(o, "organization").value_or("");
    e.customer_id = opt_string(o, "customerId");
    e.data = opt_object(o, "data");
    return e;
}

list_events_result tag_invoke(json::value_to_tag<list_events_result>, const json::value& jv) {
    const auto& o = as_object(jv, "event list");
    list_events_result r;
    r.events = req_array<event>(o, "events");
    r.has_more = opt_bool(o, "hasMore", false);
    r.next_cursor = opt_string(o, "nextCursor");
    return r;
}

static std::string invalid_reason_of(const list_events_params& p) {
    if (p.limit && (*p.limit < 1 || *p.limit > 1000)) return "limit must be between 1 and 1000";
    if (p.after && *p.after < 0) return "after must not be negative";
    if (p.cursor && (p.cursor->empty() || p.cursor->find_first_not_of("0123456789") != std::string::npos))
        return "cursor is not an event list cursor";
    for (auto t : p.types)
        if (t == event_type::unknown) return "types holds event_type::unknown";
    return check_optional_identifier("customer", p.customer);
}

// The cursor is the last event's sequence: it becomes `after` (and wins over the one given,
// which the pager's first page used).
static void put_query(const list_events_params& p, detail::query_params& q) {
    if (p.limit) q.add_owned("limit", std::to_string(*p.limit));
    if (p.cursor) q.emplace_back("after", *p.cursor);
    else if (p.after) q.add_owned("after", std::to_string(*p.after));
    std::string types;
    for (auto t : p.types) types += (types.empty() ? "" : ",") + std::string(to_string(t));
    if (!types.empty()) q.add_owned("type", std::move(types));
    if (p.customer) q.emplace_back("customer", *p.customer);
}

} // namespace owo

// Last: the generic steps of every operation, which call the rules above.
#define OWOSTACK_ROWS_OF_THIS_FILE OWOSTACK_CORE_OPERATIONS
#include "operation_impl.hpp"
