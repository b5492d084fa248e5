#include "options.hpp"

#include <stdexcept>
#include <string_view>

namespace owo::local {

namespace {

std::int64_t positive(std::string_view flag, const std::string& text) {
    std::size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(text, &used);
    } catch (const std::exception&) {
    }
    if (used != text.size() || v < 1) throw std::invalid_argument(std::string(flag) + " expects a positive integer");
    return v;
}

bool on_off(std::string_view flag, const std::string& text) {
    if (text == "on") return true;
    if (text == "off") return false;
    throw std::invalid_argument(std::string(flag) + " expects on or off");
}

} // namespace

const char* usage_text() {
    return R"(owostack-local: an Owostack-compatible API server (HTTPS + SQLite) for offline use.

usage: owostack-local [options]
  --listen ADDR:PORT     address to listen on (default 127.0.0.1:8443; port 0 = any free
                         port; IPv6 as [::1]:PORT)
  --db FILE              SQLite database (default ./owostack-local.db; :memory: for a
                         throw-away store)
  --catalog FILE         catalog JSON (Owostack sync payload shape) merged into every
                         organisation's catalog at start (default: server/catalog.example.json)
  --api-key KEY[:ORG[:SCOPES]]
                         accept KEY for organisation ORG (repeatable; several keys may share
                         an ORG; without ORG: the default organisation "local", never the key).
                         SCOPES: comma-separated from customers:read, customers:write,
                         entities:read, entities:write, billing:read, billing:write, * (default *)
                         Default: $OWOSTACK_SECRET_KEY or sk_test_owostack_local (org "local")
  --tls-cert FILE        PEM certificate chain; with --tls-key
  --tls-key FILE         PEM private key
  --tls-dir DIR          where the generated CA and certificate live (default:
                         owostack-local-tls/ next to the database; for :memory: and --store
                         a fresh directory under $TMPDIR, removed when the server exits)
  --plain-http           serve plain HTTP instead of HTTPS (debugging only)
  --public-url URL       base URL used in checkout links (default: the listening URL)
  --threads N            I/O threads (default: number of CPUs)
  --chaos SPEC           fault injection for tests, e.g. "reset_before=0.05,delay=0.02,
                         delay_ms=1500,status_429=0.05,status_5xx=0.05,reset_mid_body=0.02,
                         truncate=0.02,non_json=0.02,wrong_content_type=0.02,after_commit=0.5"
  --chaos-seed N         seed for --chaos (default 1)
  --commit-mode MODE     group (default): concurrent writes share one transaction and one
                         fsync; per-request: each write its own (the previous design, for
                         comparison)
  --store URL            postgres://USER@HOST:PORT/DB?sslmode=...: keep the data in PostgreSQL,
                         so several instances can serve one database (docs/deploy.md).
                         Default: SQLite at --db
  --store-pool-size N    PostgreSQL connections per instance (default 8)
  --store-acquire-timeout-ms MS
                         a request waits this long for a connection, then 503 (default 5000)
  --log-format FORMAT    one line per request on stderr: none (default), text or json
  --events on|off        write customer events (default on; off only to measure their cost)
  --event-retention DAYS keep events this many days (default 30; pending deliveries are kept)
  --webhook URL[#TYPES]  post every organisation's events to URL (repeatable); TYPES: a comma
                         list of event types to send (default all). https, or http to loopback
  --webhook-secret S     the --webhook endpoints' signing secret (default: $OWOSTACK_WEBHOOK_SECRET
                         or whsec_owostack_local); a changed secret keeps signing for 24 h
  --webhook-timeout-ms N        one delivery attempt's limit (default 10000)
  --webhook-retry-base-ms N     first retry delay, doubled per attempt (default 5000)
  --webhook-retry-cap-ms N      the longest retry delay (default 3600000)
  --webhook-give-up-after S     seconds after the event when a delivery is marked failed (default 86400)
  --webhook-concurrency N       endpoints posted to at once (default 16)
  --webhook-ca FILE             extra CA trusted for https endpoints
  --help                 this text

On start it prints one line:
  owostack-local ready url=https://127.0.0.1:PORT/v1 ca=/path/to/ca.pem
Trust that CA file in clients (owo::config::ca_file). SIGINT/SIGTERM stop it cleanly.
)";
}

command_line parse_command_line(int argc, char** argv) {
    command_line c;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(std::string(a) + " needs a value");
            return argv[++i];
        };
        if (a == "--help" || a == "-h") c.help = true;
        else if (a == "--listen") c.listen = value();
        else if (a == "--db") c.db = value();
        else if (a == "--catalog") c.catalog = value();
        else if (a == "--api-key") c.api_keys.push_back(value());
        else if (a == "--tls-cert") c.tls_cert = value();
        else if (a == "--tls-key") c.tls_key = value();
        else if (a == "--tls-dir") c.tls_dir = value();
        else if (a == "--plain-http") c.plain_http = true;
        else if (a == "--public-url") c.public_url = value();
        else if (a == "--chaos") c.chaos = chaos_spec::parse(value());
        else if (a == "--chaos-seed") c.chaos_seed = static_cast<unsigned>(std::stoul(value()));
        else if (a == "--threads") c.threads = static_cast<unsigned>(std::stoul(value()));
        // Scale and operations (#20):
        else if (a == "--commit-mode") {
            c.commit_mode = value();
            if (c.commit_mode != "group" && c.commit_mode != "per-request")
                throw std::invalid_argument("--commit-mode expects group or per-request");
        } else if (a == "--log-format") {
            c.log_format = value();
            if (c.log_format != "none" && c.log_format != "text" && c.log_format != "json")
                throw std::invalid_argument("--log-format expects none, text or json");
        }
        else if (a == "--store") {
            c.store = value();
            if (!c.store.starts_with("postgres://") && !c.store.starts_with("postgresql://"))
                throw std::invalid_argument("--store expects a postgres:// URL (SQLite is --db FILE)");
        } else if (a == "--store-pool-size") {
            c.store_pool_size = std::stoul(value());
            if (c.store_pool_size == 0 || c.store_pool_size > 1000) throw std::invalid_argument("--store-pool-size expects 1..1000");
        } else if (a == "--store-acquire-timeout-ms")
            c.store_acquire_timeout_ms = static_cast<unsigned>(std::stoul(value()));
        else if (a == "--events") c.events = on_off(a, value());
        else if (a == "--event-retention") c.event_retention_days = positive(a, value());
        else if (a == "--webhook") c.webhooks.push_back(value());
        else if (a == "--webhook-secret") c.webhook_secret = value();
        else if (a == "--webhook-timeout-ms") c.webhook_timeout_ms = positive(a, value());
        else if (a == "--webhook-retry-base-ms") c.webhook_retry_base_ms = positive(a, value());
        else if (a == "--webhook-retry-cap-ms") c.webhook_retry_cap_ms = positive(a, value());
        else if (a == "--webhook-give-up-after") c.webhook_give_up_after_s = positive(a, value());
        else if (a == "--webhook-concurrency") c.webhook_concurrency = static_cast<unsigned>(positive(a, value()));
        else if (a == "--webhook-ca") c.webhook_ca = value();
        else throw std::invalid_argument("unknown option " + std::string(a) + " (see --help)");
    }
    if (c.tls_cert.empty() != c.tls_key.empty()) throw std::invalid_argument("--tls-cert and --tls-key go together");
    return c;
}

} // namespace owo::local
