// owostack::asio_impl, part 2 of 3: Asio.SSL compiled once (see asio_impl.cpp).
#include <boost/asio/ssl/impl/src.hpp>
