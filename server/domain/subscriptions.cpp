// Grants and plan-group switches (see subscriptions.hpp).
#include "domain/subscriptions.hpp"

namespace owo::local {

std::optional<grant> find_grant(const tenant& t, const std::string& customer_id, const std::string& feature) {
    for (const auto& s : t.db.subscriptions(customer_id, "active"))
        if (const plan_def* p = t.cat.plan(s.plan_slug))
            if (const plan_feature_def* f = p->feature(feature); f && f->enabled) return grant{p, f};
    return std::nullopt;
}

bool has_active_subscription(const tenant& t, const std::string& customer_id) {
    return !t.db.subscriptions(customer_id, "active").empty();
}

std::optional<subscription_row> current_in_group(store& db, const catalog& cat, const std::string& customer_id,
                                                 const plan_def& plan) {
    for (auto& s : db.subscriptions(customer_id, "active")) {
        const plan_def* p = cat.plan(s.plan_slug);
        bool same_group = plan.plan_group ? (p && p->plan_group == plan.plan_group) : s.plan_slug == plan.slug;
        if (same_group) return s;
    }
    return std::nullopt;
}

void activate_subscription(store& db, const catalog& cat, const subscription_row& sub) {
    const plan_def* plan = cat.plan(sub.plan_slug);
    if (plan)
        while (auto old = current_in_group(db, cat, sub.customer_id, *plan)) db.set_subscription_status(old->id, "canceled");
    db.set_subscription_status(sub.id, "active");
}

} // namespace owo::local
