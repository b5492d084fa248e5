#define BOOST_TEST_MODULE owostack SDK unit tests
#include <boost/test/unit_test.hpp>
