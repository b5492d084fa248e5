// owo::blocking_client: each call posts the client's token form to the I/O thread, with a
// cancellation slot, and waits on a condition variable for its completion. The destructor
// cancels what is still in flight through those slots and lets the I/O thread run dry.
#include <owostack/blocking_client.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace owo {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

/// One blocking call: where its completion lands, and the signal that cancels it.
/// Shared by the waiting caller, the completion handler and the shutdown sweep.
struct pending_call {
    asio::cancellation_signal cancel;   // emitted on the I/O thread only
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    error_code ec;
    diagnostics diag;

    virtual ~pending_call() = default;

    /// Ends the call with `ec` unless it already ended. Returns whether this call ended it.
    bool fail(error_code e, std::string message) {
        std::lock_guard lock(mutex);
        if (done) return false;
        done = true;
        ec = e;
        diag.clear();
        diag.code = "transport_error";
        diag.message = std::move(message);
        cv.notify_all();
        return true;
    }
};

template <class R>
struct pending_result : pending_call {
    R value{};

    void complete(error_code e, R r) {
        std::lock_guard lock(mutex);
        if (done) return;
        done = true;
        ec = e;
        value = std::move(r);
        cv.notify_all();
    }

    /// Waits for the end of the call, then returns the result or throws api_error.
    R get() {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return done; });
        if (ec) throw api_error(ec, std::move(diag));
        return std::move(value);
    }
};

api_error refused(std::string message) {
    diagnostics d;
    d.code = "invalid_argument";
    d.message = std::move(message);
    return api_error(error::invalid_argument, std::move(d));
}

api_error aborted(std::string message) {
    diagnostics d;
    d.code = "transport_error";
    d.message = std::move(message);
    return api_error(asio::error::operation_aborted, std::move(d));
}

/// The io_context's lifetime is tied to the client's shared state (see the constructor).
owo::config keeping_alive(owo::config cfg, std::shared_ptr<asio::io_context> ioc) {
    cfg.on_request = [ioc = std::move(ioc), user = std::move(cfg.on_request)](const request_event& e) {
        if (user) user(e);
    };
    return cfg;
}

/// How long the destructor lets cancelled calls wind down before stopping the I/O thread.
constexpr auto shutdown_grace = std::chrono::seconds(5);

} // namespace

class blocking_client::state {
public:
    explicit state(config cfg)
        : ioc_(std::make_shared<asio::io_context>(1)),
          // An owo::customer returned by a call holds the client's shared state (pool, sockets),
          // and may outlive this object. Its sockets belong to ioc_, which must outlive them:
          // the state's configuration holds ioc_, and is destroyed after its pool.
          client_(ioc_->get_executor(), keeping_alive(std::move(cfg), ioc_)),
          work_(ioc_->get_executor()) {
        std::promise<void> ran;
        io_done_ = ran.get_future();
        io_thread_ = std::thread([this, ran = std::move(ran)]() mutable {
            ioc_->run();
            ran.set_value();
        });
    }

    // shutdown() throws only when memory, a mutex or a thread fails; terminating is then right.
    ~state() { shutdown(); }  // NOLINT(bugprone-exception-escape)

    const owo::client& client() const noexcept { return client_; }

    template <class R, class Start>
    R call(const char* name, Start start) {
        if (ioc_->get_executor().running_in_this_thread())
            throw refused(std::string("owo::blocking_client::") + name +
                          " called on the client's own I/O thread (from one of its handlers or coroutines): "
                          "it would wait for itself forever; use client().async_" + name + " there");
        auto call = std::make_shared<pending_result<R>>();
        {
            std::lock_guard lock(mutex_);
            if (closing_) throw aborted("owo::blocking_client is shutting down");
            // Forget calls that have ended, so the list stays as short as what is in flight.
            std::erase_if(pending_, [](const std::shared_ptr<pending_call>& c) {
                std::lock_guard l(c->mutex);
                return c->done;
            });
            pending_.push_back(call);
            // Started on the I/O thread, so that the slot is connected where it is emitted; posted
            // under the lock, so that it runs before a shutdown's cancellation sweep.
            asio::post(ioc_->get_executor(), [this, call, start = std::move(start)]() mutable {
                start(client_, call->diag,
                      asio::bind_cancellation_slot(call->cancel.slot(), [call](error_code ec, R r) {
                          call->complete(ec, std::move(r));
                      }));
            });
        }
        return call->get();
    }

    /// Cancels the calls in flight, lets the I/O thread finish (bounded), and ends any call the
    /// I/O thread did not get to with operation_aborted.
    void shutdown() {
        std::vector<std::shared_ptr<pending_call>> calls;
        {
            std::lock_guard lock(mutex_);
            if (closing_) return;
            closing_ = true;
            calls = pending_;
        }
        asio::post(ioc_->get_executor(), [calls] {
            for (auto& c : calls) c->cancel.emit(asio::cancellation_type::terminal);
        });
        work_.reset();
        if (io_done_.wait_for(shutdown_grace) != std::future_status::ready) ioc_->stop();
        io_thread_.join();
        for (auto& c : calls) c->fail(asio::error::operation_aborted, "owo::blocking_client was destroyed");
    }

private:
    std::shared_ptr<asio::io_context> ioc_;
    owo::client client_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    std::future<void> io_done_;
    std::thread io_thread_;
    std::mutex mutex_;
    bool closing_ = false;
    std::vector<std::shared_ptr<pending_call>> pending_;
};

blocking_client::blocking_client(config cfg) : state_(std::make_unique<state>(std::move(cfg))) {}

// NOLINTNEXTLINE(bugprone-exception-escape): as ~state (shutdown fails only with its resources)
blocking_client::~blocking_client() { state_->shutdown(); }

const std::string& blocking_client::api_url() const noexcept { return state_->client().api_url(); }

pool_counters blocking_client::stats() const { return state_->client().stats(); }

const owo::client& blocking_client::client() const noexcept { return state_->client(); }

owo::client::executor_type blocking_client::get_executor() const noexcept { return state_->client().get_executor(); }

// Every operation of the table: post the token form, wait for it.
#define OWOSTACK_BLOCKING_DEFINE(name, method_, path_, params_, result_, ...)                                  \
    result_ blocking_client::name(params_ p) {                                                               \
        return state_->call<result_>(#name, [p = std::move(p)](const owo::client& c, diagnostics& d,         \
                                                               auto handler) mutable {                        \
            c.async_##name(std::move(p), d, std::move(handler));                                            \
        });                                                                                                  \
    }
OWOSTACK_OPERATIONS(OWOSTACK_BLOCKING_DEFINE)
#undef OWOSTACK_BLOCKING_DEFINE

} // namespace owo
