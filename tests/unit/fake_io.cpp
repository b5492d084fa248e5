#include "fake_io.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>

namespace owo::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

exchange_step reply(int status, std::string body) {
    exchange_step s;
    s.response.emplace();
    s.response->status = status;
    s.response->keep_alive = true;
    s.response->body = std::move(body);
    return s;
}

exchange_step fail(error_code ec, bool got_response_bytes, bool wrote_request) {
    exchange_step s;
    s.ec = ec;
    s.got_response_bytes = got_response_bytes;
    s.wrote_request = wrote_request;
    return s;
}

open_step open_fails(error_code ec, std::string failure_reason) { return open_step{ec, std::move(failure_reason), 0ms}; }

namespace {

// Completes `h` with `args` from the environment's executor, dispatched to the handler's own
// (as an Asio I/O object does): never inline.
template <class Handler, class... Args>
void post_completion(const asio::any_io_executor& io, Handler h, Args... args) {
    asio::post(io, [h = std::move(h), args...]() mutable {
        auto ex = asio::get_associated_executor(h);
        asio::dispatch(ex, [h = std::move(h), args...]() mutable { std::move(h)(args...); });
    });
}

} // namespace

// ---------------------------------------------------------------------------------------------
// fake_connection

class fake_connection final : public detail::connection_io {
public:
    fake_connection(fake_environment& env, connection_script s, std::shared_ptr<connection_record> r)
        : env_(env), script_(std::move(s)), rec_(std::move(r)) {}
    ~fake_connection() override { rec_->destroyed = true; }

    void async_open(clock::time_point deadline, open_handler h) override {
        ++rec_->open_attempts;
        // A turn for other ready handlers first, as real I/O would give.
        asio::post(env_.executor_, [this, deadline, h = std::move(h)]() mutable {
            error_code ec = boost::beast::error::timeout;
            if (spend(script_.open.takes, deadline)) {
                failure_reason_ = script_.open.failure_reason;
                open_ = !script_.open.ec;
                rec_->opened |= open_;
                ec = script_.open.ec;
            }
            post_completion(env_.executor_, std::move(h), ec);
        });
    }

    bool is_open() const noexcept override { return open_; }
    std::string& request_bytes() noexcept override { return request_; }

    void async_exchange(clock::time_point deadline, exchange_handler h) override {
        if (!open_) BOOST_ERROR("exchange() on a connection that is not open");
        rec_->requests.push_back(request_);
        if (reused()) ++rec_->reused_exchanges;
        response_ = {};
        if (script_.exchanges.empty()) {
            BOOST_ERROR("exchange beyond the connection's script: " << request_.substr(0, request_.find('\r')));
            ++rec_->unscripted;
            detail::exchange_result r;
            r.ec = asio::error::not_connected;
            return post_completion(env_.executor_, std::move(h), r);
        }
        step_ = std::move(script_.exchanges.front());
        script_.exchanges.pop_front();
        asio::post(env_.executor_, [this, deadline, h = std::move(h)]() mutable {
            if (!step_.held) return answer(deadline, std::move(h));
            // Held: a gate on the fake clock that only release_held() opens.
            gate_ = std::make_unique<fake_timer>(env_);
            env_.held_.push_back(gate_.get());
            gate_->async_wait([this, deadline, h = std::move(h)](error_code) mutable {
                std::erase(env_.held_, gate_.get());
                answer(deadline, std::move(h));
            });
        });
    }

    const detail::received_response& response() const noexcept override { return response_; }
    const std::string& failure_reason() const noexcept override { return failure_reason_; }
    bool reused() const noexcept override { return exchanges_ > 0; }
    clock::time_point idle_since() const noexcept override { return idle_since_; }
    void close() noexcept override {
        ++rec_->closes;
        open_ = false;
    }

private:
    void answer(clock::time_point deadline, exchange_handler h) {
        detail::exchange_result r;
        if (!spend(step_.takes, deadline)) {
            // As the real connection: the deadline ends the exchange; bytes arrived only when a
            // failure step said so (a response that was still to come did not).
            r.ec = boost::beast::error::timeout;
            r.wrote_request = true;
            r.got_response_bytes = !step_.response && step_.got_response_bytes;
            return post_completion(env_.executor_, std::move(h), r);
        }
        r.wrote_request = step_.wrote_request;
        if (step_.response) {
            response_ = std::move(*step_.response);
            r.got_response_bytes = true;
            ++exchanges_;
            idle_since_ = env_.now();
        } else {
            r.ec = step_.ec;
            r.got_response_bytes = step_.got_response_bytes;
        }
        post_completion(env_.executor_, std::move(h), r);
    }

    // Moves the fake clock by `d`; false when that would pass the deadline, which then ends it
    // (the real connection bounds every phase by the call's deadline).
    bool spend(milliseconds d, clock::time_point deadline) {
        if (env_.now() + d > deadline) {
            if (deadline > env_.now()) env_.advance(deadline - env_.now());
            return false;
        }
        env_.advance(d);
        return true;
    }

    fake_environment& env_;
    connection_script script_;
    std::shared_ptr<connection_record> rec_;
    std::string request_;
    detail::received_response response_;
    std::string failure_reason_;
    bool open_ = false;
    int exchanges_ = 0;
    clock::time_point idle_since_ = env_.now();
    exchange_step step_;                 // the exchange in progress
    std::unique_ptr<fake_timer> gate_;   // its gate, when held
};

// ---------------------------------------------------------------------------------------------
// fake_timer

fake_timer::fake_timer(fake_environment& env) : env_(env) { env_.timers_.push_back(this); }

// A pending handler is dropped, not completed: its owner (the pool's waiter, an exchange's gate)
// is being destroyed with the call that waits.
fake_timer::~fake_timer() { std::erase(env_.timers_, this); }

void fake_timer::expires_at(clock::time_point t) {
    complete(asio::error::operation_aborted);   // as Asio: a new expiry cancels a pending wait
    expiry_ = t;
}

void fake_timer::async_wait(asio::any_completion_handler<void(error_code)> h) {
    if (handler_) BOOST_ERROR("two waits at once on one wake_timer");
    handler_.emplace(std::move(h));
    if (expiry_ <= env_.now()) complete({});
}

void fake_timer::cancel() { complete(asio::error::operation_aborted); }

void fake_timer::complete(error_code ec) {
    if (!handler_) return;
    auto h = std::move(*handler_);
    handler_.reset();
    // Posted to the environment's executor, then dispatched to the handler's (as Asio's own
    // timers do): never inline, since the pool calls cancel() under its mutex.
    asio::post(env_.executor_, [h = std::move(h), ec]() mutable {
        auto ex = asio::get_associated_executor(h);
        asio::dispatch(ex, [h = std::move(h), ec]() mutable { std::move(h)(ec); });
    });
}

// ---------------------------------------------------------------------------------------------
// fake_environment

fake_environment::fake_environment(asio::any_io_executor ex)
    : executor_(std::move(ex)), now_(clock::time_point{} + 1000h),
      wall_(std::chrono::sys_days{std::chrono::year{2024} / std::chrono::May / 1} + 12h) {}

fake_environment::~fake_environment() = default;

void fake_environment::script(connection_script s) { scripts_.push_back(std::move(s)); }

void fake_environment::advance(clock::duration d) {
    now_ += d;
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
    fire_expired();
}

void fake_environment::fire_expired() {
    for (fake_timer* t : std::vector<fake_timer*>(timers_))
        if (t->pending() && t->expiry() <= now_) t->complete({});
}

void fake_environment::release_held() {
    for (fake_timer* gate : std::vector<fake_timer*>(held_)) gate->complete({});
}

int fake_environment::opened() const noexcept {
    return static_cast<int>(std::count_if(records_.begin(), records_.end(), [](auto& r) { return r->opened; }));
}

int fake_environment::closed() const noexcept {
    return static_cast<int>(std::count_if(records_.begin(), records_.end(), [](auto& r) { return r->closes > 0; }));
}

int fake_environment::reused_exchanges() const noexcept {
    int n = 0;
    for (auto& r : records_) n += r->reused_exchanges;
    return n;
}

std::vector<std::string> fake_environment::requests() const {
    std::vector<std::string> all;
    for (auto& r : records_) all.insert(all.end(), r->requests.begin(), r->requests.end());
    return all;
}

std::size_t fake_environment::unscripted() const noexcept {
    std::size_t n = 0;
    for (auto& r : records_) n += r->unscripted;
    return n;
}

std::size_t fake_environment::pending_timers() const noexcept {
    return static_cast<std::size_t>(std::count_if(timers_.begin(), timers_.end(), [](auto* t) { return t->pending(); }));
}

std::unique_ptr<detail::connection_io> fake_environment::make_connection() {
    connection_script s;
    if (!scripts_.empty()) {
        s = std::move(scripts_.front());
        scripts_.pop_front();
    }
    records_.push_back(std::make_shared<connection_record>());
    return std::make_unique<fake_connection>(*this, std::move(s), records_.back());
}

std::unique_ptr<detail::wake_timer> fake_environment::make_timer() { return std::make_unique<fake_timer>(*this); }

void fake_environment::async_sleep_until(clock::time_point t, detail::io_handler<void(error_code)> h) {
    waits_.push_back(std::chrono::duration_cast<milliseconds>(t - now_));
    if (t > now_) advance(t - now_);
    post_completion(executor_, std::move(h), error_code{});
}

// ---------------------------------------------------------------------------------------------

void run_ready(asio::io_context& ioc) {
    if (ioc.stopped()) ioc.restart();
    while (ioc.poll() > 0) {
    }
}

std::string header_value(const std::string& request, std::string_view name) {
    std::string needle = "\r\n" + std::string(name) + ": ";
    auto head_end = request.find("\r\n\r\n");
    auto pos = request.find(needle);
    if (pos == std::string::npos || pos >= head_end) return {};
    pos += needle.size();
    return request.substr(pos, request.find("\r\n", pos) - pos);
}

std::string request_line_start(const std::string& request) {
    return request.substr(0, request.find(" HTTP/1.1\r\n"));
}

} // namespace owo::test
