#include "http/chaos.hpp"

#include <stdexcept>
#include <utility>

namespace owo::local {

chaos_spec chaos_spec::parse(const std::string& text) {
    chaos_spec s;
    std::pair<const char*, double*> rates[] = {
        {"reset_before", &s.reset_before}, {"reset_mid_body", &s.reset_mid_body}, {"delay", &s.delay},
        {"status_429", &s.status_429},     {"status_5xx", &s.status_5xx},         {"truncate", &s.truncate},
        {"non_json", &s.non_json},         {"wrong_content_type", &s.wrong_content_type},
        {"after_commit", &s.after_commit}};
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find(',', pos);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(pos, end - pos);
        pos = end + 1;
        auto eq = item.find('=');
        if (eq == std::string::npos) throw std::invalid_argument("chaos: expected name=value, got '" + item + "'");
        std::string name = item.substr(0, eq);
        double value = 0;
        try {
            value = std::stod(item.substr(eq + 1));
        } catch (const std::exception&) {
            throw std::invalid_argument("chaos: '" + name + "' needs a number");
        }
        if (name == "delay_ms") {
            s.delay_time = std::chrono::milliseconds(static_cast<long>(value));
            continue;
        }
        bool known = false;
        for (auto& [n, p] : rates)
            if (name == n) {
                if (value < 0 || value > 1) throw std::invalid_argument("chaos: '" + name + "' must be within 0..1");
                *p = value;
                known = true;
            }
        if (!known) throw std::invalid_argument("chaos: unknown fault '" + name + "'");
    }
    double sum = s.reset_before + s.reset_mid_body + s.delay + s.status_429 + s.status_5xx + s.truncate + s.non_json +
                 s.wrong_content_type;
    if (sum > 1) throw std::invalid_argument("chaos: fault rates add up to more than 1");
    return s;
}

bool chaos_spec::enabled() const {
    return reset_before + reset_mid_body + delay + status_429 + status_5xx + truncate + non_json + wrong_content_type > 0;
}

chaos_decision chaos::next() {
    std::lock_guard lock(mutex_);
    std::uniform_real_distribution<double> u(0, 1);
    double roll = u(rng_);
    chaos_decision d;
    std::pair<double, fault> table[] = {{spec_.reset_before, fault::reset_before},
                                        {spec_.reset_mid_body, fault::reset_mid_body},
                                        {spec_.delay, fault::delay},
                                        {spec_.status_429, fault::status_429},
                                        {spec_.status_5xx, fault::status_5xx},
                                        {spec_.truncate, fault::truncate},
                                        {spec_.non_json, fault::non_json},
                                        {spec_.wrong_content_type, fault::wrong_content_type}};
    for (auto [rate, f] : table) {
        if (roll < rate) {
            d.kind = f;
            break;
        }
        roll -= rate;
    }
    d.after_commit = u(rng_) < spec_.after_commit;
    static constexpr unsigned statuses[] = {500, 502, 503};
    d.status = statuses[rng_() % 3];
    // A 429 says "not processed": it never follows a commit.
    if (d.kind == fault::status_429) d.after_commit = false;
    return d;
}

const char* to_string(fault f) {
    switch (f) {
    case fault::none: return "none";
    case fault::reset_before: return "reset_before";
    case fault::reset_mid_body: return "reset_mid_body";
    case fault::delay: return "delay";
    case fault::status_429: return "status_429";
    case fault::status_5xx: return "status_5xx";
    case fault::truncate: return "truncate";
    case fault::non_json: return "non_json";
    case fault::wrong_content_type: return "wrong_content_type";
    }
    return "?";
}

} // namespace owo::local
