// owostack-local's application, free of I/O: an HTTP request in, an HTTP response out.
// The request pipeline lives here: authentication, routing through the route table, body
// parsing, then one unit of work for the store engine (idempotency lookup, handler, idempotency
// record: one transaction), metrics and the request id. The handlers live in routes/, the rules
// in domain/, and http/reply.cpp makes the replies. The network layer (http_server) co_awaits
// async_handle(); the tests and the request fuzz target call the blocking handle().
#pragma once

#include "api/api_keys.hpp"
#include "api/scope.hpp"
#include "domain/catalog.hpp"
#include "http/reply.hpp"
#include "http/metrics.hpp"
#include "store/store_engine.hpp"

#include "domain/webhook_endpoints.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

namespace owo::local {

struct api_options {
    store_engine_options engine;                   // which store, how it commits
    std::map<std::string, std::string> api_keys;   // secret key -> organisation (default_organisation when not given)
    std::map<std::string, scope_set> key_scopes;   // secret key -> its scopes; a key not listed holds `*`
    boost::json::object catalog;                   // merged into every organisation's catalog at start
    std::string public_url;                        // base of checkout URLs, e.g. https://127.0.0.1:8443
    /// Opens the engine; unset: open_store_engine(engine, metrics). Tests give an engine of their own.
    std::function<std::unique_ptr<store_engine>(const store_engine_options&, metrics_registry&)> open_engine;
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

    ~api();

    /// Runs a function where the caller wants its answer made.
    using answer_runner = std::function<void(std::function<void()>)>;

    /// Answers one request: `done` gets the response once the request's writes are durable.
    /// The answer (rendering, metrics, `done`) is made by `run_answer` when given, else on
    /// whichever thread finished the store work (possibly a store engine thread). `req` must
    /// live until then. Never throws: unexpected failures become a 500 with no details.
    void handle(const http_request& req, std::function<void(http_response)> done, answer_runner run_answer = {});

    /// The same, waiting for the answer (tests, the fuzz target). Not from an engine thread.
    http_response handle(const http_request& req);

    /// The same as an Asio operation: completes with void(http_response) on the token's executor,
    /// where the answer is also made: a store engine thread finishing a batch of units only posts
    /// their answers, it renders none of them.
    template <class CompletionToken>
    auto async_handle(const http_request& req, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, void(http_response)>(
            [this, &req](auto handler) {
                auto ex = boost::asio::get_associated_executor(handler);
                auto guard = std::make_shared<decltype(boost::asio::make_work_guard(ex))>(boost::asio::make_work_guard(ex));
                auto h = std::make_shared<decltype(handler)>(std::move(handler));
                // `done` runs inside a function posted to `ex`, never inside this initiation.
                // (this-> spelled out: clang does not see the capture used by a dependent call.)
                this->handle(
                    req,
                    [h, guard](http_response res) {
                        guard->reset();
                        std::move(*h)(std::move(res));
                    },
                    [ex](std::function<void()> f) { boost::asio::post(ex, std::move(f)); });
            },
            token);
    }

    /// Call before serving (it is read without a lock).
    void set_public_url(std::string url);

    metrics_registry& metrics() { return metrics_; }
    store_engine& engine() { return *engine_; }

    /// True for routes that chaos mode may disturb (the API, not the checkout page).
    static bool is_api_route(std::string_view target);

    /// Runs `unit` through the store engine and waits (the webhook outbox's reads and writes:
    /// writes batch with the requests' and never take a second write connection). Never from
    /// an engine thread.
    void run_store_unit(bool write, const std::function<void(store&)>& unit);
    /// Called after every committed write request (the webhook dispatcher's wake-up). Set
    /// before serving.
    void after_write(std::function<void()> f) { after_write_ = std::move(f); }

private:
    struct prepared;
    struct request_metrics;
    /// Everything before the store: a reply when the request is answered without it.
    std::variant<reply, std::shared_ptr<prepared>> prepare(const http_request& req, std::string_view& route_label);
    /// The unit of work of one request (re-runnable: it assigns p's answer and new catalog).
    void run_unit(prepared& p, store& s);
    std::shared_ptr<const catalog_map> catalogs() const;
    void install_catalog(const std::string& org, boost::json::object doc);

    /// Issue #26: rows an earlier version stored under a key-derived organisation id (the key
    /// itself) move to the key's organisation, in one transaction; logged without the key.
    void move_key_derived_organisations();

    api_options opts_;
    api_key_table keys_;   // opts_.api_keys for look-ups in constant time
    metrics_registry metrics_;   // before engine_: the engine's gauges point into both
    std::unique_ptr<request_metrics> request_metrics_;
    std::unique_ptr<store_engine> engine_;
    mutable std::mutex catalogs_mutex_;
    std::shared_ptr<const catalog_map> catalogs_;   // replaced whole after a committed /v1/sync
    std::unique_ptr<write_history[]> write_histories_;   // one per route of api_routes()

    // Several instances on one store (PostgreSQL): a /v1/sync on another instance must serve here
    // too, so each unit compares the stored catalog with the one installed (catalog_texts_, under
    // catalogs_mutex_) and installs the stored one when they differ.
    void refresh_catalog(const std::string& org, store& s);
    bool shared_store_ = false;
    std::map<std::string, std::string> catalog_texts_;   // org -> the installed catalog's text
    std::function<void()> after_write_;
};

} // namespace owo::local
