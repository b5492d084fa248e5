// A webhook receiver for owostack-local's customer events: a Beast HTTP server that verifies
// each delivery (owo::webhook::verify: signature, timestamp tolerance), de-duplicates by event
// id (delivery is at least once), and prints seat changes as they happen.
//
// Beside the demo (README, "Customer events and webhooks"):
//   build/examples/webhook_receiver --listen 127.0.0.1:9000 --secret whsec_demo &
//   build/server/owostack-local --webhook http://127.0.0.1:9000/hooks --webhook-secret whsec_demo
// Usage: webhook_receiver [--listen ADDR:PORT] [--secret S] [--self-test]
//   --secret defaults to $OWOSTACK_WEBHOOK_SECRET. --self-test also makes seat changes through
//   the SDK (OWOSTACK_API_URL, ...) and exits 0 once their three events arrived (CI runs it).
#include "common/rethrow.hpp"

#include <owostack/owostack.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <unordered_set>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

/// Event ids already handled: the last 10,000 (a redelivery comes soon after the first).
class seen_ids {
public:
    bool first_time(const std::string& id) {
        if (!ids_.insert(id).second) return false;
        order_.push_back(id);
        if (order_.size() > 10'000) {
            ids_.erase(order_.front());
            order_.pop_front();
        }
        return true;
    }

private:
    std::unordered_set<std::string> ids_;
    std::deque<std::string> order_;
};

struct receiver {
    std::string secret;
    seen_ids seen;
    int seat_changes = 0;

    /// 200 for a verified event (new or not), 400 for anything that fails verification.
    http::status handle(const http::request<http::string_body>& req) {
        if (req.method() != http::verb::post) return http::status::method_not_allowed;
        owo::event e;
        try {
            e = owo::webhook::verify(req.body(), req[owo::webhook::signature_header_name], secret);
        } catch (const owo::webhook::verification_error& err) {
            std::printf("refused    %s\n", err.what());
            return http::status::bad_request;
        }
        if (!seen.first_time(e.id)) return http::status::ok;   // already handled: acknowledge again
        if (auto seat = owo::entity_event_of(e)) {
            ++seat_changes;
            const char* what = e.type == owo::event_type::entity_added     ? "seat added"
                               : e.type == owo::event_type::entity_removed ? "seat removed"
                                                                           : "seat restored";
            std::string limit = seat->limit ? std::to_string(*seat->limit) : "unlimited";
            std::printf("%-14s %-12s %s %lld/%s  customer %s  (event #%lld)\n", what, seat->entity.id.c_str(),
                        seat->entity.feature_id.c_str(), static_cast<long long>(seat->count), limit.c_str(),
                        seat->customer_id.c_str(), static_cast<long long>(e.sequence));
        } else if (auto c = owo::customer_event_of(e)) {
            std::printf("%-14s %s  (event #%lld)\n", e.type_text.c_str(), c->customer.email.c_str(),
                        static_cast<long long>(e.sequence));
        } else {
            std::printf("%-14s customer %s  (event #%lld)\n", e.type_text.c_str(), e.customer_id.value_or("-").c_str(),
                        static_cast<long long>(e.sequence));
        }
        std::fflush(stdout);
        return http::status::ok;
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        for (;;) {
            stream.expires_after(30s);
            http::request_parser<http::string_body> parser;
            parser.body_limit(1 << 20);
            auto [ec, n] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            auto& req = parser.get();
            http::response<http::string_body> res{handle(req), req.version()};
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
            if (wec || !res.keep_alive()) co_return;
        }
    }

    asio::awaitable<void> accept(tcp::acceptor& acceptor) {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec == asio::error::operation_aborted) co_return;   // the acceptor was closed
            if (ec) throw boost::system::system_error(ec, "accept");
            asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), owo::examples::rethrow);
        }
    }
};

/// --self-test: three seat changes through the SDK, then wait (bounded) for their events.
asio::awaitable<void> self_test(receiver& r, asio::io_context& ioc, int& status) {
    owo::client owo(ioc.get_executor(), owo::config::from_env());
    auto now = std::chrono::system_clock::now().time_since_epoch().count();
    owo::customer_params who{.email = "webhooks+" + std::to_string(now) + "@acme.example"};
    auto org = co_await owo.customer(who);
    owo::add_entity_params seat{.feature = "seats", .entity = "user_1"};
    co_await org.add_entity(seat);
    owo::remove_entity_params leaving{.feature = "seats", .entity = "user_1"};
    co_await org.remove_entity(leaving);
    co_await org.add_entity(seat);   // restored
    asio::steady_timer tick(ioc);
    for (int waited = 0; r.seat_changes < 3 && waited < 200; ++waited) {
        tick.expires_after(100ms);
        co_await tick.async_wait(asio::use_awaitable);
    }
    status = r.seat_changes >= 3 ? 0 : 1;
    if (status) std::fprintf(stderr, "webhook_receiver: %d of 3 seat events arrived in 20 s\n", r.seat_changes);
    ioc.stop();
}

} // namespace

int main(int argc, char** argv) {
    std::string listen = "127.0.0.1:9000";
    receiver r;
    if (const char* s = std::getenv("OWOSTACK_WEBHOOK_SECRET")) r.secret = s;
    bool test = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--listen" && i + 1 < argc) listen = argv[++i];
        else if (a == "--secret" && i + 1 < argc) r.secret = argv[++i];
        else if (a == "--self-test") test = true;
        else {
            std::fprintf(stderr, "usage: webhook_receiver [--listen ADDR:PORT] [--secret S] [--self-test]\n");
            return 2;
        }
    }
    if (r.secret.empty()) {
        std::fprintf(stderr, "webhook_receiver: give --secret or OWOSTACK_WEBHOOK_SECRET\n");
        return 2;
    }
    try {
        auto colon = listen.rfind(':');
        tcp::endpoint ep(asio::ip::make_address(listen.substr(0, colon)),
                         static_cast<unsigned short>(std::stoul(listen.substr(colon + 1))));
        asio::io_context ioc(1);
        tcp::acceptor acceptor(ioc, ep);
        std::printf("webhook_receiver listening on http://%s/hooks\n", listen.c_str());
        std::fflush(stdout);
        asio::co_spawn(ioc, r.accept(acceptor), owo::examples::rethrow);
        int status = 0;
        if (test)
            asio::co_spawn(ioc, self_test(r, ioc, status), [&](std::exception_ptr e) {
                if (!e) return;
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& err) {
                    std::fprintf(stderr, "webhook_receiver: %s\n", err.what());
                }
                status = 1;
                ioc.stop();
            });
        ioc.run();
        return status;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "webhook_receiver: %s\n", e.what());
        return 1;
    }
}
