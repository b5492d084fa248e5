// The consumer that compiles Asio separately does it here, once, as Asio asks
// (BOOST_ASIO_SEPARATE_COMPILATION on all its files). Asio.SSL and Beast it does not compile:
// what the SDK uses of them comes with libowostack, header-only.
#include <boost/asio/impl/src.hpp>
