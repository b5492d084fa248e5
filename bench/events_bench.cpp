// owostack-events-bench: the customer-event measurements of bench/README.md §9 (issue #18).
//   create    durable create req/s with events on and off, side by side (target: on >= 0.85x off)
//   delivery  events/s from owostack-local's outbox to a local receiver (target: >= 2,000/s)
//   latency   create p50/p99 with no webhook vs a webhook that never answers (target: p99 <= 1.1x)
// Each starts its own owostack-local processes (on-disk SQLite, synchronous=FULL) and receivers
// on loopback, using the test fixtures (tests/support).
// Usage: owostack-events-bench create|delivery|latency [--rounds N] [--count N] [--concurrency N]
#include <support/local_server.hpp>
#include <support/webhook_receiver.hpp>

#include <owostack/owostack.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace fs = std::filesystem;
using owo::test::local_server;
using owo::test::local_server_options;
using owo::test::webhook_receiver;
using clock_type = std::chrono::steady_clock;

namespace {

struct settings {
    int rounds = 3, count = 2000, concurrency = 16;
};

/// A fresh on-disk database directory, removed when done.
struct scratch {
    fs::path dir;
    explicit scratch(const std::string& name)
        : dir(fs::temp_directory_path() / ("owostack-events-bench-" + name + "-" + std::to_string(::getpid()))) {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~scratch() { fs::remove_all(dir); }
    std::string db() const { return (dir / "bench.db").string(); }
};

local_server_options server_options(const scratch& s, std::vector<std::string> extra) {
    local_server_options o;
    o.db = s.db();
    o.api_keys = {"sk_bench:bench"};
    o.extra_args = std::move(extra);
    return o;
}

owo::config config_for(const local_server& srv) {
    owo::config c;
    c.secret_key = "sk_bench";
    c.api_url = srv.url();
    c.ca_file = srv.ca_file();
    c.use_system_trust_store = false;
    c.pool.max_connections = 64;
    return c;
}

struct create_run {
    double seconds = 0;
    double server_cpu_seconds = 0;   // owostack-local's user + system time during the run
    std::vector<double> latencies_ms;
};

/// User + system CPU seconds the process has used (/proc/PID/stat fields 14 and 15).
double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));   // after "(comm) "
    std::string skip;
    for (int i = 3; i < 14; ++i) fields >> skip;
    double user = 0, sys = 0;
    fields >> user >> sys;
    return (user + sys) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// `count` creates (unique emails), `concurrency` in flight on one client.
create_run run_creates(const local_server& srv, const settings& s, const std::string& tag) {
    // The runs before this one left dirty pages (their databases, now deleted or not): written
    // back during this run they would share the disk with its fsyncs, so the arm measured after
    // a busy one would pay for it.
    ::sync();
    create_run out;
    out.latencies_ms.reserve(s.count);
    asio::io_context ioc;
    owo::client client(ioc.get_executor(), config_for(srv));
    int next = 0;
    double cpu_before = cpu_seconds(srv.pid());
    auto started = clock_type::now();
    for (int w = 0; w < s.concurrency; ++w)
        asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
            for (int i; (i = next++) < s.count;) {
                owo::customer_params p{.email = tag + "-" + std::to_string(i) + "@bench.example"};
                auto t0 = clock_type::now();
                co_await client.customer(p);
                out.latencies_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
            }
        }, asio::detached);
    ioc.run();
    out.seconds = std::chrono::duration<double>(clock_type::now() - started).count();
    out.server_cpu_seconds = cpu_seconds(srv.pid()) - cpu_before;
    return out;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }

void create_cost(const settings& s) {
    std::vector<double> on, off, cpu_on, cpu_off;
    for (int r = 0; r < s.rounds; ++r)
        for (bool events : {false, true}) {   // alternated, so drift hits both alike
            scratch dir(events ? "on" : "off");
            std::vector<std::string> args{"--events", events ? "on" : "off"};
            if (const char* mode = std::getenv("OWO_BENCH_COMMIT_MODE")) args.insert(args.end(), {"--commit-mode", mode});
            local_server srv(server_options(dir, args));
            auto run = run_creates(srv, s, "create");
            double rps = s.count / run.seconds, cpu_us = 1e6 * run.server_cpu_seconds / s.count;
            (events ? on : off).push_back(rps);
            (events ? cpu_on : cpu_off).push_back(cpu_us);
            std::printf("round %d  events %-3s  %8.0f creates/s  server CPU %6.1f us/create\n", r + 1, events ? "on" : "off",
                        rps, cpu_us);
        }
    // Server CPU per create is the cost least moved by other load on the machine.
    std::printf("median server CPU per create: events off %.1f us, on %.1f us: on = %.3fx off (target <= 1.15x)\n",
                median(cpu_off), median(cpu_on), median(cpu_on) / median(cpu_off));
    // Each round's pair ran back to back: its ratio is the least disturbed by the machine's load.
    std::vector<double> ratios;
    for (std::size_t i = 0; i < on.size(); ++i) ratios.push_back(on[i] / off[i]);
    double m_on = median(on), m_off = median(off);
    std::printf("median: events off %.0f/s, on %.0f/s: on = %.3fx off; median of the rounds' on/off: %.3fx "
                "(target >= 0.85x)\n", m_off, m_on, m_on / m_off, median(ratios));
}

void delivery(const settings& s) {
    std::vector<double> rates;
    for (int r = 0; r < s.rounds; ++r) {
        webhook_receiver receiver;
        receiver.stop();   // down while the backlog builds
        scratch dir("delivery");
        local_server srv(server_options(dir, {"--webhook", receiver.url(), "--webhook-retry-base-ms", "100",
                                              "--webhook-retry-cap-ms", "100"}));
        run_creates(srv, s, "delivery");
        receiver.start();
        auto up = clock_type::now();
        bool all = receiver.wait_until([&](const auto& got) { return static_cast<int>(got.size()) >= s.count; },
                                       std::chrono::seconds(120));
        double seconds = std::chrono::duration<double>(clock_type::now() - up).count();
        // The first retry may wait up to the retry delay: measured from the first receipt.
        receiver.wait_until([](const auto& got) { return !got.empty(); }, std::chrono::seconds(1));
        auto got = receiver.received().size();
        double rate = static_cast<double>(got) / seconds;
        rates.push_back(rate);
        std::printf("round %d  %zu events delivered in %.3f s  %8.0f events/s%s\n", r + 1, got, seconds, rate,
                    all ? "" : "  (INCOMPLETE)");
    }
    std::printf("median: %.0f events/s (target >= 2000/s; includes up to 100 ms of retry delay)\n", median(rates));
}

void latency(const settings& s) {
    // No webhook; a receiver that answers at once; one that never answers (the claim compares
    // the last two: both write the outbox row, only the endpoint's behaviour differs).
    const char* names[] = {"no webhook", "answering webhook", "never-answering webhook"};
    std::vector<double> p99[3], p50[3];
    for (int r = 0; r < s.rounds; ++r)
        for (int arm = 0; arm < 3; ++arm) {
            webhook_receiver receiver(0, arm == 2 ? webhook_receiver::mode::hang : webhook_receiver::mode::answer);
            scratch dir("latency");
            std::vector<std::string> extra;
            if (arm > 0) extra = {"--webhook", receiver.url()};
            local_server srv(server_options(dir, extra));
            auto run = run_creates(srv, s, "latency");
            p50[arm].push_back(percentile(run.latencies_ms, 0.5));
            p99[arm].push_back(percentile(run.latencies_ms, 0.99));
            std::printf("round %d  %-24s p50 %6.2f ms  p99 %6.2f ms  %6.0f creates/s\n", r + 1, names[arm], p50[arm].back(),
                        p99[arm].back(), s.count / run.seconds);
        }
    for (int arm = 0; arm < 3; ++arm)
        std::printf("median %-24s p50 %6.2f ms  p99 %6.2f ms\n", names[arm], median(p50[arm]), median(p99[arm]));
    std::printf("p99 never-answering / answering: %.3fx (target <= 1.10x); never-answering / none: %.3fx\n",
                median(p99[2]) / median(p99[1]), median(p99[2]) / median(p99[0]));
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: owostack-events-bench create|delivery|latency [--rounds N] [--count N] [--concurrency N]\n");
        return 2;
    }
    std::string what = argv[1];
    settings s;
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        int v = std::stoi(argv[i + 1]);
        if (a == "--rounds") s.rounds = v;
        else if (a == "--count") s.count = v;
        else if (a == "--concurrency") s.concurrency = v;
    }
    try {
        if (what == "create") create_cost(s);
        else if (what == "delivery") delivery(s);
        else if (what == "latency") latency(s);
        else throw std::invalid_argument("unknown benchmark " + what);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "owostack-events-bench: %s\n", e.what());
        return 1;
    }
}
