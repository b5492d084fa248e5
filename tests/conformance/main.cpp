#define BOOST_TEST_MODULE owostack-local conformance to the hosted route code
#include <boost/test/unit_test.hpp>
