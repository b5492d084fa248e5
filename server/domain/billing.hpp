// Billing rules (lib/billing.ts BillingService): a customer's unbilled usage in the current
// periods, rated (domain/rating.hpp); invoices made of it; paying them. Money in integer minor
// units. Also the sandbox payment sessions behind add-on purchases, card setup and invoice
// payment checkouts, and what completing one does.
#pragma once

#include "domain/rating.hpp"
#include "domain/result.hpp"
#include "domain/tenant.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace owo::local {

/// One feature's unbilled usage (UnbilledUsageResult.features[i]).
struct unbilled_feature {
    std::string feature;        // the feature's slug
    std::string feature_id;     // its id (featureId)
    std::string feature_name;   // as the usage ledger names it: a credit system's pool by its slug
    std::string subscription_id, plan_id;
    boost::json::object pricing_snapshot;   // lib/usage-pricing-snapshot.ts buildUsagePricingSnapshot
    std::int64_t usage = 0;    // the period's usage, rounded up to a whole unit
    std::int64_t billed = 0;   // of which already invoiced
    rated_usage rated;         // what is not invoiced yet: billable quantity, amount, tiers
    std::int64_t period_start = 0, period_end = 0;
};

struct unbilled_usage {
    std::string customer_id, currency;
    std::int64_t usage_window_end = 0;
    std::vector<unbilled_feature> features;
    std::int64_t total_estimated = 0;
};

/// getUnbilledUsage: every active subscription's usage-based and overage-charging plan features,
/// rated over the current period's usage less what an invoice already holds.
unbilled_usage unbilled_usage_of(const tenant& t, const std::string& customer_id);

/// The usage route's answer: {success, customerId, usageWindowEnd, features, totalEstimated, currency}.
boost::json::object unbilled_usage_json(const unbilled_usage& u);

/// [extension] What the next invoice would hold, nothing stored: each active subscription's plan
/// price for its next period (recurring plans in the first plan's currency) plus the unbilled
/// usage, rated as an invoice rates it.
boost::json::object upcoming_invoice_json(const tenant& t, const std::string& customer_id);

/// generateInvoice: an open invoice of the unbilled usage, which becomes billed; a 400
/// "No unbilled usage to invoice" when there is none.
result<invoice_row> generate_invoice(const tenant& t, const std::string& customer_id);

/// The invoice as generateInvoice answers it ({invoiceId, number, status, ... items}).
boost::json::object generated_invoice_json(const invoice_row& i);
/// The stored invoice as the invoices list shows it (the invoices row with its items).
boost::json::object invoice_json(const invoice_row& i);
/// {id, number, total, currency, status}: the pay route's invoice summary.
boost::json::object invoice_summary_json(const invoice_row& i, const std::string& status);

/// Marks `i` paid in full now.
void mark_invoice_paid(store& db, invoice_row i, std::int64_t now_ms);

/// A sandbox payment session for `customer_id`, to be completed by fetching its checkout page;
/// returns its token.
std::string open_payment_session(const tenant& t, const std::string& customer_id, const std::string& kind,
                                 const boost::json::object& payload);

/// Completes an open session (the sandbox provider's success webhook): an add-on purchase adds
/// its credits, a card setup saves a sandbox card as the default method, an invoice payment pays
/// the invoice. Returns what the page says.
std::string complete_payment_session(store& db, const payment_session_row& session, std::int64_t now_ms);

} // namespace owo::local
