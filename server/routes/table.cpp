// Every route of the API, one line each. Adding a route: write its handler in the resource's
// file, declare it in routes.hpp, add its line here.
#include "api/route_table.hpp"
#include "routes/routes.hpp"

namespace owo::local {

const route_table& api_routes() {
    using enum boost::beast::http::verb;
    constexpr bool writes = true, reads = false, any_content_type = true;
    static const route_table table({
        // method,  pattern,                   handler,                   scope,                  write, body_always_json
        {post,    "/v1/customers",            post_customers,            scope::customers_write, writes},
        {get,     "/v1/customers",            list_customers,            scope::customers_read,  reads},
        {get,     "/v1/customers/lookup",     lookup_customer,           scope::customers_read,  reads},
        {get,     "/v1/customers/unresolved", list_unresolved_customers, scope::customers_read,  reads},
        {get,     "/v1/customers/{id}",       get_customer,              scope::customers_read,  reads},
        {patch,   "/v1/customers/{id}",       patch_customer,            scope::customers_write, writes},
        {delete_, "/v1/customers/{id}",       delete_customer,           scope::customers_write, writes},
        {post,    "/v1/customers/{id}/bind",  bind_customer,             scope::customers_write, writes},
        {get,  "/v1/entities",             get_entities,         scope::entities_read,   reads},
        {post, "/v1/entities",             post_entities,        scope::entities_write,  writes},
        {post, "/v1/entities/remove",      post_entities_remove, scope::entities_write,  writes},
        {get,  "/v1/plans",                get_plans,            scope::billing_read,    reads},
        {get,  "/v1/plans/{slug}",         get_plan,             scope::billing_read,    reads},
        {post, "/v1/attach",               post_attach,          scope::billing_write,   writes, any_content_type},
        {get,  "/v1/checkout/{token}",     get_checkout,         scope::public_page,     writes},
        {post, "/v1/check",                post_check,           scope::billing_write,   writes, any_content_type},
        {post, "/v1/track",                post_track,           scope::billing_write,   writes, any_content_type},
        {post, "/v1/sync",                 post_sync,            scope::billing_write,   writes},
        // Issue #19: credit systems and packs, add-ons, the wallet, billing.
        {get,  "/v1/credit-systems",       list_credit_systems,  scope::billing_read,    reads},
        {get,  "/v1/credit-packs",         list_credit_packs,    scope::billing_read,    reads},
        {post, "/v1/addon",                post_addon,           scope::billing_write,   writes},
        {get,  "/v1/wallet",               get_wallet,           scope::billing_read,    reads},
        {post, "/v1/wallet/setup",         post_wallet_setup,    scope::billing_write,   writes},
        {post, "/v1/wallet/remove",        post_wallet_remove,   scope::billing_write,   writes},
        {get,  "/v1/billing/usage",        get_billing_usage,    scope::billing_read,    reads},
        {post, "/v1/billing/invoice",      post_billing_invoice, scope::billing_write,   writes},
        {get,  "/v1/billing/invoices",     get_billing_invoices, scope::billing_read,    reads},
        {post, "/v1/billing/invoice/{id}/pay", post_billing_invoice_pay, scope::billing_write, writes},
        {get,  "/v1/billing/upcoming",     get_billing_upcoming, scope::billing_read,    reads},   // [extension]
        {get,     "/v1/events",                                get_events,              scope::customers_read,  reads},
        {post,    "/v1/webhook_endpoints",                     post_webhook_endpoints,  scope::customers_write, writes},
        {get,     "/v1/webhook_endpoints",                     get_webhook_endpoints,   scope::customers_read,  reads},
        {delete_, "/v1/webhook_endpoints/{id}",                delete_webhook_endpoint, scope::customers_write, writes},
        {post,    "/v1/webhook_endpoints/{id}/rotate_secret",  rotate_webhook_secret,   scope::customers_write, writes},
    });
    return table;
}

} // namespace owo::local
