// The route handlers, one file per resource, and the table that routes to them (table.cpp).
// A handler reads its request_context and returns a route_result: a JSON body, a page, or a
// domain_error; it never builds an HTTP reply itself.
#pragma once

#include "api/request_context.hpp"
#include "http/reply.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace owo::local {

class route_table;

/// Every route of the API.
const route_table& api_routes();

// customers.cpp
route_result post_customers(request_context& ctx);
route_result get_customer(request_context& ctx);
/// The customer object: {"success":true, ...customer_fields}.
boost::json::object customer_json(const customer_row& c);
/// The customer object without "success", as list items carry it.
boost::json::object customer_fields(const customer_row& c);
// customer_lifecycle.cpp [extension]
route_result list_customers(request_context& ctx);
route_result list_unresolved_customers(request_context& ctx);
route_result lookup_customer(request_context& ctx);
route_result patch_customer(request_context& ctx);
route_result delete_customer(request_context& ctx);
route_result bind_customer(request_context& ctx);
// entities.cpp
route_result post_entities(request_context& ctx);
route_result post_entities_remove(request_context& ctx);
route_result get_entities(request_context& ctx);
/// An entity as GET /v1/entities lists it (and entity events carry it).
boost::json::object entity_fields(const entity_row& e);
// plans.cpp
route_result get_plans(request_context& ctx);
route_result get_plan(request_context& ctx);
// attach.cpp: attach, and the sandbox payment page that activates a pending subscription
route_result post_attach(request_context& ctx);
route_result get_checkout(request_context& ctx);
// entitlements.cpp
route_result post_check(request_context& ctx);
route_result post_track(request_context& ctx);
// sync.cpp
route_result post_sync(request_context& ctx);

// credits.cpp
route_result list_credit_systems(request_context& ctx);
route_result list_credit_packs(request_context& ctx);
// addon.cpp: buying a credit pack (through the sandbox checkout)
route_result post_addon(request_context& ctx);
// wallet.cpp: saved payment methods (a sandbox card on owostack-local)
route_result get_wallet(request_context& ctx);
route_result post_wallet_setup(request_context& ctx);
route_result post_wallet_remove(request_context& ctx);
// billing.cpp: unbilled usage, invoices, paying them
route_result get_billing_usage(request_context& ctx);
route_result post_billing_invoice(request_context& ctx);
route_result get_billing_invoices(request_context& ctx);
route_result post_billing_invoice_pay(request_context& ctx);
route_result get_billing_upcoming(request_context& ctx);   // [extension]
/// The sandbox checkout page's URL for `token`.
std::string checkout_url(const request_context& ctx, const std::string& token);
// events.cpp [extension]: the event log and webhook endpoints (issue #18)
route_result get_events(request_context& ctx);
route_result post_webhook_endpoints(request_context& ctx);
route_result get_webhook_endpoints(request_context& ctx);
route_result delete_webhook_endpoint(request_context& ctx);
route_result rotate_webhook_secret(request_context& ctx);

// render.cpp: stored text as answer fields
boost::json::value json_or_null(const std::optional<std::string>& json_text);
boost::json::value string_or_null(const std::optional<std::string>& s);
/// A number as JavaScript's JSON.stringify writes it: an integer when it is one.
boost::json::value js_number(double d);

} // namespace owo::local
