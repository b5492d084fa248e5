// Billing: a customer's unbilled usage (GET /v1/billing/usage), turning it into an invoice
// (POST /v1/billing/invoice), the invoices (GET /v1/billing/invoices, paged: owo::invoice_pager),
// paying one (POST /v1/billing/invoice/{id}/pay), and owostack-local's upcoming invoice (GET
// /v1/billing/upcoming, an extension). Money is in minor units of `currency`.
#pragma once

#include <owostack/features.hpp>
#include <owostack/types.hpp>

#include <boost/json/fwd.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace owo {

/// How one tier of graduated or volume pricing contributed to an amount.
struct billing_tier_breakdown {
    int tier = 0;                              ///< zero-based tier index
    double units = 0;
    std::int64_t unit_price = 0;               ///< minor units
    std::optional<std::int64_t> flat_fee;      ///< minor units
    std::int64_t amount = 0;                   ///< minor units
};

/// The plan feature's pricing the usage was rated with (the hosted ledger records it with each
/// tracked amount: lib/usage-pricing-snapshot.ts UsagePricingSnapshot).
struct usage_pricing_snapshot {
    std::string usage_model;                   ///< "included" | "usage_based" | "prepaid"
    std::string rating_model;                  ///< "package" | "graduated" | "volume"
    std::optional<double> included;            ///< the allowance (usage-based: 0)
    std::optional<std::int64_t> price_per_unit;   ///< minor units per package, as declared
    std::optional<double> billing_units;
    std::optional<std::int64_t> overage_price;    ///< minor units
    std::vector<pricing_tier> tiers;           ///< graduated / volume
};

/// GET /v1/billing/usage: the customer's billable usage not invoiced yet.
struct billing_usage_params {
    std::string customer;                      ///< id, external id or email
};

/// One feature's billable usage in its period, rated as the plan prices it.
struct billing_feature_usage {
    std::string feature_id;
    std::optional<std::string> feature_slug;
    std::string feature_name;
    double usage = 0;                          ///< all usage in the period
    std::optional<double> included;            ///< empty: unlimited
    double billable_quantity = 0;              ///< usage beyond what is included
    std::int64_t estimated_amount = 0;         ///< minor units
    std::string usage_model;                   ///< "included" (overage) | "usage_based" | ...
    std::optional<std::string> rating_model;   ///< "package" | "graduated" | "volume"
    std::optional<std::int64_t> price_per_unit;   ///< minor units per package
    std::optional<double> billing_units;
    std::vector<billing_tier_breakdown> tier_breakdown;
    std::optional<time_point> period_start;
    std::optional<time_point> period_end;
    std::optional<std::string> subscription_id;
    std::optional<std::string> plan_id;
    std::optional<usage_pricing_snapshot> pricing_snapshot;   ///< null from servers that keep none
    std::optional<std::string> billing_group_key;   ///< feature, period, subscription, plan and snapshot
};

struct billing_usage_result {
    std::optional<std::string> customer_id;
    std::int64_t total_estimated = 0;          ///< minor units
    std::string currency;
    std::vector<billing_feature_usage> features;
    std::optional<time_point> usage_window_end;
};

/// POST /v1/billing/invoice: invoice the unbilled usage (fails when there is none).
struct billing_invoice_params {
    std::string customer;
    std::optional<std::string> idempotency_key;
};

/// One line of an invoice (or of the upcoming invoice).
struct invoice_line_item {
    std::optional<std::string> type;           ///< upcoming invoice: "subscription" | "usage"
    std::optional<std::string> plan;           ///< upcoming invoice, subscription lines: the plan's slug
    std::optional<std::string> feature_id;
    std::optional<std::string> feature_slug;   ///< `featureSlug`, or the upcoming invoice's `feature`
    std::string description;
    double quantity = 0;
    std::int64_t unit_price = 0;               ///< minor units; tiered lines: see tier_breakdown
    std::int64_t amount = 0;                   ///< minor units
    std::optional<std::string> rating_model;
    std::vector<billing_tier_breakdown> tier_breakdown;
    std::optional<time_point> period_start;
    std::optional<time_point> period_end;
    // Listed invoices (the stored item rows):
    std::optional<std::string> id;
    std::optional<std::string> invoice_id;
    boost::json::object metadata;              ///< ratingModel, tierBreakdown, billingGroupKey, pricingSnapshot, ...
    std::optional<time_point> created_at;
    std::optional<std::string> billing_group_key;   ///< from `metadata`
    std::optional<usage_pricing_snapshot> pricing_snapshot;   ///< from `metadata`
};

/// An invoice: as generated (`invoiceId`, `items`), as listed (the stored row, `id`, `items`)
/// or summarised by pay (id, number, total, currency, status).
struct invoice {
    std::string id;
    std::optional<std::string> number;         ///< e.g. "INV-0001"
    std::string status;                        ///< draft | open | paid | void | uncollectible
    std::string currency;
    std::int64_t subtotal = 0;                 ///< minor units
    std::int64_t tax = 0;
    std::int64_t total = 0;
    std::optional<std::int64_t> amount_paid;
    std::optional<std::int64_t> amount_due;
    std::vector<invoice_line_item> items;
    std::optional<time_point> period_start;
    std::optional<time_point> period_end;
    std::optional<time_point> created_at;
    std::optional<time_point> paid_at;
    // The rest of the stored row (listed invoices):
    std::optional<std::string> organization_id;
    std::optional<std::string> customer_id;
    std::optional<std::string> subscription_id;    ///< when every line has the same one
    std::optional<std::string> idempotency_key;
    std::optional<time_point> usage_window_start;
    std::optional<time_point> usage_window_end;
    std::optional<time_point> usage_cutoff_at;
    std::optional<time_point> due_at;
    std::optional<time_point> updated_at;
    std::optional<std::string> description;
    boost::json::object metadata;                  ///< e.g. {"sourceTrigger":"manual"}
};

/// GET /v1/billing/invoices: newest first. `limit`/`cursor` are owostack-local's paging
/// [extension] (the hosted API ignores them and sends every invoice on one page).
struct billing_invoices_params {
    std::string customer;
    std::optional<int> limit;                  ///< 1..100
    std::optional<std::string> cursor;         ///< a previous page's next_cursor
};

/// One page of invoices. owo::invoice_pager walks them all.
struct billing_invoices_result {
    std::vector<owo::invoice> invoices;
    std::optional<std::string> next_cursor;    ///< set while has_more
    bool has_more = false;
};

/// GET /v1/billing/upcoming [extension]: the next invoice as it stands — each subscription's
/// plan price for the next period plus the unbilled usage, rated; nothing is stored.
struct billing_upcoming_params {
    std::string customer;
};

struct upcoming_invoice {
    std::optional<std::string> customer_id;
    std::string currency;
    std::vector<invoice_line_item> lines;      ///< subscription lines, then usage lines
    std::int64_t subtotal = 0;                 ///< minor units
    std::int64_t total = 0;
};

/// POST /v1/billing/invoice/{id}/pay: charge the saved card, else a checkout to pay at.
struct pay_invoice_params {
    std::string invoice_id;
    std::optional<std::string> callback_url;   ///< where checkout returns to
    std::optional<std::string> idempotency_key;
};

struct pay_invoice_result {
    bool paid = false;                         ///< false: pay at checkout_url
    std::optional<std::string> checkout_url;
    owo::invoice invoice;                      ///< id, number, total, currency, status
};

void tag_invoke(boost::json::value_from_tag, boost::json::value&, const billing_invoice_params&);
void tag_invoke(boost::json::value_from_tag, boost::json::value&, const pay_invoice_params&);
billing_tier_breakdown tag_invoke(boost::json::value_to_tag<billing_tier_breakdown>, const boost::json::value&);
usage_pricing_snapshot tag_invoke(boost::json::value_to_tag<usage_pricing_snapshot>, const boost::json::value&);
billing_feature_usage tag_invoke(boost::json::value_to_tag<billing_feature_usage>, const boost::json::value&);
billing_usage_result tag_invoke(boost::json::value_to_tag<billing_usage_result>, const boost::json::value&);
invoice_line_item tag_invoke(boost::json::value_to_tag<invoice_line_item>, const boost::json::value&);
invoice tag_invoke(boost::json::value_to_tag<invoice>, const boost::json::value&);
billing_invoices_result tag_invoke(boost::json::value_to_tag<billing_invoices_result>, const boost::json::value&);
pay_invoice_result tag_invoke(boost::json::value_to_tag<pay_invoice_result>, const boost::json::value&);
upcoming_invoice tag_invoke(boost::json::value_to_tag<upcoming_invoice>, const boost::json::value&);

} // namespace owo

// Rows of the operation table (columns: operations.hpp). Paying charges money: replayed only to
// a server that honours Idempotency-Key (counts_usage). Generating an invoice is keyed upstream
// by the usage window, so a replay finds the same invoice.
#define OWOSTACK_BILLING_OPERATIONS(X)                                                                                \
    X(billing_usage, get,  "billing/usage",    billing_usage_params, billing_usage_result,   read,                 customer_scope, billing_usage, hosted, "")      \
    X(billing_invoice, post, "billing/invoice", billing_invoice_params, owo::invoice,         idempotent_write,     customer_scope, billing_invoice, hosted, "invoice") \
    X(billing_invoices, get, "billing/invoices", billing_invoices_params, billing_invoices_result, read,           customer_scope, billing_invoices, hosted, "")   \
    X(pay_invoice,   post, "billing/invoice/{invoice id}/pay", pay_invoice_params, pay_invoice_result, counts_usage, client_scope, -,             hosted, "") \
    X(billing_upcoming, get, "billing/upcoming", billing_upcoming_params, upcoming_invoice,  read,                 customer_scope, billing_upcoming, extension, "")
