#include "tls_context.hpp"

#include "urls.hpp"

#include <owostack/error.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstdio>

namespace owo::detail {

namespace ssl = boost::asio::ssl;

ssl::context make_tls_context(const config& cfg) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    if (cfg.use_system_trust_store) ctx.set_default_verify_paths(ec);
    if (!cfg.ca_file.empty()) {
        ctx.load_verify_file(cfg.ca_file, ec);
        if (ec)
            throw api_error(error::invalid_argument,
                            diagnostics{.code = "invalid_config",
                                        .message = "cannot load ca_file '" + cfg.ca_file + "': " + ec.message()});
    }
    if (cfg.insecure_skip_tls_verify) {
        ctx.set_verify_mode(ssl::verify_none);
        std::fprintf(stderr, "owostack: WARNING: TLS certificate verification is DISABLED "
                             "(config::insecure_skip_tls_verify). Never use this in production.\n");
    } else {
        ctx.set_verify_mode(ssl::verify_peer);
    }
    return ctx;
}

bool prepare_tls_handle(SSL* ssl, const std::string& host, bool verify) {
    bool ip = is_ip_literal(host);
    // SNI carries names only (RFC 6066); some servers reject an IP there.
    if (!ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) return false;
    if (!verify) return true;
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
              : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
}

std::string describe_tls_failure(SSL* ssl) {
    long v = SSL_get_verify_result(ssl);
    if (v == X509_V_OK) return {};
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(v);
}

} // namespace owo::detail
