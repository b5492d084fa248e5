// Handlers of the call core that wrap the caller's handler keep its executor, allocator and
// cancellation slot: a class that declares `using wrapped_handler = H;` and has
// `const H& inner() const` gets every Asio association of its inner handler.
#pragma once

#include <boost/asio/associator.hpp>

#include <concepts>

namespace owo::detail {

template <class T>
concept forwarding_handler = requires(const T& h) {
    typename T::wrapped_handler;
    { h.inner() } -> std::same_as<const typename T::wrapped_handler&>;
};

} // namespace owo::detail

template <template <class, class> class Associator, owo::detail::forwarding_handler Handler, class Default>
struct boost::asio::associator<Associator, Handler, Default> {
    using inner_associator = Associator<typename Handler::wrapped_handler, Default>;
    static typename inner_associator::type get(const Handler& h) noexcept { return inner_associator::get(h.inner()); }
    static auto get(const Handler& h, const Default& d) noexcept -> decltype(inner_associator::get(h.inner(), d)) {
        return inner_associator::get(h.inner(), d);
    }
};
