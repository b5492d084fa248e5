// Plans, attach and the sandbox checkout, check and track, catalog sync; and the rules they
// share: which active subscription grants a feature, and usage periods.
#include "api/request_context.hpp"

#include "ids.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>

namespace owo::local {

namespace json = boost::json;
using namespace std::chrono;

// ---- time ----------------------------------------------------------------------------------

namespace {
// Writes `v` as exactly `width` decimal digits (zero-padded).
char* put_digits(char* p, unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
    return p + width;
}
} // namespace

// By hand, not snprintf: every timestamp of every answer goes through here.
std::string iso8601(std::int64_t epoch_ms) {
    sys_time<milliseconds> t{milliseconds(epoch_ms)};
    auto day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss hms{t - day};
    std::string out(24, '\0');   // YYYY-MM-DDTHH:MM:SS.mmmZ
    char* p = out.data();
    p = put_digits(p, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
    *p++ = '-';
    p = put_digits(p, static_cast<unsigned>(ymd.month()), 2);
    *p++ = '-';
    p = put_digits(p, static_cast<unsigned>(ymd.day()), 2);
    *p++ = 'T';
    p = put_digits(p, static_cast<unsigned>(hms.hours().count()), 2);
    *p++ = ':';
    p = put_digits(p, static_cast<unsigned>(hms.minutes().count()), 2);
    *p++ = ':';
    p = put_digits(p, static_cast<unsigned>(hms.seconds().count()), 2);
    *p++ = '.';
    p = put_digits(p, static_cast<unsigned>(hms.subseconds().count()), 3);
    *p = 'Z';
    return out;
}

usage_period period_for(const std::optional<std::string>& reset, std::int64_t now_ms) {
    if (!reset) return {};
    std::string r = *reset;
    if (r.size() > 2 && r.ends_with("ly")) r = r == "daily" ? "day" : r.substr(0, r.size() - 2);
    sys_time<milliseconds> now{milliseconds(now_ms)};
    auto to_ms = [](auto tp) { return duration_cast<milliseconds>(tp.time_since_epoch()).count(); };
    if (r == "hour" || r == "minute") {
        auto unit = r == "hour" ? duration_cast<milliseconds>(hours(1)) : duration_cast<milliseconds>(minutes(1));
        auto start = now_ms - now_ms % unit.count();
        return {start, start + unit.count()};
    }
    auto today = floor<days>(now);
    if (r == "day") return {to_ms(today), to_ms(today + days(1))};
    if (r == "week") {   // ISO weeks start on Monday
        auto monday = today - (weekday{today} - Monday);
        return {to_ms(monday), to_ms(monday + days(7))};
    }
    year_month_day ymd{today};
    if (r == "month") {
        auto first = sys_days{ymd.year() / ymd.month() / 1};
        return {to_ms(first), to_ms(sys_days{(ymd.year() / ymd.month() + months(1)) / 1})};
    }
    if (r == "quarter") {
        unsigned q0 = (static_cast<unsigned>(ymd.month()) - 1) / 3 * 3 + 1;
        auto first = year_month{ymd.year(), month{q0}};
        return {to_ms(sys_days{first / 1}), to_ms(sys_days{(first + months(3)) / 1})};
    }
    if (r == "year") return {to_ms(sys_days{ymd.year() / January / 1}), to_ms(sys_days{(ymd.year() + years(1)) / January / 1})};
    return {};   // "none", "never" or unknown: usage accumulates
}

// ---- subscriptions and grants ---------------------------------------------------------------

std::optional<grant> find_grant(request_context& ctx, const std::string& customer_id, const std::string& feature) {
    for (const auto& s : ctx.db.subscriptions(customer_id, "active"))
        if (const plan_def* p = ctx.cat.plan(s.plan_slug))
            if (const plan_feature_def* f = p->feature(feature); f && f->enabled) return grant{p, f};
    return std::nullopt;
}

bool has_active_subscription(request_context& ctx, const std::string& customer_id) {
    return !ctx.db.subscriptions(customer_id, "active").empty();
}

namespace {

/// The active subscription in `plan`'s group (or on the same plan when it has no group).
std::optional<subscription_row> current_in_group(store& db, const catalog& cat, const std::string& customer_id,
                                                 const plan_def& plan) {
    for (auto& s : db.subscriptions(customer_id, "active")) {
        const plan_def* p = cat.plan(s.plan_slug);
        bool same_group = plan.plan_group ? (p && p->plan_group == plan.plan_group) : s.plan_slug == plan.slug;
        if (same_group) return s;
    }
    return std::nullopt;
}

} // namespace

void activate_subscription(store& db, const catalog& cat, const subscription_row& sub) {
    const plan_def* plan = cat.plan(sub.plan_slug);
    if (plan)
        while (auto old = current_in_group(db, cat, sub.customer_id, *plan)) db.set_subscription_status(old->id, "canceled");
    db.set_subscription_status(sub.id, "active");
}

// ---- plans ---------------------------------------------------------------------------------

reply get_plans(request_context& ctx) {
    std::optional<std::string> group, interval, currency;
    bool include_inactive = false;
    for (auto p : ctx.query) {
        if (p.key == "group") group = p.value;
        if (p.key == "interval") interval = p.value;
        if (p.key == "currency") currency = p.value;
        if (p.key == "includeInactive") include_inactive = p.value == "true";
    }
    json::array plans;
    for (const auto& p : ctx.cat.plans()) {
        if (!p.active && !include_inactive) continue;
        if (group && p.plan_group != group) continue;
        if (interval && p.interval != *interval) continue;
        if (currency && p.currency != *currency) continue;
        plans.push_back(ctx.cat.public_plan(p));
    }
    return json_reply(200, {{"success", true}, {"plans", std::move(plans)}});
}

reply get_plan(request_context& ctx, const std::string& slug) {
    const plan_def* p = ctx.cat.plan(slug);
    if (!p) return error_reply(404, "Plan '" + slug + "' not found");
    return json_reply(200, {{"success", true}, {"plan", ctx.cat.public_plan(*p)}});
}

// ---- attach and the sandbox checkout --------------------------------------------------------

reply post_attach(request_context& ctx) {
    body_validator v(ctx.body, {"customer", "product", "customerData", "metadata", "channels", "currency", "callbackUrl"});
    auto customer = v.required_string("customer");
    auto product = v.required_string("product");
    auto customer_data = read_customer_data(v);
    v.optional_object("metadata");
    v.optional_string("currency");
    v.optional_string("callbackUrl");
    if (!v.ok()) return v.error();

    const plan_def* plan = ctx.cat.plan(product);
    if (!plan) return error_reply(404, "Plan '" + product + "' not found");
    auto who = resolve_or_create(ctx, customer, customer_data, false);
    if (who.answer) return *who.answer;
    const auto& c = *who.customer;

    json::object answer{{"success", true}, {"customer_id", c.id}};
    auto current = current_in_group(ctx.db, ctx.cat, c.id, *plan);
    if (current && current->plan_slug == plan->slug) {
        answer["subscriptionId"] = current->id;
        answer["message"] = "Customer is already on plan '" + plan->slug + "'";
        return json_reply(200, answer);
    }
    const char* type = "new";
    if (current)
        if (const plan_def* from = ctx.cat.plan(current->plan_slug))
            type = plan->price > from->price ? "upgrade" : plan->price < from->price ? "downgrade" : "lateral";
    answer["type"] = type;

    subscription_row sub{owo::detail::make_uuid_v4(), ctx.org, c.id, plan->slug, "pending_checkout", std::nullopt, ctx.now_ms};
    if (!plan->paid()) {
        ctx.db.insert_subscription(sub);
        activate_subscription(ctx.db, ctx.cat, sub);
        answer["subscriptionId"] = sub.id;
        answer["message"] = "Plan '" + plan->slug + "' activated";
        return json_reply(200, answer);
    }
    // [local] The payment provider's test mode, on this server: fetching the URL pays.
    std::string token = owo::detail::make_uuid_v4();
    sub.checkout_token = token;
    ctx.db.insert_subscription(sub);
    answer["requiresCheckout"] = true;
    answer["checkoutUrl"] = ctx.public_url + "/v1/checkout/" + token;
    answer["reference"] = token;
    answer["accessCode"] = token;
    answer["subscriptionId"] = sub.id;
    return json_reply(200, answer);
}

reply get_checkout(store& db, const catalog_map& catalogs, const std::string& token) {
    auto sub = db.subscription_by_token(token);
    if (!sub) return not_found_reply();
    auto cat = catalogs.find(sub->org);
    if (sub->status == "pending_checkout" && cat != catalogs.end()) activate_subscription(db, *cat->second, *sub);
    std::string page = "<!doctype html><title>Owostack sandbox checkout</title><h1>Payment complete</h1>"
                       "<p>Sandbox payment for plan '" + sub->plan_slug + "' succeeded; the subscription is active.</p>";
    return {200, "text/html; charset=UTF-8", page};
}

// ---- check and track -----------------------------------------------------------------------

namespace {

struct access_request {
    std::string customer, feature;
    double value = 1;
    std::optional<std::string> entity;
    bool record = false;   // track, or check with sendEvent
};

json::object access_body(bool allowed, const char* code) {
    return {{"success", true},  {"allowed", allowed},     {"code", code},      {"usage", nullptr},
            {"limit", nullptr}, {"balance", nullptr},     {"resetsAt", nullptr}, {"resetInterval", nullptr},
            {"credits", nullptr}, {"details", json::object{}}};
}

json::value number(double d) {
    if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
    return d;
}

reply evaluate(request_context& ctx, const access_request& r, const std::optional<json::object>& customer_data,
               bool is_track) {
    auto who = resolve_or_create(ctx, r.customer, customer_data, false);
    if (who.answer) {
        if (who.answer->status != 404) return *who.answer;
        // check reports an unknown customer as a denial; track answers it with 404.
        auto body = access_body(false, "customer_not_found");
        body["details"] = {{"message", "Customer not found"}};
        if (is_track) {
            body["success"] = false;
            body["error"] = "Customer not found";
        }
        return json_reply(is_track ? 404 : 200, body);
    }
    const auto& c = *who.customer;
    const feature_def* f = ctx.cat.feature(r.feature);
    if (!f) {
        auto body = access_body(false, "feature_not_found");
        body["details"] = {{"message", "Feature '" + r.feature + "' not found"}};
        return json_reply(200, body);
    }
    if (!has_active_subscription(ctx, c.id)) {
        auto body = access_body(false, "no_active_subscription");
        body["details"] = {{"message", "Customer has no active subscription"}};
        return json_reply(200, body);
    }
    auto g = find_grant(ctx, c.id, r.feature);
    if (!g) {
        auto body = access_body(false, "feature_not_in_plan");
        body["details"] = {{"message", "Feature '" + r.feature + "' is not in the customer's plan"}};
        return json_reply(200, body);
    }
    json::object details{{"planName", g->plan->name}};
    if (f->type != "metered") {
        auto body = access_body(true, "access_granted");
        body["details"] = std::move(details);
        return json_reply(200, body);
    }
    const auto& limit = g->feature->limit;

    if (f->entity_feature()) {
        // [local] the truth about seats: usage = entities counted (pending_removal included).
        auto usage = ctx.db.count_entities(c.id, r.feature);
        bool allowed;
        const char* code = "access_granted";
        if (r.entity) {
            allowed = ctx.db.find_entity(c.id, r.feature, *r.entity).has_value();
            if (!allowed) code = "entity_not_found";
        } else {
            allowed = !limit || static_cast<double>(usage) + r.value <= static_cast<double>(*limit);
            if (!allowed) code = "limit_exceeded";
        }
        auto body = access_body(allowed, code);
        body["usage"] = usage;
        body["limit"] = limit ? json::value(*limit) : json::value(nullptr);
        body["balance"] = limit ? json::value(*limit - usage) : json::value(nullptr);
        body["details"] = std::move(details);
        return json_reply(200, body);
    }

    // Consumable: usage within the current reset period, per entity when one is named.
    auto period = period_for(g->feature->reset, ctx.now_ms);
    double usage = ctx.db.usage(c.id, r.feature, r.entity, period.start);
    bool allowed = !limit || usage + r.value <= static_cast<double>(*limit);
    if (allowed && r.record && r.value != 0) {
        ctx.db.add_usage(c.id, r.feature, r.entity.value_or(""), period.start, r.value);
        usage += r.value;
    }
    auto body = access_body(allowed, allowed ? "access_granted" : "limit_exceeded");
    body["usage"] = number(usage);
    body["limit"] = limit ? json::value(*limit) : json::value(nullptr);
    body["balance"] = limit ? number(static_cast<double>(*limit) - usage) : json::value(nullptr);
    if (period.resets_at) body["resetsAt"] = iso8601(*period.resets_at);
    body["resetInterval"] = g->feature->reset ? json::value(*g->feature->reset) : json::value(nullptr);
    body["details"] = std::move(details);
    return json_reply(200, body);
}

access_request read_access(body_validator& v, std::optional<json::object>& customer_data) {
    access_request r;
    r.customer = v.required_string("customer");
    r.feature = v.required_string("feature");
    r.value = v.optional_number("value").value_or(1);
    r.entity = v.optional_string("entity");
    customer_data = read_customer_data(v);
    return r;
}

} // namespace

reply post_check(request_context& ctx) {
    body_validator v(ctx.body, {"customer", "feature", "value", "customerData", "sendEvent", "entity", "amount"});
    std::optional<json::object> customer_data;
    auto r = read_access(v, customer_data);
    r.record = v.optional_bool("sendEvent").value_or(false);
    if (!v.ok()) return v.error();
    return evaluate(ctx, r, customer_data, false);
}

reply post_track(request_context& ctx) {
    body_validator v(ctx.body, {"customer", "feature", "value", "customerData", "entity", "metadata", "amount"});
    std::optional<json::object> customer_data;
    auto r = read_access(v, customer_data);
    v.optional_object("metadata");
    r.record = true;
    if (!v.ok()) return v.error();
    return evaluate(ctx, r, customer_data, true);
}

// ---- catalog sync --------------------------------------------------------------------------

reply post_sync(request_context& ctx) {
    auto issues = validate_catalog_payload(ctx.body);
    if (!issues.empty()) {
        json::array list;
        for (auto& i : issues) list.push_back(issue("custom", std::move(i.path), i.message));
        return validation_reply(list);
    }
    json::object doc = ctx.cat.document();
    auto answer = merge_catalog(doc, ctx.body.get_object());
    ctx.db.save_catalog(ctx.org, json::serialize(doc));
    ctx.new_catalog = std::move(doc);
    return json_reply(200, answer);
}

} // namespace owo::local
