#include "server_helpers.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <support/postgres.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <atomic>
#include <cctype>

#include <unistd.h>

namespace json = boost::json;

namespace owo::test {

local_server& server() {
    static local_server srv;
    return srv;
}

raw_response call(raw_request r) { return owo::test::call(server().port(), server().ca_file(), r); }

raw_response post(const std::string& target, const std::string& body, std::string key) {
    return call({.method = "POST", .target = target, .body = body, .key = std::move(key)});
}

raw_response get(const std::string& target, std::string key) {
    return call({.method = "GET", .target = target, .key = std::move(key)});
}

json::object body_of(const raw_response& r) { return json::parse(r.body).as_object(); }

std::string unique(const std::string& prefix) {
    static std::atomic<int> n{0};
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

json::array issues_of(const raw_response& r) {
    BOOST_REQUIRE_EQUAL(r.status, 400);
    auto b = body_of(r);
    BOOST_REQUIRE(b.at("error").is_object());
    BOOST_TEST(b.at("error").at("name").as_string() == "ZodError");
    return json::parse(b.at("error").at("message").as_string()).as_array();
}

json::object create_customer(const std::string& body, std::string key) {
    auto r = post("/v1/customers", body, std::move(key));
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    return body_of(r);
}

std::string id_of(const json::object& customer) { return std::string(customer.at("id").as_string()); }

raw_response patch_customer(const std::string& id, const std::string& body, std::string key) {
    return call({.method = "PATCH", .target = "/v1/customers/" + id, .body = body, .key = std::move(key)});
}

std::vector<std::string> in_list_order(const std::vector<json::object>& customers) {
    std::vector<std::pair<std::int64_t, std::string>> order;
    for (const auto& c : customers) order.emplace_back(c.at("createdAt").as_int64(), id_of(c));
    std::sort(order.begin(), order.end());
    std::vector<std::string> ids;
    for (auto& [at, id] : order) ids.push_back(std::move(id));
    return ids;
}

std::string upper_case(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    return s;
}

void check_customer_not_found(const raw_response& r) {
    BOOST_TEST(r.status == 404);
    BOOST_TEST(r.body == R"({"success":false,"error":"Customer not found"})");
}

double metric_sample(const std::string& metrics_text, const std::string& series) {
    auto text = "\n" + metrics_text;
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
}

lasting_store::lasting_store() : dir_(std::filesystem::temp_directory_path() / unique("owostack-lasting")) {
    std::filesystem::create_directories(dir_);
    if (auto cluster = test_postgres_url()) url_ = fresh_postgres_database(*cluster);
}

lasting_store::~lasting_store() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

local_server_options lasting_store::options(std::vector<std::string> api_keys) const {
    local_server_options o;
    o.api_keys = std::move(api_keys);
    if (postgres()) o.store = url_;
    else o.db = (dir_ / "owostack.db").string();
    return o;
}

std::string lasting_store::sql(const std::string& statements) const {
    if (postgres()) return run_postgres_sql(url_, statements);
    sqlite3* db = nullptr;
    auto path = dir_ / "owostack.db";
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open " + path.string());
    std::string rows;
    auto collect = [](void* to, int n, char** values, char**) {
        auto& out = *static_cast<std::string*>(to);
        for (int i = 0; i < n; ++i) out.append(i ? "|" : "").append(values[i] ? values[i] : "NULL");
        out += '\n';
        return 0;
    };
    char* err = nullptr;
    int rc = sqlite3_exec(db, statements.c_str(), collect, &rows, &err);
    std::string message = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error(statements + ": " + message);
    return rows;
}

std::string lasting_store::contents() const {
    if (!postgres()) {
        auto db = (dir_ / "owostack.db").string();
        return file_text(db) + file_text(db + "-wal") + file_text(db + "-shm");
    }
    std::string all;
    std::istringstream tables(sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"));
    for (std::string table; std::getline(tables, table);) all += table + "\n" + sql("SELECT t::text FROM \"" + table + "\" t");
    return all;
}

std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace owo::test
