// owo::client: the two ways an operation runs. Both share every step (operation<Op>: the
// check, the request, the result or error) and the error_code-first call core (transport):
//  - the awaitable form runs in the awaiting coroutine (no hop to another executor) and
//    throws api_error;
//  - the token forms run on the client's executor and complete with (error_code, R).
#include "client_impl.hpp"
#include "config_check.hpp"
#include "operation.hpp"
#include "tls_context.hpp"

#include <owostack/customer.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/system_executor.hpp>

#ifndef OWOSTACK_VERSION
#define OWOSTACK_VERSION "dev"
#endif

namespace owo {

namespace asio = boost::asio;
using boost::system::error_code;

namespace detail {

namespace {

std::string user_agent(const config& cfg) {
    std::string ua = "owostack-cpp/" OWOSTACK_VERSION;
    if (!cfg.user_agent_suffix.empty()) ua += " " + cfg.user_agent_suffix;
    return ua;
}

} // namespace

client_impl::client_impl(asio::any_io_executor ex, config c, io_environment* other_env)
    : executor(ex), cfg(std::move(c)), base(check_config(cfg)), tls(make_tls_context(cfg)),
      real_env(executor, tls, base, cfg), env(other_env ? *other_env : real_env),
      http(env, cfg, make_fixed_headers(base, cfg.secret_key, user_agent(cfg)), base.tls) {}

client client_access::make(asio::any_io_executor ex, config cfg, io_environment& env) {
    client c;
    c.executor_ = ex;
    c.impl_ = std::make_shared<client_impl>(std::move(ex), std::move(cfg), &env);
    return c;
}

namespace {

template <class R>
outcome<R> failure(error_code ec, std::string code, std::string message) {
    outcome<R> out;
    out.ec = ec;
    out.diag.code = std::move(code);
    out.diag.message = std::move(message);
    return out;
}

/// Everything that is decided before the network: an empty handle, invalid params, an
/// extension asked of the hosted API.
template <class Op>
std::optional<outcome<typename Op::result>> refuse(const client_impl* impl, const typename Op::params& p) {
    using R = typename Op::result;
    if (!impl)
        return failure<R>(error::invalid_argument, "invalid_argument",
                          "empty handle: this owo::client or owo::customer was default-constructed or moved from");
    if (std::string why = operation<Op>::invalid_reason(p); !why.empty())
        return failure<R>(error::invalid_argument, "invalid_argument", std::move(why));
    if (std::string why = operation<Op>::unsupported_reason(impl->base, p); !why.empty())
        return failure<R>(error::not_supported, "not_supported", std::move(why));
    return std::nullopt;
}

/// Cancellation of the awaiting coroutine surfaces as a system_error from the core.
template <class R>
outcome<R> interrupted(const boost::system::system_error& e) {
    return failure<R>(e.code(), "transport_error", e.code().message());
}

/// The error_code-first form of one call: never throws for a failure it can describe.
template <class Op>
asio::awaitable<outcome<typename Op::result>> run(std::shared_ptr<client_impl> impl, client owner,
                                                  typename Op::params p) {
    using R = typename Op::result;
    if (auto refused = refuse<Op>(impl.get(), p)) co_return std::move(*refused);
    call_result r;
    try {
        r = co_await impl->http.execute(operation<Op>::make_request(impl->base, p));
    } catch (const boost::system::system_error& e) {
        co_return interrupted<R>(e);
    }
    co_return operation<Op>::finish(p, r, owner);
}

/// The throwing form. The same steps as run(), written out so that the call costs one
/// coroutine frame, not two.
template <class Op>
asio::awaitable<typename Op::result> run_or_throw(std::shared_ptr<client_impl> impl, client owner,
                                                  typename Op::params p) {
    using R = typename Op::result;
    if (auto refused = refuse<Op>(impl.get(), p)) throw api_error(refused->ec, std::move(refused->diag));
    call_result r;
    try {
        r = co_await impl->http.execute(operation<Op>::make_request(impl->base, p));
    } catch (const boost::system::system_error& e) {
        auto out = interrupted<R>(e);
        throw api_error(out.ec, std::move(out.diag));
    }
    auto out = operation<Op>::finish(p, r, owner);
    if (out.ec) throw api_error(out.ec, std::move(out.diag));
    co_return std::move(out.value);
}

} // namespace
} // namespace detail

using namespace detail;

client::client(executor_type ex, config cfg)
    : executor_(ex), impl_(std::make_shared<client_impl>(std::move(ex), std::move(cfg))) {}

const std::string& client::api_url() const noexcept {
    static const std::string none;
    return impl_ ? impl_->base.text : none;
}

pool_counters client::stats() const { return impl_ ? impl_->http.stats() : pool_counters{}; }

template <class Op>
void client::start(typename Op::params p, diagnostics* diag, handler<typename Op::result> h) const {
    using R = typename Op::result;
    if (diag) diag->clear();
    // An empty handle may have no executor of its own: complete on the handler's.
    asio::any_io_executor ex = executor_ ? executor_ : asio::any_io_executor(asio::system_executor());
    auto done_ex = asio::get_associated_executor(h, ex);
    auto slot = asio::get_associated_cancellation_slot(h);
    asio::co_spawn(ex, run<Op>(impl_, *this, std::move(p)),
                   asio::bind_cancellation_slot(
                       slot, asio::bind_executor(done_ex, [h = std::move(h), diag](std::exception_ptr e,
                                                                                     outcome<R> out) mutable {
                           if (e) {   // only resource exhaustion gets here: run() reports failures
                               out = {};
                               out.ec = error::bad_response;
                               try {
                                   std::rethrow_exception(e);
                               } catch (const std::exception& x) {
                                   out.diag.message = x.what();
                               }
                           }
                           if (out.ec && diag) *diag = std::move(out.diag);
                           std::move(h)(out.ec, std::move(out.value));
                       })));
}

template <class Op>
asio::awaitable<typename Op::result> client::call(typename Op::params p) const {
    return run_or_throw<Op>(impl_, *this, std::move(p));
}

// Every operation of the table: the awaitable member and the token forms' entry point.
#define OWOSTACK_DEFINE_OPERATION(name, method_, path_, params_, result_, retry_, scope_, handle_, api_, member_) \
    asio::awaitable<result_> client::name(params_ p) const { return call<op::name>(std::move(p)); }         \
    template asio::awaitable<result_> client::call<op::name>(params_) const;                                \
    template void client::start<op::name>(params_, diagnostics*, handler<result_>) const;
OWOSTACK_OPERATIONS(OWOSTACK_DEFINE_OPERATION)
#undef OWOSTACK_DEFINE_OPERATION

} // namespace owo
