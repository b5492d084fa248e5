// Issue #26 item 2: no secret leaves owostack-local. One scenario touches every route (customers,
// the lifecycle, entities, attach and the sandbox checkout, check/track, sync, credits, add-ons,
// the wallet, billing, events, webhook endpoints with a rotation, and refusals of every kind)
// with distinctive API keys and webhook secrets; then no API key may appear in any response's
// headers or body, any event, any webhook delivery, any log line (text and JSON), /metrics,
// /ready or the store; a webhook secret made by the API appears only in the answer that made it,
// and the command line's secret nowhere. Runs on either store (server_tests_postgres).
#include "server_helpers.hpp"

#include <support/webhook_receiver.hpp>

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <set>
#include <sstream>

using namespace owo::test;
namespace json = boost::json;

namespace {

// Distinctive, so any copy anywhere is found.
const std::string key_default = "sk_test_CANARYKEY_default_4f8a2c9e1b";   // no ORG: organisation "local"
const std::string key_second = "sk_test_CANARYKEY_second_b7d35e";         // a second key of "local"
const std::string key_acme = "sk_test_CANARYKEY_acme_6e0f91";
const std::string key_readonly = "sk_test_CANARYKEY_readonly_2a91c7";      // acme, customers:read
const std::string key_wrong = "sk_test_CANARYKEY_default_4f8a2c9e1X";      // presented, configured nowhere
const std::string cli_secret = "whsec_CANARYSECRET_cli_5c2e77d1";

const std::vector<std::string> api_keys{key_default, key_second, key_acme, key_readonly, key_wrong};

std::string serialized(const raw_response& r) {
    std::string text = std::to_string(r.status) + "\n";
    for (const auto& [name, value] : r.headers) text += name + ": " + value + "\n";
    return text + r.body + "\n";
}

/// Every answer of the scenario, as text, in one transcript; the two answers that show a new
/// webhook secret are kept apart.
struct scenario {
    const local_server& srv;
    std::string transcript;
    std::string created_answer, rotated_answer;
    std::string created_secret, rotated_secret;

    raw_response ask(raw_request r) {
        auto answer = owo::test::call(srv.port(), srv.ca_file(), r);
        transcript += r.method + " " + r.target + " -> " + serialized(answer);
        return answer;
    }
    raw_response post(const std::string& target, const std::string& body, const std::string& key = key_default,
                      std::map<std::string, std::string> headers = {}) {
        return ask({.method = "POST", .target = target, .body = body, .headers = std::move(headers), .key = key});
    }
    raw_response get(const std::string& target, const std::string& key = key_default) { return ask({.target = target, .key = key}); }
    /// Fetches a sandbox checkout page (no key): the payment completes.
    void open_page(const raw_response& r, const char* field) {
        std::string url(body_of(r).at(field).as_string());
        BOOST_TEST(ask({.target = url.substr(url.find("/v1/checkout/")), .key = ""}).status == 200);
    }

    void run(const std::string& receiver_url) {
        BOOST_TEST(get("/health", "").status == 200);
        BOOST_TEST(get("/ready", "").status == 200);
        auto ext = unique("leak");
        // Customers and their lifecycle.
        auto created = post("/v1/customers", R"({"id":")" + ext + R"(","email":")" + ext + R"(@example.com","name":"Leak"})");
        BOOST_REQUIRE_MESSAGE(created.status == 200, created.body);
        std::string id(body_of(created).at("id").as_string());
        BOOST_TEST(get("/v1/customers").status == 200);
        BOOST_TEST(get("/v1/customers/lookup?externalId=" + ext).status == 200);
        BOOST_TEST(get("/v1/customers/" + id, key_second).status == 200);   // the other key of the organisation
        BOOST_TEST(ask({.method = "PATCH", .target = "/v1/customers/" + id, .body = R"({"name":"Leak 2"})", .key = key_default}).status == 200);
        auto loose = post("/v1/customers", R"({"email":")" + ext + R"(-loose@example.com"})");
        std::string loose_id(body_of(loose).at("id").as_string());
        BOOST_TEST(get("/v1/customers/unresolved").status == 200);
        BOOST_TEST(post("/v1/customers/" + loose_id + "/bind", R"({"externalId":")" + ext + R"(-bound"})").status == 200);
        // Attach with the sandbox checkout, entities and check.
        auto attached = post("/v1/attach", R"({"customer":")" + ext + R"(","product":"metered"})");
        BOOST_REQUIRE_MESSAGE(attached.status == 200, attached.body);
        open_page(attached, "checkoutUrl");
        BOOST_TEST(post("/v1/entities", R"({"customer":")" + ext + R"(","feature":"seats","entity":"u1","email":"u1@example.com"})").status == 200);
        BOOST_TEST(get("/v1/entities?customer=" + ext).status == 200);
        BOOST_TEST(post("/v1/entities/remove", R"({"customer":")" + ext + R"(","feature":"seats","entity":"u1"})").status == 200);
        BOOST_TEST(post("/v1/check", R"({"customer":")" + ext + R"(","feature":"pages","value":1})").status == 200);
        // Catalog, credits and an add-on bought through its page.
        BOOST_TEST(get("/v1/plans").status == 200);
        BOOST_TEST(get("/v1/plans/metered").status == 200);
        auto synced = post("/v1/sync", R"({"features":[],"plans":[{"slug":"leak-plan","name":"Leak","price":0,"currency":"USD",)"
                                       R"("interval":"monthly","features":[{"slug":"seats","enabled":true,"limit":3}]}]})");
        BOOST_TEST(synced.status == 200, synced.body);
        BOOST_TEST(get("/v1/credit-systems").status == 200);
        BOOST_TEST(get("/v1/credit-packs").status == 200);
        auto addon = post("/v1/addon", R"({"customer":")" + ext + R"(","pack":"credits-100"})");
        BOOST_REQUIRE_MESSAGE(addon.status == 200, addon.body);
        open_page(addon, "checkoutUrl");
        // The wallet: a card saved through its page, listed, removed.
        auto setup = post("/v1/wallet/setup", R"({"customer":")" + ext + R"("})");
        BOOST_REQUIRE_MESSAGE(setup.status == 200, setup.body);
        open_page(setup, "url");
        auto wallet = get("/v1/wallet?customer=" + ext);
        std::string method(body_of(wallet).at("card").at("id").as_string());
        // Usage of a usage-based feature is refused without a card on file (upstream's overage
        // guard), so it is tracked once the card is saved.
        auto tracked = post("/v1/track", R"({"customer":")" + ext + R"(","feature":"renders","value":3})");
        BOOST_REQUIRE_MESSAGE(tracked.status == 200 && body_of(tracked).at("allowed").as_bool(), tracked.body);
        // Billing: usage, an invoice paid through its page, the list, the next one.
        BOOST_TEST(get("/v1/billing/usage?customer=" + ext).status == 200);
        auto invoice = post("/v1/billing/invoice", R"({"customer":")" + ext + R"("})", key_default, {{"Idempotency-Key", "inv-" + ext}});
        BOOST_REQUIRE_MESSAGE(invoice.status == 200, invoice.body);
        std::string invoice_id(body_of(invoice).at("invoice").at("invoiceId").as_string());
        BOOST_TEST(post("/v1/wallet/remove", R"({"customer":")" + ext + R"(","id":")" + method + R"("})").status == 200);
        auto pay = post("/v1/billing/invoice/" + invoice_id + "/pay", "{}");
        BOOST_REQUIRE_MESSAGE(pay.status == 200, pay.body);
        open_page(pay, "checkoutUrl");
        BOOST_TEST(get("/v1/billing/invoices?customer=" + ext).status == 200);
        BOOST_TEST(get("/v1/billing/upcoming?customer=" + ext).status == 200);
        // Webhook endpoints: made (its secret shown once), listed, rotated, deleted.
        auto made = ask({.method = "POST", .target = "/v1/webhook_endpoints", .body = R"({"url":")" + receiver_url + R"("})", .key = key_default});
        transcript.resize(transcript.size() - serialized(made).size());   // kept apart: it shows the secret
        BOOST_REQUIRE_MESSAGE(made.status == 200, made.body);
        created_answer = serialized(made);
        created_secret = std::string(body_of(made).at("secret").as_string());
        std::string endpoint(body_of(made).at("id").as_string());
        BOOST_TEST(get("/v1/webhook_endpoints").status == 200);
        BOOST_TEST(post("/v1/entities", R"({"customer":")" + ext + R"(","feature":"seats","entity":"u2"})").status == 200);
        auto rotated = ask({.method = "POST", .target = "/v1/webhook_endpoints/" + endpoint + "/rotate_secret", .body = R"({"overlapSeconds":60})",
                            .key = key_default});
        transcript.resize(transcript.size() - serialized(rotated).size());
        BOOST_REQUIRE_MESSAGE(rotated.status == 200, rotated.body);
        rotated_answer = serialized(rotated);
        rotated_secret = std::string(body_of(rotated).at("secret").as_string());
        auto removed = post("/v1/entities/remove", R"({"customer":")" + ext + R"(","feature":"seats","entity":"u2"})");
        BOOST_TEST(removed.status == 200, removed.body);
        BOOST_TEST(get("/v1/webhook_endpoints").status == 200);
        // Another organisation, and a purged customer.
        BOOST_TEST(post("/v1/customers", R"({"email":")" + ext + R"(@acme.example"})", key_acme).status == 200);
        BOOST_TEST(get("/v1/customers", key_readonly).status == 200);
        BOOST_TEST(ask({.method = "DELETE", .target = "/v1/customers/" + loose_id + "?purge=true", .key = key_default}).status == 200);
        // Refusals of every kind.
        BOOST_TEST(get("/v1/customers", key_wrong).status == 401);
        BOOST_TEST(ask({.target = "/v1/customers", .headers = {{"Authorization", "Bearer " + key_default + " " + key_wrong}}, .key = ""}).status == 200);
        BOOST_TEST(ask({.target = "/v1/customers", .headers = {{"Authorization", "Basic " + key_default}}, .key = ""}).status == 401);
        BOOST_TEST(ask({.target = "/v1/customers", .headers = {{"Authorization", "Bearer " + key_wrong}, {"X-Api-Key", key_wrong}}, .key = ""}).status ==
                   401);
        BOOST_TEST(get("/v1/nowhere", key_wrong).status == 401);
        BOOST_TEST(get("/v1/nowhere").status == 404);
        BOOST_TEST(post("/v1/customers", R"({"email":"a@example.com"})", key_readonly).status == 403);
        BOOST_TEST(post("/v1/customers", "{bad").status == 400);
        BOOST_TEST(post("/v1/billing/invoice", R"({"customer":"other"})", key_default, {{"Idempotency-Key", "inv-" + ext}}).status == 409);
        BOOST_TEST(get("/v1/customers/00000000-0000-0000-0000-000000000000").status == 404);
        BOOST_TEST(ask({.method = "DELETE", .target = "/v1/webhook_endpoints/" + endpoint, .key = key_default}).status == 200);
        auto events = get("/v1/events?limit=100");
        BOOST_TEST(body_of(events).at("events").as_array().size() >= 10u);
        BOOST_TEST(get("/v1/events", key_acme).status == 200);
        BOOST_TEST(get("/metrics", "").status == 200);
        BOOST_TEST(get("/ready", "").status == 200);
    }
};

std::vector<std::string> found_in(const std::string& text, const std::vector<std::string>& secrets) {
    std::vector<std::string> found;
    for (const auto& s : secrets)
        if (text.find(s) != std::string::npos) found.push_back(s);
    return found;
}

void expect_none(const std::string& where, const std::string& text, const std::vector<std::string>& secrets) {
    auto found = found_in(text, secrets);
    BOOST_TEST(found.empty(), where << " holds " << found.size() << " secret(s), the first: " << (found.empty() ? "" : found.front()));
}

void leak_scenario(const std::string& log_format) {
    lasting_store store;
    webhook_receiver receiver;
    auto o = store.options({key_default, key_second + ":local", key_acme + ":acme", key_readonly + ":acme:customers:read"});
    o.catalog = OWOSTACK_SOURCE_DIR "/tests/conformance/catalog.json";
    auto log = store.dir() / "server.log";
    o.stderr_file = log.string();
    o.extra_args = {"--log-format", log_format, "--webhook", receiver.url(), "--webhook-secret", cli_secret,
                    "--webhook-retry-base-ms", "100"};
    local_server srv(o);
    scenario s{srv};
    s.run(receiver.url());

    // Deliveries: every event of both organisations to the command line's endpoints (and some to
    // the API's, while it existed).
    auto local_events = body_of(owo::test::call(srv.port(), srv.ca_file(), {.target = "/v1/events?limit=100", .key = key_default}));
    auto acme_events = body_of(owo::test::call(srv.port(), srv.ca_file(), {.target = "/v1/events?limit=100", .key = key_acme}));
    std::set<std::string> owed;
    for (const auto* page : {&local_events, &acme_events})
        for (const auto& e : page->at("events").as_array()) owed.insert(std::string(e.at("id").as_string()));
    BOOST_TEST(receiver.wait_until(
        [&](const auto& got) {
            std::set<std::string> left = owed;
            for (const auto& d : got) left.erase(d.event_id);
            return left.empty();
        },
        std::chrono::seconds(30)));
    std::string delivered;
    for (const auto& d : receiver.received()) delivered += d.head + "\n" + d.body + "\n";
    BOOST_TEST(delivered.find("\"organization\":\"local\"") != std::string::npos);
    BOOST_TEST(delivered.find("\"organization\":\"acme\"") != std::string::npos);
    BOOST_TEST(s.transcript.find("\"organization\":\"local\"") != std::string::npos);   // the events were read
    BOOST_TEST(s.transcript.find("owostack_http_requests_total") != std::string::npos);   // and /metrics
    auto running = store.contents();
    BOOST_TEST(srv.stop() == 0);
    auto logged = file_text(log);
    // The log has one line per request (so it could have leaked).
    BOOST_TEST(logged.find(log_format == "json" ? "\"path\":\"/v1/customers\"" : "path=\"/v1/customers\"") != std::string::npos, logged);

    std::vector<std::string> every_secret = api_keys;
    every_secret.insert(every_secret.end(), {cli_secret, s.created_secret, s.rotated_secret});
    BOOST_TEST(s.created_secret.starts_with("whsec_"));
    BOOST_TEST(s.rotated_secret.starts_with("whsec_"));
    expect_none("the answers", s.transcript, every_secret);
    expect_none("the deliveries", delivered, every_secret);
    expect_none("the log", logged, every_secret);
    expect_none("the store while running", running, api_keys);   // webhook secrets are kept, to sign with
    expect_none("the store after exit", store.contents(), api_keys);
    // Each API-made secret is shown once, in the answer that made it, and nothing else there.
    BOOST_TEST(found_in(s.created_answer, every_secret) == std::vector<std::string>{s.created_secret});
    BOOST_TEST(found_in(s.rotated_answer, every_secret) == std::vector<std::string>{s.rotated_secret});
}

} // namespace

BOOST_AUTO_TEST_SUITE(secret_leaks)

BOOST_AUTO_TEST_CASE(no_secret_leaves_the_server_with_text_logs) { leak_scenario("text"); }

BOOST_AUTO_TEST_CASE(no_secret_leaves_the_server_with_json_logs) { leak_scenario("json"); }

BOOST_AUTO_TEST_SUITE_END()
