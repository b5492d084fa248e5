#include "ids.hpp"

#include <openssl/rand.h>

#include <pthread.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>

namespace owo::detail {

namespace {

constexpr std::size_t uuid_bytes = 16;

// Bumped in a child after fork(): a child must not hand out the bytes its parent still holds,
// or two processes would send the same idempotency key for different calls.
std::atomic<unsigned> fork_generation{0};

void after_fork_in_child() { fork_generation.fetch_add(1, std::memory_order_relaxed); }

// RAND_bytes costs ~6k instructions per call whatever the size (OpenSSL 3 goes through its
// provider DRBG), so each thread draws 64 keys' worth at once.
struct random_reserve {
    std::array<std::uint8_t, 64 * uuid_bytes> bytes{};
    std::size_t used = bytes.size();
    unsigned generation = 0;
};

void fill_random(std::uint8_t* out, std::size_t n) {
    if (RAND_bytes(out, static_cast<int>(n)) == 1) return;
    // OpenSSL's generator failing is near impossible; keys must still be unique, not secret.
    std::random_device rd;
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(rd());
}

void take_random(std::uint8_t* out) {
    static const bool registered = (pthread_atfork(nullptr, nullptr, after_fork_in_child), true);
    (void)registered;
    thread_local random_reserve reserve;
    unsigned generation = fork_generation.load(std::memory_order_relaxed);
    if (reserve.used == reserve.bytes.size() || reserve.generation != generation) {
        fill_random(reserve.bytes.data(), reserve.bytes.size());
        reserve.used = 0;
        reserve.generation = generation;
    }
    std::memcpy(out, reserve.bytes.data() + reserve.used, uuid_bytes);
    reserve.used += uuid_bytes;   // each draw is handed out once
}

std::string uuid_text(const std::array<std::uint8_t, uuid_bytes>& b) {
    std::string digits = lower_hex(b.data(), b.size()), out;
    out.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.append(digits, 2 * i, 2);
    }
    return out;
}

} // namespace

std::string make_uuid_v4() {
    std::array<std::uint8_t, uuid_bytes> b{};
    take_random(b.data());
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    return uuid_text(b);
}

std::string make_uuid_v7() {
    std::array<std::uint8_t, uuid_bytes> b{};
    take_random(b.data());
    auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    for (int i = 0; i < 6; ++i) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x70);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    return uuid_text(b);
}

std::string lower_hex(const unsigned char* bytes, std::size_t n) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(2 * n, '0');
    for (std::size_t i = 0; i < n; ++i) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 0x0f];
    }
    return out;
}

} // namespace owo::detail
