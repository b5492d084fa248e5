// The catalog (include/owostack/catalog.hpp): declaring, judging the whole before sending, the
// sync payload upstream's buildSyncPayload makes (packages/core/src/catalog.ts), reading one
// back (catalog.json files), and the sync answer (apps/api/src/routes/api/sync.ts).
#include "json_mapping.hpp"
#include "operation.hpp"
#include "validation.hpp"

#include <owostack/catalog.hpp>

#include <boost/json/value_from.hpp>

#include <array>
#include <cmath>
#include <set>
#include <stdexcept>

namespace owo {

using namespace detail::mapping;
using detail::decode_error;

// ---- declaring -------------------------------------------------------------------------------

feature_handle catalog::declare(std::string slug, feature_kind kind, feature_options options) {
    features_.push_back(feature_definition{slug, kind, options.name});
    return feature_handle(std::move(slug), kind, std::move(options.name));
}

feature_handle catalog::metered(std::string slug, feature_options o) { return declare(std::move(slug), feature_kind::metered, std::move(o)); }
feature_handle catalog::boolean(std::string slug, feature_options o) { return declare(std::move(slug), feature_kind::boolean, std::move(o)); }
feature_handle catalog::entity(std::string slug, feature_options o) { return declare(std::move(slug), feature_kind::entity, std::move(o)); }

credit_system_handle catalog::credit_system(std::string slug, credit_system_definition d) {
    d.slug = slug;
    credit_system_handle h(std::move(slug), d.name);
    credit_systems_.push_back(std::move(d));
    return h;
}

catalog& catalog::credit_pack(std::string slug, credit_pack_definition d) {
    d.slug = std::move(slug);
    credit_packs_.push_back(std::move(d));
    return *this;
}

catalog& catalog::plan(std::string slug, plan_definition d) {
    d.slug = std::move(slug);
    plans_.push_back(std::move(d));
    return *this;
}

feature_handle catalog::feature(std::string_view slug) const {
    for (const auto& f : features_)
        if (f.slug == slug) return feature_handle(f.slug, f.kind, f.name);
    for (const auto& cs : credit_systems_)
        if (cs.slug == slug) return credit_system_handle(cs.slug, cs.name).feature();
    throw std::invalid_argument("the catalog declares no feature '" + std::string(slug) + "'");
}

plan_feature_entry credit_system_handle::credits(double amount, std::optional<std::string> reset,
                                                 std::optional<std::string> overage) const {
    return plan_feature_entry{slug_, feature_kind::metered, true, amount,
                              feature_terms{.reset = reset ? std::move(reset) : "monthly",
                                            .overage = overage ? std::move(overage) : "block"}};
}

// ---- judging the whole catalog ---------------------------------------------------------------

namespace {

// Upstream's PlanInterval and ResetInterval (packages/types), with the aliases its sync
// normalises (hour, day, ... annually).
constexpr std::array<std::string_view, 5> plan_intervals{"daily", "weekly", "monthly", "quarterly", "yearly"};
constexpr std::array<std::string_view, 19> reset_intervals{
    "none",   "never",     "5min",        "15min",  "30min", "hourly", "daily", "weekly",  "monthly", "quarterly",
    "semi_annual", "yearly", "hour",       "day",    "week",  "month",  "quarter", "year", "annually"};
constexpr std::array<std::string_view, 3> usage_models{"included", "usage_based", "prepaid"};
constexpr std::array<std::string_view, 3> rating_models{"package", "graduated", "volume"};
constexpr std::array<std::string_view, 2> overage_modes{"block", "charge"};
constexpr std::array<std::string_view, 2> billing_types{"recurring", "one_time"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& allowed, std::string_view v) {
    for (auto a : allowed)
        if (a == v) return true;
    return false;
}

template <std::size_t N>
std::string listed(const std::array<std::string_view, N>& allowed) {
    std::string s;
    for (auto a : allowed) s += (s.empty() ? "" : ", ") + std::string(a);
    return s;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

/// Collects "<where>: <what>" for every problem found.
class problem_list {
public:
    void add(const std::string& where, std::string what) {
        if (!what.empty()) items_.push_back(where + ": " + std::move(what));
    }
    template <std::size_t N>
    void add_choice(const std::string& where, std::string_view field, const std::optional<std::string>& v,
                    const std::array<std::string_view, N>& allowed) {
        if (v && !one_of(allowed, *v)) add(where, std::string(field) + " " + quoted(*v) + " is not one of " + listed(allowed));
    }
    /// A quantity or an amount: finite, not negative, within the SDK's bound.
    void add_non_negative(const std::string& where, std::string_view field, std::optional<double> v) {
        if (!v) return;
        if (auto e = detail::check_number(field, v); !e.empty()) add(where, std::move(e));
        else if (*v < 0) add(where, std::string(field) + " must not be negative");
    }
    void add_non_negative(const std::string& where, std::string_view field, std::optional<std::int64_t> v) {
        if (v) add_non_negative(where, field, std::optional<double>(static_cast<double>(*v)));
    }
    void add_currency(const std::string& where, const std::string& currency) {
        if (currency.size() < 3) add(where, "currency " + quoted(currency) + " must have at least 3 characters (ISO 4217)");
    }
    void add_slug(const std::string& where, std::string_view slug, std::set<std::string_view>& seen) {
        add(where, detail::check_identifier("slug", slug));
        if (!slug.empty() && !seen.insert(slug).second) add(where, "declared more than once");
    }
    std::vector<std::string> take() { return std::move(items_); }

private:
    std::vector<std::string> items_;
};

// upstream's validatePlanFeaturePricingConfig (apps/api/src/lib/plan-feature-normalization.ts),
// every problem rather than the first.
void judge_pricing(problem_list& out, const std::string& where, const plan_feature_entry& e) {
    const feature_terms& t = e.terms;
    out.add_choice(where, "reset", t.reset, reset_intervals);
    out.add_choice(where, "overage", t.overage, overage_modes);
    out.add_choice(where, "usage_model", t.usage_model, usage_models);
    out.add_choice(where, "rating_model", t.rating_model, rating_models);
    out.add_non_negative(where, "limit", e.limit);
    out.add_non_negative(where, "trial_limit", t.trial_limit);
    out.add_non_negative(where, "price_per_unit", t.price_per_unit);
    out.add_non_negative(where, "overage_price", t.overage_price);
    out.add_non_negative(where, "billing_units", t.billing_units);
    out.add_non_negative(where, "max_overage_units", t.max_overage_units);
    out.add_non_negative(where, "credit_cost", t.credit_cost);
    if (t.billing_units && *t.billing_units == 0) out.add(where, "billing_units must be greater than 0");

    // Owning strings: value_or returns a temporary, which a string_view would outlive.
    const std::string usage = t.usage_model.value_or("included");
    const std::string rating = t.rating_model.value_or("package");
    if (rating != "graduated" && rating != "volume") {
        if (!t.tiers.empty()) out.add(where, "package pricing cannot have tiers");
        if (usage == "usage_based" && !t.price_per_unit) out.add(where, "usage-based package pricing needs price_per_unit");
        if (usage == "included" && t.overage.value_or("block") == "charge" && !t.overage_price && !t.price_per_unit)
            out.add(where, "charging for overage needs overage_price or price_per_unit");
        return;
    }
    if (t.tiers.empty()) out.add(where, rating + " pricing needs at least one tier");
    double previous_up_to = 0;
    for (std::size_t i = 0; i < t.tiers.size(); ++i) {
        const pricing_tier& tier = t.tiers[i];
        std::string name = "tier " + std::to_string(i + 1);
        if (!tier.unit_price && !tier.flat_fee) out.add(where, name + " needs unit_price, flat_fee or both");
        out.add_non_negative(where, name + " unit_price", tier.unit_price);
        out.add_non_negative(where, name + " flat_fee", tier.flat_fee);
        if (!tier.up_to) {
            if (i + 1 != t.tiers.size()) out.add(where, "only the last tier can be open-ended (" + name + " is not last)");
            continue;
        }
        if (!std::isfinite(*tier.up_to) || *tier.up_to <= previous_up_to)
            out.add(where, name + " must end above " + (i == 0 ? std::string("0") : "tier " + std::to_string(i)));
        else previous_up_to = *tier.up_to;
    }
}

} // namespace

std::vector<std::string> catalog::problems() const {
    problem_list out;
    if (default_provider) out.add("default_provider", detail::check_identifier("default_provider", *default_provider));

    std::set<std::string_view> feature_slugs;
    for (const auto& f : features_) {
        std::string where = "feature " + quoted(f.slug);
        out.add_slug(where, f.slug, feature_slugs);
        if (f.name && f.name->empty()) out.add(where, "name must not be empty when given");
    }
    auto declared_kind = [&](std::string_view slug) -> std::optional<feature_kind> {
        for (const auto& f : features_)
            if (f.slug == slug) return f.kind;
        return std::nullopt;
    };

    std::set<std::string_view> system_slugs;
    for (const auto& cs : credit_systems_) {
        std::string where = "credit system " + quoted(cs.slug);
        out.add_slug(where, cs.slug, system_slugs);
        if (declared_kind(cs.slug)) out.add(where, "a feature has the same slug (a credit system is a feature of its own)");
        if (cs.name && cs.name->empty()) out.add(where, "name must not be empty when given");
        std::set<std::string_view> costed;
        for (const auto& cost : cs.features) {
            auto kind = declared_kind(cost.feature);
            if (!kind) out.add(where, "feature " + quoted(cost.feature) + " is not declared in the catalog");
            else if (*kind == feature_kind::boolean) out.add(where, "feature " + quoted(cost.feature) + " is boolean and cannot cost credits");
            if (!costed.insert(cost.feature).second) out.add(where, "feature " + quoted(cost.feature) + " is listed more than once");
            out.add_non_negative(where, "credit cost of " + quoted(cost.feature), std::optional<double>(cost.credit_cost));
        }
    }

    std::set<std::string_view> pack_slugs;
    for (const auto& pack : credit_packs_) {
        std::string where = "credit pack " + quoted(pack.slug);
        out.add_slug(where, pack.slug, pack_slugs);
        if (pack.name.empty()) out.add(where, "name must not be empty");
        if (pack.credits < 1) out.add(where, "credits must be at least 1");
        out.add_non_negative(where, "price", std::optional<std::int64_t>(pack.price));
        out.add_currency(where, pack.currency);
        if (!system_slugs.contains(pack.credit_system))
            out.add(where, "credit system " + quoted(pack.credit_system) + " is not declared in the catalog");
        if (pack.provider) out.add(where, detail::check_identifier("provider", *pack.provider));
        out.add(where, check_metadata("metadata", pack.metadata));
    }

    std::set<std::string_view> plan_slugs;
    for (const auto& p : plans_) {
        std::string where = "plan " + quoted(p.slug);
        out.add_slug(where, p.slug, plan_slugs);
        if (p.name.empty()) out.add(where, "name must not be empty");
        out.add_non_negative(where, "price", std::optional<std::int64_t>(p.price));
        out.add_currency(where, p.currency);
        if (!one_of(plan_intervals, p.interval))
            out.add(where, "interval " + quoted(p.interval) + " is not one of " + listed(plan_intervals));
        if (!one_of(billing_types, p.billing_type))
            out.add(where, "billing_type " + quoted(p.billing_type) + " is not one of " + listed(billing_types));
        if (p.trial_days && *p.trial_days < 0) out.add(where, "trial_days must not be negative");
        if (p.plan_group) out.add(where, detail::check_identifier("plan_group", *p.plan_group));
        if (p.provider) out.add(where, detail::check_identifier("provider", *p.provider));
        out.add(where, check_metadata("metadata", p.metadata));
        std::set<std::string_view> granted;
        for (const auto& e : p.features) {
            std::string at = where + " feature " + quoted(e.slug);
            if (!granted.insert(e.slug).second) out.add(at, "listed more than once");
            auto kind = declared_kind(e.slug);
            bool is_credit_system = system_slugs.contains(e.slug);
            if (!kind && !is_credit_system) {
                out.add(at, "not declared in the catalog");
                continue;
            }
            bool declared_boolean = kind == feature_kind::boolean;
            if (declared_boolean != (e.kind == feature_kind::boolean))
                out.add(at, declared_boolean ? "declared boolean but given a limit or pricing"
                                             : "declared metered but granted as a boolean");
            if (!declared_boolean) judge_pricing(out, at, e);
        }
    }
    return out.take();
}

// ---- the sync payload --------------------------------------------------------------------------

namespace {

/// JSON numbers as TypeScript writes them: integral values without a fraction.
json::value number(double d) {
    if (std::isfinite(d) && std::trunc(d) == d && std::abs(d) < 9.0e15) return static_cast<std::int64_t>(d);
    return d;
}

json::value optional_number(const std::optional<double>& d) { return d ? number(*d) : json::value(nullptr); }

/// upstream's slugToName: "api-calls" -> "Api Calls".
std::string slug_to_name(std::string_view slug) {
    std::string out;
    bool word_start = true;
    for (char c : slug) {
        if (c == '-' || c == '_') {
            out += ' ';
            word_start = true;
            continue;
        }
        out += word_start && c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
        word_start = false;
    }
    return out;
}

json::object tier_json(const pricing_tier& t) {
    json::object o;
    o["upTo"] = optional_number(t.up_to);
    put(o, "unitPrice", t.unit_price);
    put(o, "flatFee", t.flat_fee);
    return o;
}

// Keys in the order upstream's buildSyncPayload writes them.
json::object plan_feature_json(const plan_feature_entry& e) {
    json::object o;
    o["slug"] = e.slug;
    o["enabled"] = e.enabled;
    const feature_terms& t = e.terms;
    bool is_boolean = e.kind == feature_kind::boolean;
    o["limit"] = is_boolean ? json::value(nullptr) : optional_number(e.limit);
    o["trialLimit"] = is_boolean ? json::value(nullptr) : optional_number(t.trial_limit);
    if (is_boolean) return o;
    o["reset"] = t.reset.value_or("monthly");
    put(o, "usageModel", t.usage_model);
    put(o, "pricePerUnit", t.price_per_unit);
    put(o, "ratingModel", t.rating_model);
    if (!t.tiers.empty()) {
        json::array tiers;
        for (const auto& tier : t.tiers) tiers.push_back(tier_json(tier));
        o["tiers"] = std::move(tiers);
    }
    // usage-based pricing always charges (upstream's normalizeUsageBasedOverage)
    if (t.usage_model == "usage_based") o["overage"] = "charge";
    else put(o, "overage", t.overage);
    if (t.overage_price) o["overagePrice"] = *t.overage_price;
    if (t.max_overage_units) o["maxOverageUnits"] = number(*t.max_overage_units);
    if (t.billing_units) o["billingUnits"] = number(*t.billing_units);
    if (t.credit_cost) o["creditCost"] = number(*t.credit_cost);
    return o;
}

} // namespace

json::value catalog::sync_payload() const {
    json::object o;
    put(o, "defaultProvider", default_provider);
    json::array features;
    for (const auto& f : features_) {
        json::object j;
        j["slug"] = f.slug;
        j["type"] = f.kind == feature_kind::boolean ? "boolean" : "metered";
        j["name"] = f.name ? *f.name : slug_to_name(f.slug);
        if (f.kind == feature_kind::entity) j["meterType"] = "non_consumable";
        features.push_back(std::move(j));
    }
    o["features"] = std::move(features);
    json::array systems;
    for (const auto& cs : credit_systems_) {
        json::object j;
        j["slug"] = cs.slug;
        j["name"] = cs.name.value_or(cs.slug);
        put(j, "description", cs.description);
        json::array costs;
        for (const auto& c : cs.features) costs.push_back(json::object{{"feature", c.feature}, {"creditCost", number(c.credit_cost)}});
        j["features"] = std::move(costs);
        systems.push_back(std::move(j));
    }
    o["creditSystems"] = std::move(systems);
    json::array packs;
    for (const auto& p : credit_packs_) {
        json::object j;
        j["slug"] = p.slug;
        j["name"] = p.name;
        put(j, "description", p.description);
        j["credits"] = p.credits;
        j["price"] = p.price;
        j["currency"] = p.currency;
        j["creditSystem"] = p.credit_system;
        put(j, "provider", p.provider);
        put(j, "metadata", p.metadata);
        packs.push_back(std::move(j));
    }
    o["creditPacks"] = std::move(packs);
    json::array plans;
    for (const auto& p : plans_) {
        json::object j;
        j["slug"] = p.slug;
        j["name"] = p.name;
        put(j, "description", p.description);
        j["price"] = p.price;
        j["currency"] = p.currency;
        j["interval"] = p.interval;
        j["billingType"] = p.billing_type;
        put(j, "planGroup", p.plan_group);
        put(j, "trialDays", p.trial_days);
        put(j, "provider", p.provider);
        put(j, "metadata", p.metadata);
        put(j, "autoEnable", p.auto_enable);
        put(j, "isAddon", p.is_addon);
        json::array granted;
        for (const auto& e : p.features) granted.push_back(plan_feature_json(e));
        j["features"] = std::move(granted);
        plans.push_back(std::move(j));
    }
    o["plans"] = std::move(plans);
    return o;
}

void tag_invoke(json::value_from_tag, json::value& jv, const catalog& c) { jv = c.sync_payload(); }

// ---- reading a payload back (catalog.json) -----------------------------------------------------

pricing_tier detail::mapping::read_tier(const json::object& o) {
    return pricing_tier{opt_number(o, "upTo"), opt_int(o, "unitPrice"), opt_int(o, "flatFee")};
}

namespace {

/// The reading helpers throw decode_error; a payload that is not what it should be is the
/// caller's bad argument.
template <class T>
std::vector<T> each(const json::object& o, std::string_view key, T (*read)(const json::object&)) {
    std::vector<T> out;
    const json::value* v = field(o, key);
    if (!v) return out;
    if (!v->is_array()) wrong_type(key, "an array");
    std::size_t i = 0;
    for (const auto& item : v->get_array()) {
        std::string where = std::string(key) + "[" + std::to_string(i++) + "]";
        if (!item.is_object()) throw decode_error(where + " is not an object");
        try {
            out.push_back(read(item.get_object()));
        } catch (const decode_error& e) {
            throw decode_error(where + ": " + e.what());
        }
    }
    return out;
}

std::optional<json::object> opt_metadata(const json::object& o) {
    if (!field(o, "metadata")) return std::nullopt;
    return opt_object(o, "metadata");
}


plan_feature_entry read_plan_feature(const json::object& o) {
    plan_feature_entry e;
    e.slug = req_string(o, "slug");
    e.enabled = opt_bool(o, "enabled", true);
    e.limit = opt_number(o, "limit");
    feature_terms& t = e.terms;
    t.trial_limit = opt_number(o, "trialLimit");
    t.reset = opt_string(o, "reset");
    t.usage_model = opt_string(o, "usageModel");
    t.price_per_unit = opt_int(o, "pricePerUnit");
    t.rating_model = opt_string(o, "ratingModel");
    t.tiers = each<pricing_tier>(o, "tiers", read_tier);
    t.overage = opt_string(o, "overage");
    t.overage_price = opt_int(o, "overagePrice");
    t.max_overage_units = opt_number(o, "maxOverageUnits");
    t.billing_units = opt_number(o, "billingUnits");
    t.credit_cost = opt_number(o, "creditCost");
    return e;
}

feature_definition read_feature(const json::object& o) {
    feature_definition f{req_string(o, "slug"), feature_kind::metered, opt_string(o, "name")};
    std::string type = opt_string(o, "type").value_or("metered");
    if (type == "boolean") f.kind = feature_kind::boolean;
    else if (type != "metered") throw decode_error("type '" + type + "' is not metered or boolean");
    else if (opt_string(o, "meterType") == "non_consumable") f.kind = feature_kind::entity;
    return f;
}

credit_system_feature read_credit_cost(const json::object& o) {
    return credit_system_feature{req_string(o, "feature"), opt_number(o, "creditCost").value_or(0)};
}

credit_system_definition read_credit_system(const json::object& o) {
    return credit_system_definition{req_string(o, "slug"), opt_string(o, "name"), opt_string(o, "description"),
                                    each<credit_system_feature>(o, "features", read_credit_cost)};
}

credit_pack_definition read_credit_pack(const json::object& o) {
    return credit_pack_definition{req_string(o, "slug"),           req_string(o, "name"),
                                  opt_string(o, "description"),    opt_int(o, "credits").value_or(0),
                                  opt_int(o, "price").value_or(0), req_string(o, "currency"),
                                  req_string(o, "creditSystem"),   opt_string(o, "provider"),
                                  opt_metadata(o)};
}

plan_definition read_plan(const json::object& o) {
    plan_definition p;
    p.slug = req_string(o, "slug");
    p.name = req_string(o, "name");
    p.description = opt_string(o, "description");
    p.price = opt_int(o, "price").value_or(0);
    p.currency = req_string(o, "currency");
    p.interval = req_string(o, "interval");
    p.billing_type = opt_string(o, "billingType").value_or("recurring");
    p.features = each<plan_feature_entry>(o, "features", read_plan_feature);
    p.plan_group = opt_string(o, "planGroup");
    if (auto days = opt_int(o, "trialDays")) p.trial_days = static_cast<int>(*days);
    p.provider = opt_string(o, "provider");
    p.metadata = opt_metadata(o);
    if (field(o, "autoEnable")) p.auto_enable = opt_bool(o, "autoEnable", false);
    if (field(o, "isAddon")) p.is_addon = opt_bool(o, "isAddon", false);
    return p;
}

} // namespace

catalog catalog::from_sync_payload(const json::value& payload) {
    try {
        const json::object& o = as_object(payload, "the catalog");
        catalog c;
        c.default_provider = opt_string(o, "defaultProvider");
        c.features_ = each<feature_definition>(o, "features", read_feature);
        c.credit_systems_ = each<credit_system_definition>(o, "creditSystems", read_credit_system);
        c.credit_packs_ = each<credit_pack_definition>(o, "creditPacks", read_credit_pack);
        c.plans_ = each<plan_definition>(o, "plans", read_plan);
        // A plan names features by slug; the declaration says which are booleans.
        for (auto& p : c.plans_)
            for (auto& e : p.features)
                for (const auto& f : c.features_)
                    if (f.slug == e.slug) e.kind = f.kind;
        return c;
    } catch (const decode_error& e) {
        throw std::invalid_argument(std::string("catalog: ") + e.what());
    }
}

credit_system_definition tag_invoke(json::value_to_tag<credit_system_definition>, const json::value& jv) {
    return read_credit_system(as_object(jv, "credit system"));
}

// ---- the answer ------------------------------------------------------------------------------

namespace {

sync_changes changes(const json::object& o, std::string_view key) {
    const json::value* v = field(o, key);
    if (!v) return {};
    const json::object& g = as_object(*v, "sync changes");
    return sync_changes{opt_array<std::string>(g, "created"), opt_array<std::string>(g, "updated"), opt_array<std::string>(g, "unchanged")};
}

} // namespace

sync_result tag_invoke(json::value_to_tag<sync_result>, const json::value& jv) {
    const auto& o = as_object(jv, "sync result");
    if (!field(o, "features") || !field(o, "plans")) throw decode_error("missing field 'features' or 'plans'");
    return sync_result{changes(o, "features"), changes(o, "creditSystems"), changes(o, "creditPacks"),
                       changes(o, "plans"), opt_array<std::string>(o, "warnings")};
}

// ---- the rules of sync's params ----------------------------------------------------------------

// Every problem, so that one attempt shows all that must be fixed; nothing is sent.
static std::string invalid_reason_of(const catalog& c) {
    auto problems = c.problems();
    if (problems.empty()) return {};
    std::string why = "the catalog has " + std::to_string(problems.size()) +
                      (problems.size() == 1 ? " problem: " : " problems: ");
    for (std::size_t i = 0; i < problems.size(); ++i) why += (i ? "; " : "") + problems[i];
    return why;
}

} // namespace owo

#define OWOSTACK_ROWS_OF_THIS_FILE OWOSTACK_CATALOG_OPERATIONS
#include "operation_impl.hpp"
