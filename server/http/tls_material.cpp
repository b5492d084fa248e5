#include "http/tls_material.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace owo::local {

namespace fs = std::filesystem;

namespace {

template <auto Free>
struct deleter {
    template <class T>
    void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("TLS certificate generation: " + what); }

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext || !X509_add_ext(cert, ext, -1)) fail(std::string("extension ") + OBJ_nid2sn(nid));
    X509_EXTENSION_free(ext);
}

x509_ptr make_cert(EVP_PKEY* key, const char* common_name, X509* issuer, long not_before_s,
                   long not_after_s) {
    x509_ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    std::unique_ptr<BIGNUM, deleter<BN_free>> serial(BN_new());
    BN_rand(serial.get(), 120, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before_s);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after_s);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("owostack-local"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509* signer = issuer ? issuer : cert.get();
    add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
    if (!issuer) {
        add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
        add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
    return cert;
}

void sign(X509* cert, EVP_PKEY* key) {
    if (!X509_sign(cert, key, EVP_sha256())) fail("signing");
}

void write_pem(const fs::path& path, X509* cert) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) fail("cannot write " + path.string());
    PEM_write_X509(f, cert);
    std::fclose(f);
}

void write_key(const fs::path& path, EVP_PKEY* key) {
    // Created 0600 from the start: the private key is never readable by others, even briefly.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) fail("cannot write " + path.string());
    FILE* f = ::fdopen(fd, "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
}

} // namespace

tls_material generate_tls_material(const fs::path& dir, const certificate_options& opts) {
    fs::create_directories(dir);
    pkey_ptr ca_key(EVP_EC_gen("P-256"));
    pkey_ptr leaf_key(EVP_EC_gen("P-256"));
    if (!ca_key || !leaf_key) fail("key generation");

    const long day = 24L * 3600;
    auto ca = make_cert(ca_key.get(), "owostack-local development CA", nullptr, -day, 3650 * day);
    sign(ca.get(), ca_key.get());

    long not_before = opts.expired ? -2 * day : -3600;
    long not_after = opts.expired ? -day : opts.valid_days * day;
    std::string cn = opts.hosts.empty() ? "owostack-local" : opts.hosts.front();
    auto leaf = make_cert(leaf_key.get(), cn.c_str(), ca.get(), not_before, not_after);
    std::string san;
    for (const auto& h : opts.hosts) {
        bool ip = h.find_first_not_of("0123456789.:abcdefABCDEF") == std::string::npos && h.find_first_of(".:") != std::string::npos;
        san += (san.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + h;
    }
    add_ext(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_ext(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
    add_ext(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_ext(leaf.get(), ca.get(), NID_authority_key_identifier, "keyid");
    if (!san.empty()) add_ext(leaf.get(), ca.get(), NID_subject_alt_name, san.c_str());
    sign(leaf.get(), ca_key.get());

    tls_material m{(dir / "ca.pem").string(), (dir / "server.pem").string(), (dir / "server.key").string()};
    write_pem(m.ca_file, ca.get());
    write_pem(m.cert_file, leaf.get());
    write_key(m.key_file, leaf_key.get());
    return m;
}

tls_material ensure_tls_material(const fs::path& dir) {
    tls_material m{(dir / "ca.pem").string(), (dir / "server.pem").string(), (dir / "server.key").string()};
    if (fs::exists(m.ca_file) && fs::exists(m.cert_file) && fs::exists(m.key_file)) return m;
    return generate_tls_material(dir);
}

} // namespace owo::local
