#define BOOST_TEST_MODULE owostack-local on PostgreSQL
#include <boost/test/unit_test.hpp>
