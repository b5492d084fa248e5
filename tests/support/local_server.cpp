#include "local_server.hpp"
#include "postgres.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <stdexcept>
#include <thread>

namespace owo::test {

namespace {

std::string field(const std::string& line, const std::string& name) {
    auto at = line.find(name + "=");
    if (at == std::string::npos) return {};
    auto start = at + name.size() + 1;
    auto end = line.find(' ', start);
    return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

} // namespace

local_server::local_server(local_server_options opts) : opts_(std::move(opts)) {
    if (opts_.tmpdir.empty()) {
        std::string pattern = (std::filesystem::temp_directory_path() / "owostack-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
        opts_.tmpdir = own_tmpdir_ = pattern;
    }
    if (auto cluster = test_postgres_url(); cluster && opts_.store.empty() && opts_.db == ":memory:")
        opts_.store = fresh_postgres_database(*cluster);
    std::vector<std::string> args{OWOSTACK_LOCAL_PATH, "--listen", "127.0.0.1:0", "--catalog", opts_.catalog, "--threads", "2"};
    if (opts_.store.empty()) args.insert(args.end(), {"--db", opts_.db});
    else args.insert(args.end(), {"--store", opts_.store});
    for (const auto& k : opts_.api_keys) args.insert(args.end(), {"--api-key", k});
    if (opts_.plain_http) args.push_back("--plain-http");
    if (!opts_.tls_dir.empty()) args.insert(args.end(), {"--tls-dir", opts_.tls_dir});
    args.insert(args.end(), opts_.extra_args.begin(), opts_.extra_args.end());

    // Everything the child needs is made before fork: after it, only async-signal-safe calls.
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (opts_.tmpdir.empty() || std::string_view(*e).rfind("TMPDIR=", 0) != 0) env.emplace_back(*e);
    if (!opts_.tmpdir.empty()) env.push_back("TMPDIR=" + opts_.tmpdir);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    int err = -1;
    if (!opts_.stderr_file.empty()) {
        err = ::open(opts_.stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (err < 0) throw std::runtime_error("cannot open " + opts_.stderr_file);
    }

    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        if (err >= 0) ::dup2(err, STDERR_FILENO);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out[1]);
    if (err >= 0) ::close(err);

    // Wait for the ready line (bounded): the server prints it once it is listening.
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (line.find('\n') == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{out[0], POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        char buf[512];
        auto n = ::read(out[0], buf, sizeof buf);
        if (n <= 0) break;
        line.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    url_ = field(line.substr(0, line.find('\n')), "url");
    ca_file_ = field(line.substr(0, line.find('\n')), "ca");
    if (line.rfind("owostack-local ready", 0) != 0 || url_.empty()) {
        kill_hard();
        std::error_code ec;
        if (!own_tmpdir_.empty()) std::filesystem::remove_all(own_tmpdir_, ec);   // no destructor runs after this throw
        throw std::runtime_error("owostack-local did not become ready; it printed: " + line);
    }
    auto colon = url_.rfind(':');
    port_ = static_cast<unsigned short>(std::stoi(url_.substr(colon + 1)));
}

local_server::~local_server() {
    if (pid_ > 0) stop();
    if (!own_tmpdir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(own_tmpdir_, ec);
    }
}

int local_server::wait_bounded(int seconds) {
    for (int i = 0; i < seconds * 100; ++i) {
        int status = 0;
        pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -2;
}

int local_server::stop(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = wait_bounded(15);
    if (status == -2) {
        kill_hard();
        return -1;
    }
    return status;
}

void local_server::kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

} // namespace owo::test
