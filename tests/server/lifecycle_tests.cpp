// HTTP-level tests of the customer lifecycle [extension] (protocol.md §4.14, issue #17): the
// customer object's new fields, lookup, lists and their paging, update, delete and purge, bind,
// and tenancy on every one of those routes.
#include "server_helpers.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

namespace json = boost::json;
using namespace owo::test;

namespace {

/// `n` customers of one new external organisation, in creation order.
std::vector<json::object> customers_of_new_org(int n, std::string& org) {
    org = unique("org");
    std::vector<json::object> out;
    for (int i = 0; i < n; ++i)
        out.push_back(create_customer(R"({"email":")" + unique("page") + R"(@example.com","externalOrganizationId":")" + org + "\"}"));
    return out;
}

std::vector<std::string> ids_of(const json::array& customers) {
    std::vector<std::string> ids;
    for (const auto& c : customers) ids.emplace_back(c.at("id").as_string());
    return ids;
}

/// Every id in `org`'s list, page by page through nextCursor.
std::vector<std::string> walk(const std::string& route, const std::string& query, int limit) {
    std::vector<std::string> ids;
    std::string cursor;
    for (int pages = 0; pages < 1000; ++pages) {
        auto page = body_of(get(route + "?limit=" + std::to_string(limit) + query + (cursor.empty() ? "" : "&cursor=" + cursor)));
        auto got = ids_of(page.at("customers").as_array());
        BOOST_TEST(got.size() <= static_cast<std::size_t>(limit));
        ids.insert(ids.end(), got.begin(), got.end());
        if (!page.at("hasMore").as_bool()) {
            BOOST_TEST(page.at("nextCursor").is_null());
            return ids;
        }
        cursor = std::string(page.at("nextCursor").as_string());
    }
    BOOST_FAIL("the list never ended");
    return ids;
}

} // namespace

BOOST_AUTO_TEST_SUITE(customer_lifecycle)

BOOST_AUTO_TEST_CASE(customer_object_carries_the_lifecycle_fields) {
    auto email = unique("fields") + "@example.com";
    auto created = create_customer(R"({"email":")" + email + R"(","externalOrganizationId":"acme-1"})");
    BOOST_TEST(created.at("externalId").is_null());
    BOOST_TEST(created.at("externalOrganizationId").as_string() == "acme-1");
    BOOST_TEST(created.at("version").as_int64() == 1);
    BOOST_TEST(created.at("deletedAt").is_null());
    // The hosted fields come first, in their order; the extension's after them.
    std::vector<std::string> keys;
    for (const auto& kv : created) keys.emplace_back(kv.key());
    BOOST_TEST((keys == std::vector<std::string>{"success", "id", "email", "name", "metadata", "createdAt", "updatedAt",
                                                  "externalId", "externalOrganizationId", "version", "deletedAt"}));

    // Resolving replaces the external organisation when given, and counts as a change.
    auto resolved = body_of(post("/v1/customers", R"({"email":")" + email + R"(","externalOrganizationId":"acme-2"})"));
    BOOST_TEST(resolved.at("id") == created.at("id"));
    BOOST_TEST(resolved.at("externalOrganizationId").as_string() == "acme-2");
    BOOST_TEST(resolved.at("version").as_int64() == 2);
    auto untouched = body_of(post("/v1/customers", R"({"email":")" + email + R"("})"));
    BOOST_TEST(untouched.at("externalOrganizationId").as_string() == "acme-2");
    BOOST_TEST(untouched.at("version").as_int64() == 2);
    // The round trip through every route that answers a customer.
    auto id = id_of(created);
    BOOST_TEST(body_of(get("/v1/customers/" + id)).at("externalOrganizationId").as_string() == "acme-2");
    BOOST_TEST(body_of(get("/v1/customers/lookup?email=" + email)).at("externalOrganizationId").as_string() == "acme-2");
    auto listed = body_of(get("/v1/customers?externalOrganizationId=acme-2&email=" + email));
    BOOST_TEST(listed.at("customers").at(0).at("externalOrganizationId").as_string() == "acme-2");
    BOOST_TEST(!listed.at("customers").at(0).as_object().contains("success"));

    auto with_id = create_customer(R"({"id":")" + unique("ext") + R"(","email":")" + unique("f") + R"(@example.com"})");
    BOOST_TEST(with_id.at("externalId").is_string());
    BOOST_TEST(with_id.at("externalOrganizationId").is_null());

    auto empty = issues_of(post("/v1/customers", R"({"email":")" + email + R"(","externalOrganizationId":""})"));
    BOOST_TEST(empty.at(0).at("path").at(0).as_string() == "externalOrganizationId");
    BOOST_TEST(post("/v1/customers", R"({"email":")" + email + R"(","externalOrganizationId":7})").status == 400);
    BOOST_TEST(post("/v1/customers", R"({"email":")" + email + R"(","externalOrganizationId":null})").status == 400);
    BOOST_TEST(post("/v1/customers", R"({"email":")" + email + R"(","externalOrganizationId":"a\nb"})").status == 400);
}

BOOST_AUTO_TEST_CASE(lookup_finds_by_external_id_or_email_and_never_creates) {
    auto ext = unique("look");
    auto email = unique("Look.Up") + "@Example.com";
    auto c = create_customer(R"({"id":")" + ext + R"(","email":")" + email + R"("})");
    auto id = id_of(c);
    BOOST_TEST(id_of(body_of(get("/v1/customers/lookup?externalId=" + ext))) == id);
    auto by_email = get("/v1/customers/lookup?email=" + email);   // case-insensitive
    BOOST_TEST(by_email.status == 200);
    BOOST_TEST(id_of(body_of(by_email)) == id);
    BOOST_TEST(body_of(by_email).at("success").as_bool());
    // By email in upper case, as stored lower-case.
    BOOST_TEST(id_of(body_of(get("/v1/customers/lookup?email=" + upper_case(email)))) == id);
    // An external id is not an internal id, nor the reverse.
    BOOST_TEST(get("/v1/customers/lookup?externalId=" + id).status == 404);
    BOOST_TEST(get("/v1/customers/" + ext).status == 404);

    // Never creates: an unknown email stays unknown.
    auto nobody = unique("nobody") + "@example.com";
    check_customer_not_found(get("/v1/customers/lookup?email=" + nobody));
    BOOST_TEST(get("/v1/customers/lookup?email=" + nobody).status == 404);
    BOOST_TEST(body_of(get("/v1/customers?email=" + nobody)).at("customers").as_array().empty());
    BOOST_TEST(get("/v1/customers/lookup?externalId=" + unique("none")).status == 404);

    // Exactly one of externalId and email.
    auto neither = issues_of(get("/v1/customers/lookup"));
    BOOST_TEST(neither.at(0).at("code").as_string() == "custom");
    BOOST_TEST(issues_of(get("/v1/customers/lookup?externalId=" + ext + "&email=" + email)).size() == 1u);
    BOOST_TEST(issues_of(get("/v1/customers/lookup?externalId=")).at(0).at("path").at(0).as_string() == "externalId");
    BOOST_TEST(issues_of(get("/v1/customers/lookup?email=" + email + "&includeDeleted=yes"))
                   .at(0).at("path").at(0).as_string() == "includeDeleted");

    // Two live customers with one email: the ambiguity, as resolution answers it.
    auto shared = unique("twice") + "@example.com";
    create_customer(R"({"id":")" + unique("t1") + R"(","email":")" + shared + R"("})");
    create_customer(R"({"id":")" + unique("t2") + R"(","email":")" + shared + R"("})");
    auto ambiguous = get("/v1/customers/lookup?email=" + shared);
    BOOST_TEST(ambiguous.status == 409);
    BOOST_TEST(body_of(ambiguous).at("error").as_string().subview().starts_with("Multiple customers in organization 'org_a'"));
}

BOOST_AUTO_TEST_CASE(list_pages_by_cursor_in_creation_order) {
    std::string org;
    auto made = customers_of_new_org(7, org);
    auto expected = in_list_order(made);   // createdAt ascending, then id ascending

    auto first = body_of(get("/v1/customers?limit=3&externalOrganizationId=" + org));
    BOOST_TEST(first.at("success").as_bool());
    BOOST_TEST(first.at("customers").as_array().size() == 3u);
    BOOST_TEST(first.at("hasMore").as_bool());
    std::string cursor(first.at("nextCursor").as_string());
    BOOST_TEST(cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
    BOOST_TEST(walk("/v1/customers", "&externalOrganizationId=" + org, 3) == expected);
    BOOST_TEST(walk("/v1/customers", "&externalOrganizationId=" + org, 7) == expected);
    BOOST_TEST(walk("/v1/customers", "&externalOrganizationId=" + org, 100) == expected);
    // The default page is 20.
    auto all = body_of(get("/v1/customers?externalOrganizationId=" + org));
    BOOST_TEST(ids_of(all.at("customers").as_array()) == expected);
    BOOST_TEST(!all.at("hasMore").as_bool());
    BOOST_TEST(all.at("nextCursor").is_null());

    // Offset paging over the same order.
    auto second = body_of(get("/v1/customers?limit=3&offset=3&externalOrganizationId=" + org));
    BOOST_TEST(ids_of(second.at("customers").as_array()) == std::vector<std::string>(expected.begin() + 3, expected.begin() + 6));
    BOOST_TEST(second.at("hasMore").as_bool());
    auto last = body_of(get("/v1/customers?limit=3&offset=6&externalOrganizationId=" + org));
    BOOST_TEST(ids_of(last.at("customers").as_array()) == std::vector<std::string>{expected.back()});
    BOOST_TEST(!last.at("hasMore").as_bool());
    BOOST_TEST(body_of(get("/v1/customers?offset=50&externalOrganizationId=" + org)).at("customers").as_array().empty());
}

BOOST_AUTO_TEST_CASE(list_parameters_are_validated) {
    for (const char* bad : {"limit=0", "limit=101", "limit=abc", "limit=1.5", "limit=", "offset=-1", "offset=x",
                            "cursor=%21%21", "cursor=", "createdAfter=yesterday", "createdBefore=1e3", "includeDeleted=1",
                            "email="}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(get(std::string("/v1/customers?") + bad).status == 400);
            BOOST_TEST(get(std::string("/v1/customers/unresolved?") + bad).status == 400);
        }
    }
    auto limit = issues_of(get("/v1/customers?limit=101")).at(0).as_object();
    BOOST_TEST(limit.at("code").as_string() == "too_big");
    BOOST_TEST(limit.at("path").at(0).as_string() == "limit");
    BOOST_TEST(limit.at("maximum").as_int64() == 100);
    // cursor and offset exclude each other.
    auto page = body_of(get("/v1/customers?limit=1"));
    BOOST_REQUIRE(page.at("hasMore").as_bool());
    std::string cursor(page.at("nextCursor").as_string());
    auto both = issues_of(get("/v1/customers?offset=0&cursor=" + cursor));
    BOOST_TEST(both.at(0).at("message").as_string() == "cursor and offset cannot be used together");
    // A cursor that decodes to no position.
    BOOST_TEST(issues_of(get("/v1/customers?cursor=bm9jb2xvbg")).at(0).at("message").as_string() == "Invalid cursor");
    BOOST_TEST(get("/v1/customers?limit=1&unknownParameter=1&unknownParameter=2").status == 200);   // unknown: ignored, as on every GET
    // A known parameter given twice is refused, as the hosted query schemas refuse it (§4.14).
    const std::string repeated =
        R"({"expected":"string","code":"invalid_type","path":["limit"],"message":"Invalid input: expected string, received array"})";
    BOOST_TEST(boost::json::serialize(issues_of(get("/v1/customers?limit=1&limit=2"))) == "[" + repeated + "]");
    BOOST_TEST(get("/v1/customers/unresolved?email=a@x.io&email=a@x.io").status == 400);
    BOOST_TEST(get("/v1/customers/lookup?externalId=a&externalId=a").status == 400);
}

BOOST_AUTO_TEST_CASE(list_filters_email_organisation_creation_time_and_deleted) {
    std::string org;
    auto made = customers_of_new_org(6, org);
    auto q = "&externalOrganizationId=" + org;

    // email: exact and case-insensitive.
    std::string email(made[2].at("email").as_string());
    auto by_email = body_of(get("/v1/customers?email=" + upper_case(email)));
    BOOST_TEST(ids_of(by_email.at("customers").as_array()) == std::vector<std::string>{id_of(made[2])});
    BOOST_TEST(body_of(get("/v1/customers?email=" + email.substr(1))).at("customers").as_array().empty());   // exact
    BOOST_TEST(body_of(get("/v1/customers?externalOrganizationId=" + unique("no-such-org"))).at("customers").as_array().empty());

    // createdAfter / createdBefore are exclusive bounds.
    auto after = made[1].at("createdAt").as_int64(), before = made[4].at("createdAt").as_int64();
    std::set<std::string> expected;
    for (const auto& c : made)
        if (c.at("createdAt").as_int64() > after && c.at("createdAt").as_int64() < before) expected.insert(id_of(c));
    auto window = ids_of(body_of(get("/v1/customers?createdAfter=" + std::to_string(after) + "&createdBefore=" +
                                     std::to_string(before) + q))
                             .at("customers").as_array());
    BOOST_TEST((std::set<std::string>(window.begin(), window.end()) == expected));
    auto none = body_of(get("/v1/customers?createdAfter=" + std::to_string(before) + "&createdBefore=" + std::to_string(after) + q));
    BOOST_TEST(none.at("customers").as_array().empty());
    auto from_first = ids_of(body_of(get("/v1/customers?createdAfter=" + std::to_string(made[0].at("createdAt").as_int64() - 1) + q))
                                 .at("customers").as_array());
    BOOST_TEST(from_first.size() == 6u);

    // includeDeleted: a deleted customer is listed only when asked for, with deletedAt set.
    auto gone = id_of(made[3]);
    BOOST_TEST(call({.method = "DELETE", .target = "/v1/customers/" + gone}).status == 200);
    auto live = ids_of(body_of(get("/v1/customers?limit=100" + q)).at("customers").as_array());
    BOOST_TEST(live.size() == 5u);
    BOOST_TEST((std::find(live.begin(), live.end(), gone) == live.end()));
    auto everything = body_of(get("/v1/customers?limit=100&includeDeleted=true" + q)).at("customers").as_array();
    BOOST_TEST(ids_of(everything) == in_list_order(made));
    for (const auto& c : everything) BOOST_TEST(c.at("deletedAt").is_int64() == (c.at("id").as_string() == gone));
    BOOST_TEST(body_of(get("/v1/customers?limit=100&includeDeleted=false" + q)).at("customers").as_array().size() == 5u);
    BOOST_TEST(body_of(get("/v1/customers?email=" + email + "&includeDeleted=true")).at("customers").as_array().size() == 1u);
}

BOOST_AUTO_TEST_CASE(unresolved_lists_live_customers_without_external_id) {
    auto org = unique("unres");
    auto q = "?externalOrganizationId=" + org;
    auto with_email = [&](const std::string& extra) {
        return create_customer(R"({"email":")" + unique("u") + R"(@example.com","externalOrganizationId":")" + org + "\"" +
                               extra + "}");
    };
    auto a = with_email(""), b = with_email(""), c = with_email(""), d = with_email("");
    auto resolved = with_email(R"(,"id":")" + unique("known") + "\"");
    auto listed = body_of(get("/v1/customers/unresolved" + q));
    BOOST_TEST(listed.at("success").as_bool());
    BOOST_TEST(ids_of(listed.at("customers").as_array()) == in_list_order({a, b, c, d}));
    BOOST_TEST(listed.at("customers").at(0).at("externalId").is_null());
    BOOST_TEST(!listed.at("hasMore").as_bool());
    BOOST_TEST(walk("/v1/customers/unresolved", "&externalOrganizationId=" + org, 1).size() == 4u);
    BOOST_TEST(body_of(get("/v1/customers" + q)).at("customers").as_array().size() == 5u);

    // Bound, it is resolved; deleted, it is gone, includeDeleted or not.
    BOOST_TEST(post("/v1/customers/" + id_of(b) + "/bind", R"({"externalId":")" + unique("bound") + "\"}").status == 200);
    BOOST_TEST(call({.method = "DELETE", .target = "/v1/customers/" + id_of(c)}).status == 200);
    auto after = ids_of(body_of(get("/v1/customers/unresolved" + q + "&includeDeleted=true")).at("customers").as_array());
    BOOST_TEST(after == in_list_order({a, d}));
    auto offset = body_of(get("/v1/customers/unresolved" + q + "&offset=1&limit=1"));
    BOOST_TEST(ids_of(offset.at("customers").as_array()) == std::vector<std::string>{in_list_order({a, d}).back()});
}

BOOST_AUTO_TEST_CASE(update_merges_replaces_and_deletes_keys) {
    auto email = unique("upd") + "@example.com";
    auto c = create_customer(R"({"email":")" + email + R"(","metadata":{"a":1,"b":{"x":1},"c":"keep"}})");
    auto id = id_of(c);
    auto r = patch_customer(id, R"({"metadata":{"b":{"y":2},"a":null,"d":true}})");
    BOOST_TEST(r.status == 200);
    auto merged = body_of(r);
    BOOST_TEST(json::serialize(merged.at("metadata")) == R"({"b":{"y":2},"c":"keep","d":true})");   // shallow
    BOOST_TEST(merged.at("version").as_int64() == 2);
    BOOST_TEST(merged.at("updatedAt").as_int64() >= c.at("updatedAt").as_int64());
    BOOST_TEST(merged.at("createdAt") == c.at("createdAt"));

    auto replaced = body_of(patch_customer(id, R"({"metadata":{"only":1,"gone":null},"metadataMode":"replace"})"));
    BOOST_TEST(json::serialize(replaced.at("metadata")) == R"({"only":1})");
    BOOST_TEST(replaced.at("version").as_int64() == 3);
    auto emptied = body_of(patch_customer(id, R"({"metadata":{"only":null}})"));
    BOOST_TEST(emptied.at("metadata").is_null());

    auto new_email = unique("New.Address") + "@Example.com";
    auto renamed = body_of(patch_customer(id, R"({"name":"Renamed","email":")" + new_email +
                                                  R"(","externalOrganizationId":"org-x","expectedVersion":4})"));
    BOOST_TEST(renamed.at("name").as_string() == "Renamed");
    BOOST_TEST(renamed.at("email").as_string().size() == new_email.size());
    BOOST_TEST(renamed.at("email").as_string().subview().find_first_of("NAE") == std::string::npos);   // lower-cased
    BOOST_TEST(renamed.at("externalOrganizationId").as_string() == "org-x");
    BOOST_TEST(renamed.at("version").as_int64() == 5);
    auto cleared = body_of(patch_customer(id, R"({"externalOrganizationId":null})"));
    BOOST_TEST(cleared.at("externalOrganizationId").is_null());
    // The old email no longer finds it; the new one does.
    BOOST_TEST(get("/v1/customers/lookup?email=" + email).status == 404);
    BOOST_TEST(id_of(body_of(get("/v1/customers/lookup?email=" + new_email))) == id);
    // Setting its own email again is no conflict.
    BOOST_TEST(patch_customer(id, R"({"email":")" + new_email + "\"}").status == 200);

    // An empty update changes nothing.
    auto before = body_of(get("/v1/customers/" + id));
    auto nothing = body_of(patch_customer(id, "{}"));
    BOOST_TEST(nothing.at("version") == before.at("version"));
    BOOST_TEST(nothing.at("updatedAt") == before.at("updatedAt"));

    // Replayed with its Idempotency-Key, an update is applied once.
    raw_request again{.method = "PATCH", .target = "/v1/customers/" + id, .body = R"({"name":"Once"})",
                      .headers = {{"Idempotency-Key", unique("patch")}}};
    auto once = call(again), replay = call(again);
    BOOST_TEST(replay.headers["idempotent-replayed"] == "true");
    BOOST_TEST(replay.body == once.body);
    BOOST_TEST(body_of(get("/v1/customers/" + id)).at("version") == body_of(once).at("version"));
}

BOOST_AUTO_TEST_CASE(update_refusals_change_nothing) {
    auto c = create_customer(R"({"email":")" + unique("refuse") + R"(@example.com","metadata":{"k":"v"}})");
    auto id = id_of(c);
    auto other = create_customer(R"({"email":")" + unique("other") + R"(@example.com"})");
    auto unchanged = [&] { BOOST_TEST(get("/v1/customers/" + id).body == json::serialize(c)); };

    auto stale = patch_customer(id, R"({"name":"x","expectedVersion":2})");
    BOOST_TEST(stale.status == 409);
    BOOST_TEST(stale.body ==
               R"({"success":false,"error":"Customer version conflict","code":"version_conflict","currentVersion":1})");
    unchanged();

    auto taken = patch_customer(id, R"({"name":"x","email":")" + std::string(other.at("email").as_string()) + "\"}");
    BOOST_TEST(taken.status == 409);
    BOOST_TEST(taken.body == R"({"success":false,"error":"Email already in use by another customer","code":"email_conflict"})");
    // Upper-case is the same email.
    BOOST_TEST(patch_customer(id, R"({"email":")" + upper_case(std::string(other.at("email").as_string())) + "\"}").status == 409);
    unchanged();

    // Metadata limits, judged after applying: 50 keys, 40-character keys, 16 KiB serialized.
    json::object fifty;
    for (int i = 0; i < 49; ++i) fifty["k" + std::to_string(i)] = i;   // + the stored "k" = 50
    auto too_many = fifty;
    too_many["one-more"] = 1;
    auto many = issues_of(patch_customer(id, json::serialize(json::object{{"name", "x"}, {"metadata", too_many}})));
    BOOST_TEST(many.at(0).at("path").at(0).as_string() == "metadata");
    BOOST_TEST(many.at(0).at("code").as_string() == "too_big");
    unchanged();
    auto long_key = issues_of(patch_customer(id, R"({"metadata":{")" + std::string(41, 'k') + R"(":1}})"));
    BOOST_TEST(long_key.at(0).at("path").at(1).as_string() == std::string(41, 'k'));
    unchanged();
    auto big = issues_of(patch_customer(id, R"({"metadata":{"blob":")" + std::string(16 * 1024, 'x') + "\"}}"));
    BOOST_TEST(big.at(0).at("code").as_string() == "too_big");
    unchanged();
    // 50 new keys merged with the stored one are 51.
    BOOST_TEST(patch_customer(id, json::serialize(json::object{{"metadata", too_many}, {"metadataMode", "merge"}})).status == 400);
    unchanged();

    // Body validation: unknown keys, types, the enum, the version.
    auto unknown = issues_of(patch_customer(id, R"({"nickname":"x"})"));
    BOOST_TEST(unknown.at(0).at("code").as_string() == "unrecognized_keys");
    BOOST_TEST(issues_of(patch_customer(id, R"({"metadataMode":"upsert"})")).at(0).at("code").as_string() == "invalid_value");
    BOOST_TEST(issues_of(patch_customer(id, R"({"expectedVersion":0})")).at(0).at("code").as_string() == "too_small");
    BOOST_TEST(issues_of(patch_customer(id, R"({"expectedVersion":1.5})")).at(0).at("code").as_string() == "invalid_type");
    BOOST_TEST(issues_of(patch_customer(id, R"({"expectedVersion":"1"})")).at(0).at("code").as_string() == "invalid_type");
    BOOST_TEST(issues_of(patch_customer(id, R"({"metadata":null})")).at(0).at("path").at(0).as_string() == "metadata");
    BOOST_TEST(issues_of(patch_customer(id, R"({"email":"not-an-email"})")).at(0).at("path").at(0).as_string() == "email");
    BOOST_TEST(issues_of(patch_customer(id, R"({"name":null})")).at(0).at("path").at(0).as_string() == "name");
    BOOST_TEST(issues_of(patch_customer(id, R"({"externalOrganizationId":""})")).size() == 1u);
    BOOST_TEST(issues_of(patch_customer(id, "[1]")).at(0).at("code").as_string() == "invalid_type");
    unchanged();

    // The limits themselves are allowed.
    auto at_limit = patch_customer(id, json::serialize(json::object{{"metadata", fifty}}));
    BOOST_TEST(at_limit.status == 200);
    BOOST_TEST(body_of(at_limit).at("metadata").as_object().size() == 50u);
    BOOST_TEST(patch_customer(id, R"({"metadata":{")" + std::string(40, 'k') + R"(":1}})").status == 400);   // 51 keys
    auto replaced = patch_customer(id, R"({"metadataMode":"replace","metadata":{")" + std::string(40, 'k') + R"(":1}})");
    BOOST_TEST(replaced.status == 200);

    check_customer_not_found(patch_customer("00000000-0000-4000-8000-000000000000", R"({"name":"x"})"));
}

BOOST_AUTO_TEST_CASE(soft_delete_hides_the_customer_everywhere) {
    auto ext = unique("del");
    auto email = unique("deleted") + "@example.com";
    auto c = create_customer(R"({"id":")" + ext + R"(","email":")" + email + R"("})");
    auto id = id_of(c);
    BOOST_TEST(post("/v1/entities", R"({"customer":")" + id + R"(","feature":"seats","entity":"s1"})").status == 200);
    BOOST_TEST(body_of(post("/v1/check", R"({"customer":")" + id + R"(","feature":"seats"})")).at("usage").as_int64() == 1);

    auto gone = call({.method = "DELETE", .target = "/v1/customers/" + id});
    BOOST_TEST(gone.status == 200);
    BOOST_TEST(gone.body == R"({"success":true,"id":")" + id + R"(","deleted":true,"purged":false})");
    // Deleting again: the same answer.
    BOOST_TEST(call({.method = "DELETE", .target = "/v1/customers/" + id}).body == gone.body);

    check_customer_not_found(get("/v1/customers/" + id));
    auto kept = body_of(get("/v1/customers/" + id + "?includeDeleted=true"));
    BOOST_TEST(kept.at("deletedAt").is_int64());
    BOOST_TEST(kept.at("version").as_int64() == 2);
    BOOST_TEST(kept.at("email").as_string() == email);   // a soft delete keeps the data
    BOOST_TEST(get("/v1/customers/lookup?externalId=" + ext).status == 404);
    BOOST_TEST(get("/v1/customers/lookup?email=" + email).status == 404);
    BOOST_TEST(id_of(body_of(get("/v1/customers/lookup?externalId=" + ext + "&includeDeleted=true"))) == id);
    BOOST_TEST(id_of(body_of(get("/v1/customers/lookup?email=" + email + "&includeDeleted=true"))) == id);

    // No route resolves it any more.
    BOOST_TEST(patch_customer(id, R"({"name":"x"})").status == 404);
    BOOST_TEST(post("/v1/customers/" + id + "/bind", R"({"externalId":"x"})").status == 404);
    BOOST_TEST(post("/v1/entities", R"({"customer":")" + id + R"(","feature":"seats","entity":"s2"})").status == 404);
    BOOST_TEST(post("/v1/entities", R"({"customer":")" + ext + R"(","feature":"seats","entity":"s2"})").status == 404);
    BOOST_TEST(get("/v1/entities?customer=" + id).status == 404);
    BOOST_TEST(post("/v1/entities/remove", R"({"customer":")" + id + R"(","feature":"seats","entity":"s1"})").status == 404);
    BOOST_TEST(body_of(post("/v1/check", R"({"customer":")" + id + R"(","feature":"seats"})")).at("code").as_string() ==
               "customer_not_found");
    BOOST_TEST(post("/v1/track", R"({"customer":")" + id + R"(","feature":"api-calls"})").status == 404);
    auto attach = post("/v1/attach", R"({"customer":")" + id + R"(","product":"free"})");
    BOOST_TEST((attach.status == 404 || body_of(attach).at("customer_id").as_string() != id));

    // A later create with the same external id, or the same email, makes a new customer
    // (with its own, empty seat count: the old customer's seats were released, not moved).
    auto again = create_customer(R"({"id":")" + ext + R"(","email":")" + email + R"("})");
    BOOST_TEST(id_of(again) != id);
    BOOST_TEST(again.at("version").as_int64() == 1);
    BOOST_TEST(id_of(body_of(get("/v1/customers/lookup?externalId=" + ext + "&includeDeleted=true"))) == id_of(again));
    BOOST_TEST(body_of(post("/v1/check", R"({"customer":")" + ext + R"(","feature":"seats"})")).at("usage").as_int64() == 0);
    auto by_email = create_customer(R"({"email":")" + email + R"("})");
    BOOST_TEST(id_of(by_email) == id_of(again));   // the live one resolves now

    check_customer_not_found(call({.method = "DELETE", .target = "/v1/customers/00000000-0000-4000-8000-000000000000"}));
    BOOST_TEST(call({.method = "DELETE", .target = "/v1/customers/" + id + "?purge=maybe"}).status == 400);
}

BOOST_AUTO_TEST_CASE(purge_erases_personal_data_once_and_for_all) {
    auto ext = unique("purge");
    auto email = unique("purged") + "@example.com";
    auto c = create_customer(R"({"id":")" + ext + R"(","email":")" + email +
                             R"(","name":"Jane Doe","metadata":{"phone":"555"},"externalOrganizationId":"acme"})");
    auto id = id_of(c);
    auto purged = call({.method = "DELETE", .target = "/v1/customers/" + id + "?purge=true"});
    BOOST_TEST(purged.body == R"({"success":true,"id":")" + id + R"(","deleted":true,"purged":true})");
    auto left = body_of(get("/v1/customers/" + id + "?includeDeleted=true"));
    BOOST_TEST(left.at("email").as_string() == "deleted+" + id + "@invalid");
    BOOST_TEST(left.at("name").as_string() == "");
    BOOST_TEST(left.at("metadata").is_null());
    BOOST_TEST(left.at("externalId").is_null());
    BOOST_TEST(left.at("externalOrganizationId").is_null());
    BOOST_TEST(get("/v1/customers/lookup?externalId=" + ext + "&includeDeleted=true").status == 404);
    BOOST_TEST(get("/v1/customers/lookup?email=" + email + "&includeDeleted=true").status == 404);
    // Once purged, always purged.
    BOOST_TEST(call({.method = "DELETE", .target = "/v1/customers/" + id}).body == purged.body);
    BOOST_TEST(call({.method = "DELETE", .target = "/v1/customers/" + id + "?purge=true"}).body == purged.body);
    BOOST_TEST(body_of(get("/v1/customers/" + id + "?includeDeleted=true")).at("version") == left.at("version"));

    // A soft-deleted customer purged later.
    auto later = create_customer(R"({"email":")" + unique("later") + R"(@example.com"})");
    auto later_id = id_of(later);
    BOOST_TEST(body_of(call({.method = "DELETE", .target = "/v1/customers/" + later_id})).at("purged").as_bool() == false);
    BOOST_TEST(body_of(call({.method = "DELETE", .target = "/v1/customers/" + later_id + "?purge=true"})).at("purged").as_bool());
    auto v = body_of(get("/v1/customers/" + later_id + "?includeDeleted=true"));
    BOOST_TEST(v.at("version").as_int64() == 3);
    BOOST_TEST(v.at("email").as_string() == "deleted+" + later_id + "@invalid");
}

BOOST_AUTO_TEST_CASE(bind_gives_an_external_id_exactly_once) {
    auto email = unique("bind") + "@example.com";
    auto c = create_customer(R"({"email":")" + email + R"("})");
    auto id = id_of(c);
    auto ext = unique("bound");
    auto bound = post("/v1/customers/" + id + "/bind", R"({"externalId":")" + ext + "\"}");
    BOOST_TEST(bound.status == 200);
    BOOST_TEST(body_of(bound).at("externalId").as_string() == ext);
    BOOST_TEST(body_of(bound).at("version").as_int64() == 2);
    // The same id again: fine, and nothing changes.
    auto same = post("/v1/customers/" + id + "/bind", R"({"externalId":")" + ext + "\"}");
    BOOST_TEST(same.status == 200);
    BOOST_TEST(same.body == bound.body);
    // Another id: refused.
    auto other = post("/v1/customers/" + id + "/bind", R"({"externalId":")" + unique("other") + "\"}");
    BOOST_TEST(other.status == 409);
    BOOST_TEST(other.body ==
               R"({"success":false,"error":"Customer is already bound to another external id","code":"already_bound"})");
    // The id, held by this customer, is refused to another.
    auto second = id_of(create_customer(R"({"email":")" + unique("second") + R"(@example.com"})"));
    auto taken = post("/v1/customers/" + second + "/bind", R"({"externalId":")" + ext + "\"}");
    BOOST_TEST(taken.status == 409);
    BOOST_TEST(taken.body ==
               R"({"success":false,"error":"External id is already bound to another customer","code":"external_id_taken"})");
    // So is another customer's internal id: resolution would find that customer first.
    BOOST_TEST(body_of(post("/v1/customers/" + second + "/bind", R"({"externalId":")" + id + "\"}")).at("code").as_string() ==
               "external_id_taken");
    BOOST_TEST(body_of(get("/v1/customers/" + second)).at("externalId").is_null());

    // Afterwards POST /v1/customers by that external id resolves to the bound customer.
    auto resolved = create_customer(R"({"id":")" + ext + R"(","email":")" + unique("whatever") + R"(@example.com"})");
    BOOST_TEST(id_of(resolved) == id);
    BOOST_TEST(body_of(post("/v1/check", R"({"customer":")" + ext + R"(","feature":"sso"})")).at("code").as_string() ==
               "feature_not_in_plan");   // found, not customer_not_found

    // A deleted customer's external id is free again.
    BOOST_TEST(call({.method = "DELETE", .target = "/v1/customers/" + id}).status == 200);
    BOOST_TEST(post("/v1/customers/" + second + "/bind", R"({"externalId":")" + ext + "\"}").status == 200);

    BOOST_TEST(issues_of(post("/v1/customers/" + second + "/bind", "{}")).at(0).at("path").at(0).as_string() == "externalId");
    BOOST_TEST(post("/v1/customers/" + second + "/bind", R"({"externalId":""})").status == 400);
    BOOST_TEST(post("/v1/customers/" + second + "/bind", R"({"externalId":1})").status == 400);
    BOOST_TEST(post("/v1/customers/" + second + "/bind", R"({"externalId":"x","extra":1})").status == 400);
    check_customer_not_found(post("/v1/customers/00000000-0000-4000-8000-000000000000/bind", R"({"externalId":"x"})"));
}

BOOST_AUTO_TEST_CASE(the_new_routes_keep_tenants_apart) {
    auto ext = unique("tenant");
    auto email = unique("tenant") + "@example.com";
    auto org = unique("tenant-org");
    auto c = create_customer(R"({"email":")" + email + R"(","externalOrganizationId":")" + org + "\"}");
    auto id = id_of(c);
    auto b = "sk_test_b";
    BOOST_TEST(get("/v1/customers/" + id, b).status == 404);
    BOOST_TEST(get("/v1/customers/" + id + "?includeDeleted=true", b).status == 404);
    BOOST_TEST(get("/v1/customers/lookup?email=" + email, b).status == 404);
    BOOST_TEST(get("/v1/customers/lookup?email=" + email + "&includeDeleted=true", b).status == 404);
    BOOST_TEST(body_of(get("/v1/customers?externalOrganizationId=" + org, b)).at("customers").as_array().empty());
    BOOST_TEST(body_of(get("/v1/customers?email=" + email + "&includeDeleted=true", b)).at("customers").as_array().empty());
    BOOST_TEST(body_of(get("/v1/customers/unresolved?externalOrganizationId=" + org, b)).at("customers").as_array().empty());
    // b's cursor pages are b's: a page of a's list, continued with b's key, holds none of a's.
    auto a_page = body_of(get("/v1/customers?limit=1"));
    BOOST_REQUIRE(a_page.at("hasMore").as_bool());
    // Named first: a range-for over a member of a temporary would dangle (before C++23).
    auto b_page = body_of(get("/v1/customers?limit=100&includeDeleted=true&cursor=" +
                              std::string(a_page.at("nextCursor").as_string()), b));
    for (const auto& other : b_page.at("customers").as_array())
        BOOST_TEST(get("/v1/customers/" + std::string(other.at("id").as_string())).status == 404);   // not a's
    BOOST_TEST(call({.method = "PATCH", .target = "/v1/customers/" + id, .body = R"({"name":"b was here"})", .key = b}).status == 404);
    BOOST_TEST(post("/v1/customers/" + id + "/bind", R"({"externalId":")" + ext + "\"}", b).status == 404);
    BOOST_TEST(call({.method = "DELETE", .target = "/v1/customers/" + id + "?purge=true", .key = b}).status == 404);
    // Nothing of that touched a's customer.
    BOOST_TEST(get("/v1/customers/" + id).body == json::serialize(c));

    // External ids and emails are per organisation: b may use the same ones.
    BOOST_TEST(post("/v1/customers/" + id + "/bind", R"({"externalId":")" + ext + "\"}").status == 200);
    auto theirs = create_customer(R"({"email":")" + email + R"("})", b);
    BOOST_TEST(post("/v1/customers/" + id_of(theirs) + "/bind", R"({"externalId":")" + ext + "\"}", b).status == 200);
    BOOST_TEST(id_of(body_of(get("/v1/customers/lookup?externalId=" + ext, b))) == id_of(theirs));
    BOOST_TEST(id_of(body_of(get("/v1/customers/lookup?externalId=" + ext))) == id);
}

BOOST_AUTO_TEST_CASE(routing_of_the_new_paths) {
    // A wrong method is the hosted API's plain-text 404 (it has no 405), on the new paths too.
    for (auto [method, target] : {std::pair{"PUT", "/v1/customers/some-id"}, std::pair{"POST", "/v1/customers/lookup"},
                                  std::pair{"DELETE", "/v1/customers/unresolved"}, std::pair{"GET", "/v1/customers/some-id/bind"}}) {
        auto r = call({.method = method, .target = target});
        BOOST_TEST_CONTEXT(method << " " << target) {
            BOOST_TEST(r.status == 404);
            BOOST_TEST(r.body == "404 Not Found");
            BOOST_TEST(!r.headers.contains("allow"));
        }
    }
    BOOST_TEST(get("/v1/customers/some-id/other").status == 404);
    BOOST_TEST(get("/v1/customers/lookup", "").status == 401);
}

BOOST_AUTO_TEST_SUITE_END()
