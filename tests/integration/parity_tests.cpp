// Issue #19 end to end over TLS against owostack-local: a catalog declared in code synced at
// run time (created, then unchanged, then updated; an invalid one refused before sending),
// credit systems and packs listed, the wallet (setup through the sandbox checkout, list,
// remove), usage rated as upstream rates it (package overage, per unit, graduated, volume:
// checked against the figures computed by hand below), invoices generated, paged and paid (by
// the saved card, and through checkout), and an add-on credit pack bought.
#include "harness.hpp"

#include <owostack/catalog.hpp>

#include "../../examples/common/peer_catalog.hpp"
#include <owostack/pager.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>

namespace asio = boost::asio;
using namespace owo::test;

namespace {

/// The TypeScript-peer scenario's catalog (examples/common/peer_catalog.hpp).
owo::catalog parity_catalog(std::int64_t scale_price = 9900) { return owo::examples::peer_catalog(scale_price); }

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

/// A customer on the metered plan with a card saved through the wallet's sandbox setup.
asio::awaitable<owo::customer> customer_with_card(owo::client& owo, const std::string& prefix) {
    owo::customer_params who{.email = unique_email(prefix)};
    owo::customer c = co_await owo.customer(who);
    owo::attach_params plan{.product = "p-metered"};
    auto attached = co_await c.attach(plan);
    BOOST_TEST(!attached.requires_checkout);
    owo::wallet_setup_params setup{.callback_url = "https://app.example.com/card"};
    auto flow = co_await c.wallet_setup(setup);
    BOOST_TEST(https_get_status(flow.url, shared_server().ca_file()) == 200);
    co_return c;
}

asio::awaitable<void> use(const owo::customer& c, const char* feature, double value) {
    owo::track_params t{.feature = feature, .value = value};
    auto r = co_await c.track(t);
    BOOST_TEST(r.allowed, feature << " " << value << ": " << r.code);
}

} // namespace

BOOST_AUTO_TEST_SUITE(parity)

BOOST_AUTO_TEST_CASE(sync_creates_then_reports_unchanged_then_updates) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        auto catalog = parity_catalog();
        auto first = co_await owo.sync(catalog);
        BOOST_TEST(sorted(first.features.created) ==
                       (std::vector<std::string>{"p-calls", "p-compute", "p-images", "p-seats", "p-sso", "p-storage", "p-tokens"}),
                   boost::test_tools::per_element());
        BOOST_TEST(first.credit_systems.created == std::vector<std::string>{"p-credits"}, boost::test_tools::per_element());
        BOOST_TEST(first.credit_packs.created == std::vector<std::string>{"p-50-credits"}, boost::test_tools::per_element());
        BOOST_TEST(sorted(first.plans.created) == (std::vector<std::string>{"p-metered", "p-scale"}), boost::test_tools::per_element());

        auto again = co_await owo.sync(catalog);
        BOOST_TEST(again.features.created.empty());
        BOOST_TEST(again.plans.created.empty());
        BOOST_TEST(again.plans.updated.empty());
        BOOST_TEST(sorted(again.plans.unchanged) == (std::vector<std::string>{"p-metered", "p-scale"}), boost::test_tools::per_element());

        auto repriced = parity_catalog(12900);
        auto changed = co_await owo.sync(repriced);
        BOOST_TEST(changed.plans.updated == std::vector<std::string>{"p-scale"}, boost::test_tools::per_element());
        auto scale = co_await owo.plan("p-scale");
        BOOST_TEST(scale.price == 12900);   // the catalog changed at run time

        // The catalog as the server lists it.
        owo::credit_systems_params none;
        auto systems = co_await owo.credit_systems(none);
        bool found = false;
        for (const auto& cs : systems)
            if (cs.slug == "p-credits") {
                found = true;
                BOOST_TEST(cs.features.at(0).feature == "p-images");
                BOOST_TEST(cs.features.at(0).credit_cost == 5);
            }
        BOOST_TEST(found);
        owo::credit_packs_params all;
        auto packs = co_await owo.credit_packs(all);
        found = false;
        for (const auto& p : packs)
            if (p.slug == "p-50-credits") {
                found = true;
                BOOST_TEST(p.price == 500);
                BOOST_TEST(p.credits == 50);
                BOOST_TEST(p.credit_system.value_or("") == "p-credits");
            }
        BOOST_TEST(found);
    });
}

BOOST_AUTO_TEST_CASE(an_invalid_catalog_is_refused_before_sending) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        auto bad = parity_catalog();
        bad.metered("p-calls");   // duplicate key
        bad.plan("p-broken", {.name = "Broken", .price = -1, .currency = "USD",
                              .features = {owo::feature_handle("p-nowhere", owo::feature_kind::metered).limit(1)}});
        auto before = owo.stats();
        auto e = co_await expect_error(owo.sync(bad));
        BOOST_TEST((e.code() == owo::error::invalid_argument));
        BOOST_TEST(e.server_message() ==
                   "the catalog has 3 problems: feature 'p-calls': declared more than once; plan 'p-broken': price must not be "
                   "negative; plan 'p-broken' feature 'p-nowhere': not declared in the catalog");
        auto after = owo.stats();   // nothing sent (no dial, no reuse), so nothing applied
        BOOST_TEST(after.connections_opened + after.reuses == before.connections_opened + before.reuses);
        auto plans_now = co_await owo.plan("p-metered");
        BOOST_TEST(plans_now.slug == "p-metered");
        auto missing = co_await expect_error(owo.plan("p-broken"));
        BOOST_TEST((missing.code() == owo::error::plan_not_found));
    });
}

BOOST_AUTO_TEST_CASE(wallet_setup_list_remove) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        auto catalog = parity_catalog();
        co_await owo.sync(catalog);
        owo::customer c = co_await customer_with_card(owo, "wallet");
        owo::wallet_params mine;
        auto w = co_await c.wallet(mine);
        BOOST_TEST(w.has_card);
        BOOST_TEST_REQUIRE(w.methods.size() == 1u);
        BOOST_TEST(w.methods[0].is_default);
        BOOST_TEST(w.methods[0].type == "card");
        BOOST_TEST(w.card.has_value());
        owo::wallet_params stranger{.customer = unique_email("nobody")};
        auto empty = co_await owo.wallet(stranger);
        BOOST_TEST(!empty.has_card);
        BOOST_TEST(empty.methods.empty());
        owo::wallet_remove_params drop{.id = w.methods[0].id};
        auto removed = co_await c.wallet_remove(drop);
        BOOST_TEST(removed.removed);
        auto again = co_await expect_error(c.wallet_remove(drop));
        BOOST_TEST((again.code() == owo::error::not_found));
        BOOST_TEST(again.server_message() == "Payment method not found");
        BOOST_TEST(!(co_await c.wallet(mine)).has_card);
        owo::wallet_setup_params ghost{.customer = "ghost-" + unique_id("w")};
        auto unknown = co_await expect_error(owo.wallet_setup(ghost));
        BOOST_TEST((unknown.code() == owo::error::customer_not_found));
    });
}

// Hand-computed: p-calls 125 used, 100 included, overage in packages of 10 at 20:
// ceil(25 / 10) = 3 -> 60. p-tokens 7 per unit at 3 -> 21. p-storage graduated 25 used:
// 10 x 5 = 50, then 10 x 3 + 100 flat = 130, then 5 x 1 = 5 -> 185. p-compute volume 30 used:
// the open tier for all 30: 30 x 2 + 50 flat = 110. Total 376.
BOOST_AUTO_TEST_CASE(usage_rated_invoiced_paged_and_paid) {
    auto& srv = shared_server();
    run(config_for(srv), [&](owo::client& owo) -> asio::awaitable<void> {
        auto catalog = parity_catalog();
        co_await owo.sync(catalog);
        owo::customer c = co_await customer_with_card(owo, "billing");
        co_await use(c, "p-calls", 125);
        co_await use(c, "p-tokens", 7);
        co_await use(c, "p-storage", 25);
        co_await use(c, "p-compute", 30);

        owo::billing_usage_params mine;
        auto usage = co_await c.billing_usage(mine);
        BOOST_TEST(usage.currency == "USD");
        std::map<std::string, std::int64_t> amount;
        for (const auto& f : usage.features) amount[f.feature_slug.value_or(f.feature_id)] = f.estimated_amount;
        BOOST_TEST(amount["p-calls"] == 60);
        BOOST_TEST(amount["p-tokens"] == 21);
        BOOST_TEST(amount["p-storage"] == 185);
        BOOST_TEST(amount["p-compute"] == 110);
        BOOST_TEST(usage.total_estimated == 376);
        for (const auto& f : usage.features)
            if (f.feature_slug == "p-storage") {
                BOOST_TEST_REQUIRE(f.tier_breakdown.size() == 3u);
                BOOST_TEST(f.tier_breakdown[1].amount == 130);
                BOOST_TEST(f.tier_breakdown[1].flat_fee.value_or(0) == 100);
            }

        // The upcoming invoice [extension]: a free plan has no price line, so the same usage.
        owo::billing_upcoming_params next;
        auto upcoming = co_await c.billing_upcoming(next);
        BOOST_TEST(upcoming.total == 376);
        BOOST_TEST_REQUIRE(upcoming.lines.size() == 4u);
        for (const auto& line : upcoming.lines) BOOST_TEST(line.type.value_or("") == "usage");

        owo::billing_invoice_params now;
        owo::invoice first = co_await c.billing_invoice(now);
        BOOST_TEST(first.total == 376);
        BOOST_TEST(first.status == "open");
        BOOST_TEST(first.currency == "USD");
        BOOST_TEST(first.items.size() == 4u);
        auto nothing = co_await expect_error(c.billing_invoice(now));
        BOOST_TEST((nothing.code() == owo::error::invalid_request));
        BOOST_TEST(nothing.server_message() == "No unbilled usage to invoice");
        BOOST_TEST((co_await c.billing_usage(mine)).total_estimated == 0);

        co_await use(c, "p-tokens", 10);   // 30 more
        owo::invoice second = co_await c.billing_invoice(now);
        BOOST_TEST(second.total == 30);

        // Two invoices, one per page, newest first (both may bear the same millisecond: then
        // either order is newest first).
        owo::billing_invoices_params paged{.limit = 1};
        paged.customer = c.id();
        owo::invoice_pager pages(owo, paged);
        std::vector<std::string> ids;
        std::vector<owo::time_point> created;
        while (true) {
            auto page = co_await pages.next();
            if (page.empty()) break;
            BOOST_TEST(page.size() == 1u);
            for (auto& i : page) {
                ids.push_back(i.id);
                created.push_back(i.created_at.value_or(owo::time_point{}));
            }
        }
        BOOST_TEST(sorted(ids) == sorted({second.id, first.id}), boost::test_tools::per_element());
        BOOST_TEST_REQUIRE(created.size() == 2u);
        BOOST_TEST((created[0] >= created[1]));
        if (created[0] > created[1]) BOOST_TEST(ids[0] == second.id);

        // The saved card pays the first at once.
        owo::pay_invoice_params pay_first{.invoice_id = first.id};
        auto paid = co_await owo.pay_invoice(pay_first);
        BOOST_TEST(paid.paid);
        BOOST_TEST(paid.invoice.status == "paid");
        BOOST_TEST(paid.invoice.total == 376);
        auto paid_again = co_await owo.pay_invoice(pay_first);   // already paid: paid, as upstream
        BOOST_TEST(paid_again.paid);

        // Without a card the second goes through checkout.
        owo::wallet_params w;
        for (auto& m : (co_await c.wallet(w)).methods) {
            owo::wallet_remove_params drop{.id = m.id};
            co_await c.wallet_remove(drop);
        }
        owo::pay_invoice_params pay_second{.invoice_id = second.id, .callback_url = "https://app.example.com/paid"};
        auto checkout = co_await owo.pay_invoice(pay_second);
        BOOST_TEST(!checkout.paid);
        BOOST_TEST_REQUIRE(checkout.checkout_url.has_value());
        BOOST_TEST(https_get_status(*checkout.checkout_url, srv.ca_file()) == 200);
        owo::billing_invoices_params all{.customer = c.id()};
        auto listed = co_await owo.billing_invoices(all);
        BOOST_TEST_REQUIRE(listed.invoices.size() == 2u);
        BOOST_TEST(listed.invoices[0].status == "paid");
        BOOST_TEST(listed.invoices[1].status == "paid");

        owo::pay_invoice_params ghost{.invoice_id = "no-such-invoice"};
        auto missing = co_await expect_error(owo.pay_invoice(ghost));
        BOOST_TEST((missing.code() == owo::error::not_found));
        BOOST_TEST(missing.server_message() == "Invoice not found");
    });
}

// A paid plan's price is on the upcoming invoice (the catalog's p-scale: 9900 a month).
BOOST_AUTO_TEST_CASE(upcoming_invoice_carries_the_plan_price) {
    auto& srv = shared_server();
    run(config_for(srv), [&](owo::client& owo) -> asio::awaitable<void> {
        auto catalog = parity_catalog();
        co_await owo.sync(catalog);
        owo::customer_params who{.email = unique_email("upcoming")};
        owo::customer c = co_await owo.customer(who);
        owo::attach_params plan{.product = "p-scale"};
        auto attached = co_await c.attach(plan);
        BOOST_TEST_REQUIRE(attached.checkout_url.has_value());
        BOOST_TEST(https_get_status(*attached.checkout_url, srv.ca_file()) == 200);
        owo::billing_upcoming_params next;
        auto upcoming = co_await c.billing_upcoming(next);
        BOOST_TEST(upcoming.currency == "USD");
        BOOST_TEST(upcoming.total == 9900);
        BOOST_TEST_REQUIRE(!upcoming.lines.empty());
        BOOST_TEST(upcoming.lines[0].plan.value_or("") == "p-scale");
        BOOST_TEST(upcoming.lines[0].unit_price == 9900);
    });
}

// Credits drawn at 5 per image: the plan grants 100 credits (20 images); 2 packs of 50 add 100.
BOOST_AUTO_TEST_CASE(addon_credits_through_checkout) {
    auto& srv = shared_server();
    run(config_for(srv), [&](owo::client& owo) -> asio::awaitable<void> {
        auto catalog = parity_catalog();
        co_await owo.sync(catalog);
        owo::customer_params who{.email = unique_email("addon")};
        owo::customer c = co_await owo.customer(who);
        owo::attach_params plan{.product = "p-metered"};
        co_await c.attach(plan);
        auto images = catalog.feature("p-images");
        auto within = co_await images.track(c, 20);   // 100 credits
        BOOST_TEST(within.allowed);
        owo::check_params more{.feature = "p-images", .value = 1};
        auto refused = co_await c.check(more);
        BOOST_TEST(!refused.allowed);

        owo::addon_params buy{.pack = "p-50-credits", .quantity = 2};
        auto bought = co_await c.addon(buy);
        BOOST_TEST(bought.requires_checkout);
        BOOST_TEST(bought.credits.value_or(0) == 100);
        BOOST_TEST(bought.quantity.value_or(0) == 2);
        BOOST_TEST_REQUIRE(bought.checkout_url.has_value());
        BOOST_TEST(https_get_status(*bought.checkout_url, srv.ca_file()) == 200);

        auto after = co_await images.track(c, 20);   // the add-on's 100 credits
        BOOST_TEST(after.allowed);
        auto spent = co_await c.check(more);
        BOOST_TEST(!spent.allowed);

        owo::addon_params gold{.pack = "gold"};
        auto missing = co_await expect_error(c.addon(gold));
        BOOST_TEST((missing.code() == owo::error::not_found));
        BOOST_TEST(missing.server_message() == "Credit pack 'gold' not found");
    });
}

BOOST_AUTO_TEST_SUITE_END()
