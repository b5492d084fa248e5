#include "support/webhook_receiver.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <condition_variable>
#include <sstream>
#include <thread>

namespace owo::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct webhook_receiver::impl {
    mutable std::mutex m;
    mutable std::condition_variable changed;
    std::vector<delivery> got;
    std::atomic<mode> how{mode::answer};
    // One io_context per time it is up: stop() destroys it, and every connection with it.
    std::unique_ptr<asio::io_context> ioc;
    std::thread thread;

    asio::awaitable<void> serve(tcp::socket s) {
        boost::beast::flat_buffer buf;
        for (;;) {
            http::request<http::string_body> req;
            auto [ec, n] = co_await http::async_read(s, buf, req, asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            {
                std::lock_guard lock(m);
                std::ostringstream head;   // the request line and every header, as they arrived
                head << req.base();
                got.push_back({std::string(req["Owostack-Event-Id"]), std::string(req["Owostack-Signature"]), req.body(), head.str()});
            }
            changed.notify_all();
            if (how == mode::hang) {   // holds the connection open, answering nothing, until stopped
                asio::steady_timer forever(s.get_executor(), std::chrono::hours(24));
                co_await forever.async_wait(asio::as_tuple(asio::use_awaitable));
                co_return;
            }
            http::response<http::string_body> res{how == mode::fail ? http::status::internal_server_error : http::status::ok, 11};
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            auto [wec, wn] = co_await http::async_write(s, res, asio::as_tuple(asio::use_awaitable));
            if (wec || !req.keep_alive()) co_return;
        }
    }

    asio::awaitable<void> accept(tcp::acceptor& a) {
        for (;;) {
            auto [ec, s] = co_await a.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            asio::co_spawn(a.get_executor(), serve(std::move(s)), asio::detached);
        }
    }
};

webhook_receiver::webhook_receiver(unsigned short port, mode m) : impl_(std::make_unique<impl>()), port_(port) {
    impl_->how = m;
    start();
}

webhook_receiver::~webhook_receiver() { stop(); }

std::string webhook_receiver::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks"; }

void webhook_receiver::start() {
    if (impl_->ioc) return;
    impl_->ioc = std::make_unique<asio::io_context>(1);
    auto acceptor = std::make_shared<tcp::acceptor>(*impl_->ioc);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port_);
    acceptor->open(ep.protocol());
    acceptor->set_option(asio::socket_base::reuse_address(true));
    acceptor->bind(ep);
    acceptor->listen();
    port_ = acceptor->local_endpoint().port();
    asio::co_spawn(*impl_->ioc, [this, acceptor]() -> asio::awaitable<void> { co_await impl_->accept(*acceptor); },
                   asio::detached);
    impl_->thread = std::thread([i = impl_.get()] { i->ioc->run(); });
}

void webhook_receiver::stop() {
    if (!impl_->ioc) return;
    impl_->ioc->stop();
    impl_->thread.join();
    impl_->ioc.reset();   // closes the listener and every connection
}

void webhook_receiver::set_mode(mode m) { impl_->how = m; }

std::vector<webhook_receiver::delivery> webhook_receiver::received() const {
    std::lock_guard lock(impl_->m);
    return impl_->got;
}

bool webhook_receiver::wait_until(const std::function<bool(const std::vector<delivery>&)>& done,
                                  std::chrono::milliseconds limit) const {
    std::unique_lock lock(impl_->m);
    return impl_->changed.wait_for(lock, limit, [&] { return done(impl_->got); });
}

} // namespace owo::test
