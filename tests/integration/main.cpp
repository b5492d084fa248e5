#define BOOST_TEST_MODULE owostack SDK integration tests
#include <boost/test/unit_test.hpp>
