#include "domain/billing.hpp"

#include "domain/subscriptions.hpp"
#include "domain/time.hpp"

#include "ids.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

namespace owo::local {

namespace json = boost::json;

namespace {

json::value optional_json(const std::optional<std::int64_t>& n) { return n ? json::value(*n) : json::value(nullptr); }

json::array tiers_json(const std::vector<tier_charge>& tiers) {
    json::array out;
    for (const auto& t : tiers) {
        json::object o{{"tier", t.tier}, {"units", t.units}, {"unitPrice", t.unit_price}};
        if (t.flat_fee) o["flatFee"] = *t.flat_fee;
        o["amount"] = t.amount;
        out.push_back(std::move(o));
    }
    return out;
}

/// What rating `usage` adds to what rating `billed` already charged: the difference in billable
/// quantity, amount and each tier's units and amount.
rated_usage rate_increment(const feature_pricing& p, std::int64_t usage, std::int64_t billed, std::optional<std::int64_t> included) {
    rated_usage now = rate_usage(p, usage, included);
    if (billed == 0) return now;
    rated_usage before = rate_usage(p, billed, included);
    now.billable_quantity -= before.billable_quantity;
    now.amount -= before.amount;
    if (now.tiers && before.tiers) {
        std::vector<tier_charge> added;
        for (auto t : *now.tiers) {
            for (const auto& b : *before.tiers)
                if (b.tier == t.tier) {
                    t.units -= b.units;
                    t.amount -= b.amount;
                }
            if (t.units != 0 || t.amount != 0) added.push_back(t);
        }
        now.tiers = std::move(added);
    }
    return now;
}

/// lib/usage-pricing-snapshot.ts buildUsagePricingSnapshot: the plan feature's pricing, as the
/// usage ledger records it beside every tracked amount (sync normalised it: package pricing has
/// no tiers, tiered pricing no pricePerUnit, usage-based features no overagePrice).
json::object pricing_snapshot(const plan_feature_def& pf) {
    const auto& p = pf.pricing;
    bool usage_based = p.usage_model == "usage_based";
    return {{"usageModel", p.usage_model},
            {"ratingModel", p.rating_model},
            {"included", usage_based ? json::value(0) : optional_json(pf.limit)},
            {"pricePerUnit", optional_json(p.price_per_unit)},
            {"billingUnits", p.billing_units},
            {"overagePrice", usage_based ? json::value(nullptr) : optional_json(p.overage_price)},
            {"tiers", p.rating_model == "package" ? json::value(nullptr) : json::value(price_tiers_json(p.tiers))}};
}

/// lib/billing.ts buildBillingGroupKey: feature id, period, subscription, plan and the pricing
/// snapshot as JSON.stringify writes it, joined by '|'.
std::string billing_group_key(const unbilled_feature& f) {
    return f.feature_id + "|" + std::to_string(f.period_start) + "|" + std::to_string(f.period_end) + "|" + f.subscription_id + "|" +
           f.plan_id + "|" + json::serialize(f.pricing_snapshot);
}

/// The usage ledger's featureName (entitlements.ts buildUsageLedgerContext): a credit system's
/// pool is recorded under its slug, any other feature under its name.
std::string ledger_feature_name(const catalog& cat, const std::string& slug) {
    if (cat.credit_system(slug)) return slug;
    const feature_def* def = cat.feature(slug);
    return def && !def->name.empty() ? def->name : slug;
}

bool tiered(const rated_usage& r) { return r.rating_model != "package"; }

/// lib/invoice-line-items.ts buildMeteredInvoiceLineData: the line's description and unit price.
std::pair<std::string, std::int64_t> line_of(const unbilled_feature& f) {
    const auto& r = f.rated;
    std::string quantity = f.feature_name + ": " + std::to_string(r.billable_quantity);
    if (tiered(r)) {
        std::int64_t unit = r.rating_model == "volume" && r.tiers && !r.tiers->empty() ? r.tiers->front().unit_price : 0;
        return {quantity + " units (" + r.rating_model + " pricing)", unit};
    }
    std::int64_t units = r.billing_units.value_or(1);
    std::string text = quantity + (units > 1 ? " units (" + std::to_string(units) + " per package)" : " units");
    // Math.round(pricePerUnit / billingUnits) on non-negative integers.
    std::int64_t per = units > 0 ? (2 * r.price_per_unit.value_or(0) + units) / (2 * units) : 0;
    return {std::move(text), per};
}

} // namespace

unbilled_usage unbilled_usage_of(const tenant& t, const std::string& customer_id) {
    unbilled_usage u;
    u.customer_id = customer_id;
    u.currency = "USD";
    bool currency_set = false;
    for (const auto& sub : t.db.subscriptions(customer_id, "active")) {
        const plan_def* plan = t.cat.plan(sub.plan_slug);
        if (!plan) continue;
        if (!currency_set) u.currency = plan->currency;
        currency_set = true;
        for (const auto& pf : plan->features) {
            const auto& pricing = pf.pricing;
            if (pricing.usage_model != "usage_based" && pricing.overage != "charge") continue;
            const feature_def* def = t.cat.feature(pf.slug);
            auto period = period_for(pf.reset, t.now_ms, sub.period_end);
            unbilled_feature f;
            f.feature = pf.slug;
            f.feature_id = def && !def->id.empty() ? def->id : pf.slug;
            f.feature_name = ledger_feature_name(t.cat, pf.slug);
            f.subscription_id = sub.id;
            f.plan_id = plan->id;
            f.pricing_snapshot = pricing_snapshot(pf);
            f.usage = static_cast<std::int64_t>(std::ceil(t.db.period_usage(customer_id, pf.slug, period.start)));
            f.billed = t.db.billed_usage(customer_id, pf.slug, period.start);
            if (f.usage <= f.billed) continue;
            // rateUsage over the snapshot: a usage-based feature includes 0 units.
            auto included = pricing.usage_model == "usage_based" ? std::optional<std::int64_t>(0) : pf.limit;
            f.rated = rate_increment(pricing, f.usage, f.billed, included);
            if (f.rated.billable_quantity == 0) continue;
            f.period_start = period.start;
            f.period_end = period.resets_at;
            u.total_estimated += f.rated.amount;
            u.features.push_back(std::move(f));
        }
    }
    u.usage_window_end = t.now_ms;
    return u;
}

json::object unbilled_usage_json(const unbilled_usage& u) {
    json::array features;
    for (const auto& f : u.features) {
        const auto& r = f.rated;
        json::object o{{"featureId", f.feature_id},
                       {"featureSlug", f.feature},
                       {"featureName", f.feature_name},
                       {"subscriptionId", f.subscription_id},
                       {"planId", f.plan_id},
                       {"usageModel", r.usage_model},
                       {"usage", f.usage},
                       {"included", optional_json(r.included)},
                       {"billableQuantity", r.billable_quantity},
                       {"pricePerUnit", optional_json(r.price_per_unit)},
                       {"billingUnits", optional_json(r.billing_units)},
                       {"ratingModel", r.rating_model}};
        if (r.tiers) o["tierBreakdown"] = tiers_json(*r.tiers);
        o["estimatedAmount"] = r.amount;
        o["periodStart"] = f.period_start;
        o["periodEnd"] = f.period_end;
        o["pricingSnapshot"] = f.pricing_snapshot;
        o["billingGroupKey"] = billing_group_key(f);
        features.push_back(std::move(o));
    }
    return {{"success", true},
            {"customerId", u.customer_id},
            {"usageWindowEnd", u.usage_window_end},
            {"features", std::move(features)},
            {"totalEstimated", u.total_estimated},
            {"currency", u.currency}};
}

json::object upcoming_invoice_json(const tenant& t, const std::string& customer_id) {
    auto u = unbilled_usage_of(t, customer_id);
    json::array lines;
    std::int64_t total = 0;
    for (const auto& sub : t.db.subscriptions(customer_id, "active")) {
        const plan_def* plan = t.cat.plan(sub.plan_slug);
        // Prices are integer minor units (sync refuses others); one-time plans are paid already.
        if (!plan || plan->billing_type != "recurring" || plan->currency != u.currency || plan->price <= 0) continue;
        auto price = static_cast<std::int64_t>(plan->price);
        lines.push_back(json::object{{"type", "subscription"},
                                     {"plan", plan->slug},
                                     {"subscriptionId", sub.id},
                                     {"description", plan->name + " (" + plan->interval + ")"},
                                     {"quantity", 1},
                                     {"unitPrice", price},
                                     {"amount", price},
                                     {"periodStart", sub.period_end},
                                     {"periodEnd", sub.period_end + period_length_ms(plan->interval)}});
        total += price;
    }
    for (const auto& f : u.features) {
        auto [description, unit_price] = line_of(f);
        json::object line{{"type", "usage"},
                          {"feature", f.feature},
                          {"subscriptionId", f.subscription_id},
                          {"description", std::move(description)},
                          {"quantity", f.rated.billable_quantity},
                          {"unitPrice", unit_price},
                          {"amount", f.rated.amount},
                          {"periodStart", f.period_start},
                          {"periodEnd", f.period_end}};
        if (tiered(f.rated)) {
            line["ratingModel"] = f.rated.rating_model;
            line["tierBreakdown"] = tiers_json(f.rated.tiers.value_or(std::vector<tier_charge>{}));
        }
        lines.push_back(std::move(line));
        total += f.rated.amount;
    }
    return {{"success", true}, {"customerId", customer_id}, {"currency", u.currency}, {"lines", std::move(lines)},
            {"subtotal", total}, {"total", total}};
}

result<invoice_row> generate_invoice(const tenant& t, const std::string& customer_id) {
    auto u = unbilled_usage_of(t, customer_id);
    if (u.features.empty()) return domain_error{error_kind::invalid, "No unbilled usage to invoice"};
    invoice_row i;
    i.id = owo::detail::make_uuid_v4();
    i.org = t.org;
    i.customer_id = customer_id;
    // INV-<sequence, 5 digits>-<4 random hex digits, upper case>
    std::string suffix = owo::detail::make_uuid_v4().substr(0, 4);
    for (auto& ch : suffix) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    char seq[32];
    std::snprintf(seq, sizeof seq, "%05lld", static_cast<long long>(t.db.count_invoices(t.org)) + 1);
    i.number = "INV-" + std::string(seq) + "-" + suffix;
    i.status = "open";
    i.currency = u.currency;
    i.subtotal = i.total = i.amount_due = u.total_estimated;
    i.period_start = u.features.front().period_start;
    i.period_end = u.features.front().period_end;
    for (const auto& f : u.features) {
        i.period_start = std::min(i.period_start, f.period_start);
        i.period_end = std::max(i.period_end, f.period_end);
        auto [description, unit_price] = line_of(f);
        json::object metadata;
        if (tiered(f.rated)) {
            metadata["ratingModel"] = f.rated.rating_model;
            metadata["tierBreakdown"] = tiers_json(f.rated.tiers.value_or(std::vector<tier_charge>{}));
        }
        metadata["billingGroupKey"] = billing_group_key(f);
        metadata["subscriptionId"] = f.subscription_id;
        metadata["planId"] = f.plan_id;
        metadata["pricingSnapshot"] = f.pricing_snapshot;
        i.items.push_back({owo::detail::make_uuid_v4(), i.id, f.feature_id, std::move(description), f.rated.billable_quantity,
                           unit_price, f.rated.amount, f.period_start, f.period_end, json::serialize(metadata), f.feature});
        t.db.set_billed_usage(customer_id, f.feature, f.period_start, f.usage);
    }
    i.usage_window_end = u.usage_window_end;
    i.due_at = t.now_ms + 7 * 86'400'000LL;
    i.created_at = i.updated_at = t.now_ms;
    t.db.insert_invoice(i);
    return i;
}

namespace {

json::object item_metadata(const invoice_item_row& it) {
    if (!it.metadata) return {};
    boost::system::error_code ec;
    auto v = json::parse(*it.metadata, ec);
    return !ec && v.is_object() ? v.get_object() : json::object{};
}

} // namespace

json::object generated_invoice_json(const invoice_row& i) {
    json::array items;
    for (const auto& it : i.items) {
        json::object o{{"featureId", it.feature},   {"featureSlug", it.feature_slug}, {"description", it.description},
                       {"quantity", it.quantity},   {"unitPrice", it.unit_price}, {"amount", it.amount},
                       {"periodStart", it.period_start}, {"periodEnd", it.period_end}};
        auto m = item_metadata(it);
        for (const char* key : {"ratingModel", "tierBreakdown"})
            if (auto v = m.if_contains(key)) o[key] = *v;
        items.push_back(std::move(o));
    }
    return {{"invoiceId", i.id},         {"number", i.number},           {"status", i.status},
            {"currency", i.currency},    {"subtotal", i.subtotal},       {"total", i.total},
            {"items", std::move(items)}, {"periodStart", i.period_start}, {"periodEnd", i.period_end},
            {"usageWindowEnd", i.usage_window_end}};
}

json::object invoice_json(const invoice_row& i) {
    json::array items;
    std::set<std::string> subscriptions;
    for (const auto& it : i.items) {
        auto metadata = item_metadata(it);
        if (auto sub = metadata.if_contains("subscriptionId"); sub && sub->is_string()) subscriptions.insert(std::string(sub->get_string()));
        items.push_back(json::object{{"id", it.id},
                                     {"invoiceId", it.invoice_id},
                                     {"featureId", it.feature},
                                     {"description", it.description},
                                     {"quantity", it.quantity},
                                     {"unitPrice", it.unit_price},
                                     {"amount", it.amount},
                                     {"periodStart", it.period_start},
                                     {"periodEnd", it.period_end},
                                     {"metadata", std::move(metadata)},
                                     {"createdAt", i.created_at}});
    }
    // createInvoiceFromUsage, called by generateInvoice with its defaults (the only way
    // owostack-local makes an invoice): the subscription when every line has the same one, the
    // idempotency key "manual:<org>:<customer>:<usageWindowEnd>", no usage window start, usage
    // cut off at the window's end, no description, metadata {sourceTrigger: "manual"}.
    std::string key = "manual:" + i.org + ":" + i.customer_id + ":" + std::to_string(i.usage_window_end);
    return {{"id", i.id},
            {"organizationId", i.org},
            {"customerId", i.customer_id},
            {"subscriptionId", subscriptions.size() == 1 ? json::value(*subscriptions.begin()) : json::value(nullptr)},
            {"number", i.number},
            {"idempotencyKey", std::move(key)},
            {"status", i.status},
            {"currency", i.currency},
            {"subtotal", i.subtotal},
            {"tax", 0},
            {"total", i.total},
            {"amountPaid", i.amount_paid},
            {"amountDue", i.amount_due},
            {"periodStart", i.period_start},
            {"periodEnd", i.period_end},
            {"usageWindowStart", nullptr},
            {"usageWindowEnd", i.usage_window_end},
            {"usageCutoffAt", i.usage_window_end},
            {"dueAt", i.due_at},
            {"paidAt", optional_json(i.paid_at)},
            {"description", nullptr},
            {"metadata", {{"sourceTrigger", "manual"}}},
            {"createdAt", i.created_at},
            {"updatedAt", i.updated_at},
            {"items", std::move(items)}};
}

json::object invoice_summary_json(const invoice_row& i, const std::string& status) {
    return {{"id", i.id}, {"number", i.number}, {"total", i.total}, {"currency", i.currency}, {"status", status}};
}

void mark_invoice_paid(store& db, invoice_row i, std::int64_t now_ms) {
    i.status = "paid";
    i.amount_paid += i.amount_due;
    i.amount_due = 0;
    i.paid_at = i.updated_at = now_ms;
    db.update_invoice_payment(i);
}

std::string open_payment_session(const tenant& t, const std::string& customer_id, const std::string& kind,
                                 const json::object& payload) {
    payment_session_row p{owo::detail::make_uuid_v4(), t.org, customer_id, kind, json::serialize(payload), "open", t.now_ms};
    t.db.insert_payment_session(p);
    return p.token;
}

std::string complete_payment_session(store& db, const payment_session_row& session, std::int64_t now_ms) {
    auto payload = json::parse(session.payload).as_object();
    if (session.status != "open") return "This sandbox payment was already completed.";
    db.set_payment_session_status(session.token, "completed");
    if (session.kind == "addon") {
        double credits = payload.at("credits").to_number<double>();
        std::string system(payload.at("creditSystem").as_string());
        db.add_credits(session.customer_id, system, credits);
        return "Sandbox payment succeeded; " + std::string(payload.at("message").as_string()) + " added.";
    }
    if (session.kind == "card_setup") {
        // The sandbox provider's test card, saved as the customer's default method.
        db.clear_default_payment_method(session.customer_id);
        // upsertPaymentMethod: a bare UUID (crypto.randomUUID()); methods saved with the former
        // "pm_" ids keep them, as every lookup compares the whole id.
        db.insert_payment_method({owo::detail::make_uuid_v4(), session.org, session.customer_id, "sandbox", "card", "4242",
                                  "visa", 12, 2034, true, true, now_ms});
        return "Sandbox card ending 4242 saved as the default payment method.";
    }
    // invoice
    std::string id(payload.at("invoiceId").as_string());
    auto invoice = db.invoice(session.org, id);
    if (invoice && invoice->status == "open") mark_invoice_paid(db, *invoice, now_ms);
    return "Sandbox payment of invoice " + (invoice ? invoice->number : id) + " succeeded.";
}

} // namespace owo::local
