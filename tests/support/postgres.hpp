// The postgres-store tests' side of the fixture (postgres_cluster.sh starts the PostgreSQL,
// postgres_test.sh passes its URL in OWOSTACK_TEST_POSTGRES): a fresh database per server, so a
// suite run on PostgreSQL starts as empty as one on ":memory:".
#pragma once

#include <optional>
#include <string>

namespace owo::test {

/// The fixture cluster's URL (OWOSTACK_TEST_POSTGRES), when the test runs against PostgreSQL.
std::optional<std::string> test_postgres_url();

/// Creates an empty database on the cluster at `cluster_url`; its URL.
std::string fresh_postgres_database(const std::string& cluster_url);

/// Runs `sql` on the database at `url` (a test's backdoor, e.g. to seed rows no route can make);
/// the last statement's rows, one a line, columns joined by '|'.
std::string run_postgres_sql(const std::string& url, const std::string& sql);

} // namespace owo::test
