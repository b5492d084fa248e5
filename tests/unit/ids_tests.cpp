// Idempotency keys: UUID v4 text, unique within a process, and never shared with a fork()ed
// child (the keys come from a per-thread reserve of random bytes).
#include "ids.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <set>
#include <string>

using owo::detail::make_uuid_v4;

namespace {
bool is_uuid_v4(const std::string& s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (s[i] == '-')) return false;
        if (!dash && !std::strchr("0123456789abcdef", s[i])) return false;
    }
    return s[14] == '4' && std::strchr("89ab", s[19]);
}
} // namespace

BOOST_AUTO_TEST_SUITE(ids)

BOOST_AUTO_TEST_CASE(uuid_v4_text_and_uniqueness) {
    std::set<std::string> seen;
    for (int i = 0; i < 10'000; ++i) {   // many refills of the reserve
        auto k = make_uuid_v4();
        BOOST_TEST_REQUIRE(is_uuid_v4(k), k);
        BOOST_TEST_REQUIRE(seen.insert(k).second, "duplicate key " << k);
    }
}

BOOST_AUTO_TEST_CASE(a_forked_child_never_repeats_the_parents_keys) {
    make_uuid_v4();   // the reserve now holds unused bytes that fork() copies
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        auto k = make_uuid_v4();
        ssize_t n = ::write(fds[1], k.data(), k.size());
        ::_exit(n == static_cast<ssize_t>(k.size()) ? 0 : 1);
    }
    ::close(fds[1]);
    char buf[64] = {};
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    BOOST_TEST_REQUIRE(n == 36);
    std::string child(buf, 36);
    std::string parent = make_uuid_v4();
    BOOST_TEST(is_uuid_v4(child), child);
    BOOST_TEST(child != parent);
}

BOOST_AUTO_TEST_SUITE_END()
