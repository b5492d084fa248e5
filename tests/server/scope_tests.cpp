// Scoped API keys: `--api-key KEY:ORG[:SCOPES]`, and every route's scope checked after
// authentication and before the body is read.
#include "server_helpers.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

using namespace owo::test;

namespace {

struct route_case {
    const char* method;
    std::string target;
    const char* scope;
};

const char* const all_scopes[] = {"customers:read", "customers:write", "entities:read",
                              "entities:write", "billing:read",    "billing:write"};

std::string key_for(std::string_view scope) {
    std::string k = "sk_" + std::string(scope);
    k[k.find(':')] = '_';
    return k;
}

local_server& scoped_server() {
    static local_server srv([] {
        local_server_options o;
        o.api_keys.clear();
        for (const char* s : all_scopes) o.api_keys.push_back(key_for(s) + ":org_s:" + s);
        o.api_keys.insert(o.api_keys.end(), {"sk_star:org_s:*", "sk_default:org_s",
                                             "sk_customers:org_s:customers:read,customers:write"});
        return o;
    }());
    return srv;
}

raw_response ask(const char* method, const std::string& target, const std::string& key, std::string body = "{bad") {
    return owo::test::call(scoped_server().port(), scoped_server().ca_file(),
                           {.method = method, .target = target, .body = std::string(method) == "GET" ? "" : body, .key = key});
}

std::vector<route_case> every_route(const std::string& id) {
    return {
        {"POST", "/v1/customers", "customers:write"},
        {"GET", "/v1/customers", "customers:read"},
        {"GET", "/v1/customers/lookup?email=a%40example.com", "customers:read"},
        {"GET", "/v1/customers/unresolved", "customers:read"},
        {"GET", "/v1/customers/" + id, "customers:read"},
        {"PATCH", "/v1/customers/" + id, "customers:write"},
        {"DELETE", "/v1/customers/" + id, "customers:write"},
        {"POST", "/v1/customers/" + id + "/bind", "customers:write"},
        {"GET", "/v1/entities?customer=" + id, "entities:read"},
        {"POST", "/v1/entities", "entities:write"},
        {"POST", "/v1/entities/remove", "entities:write"},
        {"GET", "/v1/plans", "billing:read"},
        {"GET", "/v1/plans/free", "billing:read"},
        {"POST", "/v1/attach", "billing:write"},
        {"POST", "/v1/check", "billing:write"},
        {"POST", "/v1/track", "billing:write"},
        {"POST", "/v1/sync", "billing:write"},
        {"GET", "/v1/credit-systems", "billing:read"},
        {"GET", "/v1/credit-packs", "billing:read"},
        {"POST", "/v1/addon", "billing:write"},
        {"GET", "/v1/wallet?customer=" + id, "billing:read"},
        {"POST", "/v1/wallet/setup", "billing:write"},
        {"POST", "/v1/wallet/remove", "billing:write"},
        {"GET", "/v1/billing/usage?customer=" + id, "billing:read"},
        {"POST", "/v1/billing/invoice", "billing:write"},
        {"GET", "/v1/billing/invoices?customer=" + id, "billing:read"},
        {"POST", "/v1/billing/invoice/inv-1/pay", "billing:write"},
        {"GET", "/v1/billing/upcoming?customer=" + id, "billing:read"},
    };
}

} // namespace

BOOST_AUTO_TEST_SUITE(api_key_scopes)

BOOST_AUTO_TEST_CASE(every_route_needs_its_scope_and_only_it) {
    auto made = ask("POST", "/v1/customers", "sk_customers", R"({"email":"scoped@example.com"})");
    BOOST_REQUIRE_EQUAL(made.status, 200);
    auto id = id_of(body_of(made));
    for (const char* held : all_scopes)
        for (const auto& r : every_route(id)) {
            BOOST_TEST_CONTEXT(key_for(held) << " " << r.method << " " << r.target) {
                // The body is malformed: a key with the scope gets past the scope check to the
                // body (400, or the route's answer for a GET); a key without it never reaches it.
                auto answer = ask(r.method, r.target, key_for(held));
                if (std::string_view(r.scope) == held) {
                    BOOST_TEST(answer.status != 403);
                } else {
                    BOOST_TEST(answer.status == 403);
                    BOOST_TEST(answer.body == std::string(R"({"success":false,"error":"API key lacks the scope ')") + r.scope +
                                                  R"('","code":"insufficient_scope","requiredScope":")" + r.scope + "\"}");
                }
            }
        }
    // `*`, written or by default, holds every scope; so does the sum of a key's scopes.
    for (const char* key : {"sk_star", "sk_default"})
        for (const auto& r : every_route(id))
            BOOST_TEST_CONTEXT(key << " " << r.method << " " << r.target) { BOOST_TEST(ask(r.method, r.target, key).status != 403); }
    for (const auto& r : every_route(id))
        if (std::string_view(r.scope).starts_with("customers:"))
            BOOST_TEST_CONTEXT(r.method << " " << r.target) { BOOST_TEST(ask(r.method, r.target, "sk_customers").status != 403); }
}

BOOST_AUTO_TEST_CASE(scope_comes_after_authentication_and_routing) {
    BOOST_TEST(ask("GET", "/v1/customers", "").status == 401);
    BOOST_TEST(ask("GET", "/v1/customers", "sk_unknown").status == 401);
    BOOST_TEST(ask("GET", "/v1/nowhere", key_for("billing:read")).status == 404);
    BOOST_TEST(ask("PUT", "/v1/customers", key_for("billing:read")).status == 404);   // a wrong method: the plain 404
    // The public checkout page needs no key, so no scope either.
    BOOST_TEST(owo::test::call(scoped_server().port(), scoped_server().ca_file(), {.target = "/v1/checkout/nope", .key = ""})
                   .status == 404);
    // A scoped key is still one organisation's.
    auto theirs = id_of(create_customer(R"({"email":")" + unique("scope-tenant") + R"(@example.com"})"));
    BOOST_TEST(ask("GET", "/v1/customers/" + theirs, key_for("customers:read")).status == 404);
}

BOOST_AUTO_TEST_CASE(an_unknown_or_empty_scope_stops_the_start) {
    for (const char* bad : {"k:o:customers:admin", "k:o:", "k:o:customers:read,,billing:read", "k:o:CUSTOMERS:READ"}) {
        BOOST_TEST_CONTEXT(bad) {
            local_server_options o;
            o.api_keys = {bad};
            BOOST_CHECK_THROW(local_server{o}, std::runtime_error);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
