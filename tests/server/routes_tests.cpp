// HTTP-level tests of owostack-local: every route, every error status, exact bodies.
#include "server_helpers.hpp"

#include <support/postgres.hpp>

#include "api/api.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>

namespace json = boost::json;
using namespace owo::test;

BOOST_AUTO_TEST_SUITE(routes)

BOOST_AUTO_TEST_CASE(authentication_and_routing) {
    auto missing = get("/v1/plans", "");
    BOOST_TEST(missing.status == 401);
    BOOST_TEST(missing.body == R"({"success":false,"error":"Missing API Key"})");
    auto wrong = get("/v1/plans", "sk_nope");
    BOOST_TEST(wrong.status == 401);
    BOOST_TEST(wrong.body == R"({"success":false,"error":"Invalid API Key"})");
    auto unknown = get("/v1/nowhere");
    BOOST_TEST(unknown.status == 404);
    BOOST_TEST(unknown.body == "404 Not Found");
    BOOST_TEST(unknown.headers["content-type"].starts_with("text/plain"));
    auto method = call({.method = "DELETE", .target = "/v1/customers"});
    BOOST_TEST(method.status == 404);   // the hosted API has no 405
    BOOST_TEST(method.body == "404 Not Found");
    BOOST_TEST(get("/v1/plans").headers["idempotency-support"] == "honoured");
}

BOOST_AUTO_TEST_CASE(a_wrong_method_is_the_plain_404_except_on_the_checkout_page) {
    auto both = call({.method = "DELETE", .target = "/v1/entities"});
    BOOST_TEST(both.status == 404);
    BOOST_TEST(!both.headers.contains("allow"));
    BOOST_TEST(call({.method = "POST", .target = "/v1/plans/team"}).status == 404);
    BOOST_TEST(get("/v1/entities/remove").status == 404);
    BOOST_TEST(get("/v1/entities/other").status == 404);
    // The public checkout page needs no key, and its 405 has never carried an Allow header.
    auto page = call({.method = "POST", .target = "/v1/checkout/x", .key = ""});
    BOOST_TEST(page.status == 405);
    BOOST_TEST(page.body == R"({"success":false,"error":"Method Not Allowed"})");
    BOOST_TEST(!page.headers.contains("allow"));
}

BOOST_AUTO_TEST_CASE(customers_create_resolve_merge_and_ambiguity) {
    auto email = unique("Mixed.Case") + "@Example.com";
    auto created = post("/v1/customers", R"({"email":")" + email + R"(","metadata":{"a":1}})");
    BOOST_TEST(created.status == 200);
    auto c = body_of(created);
    BOOST_TEST(c.at("success").as_bool());
    BOOST_TEST(c.at("email").as_string().size() == email.size());
    BOOST_TEST(c.at("name").as_string() == json::string(c.at("email").as_string().subview().substr(0, email.find('@'))));
    BOOST_TEST(c.at("createdAt").is_int64());
    auto id = std::string(c.at("id").as_string());

    auto again = body_of(post("/v1/customers", R"({"email":")" + email + R"(","name":"N","metadata":{"b":2}})"));
    BOOST_TEST(again.at("id").as_string() == id);
    BOOST_TEST(json::serialize(again.at("metadata")) == R"({"a":1,"b":2})");
    BOOST_TEST(again.at("name").as_string() == "N");
    BOOST_TEST(get("/v1/customers/" + id).status == 200);
    BOOST_TEST(get("/v1/customers/" + email).body == R"({"success":false,"error":"Customer not found"})");

    // Two customers with one email (created under different external ids) make the email ambiguous.
    auto shared = unique("shared") + "@example.com";
    post("/v1/customers", R"({"id":")" + unique("x") + R"(","email":")" + shared + R"("})");
    post("/v1/customers", R"({"id":")" + unique("y") + R"(","email":")" + shared + R"("})");
    auto ambiguous = post("/v1/customers", R"({"email":")" + shared + R"("})");
    BOOST_TEST(ambiguous.status == 409);
    BOOST_TEST(body_of(ambiguous).at("error").as_string() ==
               "Multiple customers in organization 'org_a' match email '" + shared +
                   "'. Use the internal customer ID instead.");
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_and_writes_nothing) {
    auto email = unique("bad") + "@example.com";
    auto nulls = issues_of(post("/v1/customers", R"({"email":")" + email + R"(","name":null})"));
    BOOST_TEST(nulls.at(0).at("path").at(0).as_string() == "name");
    auto unknown = issues_of(post("/v1/customers", R"({"email":")" + email + R"(","plan":"x"})"));
    BOOST_TEST(unknown.at(0).at("code").as_string() == "unrecognized_keys");
    auto bad_email = issues_of(post("/v1/customers", R"({"email":"not-an-email"})"));
    BOOST_TEST(bad_email.at(0).at("format").as_string() == "email");
    auto malformed = issues_of(post("/v1/customers", R"({"email":)"));
    BOOST_TEST(malformed.at(0).at("message").as_string() == "Malformed JSON in request body");
    std::string deep(200, '[');
    auto nested = issues_of(post("/v1/customers", deep));
    BOOST_TEST(nested.at(0).at("message").as_string() == "JSON nested too deeply");
    auto not_object = issues_of(post("/v1/entities", "[1,2]"));
    BOOST_TEST(not_object.at(0).at("code").as_string() == "invalid_type");
    // No JSON content type: read as {} (as hosted), so the required fields are missing.
    auto as_text = call({.method = "POST", .target = "/v1/customers", .body = R"({"email":")" + email + R"("})",
                         .headers = {{"Content-Type", "text/plain"}}});
    BOOST_TEST(issues_of(as_text).at(0).at("message").as_string() == "Invalid input: expected string, received undefined");

    auto huge = post("/v1/customers", R"({"email":")" + email + R"(","name":")" + std::string(2 * 1024 * 1024, 'x') + "\"}");
    BOOST_TEST(huge.status == 413);
    auto big_header = call({.target = "/v1/plans", .headers = {{"X-Filler", std::string(40 * 1024, 'y')}}});
    BOOST_TEST(big_header.status == 431);
    BOOST_TEST(big_header.body == R"({"success":false,"error":"Request Header Fields Too Large"})");

    // None of that created the customer.
    auto listed = get("/v1/entities?customer=" + email);
    BOOST_TEST(listed.status == 404);
    BOOST_TEST(body_of(listed).at("error").as_string() == "Customer not found");
}

BOOST_AUTO_TEST_CASE(entities_routes_and_their_errors) {
    auto email = unique("ent") + "@example.com";
    BOOST_TEST(get("/v1/entities").body == R"({"success":false,"error":"Customer parameter required"})");
    // The customer exists with the free plan, which allows 1 seat.
    post("/v1/customers", R"({"email":")" + email + R"("})");
    auto add = post("/v1/entities", R"({"customer":")" + email + R"(","feature":"seats","entity":"a"})");
    BOOST_TEST(add.body == R"({"success":true,"entityId":"a","featureId":"seats","count":1,"limit":1,"remaining":0})");
    auto over = post("/v1/entities", R"({"customer":")" + email + R"(","feature":"seats","entity":"b"})");
    BOOST_TEST(over.status == 400);
    BOOST_TEST(over.body == R"({"success":false,"error":"Limit exceeded: 1/1 seats used","code":"limit_exceeded",)"
                            R"("current":1,"limit":1,"feature":"seats"})");
    BOOST_TEST(post("/v1/entities", R"({"customer":")" + email + R"(","feature":"seats","entity":"a"})").status == 409);
    BOOST_TEST(post("/v1/entities", R"({"customer":")" + email + R"(","feature":"nope","entity":"a"})").body ==
               R"({"success":false,"error":"Feature not found"})");
    BOOST_TEST(post("/v1/entities", R"({"customer":"00000000-0000-4000-8000-000000000000","feature":"seats","entity":"a"})")
                   .status == 404);
    auto removed = post("/v1/entities/remove", R"({"customer":")" + email + R"(","feature":"seats","entity":"a"})");
    BOOST_TEST(removed.body == R"({"success":true,"entityId":"a","count":1})");
    BOOST_TEST(post("/v1/entities/remove", R"({"customer":")" + email + R"(","feature":"seats","entity":"a"})").body ==
               R"({"success":false,"error":"Entity not found"})");
    auto list = body_of(get("/v1/entities?customer=" + email + "&feature=seats"));
    BOOST_TEST(list.at("total").as_int64() == 1);
    BOOST_TEST(list.at("entities").at(0).at("status").as_string() == "pending_removal");
    BOOST_TEST(list.at("entities").at(0).at("createdAt").as_string().size() == 24u);   // ISO-8601
    BOOST_TEST(get("/v1/entities?customer=" + email + "&feature=nope").status == 404);
    auto restored = body_of(post("/v1/entities", R"({"customer":")" + email + R"(","feature":"seats","entity":"a"})"));
    BOOST_TEST(restored.at("restored").as_bool());
}

BOOST_AUTO_TEST_CASE(idempotency_keys_replay_or_conflict) {
    auto email = unique("idem") + "@example.com";
    std::string body = R"({"customer":")" + email + R"(","feature":"api-calls","value":3,"customerData":{"email":")" + email + R"("}})";
    raw_request r{.method = "POST", .target = "/v1/track", .body = body, .headers = {{"Idempotency-Key", unique("k")}}};
    auto first = call(r);
    auto second = call(r);
    BOOST_TEST(first.status == 200);
    BOOST_TEST(second.body == first.body);
    BOOST_TEST(second.headers["idempotent-replayed"] == "true");
    BOOST_TEST(body_of(second).at("usage").as_int64() == 3);   // counted once
    r.body = R"({"customer":")" + email + R"(","feature":"api-calls","value":4})";
    auto reused = call(r);
    BOOST_TEST(reused.status == 409);
    BOOST_TEST(body_of(reused).at("error").as_string() == "Idempotency key reused with a different request body");
}

BOOST_AUTO_TEST_CASE(plans_attach_checkout_and_switching) {
    auto plans = body_of(get("/v1/plans?group=main"));
    BOOST_TEST(plans.at("plans").as_array().size() == 3u);
    BOOST_TEST(get("/v1/plans/gold").body == R"({"success":false,"error":"Plan not found"})");
    auto team = body_of(get("/v1/plans/team")).at("plan").as_object();
    BOOST_TEST(team.at("type").as_string() == "paid");
    BOOST_TEST(team.at("price").as_int64() == 4900);

    auto email = unique("attach") + "@example.com";
    auto id = std::string(body_of(post("/v1/customers", R"({"email":")" + email + R"("})")).at("id").as_string());
    auto up = body_of(post("/v1/attach", R"({"customer":")" + id + R"(","product":"team"})"));
    BOOST_TEST(up.at("type").as_string() == "new");   // from the auto-enabled free plan, which is cancelled
    BOOST_TEST(up.at("requiresCheckout").as_bool());
    std::string url(up.at("checkoutUrl").as_string());
    auto path = url.substr(url.find("/v1/"));
    auto page = call({.target = path, .key = ""});
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.body.find("Payment complete") != std::string::npos);
    auto check = body_of(post("/v1/check", R"({"customer":")" + id + R"(","feature":"seats","value":5})"));
    BOOST_TEST(check.at("allowed").as_bool());
    BOOST_TEST(check.at("limit").as_int64() == 5);
    auto down = body_of(post("/v1/attach", R"({"customer":")" + id + R"(","product":"free"})"));
    BOOST_TEST(down.at("type").as_string() == "downgrade");   // scheduled for the period's end
    BOOST_TEST(down.at("requiresCheckout").as_bool() == false);
    BOOST_TEST(call({.target = "/v1/checkout/unknown-token", .key = ""}).status == 404);
}

BOOST_AUTO_TEST_CASE(check_and_track_codes) {
    auto sso = body_of(post("/v1/check", R"({"customer":"00000000-0000-4000-8000-000000000000","feature":"sso"})"));
    BOOST_TEST(sso.at("allowed").as_bool() == false);
    BOOST_TEST(sso.at("code").as_string() == "customer_not_found");
    auto tracked = post("/v1/track", R"({"customer":"00000000-0000-4000-8000-000000000000","feature":"api-calls"})");
    BOOST_TEST(tracked.status == 404);
    BOOST_TEST(body_of(tracked).at("code").as_string() == "customer_not_found");

    auto email = unique("usage") + "@example.com";
    post("/v1/customers", R"({"email":")" + email + R"("})");
    BOOST_TEST(body_of(post("/v1/check", R"({"customer":")" + email + R"(","feature":"sso"})")).at("code").as_string() ==
               "feature_not_in_plan");
    BOOST_TEST(body_of(post("/v1/check", R"({"customer":")" + email + R"(","feature":"nope"})")).at("code").as_string() ==
               "feature_not_found");
    auto t = body_of(post("/v1/track", R"({"customer":")" + email + R"(","feature":"api-calls","value":999})"));
    BOOST_TEST(t.at("balance").as_int64() == 1);
    BOOST_TEST(t.at("resetInterval").as_string() == "monthly");
    BOOST_TEST(t.at("resetsAt").as_string().ends_with("T23:59:59.999Z"));
    auto denied = body_of(post("/v1/track", R"({"customer":")" + email + R"(","feature":"api-calls","value":2})"));
    BOOST_TEST(denied.at("allowed").as_bool() == false);
    BOOST_TEST(denied.at("code").as_string() == "limit_exceeded");
    BOOST_TEST(denied.at("usage").as_int64() == 999);   // a denied track records nothing
}

BOOST_AUTO_TEST_CASE(sync_creates_updates_and_is_idempotent) {
    std::string feature = unique("feat");
    auto payload = [&](const char* name) {
        return R"({"features":[{"slug":")" + feature + R"(","type":"boolean","name":")" + name + R"("}],"plans":[]})";
    };
    auto created = body_of(post("/v1/sync", payload("One")));
    BOOST_TEST(created.at("features").at("created").at(0).as_string() == feature);
    auto same = body_of(post("/v1/sync", payload("One")));
    BOOST_TEST(same.at("features").at("unchanged").at(0).as_string() == feature);
    auto changed = body_of(post("/v1/sync", payload("Two")));
    BOOST_TEST(changed.at("features").at("updated").at(0).as_string() == feature);
    BOOST_TEST(post("/v1/sync", R"({"features":[{"slug":"x"}]})").status == 400);
    // Organisation b never sees organisation a's catalog changes.
    auto other = body_of(post("/v1/sync", payload("Two"), "sk_test_b"));
    BOOST_TEST(other.at("features").at("created").at(0).as_string() == feature);
}

BOOST_AUTO_TEST_CASE(tenants_see_nothing_of_each_other) {
    auto email = unique("tenant") + "@example.com";
    auto id = std::string(body_of(post("/v1/customers", R"({"email":")" + email + R"("})")).at("id").as_string());
    BOOST_TEST(get("/v1/customers/" + id, "sk_test_b").status == 404);
    BOOST_TEST(get("/v1/entities?customer=" + id, "sk_test_b").status == 404);
    BOOST_TEST(post("/v1/entities/remove", R"({"customer":")" + id + R"(","feature":"seats","entity":"a"})", "sk_test_b")
                   .status == 404);
    // By email, b gets its own, different customer.
    auto theirs = body_of(post("/v1/customers", R"({"email":")" + email + R"("})", "sk_test_b"));
    BOOST_TEST(theirs.at("id").as_string() != id);
}

BOOST_AUTO_TEST_CASE(restart_keeps_data_and_shutdown_is_clean) {
    namespace fs = std::filesystem;
    auto dir = fs::temp_directory_path() / unique("owostack-restart");
    fs::create_directories(dir);
    local_server_options o;
    o.db = (dir / "data.db").string();
    // Under postgres_test.sh: the same database URL for both lives.
    if (auto cluster = test_postgres_url()) o.store = fresh_postgres_database(*cluster);
    std::string id;
    {
        local_server first(o);
        auto r = owo::test::call(first.port(), first.ca_file(),
                                 {.method = "POST", .target = "/v1/entities",
                                  .body = R"({"customer":"persist@example.com","feature":"seats","entity":"kept"})"});
        BOOST_TEST(r.status == 200);
        BOOST_TEST(first.stop() == 0);   // SIGTERM: clean exit
    }
    if (o.store.empty()) BOOST_TEST(fs::exists(dir / "owostack-local-tls" / "ca.pem"));   // kept next to the database
    local_server second(o);
    auto l = owo::test::call(second.port(), second.ca_file(),
                             {.target = "/v1/entities?customer=persist%40example.com"});
    BOOST_TEST(l.status == 200);
    BOOST_TEST(l.body.find(R"("id":"kept")") != std::string::npos);
    second.stop();
    fs::remove_all(dir);
}

// Any character a JSON string can hold comes back as it went in, on either store (PostgreSQL's
// text cannot hold U+0000 itself: the postgres store escapes it).
BOOST_AUTO_TEST_CASE(names_keep_every_character_on_every_store) {
    const std::string odd("a\0b\1c", 5);
    auto c = create_customer(R"({"email":")" + unique("nul") + R"(@example.com","name":"a\u0000b\u0001c"})");
    BOOST_TEST(std::string(c.at("name").as_string()) == odd);
    auto again = body_of(get("/v1/customers/" + id_of(c)));
    BOOST_TEST(std::string(again.at("name").as_string()) == odd);
}

// The hosted service reads repeated headers joined with ", " (Headers.get), so two
// Authorization headers make the key "<first key>," and no key at all: 401, whatever the first.
BOOST_AUTO_TEST_CASE(repeated_authorization_headers_do_not_authenticate) {
    owo::local::api app(owo::local::api_options{.api_keys = {{"sk_one", "org_one"}}});
    auto with_keys = [&](std::initializer_list<const char*> values) {
        owo::local::http_request req{boost::beast::http::verb::get, "/v1/plans", 11};
        for (const char* v : values) req.insert(boost::beast::http::field::authorization, v);
        return app.handle(req);
    };
    BOOST_TEST(with_keys({"Bearer sk_one"}).result_int() == 200u);
    auto twice = with_keys({"Bearer sk_one", "Bearer sk_one"});
    BOOST_TEST(twice.result_int() == 401u);
    BOOST_TEST(twice.body() == R"({"success":false,"error":"Invalid API Key"})");
    BOOST_TEST(with_keys({"Bearer sk_one", "Bearer nope"}).body() == R"({"success":false,"error":"Invalid API Key"})");
}

BOOST_AUTO_TEST_SUITE_END()
