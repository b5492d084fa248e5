// The store execution layer without the network: group commit's batches and savepoints, the
// per-request mode, read connections, the metrics registry, the request log line, and what the
// api's operations routes (/metrics, /ready, X-Request-Id) answer.
#include "server_helpers.hpp"

#include "api/api.hpp"
#include "http/http_server.hpp"
#include "http/metrics.hpp"
#include "store/store_engine.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <future>
#include <stdexcept>

namespace fs = std::filesystem;
namespace json = boost::json;
namespace http = boost::beast::http;
using namespace owo::local;
using owo::test::metric_sample;

namespace {

/// An engine on a fresh database file, removed afterwards.
struct engine_on_disk {
    fs::path dir = fs::temp_directory_path() / owo::test::unique("owostack-engine");
    metrics_registry metrics;
    std::unique_ptr<store_engine> engine;

    explicit engine_on_disk(commit_mode mode, std::function<void()> before_wal_sync = {}) {
        fs::create_directories(dir);
        store_engine_options o{(dir / "store.db").string(), mode};
        o.before_wal_sync = std::move(before_wal_sync);
        engine = open_store_engine(o, metrics);
    }
    ~engine_on_disk() {
        engine.reset();
        fs::remove_all(dir);
    }
    histogram& batch_sizes() { return metrics.histogram_of("owostack_store_commit_batch_size", "", {}); }
    double units(const char* kind, const char* outcome) {
        return metrics.counter_of("owostack_store_units_total", "", {"kind", "outcome"}, {kind, outcome}).value();
    }
};

customer_row customer(const std::string& id) {
    customer_row c;
    c.id = id;
    c.org = "org_engine";
    c.email = id + "@example.com";
    c.name = id;
    c.created_at = c.updated_at = 1;
    return c;
}

/// Submits a unit; the future holds its failure (nullptr: it ran, and a write is durable).
std::future<std::exception_ptr> submit_unit(store_engine& e, unit_kind kind, unit_of_work work,
                                            write_history* history = nullptr) {
    auto done = std::make_shared<std::promise<std::exception_ptr>>();
    auto f = done->get_future();
    e.submit(kind, std::move(work), [done](std::exception_ptr x) { done->set_value(x); }, history);
    return f;
}

std::future<std::exception_ptr> submit_write(store_engine& e, unit_of_work work) {
    return submit_unit(e, unit_kind::write, std::move(work));
}

std::string what(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    }
}

bool still_waiting(std::future<std::exception_ptr>& f) {
    return f.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout;
}

bool exists(store_engine& e, const std::string& id) {
    bool found = false;
    run_blocking(e, unit_kind::read, [&](store& s) { found = !s.customers_by_id("org_engine", id).empty(); });
    return found;
}


} // namespace

BOOST_AUTO_TEST_SUITE(store_engine_layer)

// Units queued behind a busy writer share one transaction; the two that fail (a throw, a
// constraint violation) fail alone: the first failure rolls the transaction back and the batch
// runs again with a savepoint per unit, where each failure rolls back only itself.
BOOST_AUTO_TEST_CASE(a_failing_unit_fails_only_itself_in_its_batch) {
    engine_on_disk e(commit_mode::group);
    std::promise<void> started, release;
    auto released = release.get_future().share();
    std::atomic<int> blocker_runs{0};
    // It writes first: a write unit that has not written yet runs as a read (sqlite_engine).
    // Units may run more than once (the batch is redone), so it signals only on its first run.
    auto blocker = submit_write(*e.engine, [&, released](store& s) {
        s.insert_customer(customer("blocker"));
        if (blocker_runs++ == 0) started.set_value();
        released.wait();
    });
    started.get_future().wait();   // the writer is busy: the next units queue and form one batch
    std::vector<std::future<std::exception_ptr>> units;
    units.push_back(submit_write(*e.engine, [](store& s) { s.insert_customer(customer("a")); }));
    units.push_back(submit_write(*e.engine, [](store& s) {
        s.insert_customer(customer("b"));
        throw std::runtime_error("b fails after writing");
    }));
    units.push_back(submit_write(*e.engine, [](store& s) { s.insert_customer(customer("c")); }));
    units.push_back(submit_write(*e.engine, [](store& s) { s.insert_customer(customer("a")); }));   // duplicate id
    units.push_back(submit_write(*e.engine, [](store& s) { s.insert_customer(customer("e")); }));
    BOOST_TEST(metric_sample(e.metrics.render(), "owostack_store_write_queue_depth") == 5.0);
    release.set_value();
    BOOST_TEST((blocker.get() == nullptr));
    std::vector<bool> failed;
    for (auto& u : units) failed.push_back(u.get() != nullptr);
    BOOST_TEST(failed == (std::vector<bool>{false, true, false, true, false}));
    BOOST_TEST(exists(*e.engine, "a"));
    BOOST_TEST(!exists(*e.engine, "b"));
    BOOST_TEST(exists(*e.engine, "c"));
    BOOST_TEST(exists(*e.engine, "e"));
    // One commit: the units queued behind the blocker joined its open transaction before it
    // committed (a, c and e; b and the duplicate rolled back to their savepoints).
    BOOST_TEST(e.batch_sizes().count() == 1u);
    BOOST_TEST(e.batch_sizes().sum() == 4.0);
    BOOST_TEST(e.batch_sizes().bucket(0) == 0u);   // le=1: none alone
    BOOST_TEST(e.units("write", "ok") == 4.0);
    BOOST_TEST(e.units("write", "failed") == 2.0);
    BOOST_TEST(e.metrics.histogram_of("owostack_store_commit_seconds", "", {}).count() == 1u);
    BOOST_TEST(e.metrics.histogram_of("owostack_store_fsync_seconds", "", {}).count() == 1u);
    BOOST_TEST(blocker_runs == 2);   // the first, without savepoints, was rolled back at b's throw
    BOOST_TEST(metric_sample(e.metrics.render(), "owostack_store_write_queue_depth") == 0.0);
}

// COMMIT only writes the WAL; the syncer's fsync makes it durable. Until then neither the write
// nor a read that may have seen it is answered.
BOOST_AUTO_TEST_CASE(writes_and_the_reads_that_see_them_are_answered_once_durable) {
    std::promise<void> syncing, release;
    auto released = release.get_future().share();
    std::atomic<bool> first{true};
    engine_on_disk e(commit_mode::group, [&, released] {
        if (!first.exchange(false)) return;
        syncing.set_value();
        released.wait();
    });
    auto write = submit_write(*e.engine, [](store& s) { s.insert_customer(customer("x")); });
    syncing.get_future().wait();   // committed, its fsync not yet done
    BOOST_TEST(still_waiting(write));
    bool seen = false;
    auto read = submit_unit(*e.engine, unit_kind::read, [&](store& s) { seen = !s.customers_by_id("org_engine", "x").empty(); });
    BOOST_TEST(still_waiting(read));
    release.set_value();
    BOOST_TEST((write.get() == nullptr));
    BOOST_TEST((read.get() == nullptr));
    BOOST_TEST(seen);
    BOOST_TEST(e.metrics.histogram_of("owostack_store_fsync_seconds", "", {}).count() >= 1u);
}

// After a failed fsync nothing more can be called durable: its units fail, and so does every
// later unit and the readiness check, until a restart.
BOOST_AUTO_TEST_CASE(a_failed_fsync_fails_its_units_and_every_later_one) {
    std::atomic<bool> first{true};
    engine_on_disk e(commit_mode::group, [&] {
        if (first.exchange(false)) throw std::runtime_error("the disk went away");
    });
    auto write = submit_write(*e.engine, [](store& s) { s.insert_customer(customer("lost")); }).get();
    BOOST_REQUIRE(write != nullptr);
    BOOST_TEST(what(write) == "the disk went away");
    BOOST_TEST(!e.engine->ready());
    auto later = submit_write(*e.engine, [](store& s) { s.insert_customer(customer("later")); }).get();
    BOOST_TEST((later != nullptr));
    BOOST_TEST((submit_unit(*e.engine, unit_kind::read, [](store&) {}).get() != nullptr));
}

// A route whose units nearly always write skips the read-first run; once its units stop writing
// (seen on the writer, by the rows they changed), it reads first again.
BOOST_AUTO_TEST_CASE(routes_that_nearly_always_write_skip_the_read_first_run) {
    engine_on_disk e(commit_mode::group);
    write_history route;
    BOOST_TEST(route.read_first());
    for (int i = 0; i < 40; ++i)
        BOOST_TEST((submit_unit(*e.engine, unit_kind::write,
                                [i](store& s) { s.insert_customer(customer("w" + std::to_string(i))); }, &route)
                        .get() == nullptr));
    BOOST_TEST(!route.read_first());
    double readers = metric_sample(e.metrics.render(), "owostack_store_pool_connections");
    for (int i = 0; i < 10; ++i)
        BOOST_TEST((submit_unit(*e.engine, unit_kind::write, [](store& s) { s.customers_by_id("org_engine", "w1"); }, &route)
                        .get() == nullptr));
    BOOST_TEST(route.read_first());
    BOOST_TEST(e.units("write", "ok") == 50.0);
    BOOST_TEST(readers >= 1.0);   // the first writes did read first
}

BOOST_AUTO_TEST_CASE(per_request_mode_commits_each_write_alone_and_rolls_back_a_failing_one) {
    engine_on_disk e(commit_mode::per_request);
    BOOST_TEST((submit_write(*e.engine, [](store& s) { s.insert_customer(customer("a")); }).get() == nullptr));
    BOOST_TEST((submit_write(*e.engine, [](store& s) {
                   s.insert_customer(customer("b"));
                   throw std::runtime_error("b fails after writing");
               }).get() != nullptr));
    BOOST_TEST(exists(*e.engine, "a"));
    BOOST_TEST(!exists(*e.engine, "b"));
    BOOST_TEST(e.batch_sizes().count() == 1u);
    BOOST_TEST(e.units("write", "failed") == 1.0);
    BOOST_TEST(e.engine->ready());
}

// Reads run on their own connections: they see what was committed, cannot write, and show in
// the pool gauges while they run.
BOOST_AUTO_TEST_CASE(reads_use_pooled_read_only_connections) {
    engine_on_disk e(commit_mode::group);
    BOOST_TEST(metric_sample(e.metrics.render(), "owostack_store_pool_connections") == 0.0);
    run_blocking(*e.engine, unit_kind::write, [](store& s) { s.insert_customer(customer("r")); });
    std::string during;
    run_blocking(*e.engine, unit_kind::read, [&](store& s) {
        during = e.metrics.render();
        BOOST_TEST(s.customers_by_id("org_engine", "r").size() == 1u);
    });
    BOOST_TEST(metric_sample(during, "owostack_store_pool_connections_in_use") == 1.0);
    BOOST_TEST(metric_sample(during, "owostack_store_pool_connections") == 1.0);
    BOOST_TEST(metric_sample(e.metrics.render(), "owostack_store_pool_connections_in_use") == 0.0);
    BOOST_CHECK_THROW(run_blocking(*e.engine, unit_kind::read, [](store& s) { s.insert_customer(customer("w")); }),
                      std::exception);
    BOOST_TEST(!exists(*e.engine, "w"));
    BOOST_TEST(e.units("read", "failed") == 1.0);
    BOOST_TEST(e.engine->ready());
    e.engine->stop();
    BOOST_TEST(!e.engine->ready());
    BOOST_CHECK_THROW(run_blocking(*e.engine, unit_kind::write, [](store&) {}), std::exception);
}

BOOST_AUTO_TEST_CASE(metrics_render_in_the_prometheus_text_format) {
    metrics_registry m;
    m.counter_of("t_requests_total", "Requests", {"route", "status"}, {"/v1/x\"y", "200"}).add(3);
    auto& h = m.histogram_of("t_seconds", "Latency", {0.1, 1});
    h.observe(0.05);
    h.observe(0.5);
    h.observe(7);
    double depth = 4;
    m.gauge("t_depth", "Depth", [&] { return depth; });
    auto text = m.render();
    BOOST_TEST(text.find("\n# HELP t_requests_total Requests\n# TYPE t_requests_total counter\n") != std::string::npos);
    BOOST_TEST(metric_sample(text, R"(t_requests_total{route="/v1/x\"y",status="200"})") == 3.0);
    BOOST_TEST(text.find("# TYPE t_seconds histogram") != std::string::npos);
    BOOST_TEST(metric_sample(text, R"(t_seconds_bucket{le="0.1"})") == 1.0);
    BOOST_TEST(metric_sample(text, R"(t_seconds_bucket{le="1"})") == 2.0);
    BOOST_TEST(metric_sample(text, R"(t_seconds_bucket{le="+Inf"})") == 3.0);
    BOOST_TEST(metric_sample(text, "t_seconds_count") == 3.0);
    BOOST_TEST(metric_sample(text, "t_seconds_sum") == 7.55);
    BOOST_TEST(metric_sample(text, "t_depth") == 4.0);
    depth = 5;
    BOOST_TEST(metric_sample(m.render(), "t_depth") == 5.0);
    m.remove_gauge("t_depth");
    BOOST_TEST(metric_sample(m.render(), "t_depth") == -1.0);
    BOOST_CHECK_THROW(m.histogram_of("t_requests_total", "", {1}), std::logic_error);
}

BOOST_AUTO_TEST_CASE(the_request_log_line_has_the_id_and_no_secret_query_or_body) {
    http_request req{http::verb::post, "/v1/customers?email=someone%40example.com", 11};
    req.set(http::field::authorization, "Bearer sk_secret_value");
    req.body() = R"({"email":"someone@example.com"})";
    http_response res{http::status::ok, 11};
    res.set("X-Request-Id", "req-123");
    auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795698822840));
    auto line = request_log_line(log_format::json, req, res, 1.5, "127.0.0.1", at);
    BOOST_TEST(line.back() == '\n');
    auto v = json::parse(line).as_object();
    BOOST_TEST(v.at("request_id").as_string() == "req-123");
    BOOST_TEST(v.at("method").as_string() == "POST");
    BOOST_TEST(v.at("path").as_string() == "/v1/customers");
    BOOST_TEST(v.at("status").as_int64() == 200);
    BOOST_TEST(v.at("duration_ms").as_double() == 1.5);
    BOOST_TEST(v.at("ts").as_string() == "2026-11-26T13:13:42.840Z");
    auto text = request_log_line(log_format::text, req, res, 1.5, "127.0.0.1", at);
    BOOST_TEST(text.find(R"(request_id="req-123")") != std::string::npos);
    for (const auto& l : {line, text}) {
        BOOST_TEST(l.find("sk_secret") == std::string::npos);
        BOOST_TEST(l.find("someone") == std::string::npos);
    }
}

namespace {

/// An engine whose store can be made unreachable (readiness), over a real in-memory one.
struct switchable_engine final : store_engine {
    std::unique_ptr<store_engine> inner;
    std::atomic<bool> reachable{true};
    void submit(unit_kind k, unit_of_work w, unit_done d, write_history* h) override {
        inner->submit(k, std::move(w), std::move(d), h);
    }
    bool ready() override { return reachable && inner->ready(); }
    void stop() override { inner->stop(); }
};

http_request request(http::verb verb, std::string target, std::string body = {}) {
    http_request req{verb, target, 11};
    req.set(http::field::authorization, "Bearer sk_ops");
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
}

} // namespace

// Each metric moves when its event happens; /ready follows the store; request ids are echoed
// when sane and generated otherwise.
BOOST_AUTO_TEST_CASE(operations_routes_metrics_readiness_and_request_ids) {
    switchable_engine* engine = nullptr;
    api_options o;
    o.api_keys = {{"sk_ops", "org_ops"}};
    o.open_engine = [&](const store_engine_options& eo, metrics_registry& m) {
        auto e = std::make_unique<switchable_engine>();
        e->inner = open_store_engine(eo, m);
        engine = e.get();
        return e;
    };
    api app(std::move(o));
    auto metrics = [&] { return app.handle(request(http::verb::get, "/metrics")).body(); };
    const std::string created = R"(owostack_http_requests_total{route="/v1/customers",method="POST",status="200"})";
    const std::string latency = R"(owostack_http_request_seconds_count{route="/v1/customers"})";
    auto before = metrics();
    BOOST_TEST(metric_sample(before, created) == -1.0);
    double commits = metric_sample(before, "owostack_store_commit_batch_size_count");
    double commit_times = metric_sample(before, "owostack_store_commit_seconds_count");
    BOOST_TEST(commits >= 1.0);   // the catalog merge at start

    auto res = app.handle(request(http::verb::post, "/v1/customers", R"({"email":"ops@example.com"})"));
    BOOST_TEST(res.result_int() == 200u);
    BOOST_TEST(res["X-Request-Id"].size() == 32u);
    auto after = metrics();
    BOOST_TEST(metric_sample(after, created) == 1.0);
    BOOST_TEST(metric_sample(after, latency) == 1.0);
    BOOST_TEST(metric_sample(after, "owostack_store_commit_batch_size_count") == commits + 1);
    BOOST_TEST(metric_sample(after, "owostack_store_commit_seconds_count") == commit_times + 1);
    BOOST_TEST(metric_sample(after, R"(owostack_store_units_total{kind="write",outcome="ok"})") >= 2.0);
    BOOST_TEST(after.find("# TYPE owostack_store_write_queue_depth gauge") != std::string::npos);

    auto bad = request(http::verb::post, "/v1/customers", R"({"email":)");
    bad.set("X-Request-Id", "abc-123_x.y:z");
    auto refused = app.handle(bad);
    BOOST_TEST(refused.result_int() == 400u);
    BOOST_TEST(refused["X-Request-Id"] == "abc-123_x.y:z");
    BOOST_TEST(metric_sample(metrics(), R"(owostack_http_requests_total{route="/v1/customers",method="POST",status="400"})") == 1.0);
    auto odd = request(http::verb::get, "/health");
    odd.set("X-Request-Id", "no spaces allowed");
    BOOST_TEST(app.handle(odd)["X-Request-Id"] != "no spaces allowed");

    auto ready = app.handle(request(http::verb::get, "/ready"));
    BOOST_TEST(ready.result_int() == 200u);
    BOOST_TEST(ready.body() == R"({"status":"ready"})");
    engine->reachable = false;
    auto down = app.handle(request(http::verb::get, "/ready"));
    BOOST_TEST(down.result_int() == 503u);
    BOOST_TEST(json::parse(down.body()).at("success").as_bool() == false);
    BOOST_TEST(metric_sample(metrics(), R"(owostack_http_requests_total{route="/ready",method="GET",status="503"})") == 1.0);
    engine->reachable = true;
    BOOST_TEST(app.handle(request(http::verb::get, "/ready")).result_int() == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
