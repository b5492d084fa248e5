// owostack::asio_impl, part 1 of 3: Asio compiled once (BOOST_ASIO_SEPARATE_COMPILATION).
// Asio, Asio.SSL and Beast are three files, so three members of libowostack_asio_impl.a: a
// consumer that compiles Asio itself keeps its own, and the linker takes only the other two.
#include <boost/asio/impl/src.hpp>
