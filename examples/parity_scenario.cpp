// The scenario of scripts/ts_peer.sh, C++ side: a catalog declared in code and synced twice,
// a customer on its metered plan, a card saved through the wallet's setup flow, usage tracked
// through typed feature handles, the unbilled usage, an invoice, the invoice list, paying it,
// an add-on credit pack, and removing the card. Prints the results as JSON, in the shape
// scripts/ts_peer/scenario.mjs prints the TypeScript SDK's, so the two can be compared.
//
// Environment: OWOSTACK_SECRET_KEY, OWOSTACK_API_URL, OWOSTACK_CA_FILE (scripts/with-local-server.sh).
#include <owostack/owostack.hpp>

#include "common/peer_catalog.hpp"
#include "common/sandbox_checkout.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

json::array sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return json::array(v.begin(), v.end());
}

json::object changes(const owo::sync_changes& c) {
    return {{"created", sorted(c.created)}, {"updated", sorted(c.updated)}, {"unchanged", sorted(c.unchanged)}};
}

json::object sync_json(const owo::sync_result& r) {
    return {{"features", changes(r.features)},         {"creditSystems", changes(r.credit_systems)},
            {"creditPacks", changes(r.credit_packs)},   {"plans", changes(r.plans)},
            {"warnings", sorted(r.warnings)}};
}

json::value optional_number(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object wallet_json(const owo::wallet_result& w) {
    json::array methods;
    for (const auto& m : w.methods) {
        json::value card = nullptr;
        if (m.card) card = json::object{{"last4", m.card->last4}, {"brand", m.card->brand}, {"provider", m.card->provider}};
        methods.push_back(json::object{{"type", m.type}, {"provider", m.provider}, {"isDefault", m.is_default},
                                       {"isValid", m.is_valid}, {"card", card}});
    }
    return {{"hasCard", w.has_card}, {"methods", std::move(methods)}};
}

json::array tiers_json(const std::vector<owo::billing_tier_breakdown>& tiers) {
    json::array out;
    for (const auto& t : tiers)
        out.push_back(json::object{{"tier", t.tier}, {"units", t.units}, {"unitPrice", t.unit_price},
                                   {"flatFee", t.flat_fee ? json::value(*t.flat_fee) : json::value(nullptr)},
                                   {"amount", t.amount}});
    return out;
}

json::object usage_json(owo::billing_usage_result u) {
    std::sort(u.features.begin(), u.features.end(),
              [](const auto& a, const auto& b) { return a.feature_slug < b.feature_slug; });
    json::array features;
    for (const auto& f : u.features)
        features.push_back(json::object{{"featureSlug", f.feature_slug.value_or("")},
                                        {"usage", f.usage},
                                        {"included", optional_number(f.included)},
                                        {"billableQuantity", f.billable_quantity},
                                        {"estimatedAmount", f.estimated_amount},
                                        {"usageModel", f.usage_model},
                                        {"ratingModel", f.rating_model.value_or("")},
                                        {"tierBreakdown", tiers_json(f.tier_breakdown)}});
    return {{"totalEstimated", u.total_estimated}, {"currency", u.currency}, {"features", std::move(features)}};
}

json::object invoice_json(owo::invoice i) {
    std::sort(i.items.begin(), i.items.end(), [](const auto& a, const auto& b) { return a.description < b.description; });
    json::array items;
    for (const auto& it : i.items)
        items.push_back(json::object{{"description", it.description}, {"quantity", it.quantity},
                                     {"unitPrice", it.unit_price}, {"amount", it.amount}});
    return {{"status", i.status}, {"currency", i.currency}, {"total", i.total}, {"items", std::move(items)}};
}

json::object summary_json(const owo::invoice& i) {
    return {{"status", i.status}, {"currency", i.currency}, {"total", i.total}};
}

asio::awaitable<json::object> scenario(owo::client& owo, std::string ca_file) {
    json::object out;
    auto catalog = owo::examples::peer_catalog();
    // Each answer awaited on a line of its own: g++ 12 cannot keep a string literal of the same
    // expression in the coroutine frame.
    auto first = co_await owo.sync(catalog);
    out["sync"] = sync_json(first);
    auto again = co_await owo.sync(catalog);
    out["syncAgain"] = sync_json(again);

    const std::string email = "peer@example.com";
    owo::customer_params who{.email = email};
    owo::customer c = co_await owo.customer(who);
    owo::attach_params plan{.product = "p-metered"};
    co_await c.attach(plan);

    owo::wallet_params wallet{.customer = email};
    auto before = co_await owo.wallet(wallet);
    out["walletBefore"] = wallet_json(before);
    owo::wallet_setup_params setup{.customer = email, .callback_url = "https://app.example.com/card"};
    auto flow = co_await owo.wallet_setup(setup);
    int setup_status = co_await owo::examples::complete_sandbox_checkout(flow.url, ca_file);
    out["setupCheckoutStatus"] = setup_status;
    auto with_card = co_await owo.wallet(wallet);
    out["walletAfter"] = wallet_json(with_card);

    // Usage through the catalog's handles, as the TypeScript side tracks it.
    auto calls = catalog.feature("p-calls");
    auto tokens = catalog.feature("p-tokens");
    auto storage = catalog.feature("p-storage");
    auto compute = catalog.feature("p-compute");
    json::array tracked;
    tracked.push_back((co_await calls.track(c, 125)).allowed);
    tracked.push_back((co_await tokens.track(c, 7)).allowed);
    tracked.push_back((co_await storage.track(c, 25)).allowed);
    tracked.push_back((co_await compute.track(c, 30)).allowed);
    out["tracked"] = std::move(tracked);

    owo::billing_usage_params usage{.customer = email};
    auto unbilled = co_await owo.billing_usage(usage);
    out["usage"] = usage_json(unbilled);
    owo::billing_invoice_params invoice_req{.customer = email};
    owo::invoice invoice = co_await owo.billing_invoice(invoice_req);
    out["invoice"] = invoice_json(invoice);
    owo::billing_invoices_params list{.customer = email};
    json::array invoices;
    for (const auto& i : (co_await owo.billing_invoices(list)).invoices) invoices.push_back(summary_json(i));
    out["invoices"] = std::move(invoices);
    owo::pay_invoice_params pay{.invoice_id = invoice.id};
    auto paid = co_await owo.pay_invoice(pay);
    out["pay"] = json::object{{"paid", paid.paid}, {"invoice", summary_json(paid.invoice)}};

    owo::addon_params addon{.customer = email, .pack = "p-50-credits", .quantity = 2};
    auto bought = co_await owo.addon(addon);
    out["addon"] = json::object{{"requiresCheckout", bought.requires_checkout},
                                {"quantity", bought.quantity.value_or(0)},
                                {"credits", bought.credits.value_or(0)},
                                {"message", bought.message.value_or("")}};

    owo::wallet_remove_params drop{.customer = email, .id = with_card.methods.at(0).id};
    auto removed = co_await owo.wallet_remove(drop);
    out["walletRemove"] = json::object{{"success", removed.removed}};
    auto end = co_await owo.wallet(wallet);
    out["walletEnd"] = wallet_json(end);
    co_return out;
}

} // namespace

int main() {
    owo::config cfg;
    cfg.secret_key = env("OWOSTACK_SECRET_KEY");
    cfg.api_url = env("OWOSTACK_API_URL");
    cfg.ca_file = env("OWOSTACK_CA_FILE");
    asio::io_context ioc;
    owo::client owo(ioc.get_executor(), cfg);
    int status = 1;
    asio::co_spawn(ioc, scenario(owo, cfg.ca_file), [&](std::exception_ptr e, json::object out) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                std::cerr << "parity_scenario: " << x.what() << "\n";
            }
            return;
        }
        std::cout << json::serialize(out) << "\n";
        status = 0;
    });
    ioc.run();
    return status;
}
