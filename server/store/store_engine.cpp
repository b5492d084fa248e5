#include "store/store_engine.hpp"

#include "store/postgres_engine.hpp"
#include "store/sqlite_engine.hpp"

#include <future>

namespace owo::local {

std::unique_ptr<store_engine> open_store_engine(const store_engine_options& opts, metrics_registry& metrics) {
    if (is_postgres_url(opts.store))
        return open_postgres_engine({.url = opts.store, .pool_size = opts.pool_size, .acquire_timeout = opts.acquire_timeout},
                                    metrics);
    return open_sqlite_engine(opts, metrics);
}

void run_blocking(store_engine& engine, unit_kind kind, unit_of_work work) {
    std::promise<void> finished;
    auto result = finished.get_future();
    engine.submit(kind, std::move(work), [&finished](std::exception_ptr e) {
        if (e) finished.set_exception(e);
        else finished.set_value();
    });
    result.get();
}

} // namespace owo::local
