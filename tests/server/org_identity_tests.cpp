// Organisation identity (issue #26): a key given without ORG belongs to the default organisation
// "local", never to an id made from the key; keys rotate without losing anything; a database an
// earlier version wrote under key-derived ids is migrated in place at start-up; keys are looked
// up in constant time; the generated TLS directory of :memory: and --store servers goes at exit.
// On either store (server_tests_postgres runs these on PostgreSQL).
#include "server_helpers.hpp"

#include <api/api_keys.hpp>

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <filesystem>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace owo::test;

namespace {

const std::string conformance_catalog = OWOSTACK_SOURCE_DIR "/tests/conformance/catalog.json";

raw_response ask(const local_server& srv, raw_request r) { return owo::test::call(srv.port(), srv.ca_file(), r); }

/// A customer on the paid "metered" plan (checkout paid through the sandbox page), a card, a seat, usage,
/// an open invoice (with an idempotency key, so its answer is recorded) and a webhook endpoint:
/// a row in every table that names an organisation. Returns the customer's external id.
std::string populate(const local_server& srv, const std::string& key) {
    auto id = unique("org-owner");
    auto created = ask(srv, {.method = "POST", .target = "/v1/customers", .body = R"({"id":")" + id + R"(","email":")" + id + R"(@example.com"})", .key = key});
    BOOST_REQUIRE_MESSAGE(created.status == 200, created.body);
    auto attached = ask(srv, {.method = "POST", .target = "/v1/attach", .body = R"({"customer":")" + id + R"(","product":"metered"})", .key = key});
    BOOST_REQUIRE_MESSAGE(attached.status == 200, attached.body);
    auto checkout = std::string(body_of(attached).at("checkoutUrl").as_string());
    BOOST_REQUIRE(ask(srv, {.target = checkout.substr(checkout.find("/v1/checkout/")), .key = ""}).status == 200);
    BOOST_REQUIRE(ask(srv, {.method = "POST", .target = "/v1/entities", .body = R"({"customer":")" + id + R"(","feature":"seats","entity":"s1"})", .key = key}).status == 200);
    // A card on file: usage of a usage-based feature is refused without one (upstream's guard).
    auto setup = ask(srv, {.method = "POST", .target = "/v1/wallet/setup", .body = R"({"customer":")" + id + R"("})", .key = key});
    BOOST_REQUIRE_MESSAGE(setup.status == 200, setup.body);
    auto card_page = std::string(body_of(setup).at("url").as_string());
    BOOST_REQUIRE(ask(srv, {.target = card_page.substr(card_page.find("/v1/")), .key = ""}).status == 200);
    BOOST_REQUIRE(ask(srv, {.method = "POST", .target = "/v1/track", .body = R"({"customer":")" + id + R"(","feature":"renders","value":3})", .key = key}).status == 200);
    auto invoice = ask(srv, {.method = "POST", .target = "/v1/billing/invoice", .body = R"({"customer":")" + id + R"("})",
                             .headers = {{"Idempotency-Key", "invoice-" + id}}, .key = key});
    BOOST_REQUIRE_MESSAGE(invoice.status == 200, invoice.body);
    auto hook = ask(srv, {.method = "POST", .target = "/v1/webhook_endpoints", .body = R"({"url":"http://127.0.0.1:9/hooks"})", .key = key});
    BOOST_REQUIRE_MESSAGE(hook.status == 200, hook.body);
    return id;
}

/// Everything populate() made is there for `key`, under organisation `org`.
void check_populated(const local_server& srv, const std::string& key, const std::string& id, const std::string& org) {
    auto found = ask(srv, {.target = "/v1/customers/lookup?externalId=" + id, .key = key});
    BOOST_REQUIRE_MESSAGE(found.status == 200, found.body);
    std::string internal(body_of(found).at("id").as_string());
    BOOST_TEST(body_of(ask(srv, {.target = "/v1/entities?customer=" + id, .key = key})).at("total").as_int64() == 1);
    auto invoices = body_of(ask(srv, {.target = "/v1/billing/invoices?customer=" + id, .key = key})).at("invoices").as_array();
    BOOST_REQUIRE_EQUAL(invoices.size(), 1u);
    BOOST_TEST(invoices.at(0).at("organizationId").as_string() == org);
    auto events = body_of(ask(srv, {.target = "/v1/events?customer=" + internal, .key = key})).at("events").as_array();
    BOOST_TEST(events.size() >= 4u);   // customer.created, plan.attached, subscription.activated, entity.added
    for (const auto& e : events) BOOST_TEST(e.at("organization").as_string() == org);
    BOOST_TEST(body_of(ask(srv, {.target = "/v1/webhook_endpoints", .key = key})).at("endpoints").as_array().size() == 1u);
    BOOST_TEST(body_of(ask(srv, {.target = "/v1/wallet?customer=" + id, .key = key})).at("hasCard").as_bool() == true);
    // The recorded invoice answer replays with the organisation it has now.
    auto replay = ask(srv, {.method = "POST", .target = "/v1/billing/invoice", .body = R"({"customer":")" + id + R"("})",
                            .headers = {{"Idempotency-Key", "invoice-" + id}}, .key = key});
    BOOST_TEST(replay.headers.count("idempotent-replayed") == 1u);
    BOOST_TEST(replay.status == 200);
}

/// An entity for a customer named by an email two customers share: a 409 naming the organisation,
/// recorded under an idempotency key.
raw_request ambiguous(const std::string& id, const std::string& key) {
    return {.method = "POST", .target = "/v1/entities",
            .body = R"({"customer":"shared-)" + id + R"(@example.com","feature":"seats","entity":"e"})",
            .headers = {{"Idempotency-Key", "ambiguous-" + id}}, .key = key};
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(organisation_identity)

BOOST_AUTO_TEST_CASE(a_key_without_org_belongs_to_the_default_organisation_and_rotates) {
    lasting_store store;
    const std::string old_key = "sk_test_ROTATE_OLD_7c1f3e", new_key = "sk_test_ROTATE_NEW_90ab44";
    std::string id;
    {
        auto o = store.options({old_key});
        o.catalog = conformance_catalog;
        local_server srv(o);
        id = populate(srv, old_key);
        check_populated(srv, old_key, id, "local");
        BOOST_TEST(srv.stop() == 0);
    }
    BOOST_TEST(count_of(store.contents(), old_key) == 0u);
    // Rotation: the new key alone, same (default) organisation: nothing is lost, the old key is refused.
    auto o = store.options({new_key});
    o.catalog = conformance_catalog;
    local_server srv(o);
    check_populated(srv, new_key, id, "local");
    BOOST_TEST(ask(srv, {.target = "/v1/customers/lookup?externalId=" + id, .key = old_key}).status == 401);
    srv.stop();
    // Several keys of one organisation, named or default, see the same customers.
    auto both = store.options({"sk_test_ONE_b81c:acme", "sk_test_TWO_3d9e:acme", new_key});
    both.catalog = conformance_catalog;
    local_server shared(both);
    auto acme = unique("acme");
    BOOST_TEST(ask(shared, {.method = "POST", .target = "/v1/customers", .body = R"({"id":")" + acme + R"(","email":")" + acme + R"(@example.com"})",
                            .key = "sk_test_ONE_b81c"}).status == 200);
    BOOST_TEST(ask(shared, {.target = "/v1/customers/lookup?externalId=" + acme, .key = "sk_test_TWO_3d9e"}).status == 200);
    BOOST_TEST(ask(shared, {.target = "/v1/customers/lookup?externalId=" + acme, .key = new_key}).status == 404);
    BOOST_TEST(ask(shared, {.target = "/v1/customers/lookup?externalId=" + id, .key = new_key}).status == 200);
    shared.stop();
}

// A database as an earlier version left it for `--api-key A --api-key B`: every row of each
// organisation under the key itself. Started with both keys without ORG, A's rows would move to
// "local" and B's too, merging two organisations: refused as a whole, nothing changed. Started
// with A (no ORG) and B:kept, each moves in place, in one transaction, logged without the keys,
// recorded answers rewritten; on SQLite the keys' bytes are gone from the files.
BOOST_AUTO_TEST_CASE(an_earlier_versions_key_derived_rows_move_in_place) {
    lasting_store store;
    const std::string key_a = "sk_test_LEGACY_A_e5d2a71c04", key_b = "sk_test_LEGACY_B_93f0c2d8aa";
    std::string id_a, id_b;
    {
        auto o = store.options({key_a + ":legacy_a", key_b + ":legacy_b"});
        o.catalog = conformance_catalog;
        local_server srv(o);
        id_a = populate(srv, key_a);
        id_b = populate(srv, key_b);
        // A recorded answer naming the organisation: two customers share an email, so it is ambiguous.
        for (const char* ext : {"-a", "-b"})
            BOOST_REQUIRE(ask(srv, {.method = "POST", .target = "/v1/customers",
                                    .body = R"({"id":")" + id_b + ext + R"(","email":"shared-)" + id_b + R"(@example.com"})", .key = key_b}).status == 200);
        BOOST_TEST(ask(srv, ambiguous(id_b, key_b)).status == 409);
        BOOST_TEST(srv.stop() == 0);
    }
    // What the earlier version wrote: the key as the organisation id, in rows and recorded answers.
    std::string fixture;
    for (const auto& [org, key] : {std::pair{"legacy_a", key_a}, std::pair{"legacy_b", key_b}}) {
        for (const char* table : {"customers", "subscriptions", "payment_methods", "invoices", "payment_sessions", "catalogs", "events",
                                  "webhook_endpoints", "webhook_deliveries", "idempotency"})
            fixture += std::string("UPDATE ") + table + " SET org = '" + key + "' WHERE org = '" + org + "';";
        fixture += "UPDATE idempotency SET body = replace(body, 'organization ''" + std::string(org) + "'' match', 'organization ''" + key + "'' match');";
    }
    store.sql(fixture);
    BOOST_REQUIRE_EQUAL(count_of(store.sql("SELECT org FROM customers"), key_a), 1u);
    BOOST_REQUIRE_EQUAL(count_of(store.sql("SELECT org FROM customers"), key_b), 3u);
    BOOST_REQUIRE_EQUAL(count_of(store.sql("SELECT body FROM idempotency"), key_b), 1u);

    auto start = [&](std::vector<std::string> keys, const std::string& log_name) {
        auto o = store.options(std::move(keys));
        o.catalog = conformance_catalog;
        o.stderr_file = (store.dir() / log_name).string();
        return o;
    };
    // Both into "local": two organisations' event sequences cannot be merged. Nothing changes.
    BOOST_CHECK_THROW(local_server{start({key_a, key_b}, "refused.log")}, std::runtime_error);
    auto refused = file_text(store.dir() / "refused.log");
    BOOST_TEST(refused.find("cannot move to 'local', which holds data of its own") != std::string::npos, refused);
    BOOST_TEST(count_of(refused, "sk_test_LEGACY") == 0u, refused);
    BOOST_TEST(count_of(store.sql("SELECT org FROM customers"), key_a) == 1u);
    BOOST_TEST(count_of(store.sql("SELECT org FROM customers"), key_b) == 3u);

    // A without ORG: "local"; B under a name of its own.
    auto o = start({key_a, key_b + ":kept"}, "migration.log");
    {
        local_server srv(o);
        check_populated(srv, key_a, id_a, "local");
        check_populated(srv, key_b, id_b, "kept");
        auto replay = ask(srv, ambiguous(id_b, key_b));
        BOOST_TEST(replay.headers.count("idempotent-replayed") == 1u);
        BOOST_TEST(replay.body.find("Multiple customers in organization 'kept' match") != std::string::npos, replay.body);
        BOOST_TEST(srv.stop() == 0);
    }
    auto text = file_text(store.dir() / "migration.log");
    BOOST_TEST(text.find("owostack-local: migrated ") != std::string::npos, text);
    BOOST_TEST(text.find(" rows of 2 organisation(s) from key-derived ids to 'kept', 'local'") != std::string::npos, text);
    BOOST_TEST(count_of(text, "sk_test_LEGACY") == 0u, text);
    BOOST_TEST(store.sql("SELECT count(*) FROM customers WHERE org = 'local'") == "1\n");
    BOOST_TEST(store.sql("SELECT count(*) FROM customers WHERE org = 'kept'") == "3\n");
    BOOST_TEST(count_of(store.contents(), "sk_test_LEGACY") == 0u, "a key is still in the store");   // SQLite: every byte of the files

    // Started again: nothing left to migrate, nothing logged.
    std::filesystem::remove(store.dir() / "migration.log");
    {
        local_server again(o);
        check_populated(again, key_b, id_b, "kept");
        again.stop();
    }
    BOOST_TEST(file_text(store.dir() / "migration.log").find("migrated") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_org_equal_to_its_key_or_a_bad_scope_is_refused_without_the_key) {
    for (std::string bad : {"sk_test_SAMEORG_77:sk_test_SAMEORG_77", "sk_test_BADSCOPE_88:o:customers:admin"}) {
        BOOST_TEST_CONTEXT(bad) {
            lasting_store store;
            auto o = store.options({"sk_test_fine:org_f", bad});
            auto log = store.dir() / "refused.log";
            o.stderr_file = log.string();
            BOOST_CHECK_THROW(local_server{o}, std::runtime_error);
            auto text = file_text(log);
            BOOST_TEST(text.find("--api-key #2") != std::string::npos, text);
            BOOST_TEST(text.find(bad.substr(0, bad.find(':'))) == std::string::npos, text);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(constant_time_keys)

// The look-up's answers; that it takes as long for a wrong key sharing a long prefix with a real
// one as for one sharing none is measured by bench/key_lookup (bench/README.md), not asserted here.
BOOST_AUTO_TEST_CASE(finds_exactly_the_configured_keys) {
    const std::string long_key(64, 'k');
    owo::local::api_key_table table({{long_key, "org_long"}, {"sk_short", "org_short"}, {"sk_scoped", "org_s"}},
                                    {{"sk_scoped", *owo::local::scope_set::parse("customers:read")}});
    BOOST_REQUIRE(table.find(long_key));
    BOOST_TEST(table.find(long_key)->org == "org_long");
    BOOST_TEST(table.find("sk_short")->org == "org_short");
    BOOST_TEST(table.find("sk_scoped")->scopes.holds(owo::local::scope::customers_read));
    BOOST_TEST(!table.find("sk_scoped")->scopes.holds(owo::local::scope::customers_write));
    BOOST_TEST(table.find(long_key)->scopes.holds(owo::local::scope::billing_write));
    for (std::string wrong : {long_key.substr(0, 63), long_key + "k", long_key.substr(0, 63) + "x", std::string("sk_shor"), std::string("sk_shortt"),
                              std::string(""), std::string("SK_SHORT"), std::string("sk_short\0", 9)})
        BOOST_TEST(table.find(wrong) == nullptr, wrong);
    BOOST_TEST(owo::local::api_key_table({}, {}).find("anything") == nullptr);
}

BOOST_AUTO_TEST_CASE(a_key_without_org_parses_to_the_default_organisation) {
    auto k = owo::local::parse_api_key("sk_x", 1);
    BOOST_TEST(k.key == "sk_x");
    BOOST_TEST(k.org == "local");
    BOOST_TEST(k.scopes.holds(owo::local::scope::billing_write));
    auto scoped = owo::local::parse_api_key("sk_y:acme:entities:read", 2);
    BOOST_TEST(scoped.org == "acme");
    BOOST_TEST(scoped.scopes.holds(owo::local::scope::entities_read));
    BOOST_TEST(!scoped.scopes.holds(owo::local::scope::entities_write));
    BOOST_CHECK_THROW(owo::local::parse_api_key(":acme", 1), std::invalid_argument);
    BOOST_CHECK_THROW(owo::local::parse_api_key("sk_z:", 1), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

// Issue #26 item 5: with :memory: (or --store) the server generates its TLS material, private key
// included, into a fresh directory under $TMPDIR and removes it when it exits, on SIGTERM and
// SIGINT alike (and on a start that fails after making it).
BOOST_AUTO_TEST_SUITE(temporary_files)

BOOST_AUTO_TEST_CASE(the_generated_tls_directory_goes_at_exit) {
    for (int signal : {SIGTERM, SIGINT}) {
        BOOST_TEST_CONTEXT("signal " << signal) {
            auto tmp = fs::temp_directory_path() / unique("owostack-tmpdir");
            fs::create_directories(tmp);
            local_server_options o;   // ":memory:", or a PostgreSQL database under postgres_test.sh
            o.tmpdir = tmp.string();
            local_server srv(o);
            BOOST_TEST(fs::path(srv.ca_file()).parent_path().parent_path() == tmp);
            BOOST_TEST(fs::exists(fs::path(srv.ca_file()).parent_path() / "server.key"));
            BOOST_TEST(ask(srv, {.target = "/v1/plans"}).status == 200);
            BOOST_TEST(srv.stop(signal) == 0);
            BOOST_TEST(fs::is_empty(tmp), "left behind in " << tmp);
            fs::remove_all(tmp);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
