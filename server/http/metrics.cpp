#include "http/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace owo::local {

void counter::add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double v) {
    auto at = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();   // first bound >= v: `le`
    buckets_[static_cast<std::size_t>(at)].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

const std::vector<double>& metrics_registry::latency_buckets() {
    static const std::vector<double> b{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                       0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5, 5, 10};
    return b;
}

metrics_registry::family& metrics_registry::family_of(const std::string& name, const std::string& help, const char* type,
                                                      const std::vector<std::string>& label_names) {
    auto [it, added] = families_.try_emplace(name);
    if (added) {
        it->second.help = help;
        it->second.type = type;
        it->second.label_names = label_names;
    } else if (it->second.type != type || it->second.label_names != label_names) {
        throw std::logic_error("metric " + name + " registered twice with different types or labels");
    }
    return it->second;
}

counter& metrics_registry::counter_of(const std::string& name, const std::string& help,
                                      const std::vector<std::string>& label_names, const label_values& labels) {
    std::lock_guard lock(mutex_);
    auto& f = family_of(name, help, "counter", label_names);
    auto& c = f.counters[labels];
    if (!c) c = std::make_unique<counter>();
    return *c;
}

histogram& metrics_registry::histogram_of(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                                          const std::vector<std::string>& label_names, const label_values& labels) {
    std::lock_guard lock(mutex_);
    auto& f = family_of(name, help, "histogram", label_names);
    auto& h = f.histograms[labels];
    if (!h) h = std::make_unique<histogram>(bounds);
    return *h;
}

void metrics_registry::gauge(const std::string& name, const std::string& help, std::function<double()> read) {
    std::lock_guard lock(mutex_);
    family_of(name, help, "gauge", {}).gauge = std::move(read);
}

void metrics_registry::remove_gauge(const std::string& name) {
    std::lock_guard lock(mutex_);
    families_.erase(name);
}

namespace {

std::string number(double v) {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

/// Label values escaped as the text format wants (backslash, quote, newline).
std::string escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') { out += "\\n"; continue; }
        out += c;
    }
    return out;
}

/// {a="x",b="y"} plus an optional extra pair (le for buckets); empty when there is nothing.
std::string label_text(const std::vector<std::string>& names, const label_values& values, const char* extra_name = nullptr,
                       const std::string& extra_value = {}) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i)
        out += (out.empty() ? "" : ",") + names[i] + "=\"" + escaped(values[i]) + "\"";
    if (extra_name) out += (out.empty() ? "" : ",") + std::string(extra_name) + "=\"" + extra_value + "\"";
    return out.empty() ? out : "{" + out + "}";
}

} // namespace

std::string metrics_registry::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, f] : families_) {
        out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
        if (f.gauge) out += name + " " + number(f.gauge()) + "\n";
        for (const auto& [labels, c] : f.counters) out += name + label_text(f.label_names, labels) + " " + number(c->value()) + "\n";
        for (const auto& [labels, h] : f.histograms) {
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i <= h->bounds().size(); ++i) {
                cumulative += h->bucket(i);
                auto le = i < h->bounds().size() ? number(h->bounds()[i]) : "+Inf";
                out += name + "_bucket" + label_text(f.label_names, labels, "le", le) + " " + std::to_string(cumulative) + "\n";
            }
            out += name + "_sum" + label_text(f.label_names, labels) + " " + number(h->sum()) + "\n";
            out += name + "_count" + label_text(f.label_names, labels) + " " + std::to_string(h->count()) + "\n";
        }
    }
    return out;
}

} // namespace owo::local
