// owo::client: how an operation runs, for every completion token alike: the checks before the
// network, the request (operation<Op>), the call core (transport: one composed operation over
// the call's state machine), then the result or error (operation<Op>::finish). The awaitable
// members are the same path with use_awaitable.
#include "client_impl.hpp"
#include "config_check.hpp"
#include "forwarding_handler.hpp"
#include "operation.hpp"
#include "tls_context.hpp"

#include <owostack/customer.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/use_awaitable.hpp>
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
      http(executor, env, cfg, make_fixed_headers(base, cfg.secret_key, user_agent(cfg)), base.tls) {}

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

/// Completes one call: turns the call core's outcome into the operation's result or error,
/// fills the caller's diagnostics, and calls the handler (on its associated executor).
template <class Op>
class finishing_handler {   // keeps the caller's associations (forwarding_handler.hpp)
public:
    using R = typename Op::result;
    using wrapped_handler = handler<R>;
    finishing_handler(typename Op::params p, client owner, diagnostics* diag, handler<R> h)
        : p_(std::move(p)), owner_(std::move(owner)), diag_(diag), h_(std::move(h)) {}

    void operator()(call_result r) {
        outcome<R> out = operation<Op>::finish(p_, r, owner_);
        complete(std::move(out));
    }

    void complete(outcome<R> out) {
        if (out.ec && diag_) *diag_ = std::move(out.diag);
        std::move(h_)(out.ec, std::move(out.value));
    }

    const handler<R>& inner() const noexcept { return h_; }

private:
    typename Op::params p_;
    client owner_;   // a customer result keeps a handle on the client
    diagnostics* diag_;
    handler<R> h_;
};

} // namespace
} // namespace detail
} // namespace owo

template <template <class, class> class Associator, class Op, class Default>
struct boost::asio::associator<Associator, owo::detail::finishing_handler<Op>, Default>
    : owo::detail::forwarding_associator<Associator, owo::detail::finishing_handler<Op>, Default> {};

namespace owo {

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
    if (diag) diag->clear();
    if (auto refused = refuse<Op>(impl_.get(), p)) {
        // Decided before the network; still completed through the executor, never inline. An
        // empty handle may have no executor of its own: complete on the handler's.
        asio::any_io_executor ex = executor_ ? executor_ : asio::any_io_executor(asio::system_executor());
        auto done_ex = asio::get_associated_executor(h, ex);
        finishing_handler<Op> done(std::move(p), *this, diag, std::move(h));
        asio::post(ex, asio::bind_executor(done_ex, [done = std::move(done), out = std::move(*refused)]() mutable {
                       done.complete(std::move(out));
                   }));
        return;
    }
    request_spec spec = operation<Op>::make_request(impl_->base, p);
    impl_->http.async_execute(std::move(spec), finishing_handler<Op>(std::move(p), *this, diag, std::move(h)));
}

template <class Op>
asio::awaitable<typename Op::result> client::call(typename Op::params p) const {
    return initiate<Op>(std::move(p), nullptr, asio::use_awaitable);
}

// Every operation of the table: the awaitable member and the token forms' entry point.
#define OWOSTACK_DEFINE_OPERATION(name, method_, path_, params_, result_, retry_, scope_, handle_, api_, member_) \
    asio::awaitable<result_> client::name(params_ p) const { return call<op::name>(std::move(p)); }         \
    template asio::awaitable<result_> client::call<op::name>(params_) const;                                \
    template void client::start<op::name>(params_, diagnostics*, handler<result_>) const;
OWOSTACK_OPERATIONS(OWOSTACK_DEFINE_OPERATION)
#undef OWOSTACK_DEFINE_OPERATION

} // namespace owo

