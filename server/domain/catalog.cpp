#include "domain/catalog.hpp"

#include "domain/time.hpp"

#include "ids.hpp"

#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>

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

bool bool_at(const json::object& o, const char* key, bool fallback) {
    if (auto p = o.if_contains(key); p && p->is_bool()) return p->get_bool();
    return fallback;
}

const json::array* array_at(const json::object& o, const char* key) {
    if (auto p = o.if_contains(key); p && p->is_array()) return &p->get_array();
    return nullptr;
}

json::value or_null(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }
json::value or_null(const std::optional<std::int64_t>& n) { return n ? json::value(*n) : json::value(nullptr); }

} // namespace

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
                                 string_at(o, "unit")});
        }
    if (auto ps = array_at(doc_, "plans"))
        for (const auto& v : *ps) {
            const auto& o = v.get_object();
            plan_def p;
            p.id = string_at(o, "id").value_or("");
            p.slug = string_at(o, "slug").value_or("");
            p.name = string_at(o, "name").value_or(p.slug);
            p.description = string_at(o, "description");
            p.price = integer_at(o, "price").value_or(0);
            p.currency = string_at(o, "currency").value_or("USD");
            p.interval = string_at(o, "interval").value_or("monthly");
            p.billing_type = string_at(o, "billingType").value_or("recurring");
            p.plan_group = string_at(o, "planGroup");
            p.auto_enable = bool_at(o, "autoEnable", false);
            p.is_addon = bool_at(o, "isAddon", false);
            p.active = bool_at(o, "active", true);
            p.trial_card_required = bool_at(o, "trialCardRequired", false);
            p.trial_days = integer_at(o, "trialDays").value_or(0);
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
                                          boolean ? "never" : normalize_reset_interval(string_at(fo, "reset").value_or("monthly"))});
                }
            plans_.push_back(std::move(p));
        }
}

const feature_def* catalog::feature(const std::string& slug) const {
    auto it = std::find_if(features_.begin(), features_.end(), [&](const auto& f) { return f.slug == slug; });
    return it == features_.end() ? nullptr : &*it;
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
        if (!boolean) o["usageModel"] = "included";
        o["billingUnits"] = 1;
        o["ratingModel"] = "package";
        features.push_back(std::move(o));
    }
    json::object plan{{"id", p.id},
                      {"slug", p.slug},
                      {"name", p.name},
                      {"description", or_null(p.description)},
                      {"price", p.price},
                      {"currency", p.currency},
                      {"interval", p.interval},
                      {"type", p.paid() ? "paid" : "free"},
                      {"billingType", p.billing_type},
                      {"isAddon", p.is_addon},
                      {"planGroup", or_null(p.plan_group)},
                      {"trialDays", p.trial_days},
                      {"trialCardRequired", p.trial_card_required}};
    if (view == plan_view::list) {
        plan["provider"] = nullptr;
        plan["autoEnable"] = p.auto_enable;
    }
    plan["features"] = std::move(features);
    return plan;
}

std::vector<catalog_issue> validate_catalog_payload(const json::value& payload) {
    std::vector<catalog_issue> issues;
    auto issue = [&](json::array path, std::string msg) { issues.push_back({std::move(path), std::move(msg)}); };
    if (!payload.is_object()) {
        issue({}, "Expected object");
        return issues;
    }
    const auto& root = payload.get_object();
    auto require_string = [&](const json::object& o, json::array path, const char* key) {
        auto p = o.if_contains(key);
        path.emplace_back(key);
        if (!p) issue(std::move(path), "Required");
        else if (!p->is_string() || p->get_string().empty()) issue(std::move(path), "Expected non-empty string");
    };
    auto optional_kind = [&](const json::object& o, json::array path, const char* key, json::kind k, const char* what) {
        auto p = o.if_contains(key);
        if (!p || p->kind() == k || (k == json::kind::double_ && p->is_number())) return;
        path.emplace_back(key);
        issue(std::move(path), std::string("Expected ") + what);
    };
    for (const char* section : sections) {
        auto v = root.if_contains(section);
        if (!v) continue;
        if (!v->is_array()) {
            issue({section}, "Expected array");
            continue;
        }
        std::size_t i = 0;
        for (const auto& item : v->get_array()) {
            json::array at{section, i++};
            if (!item.is_object()) {
                issue(at, "Expected object");
                continue;
            }
            const auto& o = item.get_object();
            require_string(o, at, "slug");
            if (std::string_view(section) == "features") {
                require_string(o, at, "name");
                auto type = string_at(o, "type");
                if (!type || (*type != "metered" && *type != "boolean" && *type != "static")) {
                    auto p = at;
                    p.emplace_back("type");
                    issue(p, "Expected 'metered' | 'boolean' | 'static'");
                }
                if (auto mt = o.if_contains("meterType");
                    mt && !(mt->is_string() && (mt->get_string() == "consumable" || mt->get_string() == "non_consumable"))) {
                    auto p = at;
                    p.emplace_back("meterType");
                    issue(p, "Expected 'consumable' | 'non_consumable'");
                }
            } else if (std::string_view(section) == "plans") {
                require_string(o, at, "name");
                require_string(o, at, "currency");
                require_string(o, at, "interval");
                auto price = o.if_contains("price");
                if (!price || !price->is_number() || price->to_number<double>() < 0 ||
                    std::floor(price->to_number<double>()) != price->to_number<double>()) {
                    auto p = at;
                    p.emplace_back("price");
                    issue(p, "Expected a non-negative integer (minor units)");
                }
                optional_kind(o, at, "autoEnable", json::kind::bool_, "boolean");
                optional_kind(o, at, "isAddon", json::kind::bool_, "boolean");
                optional_kind(o, at, "trialDays", json::kind::double_, "number");
                optional_kind(o, at, "planGroup", json::kind::string, "string");
                optional_kind(o, at, "description", json::kind::string, "string");
                auto fs = o.if_contains("features");
                if (!fs || !fs->is_array()) {
                    auto p = at;
                    p.emplace_back("features");
                    issue(p, "Expected array");
                    continue;
                }
                std::size_t j = 0;
                for (const auto& fv : fs->get_array()) {
                    json::array fat = at;
                    fat.emplace_back("features");
                    fat.emplace_back(j++);
                    if (!fv.is_object()) {
                        issue(fat, "Expected object");
                        continue;
                    }
                    const auto& fo = fv.get_object();
                    require_string(fo, fat, "slug");
                    optional_kind(fo, fat, "enabled", json::kind::bool_, "boolean");
                    optional_kind(fo, fat, "reset", json::kind::string, "string");
                    if (auto l = fo.if_contains("limit"); l && !l->is_null() && !(l->is_number() && l->to_number<double>() >= 0)) {
                        auto p = fat;
                        p.emplace_back("limit");
                        issue(p, "Expected a non-negative number or null");
                    }
                }
            }
        }
    }
    return issues;
}

json::object merge_catalog(json::object& current, const json::object& payload) {
    json::object answer{{"success", true}};
    json::array warnings;
    for (const char* section : sections) {
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
                    if (std::string_view(section) == "plans") fresh["id"] = owo::detail::make_uuid_v4();
                    items.push_back(std::move(fresh));
                    created.push_back(json::value(slug));
                    continue;
                }
                json::object before = it->get_object();
                json::value id = before.contains("id") ? before["id"] : json::value(nullptr);
                before.erase("id");
                if (before == in) {
                    unchanged.push_back(json::value(slug));
                } else {
                    json::object replaced = in;
                    if (!id.is_null()) replaced["id"] = id;
                    *it = std::move(replaced);
                    updated.push_back(json::value(slug));
                }
            }
        answer[section] = {{"created", std::move(created)}, {"updated", std::move(updated)}, {"unchanged", std::move(unchanged)}};
    }
    // A plan feature naming an undefined feature is skipped without a warning (catalog::catalog).
    answer["warnings"] = std::move(warnings);
    return answer;
}

} // namespace owo::local
