// owostack::asio_impl, part 3 of 3: Beast compiled once (BOOST_BEAST_SEPARATE_COMPILATION).
#include <boost/beast/src.hpp>
