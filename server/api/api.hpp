// owostack-local's application, free of I/O: an HTTP request in, an HTTP response out.
// The request pipeline lives here: authentication, routing through the route table, body
// parsing, idempotency, the store lock and the transaction. The handlers live in routes/, the
// rules in domain/, and http/reply.cpp makes the replies. The network layer (http_server), the
// tests and the request fuzz target all drive it through handle().
#pragma once

#include "api/scope.hpp"
#include "domain/catalog.hpp"
#include "http/reply.hpp"
#include "store/store.hpp"

#include "domain/webhook_endpoints.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace owo::local {

struct api_options {
    std::string db_path = ":memory:";
    std::map<std::string, std::string> api_keys;   // secret key -> organisation
    std::map<std::string, scope_set> key_scopes;   // secret key -> its scopes; a key not listed holds `*`
    boost::json::object catalog;                   // merged into every organisation's catalog at start
    std::string public_url;                        // base of checkout URLs, e.g. https://127.0.0.1:8443
    // Customer events and webhooks (issue #18)
    bool events = true;                            // off: no event is written (to measure their cost)
    std::vector<webhook_spec> webhooks;            // --webhook: every organisation's events go there
    std::string webhook_secret;                    // what those endpoints sign with
};

class api {
public:
    explicit api(api_options opts);
    api(const api&) = delete;
    api& operator=(const api&) = delete;

    /// Answers one request. Never throws: unexpected failures become a 500 with no details.
    http_response handle(const http_request& req);

    void set_public_url(std::string url);

    /// True for routes that chaos mode may disturb (the API, not the checkout page).
    static bool is_api_route(std::string_view target);

    /// Runs `unit` in one write transaction under the store's lock (the webhook outbox's reads
    /// and writes; they never open a second connection).
    void run_store_unit(const std::function<void(store&)>& unit);
    /// Called after every committed write request (the webhook dispatcher's wake-up). Set
    /// before serving.
    void after_write(std::function<void()> f) { after_write_ = std::move(f); }

private:
    reply dispatch(const http_request& req);

    api_options opts_;
    std::mutex mutex_;   // one writer at a time: seat limits and idempotency are decided under it
    std::unique_ptr<store> store_;
    catalog_map catalogs_;
    std::function<void()> after_write_;
};

} // namespace owo::local
