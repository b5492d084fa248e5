// The comparison server for server throughput: Beast over TLS, keep-alive, answering every
// request with the same fixed JSON body. No routing, no auth, no storage.
#pragma once

#include <cstddef>

namespace owo::bench {

/// Listens on 127.0.0.1:0, prints "trivial-server ready port=N", serves until SIGTERM/SIGINT.
int run_trivial_server(std::size_t body_bytes, int threads);

} // namespace owo::bench
