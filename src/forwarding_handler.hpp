// Handlers of the call core that wrap the caller's handler keep its executor, allocator and
// cancellation slot. A wrapper declares `using wrapped_handler = H;` and `const H& inner() const`,
// and its associator specialisation derives from forwarding_associator:
//
//   template <template <class, class> class A, class D>
//   struct boost::asio::associator<A, my_wrapper, D> : owo::detail::forwarding_associator<A, my_wrapper, D> {};
//
// (A constrained catch-all specialisation is not picked by g++ 12, hence one line per wrapper.)
#pragma once

#include <boost/asio/associator.hpp>

namespace owo::detail {

template <template <class, class> class Associator, class Handler, class Default>
struct forwarding_associator {
    using inner_associator = Associator<typename Handler::wrapped_handler, Default>;
    using type = typename inner_associator::type;
    static type get(const Handler& h) noexcept { return inner_associator::get(h.inner()); }
    static auto get(const Handler& h, const Default& d) noexcept -> decltype(inner_associator::get(h.inner(), d)) {
        return inner_associator::get(h.inner(), d);
    }
};

} // namespace owo::detail
