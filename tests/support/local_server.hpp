// Test fixture: a real owostack-local process on an ephemeral loopback port, with its own
// TLS CA, stopped (SIGTERM, then SIGKILL if it hangs) when the object goes away.
#pragma once

#include <csignal>
#include <string>
#include <sys/types.h>
#include <vector>

namespace owo::test {

struct local_server_options {
    std::string db = ":memory:";
    std::string catalog = OWOSTACK_SOURCE_DIR "/server/catalog.example.json";
    std::vector<std::string> api_keys{"sk_test_a:org_a", "sk_test_b:org_b"};
    bool plain_http = false;
    std::string tls_dir;                   // empty: the server's default
    std::vector<std::string> extra_args;   // e.g. {"--chaos", "..."}
    // The store switch: a postgres:// URL runs the server on PostgreSQL (--store). Empty: SQLite
    // at `db`, except that a ":memory:" server of a test run under postgres_test.sh gets a fresh
    // PostgreSQL database instead, so whole suites run unchanged on either store.
    std::string store;
    std::string stderr_file;               // non-empty: the server's stderr is appended to this file
    std::string tmpdir;                    // the server's $TMPDIR; empty: a private one, removed with the
                                           // fixture (so a server killed with SIGKILL leaves nothing either)
};

class local_server {
public:
    explicit local_server(local_server_options opts = {});
    local_server(const local_server&) = delete;
    local_server& operator=(const local_server&) = delete;
    ~local_server();

    const std::string& url() const { return url_; }        // https://127.0.0.1:PORT/v1
    const std::string& ca_file() const { return ca_file_; }
    unsigned short port() const { return port_; }
    const std::string& store() const { return opts_.store; }   // the postgres:// URL, or "" (SQLite)
    pid_t pid() const { return pid_; }

    /// `signal` (SIGTERM or SIGINT) and wait (bounded); returns the exit status (-1 if it had to be killed).
    int stop(int signal = SIGTERM);
    /// SIGKILL, as a crash would.
    void kill_hard();

private:
    int wait_bounded(int seconds);
    local_server_options opts_;
    std::string own_tmpdir_;   // made by the fixture, removed by its destructor
    pid_t pid_ = -1;
    std::string url_, ca_file_;
    unsigned short port_ = 0;
};

} // namespace owo::test
