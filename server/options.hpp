// owostack-local's command line.
#pragma once

#include "http/chaos.hpp"

#include <optional>
#include <string>
#include <vector>

namespace owo::local {

struct command_line {
    std::string listen = "127.0.0.1:8443";
    std::string db = "owostack-local.db";
    std::string catalog;                     // empty: the built-in example next to the binary's sources
    std::vector<std::string> api_keys;       // KEY[:ORG[:SCOPES]]
    std::string tls_cert, tls_key, tls_dir;
    bool plain_http = false;
    std::string public_url;
    std::optional<chaos_spec> chaos;
    unsigned chaos_seed = 1;
    unsigned threads = 0;                    // 0: hardware concurrency
    // Customer events and webhooks (issue #18)
    bool events = true;                      // --events off: write none (to measure their cost)
    std::int64_t event_retention_days = 30;
    std::vector<std::string> webhooks;       // URL[#type,type]
    std::string webhook_secret;              // empty: $OWOSTACK_WEBHOOK_SECRET or the default
    std::int64_t webhook_timeout_ms = 10'000, webhook_retry_base_ms = 5'000, webhook_retry_cap_ms = 3'600'000;
    std::int64_t webhook_give_up_after_s = 24 * 3600;
    unsigned webhook_concurrency = 16;
    std::string webhook_ca;
    bool help = false;
    // Scale and operations (#20):
    std::string commit_mode = "group";       // group | per-request
    std::string log_format = "none";         // none | text | json
    std::string store;                       // postgres://... (empty: SQLite at `db`)
    std::size_t store_pool_size = 8;
    unsigned store_acquire_timeout_ms = 5000;
};

/// Parses argv; throws std::invalid_argument with a message naming the bad flag.
command_line parse_command_line(int argc, char** argv);
const char* usage_text();

} // namespace owo::local
