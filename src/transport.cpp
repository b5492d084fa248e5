#include "transport.hpp"

#include <boost/beast/http/verb.hpp>

namespace owo::detail {

namespace asio = boost::asio;

transport::transport(io_environment& env, const config& cfg, std::string fixed_headers, bool tls)
    : env_(env), cfg_(cfg), pool_(env, cfg.pool, tls), fixed_headers_(std::move(fixed_headers)) {}

bool transport::server_honours_idempotency() const noexcept {
    return detail::server_honours_idempotency(cfg_, learned_idempotency_);
}

// Performs what the call's state machine asks, one action at a time, and tells it what happened.
asio::awaitable<call_result> transport::execute(const request_spec& spec) {
    call_fsm fsm(cfg_, learned_idempotency_, spec);
    pooled_connection lease;
    call_event ev = call_event::at(call_event::started, env_.now());
    for (;;) {
        const call_action a = fsm.resume(ev);
        ev = call_event{};
        switch (a.kind) {
        case call_action::acquire:
            ev.kind = call_event::acquired;
            lease = pool_.try_acquire();
            if (!lease) {
                acquire_result w = co_await pool_.wait(a.time);
                ev.ec = w.ec;
                lease = std::move(w.conn);
            }
            if (lease) {
                ev.connection_open = lease->is_open();
                ev.reused = lease->reused();
            }
            break;
        case call_action::open:
            ev.kind = call_event::opened;
            ev.ec = co_await pool_.open(lease, a.time);
            if (ev.ec) ev.failure_reason = lease->failure_reason();
            break;
        case call_action::exchange: {
            ev.kind = call_event::exchanged;
            write_request(lease->request_bytes(), spec, fixed_headers_);
            exchange_result x = co_await lease->exchange(a.time);
            ev.ec = x.ec;
            ev.wrote_request = x.wrote_request;
            ev.got_response_bytes = x.got_response_bytes;
            if (!x.ec) ev.response = &lease->response();
            ev.wall_now = env_.wall_now();
            break;
        }
        case call_action::redial:
            ev.kind = call_event::redialled;
            lease.renew();
            break;
        case call_action::release:
            ev.kind = call_event::released;
            if (a.reusable) lease.mark_reusable();
            lease.release();
            break;
        case call_action::wait_until:
            ev.kind = call_event::waited;
            co_await env_.sleep_until(a.time);
            break;
        case call_action::done: co_return std::move(fsm.result());
        }
        ev.now = env_.now();
    }
}

} // namespace owo::detail
