// Each command: build the params from the arguments, make the blocking call, show the result.
#include "command.hpp"
#include "output.hpp"

#include <owostack/pager.hpp>

#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <chrono>
#include <ostream>
#include <thread>

namespace owo::cli {

namespace json = boost::json;

bool arguments::flag(const std::string& name) const {
    return std::find(flags.begin(), flags.end(), name) != flags.end();
}

namespace {

std::optional<json::object> metadata_option(const arguments& a) {
    auto text = a.value("metadata");
    if (!text) return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(*text, ec);
    if (ec || !v.is_object()) throw usage_error("--metadata must be a JSON object, e.g. '{\"plan\":\"pro\"}'");
    return v.as_object();
}

/// --NAME as an integer in [lo, hi], if given.
std::optional<std::int64_t> integer_option(const arguments& a, const std::string& name, std::int64_t lo, std::int64_t hi) {
    auto given = a.value(name);
    if (!given) return std::nullopt;
    const std::string& text = *given;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi)
        throw usage_error("--" + name + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
                          ", not '" + text + "'");
    return v;
}

/// A catalog file: the sync payload's JSON; every problem of it is a usage error, listed.
owo::catalog read_catalog(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw usage_error("cannot read " + path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    boost::system::error_code ec;
    auto payload = json::parse(text, ec);
    if (ec) throw usage_error(path + " is not JSON: " + ec.message());
    owo::catalog catalog;
    try {
        catalog = owo::catalog::from_sync_payload(payload);
    } catch (const std::invalid_argument& e) {
        throw usage_error(path + ": " + e.what());
    }
    auto problems = catalog.problems();
    if (!problems.empty()) {
        std::string why = path + " has " + std::to_string(problems.size()) + (problems.size() == 1 ? " problem:" : " problems:");
        for (const auto& p : problems) why += "\n  " + p;
        throw usage_error(why);
    }
    return catalog;
}

void show_customer(const arguments& a, std::ostream& out, const customer_record& c) {
    if (a.json) return print_json(out, to_json(c));
    print_record(out, c);
}

void show_entities(const arguments& a, std::ostream& out, const list_entities_result& r) {
    if (a.json) {
        json::array list;
        for (const auto& e : r.entities) list.push_back(to_json(e));
        return print_json(out, json::object{{"entities", std::move(list)}, {"total", r.total}});
    }
    table t({"ENTITY", "FEATURE", "NAME", "EMAIL", "STATUS", "CREATED"});
    for (const auto& e : r.entities)
        t.add({e.id, e.feature_id, e.name.value_or("-"), e.email.value_or("-"),
               e.status == entity_status::unknown ? e.status_text : to_string(e.status), iso8601(e.created_at)});
    t.print(out);
    out << r.total << " entit" << (r.total == 1 ? "y" : "ies") << '\n';
}

void show_plans(const arguments& a, std::ostream& out, const std::vector<plan>& plans) {
    if (a.json) {
        json::array list;
        for (const auto& p : plans) list.push_back(to_json(p));
        return print_json(out, json::object{{"plans", std::move(list)}});
    }
    table t({"SLUG", "NAME", "PRICE", "CURRENCY", "INTERVAL", "TYPE", "FEATURES"});
    for (const auto& p : plans) {
        std::string features;
        for (const auto& f : p.features) {
            if (!features.empty()) features += ", ";
            // Appended piece by piece: "=" + std::string&& trips g++ 12's -Wrestrict at -O3 (a false positive).
            features += f.slug;
            if (f.limit) {
                features += '=';
                features += number(f.limit);
            } else if (f.type != "boolean") {
                features += "=unlimited";
            }
        }
        t.add({p.slug, p.name, std::to_string(p.price), p.currency, p.interval, p.type, features.empty() ? "-" : features});
    }
    t.print(out);
}

/// The filters shared by `customers list` and `customers unresolved`.
list_customers_params list_filters(const arguments& a) {
    list_customers_params p{.email = a.value("email"), .external_organization_id = a.value("org"),
                            .include_deleted = a.flag("include-deleted")};
    if (auto n = integer_option(a, "limit", 1, 100)) p.limit = int(*n);
    return p;
}

/// Every page of `Op` through the auto-pager (one page in memory at a time): JSON lines are
/// written page by page; the table is printed once every row is known (its columns are aligned).
template <class Op>
void list_all(blocking_client& owo, const arguments& a, std::ostream& out, list_customers_params filters) {
    pager<Op, &list_customers_result::customers> pages(owo.client(), std::move(filters));
    bool deleted_column = a.flag("include-deleted");
    std::vector<std::string> header{"ID", "EMAIL", "NAME", "EXTERNAL ID", "ORGANIZATION", "VERSION", "CREATED"};
    if (deleted_column) header.push_back("DELETED");
    table t(std::move(header));
    std::size_t n = 0;
    progress_line progress;
    while (true) {
        auto page = pages.async_next(boost::asio::use_future).get();
        if (page.empty()) break;
        n += page.size();
        for (const auto& c : page) {
            if (a.json) {
                print_json(out, to_json(c));
                continue;
            }
            std::vector<std::string> row{c.id, c.email, c.name.empty() ? "-" : c.name, c.external_id.value_or("-"),
                                         c.external_organization_id.value_or("-"), std::to_string(c.version),
                                         iso8601(c.created_at)};
            if (deleted_column) row.push_back(c.deleted_at ? iso8601(*c.deleted_at) : "-");
            t.add(std::move(row));
        }
        if (a.json) out << std::flush;
        progress.update(n);
    }
    progress.clear();
    if (a.json) return;
    t.print(out);
    out << n << " customer" << (n == 1 ? "" : "s") << '\n';
}

/// --type a,b as event types (each must be known).
std::vector<event_type> event_types_option(const arguments& a) {
    std::vector<event_type> out;
    auto text = a.value("type");
    if (!text) return out;
    std::string_view rest = *text;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto name = rest.substr(0, comma);
        auto t = event_type::customer_created;
        while (t != event_type::unknown && name != to_string(t)) t = static_cast<event_type>(static_cast<int>(t) + 1);
        if (t == event_type::unknown) throw usage_error("--type: unknown event type '" + std::string(name) + "'");
        out.push_back(t);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return out;
}

/// `events tail`: the events after --after, oldest first, one line each; --follow keeps asking
/// for newer ones every second (until interrupted).
void tail_events(blocking_client& owo, const arguments& a, std::ostream& out) {
    list_events_params p{.limit = 100, .after = integer_option(a, "after", 0, INT64_MAX).value_or(0),
                         .types = event_types_option(a), .customer = a.value("customer")};
    for (;;) {
        auto page = owo.list_events(p);
        for (const auto& e : page.events) {
            p.after = e.sequence;
            if (a.json) {
                print_json(out, json::object{{"id", e.id}, {"type", e.type_text}, {"sequence", e.sequence},
                                             {"createdAt", iso8601(e.created_at)},
                                             {"customerId", e.customer_id ? json::value(*e.customer_id) : nullptr},
                                             {"data", e.data}});
                continue;
            }
            out << e.sequence << "  " << iso8601(e.created_at) << "  " << e.type_text << "  " << e.customer_id.value_or("-");
            if (auto o = e.data.if_contains("object"); o && o->is_object())
                if (auto id = o->as_object().if_contains("id"); id && id->is_string()) out << "  " << id->as_string().c_str();
            out << '\n';
        }
        out << std::flush;
        if (page.has_more) continue;
        if (!a.flag("follow")) return;
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

const std::vector<option> list_options{
    {"email", "EMAIL", "only the customer with this email"},
    {"org", "ORG", "only customers of this external organisation id"},
    {"limit", "N", "page size, 1..100 (default: the server's, 20); every page is fetched"},
};

} // namespace

std::vector<command> all_commands() {
    std::vector<command> c;
    c.push_back({"plans", {}, {{"group", "GROUP", "only plans of this group"}, {"interval", "INTERVAL", "only this billing interval"},
                               {"currency", "CODE", "only this currency"}, {"include-inactive", "", "inactive plans too"}},
                 "list the catalog's plans",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     plans_params p{.group = a.value("group"), .interval = a.value("interval"),
                                    .currency = a.value("currency"), .include_inactive = a.flag("include-inactive")};
                     show_plans(a, out, owo.plans(std::move(p)));
                 }});
    c.push_back({"customers create", {}, {{"email", "EMAIL", "the customer's email (required)"},
                                          {"name", "NAME", "display name"}, {"id", "ID", "your id for the customer"},
                                          {"metadata", "JSON", "a JSON object, merged into existing metadata"},
                                          {"org", "ORG", "its external organisation id (owostack-local)"}},
                 "create a customer, or resolve the existing one",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     auto email = a.value("email");
                     if (!email) throw usage_error("customers create needs --email");
                     customer_params p{.id = a.value("id"), .email = *email, .name = a.value("name"), .metadata = metadata_option(a),
                                       .external_organization_id = a.value("org")};
                     show_customer(a, out, owo.customer(std::move(p)).record());
                 }});
    c.push_back({"customers get", {"CUSTOMER_ID"}, {}, "show one customer by its id",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     show_customer(a, out, owo.get_customer(a.arg(0)).record());
                 }});
    {
        auto opts = list_options;
        opts.push_back({"include-deleted", "", "soft-deleted customers too (DELETED column)"});
        c.push_back({"customers list", {}, opts,
                     "list every customer, page by page (--json: one customer per line)",
                     [](blocking_client& owo, const arguments& a, std::ostream& out) {
                         list_all<detail::op::list_customers>(owo, a, out, list_filters(a));
                     }});
    }
    c.push_back({"customers unresolved", {}, list_options,
                 "list every live customer without an external id (--json: one per line)",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     list_all<detail::op::list_unresolved_customers>(owo, a, out, list_filters(a));
                 }});
    c.push_back({"customers find", {}, {{"id", "ID", "by internal id"}, {"external-id", "ID", "by your (external) id"},
                                        {"email", "EMAIL", "by email, case-insensitively"},
                                        {"include-deleted", "", "find a soft-deleted customer too"}},
                 "look one customer up by exactly one of --id, --external-id, --email (never creates)",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     find_customer_params p{.id = a.value("id"), .external_id = a.value("external-id"),
                                            .email = a.value("email"), .include_deleted = a.flag("include-deleted")};
                     if (int(p.id.has_value()) + int(p.external_id.has_value()) + int(p.email.has_value()) != 1)
                         throw usage_error("customers find needs exactly one of --id, --external-id and --email");
                     show_customer(a, out, owo.find_customer(std::move(p)).record());
                 }});
    c.push_back({"customers update", {"CUSTOMER_ID"},
                 {{"name", "NAME", "new display name"}, {"email", "EMAIL", "new email"},
                  {"metadata", "JSON", "a JSON object, merged into the metadata (a null value deletes that key)"},
                  {"replace-metadata", "", "--metadata replaces the metadata instead"},
                  {"org", "ORG", "set the external organisation id"}, {"clear-org", "", "remove the external organisation id"},
                  {"expected-version", "N", "refuse (version_conflict) unless the customer is at version N"}},
                 "change a customer's name, email, metadata or organisation (nothing else)",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     update_customer_params p{.customer = a.arg(0), .name = a.value("name"), .email = a.value("email"),
                                              .metadata = metadata_option(a), .external_organization_id = a.value("org"),
                                              .clear_external_organization_id = a.flag("clear-org"),
                                              .expected_version = integer_option(a, "expected-version", 1, INT64_MAX)};
                     if (a.flag("replace-metadata")) {
                         if (!p.metadata) throw usage_error("--replace-metadata needs --metadata");
                         p.metadata_mode = metadata_mode::replace;
                     }
                     if (p.external_organization_id && p.clear_external_organization_id)
                         throw usage_error("--org and --clear-org exclude each other");
                     if (!p.name && !p.email && !p.metadata && !p.external_organization_id && !p.clear_external_organization_id)
                         throw usage_error("customers update needs something to change: --name, --email, --metadata, --org or --clear-org");
                     show_customer(a, out, owo.update_customer(std::move(p)).record());
                 }});
    c.push_back({"customers delete", {"CUSTOMER_ID"}, {{"purge", "", "also erase its personal data, for good"}},
                 "delete a customer (soft: it no longer resolves, lists or counts entities)",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     auto r = owo.delete_customer({.customer = a.arg(0), .purge = a.flag("purge")});
                     if (a.json)
                         return print_json(out, json::object{{"id", r.id}, {"deleted", r.deleted}, {"purged", r.purged}});
                     out << (r.purged ? "deleted and purged " : "deleted ") << r.id << '\n';
                 }});
    c.push_back({"customers bind", {"CUSTOMER_ID", "EXTERNAL_ID"}, {},
                 "give an unresolved customer its external id (once)",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     show_customer(a, out, owo.bind_customer({.customer = a.arg(0), .external_id = a.arg(1)}).record());
                 }});
    c.push_back({"events tail", {},
                 {{"after", "SEQ", "only events after this sequence number (default 0: from the oldest kept)"},
                  {"type", "TYPES", "only these event types, comma-separated (entity.added,entity.removed)"},
                  {"customer", "ID", "only this customer's events (internal id)"},
                  {"follow", "", "keep printing new events as they are written (poll every second)"}},
                 "print customer events in order, one per line (owostack-local; --json: one per line)", tail_events});
    c.push_back({"entities list", {"CUSTOMER"}, {{"feature", "FEATURE", "only this feature's entities"}},
                 "list a customer's entities (seats)",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     show_entities(a, out, owo.list_entities({.customer = a.arg(0), .feature = a.value("feature")}));
                 }});
    c.push_back({"entities add", {"CUSTOMER", "FEATURE", "ENTITY"},
                 {{"name", "NAME", "the entity's name"}, {"email", "EMAIL", "the entity's email"},
                  {"metadata", "JSON", "a JSON object"}},
                 "add (or restore) an entity, up to the plan's limit",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     auto r = owo.add_entity({.customer = a.arg(0), .feature = a.arg(1), .entity = a.arg(2),
                                              .name = a.value("name"), .email = a.value("email"), .metadata = metadata_option(a)});
                     std::optional<double> limit, remaining;
                     if (r.limit) limit = double(*r.limit);
                     if (r.remaining) remaining = double(*r.remaining);
                     if (a.json)
                         return print_json(out, json::object{{"entityId", r.entity_id}, {"featureId", r.feature_id},
                                                             {"count", r.count}, {"limit", limit ? json::value(*r.limit) : nullptr},
                                                             {"remaining", remaining ? json::value(*r.remaining) : nullptr},
                                                             {"restored", r.restored}});
                     out << (r.restored ? "restored " : "added ") << r.entity_id << " (" << r.feature_id << "): " << r.count
                         << " used of " << (limit ? number(limit) : "unlimited") << '\n';
                 }});
    c.push_back({"entities remove", {"CUSTOMER", "FEATURE", "ENTITY"}, {},
                 "remove an entity (it stays counted until the period ends)",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     auto r = owo.remove_entity({.customer = a.arg(0), .feature = a.arg(1), .entity = a.arg(2)});
                     if (a.json)
                         return print_json(out, json::object{{"entityId", r.entity_id},
                                                             {"count", r.count ? json::value(*r.count) : nullptr}});
                     out << "removed " << r.entity_id << " (pending removal";
                     if (r.count) out << ", " << *r.count << " still counted";
                     out << ")\n";
                 }});
    // Issue #19: push a catalog file (the sync payload's shape, as `--catalog` of owostack-local
    // and upstream's CLI take it) with the SDK's sync.
    c.push_back({"sync", {"CATALOG_FILE"}, {{"check", "", "only judge the catalog; send nothing"}},
                 "create or update the catalog (features, credit systems, packs, plans) from a JSON file",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     owo::catalog catalog = read_catalog(a.arg(0));
                     if (a.flag("check")) {
                         if (a.json) return print_json(out, catalog.sync_payload());
                         out << a.arg(0) << ": " << catalog.features().size() << " features, " << catalog.credit_systems().size()
                             << " credit systems, " << catalog.credit_packs().size() << " credit packs, " << catalog.plans().size()
                             << " plans; no problems\n";
                         return;
                     }
                     auto r = owo.sync(catalog);
                     if (a.json) {
                         auto group = [](const sync_changes& g) {
                             return json::object{{"created", json::value_from(g.created)}, {"updated", json::value_from(g.updated)},
                                                 {"unchanged", json::value_from(g.unchanged)}};
                         };
                         return print_json(out, json::object{{"features", group(r.features)}, {"creditSystems", group(r.credit_systems)},
                                                             {"creditPacks", group(r.credit_packs)}, {"plans", group(r.plans)},
                                                             {"warnings", json::value_from(r.warnings)}});
                     }
                     table t({"KIND", "CREATED", "UPDATED", "UNCHANGED"});
                     auto row = [&](const char* kind, const sync_changes& g) {
                         t.add({kind, std::to_string(g.created.size()), std::to_string(g.updated.size()),
                                std::to_string(g.unchanged.size())});
                     };
                     row("features", r.features);
                     row("credit systems", r.credit_systems);
                     row("credit packs", r.credit_packs);
                     row("plans", r.plans);
                     t.print(out);
                     for (const auto& w : r.warnings) out << "warning: " << w << '\n';
                 }});
    return c;
}

} // namespace owo::cli
