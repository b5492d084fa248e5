// owostack-local: see options.cpp for the command line and README.md for the story.
#include "api/api.hpp"
#include "api/api_keys.hpp"
#include "http/http_server.hpp"
#include "options.hpp"
#include "store/postgres_engine.hpp"
#include "webhooks/dispatcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace json = boost::json;
using namespace owo::local;

namespace {

asio::ip::tcp::endpoint parse_listen(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("--listen expects ADDR:PORT, got '" + text + "'");
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(host, ec);
    if (ec) throw std::invalid_argument("--listen: '" + host + "' is not an IP address");
    unsigned long port = std::stoul(text.substr(colon + 1));
    if (port > 65535) throw std::invalid_argument("--listen: port out of range");
    return {addr, static_cast<unsigned short>(port)};
}

json::object load_catalog(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument("cannot read catalog file '" + path + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto v = json::parse(ss.str(), ec);
    if (ec) throw std::invalid_argument("catalog '" + path + "' is not valid JSON: " + ec.message());
    auto refused = validate_catalog_payload(v, catalog_source::catalog_file);
    if (!refused) refused = catalog_problems({}, v.as_object());
    if (refused) {
        std::string why = refused->message;
        if (!refused->issues.empty()) {
            const auto& first = refused->issues.front().as_object();
            why = json::serialize(first.at("path")) + ": " + std::string(first.at("message").as_string());
        }
        throw std::invalid_argument("catalog '" + path + "': " + why);
    }
    return v.as_object();
}

/// The --api-key values, KEY[:ORG[:SCOPES]], into the api's keys and their scopes. Errors name
/// a value by its position, never by its key.
void add_api_keys(const command_line& c, api_options& ao) {
    for (std::size_t i = 0; i < c.api_keys.size(); ++i) {
        auto k = parse_api_key(c.api_keys[i], i + 1);
        ao.api_keys[k.key] = k.org;
        ao.key_scopes.insert_or_assign(k.key, k.scopes);
    }
    if (ao.api_keys.empty()) {
        const char* env = std::getenv("OWOSTACK_SECRET_KEY");
        ao.api_keys[env && *env ? env : "sk_test_owostack_local"] = default_organisation;
    }
}

/// A directory owostack-local made for itself, removed with everything in it when the server
/// exits (normally, or on SIGINT/SIGTERM, which end the run loop and return from main).
class owned_temp_dir {
public:
    owned_temp_dir() = default;
    owned_temp_dir(const owned_temp_dir&) = delete;
    owned_temp_dir& operator=(const owned_temp_dir&) = delete;
    ~owned_temp_dir() {
        if (path_.empty()) return;
        std::error_code ec;
        fs::remove_all(path_, ec);
        if (ec) std::fprintf(stderr, "owostack-local: could not remove %s: %s\n", path_.c_str(), ec.message().c_str());
    }
    /// Makes a fresh directory under $TMPDIR (else /tmp), private to this user.
    const fs::path& make(const std::string& prefix) {
        std::string pattern = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory in " + fs::temp_directory_path().string());
        return path_ = pattern;
    }

private:
    fs::path path_;
};

/// `generated_in` owns the directory when the material is generated into a temporary one.
tls_material tls_for(const command_line& c, owned_temp_dir& generated_in) {
    if (!c.tls_cert.empty()) return {c.tls_cert, c.tls_cert, c.tls_key};
    fs::path dir = c.tls_dir;
    if (dir.empty()) {
        if (c.db == ":memory:" || !c.store.empty())   // no database file to sit next to
            dir = generated_in.make("owostack-local-tls-");
        else
            dir = fs::absolute(c.db).parent_path() / "owostack-local-tls";
    }
    auto m = ensure_tls_material(fs::absolute(dir));
    m.ca_file = fs::absolute(m.ca_file).string();
    return m;
}

} // namespace

int main(int argc, char** argv) {
    command_line cmd;
    try {
        cmd = parse_command_line(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "owostack-local: %s\n", e.what());
        return 2;
    }
    if (cmd.help) {
        std::fputs(usage_text(), stdout);
        return 0;
    }
    owned_temp_dir tls_temp_dir;   // outlives everything in the try block, and the catch
    try {
        api_options ao;
        ao.engine.store = cmd.store.empty() ? cmd.db : cmd.store;
        ao.engine.pool_size = cmd.store_pool_size;
        ao.engine.acquire_timeout = std::chrono::milliseconds(cmd.store_acquire_timeout_ms);
        ao.engine.mode = cmd.commit_mode == "per-request" ? commit_mode::per_request : commit_mode::group;
        add_api_keys(cmd, ao);
        ao.catalog = load_catalog(cmd.catalog.empty() ? OWOSTACK_DEFAULT_CATALOG : cmd.catalog);
        ao.events = cmd.events;
        for (const auto& w : cmd.webhooks) ao.webhooks.push_back(parse_webhook_spec(w));
        ao.webhook_secret = cmd.webhook_secret;
        if (ao.webhook_secret.empty()) {
            const char* env = std::getenv("OWOSTACK_WEBHOOK_SECRET");
            ao.webhook_secret = env && *env ? env : "whsec_owostack_local";
        }
        api app(std::move(ao));

        // Declared after the api it reads through, so it stops first.
        delivery_options delivery;
        delivery.request_timeout = std::chrono::milliseconds(cmd.webhook_timeout_ms);
        delivery.retry_base = std::chrono::milliseconds(cmd.webhook_retry_base_ms);
        delivery.retry_cap = std::chrono::milliseconds(cmd.webhook_retry_cap_ms);
        delivery.give_up_after = std::chrono::seconds(cmd.webhook_give_up_after_s);
        delivery.max_in_flight = cmd.webhook_concurrency;
        delivery.event_retention_days = cmd.event_retention_days;
        delivery.ca_file = cmd.webhook_ca;
        delivery.shared_outbox = !cmd.store.empty();   // --store: a database other instances may share
        webhook_dispatcher dispatcher(
            [&app](outbox_access kind, const std::function<void(store&)>& unit) {
                app.run_store_unit(kind == outbox_access::write, unit);
            },
            delivery);
        app.after_write([&dispatcher] { dispatcher.notify(); });
        app.metrics().gauge("owostack_webhook_queue_depth", "Webhook deliveries waiting (pending in the outbox)",
                            [&dispatcher] { return static_cast<double>(dispatcher.queue_depth()); });
        dispatcher.start();

        server_options so;
        so.listen = parse_listen(cmd.listen);
        so.plain_http = cmd.plain_http;
        if (!cmd.plain_http) so.tls = tls_for(cmd, tls_temp_dir);
        so.chaos = cmd.chaos;
        so.chaos_seed = cmd.chaos_seed;
        so.log = cmd.log_format == "json" ? log_format::json : cmd.log_format == "text" ? log_format::text : log_format::none;

        unsigned threads = cmd.threads ? cmd.threads : std::max(1u, std::thread::hardware_concurrency());
        asio::io_context ioc(static_cast<int>(threads));
        http_server server(ioc, app, so);
        server.start();

        auto ep = server.local_endpoint();
        std::string host = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
        std::string origin = std::string(cmd.plain_http ? "http" : "https") + "://" + host + ":" + std::to_string(ep.port());
        app.set_public_url(cmd.public_url.empty() ? origin : cmd.public_url);

        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        asio::steady_timer deadline(ioc);
        signals.async_wait([&](boost::system::error_code ec, int) {
            if (ec) return;
            std::fprintf(stderr, "owostack-local: shutting down\n");
            // A second signal stops at once, still through the normal exit (temporary files removed).
            signals.async_wait([&](boost::system::error_code again, int) {
                if (!again) ioc.stop();
            });
            server.shutdown();
            // In-flight requests get a bounded time to finish; then we stop regardless. A
            // coroutine, not a self-referencing callback, so nothing outlives the loop.
            auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            asio::co_spawn(
                ioc,
                [&, until]() -> asio::awaitable<void> {
                    while (server.session_count() != 0 && std::chrono::steady_clock::now() <= until) {
                        deadline.expires_after(std::chrono::milliseconds(20));
                        co_await deadline.async_wait(asio::use_awaitable);
                    }
                    ioc.stop();
                },
                asio::detached);
        });

        std::printf("owostack-local ready url=%s/v1 ca=%s\n", origin.c_str(), cmd.plain_http ? "" : so.tls.ca_file.c_str());
        std::fflush(stdout);
        std::string where = cmd.store.empty() ? "db=" + cmd.db : "store=" + redacted_url(cmd.store);
        std::fprintf(stderr, "owostack-local: %s, %zu API key(s), commit-mode=%s%s\n", where.c_str(),
                     cmd.api_keys.size() ? cmd.api_keys.size() : 1, cmd.commit_mode.c_str(), so.chaos ? ", CHAOS MODE" : "");

        std::vector<std::thread> pool;
        for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
        ioc.run();
        for (auto& t : pool) t.join();
        // The delivery worker first (it waits on the engine), then the units still queued finish
        // now, while the io_context their completions go to exists.
        dispatcher.stop();
        app.engine().stop();
        return 0;   // `app` closes the database on the way out
    } catch (const std::exception& e) {
        std::fprintf(stderr, "owostack-local: %s\n", e.what());
        return 1;
    }
}
