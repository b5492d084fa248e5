// The customer lifecycle (issue #17) on the SDK side, without a network: the JSON of every new
// body (docs/protocol.md, customers [extension]), the request each operation sends, the rules
// judged before sending, not_supported against the hosted API, the new diagnostics, and the
// auto-pager driven through a whole client over the scripted fake.
#include "client_impl.hpp"
#include "fake_io.hpp"
#include "json_mapping.hpp"
#include "operation.hpp"
#include "operation_test_support.hpp"
#include "request.hpp"
#include "response.hpp"

#include <owostack/customer.hpp>
#include <owostack/pager.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <set>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace owo::detail;
using namespace owo::test;
using namespace std::chrono;
using namespace std::chrono_literals;
using owo::error;

namespace {

std::string customer_json(std::string_view id, std::string_view email, int version = 1) {
    return R"({"id":")" + std::string(id) + R"(","email":")" + std::string(email) +
           R"(","name":"n","metadata":null,"createdAt":1795346181901,"updatedAt":1795346181901,"externalId":null,"externalOrganizationId":null,"version":)" +
           std::to_string(version) + R"(,"deletedAt":null})";
}

std::string page_json(std::initializer_list<std::string_view> ids, std::optional<std::string> next) {
    std::string s = R"({"success":true,"customers":[)";
    bool first = true;
    for (auto id : ids) {
        if (!first) s += ',';
        first = false;
        s += customer_json(id, std::string(id) + "@x.io");
    }
    s += R"(],"hasMore":)";
    s += next ? "true" : "false";
    s += R"(,"nextCursor":)";
    s += next ? "\"" + *next + "\"" : "null";
    return s + "}";
}

std::string ids_of(const std::vector<owo::customer_record>& page) {
    std::string s;
    for (auto& c : page) s += (s.empty() ? "" : ",") + c.id;
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(customer_lifecycle)

// ---- JSON ------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(customer_record_reads_the_extension_fields) {
    auto c = json::value_to<owo::customer_record>(json::parse(
        R"({"success":true,"id":"cus_1","email":"jane@acme.com","name":"Jane","metadata":{"a":1},"createdAt":1795346181901,
            "updatedAt":1795346181904,"externalId":"org_1","externalOrganizationId":"acme","version":3,"deletedAt":1795346182000})"));
    BOOST_CHECK(c.external_id == std::optional<std::string>("org_1"));
    BOOST_CHECK(c.external_organization_id == std::optional<std::string>("acme"));
    BOOST_TEST(c.version == 3);
    BOOST_TEST_REQUIRE(c.deleted_at.has_value());
    BOOST_TEST(duration_cast<milliseconds>(c.deleted_at->time_since_epoch()).count() == 1795346182000);
    // The hosted API's customer (no extension fields), and nulls.
    auto h = json::value_to<owo::customer_record>(json::parse(
        R"({"id":"c","email":"e@x.io","name":"","metadata":null,"createdAt":1,"updatedAt":2,"externalId":null,"deletedAt":null})"));
    BOOST_TEST(!h.external_id.has_value());
    BOOST_TEST(!h.external_organization_id.has_value());
    BOOST_TEST(h.version == 0);
    BOOST_TEST(!h.deleted_at.has_value());
}

BOOST_AUTO_TEST_CASE(customer_params_carry_the_external_organization_id) {
    owo::customer_params p{.id = "org_1", .email = "jane@acme.com", .external_organization_id = "acme"};
    BOOST_TEST(json::serialize(json::value_from(p)) ==
               R"({"id":"org_1","email":"jane@acme.com","externalOrganizationId":"acme"})");
}

BOOST_AUTO_TEST_CASE(update_body_sends_only_what_changes) {
    owo::update_customer_params p{.customer = "cus_1"};
    BOOST_TEST(json::serialize(json::value_from(p)) == "{}");
    p.name = "Jane";
    p.email = "jane@acme.com";
    p.metadata = json::object{{"plan", "gold"}, {"old", nullptr}};
    p.external_organization_id = "acme";
    p.expected_version = 4;
    p.idempotency_key = "k";   // a header, never in the body
    BOOST_TEST(json::serialize(json::value_from(p)) ==
               R"({"name":"Jane","email":"jane@acme.com","metadata":{"plan":"gold","old":null},"metadataMode":"merge","externalOrganizationId":"acme","expectedVersion":4})");
    owo::update_customer_params r{.customer = "cus_1", .metadata = json::object{{"a", 1}},
                                  .metadata_mode = owo::metadata_mode::replace, .clear_external_organization_id = true};
    BOOST_TEST(json::serialize(json::value_from(r)) ==
               R"({"metadata":{"a":1},"metadataMode":"replace","externalOrganizationId":null})");
}

BOOST_AUTO_TEST_CASE(bind_body_and_answers) {
    BOOST_TEST(json::serialize(json::value_from(owo::bind_customer_params{.customer = "cus_1", .external_id = "org_9"})) ==
               R"({"externalId":"org_9"})");
    auto d = json::value_to<owo::delete_customer_result>(json::parse(R"({"success":true,"id":"cus_1","deleted":true,"purged":false})"));
    BOOST_TEST(d.id == "cus_1");
    BOOST_TEST(d.deleted);
    BOOST_TEST(!d.purged);
    auto l = json::value_to<owo::list_customers_result>(json::parse(page_json({"a", "b"}, "Y3Vyc29y")));
    BOOST_TEST(ids_of(l.customers) == "a,b");
    BOOST_TEST(l.has_more);
    BOOST_CHECK(l.next_cursor == std::optional<std::string>("Y3Vyc29y"));
    auto last = json::value_to<owo::list_customers_result>(json::parse(page_json({}, std::nullopt)));
    BOOST_TEST(last.customers.empty());
    BOOST_TEST(!last.has_more);
    BOOST_TEST(!last.next_cursor.has_value());
    BOOST_CHECK_THROW(json::value_to<owo::list_customers_result>(json::parse(R"({"success":true,"hasMore":false})")), decode_error);
}

// ---- requests --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(find_customer_by_id_or_lookup) {
    auto by_id = request_of<op::find_customer>({.id = "cus 1/x"});
    BOOST_TEST((by_id.method == boost::beast::http::verb::get));
    BOOST_TEST(by_id.target == "/v1/customers/cus%201%2Fx");
    BOOST_TEST(by_id.body.empty());
    BOOST_TEST(request_of<op::find_customer>({.external_id = "org+1"}).target == "/v1/customers/lookup?externalId=org%2B1");
    BOOST_TEST(request_of<op::find_customer>({.email = "a@b.io", .include_deleted = true}).target ==
               "/v1/customers/lookup?email=a%40b.io&includeDeleted=true");
    BOOST_TEST(request_of<op::find_customer>({.id = "c", .include_deleted = true}).target ==
               "/v1/customers/c?includeDeleted=true");
}

BOOST_AUTO_TEST_CASE(list_targets_carry_every_filter) {
    BOOST_TEST(request_of<op::list_customers>({}).target == "/v1/customers");
    owo::list_customers_params p{.limit = 100, .cursor = "abc_-", .email = "a@b.io", .external_organization_id = "acme",
                                 .created_after = owo::time_point(milliseconds(1000)),
                                 .created_before = owo::time_point(milliseconds(2000)), .include_deleted = true};
    BOOST_TEST(request_of<op::list_customers>(p).target ==
               "/v1/customers?limit=100&cursor=abc_-&email=a%40b.io&externalOrganizationId=acme&createdAfter=1000&createdBefore=2000&includeDeleted=true");
    BOOST_TEST(request_of<op::list_unresolved_customers>({.limit = 5, .offset = 10}).target ==
               "/v1/customers/unresolved?limit=5&offset=10");
}

BOOST_AUTO_TEST_CASE(update_delete_bind_methods_targets_and_keys) {
    auto u = request_of<op::update_customer>({.customer = "cus_1", .name = "J", .idempotency_key = "key-u"});
    BOOST_TEST((u.method == boost::beast::http::verb::patch));
    BOOST_TEST(u.target == "/v1/customers/cus_1");
    BOOST_TEST(u.body == R"({"name":"J"})");
    BOOST_TEST(u.idempotency_key == "key-u");
    auto d = request_of<op::delete_customer>({.customer = "cus_1", .purge = true});
    BOOST_TEST((d.method == boost::beast::http::verb::delete_));
    BOOST_TEST(d.target == "/v1/customers/cus_1?purge=true");
    BOOST_TEST(d.body.empty());
    BOOST_TEST(d.idempotency_key.size() == 36u);   // generated
    BOOST_TEST(request_of<op::delete_customer>({.customer = "cus_1"}).target == "/v1/customers/cus_1");
    auto b = request_of<op::bind_customer>({.customer = "cus_1", .external_id = "org_1"});
    BOOST_TEST((b.method == boost::beast::http::verb::post));
    BOOST_TEST(b.target == "/v1/customers/cus_1/bind");
    BOOST_TEST(b.body == R"({"externalId":"org_1"})");
}

BOOST_AUTO_TEST_CASE(patch_and_delete_bytes) {
    std::string fixed = make_fixed_headers(local, "sk_test_1", "owostack-cpp/0.1");
    std::string out;
    write_request(out, request_of<op::update_customer>({.customer = "c1", .name = "J", .idempotency_key = "k1"}), fixed);
    BOOST_TEST(out == "PATCH /v1/customers/c1 HTTP/1.1\r\n"
                      "Host: 127.0.0.1:8443\r\nAuthorization: Bearer sk_test_1\r\nUser-Agent: owostack-cpp/0.1\r\n"
                      "Accept: application/json\r\n"
                      "Content-Type: application/json\r\nIdempotency-Key: k1\r\nContent-Length: 12\r\n\r\n"
                      R"({"name":"J"})");
    write_request(out, request_of<op::delete_customer>({.customer = "c1", .idempotency_key = "k2"}), fixed);
    BOOST_TEST(out == "DELETE /v1/customers/c1 HTTP/1.1\r\n"
                      "Host: 127.0.0.1:8443\r\nAuthorization: Bearer sk_test_1\r\nUser-Agent: owostack-cpp/0.1\r\n"
                      "Accept: application/json\r\n"
                      "Idempotency-Key: k2\r\n\r\n");
}

// ---- rules judged before sending ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(find_needs_exactly_one_key) {
    BOOST_TEST(invalid<op::find_customer>({}) == "find_customer needs exactly one of id, external_id and email");
    BOOST_TEST(!invalid<op::find_customer>({.id = "c", .email = "a@b.io"}).empty());
    BOOST_TEST(!invalid<op::find_customer>({.id = "c", .external_id = "x", .email = "a@b.io"}).empty());
    BOOST_TEST(invalid<op::find_customer>({.external_id = "x"}).empty());
    BOOST_TEST(invalid<op::find_customer>({.id = ""}) == "id must not be empty");
    BOOST_TEST(invalid<op::find_customer>({.external_id = "a\r\nb"}).starts_with("external_id must not contain control"));
    BOOST_TEST(invalid<op::find_customer>({.email = "nope"}) == "email is not a valid email address");
}

BOOST_AUTO_TEST_CASE(list_limits_cursor_and_offset) {
    BOOST_TEST(invalid<op::list_customers>({.limit = 0}) == "limit must be between 1 and 100");
    BOOST_TEST(invalid<op::list_customers>({.limit = 101}) == "limit must be between 1 and 100");
    BOOST_TEST(invalid<op::list_unresolved_customers>({.limit = -3}) == "limit must be between 1 and 100");
    BOOST_TEST(invalid<op::list_customers>({.limit = 1}).empty());
    BOOST_TEST(invalid<op::list_customers>({.limit = 100}).empty());
    BOOST_TEST(invalid<op::list_customers>({.offset = -1}) == "offset must not be negative");
    BOOST_TEST(!invalid<op::list_customers>({.cursor = "c", .offset = 0}).empty());
    BOOST_TEST(invalid<op::list_customers>({.cursor = ""}) == "cursor must not be empty");
}

BOOST_AUTO_TEST_CASE(update_rules_and_metadata_limits) {
    BOOST_TEST(invalid<op::update_customer>({.customer = ""}) == "customer must not be empty");
    BOOST_TEST(invalid<op::update_customer>({.customer = "c", .email = "x"}) == "email is not a valid email address");
    BOOST_TEST(invalid<op::update_customer>({.customer = "c", .expected_version = 0}) == "expected_version must be at least 1");
    BOOST_TEST(!invalid<op::update_customer>({.customer = "c", .external_organization_id = "a", .clear_external_organization_id = true}).empty());
    BOOST_TEST(!invalid<op::update_customer>({.customer = "c", .idempotency_key = "has space"}).empty());

    json::object fifty, fifty_one;
    for (int i = 0; i < 51; ++i) (i < 50 ? fifty : fifty_one)["k" + std::to_string(i)] = i;
    fifty_one = fifty;
    fifty_one["one_more"] = 1;
    BOOST_TEST(invalid<op::update_customer>({.customer = "c", .metadata = fifty}).empty());
    BOOST_TEST(invalid<op::update_customer>({.customer = "c", .metadata = fifty_one}) == "metadata has more than 50 keys");
    auto with_delete = fifty_one;   // a merge's null deletes a key: 50 remain at most
    with_delete["one_more"] = nullptr;
    BOOST_TEST(invalid<op::update_customer>({.customer = "c", .metadata = with_delete}).empty());

    std::string k40(40, 'k'), k41(41, 'k');
    BOOST_TEST(invalid<op::update_customer>({.customer = "c", .metadata = json::object{{k40, 1}}}).empty());
    BOOST_TEST(invalid<op::update_customer>({.customer = "c", .metadata = json::object{{k41, 1}}}).find("longer than 40 bytes") != std::string::npos);
    std::string e21;   // 21 characters, 42 bytes: owostack-local counts bytes
    for (int i = 0; i < 21; ++i) e21 += "\xc3\xa9";
    BOOST_TEST(!invalid<op::update_customer>({.customer = "c", .metadata = json::object{{e21, 1}}}).empty());

    // 16 KiB serialised: {"v":"<n x>"} is n + 8 bytes.
    BOOST_TEST(invalid<op::update_customer>({.customer = "c", .metadata = json::object{{"v", std::string(16384 - 8, 'x')}}}).empty());
    BOOST_TEST(invalid<op::update_customer>({.customer = "c", .metadata = json::object{{"v", std::string(16384 - 7, 'x')}}}) ==
               "metadata is larger than 16 KiB serialised");
}

BOOST_AUTO_TEST_CASE(delete_and_bind_ids) {
    BOOST_TEST(invalid<op::delete_customer>({.customer = std::string(256, 'c')}) == "customer is longer than 255 bytes");
    BOOST_TEST(invalid<op::delete_customer>({.customer = "c"}).empty());
    BOOST_TEST(invalid<op::bind_customer>({.customer = "c"}) == "external_id must not be empty");
    BOOST_TEST(invalid<op::bind_customer>({.customer = "c", .external_id = "x\ny"}).starts_with("external_id must not contain"));
    BOOST_TEST(invalid<op::customer>({.email = "a@b.io", .external_organization_id = ""}) == "external_organization_id must not be empty");
}

// ---- not_supported ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(extensions_against_the_hosted_api) {
    BOOST_TEST(hosted.hosted);
    BOOST_TEST(base_of("https://SANDBOX.owostack.com/v1").hosted);
    BOOST_TEST(!local.hosted);
    BOOST_TEST(!base_of("https://api.owostack.com.evil.test/v1").hosted);
    BOOST_TEST(operation<op::list_customers>::unsupported_reason(hosted, {}) ==
               "list_customers is an owostack-local extension; the hosted Owostack API has no route for it");
    BOOST_TEST(operation<op::list_customers>::unsupported_reason(local, {}).empty());
    BOOST_TEST(operation<op::find_customer>::unsupported_reason(hosted, {.id = "c"}).empty());   // the hosted API has it
    BOOST_TEST(!operation<op::find_customer>::unsupported_reason(hosted, {.email = "a@b.io"}).empty());
    BOOST_TEST(!operation<op::bind_customer>::unsupported_reason(hosted, {.customer = "c", .external_id = "x"}).empty());
    BOOST_TEST(operation<op::get_customer>::unsupported_reason(hosted, "c").empty());
}

BOOST_AUTO_TEST_CASE(hosted_client_refuses_before_connecting) {
    asio::io_context ioc;
    owo::config cfg;
    cfg.secret_key = "sk_test";
    cfg.api_url = "https://api.owostack.com/v1";
    owo::client c(ioc.get_executor(), cfg);
    std::vector<boost::system::error_code> codes;
    owo::diagnostics diag;
    c.async_list_customers({}, diag, [&](boost::system::error_code ec, owo::list_customers_result) { codes.push_back(ec); });
    c.async_update_customer({.customer = "c", .name = "x"}, [&](boost::system::error_code ec, owo::customer) { codes.push_back(ec); });
    c.async_delete_customer({.customer = "c"}, [&](boost::system::error_code ec, owo::delete_customer_result) { codes.push_back(ec); });
    owo::customer handle(c, owo::customer_record{.id = "c"});
    handle.async_bind({.external_id = "x"}, [&](boost::system::error_code ec, owo::customer) { codes.push_back(ec); });
    c.async_find_customer({.email = "a@b.io"}, [&](boost::system::error_code ec, owo::customer) { codes.push_back(ec); });
    std::string thrown;
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
        owo::list_customers_params ten{.limit = 10};
        owo::customer_pager pages(c, ten);
        try {
            (void)co_await pages.next();
        } catch (const owo::api_error& e) {
            thrown = e.diag().message;
            codes.push_back(e.code());
        }
    }, asio::detached);
    ioc.run();
    BOOST_TEST_REQUIRE(codes.size() == 6u);
    for (auto& ec : codes) BOOST_TEST((ec == error::not_supported), ec.message());
    BOOST_TEST(diag.code == "not_supported");
    BOOST_TEST(diag.message == "list_customers is an owostack-local extension; the hosted Owostack API has no route for it");
    BOOST_TEST(thrown == diag.message);
    BOOST_TEST(c.stats().connections_opened == 0u);
}

BOOST_AUTO_TEST_CASE(plain_text_404_on_an_extension_route_is_not_supported) {
    auto as_call = [](int status, std::string_view body) {
        auto i = interpret_response(status, body);
        call_result r;
        r.ec = i.ec;
        r.diag = std::move(i.diag);
        return r;
    };
    fake_client f;   // finish() only uses the client for owo::customer results
    const owo::client& none = f.client;
    auto r = as_call(404, "404 page not found");
    auto out = operation<op::list_customers>::finish({}, r, none);
    BOOST_TEST((out.ec == error::not_supported));
    BOOST_TEST(out.diag.message.starts_with("list_customers is an owostack-local extension"));
    // The API's JSON 404 stays what it says; a plain-text 404 on a hosted route stays not_found.
    auto json404 = as_call(404, R"({"success":false,"error":"Customer not found"})");
    BOOST_TEST((operation<op::delete_customer>::finish({.customer = "c"}, json404, none).ec == error::customer_not_found));
    auto plain = as_call(404, "Not Found");
    BOOST_TEST((operation<op::get_customer>::finish("c", plain, none).ec == error::not_found));
}

// ---- diagnostics -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(required_scope_and_current_version) {
    auto f = interpret_response(403, R"({"success":false,"error":"API key lacks the scope 'customers:write'","code":"insufficient_scope","requiredScope":"customers:write"})");
    BOOST_TEST((f.ec == error::forbidden));
    BOOST_TEST(f.diag.code == "insufficient_scope");
    BOOST_CHECK(f.diag.required_scope == std::optional<std::string>("customers:write"));
    auto v = interpret_response(409, R"({"success":false,"error":"Customer version conflict","code":"version_conflict","currentVersion":7})");
    BOOST_TEST((v.ec == error::conflict));
    BOOST_CHECK(v.diag.current_version == std::optional<std::int64_t>(7));
    for (auto body : {R"({"success":false,"error":"Email already in use by another customer","code":"email_conflict"})",
                      R"({"success":false,"error":"Customer is already bound to another external id","code":"already_bound"})",
                      R"({"success":false,"error":"External id is already bound to another customer","code":"external_id_taken"})"}) {
        auto c = interpret_response(409, body);
        BOOST_TEST((c.ec == error::conflict));
        BOOST_TEST(!c.diag.current_version.has_value());
    }
    BOOST_TEST(std::string(owo::make_error_code(error::not_supported).message()).find("not supported") == 0u);
}

// ---- a whole client over the fake: the handle's methods and the pager ------------------------

BOOST_AUTO_TEST_CASE(customer_handle_update_remove_bind) {
    fake_client f;
    f.env.script({reply(200, R"({"success":true,)" + customer_json("cus_1", "j@x.io", 2).substr(1)),
                  reply(200, R"({"success":true,"id":"cus_1","deleted":true,"purged":true})"),
                  reply(200, customer_json("cus_1", "j@x.io", 3))});
    f.run([&]() -> asio::awaitable<void> {
        owo::customer h(f.client, owo::customer_record{.id = "cus_1"});
        // Params built outside the co_await: g++ 12 cannot keep brace-initialised temporaries in a coroutine frame.
        owo::update_customer_params change{.name = "n", .expected_version = 1};
        owo::customer updated = co_await h.update(change);
        BOOST_TEST(updated.version() == 2);
        owo::delete_customer_params purge{.purge = true};
        auto removed = co_await h.remove(purge);
        BOOST_TEST(removed.purged);
        owo::bind_customer_params bind{.external_id = "org_1"};
        owo::customer bound = co_await h.bind(bind);
        BOOST_TEST(bound.id() == "cus_1");
    });
    auto sent = f.env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 3u);
    BOOST_TEST(request_line_start(sent[0]) == "PATCH /v1/customers/cus_1");
    BOOST_TEST(request_line_start(sent[1]) == "DELETE /v1/customers/cus_1?purge=true");
    BOOST_TEST(request_line_start(sent[2]) == "POST /v1/customers/cus_1/bind");
    for (auto& s : sent) BOOST_TEST(header_value(s, "Idempotency-Key").size() == 36u);
    BOOST_TEST(header_value(sent[1], "Content-Length").empty());
}

BOOST_AUTO_TEST_CASE(pager_follows_the_cursor_until_the_last_page) {
    fake_client f;
    f.env.script({reply(200, page_json({"a", "b"}, "c1")), reply(200, page_json({"c", "d"}, "c2")),
                  reply(200, page_json({"e"}, std::nullopt))});
    std::vector<std::string> pages;
    f.run([&]() -> asio::awaitable<void> {
        owo::list_customers_params first{.limit = 2, .offset = 0, .email = "x@y.io"};
        owo::customer_pager p(f.client, first);
        while (true) {
            auto page = co_await p.next();
            if (page.empty()) break;
            pages.push_back(ids_of(page));
        }
        BOOST_TEST(p.done());
        BOOST_TEST((co_await p.next()).empty());   // no further request
    });
    BOOST_TEST(pages == (std::vector<std::string>{"a,b", "c,d", "e"}), boost::test_tools::per_element());
    auto sent = f.env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 3u);
    BOOST_TEST(request_line_start(sent[0]) == "GET /v1/customers?limit=2&offset=0&email=x%40y.io");
    BOOST_TEST(request_line_start(sent[1]) == "GET /v1/customers?limit=2&cursor=c1&email=x%40y.io");   // offset: first page only
    BOOST_TEST(request_line_start(sent[2]) == "GET /v1/customers?limit=2&cursor=c2&email=x%40y.io");
}

BOOST_AUTO_TEST_CASE(pager_async_next_and_a_failed_page_asked_again) {
    fake_client f;
    f.env.script({reply(200, page_json({"a"}, "c1")),
                  reply(400, R"({"success":false,"error":"Invalid cursor","code":"validation_error"})"),
                  reply(200, page_json({"b"}, std::nullopt))});
    owo::customer_pager p(f.client, {.limit = 1});
    std::vector<std::string> seen;
    std::vector<boost::system::error_code> codes;
    owo::diagnostics diag;
    std::string failure_message;
    std::function<void()> step = [&] {
        p.async_next(diag, [&](boost::system::error_code ec, std::vector<owo::customer_record> page) {
            codes.push_back(ec);
            if (ec) failure_message = diag.message;   // cleared by the next call
            if (!ec && page.empty()) return;
            if (!ec) seen.push_back(ids_of(page));
            step();
        });
    };
    step();
    run_ready(f.ioc);
    BOOST_TEST(seen == (std::vector<std::string>{"a", "b"}), boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(codes.size() == 4u);
    BOOST_TEST((codes[1] == error::invalid_request));
    BOOST_TEST(!codes[3]);   // the end
    BOOST_TEST(failure_message == "Invalid cursor");
    auto sent = f.env.requests();
    BOOST_TEST_REQUIRE(sent.size() == 3u);
    BOOST_TEST(request_line_start(sent[1]) == request_line_start(sent[2]));   // the same page again
    BOOST_TEST(f.env.unscripted() == 0u);
}

BOOST_AUTO_TEST_CASE(pager_stops_on_an_empty_page_that_claims_more) {
    fake_client f;
    f.env.script({reply(200, page_json({}, "c1"))});
    f.run([&]() -> asio::awaitable<void> {
        owo::customer_pager p(f.client);
        BOOST_TEST((co_await p.next()).empty());
        BOOST_TEST(p.done());
    });
    BOOST_TEST(f.env.requests().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
