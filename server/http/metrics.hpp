// owostack-local's metrics: a small registry every component adds to (the HTTP layer counts
// requests, the store engines count commits and pool use, the event log its queue), rendered
// in the Prometheus text format by GET /metrics. Thread-safe; recording is lock-free once a
// labelled series exists.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace owo::local {

/// A monotonically increasing count.
class counter {
public:
    void add(double v = 1);
    double value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

/// Observations in fixed buckets (upper bounds, ascending); renders _bucket/_sum/_count.
class histogram {
public:
    explicit histogram(std::vector<double> bounds);
    void observe(double v);
    std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
    double sum() const { return sum_.load(std::memory_order_relaxed); }
    const std::vector<double>& bounds() const { return bounds_; }
    std::uint64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }   // not cumulative

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;   // bounds_.size() + 1 (the last is +Inf)
    std::atomic<std::uint64_t> count_{0};
    std::atomic<double> sum_{0};
};

/// Label values in the order of the family's label names.
using label_values = std::vector<std::string>;

class metrics_registry {
public:
    /// The series of counter `name` with these labels, created on first use. Keep the returned
    /// reference: it stays valid as long as the registry.
    counter& counter_of(const std::string& name, const std::string& help, const std::vector<std::string>& label_names = {},
                        const label_values& labels = {});
    histogram& histogram_of(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                            const std::vector<std::string>& label_names = {}, const label_values& labels = {});
    /// A gauge read when scraped (a queue depth, connections in use). `read` must stay callable
    /// as long as the registry, or until remove_gauge(name).
    void gauge(const std::string& name, const std::string& help, std::function<double()> read);
    void remove_gauge(const std::string& name);

    /// Every metric in the Prometheus text exposition format (version 0.0.4).
    std::string render() const;

    /// Buckets for latencies in seconds: 100 µs to 10 s.
    static const std::vector<double>& latency_buckets();

private:
    struct family {
        std::string help, type;
        std::vector<std::string> label_names;
        std::map<label_values, std::unique_ptr<counter>> counters;
        std::map<label_values, std::unique_ptr<histogram>> histograms;
        std::function<double()> gauge;
    };
    family& family_of(const std::string& name, const std::string& help, const char* type,
                      const std::vector<std::string>& label_names);

    mutable std::mutex mutex_;
    std::map<std::string, family> families_;
};

} // namespace owo::local
