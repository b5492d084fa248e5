// One organisation at one instant: its store, its catalog and the time. What the domain rules
// are given, so they never depend on HTTP or on the request pipeline.
#pragma once

#include "domain/catalog.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <string>

namespace owo::local {

struct tenant {
    store& db;
    const catalog& cat;
    const std::string& org;
    std::int64_t now_ms;
    bool events = true;   // write customer events (issue #18); off only to measure their cost
};

} // namespace owo::local
