// GET /v1/billing/usage, POST /v1/billing/invoice, GET /v1/billing/invoices and
// POST /v1/billing/invoice/{id}/pay, as routes/api/billing.ts answers them over
// lib/billing.ts BillingService. [local] The payment provider is the sandbox: a customer with a
// default card in the wallet is charged at once, any other pays on the sandbox checkout page.
// [extension] GET /v1/billing/upcoming: the next invoice, plan prices and usage, not stored.
#include "routes/routes.hpp"

#include "domain/billing.hpp"
#include "domain/customer_lifecycle.hpp"
#include "domain/customers.hpp"
#include "routes/query.hpp"

namespace owo::local {

namespace json = boost::json;

namespace {

constexpr std::int64_t default_invoice_page = 100, max_invoice_page = 100;

/// The customer a `?customer=` query names: 400 without one, 409 ambiguous, 404 unknown.
result<customer_row> customer_of_query(request_context& ctx, query_reader& q) {
    auto customer = q.string("customer");
    if (!q.ok()) return q.error();
    if (!customer || customer->empty()) return domain_error{error_kind::invalid, "customer query param required"};
    return resolve_existing(ctx, *customer);
}

} // namespace

route_result get_billing_usage(request_context& ctx) {
    query_reader q(ctx.query);
    auto who = customer_of_query(ctx, q);
    if (!who) return who.error();
    return unbilled_usage_json(unbilled_usage_of(ctx, who->id));
}

route_result get_billing_upcoming(request_context& ctx) {
    query_reader q(ctx.query);
    auto who = customer_of_query(ctx, q);
    if (!who) return who.error();
    return upcoming_invoice_json(ctx, who->id);
}

route_result post_billing_invoice(request_context& ctx) {
    // customerSchema: customer, checked by the route's zod-openapi validator: the raw ZodError 400.
    body_validator v(ctx.body, {"customer"});
    auto customer = v.required_string("customer");
    if (!v.ok()) return v.error();
    auto who = resolve_existing(ctx, customer);
    if (!who) return who.error();
    auto invoice = generate_invoice(ctx, who->id);
    if (!invoice) return invoice.error();
    return json::object{{"success", true}, {"invoice", generated_invoice_json(*invoice)}};
}

route_result get_billing_invoices(request_context& ctx) {
    query_reader q(ctx.query);
    // [extension] paging: limit (1-100, default 100) and the cursor of the previous page.
    auto limit = q.integer("limit", 1, max_invoice_page).value_or(default_invoice_page);
    std::optional<std::pair<std::int64_t, std::string>> before;
    if (auto cursor = q.text("cursor")) {
        if (auto at = decode_cursor(*cursor)) before.emplace(at->created_at, std::move(at->id));
        else q.refuse("cursor", "Invalid cursor");
    }
    auto who = customer_of_query(ctx, q);
    if (!who) return who.error();
    return page_answer(ctx.db.invoices(ctx.org, who->id, before, limit + 1), limit, "invoices", invoice_json,
                       [](const invoice_row& i) { return encode_cursor(i.created_at, i.id); });
}

route_result post_billing_invoice_pay(request_context& ctx) {
    // payInvoiceSchema: callbackUrl (url), an optional body the route's validator checks when sent.
    body_validator v(ctx.body, {"callbackUrl"});
    v.optional_url("callbackUrl");
    if (!v.ok()) return v.error();
    auto invoice = ctx.db.invoice(ctx.org, ctx.param("id"));
    if (!invoice) return domain_error{error_kind::not_found, "Invoice not found"};
    auto paid = [&](const std::string& status) {
        return json::object{{"success", true}, {"paid", true}, {"invoice", invoice_summary_json(*invoice, status)}};
    };
    if (invoice->status == "paid") return paid("paid");
    if (invoice->status != "open")
        return domain_error{error_kind::invalid, "Invoice is " + invoice->status + " \u2014 only open invoices can be paid"};
    if (invoice->amount_due <= 0) return domain_error{error_kind::invalid, "Invoice has no outstanding balance"};
    // A default valid card on file is charged at once (the provider's authorization charge).
    for (const auto& m : ctx.db.payment_methods(ctx.org, invoice->customer_id))
        if (m.is_default && m.is_valid) {
            mark_invoice_paid(ctx.db, *invoice, ctx.now_ms);
            return paid("paid");
        }
    auto token = open_payment_session(ctx, invoice->customer_id, "invoice", json::object{{"invoiceId", invoice->id}});
    return json::object{{"success", true},
                        {"paid", false},
                        {"checkoutUrl", checkout_url(ctx, token)},
                        {"invoice", invoice_summary_json(*invoice, invoice->status)}};
}

} // namespace owo::local
