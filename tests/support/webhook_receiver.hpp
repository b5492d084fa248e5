// Test fixture: a plain-HTTP webhook receiver on loopback, with its own thread. It records every
// POST (event id, signature header, body) and answers 200, 500, or never, as told; stop() takes
// it down (connection refused) and start() brings it back on the same port.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace owo::test {

class webhook_receiver {
public:
    enum class mode { answer, fail, hang };
    struct delivery {
        std::string event_id, signature, body;
        std::string head;   // the request line and headers
    };

    /// Listens at once on `port` (0: any free port).
    explicit webhook_receiver(unsigned short port = 0, mode m = mode::answer);
    ~webhook_receiver();
    webhook_receiver(const webhook_receiver&) = delete;
    webhook_receiver& operator=(const webhook_receiver&) = delete;

    unsigned short port() const { return port_; }
    /// "http://127.0.0.1:PORT/hooks"
    std::string url() const;
    void start();
    void stop();
    void set_mode(mode m);

    std::vector<delivery> received() const;
    /// Waits (bounded) until `done(received())`; false at the deadline.
    bool wait_until(const std::function<bool(const std::vector<delivery>&)>& done, std::chrono::milliseconds limit) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    unsigned short port_ = 0;
};

} // namespace owo::test
