// Webhook delivery (see dispatcher.hpp).
#include "webhooks/dispatcher.hpp"

#include "domain/events.hpp"

#include <owostack/webhook.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <thread>

namespace owo::local {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::chrono::milliseconds retry_delay(const delivery_options& o, std::int64_t attempts, double unit) {
    auto d = o.retry_base;
    for (std::int64_t i = 1; i < attempts && d < o.retry_cap; ++i) d *= 2;
    d = std::min(d, o.retry_cap);
    return d / 2 + std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(d.count()) / 2 * unit));
}

namespace {

constexpr std::int64_t batch_size = 200;                    // deliveries read (and recorded) at once
constexpr auto min_scan_gap = std::chrono::milliseconds(20);   // scans coalesce under a burst of commits
constexpr auto idle_scan = std::chrono::seconds(1);
constexpr auto depth_every = std::chrono::seconds(1);           // the queue depth gauge counts the queue
constexpr auto prune_every = std::chrono::hours(1);
constexpr std::size_t max_answer_bytes = 64 * 1024;

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// Where an endpoint's requests go, and its open connection (kept alive between deliveries).
struct endpoint_connection {
    std::string host, port, target, host_header;
    bool tls = false;
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<asio::ssl::stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;

    bool open() const { return plain || secure; }
    beast::tcp_stream& lowest() { return plain ? *plain : secure->next_layer(); }
    void close() {
        if (open()) {
            boost::system::error_code ignored;
            lowest().socket().close(ignored);
        }
        plain.reset();
        secure.reset();
        buffer.clear();
    }
};

} // namespace

struct webhook_dispatcher::impl {
    asio::io_context ioc{1};
    store_runner run;
    delivery_options opts;
    asio::ssl::context tls{asio::ssl::context::tls_client};
    asio::steady_timer wake{ioc};
    std::thread thread;
    std::atomic<bool> notify_posted{false};
    std::atomic<std::int64_t> depth{0};
    bool rescan = true;                 // the loop's thread only
    std::set<std::string> active;       // endpoints with a running delivery coroutine
    std::mt19937_64 random{std::random_device{}()};
    std::chrono::steady_clock::time_point last_prune{}, last_depth{};
    // A shared outbox (several instances): this instance's name in its claims, and the endpoints
    // another instance was delivering at the last try, left alone until then.
    std::string holder = std::to_string(std::random_device{}()) + "-" + std::to_string(random());
    std::map<std::string, std::chrono::steady_clock::time_point> held_elsewhere;

    impl(store_runner r, delivery_options o) : run(std::move(r)), opts(std::move(o)) {
        tls.set_default_verify_paths();
        if (!opts.ca_file.empty()) tls.load_verify_file(opts.ca_file);
        tls.set_verify_mode(asio::ssl::verify_peer);
    }

    /// A store unit; a failure is logged (without details that could hold a secret) and skipped.
    bool unit(outbox_access kind, const std::function<void(store&)>& f) {
        try {
            run(kind, f);
            return true;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "owostack-local: webhook outbox: %s\n", e.what());
            return false;
        }
    }

    void request_scan() {
        rescan = true;
        wake.cancel();
    }

    asio::awaitable<void> loop() {
        for (;;) {
            rescan = false;
            notify_posted = false;   // commits from now on may not be in this scan: they post again
            auto next = scan();
            prune_if_due();
            // Until the next due delivery or a scan request, but never sooner than the gap.
            auto earliest = std::chrono::steady_clock::now() + min_scan_gap;
            wake.expires_at(next);
            if (!rescan) co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
            while (std::chrono::steady_clock::now() < earliest) {
                wake.expires_at(earliest);
                co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
            }
        }
    }

    /// Starts a delivery coroutine for every endpoint with a due delivery that has none running
    /// (up to the bound); returns when the next not-yet-due delivery is.
    std::chrono::steady_clock::time_point scan() {
        std::vector<std::pair<webhook_endpoint_row, std::int64_t>> due;   // idle endpoints with a queue
        std::optional<std::int64_t> pending;
        auto started = std::chrono::steady_clock::now(), next = started + idle_scan;
        bool count = started - last_depth >= depth_every;
        auto busy = active;   // the unit runs on a store thread: it reads a copy
        std::erase_if(held_elsewhere, [&](const auto& h) { return h.second <= started; });
        for (const auto& h : held_elsewhere) busy.insert(h.first);
        if (!unit(outbox_access::read, [&](store& s) {
                due.clear();
                for (auto& w : s.webhook_endpoints(""))
                    if (!busy.contains(w.id))
                        if (auto at = s.first_pending_due(w.id)) due.emplace_back(std::move(w), *at);
                if (count) pending = s.pending_delivery_count();
            }))
            return next;
        if (pending) {
            depth = *pending;
            last_depth = started;
        }
        auto now = now_ms();
        for (auto& [w, due_at] : due) {
            if (due_at > now) {
                next = std::min(next, started + std::chrono::milliseconds(due_at - now));
                continue;
            }
            if (active.size() >= opts.max_in_flight) break;   // the next scan, when one finishes
            active.insert(w.id);
            asio::co_spawn(ioc, deliver(w.org, w.id), asio::detached);
        }
        return next;
    }

    void prune_if_due() {
        auto now = std::chrono::steady_clock::now();
        if (last_prune != std::chrono::steady_clock::time_point{} && now - last_prune < prune_every) return;
        last_prune = now;
        auto before = now_ms() - opts.event_retention_days * 24 * 3600 * 1000;
        unit(outbox_access::write, [&](store& s) { s.prune_events(before); });
    }

    /// How long a claim on a shared outbox lasts: a post starts only while the claim outlasts it
    /// by the margin, so the claim never expires under a running post (the batch's next read
    /// renews it); an instance that died holds its endpoints at most this long.
    std::chrono::milliseconds lease() const { return 3 * opts.request_timeout + claim_margin; }
    static constexpr std::chrono::milliseconds claim_margin{5'000};

    /// Posts the endpoint's pending deliveries in order until none is due or one fails; then
    /// the endpoint is idle again (whatever happened: an exception here must not end the thread).
    asio::awaitable<void> deliver(std::string org, std::string endpoint_id) {
        bool elsewhere = false;
        try {
            elsewhere = co_await deliver_queue(org, endpoint_id);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "owostack-local: webhook delivery: %s\n", e.what());
        }
        active.erase(endpoint_id);
        // Events that arrived while this ran, or endpoints waiting for a slot; an endpoint another
        // instance holds waits for the idle scan instead.
        if (!elsewhere) request_scan();
    }

    /// True when another instance holds the endpoint (a shared outbox).
    asio::awaitable<bool> deliver_queue(const std::string& org, const std::string& endpoint_id) {
        endpoint_connection conn;
        bool claimed = false;   // on a shared outbox: this instance holds the endpoint
        for (bool more = true; more;) {
            std::optional<webhook_endpoint_row> w;
            std::vector<webhook_delivery> batch;
            auto claim_from = std::chrono::steady_clock::now();
            bool held = true;
            // A shared outbox reads the batch in a write unit that first claims (or renews) the
            // endpoint: only the holder posts, in order.
            if (!unit(opts.shared_outbox ? outbox_access::write : outbox_access::read, [&](store& s) {
                    batch.clear();
                    // The endpoint (locked in a write unit) before its claim, in the order a
                    // deletion takes them.
                    w = s.webhook_endpoint(org, endpoint_id);
                    held = !w || !opts.shared_outbox || s.claim_webhook_endpoint(endpoint_id, holder, lease().count());
                    if (w && held) batch = s.pending_deliveries(endpoint_id, batch_size);
                }))
                break;
            if (!held) {   // another instance delivers it: retried after the idle scan
                held_elsewhere[endpoint_id] = std::chrono::steady_clock::now() + idle_scan;
                co_return true;
            }
            claimed = opts.shared_outbox;
            if (!w || batch.empty() || batch.front().next_attempt_at > now_ms()) break;
            if (conn.host.empty() && !aim(conn, w->url)) break;
            std::vector<webhook_attempt_outcome> outcomes;
            for (const auto& d : batch) {
                if (claimed && std::chrono::steady_clock::now() + opts.request_timeout + claim_margin > claim_from + lease())
                    break;   // renew the claim first (the next batch's read)
                auto error = co_await post(conn, *w, d);
                webhook_attempt_outcome o{endpoint_id, d.event.seq, webhook_attempt_outcome::state::delivered, d.attempts + 1,
                                          d.next_attempt_at, ""};
                if (!error.empty()) {
                    conn.close();
                    auto now = now_ms();
                    auto delay = retry_delay(opts, o.attempts, std::uniform_real_distribution<double>(0, 1)(random)).count();
                    o.last_error = std::move(error);
                    // Past the schedule: given up, and the endpoint's next event goes on.
                    if (now + delay - d.event.created_at > std::chrono::milliseconds(opts.give_up_after).count()) {
                        o.status = webhook_attempt_outcome::state::failed;
                    } else {
                        o.status = webhook_attempt_outcome::state::retry;
                        o.next_attempt_at = now + delay;
                        more = false;
                    }
                }
                outcomes.push_back(std::move(o));
                if (!more) break;
            }
            auto recorded_at = now_ms();
            if (!outcomes.empty() &&
                !unit(outbox_access::write, [&](store& s) { s.record_webhook_attempts(outcomes, recorded_at); }))
                break;
        }
        conn.close();
        if (claimed) unit(outbox_access::write, [&](store& s) { s.release_webhook_endpoint(endpoint_id, holder); });
        co_return false;
    }

    static bool aim(endpoint_connection& c, const std::string& url) {
        auto u = boost::urls::parse_absolute_uri(url);
        if (!u) return false;
        c.tls = u->scheme() == "https";
        c.host = std::string(u->host_address());
        c.port = u->has_port() ? std::string(u->port()) : c.tls ? "443" : "80";
        c.host_header = std::string(u->encoded_host_and_port());
        c.target = std::string(u->encoded_target());
        if (c.target.empty()) c.target = "/";
        return true;
    }

    /// One POST; "" when the endpoint answered 2xx, else what went wrong (no secret in it).
    asio::awaitable<std::string> post(endpoint_connection& c, const webhook_endpoint_row& w, const webhook_delivery& d) {
        std::string body = boost::json::serialize(event_json(d.event));
        auto ts = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        std::vector<std::string_view> secrets{w.secret};
        if (w.previous_secret && w.previous_secret_expires_at && *w.previous_secret_expires_at > now_ms())
            secrets.push_back(*w.previous_secret);
        http::request<http::string_body> req{http::verb::post, c.target, 11};
        req.set(http::field::host, c.host_header);
        req.set(http::field::user_agent, "owostack-local-webhooks");
        req.set(http::field::content_type, "application/json");
        req.set(owo::webhook::event_id_header_name, d.event.id);
        req.set("Owostack-Event-Type", d.event.type);
        req.set(owo::webhook::signature_header_name, owo::webhook::signature_header(ts, body, secrets));
        req.keep_alive(true);
        req.body() = std::move(body);
        req.prepare_payload();

        if (!c.open()) {
            if (auto e = co_await connect(c); !e.empty()) co_return e;
        }
        c.lowest().expires_after(opts.request_timeout);
        http::response_parser<http::string_body> parser;
        parser.body_limit(max_answer_bytes);
        // Each co_await's result named, never awaited inside a conditional expression (g++ 12
        // miscompiles that: see http_server.cpp).
        std::string failed;
        if (c.plain) failed = co_await exchange(*c.plain, c.buffer, req, parser);
        else failed = co_await exchange(*c.secure, c.buffer, req, parser);
        if (!failed.empty()) co_return failed;
        auto& res = parser.get();
        if (!res.keep_alive()) c.close();
        if (res.result_int() < 200 || res.result_int() > 299) co_return "HTTP " + std::to_string(res.result_int());
        co_return std::string();
    }

    /// Writes the request and reads the answer on `stream`: "" or what failed.
    template <class Stream>
    static asio::awaitable<std::string> exchange(Stream& stream, beast::flat_buffer& buffer,
                                                 http::request<http::string_body>& req,
                                                 http::response_parser<http::string_body>& parser) {
        auto [wec, wn] = co_await http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
        if (wec) co_return "sending: " + wec.message();
        auto [rec, rn] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        if (rec) co_return "reading the answer: " + rec.message();
        co_return std::string();
    }

    asio::awaitable<std::string> connect(endpoint_connection& c) {
        tcp::resolver resolver(ioc);
        auto [ec, results] = co_await resolver.async_resolve(c.host, c.port, asio::as_tuple(asio::use_awaitable));
        if (ec) co_return "resolving: " + ec.message();
        auto stream = std::make_unique<beast::tcp_stream>(ioc);
        stream->expires_after(opts.request_timeout);
        auto [cec, ep] = co_await stream->async_connect(results, asio::as_tuple(asio::use_awaitable));
        if (cec) co_return "connecting: " + cec.message();
        stream->socket().set_option(tcp::no_delay(true));
        if (!c.tls) {
            c.plain = std::move(stream);
            co_return std::string();
        }
        c.secure = std::make_unique<asio::ssl::stream<beast::tcp_stream>>(std::move(*stream), tls);
        SSL_set_tlsext_host_name(c.secure->native_handle(), c.host.c_str());
        c.secure->set_verify_callback(asio::ssl::host_name_verification(c.host));
        auto [hec] = co_await c.secure->async_handshake(asio::ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
        if (hec) {
            c.close();
            co_return "TLS: " + hec.message();
        }
        co_return std::string();
    }
};

webhook_dispatcher::webhook_dispatcher(store_runner run, delivery_options o)
    : impl_(std::make_unique<impl>(std::move(run), std::move(o))) {}

webhook_dispatcher::~webhook_dispatcher() { stop(); }

void webhook_dispatcher::start() {
    asio::co_spawn(impl_->ioc, impl_->loop(), asio::detached);
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

void webhook_dispatcher::notify() {
    if (impl_->notify_posted.exchange(true)) return;
    // One post per scan, however many commits notify before it starts (loop() re-arms it).
    asio::post(impl_->ioc, [i = impl_.get()] { i->request_scan(); });
}

void webhook_dispatcher::stop() {
    if (!impl_->thread.joinable()) return;
    impl_->ioc.stop();
    impl_->thread.join();
}

std::int64_t webhook_dispatcher::queue_depth() const { return impl_->depth; }

} // namespace owo::local
