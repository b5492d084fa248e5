// Customer administration (owostack-local's customer lifecycle): list every customer page by page
// with the auto-pager, find one by email, update it, delete another, and print aligned tables.
// Usage: customer_admin [--seed N]   (creates N customers first, default 25; 0: none)
// Reads OWOSTACK_API_URL, OWOSTACK_SECRET_KEY and OWOSTACK_CA_FILE (config::from_env). Against
// the hosted API the lifecycle calls end with owo::error::not_supported: they are extensions.
#include <owostack/owostack.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace asio = boost::asio;

namespace {

std::string or_dash(const std::optional<std::string>& s) { return s ? *s : "-"; }

std::string date_of(owo::time_point t) {
    auto days = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day ymd{days};
    std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::milliseconds>(t - days)};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld:%02ld.%03ld", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), long(hms.hours().count()), long(hms.minutes().count()),
                  long(hms.seconds().count()), long(hms.subseconds().count()));
    return buf;
}

/// Prints rows under a header, each column as wide as its widest cell.
class table {
public:
    explicit table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
    void add(const owo::customer_record& c) {
        rows_.push_back({c.id.substr(0, 8), c.email, c.name, or_dash(c.external_id), or_dash(c.external_organization_id),
                         std::to_string(c.version), date_of(c.created_at)});
    }
    std::size_t size() const { return rows_.size() - 1; }
    void print() const {
        std::vector<std::size_t> width(rows_[0].size(), 0);
        for (auto& r : rows_)
            for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
        for (std::size_t n = 0; n < rows_.size(); ++n) {
            std::string line;
            for (std::size_t i = 0; i < rows_[n].size(); ++i) {
                line += rows_[n][i];
                if (i + 1 < rows_[n].size()) line += std::string(width[i] - rows_[n][i].size() + 2, ' ');
            }
            std::printf("%s\n", line.c_str());
            if (n == 0) {
                std::string rule;
                for (std::size_t i = 0; i < width.size(); ++i) rule += std::string(width[i], '-') + (i + 1 < width.size() ? "  " : "");
                std::printf("%s\n", rule.c_str());
            }
        }
    }

private:
    std::vector<std::vector<std::string>> rows_;
};

const std::vector<std::string> header{"id", "email", "name", "external id", "organization", "version", "created (UTC)"};

/// Every customer, 10 per page: one page in memory at a time (oldest first; customers created
/// in the same millisecond by id).
asio::awaitable<table> list_all(owo::client& owo, std::string organization) {
    table t(header);
    owo::list_customers_params filter{.limit = 10, .external_organization_id = std::move(organization)};
    owo::customer_pager pages(owo, filter);
    int n = 0;
    while (true) {
        auto page = co_await pages.next();
        if (page.empty()) break;
        ++n;
        for (auto& c : page) t.add(c);
    }
    std::printf("(%zu customers in %d pages)\n", t.size(), n);
    co_return t;
}

asio::awaitable<int> run(owo::client& owo, int seed) {
    // A run-unique organization keeps this example's customers apart from anyone else's.
    std::string org = "acme-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    std::string first_email;
    for (int i = 0; i < seed; ++i) {
        std::string email = "admin-" + std::to_string(i) + "@" + org + ".example";
        owo::customer_params who{.email = email, .name = "Customer " + std::to_string(i), .external_organization_id = org};
        if (i % 2 == 0) who.id = org + "-user-" + std::to_string(i);
        (void)co_await owo.customer(who);
        if (i == 0) first_email = email;
    }

    std::printf("== customers of %s\n", org.c_str());
    (co_await list_all(owo, org)).print();
    if (seed == 0) co_return 0;

    // Find by email (a lookup: never creates), then update name and metadata, checking the version.
    owo::find_customer_params by_email{.email = first_email};
    owo::customer found = co_await owo.find_customer(by_email);
    boost::json::object tier{{"tier", "gold"}};
    owo::update_customer_params change{.name = "Renamed Customer", .metadata = tier, .expected_version = found.version()};
    owo::customer updated = co_await found.update(change);
    std::printf("\nupdated %s: name '%s', version %lld -> %lld, tier %s\n", updated.email().c_str(), updated.name().c_str(),
                static_cast<long long>(found.version()), static_cast<long long>(updated.version()),
                boost::json::serialize(updated.metadata().at("tier")).c_str());

    // A stale version is refused: the second writer learns the current one.
    owo::update_customer_params stale{.name = "Lost Update", .expected_version = found.version()};
    owo::diagnostics diag;
    auto [ec, ignored] = co_await found.async_update(stale, diag, asio::as_tuple(asio::use_awaitable));
    std::printf("a stale update: %s (current version %lld)\n", ec.message().c_str(),
                static_cast<long long>(diag.current_version.value_or(-1)));

    // Delete (soft) the customer we updated; a lookup no longer finds it.
    owo::delete_customer_params soft{};
    auto removed = co_await updated.remove(soft);
    std::printf("deleted %s (purged: %s)\n", removed.id.c_str(), removed.purged ? "yes" : "no");
    auto [gone, nothing] = co_await owo.async_find_customer(by_email, asio::as_tuple(asio::use_awaitable));
    std::printf("find by email after the delete: %s\n\n", gone.message().c_str());

    std::printf("== customers of %s after the changes\n", org.c_str());
    auto after = co_await list_all(owo, org);
    after.print();
    bool ok = ec == owo::error::conflict && gone == owo::error::customer_not_found &&
              after.size() == static_cast<std::size_t>(seed - 1);
    co_return ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    int seed = 25;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--seed") seed = std::stoi(argv[i + 1]);
    try {
        auto cfg = owo::config::from_env();
        asio::io_context ioc;
        owo::client owo(ioc.get_executor(), cfg);
        auto done = asio::co_spawn(ioc, run(owo, seed), asio::use_future);
        ioc.run();
        return done.get();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "customer_admin: %s\n", e.what());
        return 1;
    }
}
