// Opens the SQLite store. The class itself stays in sqlite_store.cpp, so only that file sees
// sqlite3.h.
#pragma once

#include "store/store.hpp"

#include <memory>
#include <string>

namespace owo::local {

/// Opens `path` (":memory:" allowed) in WAL mode with synchronous=FULL, so a commit the client
/// saw acknowledged survives a crash, and creates or upgrades the schema.
std::unique_ptr<store> open_sqlite_store(const std::string& path);

} // namespace owo::local
