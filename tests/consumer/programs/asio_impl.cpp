// The consumer that compiles Asio separately does it here, once, as Asio asks
// (BOOST_ASIO_SEPARATE_COMPILATION on all its files). Asio.SSL and Beast it does not compile:
// the linker takes them from owostack::asio_impl, and leaves out that archive's Asio member,
// whose functions this file already defines.
#include <boost/asio/impl/src.hpp>
