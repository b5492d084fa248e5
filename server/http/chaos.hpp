// Fault injection for tests (--chaos): seeded, so a failing run can be replayed exactly.
#pragma once

#include <chrono>
#include <mutex>
#include <random>
#include <string>

namespace owo::local {

enum class fault {
    none,
    reset_before,         // connection reset instead of a response
    reset_mid_body,       // headers and part of the body, then a reset
    delay,                // the response waits `delay` (past a client's timeout)
    status_429,           // 429 with Retry-After
    status_5xx,           // 500, 502 or 503
    truncate,             // Content-Length promises more than is sent, then a clean close
    non_json,             // 200 with an HTML body
    wrong_content_type,   // the right body labelled text/html
};

struct chaos_decision {
    fault kind = fault::none;
    bool after_commit = false;   // run the handler (commit) first, then misbehave
    unsigned status = 0;         // for status_5xx
};

struct chaos_spec {
    double reset_before = 0, reset_mid_body = 0, delay = 0, status_429 = 0, status_5xx = 0, truncate = 0,
           non_json = 0, wrong_content_type = 0, after_commit = 0.5;
    std::chrono::milliseconds delay_time{1500};

    /// "reset_before=0.04,delay=0.02,delay_ms=1500,..."; throws std::invalid_argument.
    static chaos_spec parse(const std::string& text);
    bool enabled() const;
};

class chaos {
public:
    chaos(chaos_spec spec, unsigned seed) : spec_(spec), rng_(seed) {}
    chaos_decision next();
    const chaos_spec& spec() const { return spec_; }

private:
    chaos_spec spec_;
    std::mutex mutex_;
    std::mt19937_64 rng_;
};

const char* to_string(fault f);

} // namespace owo::local
