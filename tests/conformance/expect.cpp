#include "expect.hpp"

#include <support/local_server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <regex>
#include <unistd.h>

namespace conformance {

namespace json = boost::json;

namespace {

owo::test::local_server& server() {
    static owo::test::local_server srv(owo::test::local_server_options{.catalog = CONFORMANCE_CATALOG});
    return srv;
}

// The customer object's [extension] fields (docs/protocol.md §4.14): owostack-local adds them to
// every customer it returns; hosted clients ignore them. Only where the hosted answer is a customer.
bool is_documented_extension(const json::object& want, std::string_view key) {
    static constexpr std::string_view customer_extensions[] = {"externalId", "externalOrganizationId", "version",
                                                               "deletedAt"};
    bool customer = want.contains("createdAt") && want.contains("updatedAt") && want.contains("email");
    for (auto k : customer_extensions)
        if (customer && key == k) return true;
    return false;
}

bool matches(const json::value& want, const json::value& got, const std::string& at) {
    if (want.is_string()) {
        std::string_view w = want.get_string();
        auto string_like = [&](const char* pattern) {
            bool ok = got.is_string() && std::regex_match(std::string(got.get_string()), std::regex(pattern));
            if (!ok) BOOST_ERROR(at << ": expected " << w << ", got " << json::serialize(got));
            return ok;
        };
        if (w == "<string>") return string_like(".*");
        if (w == "<uuid>") return string_like("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        if (w == "<iso>") return string_like(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
        if (w == "<url>") return string_like("https://.*");
        if (w == "<number>") {
            if (!got.is_number()) BOOST_ERROR(at << ": expected a number, got " << json::serialize(got));
            return got.is_number();
        }
    }
    if (want.is_object() && got.is_object()) {
        bool ok = true;
        const auto& w = want.get_object();
        const auto& g = got.get_object();
        for (const auto& kv : w) {
            if (auto v = g.if_contains(kv.key())) ok = matches(kv.value(), *v, at + "." + std::string(kv.key())) && ok;
            else {
                BOOST_ERROR(at << ": missing key " << kv.key());
                ok = false;
            }
        }
        for (const auto& kv : g)
            if (!w.contains(kv.key()) && !is_documented_extension(w, kv.key())) {
                BOOST_ERROR(at << ": unexpected key " << kv.key() << " = " << json::serialize(kv.value()));
                ok = false;
            }
        return ok;
    }
    if (want.is_array() && got.is_array() && want.get_array().size() == got.get_array().size()) {
        bool ok = true;
        for (std::size_t i = 0; i < want.get_array().size(); ++i)
            ok = matches(want.get_array()[i], got.get_array()[i], at + "[" + std::to_string(i) + "]") && ok;
        return ok;
    }
    // Numbers compare by value (1 == 1.0), as JSON.parse would see them.
    if (want.is_number() && got.is_number() && want.to_number<double>() == got.to_number<double>()) return true;
    if (want == got) return true;
    BOOST_ERROR(at << ": expected " << json::serialize(want) << ", got " << json::serialize(got));
    return false;
}

} // namespace

raw_response call(raw_request r) { return owo::test::call(server().port(), server().ca_file(), r); }
raw_response post(const std::string& target, const std::string& body) {
    return call({.method = "POST", .target = target, .body = body});
}
raw_response get(const std::string& target) { return call({.method = "GET", .target = target}); }

std::string unique(const std::string& prefix) {
    static std::atomic<int> n{0};
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

std::string make_customer(const std::string& external_id) {
    auto r = post("/v1/customers", R"({"id":")" + external_id + R"(","email":")" + external_id + R"(@example.com"})");
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return std::string(body_of(r).at("id").as_string());
}

void pay(const raw_response& attach_answer) {
    std::string url(body_of(attach_answer).at("checkoutUrl").as_string());
    BOOST_REQUIRE_EQUAL(call({.method = "GET", .target = url.substr(url.find("/v1/checkout/")), .key = ""}).status, 200);
}

json::object body_of(const raw_response& r) {
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    BOOST_REQUIRE_MESSAGE(!ec && v.is_object(), "not a JSON object: " << r.body);
    return v.as_object();
}

void expect_answer(const raw_response& r, int status, const std::string& expected) {
    BOOST_TEST(r.status == status, "status " << r.status << ", body " << r.body);
    BOOST_TEST(r.headers.at("content-type").starts_with("application/json"));
    auto got = body_of(r);
    BOOST_TEST(matches(json::parse(expected), got, "body"), "body " << r.body);
}

void expect_structured_400(const raw_response& r, const std::string& message) {
    expect_answer(r, 400, json::serialize(json::object{
                              {"success", false}, {"error", {{"code", "ValidationError"}, {"message", message}}}}));
}

void expect_zod_400(const raw_response& r, const std::string& issues) {
    BOOST_TEST(r.status == 400, "status " << r.status << ", body " << r.body);
    auto b = body_of(r);
    BOOST_TEST(b.size() == 2u);
    BOOST_TEST(b.at("success") == json::value(false));
    const auto& e = b.at("error").as_object();
    BOOST_TEST(e.size() == 2u);
    BOOST_TEST(e.at("name").as_string() == "ZodError");
    const auto& message = e.at("message").as_string();
    // The issue list, compared as JSON, and its text as JSON.stringify(issues, null, 2) spells it.
    BOOST_TEST(json::serialize(json::parse(message)) == json::serialize(json::parse(issues)), "message " << message);
    BOOST_TEST(message.find("[\n  {\n    \"") == 0, "not pretty-printed: " << message);
}

} // namespace conformance
