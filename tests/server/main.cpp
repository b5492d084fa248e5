#define BOOST_TEST_MODULE owostack-local server tests
#include <boost/test/unit_test.hpp>
