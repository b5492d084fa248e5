// Thousands of mixed operations through owostack-local in chaos mode (connection resets before
// and mid-response, delays past the client timeout, 429 with Retry-After, 5xx, truncated and
// non-JSON bodies, wrong content types; faults both before and after the write commits).
// Every call must end in success or a typed error within its deadline, and afterwards the
// server's state must equal the model built from the acknowledged results.
#include "harness.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <random>
#include <set>

namespace asio = boost::asio;
using namespace owo::test;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr int total_operations = 2400;
constexpr int workers = 8;
constexpr auto call_deadline = 4s;

const char* chaos_spec =
    "reset_before=0.04,reset_mid_body=0.03,delay=0.02,delay_ms=1500,status_429=0.04,status_5xx=0.05,"
    "truncate=0.03,non_json=0.03,wrong_content_type=0.02,after_commit=0.5";

enum class seat_state { absent, active, pending_removal, unknown };

struct customer_model {
    std::string id;
    std::map<std::string, seat_state> seats;   // entities ever touched
    long usage_acknowledged = 0;
    long usage_ambiguous = 0;                   // track calls whose outcome is unknown
};

bool typed(const boost::system::error_code& ec) {
    // Everything the SDK reports is either its own category or a transport (Asio/SSL/Beast) code.
    return ec.category() == owo::get_error_category() || ec.category() == asio::error::get_system_category() ||
           ec.category() == boost::asio::error::get_ssl_category() || ec.category() == asio::error::get_misc_category() ||
           std::string(ec.category().name()) == "beast.http" || std::string(ec.category().name()) == "beast";
}

// Reads through the chaos with patience: the verification must not be flaky itself.
template <class F>
asio::awaitable<void> eventually(F f) {
    for (int i = 0;; ++i) {
        try {
            co_await f();
            co_return;
        } catch (const owo::api_error&) {
            if (i == 60) throw;
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(chaos)

BOOST_AUTO_TEST_CASE(mixed_operations_survive_faults_and_state_matches_the_model) {
    local_server_options opts;
    opts.catalog = OWOSTACK_TEST_CATALOG;
    opts.extra_args = {"--chaos", chaos_spec, "--chaos-seed", "20261122"};
    local_server srv(opts);

    auto cfg = config_for(srv);
    cfg.request_timeout = call_deadline;
    cfg.io_timeout = 1s;   // shorter than the injected delay
    cfg.retry.max_retries = 3;

    std::vector<customer_model> model(4);
    long calls = 0, successes = 0, late = 0, untyped = 0;
    std::map<std::string, int> error_counts;

    run(cfg, [&](owo::client& owo) -> asio::awaitable<void> {
        for (std::size_t i = 0; i < model.size(); ++i) {
            auto email = unique_email("chaos");
            co_await eventually([&]() -> asio::awaitable<void> {
                owo::customer_params customer_req{.email = email};
                auto c = co_await owo.customer(customer_req);
                model[i].id = c.id();
            });
            co_await eventually([&]() -> asio::awaitable<void> {
                owo::attach_params attach_req{.customer = model[i].id, .product = "metered"};
                co_await owo.attach(attach_req);
            });
        }

        auto worker = [&](int w) -> asio::awaitable<void> {
            std::mt19937 rng(static_cast<unsigned>(1000 + w));
            for (int n = 0; n < total_operations / workers; ++n) {
                auto& m = model[rng() % model.size()];
                std::string seat = "seat-" + std::to_string(w) + "-" + std::to_string(rng() % 6);
                owo::diagnostics diag;
                boost::system::error_code ec;
                auto started = clock_type::now();
                switch (rng() % 6) {
                case 0:
                case 1: {
                    owo::add_entity_params add_entity_req{.customer = m.id, .feature = "seats", .entity = seat};
                    auto [e, r] = co_await owo.async_add_entity(add_entity_req, diag,
                                                                asio::as_tuple(asio::use_awaitable));
                    ec = e;
                    if (!e || e == owo::error::entity_exists) m.seats[seat] = seat_state::active;
                    else m.seats[seat] = seat_state::unknown;
                    break;
                }
                case 2: {
                    owo::remove_entity_params remove_entity_req{.customer = m.id, .feature = "seats", .entity = seat};
                    auto [e, r] = co_await owo.async_remove_entity(remove_entity_req,
                                                                   diag, asio::as_tuple(asio::use_awaitable));
                    ec = e;
                    auto& s = m.seats[seat];
                    if (!e) s = seat_state::pending_removal;
                    else if (e == owo::error::entity_not_found)
                        s = s == seat_state::active ? seat_state::unknown : s;   // cannot be active now
                    else s = seat_state::unknown;
                    break;
                }
                case 3: {
                    owo::track_params track_req{.customer = m.id, .feature = "api-calls", .value = 1};
                    auto [e, r] = co_await owo.async_track(track_req, diag,
                                                           asio::as_tuple(asio::use_awaitable));
                    ec = e;
                    if (!e) ++m.usage_acknowledged;
                    else ++m.usage_ambiguous;
                    break;
                }
                case 4: {
                    owo::list_entities_params list_entities_req{.customer = m.id, .feature = "seats"};
                    auto [e, r] = co_await owo.async_list_entities(list_entities_req, diag,
                                                                   asio::as_tuple(asio::use_awaitable));
                    ec = e;
                    break;
                }
                default: {
                    owo::check_params check_req{.customer = m.id, .feature = "seats"};
                    auto [e, r] = co_await owo.async_check(check_req, diag,
                                                           asio::as_tuple(asio::use_awaitable));
                    ec = e;
                    break;
                }
                }
                ++calls;
                if (!ec) ++successes;
                else ++error_counts[ec.message()];
                if (ec && !typed(ec)) ++untyped;
                if (clock_type::now() - started > call_deadline + 500ms) ++late;
            }
        };
        auto ex = co_await asio::this_coro::executor;
        int running = workers;
        asio::steady_timer all_done(ex, clock_type::time_point::max());
        for (int w = 0; w < workers; ++w)
            asio::co_spawn(ex, [&, w]() -> asio::awaitable<void> {
                co_await worker(w);
                if (--running == 0) all_done.cancel();
            }, asio::detached);
        co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
    });

    BOOST_TEST_MESSAGE("chaos: " << calls << " calls, " << successes << " succeeded");
    for (const auto& [msg, n] : error_counts) BOOST_TEST_MESSAGE("  " << n << " x " << msg);
    BOOST_TEST(calls == total_operations);
    BOOST_TEST(late == 0);
    BOOST_TEST(untyped == 0);
    BOOST_TEST(successes > calls / 2);   // the faults are real, but retries carry most calls

    // Verify against the model through the same chaos, patiently.
    run(cfg, [&](owo::client& owo) -> asio::awaitable<void> {
        for (const auto& m : model) {
            owo::list_entities_result listed;
            co_await eventually([&]() -> asio::awaitable<void> {
                owo::list_entities_params list_entities_req2{.customer = m.id, .feature = "seats"};
                listed = co_await owo.list_entities(list_entities_req2);
            });
            std::map<std::string, owo::entity_status> stored;
            for (const auto& e : listed.entities) {
                BOOST_TEST(stored.count(e.id) == 0u, "duplicate entity " << e.id);
                stored[e.id] = e.status;
            }
            for (const auto& [seat, state] : m.seats) {
                if (state == seat_state::active)
                    BOOST_TEST((stored.count(seat) && stored[seat] == owo::entity_status::active), "lost active " << seat);
                if (state == seat_state::pending_removal)
                    BOOST_TEST((stored.count(seat) && stored[seat] == owo::entity_status::pending_removal),
                               "lost removal of " << seat);
            }
            for (const auto& [id, status] : stored) BOOST_TEST(m.seats.count(id) == 1u, "entity never added: " << id);

            owo::check_result usage;
            co_await eventually([&]() -> asio::awaitable<void> {
                owo::check_params check_req2{.customer = m.id, .feature = "api-calls", .value = 0};
                usage = co_await owo.check(check_req2);
            });
            long counted = static_cast<long>(usage.usage.value_or(-1));
            BOOST_TEST(counted >= m.usage_acknowledged, "acknowledged usage lost");
            BOOST_TEST(counted <= m.usage_acknowledged + m.usage_ambiguous, "usage counted twice");
        }
    });
}

BOOST_AUTO_TEST_SUITE_END()
