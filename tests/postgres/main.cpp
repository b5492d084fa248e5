#define BOOST_TEST_MODULE owostack-local on PostgreSQL: several instances, one truth
#include <boost/test/unit_test.hpp>
