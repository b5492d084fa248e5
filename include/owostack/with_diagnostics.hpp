// owo::with_diagnostics(token): the completion-token adapter for code that wants exceptions.
//
// The async_* operations complete with void(error_code, result). A token that reports failure
// by throwing (use_awaitable, use_future) would turn a failure into a bare system_error and
// lose what the server said, so for those tokens, and for any token wrapped in
// with_diagnostics(...), the operation completes with void(std::exception_ptr, result) instead,
// carrying an owo::api_error with the full owo::diagnostics. Modelled on Boost.MySQL's adapter.
#pragma once

#include <owostack/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associator.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace owo {

/// Wraps a completion token so that failures arrive as an owo::api_error exception_ptr.
template <class Token>
struct with_diagnostics_t {
    Token token;
};

template <class Token>
constexpr with_diagnostics_t<std::decay_t<Token>> with_diagnostics(Token&& token) {
    return {std::forward<Token>(token)};
}

namespace detail {

template <class R>
using handler = boost::asio::any_completion_handler<void(boost::system::error_code, R)>;

/// Tokens whose failures are exceptions: they get void(exception_ptr, R) with an api_error.
template <class T>
struct is_throwing_token : std::false_type {};
template <class E>
struct is_throwing_token<boost::asio::use_awaitable_t<E>> : std::true_type {};
template <class A>
struct is_throwing_token<boost::asio::use_future_t<A>> : std::true_type {};
template <class T>
struct is_throwing_token<with_diagnostics_t<T>> : std::true_type {};

template <class T>
inline constexpr bool throws_on_error = is_throwing_token<std::decay_t<T>>::value;

/// The token a throwing token stands for (with_diagnostics(t) -> t; others as they are).
template <class T>
auto& inner_token(T& t) noexcept {
    if constexpr (requires { t.token; }) return t.token;
    else return t;
}

/// Completes `Inner` (a void(exception_ptr, R) handler) from (error_code, R), turning a failure
/// into an api_error with the diagnostics the operation filled. Owns them unless the caller
/// passed its own.
template <class R, class Inner>
class throwing_handler {
public:
    throwing_handler(Inner inner, diagnostics* user)
        : inner_(std::move(inner)), owned_(user ? nullptr : std::make_unique<diagnostics>()),
          diag_(user ? user : owned_.get()) {}

    /// Where the operation writes its diagnostics (stable while the handler is moved around).
    diagnostics* diag() const noexcept { return diag_; }

    void operator()(boost::system::error_code ec, R r) {
        if (!ec) return std::move(inner_)(std::exception_ptr(), std::move(r));
        auto e = std::make_exception_ptr(api_error(ec, *diag_));
        std::move(inner_)(std::move(e), R{});
    }

    const Inner& inner() const noexcept { return inner_; }

private:
    Inner inner_;
    std::unique_ptr<diagnostics> owned_;
    diagnostics* diag_;
};

} // namespace detail
} // namespace owo

// The adapter keeps the wrapped handler's executor, allocator and cancellation slot.
template <template <class, class> class Associator, class R, class Inner, class Default>
struct boost::asio::associator<Associator, owo::detail::throwing_handler<R, Inner>, Default> {
    using inner_associator = Associator<Inner, Default>;
    using type = typename inner_associator::type;
    static type get(const owo::detail::throwing_handler<R, Inner>& h) noexcept {
        return inner_associator::get(h.inner());
    }
    static auto get(const owo::detail::throwing_handler<R, Inner>& h, const Default& d) noexcept
        -> decltype(inner_associator::get(h.inner(), d)) {
        return inner_associator::get(h.inner(), d);
    }
};
