#include "domain/catalog.hpp"

#include "domain/body_validator.hpp"
#include "domain/time.hpp"

#include "ids.hpp"

#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace owo::local {

namespace json = boost::json;

namespace {

constexpr const char* sections[] = {"features", "plans", "creditSystems", "creditPacks"};

std::optional<std::string> string_at(const json::object& o, const char* key) {
    if (auto p = o.if_contains(key); p && p->is_string()) return std::string(p->get_string());
    return std::nullopt;
}

std::optional<std::int64_t> integer_at(const json::object& o, const char* key) {
    if (auto p = o.if_contains(key)) {
        if (p->is_int64()) return p->get_int64();
        if (p->is_uint64()) return static_cast<std::int64_t>(p->get_uint64());
        if (p->is_double()) return static_cast<std::int64_t>(p->get_double());
    }
    return std::nullopt;
}

std::optional<double> number_at(const json::object& o, const char* key) {
    if (auto p = o.if_contains(key); p && p->is_number()) return p->to_number<double>();
    return std::nullopt;
}

/// A number as the catalog holds it: an integer when it is one (JSON has no 4900.0).
json::value number_json(double d) {
    if (std::floor(d) == d && std::fabs(d) < 9.007199254740992e15) return static_cast<std::int64_t>(d);
    return d;
}

bool bool_at(const json::object& o, const char* key, bool fallback) {
    if (auto p = o.if_contains(key); p && p->is_bool()) return p->get_bool();
    return fallback;
}

const json::array* array_at(const json::object& o, const char* key) {
    if (auto p = o.if_contains(key); p && p->is_array()) return &p->get_array();
    return nullptr;
}

/// lib/plan-feature-normalization.ts normalizePlanFeaturePricingConfig: usage-based features
/// always charge; package pricing keeps pricePerUnit and billingUnits, tiered pricing its tiers.
feature_pricing pricing_of(const json::object& f) {
    feature_pricing p;
    p.usage_model = string_at(f, "usageModel").value_or("included");
    p.rating_model = string_at(f, "ratingModel").value_or("package");
    p.overage = p.usage_model == "usage_based" ? "charge" : string_at(f, "overage").value_or("block");
    p.overage_price = integer_at(f, "overagePrice");
    p.max_overage_units = integer_at(f, "maxOverageUnits");
    if (p.rating_model == "package") {
        p.price_per_unit = integer_at(f, "pricePerUnit");
        p.billing_units = integer_at(f, "billingUnits").value_or(1);
    } else if (auto tiers = array_at(f, "tiers")) {
        for (const auto& t : *tiers) {
            const auto& o = t.get_object();
            p.tiers.push_back({integer_at(o, "upTo"), integer_at(o, "unitPrice"), integer_at(o, "flatFee")});
        }
    }
    return p;
}

json::value or_null(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }
json::value or_null(const std::optional<std::int64_t>& n) { return n ? json::value(*n) : json::value(nullptr); }

} // namespace

json::array price_tiers_json(const std::vector<price_tier>& tiers) {
    json::array out;
    for (const auto& t : tiers) {
        json::object o{{"upTo", or_null(t.up_to)}};
        if (t.unit_price) o["unitPrice"] = *t.unit_price;
        if (t.flat_fee) o["flatFee"] = *t.flat_fee;
        out.push_back(std::move(o));
    }
    return out;
}

const plan_feature_def* plan_def::feature(const std::string& s) const {
    for (const auto& f : features)
        if (f.slug == s) return &f;
    return nullptr;
}

catalog::catalog(json::object doc) : doc_(std::move(doc)) {
    if (auto fs = array_at(doc_, "features"))
        for (const auto& v : *fs) {
            const auto& o = v.get_object();
            features_.push_back({string_at(o, "slug").value_or(""), string_at(o, "name").value_or(""),
                                 string_at(o, "type").value_or("metered"), string_at(o, "meterType").value_or("consumable"),
                                 string_at(o, "unit"), string_at(o, "id").value_or("")});
        }
    // sync.ts: each credit system is also a metered, consumable feature of its own slug, so a
    // plan can grant its credits like any feature's limit.
    if (auto cs = array_at(doc_, "creditSystems"))
        for (const auto& v : *cs) {
            const auto& o = v.get_object();
            credit_system_def c{string_at(o, "id").value_or(""), string_at(o, "slug").value_or(""),
                                string_at(o, "name").value_or(""), string_at(o, "description"), {}};
            if (auto fs = array_at(o, "features"))
                for (const auto& f : *fs)
                    c.features.emplace_back(string_at(f.get_object(), "feature").value_or(""),
                                            number_at(f.get_object(), "creditCost").value_or(0));
            c.feature_id = string_at(o, "featureId").value_or("");
            feature_def pool{c.slug, c.name, "metered", "consumable", std::nullopt, c.feature_id};
            auto it = std::find_if(features_.begin(), features_.end(), [&](const auto& f) { return f.slug == c.slug; });
            if (it == features_.end()) features_.push_back(std::move(pool));
            else *it = std::move(pool);
            credit_systems_.push_back(std::move(c));
        }
    if (auto ps = array_at(doc_, "creditPacks"))
        for (const auto& v : *ps) {
            const auto& o = v.get_object();
            credit_pack_def c{string_at(o, "id").value_or(""), string_at(o, "slug").value_or(""), string_at(o, "name").value_or(""),
                              string_at(o, "description")};
            c.credits = integer_at(o, "credits").value_or(0);
            c.price = integer_at(o, "price").value_or(0);
            c.currency = string_at(o, "currency").value_or("USD");
            c.credit_system = string_at(o, "creditSystem").value_or("");
            c.provider = string_at(o, "provider");
            if (auto m = o.if_contains("metadata"); m && m->is_object()) c.metadata = m->get_object();
            c.created_at = integer_at(o, "createdAt").value_or(0);
            c.updated_at = integer_at(o, "updatedAt").value_or(c.created_at);
            credit_packs_.push_back(std::move(c));
        }
    if (auto ps = array_at(doc_, "plans"))
        for (const auto& v : *ps) {
            const auto& o = v.get_object();
            plan_def p;
            p.id = string_at(o, "id").value_or("");
            p.slug = string_at(o, "slug").value_or("");
            p.name = string_at(o, "name").value_or(p.slug);
            p.description = string_at(o, "description");
            p.price = number_at(o, "price").value_or(0);
            p.currency = string_at(o, "currency").value_or("USD");
            p.interval = string_at(o, "interval").value_or("monthly");
            p.billing_type = string_at(o, "billingType").value_or("recurring");
            p.plan_group = string_at(o, "planGroup");
            p.auto_enable = bool_at(o, "autoEnable", false);
            p.is_addon = bool_at(o, "isAddon", false);
            p.active = bool_at(o, "active", true);
            p.trial_card_required = bool_at(o, "trialCardRequired", false);
            p.trial_days = number_at(o, "trialDays").value_or(0);
            if (p.billing_type == "one_time") {   // lib/plans.ts sanitizeOneTimePlanFlags
                p.trial_days = 0;
                p.trial_card_required = false;
                p.auto_enable = false;
            }
            // routes/api/sync.ts reconcilePlanFeatures: a feature the catalog does not define, or
            // one listed with enabled:false, is not part of the plan.
            if (auto fs = array_at(o, "features"))
                for (const auto& fv : *fs) {
                    const auto& fo = fv.get_object();
                    std::string slug = string_at(fo, "slug").value_or("");
                    const feature_def* f = feature(slug);
                    if (!f || !bool_at(fo, "enabled", true)) continue;
                    bool boolean = f->type == "boolean";
                    p.features.push_back({slug, true, boolean ? std::nullopt : integer_at(fo, "limit"), integer_at(fo, "trialLimit"),
                                          boolean ? "never" : normalize_reset_interval(string_at(fo, "reset").value_or("monthly")),
                                          pricing_of(fo)});
                }
            plans_.push_back(std::move(p));
        }
}

const feature_def* catalog::feature(const std::string& slug) const {
    auto it = std::find_if(features_.begin(), features_.end(), [&](const auto& f) { return f.slug == slug; });
    return it == features_.end() ? nullptr : &*it;
}

const credit_system_def* catalog::credit_system(const std::string& slug) const {
    auto it = std::find_if(credit_systems_.begin(), credit_systems_.end(), [&](const auto& c) { return c.slug == slug; });
    return it == credit_systems_.end() ? nullptr : &*it;
}

const credit_pack_def* catalog::credit_pack(const std::string& slug_or_id) const {
    for (bool by_slug : {true, false})
        for (const auto& c : credit_packs_)
            if ((by_slug ? c.slug : c.id) == slug_or_id) return &c;
    return nullptr;
}

const plan_def* catalog::plan(const std::string& slug) const {
    auto it = std::find_if(plans_.begin(), plans_.end(), [&](const auto& p) { return p.slug == slug; });
    return it == plans_.end() ? nullptr : &*it;
}

json::object catalog::public_plan(const plan_def& p, plan_view view) const {
    // routes/api/plans.ts, the list and get handlers.
    json::array features;
    for (const auto& pf : p.features) {
        const feature_def* f = feature(pf.slug);
        bool boolean = f->type == "boolean";
        json::object o{{"slug", pf.slug},
                       {"name", f->name},
                       {"type", f->type},
                       {"meterType", boolean ? "consumable" : f->meter_type},
                       {"enabled", pf.enabled},
                       {"limit", or_null(pf.limit)},
                       {"trialLimit", or_null(pf.trial_limit)},
                       {"resetInterval", boolean ? json::value(nullptr) : json::value(pf.reset)},
                       {"unit", or_null(f->unit)}};
        // plans.ts: usageModel for metered features, the pricing fields only when set.
        const auto& pr = pf.pricing;
        if (!boolean) o["usageModel"] = pr.usage_model;
        if (pr.price_per_unit) o["pricePerUnit"] = *pr.price_per_unit;
        o["billingUnits"] = pr.billing_units;
        o["ratingModel"] = pr.rating_model;
        if (!pr.tiers.empty()) o["tiers"] = price_tiers_json(pr.tiers);
        if (!boolean && pr.overage != "block") o["overage"] = pr.overage;
        if (pr.overage_price) o["overagePrice"] = *pr.overage_price;
        features.push_back(std::move(o));
    }
    json::object plan{{"id", p.id},
                      {"slug", p.slug},
                      {"name", p.name},
                      {"description", or_null(p.description)},
                      {"price", number_json(p.price)},
                      {"currency", p.currency},
                      {"interval", p.interval},
                      {"type", p.price == 0 ? "free" : "paid"},   // sync.ts: price === 0 ? "free" : "paid"
                      {"billingType", p.billing_type},
                      {"isAddon", p.is_addon},
                      {"planGroup", or_null(p.plan_group)},
                      {"trialDays", number_json(p.trial_days)},
                      {"trialCardRequired", p.trial_card_required}};
    if (view == plan_view::list) {
        plan["provider"] = nullptr;
        plan["autoEnable"] = p.auto_enable;
    }
    plan["features"] = std::move(features);
    return plan;
}

namespace {

using text = body_validator::text;

/// Validates each item of `items` (an array the caller got from `v`) as an object with `item`,
/// merging its issues under {key, index}.
template <class Item>
void each_item(body_validator& v, std::string_view key, const json::array* items, Item item) {
    if (!items) return;
    for (std::size_t i = 0; i < items->size(); ++i) {
        body_validator inner = item((*items)[i]);
        v.merge(inner, json::array{json::value(key), json::value(i)});
    }
}

body_validator feature_schema(const json::value& f, catalog_source source) {
    body_validator v(f, source == catalog_source::catalog_file
                            ? std::initializer_list<std::string_view>{"slug", "type", "name", "meterType", "unit"}
                            : std::initializer_list<std::string_view>{"slug", "type", "name", "meterType"});
    v.required_string("slug", 1, text::identifier);
    v.required_enum("type", {"metered", "boolean"});
    v.required_string("name", 1, text::free);
    v.optional_enum("meterType", {"consumable", "non_consumable"});
    if (source == catalog_source::catalog_file) v.optional_string("unit");
    return v;
}

body_validator tier_schema(const json::value& t) {
    body_validator v(t, {"upTo", "unitPrice", "flatFee"});
    v.require("upTo", "number");
    v.optional_nullable_number("upTo");
    auto unit_price = v.optional_number("unitPrice");
    auto flat_fee = v.optional_number("flatFee");
    // .refine() runs only on a tier that passed its shape.
    if (v.ok() && !unit_price && !flat_fee) v.refine({}, "Each tier must define unitPrice, flatFee, or both");
    return v;
}

body_validator plan_feature_schema(const json::value& f) {
    body_validator v(f, {"slug", "enabled", "limit", "trialLimit", "reset", "usageModel", "pricePerUnit", "ratingModel", "tiers",
                         "overage", "overagePrice", "maxOverageUnits", "billingUnits", "creditCost"});
    v.required_string("slug", 1, text::identifier);
    v.required_bool("enabled");
    v.optional_nullable_number("limit");
    v.optional_nullable_number("trialLimit");
    v.optional_string("reset");
    v.optional_enum("usageModel", {"included", "usage_based", "prepaid"});
    v.optional_number("pricePerUnit");
    v.optional_enum("ratingModel", {"package", "graduated", "volume"});
    each_item(v, "tiers", v.optional_array("tiers"), tier_schema);
    v.optional_enum("overage", {"block", "charge"});
    for (const char* key : {"overagePrice", "maxOverageUnits", "billingUnits", "creditCost"}) v.optional_number(key);
    return v;
}

body_validator plan_schema(const json::value& p, catalog_source source) {
    std::initializer_list<std::string_view> keys{"slug",  "name",     "description", "price",      "currency",
                                                 "interval", "billingType", "planGroup", "trialDays", "provider",
                                                 "metadata", "autoEnable", "isAddon",   "features"};
    std::initializer_list<std::string_view> file_keys{"slug",      "name",     "description", "price",      "currency",
                                                      "interval",  "billingType", "planGroup", "trialDays", "provider",
                                                      "metadata",  "autoEnable", "isAddon",   "features",   "active",
                                                      "trialCardRequired"};
    body_validator v(p, source == catalog_source::catalog_file ? file_keys : keys);
    v.required_string("slug", 1, text::identifier);
    v.required_string("name", 1, text::free);
    v.optional_string("description");
    v.required_number("price");
    v.required_string("currency", 0, text::free);
    v.required_string("interval", 0, text::free);
    v.optional_enum("billingType", {"recurring", "one_time"});
    v.optional_string("planGroup");
    v.optional_number("trialDays");
    v.optional_string("provider");
    v.optional_record("metadata");
    v.optional_bool("autoEnable");
    v.optional_bool("isAddon");
    each_item(v, "features", v.required_array("features"), plan_feature_schema);
    if (source == catalog_source::catalog_file) {
        v.optional_bool("active");
        v.optional_bool("trialCardRequired");
    }
    return v;
}

body_validator credit_system_schema(const json::value& c) {
    body_validator v(c, {"slug", "name", "description", "features"});
    v.required_string("slug", 1, text::identifier);
    v.required_string("name", 1, text::free);
    v.optional_string("description");
    each_item(v, "features", v.required_array("features"), [](const json::value& f) {
        body_validator fv(f, {"feature", "creditCost"});
        fv.required_string("feature", 1, text::identifier);
        fv.required_number("creditCost", 0);
        return fv;
    });
    return v;
}

body_validator credit_pack_schema(const json::value& c) {
    body_validator v(c, {"slug", "name", "description", "credits", "price", "currency", "creditSystem", "provider", "metadata"});
    v.required_string("slug", 1, text::identifier);
    v.required_string("name", 1, text::free);
    v.optional_string("description");
    v.required_int("credits", 1);
    v.required_int("price", 0);
    v.required_string("currency", 3, text::free);
    v.required_string("creditSystem", 1, text::identifier);
    v.optional_string("provider");
    v.optional_record("metadata");
    return v;
}

/// lib/plan-feature-normalization.ts validatePlanFeaturePricingConfig over what sync.ts passes
/// it (normalizePlanFeaturePricingConfig of the plan feature); null when the config is sound.
std::optional<std::string> pricing_config_error(const json::object& f) {
    std::string usage = string_at(f, "usageModel").value_or("included");
    std::string rating = string_at(f, "ratingModel").value_or("package");
    bool usage_based = usage == "usage_based";
    std::string overage = usage_based ? "charge" : string_at(f, "overage").value_or("block");
    auto price_per_unit = rating == "package" ? number_at(f, "pricePerUnit") : std::nullopt;
    auto billing_units = rating == "package" ? number_at(f, "billingUnits").value_or(1) : 1.0;
    std::pair<const char*, std::optional<double>> numeric[] = {
        {"limitValue", usage_based ? std::nullopt : number_at(f, "limit")},
        {"pricePerUnit", price_per_unit},
        {"overagePrice", usage_based ? std::nullopt : number_at(f, "overagePrice")},
        {"billingUnits", billing_units},
        {"maxOverageUnits", number_at(f, "maxOverageUnits")},
        {"creditCost", number_at(f, "creditCost").value_or(0)},
    };
    for (const auto& [field, value] : numeric)
        if (value && *value < 0) return std::string(field) + " must be a non-negative number.";
    if (billing_units <= 0) return "billingUnits must be greater than 0.";
    if (rating == "package") {   // the normalisation dropped any tiers
        if (usage_based && !price_per_unit) return "Usage-based package pricing requires pricePerUnit.";
        if (usage == "included" && overage == "charge" && !number_at(f, "overagePrice") && !price_per_unit)
            return "Charge overage pricing requires overagePrice or pricePerUnit.";
        return std::nullopt;
    }
    const json::array* tiers = array_at(f, "tiers");
    if (!tiers || tiers->empty()) return rating + " pricing requires at least one tier.";
    double previous_up_to = 0;
    for (std::size_t i = 0; i < tiers->size(); ++i) {
        const auto& t = (*tiers)[i].get_object();
        std::string n = std::to_string(i + 1);
        auto unit_price = number_at(t, "unitPrice"), flat_fee = number_at(t, "flatFee");
        if (unit_price && *unit_price < 0) return "Tier " + n + " must have a non-negative unitPrice.";
        if (flat_fee && *flat_fee < 0) return "Tier " + n + " must have a non-negative flatFee.";
        auto up_to = number_at(t, "upTo");
        if (!up_to) {
            if (i + 1 != tiers->size()) return std::string("Only the last tier can be open-ended.");
            continue;
        }
        if (*up_to <= previous_up_to) return "Tier " + n + " must end above tier " + std::to_string(i) + ".";
        previous_up_to = *up_to;
    }
    return std::nullopt;
}

} // namespace

std::optional<domain_error> validate_catalog_payload(const json::value& payload, catalog_source source) {
    body_validator v(payload, {"defaultProvider", "features", "creditSystems", "creditPacks", "plans"});
    v.optional_string("defaultProvider");
    each_item(v, "features", v.required_array("features"), [&](const json::value& f) { return feature_schema(f, source); });
    each_item(v, "creditSystems", v.optional_array("creditSystems"), credit_system_schema);
    each_item(v, "creditPacks", v.optional_array("creditPacks"), credit_pack_schema);
    each_item(v, "plans", v.required_array("plans"), [&](const json::value& p) { return plan_schema(p, source); });
    if (!v.ok()) return v.error();

    // The payload's own feature types decide which plan features are booleans (sync.ts
    // featureTypeBySlug); any other, an unknown slug included, has its pricing checked.
    const auto& root = payload.get_object();
    std::map<std::string, std::string> types;
    for (const auto& f : root.at("features").get_array())
        types.emplace(f.at("slug").get_string(), f.at("type").get_string());
    for (const auto& p : root.at("plans").get_array())
        for (const auto& fv : p.at("features").get_array()) {
            const auto& f = fv.get_object();
            std::string slug(f.at("slug").get_string());
            if (auto t = types.find(slug); t != types.end() && t->second == "boolean") continue;
            if (auto reason = pricing_config_error(f))
                return domain_error{error_kind::invalid, "Invalid pricing config for plan '" +
                                                             std::string(p.at("slug").get_string()) + "' feature '" + slug +
                                                             "': " + *reason};
        }
    return std::nullopt;
}

namespace {

/// The members of `o` without what the server adds to a stored item.
/// What the server adds to a declared item: its ids and timestamps.
constexpr const char* assigned_keys[] = {"id", "featureId", "createdAt", "updatedAt"};

json::object declared_part(json::object o) {
    for (const char* key : assigned_keys) o.erase(key);
    return o;
}

/// The id of the feature with this slug in `doc`, if it has one.
std::optional<std::string> feature_id_in(const json::object& doc, const std::string& slug) {
    if (auto fs = array_at(doc, "features"))
        for (const auto& f : *fs)
            if (string_at(f.get_object(), "slug") == slug) return string_at(f.get_object(), "id");
    return std::nullopt;
}

/// Every feature, plan, credit system and pack gets an id, and every credit system the id of its
/// pool feature (sync.ts creates that feature beside the system, with an id of its own; a declared
/// feature of the same slug is that feature). Catalogs stored before features had ids get theirs.
void assign_missing_ids(json::object& doc) {
    for (const char* section : sections)
        if (auto p = doc.if_contains(section); p && p->is_array())
            for (auto& item : p->get_array()) {
                auto& o = item.get_object();
                if (!string_at(o, "id")) o["id"] = owo::detail::make_uuid_v4();
            }
    if (auto p = doc.if_contains("creditSystems"); p && p->is_array())
        for (auto& item : p->get_array()) {
            auto& o = item.get_object();
            if (string_at(o, "featureId")) continue;
            auto declared = feature_id_in(doc, string_at(o, "slug").value_or(""));
            o["featureId"] = declared && !declared->empty() ? *declared : owo::detail::make_uuid_v4();
        }
}

bool is_money(const json::value& v) { return v.is_int64() || v.is_uint64() || (v.is_double() && std::floor(v.get_double()) == v.get_double()); }

} // namespace

std::optional<domain_error> catalog_problems(const json::object& current, const json::object& payload) {
    json::array issues;
    auto problem = [&](json::array path, const std::string& message) { issues.push_back(issue("custom", std::move(path), message)); };
    // What will exist once merged: the stored slugs and the payload's.
    auto slugs_in = [](const json::object& doc, const char* section) {
        std::set<std::string> out;
        if (auto items = array_at(doc, section))
            for (const auto& v : *items) out.insert(string_at(v.get_object(), "slug").value_or(""));
        return out;
    };
    std::set<std::string> features, systems;
    for (const auto* doc : {&current, &payload}) {
        features.merge(slugs_in(*doc, "features"));
        systems.merge(slugs_in(*doc, "creditSystems"));
    }
    features.insert(systems.begin(), systems.end());   // a credit system is a feature too

    for (const char* section : sections) {
        std::set<std::string> seen;
        const json::array* items = array_at(payload, section);
        for (std::size_t i = 0; items && i < items->size(); ++i) {
            std::string slug = string_at((*items)[i].get_object(), "slug").value_or("");
            if (!seen.insert(slug).second)
                problem({section, i, "slug"}, "Duplicate slug '" + slug + "' in " + section);
        }
    }
    auto money = [&](const json::object& o, const char* key, json::array path) {
        auto v = o.if_contains(key);
        if (!v || v->is_null()) return;
        path.push_back(json::value(key));
        if (v->is_number() && v->to_number<double>() < 0) problem(std::move(path), std::string(key) + " must not be negative");
        else if (!is_money(*v)) problem(std::move(path), std::string(key) + " must be an integer amount of minor units");
    };
    if (auto plans = array_at(payload, "plans"))
        for (std::size_t i = 0; i < plans->size(); ++i) {
            const auto& p = (*plans)[i].get_object();
            std::string plan = string_at(p, "slug").value_or("");
            money(p, "price", {"plans", i});
            std::set<std::string> listed;
            const json::array* pfs = array_at(p, "features");
            for (std::size_t j = 0; pfs && j < pfs->size(); ++j) {
                const auto& f = (*pfs)[j].get_object();
                std::string slug = string_at(f, "slug").value_or("");
                json::array at{"plans", i, "features", j};
                if (!features.contains(slug)) {
                    json::array slug_at = at;
                    slug_at.push_back("slug");
                    problem(std::move(slug_at), "Plan '" + plan + "' references unknown feature '" + slug + "'");
                }
                if (!listed.insert(slug).second) {
                    json::array slug_at = at;
                    slug_at.push_back("slug");
                    problem(std::move(slug_at), "Plan '" + plan + "' lists feature '" + slug + "' twice");
                }
                for (const char* key : {"pricePerUnit", "overagePrice"}) money(f, key, at);
                if (auto tiers = array_at(f, "tiers"))
                    for (std::size_t k = 0; k < tiers->size(); ++k) {
                        json::array tier_at = at;
                        tier_at.push_back("tiers");
                        tier_at.push_back(k);
                        for (const char* key : {"unitPrice", "flatFee"}) money((*tiers)[k].get_object(), key, tier_at);
                    }
            }
        }
    if (auto cs = array_at(payload, "creditSystems"))
        for (std::size_t i = 0; i < cs->size(); ++i) {
            const auto& c = (*cs)[i].get_object();
            const json::array* fs = array_at(c, "features");
            for (std::size_t j = 0; fs && j < fs->size(); ++j) {
                std::string slug = string_at((*fs)[j].get_object(), "feature").value_or("");
                if (!features.contains(slug) || systems.contains(slug))
                    problem({"creditSystems", i, "features", j, "feature"},
                            "Credit system '" + string_at(c, "slug").value_or("") + "' references unknown feature '" + slug + "'");
            }
        }
    if (auto ps = array_at(payload, "creditPacks"))
        for (std::size_t i = 0; i < ps->size(); ++i) {
            const auto& c = ps->at(i).get_object();
            std::string system = string_at(c, "creditSystem").value_or("");
            if (!systems.contains(system))
                problem({"creditPacks", i, "creditSystem"}, "Credit pack '" + string_at(c, "slug").value_or("") +
                                                                "' references unknown credit system '" + system + "'");
        }
    if (issues.empty()) return std::nullopt;
    return validation_error(std::move(issues));
}

json::object merge_catalog(json::object& current, const json::object& payload, std::int64_t now_ms) {
    json::object answer{{"success", true}};
    json::array warnings;
    for (const char* section : sections) {
        std::string_view name = section;
        bool stamped = name == "creditPacks";
        json::array created, updated, unchanged;
        auto& have = current[section];
        if (!have.is_array()) have = json::array();
        auto& items = have.get_array();
        if (auto incoming = array_at(payload, section))
            for (const auto& v : *incoming) {
                const auto& in = v.get_object();
                std::string slug = string_at(in, "slug").value_or("");
                auto it = std::find_if(items.begin(), items.end(), [&](const json::value& e) {
                    return string_at(e.get_object(), "slug") == slug;
                });
                if (it == items.end()) {
                    json::object fresh = in;
                    if (stamped) fresh["createdAt"] = fresh["updatedAt"] = now_ms;
                    items.push_back(std::move(fresh));
                    created.push_back(json::value(slug));
                    continue;
                }
                const auto& before = it->get_object();
                if (declared_part(before) == in) {
                    unchanged.push_back(json::value(slug));
                } else {
                    json::object replaced = in;
                    for (const char* key : {"id", "featureId", "createdAt"})
                        if (auto kept = before.if_contains(key)) replaced[key] = *kept;
                    if (stamped) replaced["updatedAt"] = now_ms;
                    *it = std::move(replaced);
                    updated.push_back(json::value(slug));
                }
            }
        answer[section] = {{"created", std::move(created)}, {"updated", std::move(updated)}, {"unchanged", std::move(unchanged)}};
    }
    answer["warnings"] = std::move(warnings);
    assign_missing_ids(current);
    return answer;
}

} // namespace owo::local
