#include "output.hpp"

#include <boost/json/serialize.hpp>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <ostream>
#include <sstream>

namespace owo::cli {

namespace json = boost::json;

void table::print(std::ostream& out) const {
    std::vector<std::size_t> width;
    for (const auto& row : rows_) {
        if (width.size() < row.size()) width.resize(row.size());
        for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    for (const auto& row : rows_) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(width[i] - row[i].size() + 2, ' ');
        }
        out << line << '\n';
    }
}

std::string iso8601(time_point t) {
    if (t == time_point{}) return "-";
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string number(std::optional<double> v) {
    if (!v) return "-";
    std::ostringstream s;
    s.precision(15);
    s << *v;
    return s.str();
}

namespace {
json::value optional_string(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }
json::value optional_number(const std::optional<double>& d) { return d ? json::value(*d) : json::value(nullptr); }
} // namespace

json::value to_json(const customer_record& c) {
    return json::object{{"id", c.id},
                        {"email", c.email},
                        {"name", c.name},
                        {"metadata", c.metadata},
                        {"createdAt", iso8601(c.created_at)},
                        {"updatedAt", iso8601(c.updated_at)},
                        {"externalId", optional_string(c.external_id)},
                        {"externalOrganizationId", optional_string(c.external_organization_id)},
                        {"version", c.version},
                        {"deletedAt", c.deleted_at ? json::value(iso8601(*c.deleted_at)) : json::value(nullptr)}};
}

json::value to_json(const plan& p) {
    json::array features;
    for (const auto& f : p.features)
        features.push_back(json::object{{"slug", f.slug},
                                        {"name", f.name},
                                        {"type", f.type},
                                        {"enabled", f.enabled},
                                        {"limit", optional_number(f.limit)},
                                        {"resetInterval", optional_string(f.reset_interval)},
                                        {"unit", optional_string(f.unit)}});
    return json::object{{"id", p.id},           {"slug", p.slug},         {"name", p.name},
                        {"description", optional_string(p.description)},  {"price", p.price},
                        {"currency", p.currency}, {"interval", p.interval}, {"type", p.type},
                        {"isAddon", p.is_addon},  {"planGroup", optional_string(p.plan_group)},
                        {"trialDays", p.trial_days}, {"features", std::move(features)}};
}

json::value to_json(const entity& e) {
    return json::object{{"id", e.id},
                        {"featureId", e.feature_id},
                        {"name", optional_string(e.name)},
                        {"email", optional_string(e.email)},
                        {"status", e.status == entity_status::unknown ? e.status_text : to_string(e.status)},
                        {"metadata", e.metadata},
                        {"createdAt", iso8601(e.created_at)}};
}

void print_record(std::ostream& out, const customer_record& c) {
    table t({"id", c.id});
    t.add({"email", c.email});
    t.add({"name", c.name.empty() ? "-" : c.name});
    t.add({"external id", c.external_id.value_or("-")});
    t.add({"organization", c.external_organization_id.value_or("-")});
    t.add({"metadata", c.metadata.empty() ? "-" : json::serialize(c.metadata)});
    if (c.version > 0) t.add({"version", std::to_string(c.version)});   // owostack-local's extension
    t.add({"created", iso8601(c.created_at)});
    t.add({"updated", iso8601(c.updated_at)});
    if (c.deleted_at) t.add({"deleted", iso8601(*c.deleted_at)});
    t.print(out);
}

progress_line::progress_line()
    : tty_(isatty(STDERR_FILENO) == 1), delay_(std::chrono::seconds(1)), start_(std::chrono::steady_clock::now()) {
    if (const char* ms = std::getenv("OWOSTACK_PROGRESS_DELAY_MS")) {
        long v = 0;
        std::string_view text(ms);
        if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v); ec == std::errc{} && end == text.data() + text.size() && v >= 0)
            delay_ = std::chrono::milliseconds(v);
    }
}

void progress_line::update(std::size_t n) {
    if (!tty_ || std::chrono::steady_clock::now() - start_ < delay_) return;
    std::string line = "fetched " + std::to_string(n) + " customer" + (n == 1 ? "" : "s") + "...";
    std::size_t width = line.size();
    if (line.size() < shown_) line.append(shown_ - line.size(), ' ');
    std::cerr << '\r' << line << std::flush;
    shown_ = std::max(shown_, width);
}

void progress_line::clear() {
    if (shown_ == 0) return;
    std::cerr << '\r' << std::string(shown_, ' ') << '\r' << std::flush;
    shown_ = 0;
}

void print_json(std::ostream& out, const json::value& v) { out << json::serialize(v) << '\n'; }

} // namespace owo::cli
