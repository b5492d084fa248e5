// TLS failures, each a clear and distinct error, and nothing sent before verification.
#include "harness.hpp"

#include <tls_material.hpp>

#include <boost/test/unit_test.hpp>

#include <filesystem>

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace owo::test;

namespace {

struct custom_cert_server {
    fs::path dir;
    owo::local::tls_material tls;
    std::unique_ptr<local_server> srv;

    explicit custom_cert_server(const owo::local::certificate_options& cert) {
        dir = fs::temp_directory_path() / unique_id("owostack-tls");
        tls = owo::local::generate_tls_material(dir, cert);
        local_server_options o;
        o.extra_args = {"--tls-cert", tls.cert_file, "--tls-key", tls.key_file};
        srv = std::make_unique<local_server>(o);
    }
    ~custom_cert_server() {
        srv.reset();
        fs::remove_all(dir);
    }
};

/// The error of a `plans` call with `cfg`, and how many requests reached the observer with a status.
owo::api_error failure(owo::config cfg, int& answered) {
    answered = 0;
    cfg.on_request = [&](const owo::request_event& ev) {
        if (ev.status != 0) ++answered;
    };
    std::optional<owo::api_error> err;
    run(cfg, [&](owo::client& owo) -> asio::awaitable<void> {
        err = co_await expect_error(owo.plans({}));
    });
    return *err;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tls)

BOOST_AUTO_TEST_CASE(expired_certificate) {
    custom_cert_server s({.expired = true});
    auto cfg = config_for(*s.srv);
    cfg.ca_file = s.tls.ca_file;
    int answered = 0;
    auto e = failure(cfg, answered);
    BOOST_TEST((e.code().category() == asio::error::get_ssl_category()));
    BOOST_TEST(e.diag().message.find("certificate has expired") != std::string::npos, e.diag().message);
    BOOST_TEST(answered == 0);
    BOOST_TEST(e.diag().attempts == 1);
}

BOOST_AUTO_TEST_CASE(wrong_host_name) {
    custom_cert_server s({.hosts = {"api.example.com"}});
    auto cfg = config_for(*s.srv);
    cfg.ca_file = s.tls.ca_file;
    int answered = 0;
    auto e = failure(cfg, answered);
    BOOST_TEST((e.code().category() == asio::error::get_ssl_category()));
    BOOST_TEST(e.diag().message.find("mismatch") != std::string::npos, e.diag().message);
    BOOST_TEST(answered == 0);
}

BOOST_AUTO_TEST_CASE(plain_http_to_the_tls_port) {
    auto cfg = config_for(shared_server());
    cfg.api_url = "http://127.0.0.1:" + std::to_string(shared_server().port()) + "/v1";
    cfg.retry.max_retries = 0;
    int answered = 0;
    auto e = failure(cfg, answered);
    BOOST_TEST(!(e.code().category() == asio::error::get_ssl_category()));
    BOOST_TEST(answered == 0);
    BOOST_TEST_MESSAGE("plain HTTP to TLS port: " << e.what());
}

BOOST_AUTO_TEST_CASE(tls_to_a_plain_port) {
    local_server_options o;
    o.plain_http = true;
    local_server plain(o);
    auto cfg = config_for(plain);
    cfg.api_url = "https://127.0.0.1:" + std::to_string(plain.port()) + "/v1";
    int answered = 0;
    auto e = failure(cfg, answered);
    BOOST_TEST((e.code().category() == asio::error::get_ssl_category()));
    BOOST_TEST(answered == 0);
    BOOST_TEST_MESSAGE("TLS to plain port: " << e.what());
}

BOOST_AUTO_TEST_SUITE_END()
