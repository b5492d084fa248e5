// Each command: build the params from the arguments, make the blocking call, show the result.
#include "command.hpp"
#include "output.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <ostream>

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
            features += f.slug + (f.limit ? "=" + number(f.limit) : f.type == "boolean" ? "" : "=unlimited");
        }
        t.add({p.slug, p.name, std::to_string(p.price), p.currency, p.interval, p.type, features.empty() ? "-" : features});
    }
    t.print(out);
}

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
                                          {"metadata", "JSON", "a JSON object, merged into existing metadata"}},
                 "create a customer, or resolve the existing one",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     auto email = a.value("email");
                     if (!email) throw usage_error("customers create needs --email");
                     customer_params p{.id = a.value("id"), .email = *email, .name = a.value("name"), .metadata = metadata_option(a)};
                     show_customer(a, out, owo.customer(std::move(p)).record());
                 }});
    c.push_back({"customers get", {"CUSTOMER_ID"}, {}, "show one customer by its id",
                 [](blocking_client& owo, const arguments& a, std::ostream& out) {
                     show_customer(a, out, owo.get_customer(a.arg(0)).record());
                 }});
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
    return c;
}

} // namespace owo::cli
