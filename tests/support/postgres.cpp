#include "postgres.hpp"

#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <unistd.h>

namespace owo::test {

std::optional<std::string> test_postgres_url() {
    const char* url = std::getenv("OWOSTACK_TEST_POSTGRES");
    if (!url || !*url) return std::nullopt;
    return std::string(url);
}

std::string run_postgres_sql(const std::string& url, const std::string& sql) {
    std::string with_timeout = url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=10";
    std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdb(with_timeout.c_str()), PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(std::string("cannot connect to the test PostgreSQL: ") + PQerrorMessage(conn.get()));
    std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(conn.get(), sql.c_str()), PQclear);
    auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error("test PostgreSQL: " + sql + ": " + PQerrorMessage(conn.get()));
    std::string rows;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        for (int j = 0; j < PQnfields(r.get()); ++j) rows.append(j ? "|" : "").append(PQgetvalue(r.get(), i, j));
        rows += '\n';
    }
    return rows;
}

std::string fresh_postgres_database(const std::string& cluster_url) {
    static std::atomic<int> n{0};
    std::string name = "owo_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
    run_postgres_sql(cluster_url, "CREATE DATABASE " + name);
    auto slash = cluster_url.rfind('/');
    return cluster_url.substr(0, slash + 1) + name;
}

} // namespace owo::test
