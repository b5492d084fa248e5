// Billing (include/owostack/billing.hpp): apps/api/src/routes/api/billing.ts and the shapes its
// BillingService returns (apps/api/src/lib/billing.ts: getUnbilledUsage, generateInvoice,
// getInvoices — the stored invoice rows with their items).
#include "json_mapping.hpp"
#include "operation.hpp"
#include "validation.hpp"

#include <owostack/billing.hpp>

namespace owo {

using namespace detail::mapping;

void tag_invoke(json::value_from_tag, json::value& jv, const billing_invoice_params& p) {
    json::object& o = jv.emplace_object();
    o["customer"] = p.customer;
}

void tag_invoke(json::value_from_tag, json::value& jv, const pay_invoice_params& p) {
    json::object& o = jv.emplace_object();
    put(o, "callbackUrl", p.callback_url);
}

billing_tier_breakdown tag_invoke(json::value_to_tag<billing_tier_breakdown>, const json::value& jv) {
    const auto& o = as_object(jv, "tier breakdown");
    return billing_tier_breakdown{static_cast<int>(opt_int(o, "tier").value_or(0)), opt_number(o, "units").value_or(0),
                                  opt_int(o, "unitPrice").value_or(0), opt_int(o, "flatFee"),
                                  opt_int(o, "amount").value_or(0)};
}

usage_pricing_snapshot tag_invoke(json::value_to_tag<usage_pricing_snapshot>, const json::value& jv) {
    const auto& o = as_object(jv, "pricing snapshot");
    usage_pricing_snapshot p;
    p.usage_model = opt_string(o, "usageModel").value_or("included");
    p.rating_model = opt_string(o, "ratingModel").value_or("package");
    p.included = opt_number(o, "included");
    p.price_per_unit = opt_int(o, "pricePerUnit");
    p.billing_units = opt_number(o, "billingUnits");
    p.overage_price = opt_int(o, "overagePrice");
    if (const json::value* tiers = field(o, "tiers")) {
        if (!tiers->is_array()) wrong_type("tiers", "an array");
        for (const auto& t : tiers->get_array()) p.tiers.push_back(read_tier(as_object(t, "pricing tier")));
    }
    return p;
}

billing_feature_usage tag_invoke(json::value_to_tag<billing_feature_usage>, const json::value& jv) {
    const auto& o = as_object(jv, "feature usage");
    billing_feature_usage f;
    f.feature_id = req_string(o, "featureId");
    f.feature_slug = opt_string(o, "featureSlug");
    f.feature_name = opt_string(o, "featureName").value_or(f.feature_slug.value_or(f.feature_id));
    f.usage = opt_number(o, "usage").value_or(0);
    f.included = opt_number(o, "included");
    f.billable_quantity = opt_number(o, "billableQuantity").value_or(0);
    f.estimated_amount = opt_int(o, "estimatedAmount").value_or(0);
    f.usage_model = opt_string(o, "usageModel").value_or("");
    f.rating_model = opt_string(o, "ratingModel");
    f.price_per_unit = opt_int(o, "pricePerUnit");
    f.billing_units = opt_number(o, "billingUnits");
    f.tier_breakdown = opt_array<billing_tier_breakdown>(o, "tierBreakdown");
    f.period_start = opt_time(o, "periodStart");
    f.period_end = opt_time(o, "periodEnd");
    f.subscription_id = opt_string(o, "subscriptionId");
    f.plan_id = opt_string(o, "planId");
    f.pricing_snapshot = opt_value<usage_pricing_snapshot>(o, "pricingSnapshot");
    f.billing_group_key = opt_string(o, "billingGroupKey");
    return f;
}

billing_usage_result tag_invoke(json::value_to_tag<billing_usage_result>, const json::value& jv) {
    const auto& o = as_object(jv, "billing usage");
    billing_usage_result r;
    r.customer_id = opt_string(o, "customerId");
    r.total_estimated = opt_int(o, "totalEstimated").value_or(0);
    r.currency = opt_string(o, "currency").value_or("");
    r.features = req_array<billing_feature_usage>(o, "features");
    r.usage_window_end = opt_time(o, "usageWindowEnd");
    return r;
}

invoice_line_item tag_invoke(json::value_to_tag<invoice_line_item>, const json::value& jv) {
    const auto& o = as_object(jv, "invoice line item");
    invoice_line_item i;
    i.type = opt_string(o, "type");
    i.plan = opt_string(o, "plan");
    i.feature_id = opt_string(o, "featureId");
    i.feature_slug = opt_string(o, "featureSlug");
    if (!i.feature_slug) i.feature_slug = opt_string(o, "feature");
    i.description = opt_string(o, "description").value_or("");
    i.quantity = opt_number(o, "quantity").value_or(0);
    i.unit_price = opt_int(o, "unitPrice").value_or(0);
    i.amount = opt_int(o, "amount").value_or(0);
    i.rating_model = opt_string(o, "ratingModel");
    i.tier_breakdown = opt_array<billing_tier_breakdown>(o, "tierBreakdown");
    i.period_start = opt_time(o, "periodStart");
    i.period_end = opt_time(o, "periodEnd");
    i.id = opt_string(o, "id");
    i.invoice_id = opt_string(o, "invoiceId");
    i.metadata = opt_object(o, "metadata");
    i.created_at = opt_time(o, "createdAt");
    i.billing_group_key = opt_string(i.metadata, "billingGroupKey");
    i.pricing_snapshot = opt_value<usage_pricing_snapshot>(i.metadata, "pricingSnapshot");
    return i;
}

// generateInvoice answers `invoiceId` and `items`; the stored rows (getInvoices, pay) `id`;
// the TypeScript types say `lineItems`. Each is read.
invoice tag_invoke(json::value_to_tag<invoice>, const json::value& jv) {
    const auto& o = as_object(jv, "invoice");
    invoice i;
    auto id = opt_string(o, "id");
    i.id = id ? std::move(*id) : req_string(o, "invoiceId");
    i.number = opt_string(o, "number");
    i.status = opt_string(o, "status").value_or("");
    i.currency = opt_string(o, "currency").value_or("");
    i.subtotal = opt_int(o, "subtotal").value_or(0);
    i.tax = opt_int(o, "tax").value_or(0);
    i.total = opt_int(o, "total").value_or(0);
    i.amount_paid = opt_int(o, "amountPaid");
    i.amount_due = opt_int(o, "amountDue");
    i.items = field(o, "items") ? req_array<invoice_line_item>(o, "items") : opt_array<invoice_line_item>(o, "lineItems");
    i.period_start = opt_time(o, "periodStart");
    i.period_end = opt_time(o, "periodEnd");
    i.created_at = opt_time(o, "createdAt");
    i.paid_at = opt_time(o, "paidAt");
    i.organization_id = opt_string(o, "organizationId");
    i.customer_id = opt_string(o, "customerId");
    i.subscription_id = opt_string(o, "subscriptionId");
    i.idempotency_key = opt_string(o, "idempotencyKey");
    i.usage_window_start = opt_time(o, "usageWindowStart");
    i.usage_window_end = opt_time(o, "usageWindowEnd");
    i.usage_cutoff_at = opt_time(o, "usageCutoffAt");
    i.due_at = opt_time(o, "dueAt");
    i.updated_at = opt_time(o, "updatedAt");
    i.description = opt_string(o, "description");
    i.metadata = opt_object(o, "metadata");
    return i;
}

billing_invoices_result tag_invoke(json::value_to_tag<billing_invoices_result>, const json::value& jv) {
    const auto& o = as_object(jv, "invoice list");
    billing_invoices_result r;
    r.invoices = req_array<invoice>(o, "invoices");
    read_paging(o, r);
    return r;
}

pay_invoice_result tag_invoke(json::value_to_tag<pay_invoice_result>, const json::value& jv) {
    const auto& o = as_object(jv, "pay invoice result");
    pay_invoice_result r;
    if (!field(o, "paid")) throw detail::decode_error("missing field 'paid'");
    r.paid = opt_bool(o, "paid", false);
    r.checkout_url = opt_string(o, "checkoutUrl");
    if (!field(o, "invoice")) throw detail::decode_error("missing field 'invoice'");
    r.invoice = json::value_to<invoice>(o.at("invoice"));
    return r;
}

upcoming_invoice tag_invoke(json::value_to_tag<upcoming_invoice>, const json::value& jv) {
    const auto& o = as_object(jv, "upcoming invoice");
    upcoming_invoice u;
    u.customer_id = opt_string(o, "customerId");
    u.currency = opt_string(o, "currency").value_or("");
    u.lines = req_array<invoice_line_item>(o, "lines");
    u.subtotal = opt_int(o, "subtotal").value_or(0);
    u.total = opt_int(o, "total").value_or(u.subtotal);
    return u;
}

// ---- rules ---------------------------------------------------------------------------------

static std::string invalid_reason_of(const billing_usage_params& p) {
    return detail::check_identifier("customer", p.customer);
}

static std::string invalid_reason_of(const billing_upcoming_params& p) {
    return detail::check_identifier("customer", p.customer);
}

static std::string invalid_reason_of(const billing_invoice_params& p) {
    return first_problem({detail::check_identifier("customer", p.customer), check_key(p.idempotency_key)});
}

static std::string invalid_reason_of(const billing_invoices_params& p) {
    if (p.limit && (*p.limit < 1 || *p.limit > 100)) return "limit must be between 1 and 100";
    return first_problem({detail::check_identifier("customer", p.customer),
                          detail::check_optional_identifier("cursor", p.cursor)});
}

// The invoice id is the path's "{invoice id}" argument; callbackUrl a URL (payInvoiceSchema).
static std::string invalid_reason_of(const pay_invoice_params& p) {
    return first_problem({detail::check_identifier("invoice_id", p.invoice_id),
                          detail::check_optional_url("callback_url", p.callback_url), check_key(p.idempotency_key)});
}

static std::string_view path_argument(const pay_invoice_params& p) { return p.invoice_id; }

static void put_query(const billing_usage_params& p, detail::query_params& q) { q.emplace_back("customer", p.customer); }

static void put_query(const billing_upcoming_params& p, detail::query_params& q) { q.emplace_back("customer", p.customer); }

static void put_query(const billing_invoices_params& p, detail::query_params& q) {
    q.emplace_back("customer", p.customer);
    if (p.limit) q.add_owned("limit", std::to_string(*p.limit));
    if (p.cursor) q.emplace_back("cursor", *p.cursor);
}

} // namespace owo

#define OWOSTACK_ROWS_OF_THIS_FILE OWOSTACK_BILLING_OPERATIONS
#include "operation_impl.hpp"
