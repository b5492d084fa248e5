// owostack-bench: the measurements of bench/README.md, each a subcommand.
// Run them all with bench/run.sh; every figure there comes from this binary.
#include "raw_https.hpp"
#include "trivial_server.hpp"

#include <owostack/owostack.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <new>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

// ---- allocation counting (benchmark 5) --------------------------------------------------------
namespace {
std::atomic<std::uint64_t> g_allocations{0};
}
// Asio's recycling allocator falls back to aligned_alloc for coroutine frames and handlers it
// cannot recycle; this definition takes the place of libc's for the whole program, so those
// count too (OpenSSL's own mallocs are not counted, on either side).
extern "C" void* aligned_alloc(std::size_t align, std::size_t n) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    void* p = nullptr;
    return posix_memalign(&p, std::max(align, sizeof(void*)), n ? n : 1) == 0 ? p : nullptr;
}
void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono;
using owo::bench::raw_connection;

struct args {
    std::map<std::string, std::string> kv;
    std::string get(const std::string& k, std::string def = {}) const {
        auto it = kv.find(k);
        return it == kv.end() ? def : it->second;
    }
    long num(const std::string& k, long def) const { return std::stol(get(k, std::to_string(def))); }
};

args parse(int argc, char** argv, int from) {
    args a;
    for (int i = from; i + 1 < argc; i += 2) a.kv[std::string(argv[i]).substr(2)] = argv[i + 1];
    return a;
}

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

long peak_rss_kib() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

long current_rss_kib() {
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

owo::config sdk_config(const args& a) {
    owo::config c;
    c.secret_key = a.get("key", "sk_test_owostack_local");
    c.api_url = a.get("url");
    c.ca_file = a.get("ca");
    c.use_system_trust_store = false;
    c.request_timeout = seconds(a.num("timeout-s", 120));
    return c;
}

owo::bench::raw_target raw_target_of(const args& a) {
    // url is https://127.0.0.1:PORT/v1
    std::string url = a.get("url");
    auto colon = url.rfind(':');
    auto slash = url.find('/', colon);
    return {"127.0.0.1", url.substr(colon + 1, slash - colon - 1), a.get("key", "sk_test_owostack_local")};
}

template <class F>
void run_coro(F&& f) {
    asio::io_context ioc;
    auto fut = asio::co_spawn(ioc, std::forward<F>(f)(ioc), asio::use_future);
    ioc.run();
    fut.get();
}

// Prepares the state every benchmark reads: a customer with three seats.
struct fixture {
    std::string email = "bench-" + std::to_string(::getpid()) + "@example.com";
    std::string customer_body;
    std::string entities_target;
    std::string customer_id;
};

fixture prepare(const args& a) {
    fixture fx;
    run_coro([&](asio::io_context& ioc) -> asio::awaitable<void> {
        owo::client owo(ioc.get_executor(), sdk_config(a));
        owo::customer_params customer_req{.email = fx.email, .name = "Bench"};
        auto c = co_await owo.customer(customer_req);
        fx.customer_id = c.id();
        for (int i = 0; i < 3; ++i) {
            owo::add_entity_params seat{.feature = "seats", .entity = "seat-" + std::to_string(i)};
            co_await c.add_entity(seat);
        }
    });
    fx.customer_body = boost::json::serialize(boost::json::object{{"email", fx.email}, {"name", "Bench"}});
    fx.entities_target = "/v1/entities?customer=" + fx.customer_id + "&feature=seats";
    return fx;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// ---- 1. SDK overhead vs a hand-written Beast loop ---------------------------------------------
int sdk_overhead(const args& a) {
    auto fx = prepare(a);
    const long calls = a.num("calls", 2000), rounds = a.num("rounds", 5);
    auto tls = owo::bench::make_client_tls(a.get("ca"));
    // --side sdk|raw runs one side alone (for perf/strace); the figures need both.
    const std::string side = a.get("side", "both");
    std::vector<double> sdk_post, sdk_get, raw_post, raw_get;
    for (long r = 0; r < rounds; ++r) {
        if (side != "raw") run_coro([&](asio::io_context& ioc) -> asio::awaitable<void> {
            owo::client owo(ioc.get_executor(), sdk_config(a));
            owo::customer_params customer_req{.email = fx.email, .name = "Bench"};
            co_await owo.customer(customer_req);   // connect outside the timing
            const owo::customer_params resolve{.email = fx.email, .name = "Bench"};
            const owo::list_entities_params listing{.customer = fx.customer_id, .feature = "seats"};
            double t0 = cpu_seconds();
            for (long i = 0; i < calls; ++i) co_await owo.customer(resolve);
            double t1 = cpu_seconds();
            for (long i = 0; i < calls; ++i) co_await owo.list_entities(listing);
            double t2 = cpu_seconds();
            sdk_post.push_back((t1 - t0) / calls * 1e6);
            sdk_get.push_back((t2 - t1) / calls * 1e6);
        });
        if (side != "sdk") run_coro([&](asio::io_context& ioc) -> asio::awaitable<void> {
            raw_connection raw(ioc.get_executor(), tls, raw_target_of(a));
            raw.parse_body = true;
            co_await raw.connect();
            co_await raw.call(http::verb::post, "/v1/customers", fx.customer_body);
            double t0 = cpu_seconds();
            for (long i = 0; i < calls; ++i)
                if (co_await raw.call(http::verb::post, "/v1/customers", fx.customer_body) != 200) throw std::runtime_error("raw POST failed");
            double t1 = cpu_seconds();
            for (long i = 0; i < calls; ++i)
                if (co_await raw.call(http::verb::get, fx.entities_target, {}) != 200) throw std::runtime_error("raw GET failed");
            double t2 = cpu_seconds();
            raw_post.push_back((t1 - t0) / calls * 1e6);
            raw_get.push_back((t2 - t1) / calls * 1e6);
        });
    }
    auto cell = [](const std::vector<double>& v) {
        if (v.empty()) return std::string("-");
        auto [lo, hi] = std::minmax_element(v.begin(), v.end());
        char buf[64];
        std::snprintf(buf, sizeof buf, "%7.1f (%.1f-%.1f)", median(v), *lo, *hi);
        return std::string(buf);
    };
    auto row = [&](const char* name, const std::vector<double>& sdk, const std::vector<double>& raw) {
        double ratio = sdk.empty() || raw.empty() ? 0 : median(sdk) / median(raw);
        std::printf("| %-26s | %-19s | %-19s | %5.2fx |\n", name, cell(sdk).c_str(), cell(raw).c_str(), ratio);
    };
    std::printf("client CPU us/call, median of %ld rounds x %ld calls (min-max)\n", rounds, calls);
    std::printf("| call                       | SDK                 | raw Beast loop      | ratio |\n");
    row("POST /v1/customers resolve", sdk_post, raw_post);
    row("GET /v1/entities", sdk_get, raw_get);
    return 0;
}

// ---- 2. throughput and latency by concurrency -------------------------------------------------
int throughput(const args& a) {
    auto fx = prepare(a);
    const double secs = static_cast<double>(a.num("seconds", 3));
    std::string levels = a.get("levels", "1,8,64,1024");
    std::printf("| coroutines | calls/s | p50 ms | p99 ms | errors | connections opened | TLS handshakes | pool bound |\n");
    for (std::size_t pos = 0; pos < levels.size();) {
        auto comma = levels.find(',', pos);
        int level = std::stoi(levels.substr(pos, comma - pos));
        pos = comma == std::string::npos ? levels.size() : comma + 1;
        std::vector<double> lat;
        long errors = 0;
        owo::pool_counters stats;
        std::size_t bound = 0;
        double elapsed = 0;
        run_coro([&](asio::io_context& ioc) -> asio::awaitable<void> {
            owo::client owo(ioc.get_executor(), sdk_config(a));
            bound = owo::config{}.pool.max_connections;
            auto start = steady_clock::now();
            auto stop_at = start + duration<double>(secs);
            int running = level;
            asio::steady_timer all_done(ioc, steady_clock::time_point::max());
            for (int w = 0; w < level; ++w)
                asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
                    while (steady_clock::now() < stop_at) {
                        auto t = steady_clock::now();
                        try {
                            owo::list_entities_params list_entities_req{.customer = fx.customer_id, .feature = "seats"};
                            co_await owo.list_entities(list_entities_req);
                            lat.push_back(duration<double, std::milli>(steady_clock::now() - t).count());
                        } catch (const std::exception&) {
                            ++errors;
                        }
                    }
                    if (--running == 0) all_done.cancel();
                }, asio::detached);
            boost::system::error_code ec;
            co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            elapsed = duration<double>(steady_clock::now() - start).count();
            stats = owo.stats();
        });
        std::sort(lat.begin(), lat.end());
        auto pct = [&](double p) { return lat.empty() ? 0 : lat[static_cast<std::size_t>(p * (lat.size() - 1))]; };
        std::printf("| %10d | %7.0f | %6.2f | %6.2f | %6ld | %18llu | %14llu | %10zu |\n", level,
                    static_cast<double>(lat.size()) / elapsed, pct(0.5), pct(0.99), errors,
                    static_cast<unsigned long long>(stats.connections_opened),
                    static_cast<unsigned long long>(stats.tls_handshakes), bound);
    }
    return 0;
}

// ---- 3. many calls in flight on one client ----------------------------------------------------
int inflight(const args& a) {
    auto fx = prepare(a);
    const long calls = a.num("calls", 10000);
    long ok = 0, failed = 0;
    long baseline = 0;
    owo::pool_counters stats;
    double secs = 0;
    run_coro([&](asio::io_context& ioc) -> asio::awaitable<void> {
        auto cfg = sdk_config(a);
        cfg.pool.max_connections = static_cast<std::size_t>(a.num("pool", 16));
        owo::client owo(ioc.get_executor(), cfg);
        // Seats go to a customer without a plan (unlimited); lists read the 3-seat customer.
        owo::customer_params customer_req{.email = "bench-sink-" + std::to_string(::getpid()) + "@example.com"};
        auto sink = co_await owo.customer(customer_req);
        baseline = current_rss_kib();
        auto start = steady_clock::now();
        long remaining = calls;
        asio::steady_timer all_done(ioc, steady_clock::time_point::max());
        auto finish = [&](bool success) {
            success ? ++ok : ++failed;
            if (--remaining == 0) all_done.cancel();
        };
        for (long i = 0; i < calls; ++i) {
            if (i % 2 == 0)
                sink.async_add_entity({.feature = "seats", .entity = "e" + std::to_string(i)},
                                      [&](boost::system::error_code ec, const owo::add_entity_result&) { finish(!ec); });
            else
                owo.async_list_entities({.customer = fx.customer_id, .feature = "seats"},
                                        [&](boost::system::error_code ec, const owo::list_entities_result&) { finish(!ec); });
        }
        boost::system::error_code ec;
        co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        secs = duration<double>(steady_clock::now() - start).count();
        stats = owo.stats();
    });
    long peak = peak_rss_kib();
    std::printf("| calls in flight | completed | errors | seconds | peak RSS MiB | RSS over baseline per call | connections |\n");
    std::printf("| %15ld | %9ld | %6ld | %7.2f | %12.1f | %20.0f B | %11llu |\n", calls, ok, failed, secs, peak / 1024.0,
                (peak - baseline) * 1024.0 / static_cast<double>(calls),
                static_cast<unsigned long long>(stats.connections_opened));
    return failed == 0 ? 0 : 1;
}

// ---- 4. server throughput: owostack-local vs a trivial Beast server ---------------------------
struct load_result {
    double rps = 0;
    long errors = 0;
    std::size_t body_bytes = 0;
};

load_result load(const owo::bench::raw_target& target, const std::string& ca, http::verb method, const std::string& path,
                 const std::string& body, int connections, double secs) {
    load_result out;
    long done = 0;
    run_coro([&](asio::io_context& ioc) -> asio::awaitable<void> {
        auto tls = owo::bench::make_client_tls(ca);
        // The clock starts once every connection is up: handshakes are not what is measured.
        steady_clock::time_point start, stop_at;
        int running = connections, connecting = connections;
        asio::steady_timer all_done(ioc, steady_clock::time_point::max());
        asio::steady_timer all_connected(ioc, steady_clock::time_point::max());
        auto connected = [&] {
            if (--connecting > 0) return;
            start = steady_clock::now();
            stop_at = start + duration_cast<steady_clock::duration>(duration<double>(secs));
            all_connected.cancel();
        };
        for (int c = 0; c < connections; ++c)
            asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
                try {
                    raw_connection conn(ioc.get_executor(), tls, target);
                    try {
                        co_await conn.connect();
                    } catch (...) {
                        connected();
                        throw;
                    }
                    connected();
                    if (connecting > 0) {
                        boost::system::error_code ec;
                        co_await all_connected.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                    }
                    while (steady_clock::now() < stop_at) {
                        if (co_await conn.call(method, path, body) == 200) ++done;
                        else ++out.errors;
                        out.body_bytes = conn.last_body_size();
                    }
                } catch (const std::exception&) {
                    ++out.errors;
                }
                if (--running == 0) all_done.cancel();
            }, asio::detached);
        boost::system::error_code ec;
        co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        out.rps = static_cast<double>(done) / duration<double>(steady_clock::now() - start).count();
    });
    return out;
}

/// Forks a trivial server answering `bytes`-byte bodies; returns its pid and port.
std::pair<pid_t, std::string> fork_trivial_server(std::size_t bytes) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe");
    std::fflush(stdout);   // or the child inherits our buffered table and writes it into the pipe
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        // As many threads as owostack-local uses by default: the comparison is per machine.
        _exit(owo::bench::run_trivial_server(bytes, std::max(1u, std::thread::hardware_concurrency())));
    }
    close(fds[1]);
    char line[128] = {};
    ssize_t n = read(fds[0], line, sizeof line - 1);
    close(fds[0]);
    const char* p = n > 0 ? std::strstr(line, "port=") : nullptr;
    if (!p) throw std::runtime_error("trivial server did not start");
    return {pid, std::to_string(std::atoi(p + 5))};
}

int server_load(const args& a) {
    auto fx = prepare(a);
    const int conns = static_cast<int>(a.num("connections", 64));
    const double secs = static_cast<double>(a.num("seconds", 3));
    auto local = raw_target_of(a);
    struct workload { const char* name; http::verb method; std::string path, body; double target; };
    std::vector<workload> work = {
        {"GET /v1/entities (read)", http::verb::get, fx.entities_target, "", 0.50},
        {"POST /v1/customers resolve (write)", http::verb::post, "/v1/customers", fx.customer_body, 0.25},
    };
    // The two servers take turns in short windows (local, trivial, local, ...) so that a burst
    // of load from other tenants of the machine falls on both sides alike.
    const int windows = static_cast<int>(a.num("windows", 3));
    std::printf("| workload | owostack-local req/s | trivial server req/s | ratio | target | body bytes |\n");
    for (const auto& w : work) {
        double mine_rps = 0, trivial_rps = 0;
        long errors = 0;
        std::size_t body_bytes = 0;
        pid_t pid = -1;
        std::string port;
        for (int i = 0; i < windows; ++i) {
            auto mine = load(local, a.get("ca"), w.method, w.path, w.body, conns, secs / windows);
            if (pid < 0) std::tie(pid, port) = fork_trivial_server(body_bytes = mine.body_bytes);
            auto trivial = load({"127.0.0.1", port, local.key}, "", w.method, w.path, w.body, conns, secs / windows);
            mine_rps += mine.rps / windows;
            trivial_rps += trivial.rps / windows;
            errors += mine.errors + trivial.errors;
        }
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
        std::printf("| %s | %.0f | %.0f | %.2f | >= %.2f | %zu |%s\n", w.name, mine_rps, trivial_rps, mine_rps / trivial_rps,
                    w.target, body_bytes, errors ? " (errors!)" : "");
    }
    return 0;
}

// ---- 5. heap allocations per call in steady state ---------------------------------------------
int allocations(const args& a) {
    auto fx = prepare(a);
    const long calls = a.num("calls", 2000);
    auto tls = owo::bench::make_client_tls(a.get("ca"));
    double sdk_post = 0, sdk_get = 0, raw_post = 0, raw_get = 0;
    run_coro([&](asio::io_context& ioc) -> asio::awaitable<void> {
        owo::client owo(ioc.get_executor(), sdk_config(a));
        const owo::customer_params resolve{.email = fx.email, .name = "Bench"};
        const owo::list_entities_params listing{.customer = fx.customer_id, .feature = "seats"};
        for (int i = 0; i < 100; ++i) co_await owo.customer(resolve);   // warm-up
        auto n0 = g_allocations.load();
        for (long i = 0; i < calls; ++i) co_await owo.customer(resolve);
        auto n1 = g_allocations.load();
        for (long i = 0; i < calls; ++i) co_await owo.list_entities(listing);
        auto n2 = g_allocations.load();
        sdk_post = static_cast<double>(n1 - n0) / calls;
        sdk_get = static_cast<double>(n2 - n1) / calls;
    });
    run_coro([&](asio::io_context& ioc) -> asio::awaitable<void> {
        raw_connection raw(ioc.get_executor(), tls, raw_target_of(a));
        raw.parse_body = true;
        co_await raw.connect();
        for (int i = 0; i < 100; ++i) co_await raw.call(http::verb::post, "/v1/customers", fx.customer_body);
        auto n0 = g_allocations.load();
        for (long i = 0; i < calls; ++i) co_await raw.call(http::verb::post, "/v1/customers", fx.customer_body);
        auto n1 = g_allocations.load();
        for (long i = 0; i < calls; ++i) co_await raw.call(http::verb::get, fx.entities_target, {});
        auto n2 = g_allocations.load();
        raw_post = static_cast<double>(n1 - n0) / calls;
        raw_get = static_cast<double>(n2 - n1) / calls;
    });
    std::printf("| call | SDK allocations/call | raw Beast loop allocations/call |   (operator new + aligned_alloc)\n");
    std::printf("| POST /v1/customers resolve | %.1f | %.1f |\n", sdk_post, raw_post);
    std::printf("| GET /v1/entities | %.1f | %.1f |\n", sdk_get, raw_get);
    return 0;
}

// ---- 6. the customer pager over 100,000 customers ----------------------------------------------
// Seeds N customers (32 coroutines, one client), then reads them all through owo::customer_pager
// in pages of --limit: per-page latency (first vs last pages: keyset paging stays flat) and the
// client's RSS while paging (one page in memory at a time: flat).
int pager(const args& a) {
    const long total = a.num("customers", 100000);
    const int limit = static_cast<int>(a.num("limit", 100));
    std::vector<double> page_ms;
    std::vector<long> rss_kib;
    long listed = 0, seed_rss = 0;
    double seed_secs = 0;
    run_coro([&](asio::io_context& ioc) -> asio::awaitable<void> {
        owo::client owo(ioc.get_executor(), sdk_config(a));
        auto run_id = std::to_string(::getpid());
        auto seed_start = steady_clock::now();
        long next = 0, workers = 32;
        asio::steady_timer all_done(ioc, steady_clock::time_point::max());
        for (long w = 0; w < workers; ++w)
            asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
                for (long i = next++; i < total; i = next++) {
                    owo::customer_params who{.email = "pager-" + run_id + "-" + std::to_string(i) + "@example.com"};
                    (void)co_await owo.customer(who);
                }
                if (--workers == 0) all_done.cancel();
            }, asio::detached);
        boost::system::error_code ec;
        co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        seed_secs = duration<double>(steady_clock::now() - seed_start).count();
        seed_rss = current_rss_kib();

        owo::list_customers_params warm{.limit = 1};
        (void)co_await owo.list_customers(warm);   // the connection is up before the first page
        owo::list_customers_params params{.limit = limit};
        owo::customer_pager pages(owo, params);
        while (true) {
            auto t0 = steady_clock::now();
            auto page = co_await pages.next();
            page_ms.push_back(duration<double, std::milli>(steady_clock::now() - t0).count());
            if (page.empty()) break;
            listed += static_cast<long>(page.size());
            rss_kib.push_back(current_rss_kib());
        }
        page_ms.pop_back();   // the empty answer after the last page is no page
    });
    if (page_ms.empty()) return 1;
    auto median_of = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::size_t k = std::min<std::size_t>(10, page_ms.size());
    double first10 = median_of({page_ms.begin(), page_ms.begin() + static_cast<long>(k)});
    double last10 = median_of({page_ms.end() - static_cast<long>(k), page_ms.end()});
    long rss_max = *std::max_element(rss_kib.begin(), rss_kib.end());
    std::printf("seeded %ld customers in %.1f s; listed %ld in %zu pages of %d\n", total, seed_secs, listed, page_ms.size(), limit);
    std::printf("| page latency ms: first | last | median first 10 | median last 10 | last/first (medians) |\n");
    std::printf("| %.2f | %.2f | %.2f | %.2f | %.2fx |\n", page_ms.front(), page_ms.back(), first10, last10, last10 / first10);
    std::printf("| client RSS MiB: after seeding | after page 1 | max while paging | after last page | peak (ru_maxrss, seeding included) |\n");
    std::printf("| %.1f | %.1f | %.1f | %.1f | %.1f |\n", seed_rss / 1024.0, rss_kib.front() / 1024.0, rss_max / 1024.0,
                rss_kib.back() / 1024.0, peak_rss_kib() / 1024.0);
    return listed >= total ? 0 : 1;
}

int usage() {
    std::fprintf(stderr,
                 "usage: owostack-bench COMMAND --url https://127.0.0.1:PORT/v1 --ca CA.pem [--key KEY] [options]\n"
                 "  overhead    [--calls 2000 --rounds 5 --side both|sdk|raw]  SDK vs raw Beast client CPU per call\n"
                 "  throughput  [--levels 1,8,64,1024 --seconds 3]\n"
                 "  inflight    [--calls 10000 --pool 16]      peak RSS with many calls in flight\n"
                 "  server      [--connections 64 --seconds 3 --windows 3] owostack-local vs trivial Beast server\n"
                 "  allocations [--calls 2000]                 heap allocations per call\n"
                 "  pager       [--customers 100000 --limit 100] customer_pager: page latency first/last, RSS\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    std::string cmd = argv[1];
    auto a = parse(argc, argv, 2);
    try {
        if (cmd == "overhead") return sdk_overhead(a);
        if (cmd == "throughput") return throughput(a);
        if (cmd == "inflight") return inflight(a);
        if (cmd == "server") return server_load(a);
        if (cmd == "allocations") return allocations(a);
        if (cmd == "pager") return pager(a);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "owostack-bench %s: %s\n", cmd.c_str(), e.what());
        return 1;
    }
    return usage();
}
