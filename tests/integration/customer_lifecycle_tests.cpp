// The customer lifecycle (issue #17) against a real owostack-local over TLS: every operation,
// every error, scoped keys, tenancy, and what must hold under concurrency.
// Params are built outside co_await expressions: g++ 12 cannot keep brace-initialised
// temporaries in a coroutine frame.
#include "harness.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>
#include <tuple>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace owo::test;
using owo::error;

namespace {

/// Runs every task concurrently on the caller's executor; rethrows the first failure.
asio::awaitable<void> run_all(std::vector<std::function<asio::awaitable<void>()>> tasks) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer done(ex, asio::steady_timer::time_point::max());
    std::size_t left = tasks.size();
    std::exception_ptr first;
    for (auto& t : tasks)
        asio::co_spawn(ex, t(), [&](std::exception_ptr e) {
            if (e && !first) first = e;
            if (--left == 0) done.cancel();
        });
    if (left) co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
    if (first) std::rethrow_exception(first);
}

asio::awaitable<owo::customer> create(owo::client& c, std::string email, std::optional<std::string> id = std::nullopt,
                                      std::optional<std::string> org = std::nullopt) {
    owo::customer_params p{.id = std::move(id), .email = std::move(email), .external_organization_id = std::move(org)};
    co_return co_await c.customer(p);
}

/// How `n` concurrent attempts ended: success, error::conflict, anything else.
struct race_result {
    int won = 0, conflicts = 0, other = 0;
};

/// Runs attempt(i) for i in [0, n) concurrently; each returns its call's error_code.
asio::awaitable<race_result> race(int n, std::function<asio::awaitable<boost::system::error_code>(int)> attempt) {
    race_result r;
    std::vector<std::function<asio::awaitable<void>()>> tasks;
    for (int i = 0; i < n; ++i)
        tasks.push_back([&, i]() -> asio::awaitable<void> {
            auto ec = co_await attempt(i);
            ++(!ec ? r.won : ec == error::conflict ? r.conflicts : r.other);
        });
    co_await run_all(std::move(tasks));
    co_return r;
}

/// Every customer of the pager's filter, page by page.
asio::awaitable<std::vector<owo::customer_record>> list_all(owo::client& c, owo::list_customers_params p) {
    std::vector<owo::customer_record> all;
    owo::customer_pager pages(c, std::move(p));
    while (true) {
        auto page = co_await pages.next();
        if (page.empty()) break;
        for (auto& r : page) all.push_back(std::move(r));
    }
    co_return all;
}

/// A server of its own with a second key of org_a that may only read customers.
local_server& scoped_server() {
    static local_server srv([] {
        local_server_options o;
        o.catalog = OWOSTACK_TEST_CATALOG;
        o.api_keys = {"sk_test_a:org_a", "sk_test_ro:org_a:customers:read", "sk_test_b:org_b"};
        return o;
    }());
    return srv;
}

} // namespace

BOOST_AUTO_TEST_SUITE(customer_lifecycle)

BOOST_AUTO_TEST_CASE(find_by_id_external_id_and_email_never_creates) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        auto email = unique_email("Find.Me");
        auto ext = unique_id("ext");
        auto org = unique_id("org");
        owo::customer c = co_await create(owo, email, ext, org);
        BOOST_TEST(c.version() == 1);
        BOOST_TEST(c.external_id().value_or("") == ext);
        BOOST_TEST(c.external_organization_id().value_or("") == org);

        owo::find_customer_params by_id{.id = c.id()}, by_ext{.external_id = ext}, by_email{.email = email};
        BOOST_TEST((co_await owo.find_customer(by_id)).id() == c.id());
        BOOST_TEST((co_await owo.find_customer(by_ext)).id() == c.id());
        std::string upper = email;
        for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        owo::find_customer_params by_upper{.email = upper};
        BOOST_TEST((co_await owo.find_customer(by_upper)).id() == c.id());   // case-insensitive

        owo::find_customer_params unknown{.email = unique_email("nobody")};
        auto e = co_await expect_error(owo.find_customer(unknown));
        BOOST_TEST((e.code() == error::customer_not_found));
        BOOST_TEST(e.http_status() == 404);
        auto again = co_await expect_error(owo.find_customer(unknown));   // still not created
        BOOST_TEST((again.code() == error::customer_not_found));

        owo::find_customer_params two{.id = c.id(), .email = email};
        auto invalid = co_await expect_error(owo.find_customer(two));
        BOOST_TEST((invalid.code() == error::invalid_argument));
        BOOST_TEST(invalid.http_status() == 0);   // judged before sending
    });
}

BOOST_AUTO_TEST_CASE(list_filters_pages_and_unresolved) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        auto org = unique_id("listorg");
        std::vector<std::string> ids;
        for (int i = 0; i < 7; ++i) {
            std::optional<std::string> ext;
            if (i % 2 == 0) ext = unique_id("bound");
            ids.push_back((co_await create(owo, unique_email("list"), ext, org)).id());
        }
        owo::list_customers_params three{.limit = 3, .external_organization_id = org};
        auto all = co_await list_all(owo, three);
        BOOST_TEST_REQUIRE(all.size() == 7u);
        // Oldest first, then by id (customers made in the same millisecond), each once.
        for (std::size_t i = 1; i < all.size(); ++i)
            BOOST_TEST((std::tie(all[i - 1].created_at, all[i - 1].id) < std::tie(all[i].created_at, all[i].id)));
        std::set<std::string> listed_ids, made(ids.begin(), ids.end());
        for (auto& r : all) listed_ids.insert(r.id);
        BOOST_TEST((listed_ids == made));

        // One page by hand: has_more and the cursor.
        auto first = co_await owo.list_customers(three);
        BOOST_TEST(first.customers.size() == 3u);
        BOOST_TEST(first.has_more);
        BOOST_TEST_REQUIRE(first.next_cursor.has_value());
        owo::list_customers_params next{.limit = 3, .cursor = first.next_cursor, .external_organization_id = org};
        auto second = co_await owo.list_customers(next);
        BOOST_TEST(second.customers.front().id == all[3].id);
        owo::list_customers_params skip{.limit = 100, .offset = 5, .external_organization_id = org};
        auto tail = co_await owo.list_customers(skip);
        BOOST_TEST(tail.customers.size() == 2u);
        BOOST_TEST(!tail.has_more);
        BOOST_TEST(!tail.next_cursor.has_value());

        // Email and creation-time filters (exclusive bounds).
        owo::list_customers_params by_email{.email = all[2].email};
        auto one = co_await owo.list_customers(by_email);
        BOOST_TEST_REQUIRE(one.customers.size() == 1u);
        BOOST_TEST(one.customers[0].id == all[2].id);
        owo::list_customers_params window{.external_organization_id = org, .created_after = all[0].created_at - std::chrono::milliseconds(1),
                                          .created_before = all[6].created_at + std::chrono::milliseconds(1)};
        BOOST_TEST((co_await list_all(owo, window)).size() == 7u);
        owo::list_customers_params after_last{.external_organization_id = org, .created_after = all[6].created_at};
        for (auto& r : co_await list_all(owo, after_last)) BOOST_CHECK(r.created_at > all[6].created_at);

        // Unresolved: only the customers without an external id.
        owo::list_customers_params unresolved{.limit = 100, .external_organization_id = org};
        auto u = co_await owo.list_unresolved_customers(unresolved);
        BOOST_TEST(u.customers.size() == 3u);
        for (auto& r : u.customers) BOOST_TEST(!r.external_id.has_value());

        owo::list_customers_params too_many{.limit = 101};
        BOOST_TEST(((co_await expect_error(owo.list_customers(too_many))).code() == error::invalid_argument));
    });
}

BOOST_AUTO_TEST_CASE(update_fields_metadata_modes_and_conflicts) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        json::object first_meta{{"a", 1}, {"b", 2}};
        owo::customer_params p{.email = unique_email("upd"), .metadata = first_meta, .external_organization_id = "acme"};
        owo::customer c = co_await owo.customer(p);
        BOOST_TEST(c.version() == 1);

        json::object merge{{"b", nullptr}, {"c", 3}};
        auto new_email = unique_email("renamed");
        owo::update_customer_params change{.name = "Renamed", .email = new_email, .metadata = merge, .expected_version = 1};
        owo::customer u = co_await c.update(change);
        BOOST_TEST(u.version() == 2);
        BOOST_TEST(u.name() == "Renamed");
        BOOST_TEST(u.email() == new_email);
        BOOST_TEST(u.metadata().size() == 2u);   // a, c: the null deleted b
        BOOST_TEST(u.metadata().at("c").to_number<int>() == 3);
        BOOST_TEST(!u.metadata().contains("b"));
        BOOST_TEST(u.external_organization_id().value_or("") == "acme");

        json::object only{{"z", "x"}};
        owo::update_customer_params replace{.metadata = only, .metadata_mode = owo::metadata_mode::replace,
                                            .clear_external_organization_id = true};
        owo::customer r = co_await u.update(replace);
        BOOST_TEST(r.metadata().size() == 1u);
        BOOST_TEST(!r.external_organization_id().has_value());
        BOOST_TEST(r.version() == 3);

        // A stale version: conflict with the current version, nothing changed.
        owo::update_customer_params stale{.name = "Lost", .expected_version = 1};
        auto e = co_await expect_error(c.update(stale));
        BOOST_TEST((e.code() == error::conflict));
        BOOST_TEST(e.http_status() == 409);
        BOOST_TEST(e.server_code() == "version_conflict");
        BOOST_TEST(e.diag().current_version.value_or(-1) == 3);
        owo::find_customer_params by_id{.id = c.id()};
        BOOST_TEST((co_await owo.find_customer(by_id)).name() == "Renamed");

        // An email another customer holds.
        auto other_email = unique_email("taken");
        (void)co_await create(owo, other_email);
        owo::update_customer_params steal{.email = other_email};
        auto taken = co_await expect_error(c.update(steal));
        BOOST_TEST((taken.code() == error::conflict));
        BOOST_TEST(taken.server_code() == "email_conflict");

        owo::update_customer_params nobody{.customer = unique_id("missing"), .name = "x"};
        BOOST_TEST(((co_await expect_error(owo.update_customer(nobody))).code() == error::customer_not_found));

        json::object big;
        for (int i = 0; i < 51; ++i) big["k" + std::to_string(i)] = i;
        owo::update_customer_params too_big{.metadata = big};
        BOOST_TEST(((co_await expect_error(c.update(too_big))).code() == error::invalid_argument));
    });
}

BOOST_AUTO_TEST_CASE(delete_soft_then_purge) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        auto email = unique_email("del");
        auto ext = unique_id("delext");
        owo::customer c = co_await create(owo, email, ext);
        owo::delete_customer_params soft{};
        auto d = co_await c.remove(soft);
        BOOST_TEST(d.id == c.id());
        BOOST_TEST(d.deleted);
        BOOST_TEST(!d.purged);

        owo::find_customer_params by_id{.id = c.id()}, by_email{.email = email};
        BOOST_TEST(((co_await expect_error(owo.find_customer(by_id))).code() == error::customer_not_found));
        BOOST_TEST(((co_await expect_error(owo.find_customer(by_email))).code() == error::customer_not_found));
        owo::find_customer_params with_deleted{.id = c.id(), .include_deleted = true};
        owo::customer gone = co_await owo.find_customer(with_deleted);
        BOOST_TEST(gone.record().deleted_at.has_value());
        BOOST_TEST(gone.version() == 2);

        // Deleting again: the same answer. A POST with the same email makes a new customer.
        auto again = co_await c.remove(soft);
        BOOST_TEST(again.deleted);
        owo::customer fresh = co_await create(owo, email, ext);
        BOOST_TEST(fresh.id() != c.id());

        owo::delete_customer_params purge{.purge = true};
        auto p = co_await c.remove(purge);   // a purge of a soft-deleted customer purges
        BOOST_TEST(p.purged);
        owo::customer erased = co_await owo.find_customer(with_deleted);
        BOOST_TEST(erased.email() == "deleted+" + c.id() + "@invalid");
        BOOST_TEST(erased.name().empty());
        BOOST_TEST(erased.metadata().empty());
        BOOST_TEST(!erased.external_id().has_value());

        owo::delete_customer_params unknown{.customer = unique_id("missing")};
        BOOST_TEST(((co_await expect_error(owo.delete_customer(unknown))).code() == error::customer_not_found));
    });
}

BOOST_AUTO_TEST_CASE(bind_is_idempotent_and_exclusive) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        auto email = unique_email("bind");
        owo::customer c = co_await create(owo, email);
        BOOST_TEST(!c.external_id().has_value());
        auto ext = unique_id("bindext");
        owo::bind_customer_params bind{.external_id = ext};
        owo::customer bound = co_await c.bind(bind);
        BOOST_TEST(bound.external_id().value_or("") == ext);
        BOOST_TEST((co_await c.bind(bind)).id() == c.id());   // the same id again: fine

        owo::bind_customer_params other{.external_id = unique_id("otherext")};
        auto e = co_await expect_error(c.bind(other));
        BOOST_TEST((e.code() == error::conflict));
        BOOST_TEST(e.server_code() == "already_bound");

        owo::customer second = co_await create(owo, unique_email("bind2"));
        auto taken = co_await expect_error(second.bind(bind));
        BOOST_TEST((taken.code() == error::conflict));
        BOOST_TEST(taken.server_code() == "external_id_taken");

        // The bound id now resolves to the customer.
        owo::customer resolved = co_await create(owo, unique_email("whoever"), ext);
        BOOST_TEST(resolved.id() == c.id());
    });
}

BOOST_AUTO_TEST_CASE(a_read_only_key_is_forbidden_to_write_with_the_scope_named) {
    auto& srv = scoped_server();
    std::string id;
    run(config_for(srv, "sk_test_a"), [&](owo::client& owo) -> asio::awaitable<void> {
        id = (co_await create(owo, unique_email("scoped"))).id();
    });
    run(config_for(srv, "sk_test_ro"), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::find_customer_params by_id{.id = id};
        BOOST_TEST((co_await owo.find_customer(by_id)).id() == id);
        owo::list_customers_params any{.limit = 5};
        (void)co_await owo.list_customers(any);
        owo::update_customer_params change{.customer = id, .name = "x"};
        auto e = co_await expect_error(owo.update_customer(change));
        BOOST_TEST((e.code() == error::forbidden));
        BOOST_TEST(e.http_status() == 403);
        BOOST_TEST(e.server_code() == "insufficient_scope");
        BOOST_TEST(e.diag().required_scope.value_or("") == "customers:write");
        owo::delete_customer_params del{.customer = id};
        BOOST_TEST(((co_await expect_error(owo.delete_customer(del))).diag().required_scope.value_or("") == "customers:write"));
        owo::customer_params create_req{.email = unique_email("nope")};
        BOOST_TEST(((co_await expect_error(owo.customer(create_req))).code() == error::forbidden));
    });
}

BOOST_AUTO_TEST_CASE(another_organisation_sees_nothing) {
    std::string id, email, org = unique_id("tenant");
    run(config_for(shared_server(), key_a), [&](owo::client& owo) -> asio::awaitable<void> {
        email = unique_email("tenant");
        id = (co_await create(owo, email, unique_id("tenantext"), org)).id();
    });
    run(config_for(shared_server(), key_b), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::find_customer_params by_id{.id = id}, by_email{.email = email};
        BOOST_TEST(((co_await expect_error(owo.find_customer(by_id))).code() == error::customer_not_found));
        BOOST_TEST(((co_await expect_error(owo.find_customer(by_email))).code() == error::customer_not_found));
        owo::update_customer_params change{.customer = id, .name = "x"};
        BOOST_TEST(((co_await expect_error(owo.update_customer(change))).code() == error::customer_not_found));
        owo::bind_customer_params bind{.customer = id, .external_id = unique_id("b")};
        BOOST_TEST(((co_await expect_error(owo.bind_customer(bind))).code() == error::customer_not_found));
        owo::delete_customer_params del{.customer = id};
        BOOST_TEST(((co_await expect_error(owo.delete_customer(del))).code() == error::customer_not_found));
        owo::list_customers_params of_org{.external_organization_id = org};
        BOOST_TEST((co_await list_all(owo, of_org)).empty());
        owo::list_customers_params everything{.limit = 100};
        for (auto& r : co_await list_all(owo, everything)) BOOST_TEST(r.id != id);
    });
    run(config_for(shared_server(), key_a), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::find_customer_params by_id{.id = id};
        BOOST_TEST((co_await owo.find_customer(by_id)).name() != "x");   // untouched
    });
}

BOOST_AUTO_TEST_CASE(concurrent_updates_with_one_expected_version_one_wins) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer c = co_await create(owo, unique_email("race"));
        auto r = co_await race(32, [&](int i) -> asio::awaitable<boost::system::error_code> {
            owo::update_customer_params change{.name = "writer " + std::to_string(i), .expected_version = 1};
            auto [ec, updated] = co_await c.async_update(change, asio::as_tuple(asio::use_awaitable));
            co_return ec;
        });
        BOOST_TEST(r.won == 1);
        BOOST_TEST(r.conflicts == 31);
        BOOST_TEST(r.other == 0);
        owo::find_customer_params by_id{.id = c.id()};
        BOOST_TEST((co_await owo.find_customer(by_id)).version() == 2);
    });
}

BOOST_AUTO_TEST_CASE(concurrent_binds_of_different_ids_one_wins) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        owo::customer c = co_await create(owo, unique_email("bindrace"));
        std::string winner;
        auto r = co_await race(32, [&](int i) -> asio::awaitable<boost::system::error_code> {
            owo::bind_customer_params bind{.external_id = unique_id("cand") + "-" + std::to_string(i)};
            auto [ec, bound] = co_await c.async_bind(bind, asio::as_tuple(asio::use_awaitable));
            if (!ec) winner = bind.external_id;
            co_return ec;
        });
        BOOST_TEST(r.won == 1);
        BOOST_TEST(r.conflicts == 31);
        BOOST_TEST(r.other == 0);
        owo::find_customer_params by_id{.id = c.id()};
        BOOST_TEST((co_await owo.find_customer(by_id)).external_id().value_or("") == winner);
    });
}

BOOST_AUTO_TEST_CASE(paging_while_others_insert_and_delete) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        auto org = unique_id("churn");
        std::set<std::string> stable;
        for (int i = 0; i < 150; ++i) stable.insert((co_await create(owo, unique_email("stable"), std::nullopt, org)).id());

        bool listing = true;
        int churned = 0;
        std::vector<std::string> seen;
        std::vector<std::function<asio::awaitable<void>()>> tasks;
        tasks.push_back([&]() -> asio::awaitable<void> {
            owo::list_customers_params small{.limit = 7, .external_organization_id = org};
            owo::customer_pager pages(owo, small);
            while (true) {
                auto page = co_await pages.next();
                if (page.empty()) break;
                for (auto& r : page) seen.push_back(r.id);
            }
            listing = false;
        });
        for (int w = 0; w < 8; ++w)
            tasks.push_back([&]() -> asio::awaitable<void> {
                // Bounded: new customers sort after the pager's position, so unbounded writers
                // could keep it from ever reaching the end.
                for (int i = 0; i < 20 && listing; ++i) {
                    owo::customer extra = co_await create(owo, unique_email("churn"), std::nullopt, org);
                    owo::delete_customer_params del{};
                    if (churned++ % 2 == 0) (void)co_await extra.remove(del);   // half stay, half go
                }
            });
        co_await run_all(std::move(tasks));

        std::set<std::string> unique(seen.begin(), seen.end());
        BOOST_TEST(unique.size() == seen.size(), "a customer was listed twice");
        for (auto& id : stable) BOOST_TEST(unique.count(id) == 1u, "skipped " << id);
        BOOST_TEST(churned > 0);
        BOOST_TEST_MESSAGE("listed " << seen.size() << " while " << churned << " customers were inserted (half deleted)");
    });
}

BOOST_AUTO_TEST_CASE(external_organization_id_round_trips_and_resolve_replaces_it) {
    run(config_for(shared_server()), [&](owo::client& owo) -> asio::awaitable<void> {
        auto ext = unique_id("orgrt");
        auto email = unique_email("orgrt");
        owo::customer c = co_await create(owo, email, ext, "first-org");
        BOOST_TEST(c.external_organization_id().value_or("") == "first-org");
        owo::customer again = co_await create(owo, email, ext, "second-org");
        BOOST_TEST(again.id() == c.id());
        BOOST_TEST(again.external_organization_id().value_or("") == "second-org");
        owo::customer kept = co_await create(owo, email, ext);   // not given: kept
        BOOST_TEST(kept.external_organization_id().value_or("") == "second-org");
    });
}

BOOST_AUTO_TEST_SUITE_END()
