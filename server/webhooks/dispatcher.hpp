// Webhook delivery (issue #18, protocol.md §4.22): posts the outbox's events to their endpoints,
// at least once, in each endpoint's event order, off the API's threads.
//
// The outbox lives in the store, written in each event's own transaction; this worker only
// reads it (read units) and records attempts (write units, batched by the store engine with the
// requests' writes), so kill -9 at any moment loses nothing: what was not recorded as
// delivered is posted again after the restart. One thread of its own runs every endpoint's
// coroutine; at most max_in_flight endpoints are posted to at once, one request each, each
// request bounded by request_timeout, so a slow or dead endpoint holds only its own queue.
#pragma once

#include "store/store.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace owo::local {

struct delivery_options {
    std::chrono::milliseconds request_timeout{10'000};   // connect + TLS + request + answer
    std::size_t max_in_flight = 16;                       // endpoints posted to at once
    std::chrono::milliseconds retry_base{5'000};          // first retry's delay (before jitter)
    std::chrono::milliseconds retry_cap{3'600'000};       // the longest delay between attempts
    std::chrono::seconds give_up_after{24 * 3600};        // then the delivery is marked failed
    std::int64_t event_retention_days = 30;               // events older are pruned (once delivered)
    std::string ca_file;                                  // extra CA for https endpoints ("" = system's)
    bool shared_outbox = false;   // several instances deliver from one store (PostgreSQL): claim each endpoint
};

/// The delay before retry number `attempts` (1 = after the first failure): base · 2^(attempts-1)
/// capped, then "equal jitter": half of it fixed, half uniformly random (`unit` in [0, 1)).
std::chrono::milliseconds retry_delay(const delivery_options& o, std::int64_t attempts, double unit);

/// Runs `unit` on the store (a read or a write unit of the store engine) and waits.
enum class outbox_access { read, write };
using store_runner = std::function<void(outbox_access, const std::function<void(store&)>& unit)>;

class webhook_dispatcher {
public:
    webhook_dispatcher(store_runner run, delivery_options o);
    ~webhook_dispatcher();   // stops
    webhook_dispatcher(const webhook_dispatcher&) = delete;
    webhook_dispatcher& operator=(const webhook_dispatcher&) = delete;

    /// Starts its thread: a first scan of the outbox (what a crash left), then the loop.
    void start();
    /// New events may be waiting (after a commit). Thread-safe and cheap.
    void notify();
    void stop();
    /// Pending deliveries at the last scan (the queue depth).
    std::int64_t queue_depth() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace owo::local
