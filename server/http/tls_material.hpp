// The local server's TLS identity: a private CA (its key never leaves memory) and a leaf
// certificate for the loopback names, generated on first start and kept on disk so clients
// can trust `ca.pem` once.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace owo::local {

struct tls_material {
    std::string ca_file, cert_file, key_file;
};

struct certificate_options {
    std::vector<std::string> hosts{"127.0.0.1", "::1", "localhost"};   // subjectAltName entries
    int valid_days = 825;
    bool expired = false;   // for tests: a certificate that ended yesterday
};

/// Uses ca.pem / server.pem / server.key in `dir` when all exist, else generates them.
tls_material ensure_tls_material(const std::filesystem::path& dir);

/// Always generates a fresh CA and leaf into `dir` (overwriting).
tls_material generate_tls_material(const std::filesystem::path& dir, const certificate_options& opts = {});

} // namespace owo::local
