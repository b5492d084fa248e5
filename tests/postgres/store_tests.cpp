// postgres_store against a real PostgreSQL (a fresh database of the fixture's cluster): the
// migrations, each method's round trip where SQLite and PostgreSQL could differ (NULLs, byte-wise
// id order, upserts, booleans, doubles), and the guard on COMMIT of a failed transaction.
#include <support/postgres.hpp>

#include "store/postgres_engine.hpp"
#include "store/postgres_store.hpp"

#include <boost/test/unit_test.hpp>

#include <csignal>

#include <signal.h>

using namespace owo::local;

namespace {

pg_connect_options quick() { return {}; }

struct fresh_db {
    fresh_db() {
        auto cluster = owo::test::test_postgres_url();
        BOOST_REQUIRE_MESSAGE(cluster, "run through postgres_test.sh (OWOSTACK_TEST_POSTGRES)");
        url = owo::test::fresh_postgres_database(*cluster);
        db = std::make_unique<pg_connection>(url, quick());
        migrate_postgres(*db);
    }
    std::string url;
    std::unique_ptr<pg_connection> db;
};

customer_row customer(std::string id, std::int64_t created_at) {
    customer_row c;
    c.id = std::move(id);
    c.org = "org";
    c.email = c.id + "@example.com";
    c.name = "N";
    c.created_at = c.updated_at = created_at;
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(postgres_store_on_postgres)

BOOST_AUTO_TEST_CASE(migrations_run_once_and_refuse_a_newer_schema) {
    fresh_db f;
    migrate_postgres(*f.db);   // again: nothing to do
    auto v = f.db->exec("SELECT version FROM schema_version", pg_params{});
    BOOST_REQUIRE_EQUAL(v.rows(), 1);
    BOOST_TEST(v.integer(0, 0) == postgres_schema_version());
    // The keyset index exists, on (org, created_at, id).
    auto idx = f.db->exec("SELECT indexdef FROM pg_indexes WHERE indexname = 'customers_by_creation'", pg_params{});
    BOOST_REQUIRE_EQUAL(idx.rows(), 1);
    BOOST_TEST(idx.text(0, 0).find("(org, created_at, id)") != std::string::npos);

    f.db->exec("UPDATE schema_version SET version = version + 1");
    BOOST_CHECK_EXCEPTION(migrate_postgres(*f.db), std::runtime_error, [](const std::runtime_error& e) {
        return std::string(e.what()).find("newer owostack-local") != std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(rows_round_trip_with_nulls_booleans_and_byte_order) {
    fresh_db f;
    postgres_store s(*f.db, pg_access::write);
    f.db->exec("BEGIN");
    auto full = customer("a-full", 10);
    full.external_id = "ext";
    full.metadata = R"({"k":1})";
    full.external_organization_id = "acme";
    full.version = 3;
    s.insert_customer(full);
    s.insert_customer(customer("B", 20));
    s.insert_customer(customer("a", 20));   // same created_at: "B" < "a" byte-wise, as in SQLite
    f.db->commit();

    auto got = s.customers_by_external_id("org", "ext");
    BOOST_REQUIRE_EQUAL(got.size(), 1u);
    BOOST_TEST(*got[0].metadata == R"({"k":1})");
    BOOST_TEST(*got[0].external_organization_id == "acme");
    BOOST_TEST(got[0].version == 3);
    BOOST_TEST(!got[0].deleted_at);
    BOOST_TEST(!got[0].purged);

    customer_page_query q{.org = "org"};
    auto page = s.list_customers(q);
    BOOST_REQUIRE_EQUAL(page.size(), 3u);
    BOOST_TEST(page[1].id == "B");
    BOOST_TEST(page[2].id == "a");
    q.after = std::pair<std::int64_t, std::string>{20, "B"};
    page = s.list_customers(q);
    BOOST_REQUIRE_EQUAL(page.size(), 1u);
    BOOST_TEST(page[0].id == "a");

    auto b = s.customers_by_id("org", "B").at(0);
    b.deleted_at = 30;
    b.purged = true;
    s.update_customer(b);
    BOOST_TEST(s.customers_by_id("org", "B").empty());
    BOOST_TEST(s.customer_including_deleted("org", "B")->purged);
    BOOST_TEST(s.last_deleted_customer("org", std::nullopt, std::string("B@example.com"))->id == "B");
    BOOST_TEST(!s.last_deleted_customer("org", std::string("ext"), std::nullopt));
    BOOST_TEST(s.list_customers({.org = "org", .unresolved_only = true}).size() == 1u);   // "a"
    BOOST_TEST(s.list_customers({.org = "org", .include_deleted = true}).size() == 3u);
}

BOOST_AUTO_TEST_CASE(usage_idempotency_catalog_entities_subscriptions) {
    fresh_db f;
    postgres_store s(*f.db, pg_access::write);
    s.insert_customer(customer("c1", 1));
    s.add_usage("c1", "api", "", 100, 1.5);
    s.add_usage("c1", "api", "", 100, 0.25);
    BOOST_TEST(s.usage("c1", "api", "", 100) == 1.75);
    BOOST_TEST(s.usage("c1", "api", "e", 100) == 0.0);

    s.insert_idempotency("org", "k", {"fp", 200, "application/json", R"({"id":"c1"})"}, 5);
    BOOST_TEST(s.find_idempotency("org", "k")->status == 200);
    s.erase_idempotency_mentioning("org", "c1");
    BOOST_TEST(!s.find_idempotency("org", "k"));

    s.save_catalog("org", "{}");
    s.save_catalog("org", R"({"plans":[]})");
    BOOST_TEST(*s.catalog("org") == R"({"plans":[]})");

    s.insert_entity({"c1", "seats", "u1", std::nullopt, std::string("u@x.io"), std::nullopt, "active", 7});
    BOOST_TEST(s.count_entities("c1", "seats") == 1);
    BOOST_TEST(s.list_entities("c1", std::nullopt).size() == 1u);
    BOOST_TEST(s.list_entities("c1", std::string("other")).empty());
    s.delete_entities("c1");
    BOOST_TEST(s.count_entities("c1", "seats") == 0);

    s.insert_subscription({"s1", "org", "c1", "pro", "pending_checkout", std::string("tok"), 1, 1, 2, std::nullopt});
    s.set_subscription_status("s1", "active");
    BOOST_TEST(s.subscription_by_token("tok")->status == "active");
    BOOST_TEST(s.subscriptions("c1", "active").size() == 1u);
}

// SQLite keeps any text; PostgreSQL's text refuses U+0000, so the store escapes it (and its
// escape character): what goes in comes out, and a lookup by the same text finds it.
BOOST_AUTO_TEST_CASE(text_with_nul_and_the_escape_character_round_trips) {
    fresh_db f;
    postgres_store s(*f.db, pg_access::write);
    auto c = customer("nul", 1);
    c.name = std::string("a\0b\1c\1\2d\0", 9);
    c.email = std::string("e\0@x.io", 7);
    s.insert_customer(c);
    auto got = s.customers_by_email("org", c.email);
    BOOST_REQUIRE_EQUAL(got.size(), 1u);
    BOOST_TEST(got[0].name == c.name);
    BOOST_TEST(got[0].email == c.email);
    BOOST_TEST(s.customers_by_email("org", "e@x.io").empty());
}

BOOST_AUTO_TEST_CASE(commit_of_a_failed_transaction_throws_instead_of_rolling_back_silently) {
    fresh_db f;
    postgres_store s(*f.db, pg_access::write);
    s.insert_customer(customer("dup", 1));
    f.db->exec("BEGIN");
    BOOST_CHECK_THROW(s.insert_customer(customer("dup", 1)), postgres_error);
    BOOST_CHECK_EXCEPTION(f.db->commit(), postgres_error, [](const postgres_error& e) { return e.sqlstate == "23505"; });
    f.db->exec("ROLLBACK");
}

// A backend that stops answering (SIGSTOP: as a hung server or a vanished machine looks from
// here) breaks the connection after the reply timeout instead of holding the worker forever.
BOOST_AUTO_TEST_CASE(a_database_that_stops_answering_breaks_the_connection) {
    fresh_db f;
    pg_connection db(f.url, {.statement_timeout = std::chrono::milliseconds(300)});
    auto backend = static_cast<pid_t>(db.exec("SELECT pg_backend_pid()", pg_params{}).integer(0, 0));
    BOOST_REQUIRE_EQUAL(::kill(backend, SIGSTOP), 0);
    struct resume {
        pid_t pid;
        ~resume() { ::kill(pid, SIGCONT); }
    } on_exit{backend};
    BOOST_CHECK_EXCEPTION(db.exec("SELECT 1", pg_params{}), postgres_error, [](const postgres_error& e) {
        return e.connection_lost && std::string(e.what()).find("no reply within 1000 ms") != std::string::npos;
    });
    BOOST_TEST(db.broken());
}

BOOST_AUTO_TEST_CASE(urls_in_logs_carry_no_password) {
    BOOST_TEST(redacted_url("postgres://owo:s3cret@db:5432/x?sslmode=require") == "postgres://owo:***@db:5432/x?sslmode=require");
    BOOST_TEST(redacted_url("postgresql://owo@db/x") == "postgresql://owo@db/x");
    BOOST_TEST(redacted_url("postgres://db/x?password=s3cret&sslmode=require") == "postgres://db/x?password=***&sslmode=require");
}

// Billing (#19): balances add up, methods and invoices round trip (ids in byte order, items in
// position order, the keyset bound), a missing method is not deleted.
BOOST_AUTO_TEST_CASE(billing_rows_round_trip) {
    fresh_db f;
    postgres_store s(*f.db, pg_access::write);
    s.insert_customer(customer("c1", 1));
    BOOST_TEST(s.credit_balance("c1", "ai") == 0.0);
    s.add_credits("c1", "ai", 200);
    s.add_credits("c1", "ai", -2.5);
    BOOST_TEST(s.credit_balance("c1", "ai") == 197.5);
    s.add_usage("c1", "pages", "a", 10, 3);
    s.add_usage("c1", "pages", "b", 10, 4);
    BOOST_TEST(s.period_usage("c1", "pages", 10) == 7.0);
    s.set_billed_usage("c1", "pages", 10, 5);
    s.set_billed_usage("c1", "pages", 10, 7);
    BOOST_TEST(s.billed_usage("c1", "pages", 10) == 7);

    s.insert_payment_method({"pm_b", "org", "c1", "sandbox", "card", std::string("4242"), std::string("visa"), 12, 2034, true, true, 5});
    s.insert_payment_method({"pm_a", "org", "c1", "sandbox", "provider_managed", std::nullopt, std::nullopt, std::nullopt,
                             std::nullopt, false, true, 5});
    s.clear_default_payment_method("c1");
    auto methods = s.payment_methods("org", "c1");
    BOOST_REQUIRE_EQUAL(methods.size(), 2u);
    BOOST_TEST(methods[0].id == "pm_a");   // same created_at: by id
    BOOST_TEST(!methods[0].card_last4);
    BOOST_TEST(*methods[1].card_exp_year == 2034);
    BOOST_TEST(!methods[1].is_default);
    BOOST_TEST(!s.delete_payment_method("org", "c1", "pm_x"));
    BOOST_TEST(s.delete_payment_method("org", "c1", "pm_a"));

    for (int n = 1; n <= 3; ++n) {
        invoice_row i{"inv_" + std::to_string(n), "org", "c1", "INV-0000" + std::to_string(n), "open", "USD"};
        i.total = i.amount_due = 100 * n;
        i.created_at = n == 3 ? 2 : 1;   // inv_1, inv_2 share a created_at
        i.items = {{"it_" + std::to_string(n) + "b", i.id, "pages", "second", 1, 2, 2, 0, 1, std::nullopt},
                   {"it_" + std::to_string(n) + "a", i.id, "pages", "first", 1, 3, 3, 0, 1, std::string(R"({"ratingModel":"package"})")}};
        s.insert_invoice(i);
    }
    BOOST_TEST(s.count_invoices("org") == 3);
    auto page = s.invoices("org", "c1", std::nullopt, 2);
    BOOST_REQUIRE_EQUAL(page.size(), 2u);
    BOOST_TEST(page[0].id == "inv_3");
    BOOST_TEST(page[1].id == "inv_2");
    BOOST_TEST(page[1].items.at(0).description == "second");   // in position order
    auto rest = s.invoices("org", "c1", std::make_pair(page[1].created_at, page[1].id), 2);
    BOOST_REQUIRE_EQUAL(rest.size(), 1u);
    BOOST_TEST(rest[0].id == "inv_1");
    auto paid = *s.invoice("org", "inv_1");
    BOOST_TEST(*paid.items.at(1).metadata == R"({"ratingModel":"package"})");
    paid.status = "paid";
    paid.amount_paid = 100;
    paid.amount_due = 0;
    paid.paid_at = 9;
    s.update_invoice_payment(paid);
    BOOST_TEST(*s.invoice("org", "inv_1")->paid_at == 9);
    BOOST_TEST(!s.invoice("other", "inv_1"));

    s.insert_payment_session({"tok", "org", "c1", "addon", "{}", "open", 3});
    s.set_payment_session_status("tok", "completed");
    BOOST_TEST(s.payment_session("tok")->status == "completed");
    BOOST_TEST(!s.payment_session("nope"));
}

// Events (#18): numbered per organisation, queued for the endpoints whose types match, listed
// with filters, delivered out of the outbox, pruned but never an organisation's last; claims.
BOOST_AUTO_TEST_CASE(events_outbox_and_claims) {
    fresh_db f;
    postgres_store s(*f.db, pg_access::write);
    s.insert_webhook_endpoint({"we_all", "org", "http://127.0.0.1:1/h", "", "whsec_1", std::nullopt, std::nullopt, 1, false});
    s.insert_webhook_endpoint({"we_upd", "org", "http://127.0.0.1:1/h", ",customer.updated,", "whsec_2", std::nullopt,
                               std::nullopt, 2, true});
    auto append = [&](std::string org, std::string type, std::string customer, std::int64_t at) {
        event_row e{"evt_" + org + std::to_string(at), org, 0, std::move(type), std::move(customer), at, R"({"n":1})"};
        s.append_event(e);
        return e.seq;
    };
    BOOST_TEST(append("org", "customer.created", "c1", 10) == 1);
    BOOST_TEST(append("org", "customer.updated", "c1", 11) == 2);
    BOOST_TEST(append("other", "customer.created", "c9", 12) == 1);
    BOOST_TEST(append("org", "customer.created", "c2", 13) == 3);

    BOOST_TEST(s.list_events({.org = "org"}).size() == 3u);
    BOOST_TEST(s.list_events({.org = "org", .after_seq = 2}).at(0).seq == 3);
    BOOST_TEST(s.list_events({.org = "org", .types = {"customer.updated"}}).size() == 1u);
    BOOST_TEST(s.list_events({.org = "org", .customer_id = std::string("c2")}).at(0).data == R"({"n":1})");

    BOOST_TEST(s.pending_delivery_count() == 4);   // we_all: 3, we_upd: 1
    auto all = s.pending_deliveries("we_all", 10);
    BOOST_REQUIRE_EQUAL(all.size(), 3u);
    BOOST_TEST(all[2].event.seq == 3);
    BOOST_TEST(*s.first_pending_due("we_upd") == 11);
    s.record_webhook_attempts({{"we_all", 1, webhook_attempt_outcome::state::delivered, 1, 10, ""},
                               {"we_all", 2, webhook_attempt_outcome::state::retry, 1, 500, "HTTP 500"}},
                              20);
    BOOST_TEST(*s.first_pending_due("we_all") == 500);
    s.record_webhook_attempts({{"we_all", 2, webhook_attempt_outcome::state::failed, 2, 500, "HTTP 500"}}, 30);
    BOOST_TEST(s.pending_deliveries("we_all", 10).at(0).event.seq == 3);   // failed ones are stepped over

    // Everything old: what no endpoint waits for goes, never an organisation's last.
    s.delete_webhook_endpoint("org", "we_upd");
    BOOST_TEST(!s.webhook_endpoint("org", "we_upd"));
    s.record_webhook_attempts({{"we_all", 3, webhook_attempt_outcome::state::delivered, 1, 13, ""}}, 40);
    BOOST_TEST(s.prune_events(1'000) == 2);   // org's 1 and 2 (2's failed delivery goes first); 3 and other's 1 stay
    BOOST_TEST(s.list_events({.org = "org"}).size() == 1u);
    BOOST_TEST(append("org", "customer.created", "c3", 14) == 4);   // numbers go on

    auto w = *s.webhook_endpoint("org", "we_all");
    w.previous_secret = w.secret;
    w.previous_secret_expires_at = 99;
    w.secret = "whsec_3";
    s.update_webhook_endpoint(w);
    BOOST_TEST(*s.webhook_endpoints("").at(0).previous_secret == "whsec_1");

    BOOST_TEST(s.claim_webhook_endpoint("we_all", "A", 60'000));
    BOOST_TEST(!s.claim_webhook_endpoint("we_all", "B", 60'000));
    BOOST_TEST(s.claim_webhook_endpoint("we_all", "A", 60'000));   // renewed
    s.release_webhook_endpoint("we_all", "B");                      // not B's: still A's
    BOOST_TEST(!s.claim_webhook_endpoint("we_all", "B", 60'000));
    s.release_webhook_endpoint("we_all", "A");
    BOOST_TEST(s.claim_webhook_endpoint("we_all", "B", -1));        // already expired
    BOOST_TEST(s.claim_webhook_endpoint("we_all", "A", 60'000));    // so another may take it
}

BOOST_AUTO_TEST_SUITE_END()
