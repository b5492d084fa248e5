// Grants, time-decided changes and plan switches (see subscriptions.hpp).
#include "domain/subscriptions.hpp"

#include "domain/events.hpp"

#include "ids.hpp"

#include <algorithm>

namespace owo::local {

namespace {

constexpr const char* granting_statuses[] = {"active", "trialing", "pending_cancel"};
constexpr std::int64_t max_trial_ms = 60 * day_ms;   // entitlements.ts MAX_TRIAL_DURATION_MS

double monthly_price(const plan_def& p) {
    const auto& i = p.interval;
    double price = static_cast<double>(p.price);
    if (i == "hourly") return price * 720;
    if (i == "daily") return price * 30;
    if (i == "weekly") return price * 4;
    if (i == "quarterly") return price / 3;
    if (i == "biannually" || i == "semi_annual") return price / 6;
    if (i == "annually" || i == "yearly") return price / 12;
    return price;
}

} // namespace

std::int64_t period_length_ms(const std::string& i) {
    if (i == "hourly") return day_ms / 24;
    if (i == "daily") return day_ms;
    if (i == "weekly") return 7 * day_ms;
    if (i == "quarterly") return 90 * day_ms;
    if (i == "biannually" || i == "semi_annual") return 180 * day_ms;
    if (i == "annually" || i == "yearly") return 365 * day_ms;
    return 30 * day_ms;
}

subscription_row new_subscription(const tenant& t, const std::string& customer_id, const plan_def& plan, std::string status) {
    subscription_row s{owo::detail::make_uuid_v7(), t.org, customer_id, plan.slug, std::move(status), std::nullopt, t.now_ms};
    s.period_start = t.now_ms;
    s.period_end = t.now_ms + period_length_ms(plan.interval);
    return s;
}

void settle_subscriptions(const tenant& t, const std::string& customer_id) {
    for (const char* status : granting_statuses)
        for (auto& s : t.db.subscriptions(customer_id, status)) {
            if (s.status == "trialing" && (s.period_end <= 0 || s.period_end > t.now_ms + max_trial_ms || s.period_end < t.now_ms)) {
                s.status = "expired";
                t.db.update_subscription(s);
            } else if (s.cancel_at && *s.cancel_at < t.now_ms) {
                s.status = "canceled";
                t.db.update_subscription(s);
            }
        }
    // lib/workflows/downgrade.ts runs at the old period's end: the scheduled plan begins then.
    for (auto& s : t.db.subscriptions(customer_id, "scheduled"))
        if (s.period_start <= t.now_ms) {
            const plan_def* p = t.cat.plan(s.plan_slug);
            s.status = "active";
            s.period_end = s.period_start + period_length_ms(p ? p->interval : "monthly");
            t.db.update_subscription(s);
            subscription_activated(t, s, "scheduled_start");
        }
}

std::vector<subscription_row> granting_subscriptions(const tenant& t, const std::string& customer_id) {
    std::vector<subscription_row> out;
    for (const char* status : granting_statuses)
        for (auto& s : t.db.subscriptions(customer_id, status)) out.push_back(std::move(s));
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
    return out;
}

std::optional<grant> find_grant(const tenant& t, const std::vector<subscription_row>& subs, const std::string& feature) {
    for (const auto& s : subs)
        if (const plan_def* p = t.cat.plan(s.plan_slug))
            if (const plan_feature_def* f = p->feature(feature); f && f->enabled) return grant{p, f, s};
    return std::nullopt;
}

std::optional<subscription_row> switchable_subscription(store& db, const catalog& cat, const std::string& customer_id,
                                                        const plan_def& plan) {
    if (plan.is_addon) return std::nullopt;
    for (const char* status : granting_statuses)
        for (auto& s : db.subscriptions(customer_id, status)) {
            const plan_def* p = cat.plan(s.plan_slug);
            if (!p) continue;
            if (plan.plan_group ? p->plan_group == plan.plan_group : !p->is_addon) return s;
        }
    return std::nullopt;
}

const char* switch_type(const plan_def* current, const plan_def& next) {
    if (!current) return "new";
    double from = monthly_price(*current), to = monthly_price(next);
    return to > from ? "upgrade" : to < from ? "downgrade" : "lateral";
}

void activate_subscription(const tenant& t, subscription_row sub) {
    if (const plan_def* plan = t.cat.plan(sub.plan_slug)) {
        while (auto old = switchable_subscription(t.db, t.cat, sub.customer_id, *plan))
            t.db.set_subscription_status(old->id, "canceled");
        sub.period_end = t.now_ms + period_length_ms(plan->interval);
    }
    sub.status = "active";
    sub.period_start = t.now_ms;
    t.db.update_subscription(sub);
    subscription_activated(t, sub, "checkout_paid");
}

void start_card_trial(const tenant& t, subscription_row sub) {
    store& db = t.db;
    const std::int64_t now_ms = t.now_ms;
    for (const char* status : granting_statuses)
        for (const auto& s : db.subscriptions(sub.customer_id, status))
            if (s.plan_slug == sub.plan_slug) {   // already on the plan: the card changes nothing
                db.set_subscription_status(sub.id, "canceled");
                return;
            }
    constexpr std::int64_t minute_ms = 60'000, two_years_ms = 730 * day_ms;
    if (sub.period_end < now_ms + minute_ms || sub.period_end > now_ms + two_years_ms) sub.period_end = now_ms + 30 * day_ms;
    sub.status = "trialing";
    sub.period_start = now_ms;
    db.update_subscription(sub);
    subscription_activated(t, sub, "trial_started");
}

} // namespace owo::local
