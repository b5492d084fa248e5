#include "transport.hpp"

#include <boost/asio/compose.hpp>
#include <boost/asio/dispatch.hpp>

namespace owo::detail {

namespace asio = boost::asio;
using boost::system::error_code;

transport::transport(asio::any_io_executor ex, io_environment& env, const config& cfg, std::string fixed_headers,
                     bool tls)
    : executor_(std::move(ex)), env_(env), cfg_(cfg), pool_(env, cfg.pool, tls),
      fixed_headers_(std::move(fixed_headers)) {}

bool transport::server_honours_idempotency() const noexcept {
    return detail::server_honours_idempotency(cfg_, learned_idempotency_);
}

// What one call keeps while it runs, in one block that does not move with the handler.
struct transport::call_state {
    call_state(transport& t, request_spec s) : spec(std::move(s)), fsm(t.cfg_, t.learned_idempotency_, spec) {}
    request_spec spec;
    call_fsm fsm;
    pooled_connection lease;
    call_event::kind_t awaiting = call_event::started;   // what the pending operation reports
};

// Performs what the call's state machine asks, one action at a time, and feeds back what
// happened. Actions without I/O (a connection from the idle list, a release) loop at once.
struct transport::driver {
    transport& t;
    std::unique_ptr<call_state> s;

    template <class Self>
    void operator()(Self& self) {
        step(self, call_event{});
    }

    template <class Self>
    void operator()(Self& self, error_code ec, pooled_connection lease) {   // the pool's wait
        s->lease = std::move(lease);
        call_event ev = acquired();
        ev.ec = ec;
        step(self, ev);
    }

    template <class Self>
    void operator()(Self& self, error_code ec) {   // a dial, or the backoff
        call_event ev;
        ev.kind = s->awaiting;
        ev.ec = ec;
        if (ev.kind == call_event::opened) {
            if (ec) ev.failure_reason = s->lease->failure_reason();
            else t.pool_.count_handshake();
        }
        step(self, ev);
    }

    template <class Self>
    void operator()(Self& self, exchange_result x) {
        call_event ev;
        ev.kind = call_event::exchanged;
        ev.ec = x.ec;
        ev.wrote_request = x.wrote_request;
        ev.got_response_bytes = x.got_response_bytes;
        if (!x.ec) ev.response = &s->lease->response();
        ev.wall_now = t.env_.wall_now();
        step(self, ev);
    }

    /// This operation as the handler of the next step: its steps run on the client's executor.
    template <class Signature, class Self>
    io_handler<Signature> resumer(Self& self) {
        return asio::bind_executor(t.executor_, asio::any_completion_handler<Signature>(std::move(self)));
    }

    /// Completes on the caller's executor (the steps ran on the client's).
    template <class Self>
    static void complete(Self& self, call_result r) {
        auto ex = asio::get_associated_executor(self);
        asio::dispatch(ex, [self = std::move(self), r = std::move(r)]() mutable { self.complete(std::move(r)); });
    }

    call_event acquired() const {
        call_event ev;
        ev.kind = call_event::acquired;
        if (s->lease) {
            ev.connection_open = s->lease->is_open();
            ev.reused = s->lease->reused();
        }
        return ev;
    }

    template <class Self>
    void step(Self& self, call_event ev) {
        for (;;) {
            ev.now = t.env_.now();
            ev.cancelled = self.cancelled() != asio::cancellation_type::none;
            call_action a;
            try {
                a = s->fsm.resume(ev);   // runs config::on_request, which may throw
            } catch (const std::exception& e) {
                call_result failed;
                failed.ec = error::bad_response;
                failed.diag.message = e.what();
                s.reset();   // a connection on loan is closed
                return complete(self, std::move(failed));
            }
            switch (a.kind) {
            case call_action::acquire:
                s->lease = t.pool_.try_acquire();
                if (!s->lease)
                    return t.pool_.async_wait(a.time, resumer<void(error_code, pooled_connection)>(self));
                ev = acquired();
                continue;
            case call_action::open:
                t.pool_.count_dial();
                s->awaiting = call_event::opened;
                return s->lease->async_open(a.time, resumer<void(error_code)>(self));
            case call_action::exchange: {
                write_request(s->lease->request_bytes(), s->spec, t.fixed_headers_);
                auto& conn = *s->lease;
                return conn.async_exchange(a.time, resumer<void(exchange_result)>(self));
            }
            case call_action::redial:
                s->lease.renew();
                ev = call_event{};
                ev.kind = call_event::redialled;
                continue;
            case call_action::release:
                if (a.reusable) s->lease.mark_reusable();
                s->lease.release();
                ev = call_event{};
                ev.kind = call_event::released;
                continue;
            case call_action::wait_until:
                s->awaiting = call_event::waited;
                return t.env_.async_sleep_until(a.time, resumer<void(error_code)>(self));
            case call_action::done: {
                call_result r = std::move(s->fsm.result());
                s.reset();
                return complete(self, std::move(r));
            }
            }
        }
    }
};

void transport::async_execute(request_spec spec, call_handler h) {
    asio::async_compose<call_handler, void(call_result)>(
        driver{*this, std::make_unique<call_state>(*this, std::move(spec))}, h, executor_);
}

} // namespace owo::detail
