// What the server tests share: the one owostack-local they all talk to (keys sk_test_a for
// org_a, sk_test_b for org_b), request shorthands, and reading answers.
#pragma once

#include <support/http_client.hpp>
#include <support/local_server.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace owo::test {

local_server& server();

raw_response call(raw_request r);
raw_response post(const std::string& target, const std::string& body, std::string key = "sk_test_a");
raw_response get(const std::string& target, std::string key = "sk_test_a");
boost::json::object body_of(const raw_response& r);

/// `prefix` made unique in this process and across runs.
std::string unique(const std::string& prefix);

/// The Zod issues of a 400 validation answer.
boost::json::array issues_of(const raw_response& r);

// Customers
/// POST /v1/customers with `body`, which must answer 200; the customer.
boost::json::object create_customer(const std::string& body, std::string key = "sk_test_a");
std::string id_of(const boost::json::object& customer);
raw_response patch_customer(const std::string& id, const std::string& body, std::string key = "sk_test_a");
/// The ids of `customers` in list order: createdAt, then id.
std::vector<std::string> in_list_order(const std::vector<boost::json::object>& customers);
std::string upper_case(std::string s);
/// Checks that `r` is 404 {"success":false,"error":"Customer not found"}.
void check_customer_not_found(const raw_response& r);

// Operations
/// The value of the sample line `series` (a metric name with its labels, as rendered) in a
/// GET /metrics text; -1 when there is no such line.
double metric_sample(const std::string& metrics_text, const std::string& series);

// Stores that outlive a server (restarts, key rotation, migrations; issue #26)
/// A database file in a private directory, or, under postgres_test.sh, a fresh PostgreSQL
/// database: the same test on either store.
class lasting_store {
public:
    lasting_store();
    ~lasting_store();
    lasting_store(const lasting_store&) = delete;
    lasting_store& operator=(const lasting_store&) = delete;

    bool postgres() const { return !url_.empty(); }
    const std::filesystem::path& dir() const { return dir_; }
    /// Options for a server on this store with these keys.
    local_server_options options(std::vector<std::string> api_keys) const;
    /// Runs `statements` on the store directly; the last one's rows, one a line, columns by '|'.
    std::string sql(const std::string& statements) const;
    /// What the store holds, as far as a test can read it: the SQLite files' bytes (database,
    /// WAL, shared memory); on PostgreSQL every row of every table as text.
    std::string contents() const;

private:
    std::filesystem::path dir_;
    std::string url_;
};

/// The whole file ("" when there is none).
std::string file_text(const std::filesystem::path& path);

} // namespace owo::test
