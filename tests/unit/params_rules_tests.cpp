// Each params rule of src/json_mapping.cpp (the hosted schemas of docs/protocol.md §4 plus the
// SDK's hardening): a call that breaks one completes with invalid_argument, names the field and
// never dials (the client points at 127.0.0.1:1, where nothing listens).
#include "operation.hpp"

#include <owostack/client.hpp>
#include <owostack/customer.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <limits>

namespace asio = boost::asio;
namespace json = boost::json;
using owo::detail::operation;
namespace op = owo::detail::op;

namespace {

owo::config unreachable() {
    owo::config cfg;
    cfg.secret_key = "sk_test_rules";
    cfg.api_url = "http://127.0.0.1:1/v1";
    cfg.retry.max_retries = 0;
    cfg.request_timeout = std::chrono::milliseconds(2000);
    return cfg;
}

struct refusal {
    bool completed = false;
    boost::system::error_code ec;
    std::string message;
    std::uint64_t dials = 0;
};

/// Runs `start(client, diag, handler)` to completion on a fresh client.
template <class Start>
refusal run_call(Start start) {
    asio::io_context ioc;
    owo::client c(ioc.get_executor(), unreachable());
    refusal r;
    owo::diagnostics diag;
    start(c, diag, [&](boost::system::error_code ec, auto&&) {
        r.completed = true;
        r.ec = ec;
    });
    ioc.run_for(std::chrono::seconds(5));
    r.message = diag.message;
    r.dials = c.stats().connections_opened;
    return r;
}

void expect_refused(const refusal& r, std::string_view field, std::string_view what) {
    BOOST_TEST_CONTEXT(what) {
        BOOST_TEST(r.completed);
        BOOST_TEST((r.ec == owo::error::invalid_argument), r.ec.message());
        BOOST_TEST(r.message.find(field) != std::string::npos, "'" << r.message << "' names " << field);
        BOOST_TEST(r.dials == 0u);
    }
}

const double nan_value = std::numeric_limits<double>::quiet_NaN();
const double inf_value = std::numeric_limits<double>::infinity();
const std::string long_id(256, 'a');

} // namespace

// One refused call: REFUSED(operation, params expression, field named in the message).
#define REFUSED(name, params, field)                                                                    \
    expect_refused(run_call([&](owo::client& c, owo::diagnostics& d, auto h) { c.async_##name(params, d, h); }), \
                   field, #name ": " #params)

BOOST_AUTO_TEST_SUITE(params_rules)

// §4.1: email required and a zod email; id an external id; metadata JSON.
BOOST_AUTO_TEST_CASE(customer_rules) {
    using P = owo::customer_params;
    REFUSED(customer, (P{.email = ""}), "email");
    for (const char* bad : {"a@b.c", "a.@x.io", "a!b@x.com", ".a@x.io", "a..b@x.io", "a@-x.io", "a@x_y.io", "a@x.i0",
                            "a@@x.io", "a b@x.io", "jane@acme"})
        REFUSED(customer, (P{.email = bad}), "email");
    REFUSED(customer, (P{.email = "a\n@x.io"}), "email");
    REFUSED(customer, (P{.email = std::string(251, 'a') + "@x.io"}), "email");
    REFUSED(customer, (P{.id = "", .email = "a@x.io"}), "id");
    REFUSED(customer, (P{.id = "org\r\n1", .email = "a@x.io"}), "id");
    REFUSED(customer, (P{.id = long_id, .email = "a@x.io"}), "id");
    REFUSED(customer, (P{.email = "a@x.io", .metadata = json::object{{"deep", json::object{{"x", nan_value}}}}}), "metadata.deep.x");
    REFUSED(customer, (P{.email = "a@x.io", .metadata = json::object{{"list", json::array{1, inf_value}}}}), "metadata.list[1]");
    REFUSED(customer, (P{.email = "a@x.io", .idempotency_key = "two words"}), "idempotency_key");
}

BOOST_AUTO_TEST_CASE(customer_accepts_what_upstream_accepts) {
    for (const char* ok : {"a@x.io", "A@B.CO", "jane+billing@acme.co.uk", "o'neil@x.io", "a-b_c@sub-1.example.museum",
                           "1@2.ab"}) {
        owo::customer_params p{.email = ok, .metadata = json::object{{"n", 1e300}, {"s", "x"}}};
        BOOST_TEST(operation<op::customer>::invalid_reason(p).empty(), ok);
    }
}

// §4.6: customer and product required; currency >= 3 characters; callbackUrl a URL.
BOOST_AUTO_TEST_CASE(attach_rules) {
    using P = owo::attach_params;
    REFUSED(attach, (P{.customer = "", .product = "team"}), "customer");
    REFUSED(attach, (P{.customer = "c", .product = ""}), "product");
    REFUSED(attach, (P{.customer = "c", .product = std::string("te\0am", 5)}), "product");
    REFUSED(attach, (P{.customer = "c", .product = long_id}), "product");
    REFUSED(attach, (P{.customer = "c", .product = "team", .currency = "US"}), "currency");
    REFUSED(attach, (P{.customer = "c", .product = "team", .currency = "\xe2\x82\xac\xe2\x82\xac"}), "currency");
    REFUSED(attach, (P{.customer = "c", .product = "team", .channels = std::vector<std::string>{"card", ""}}), "channels[1]");
    for (const char* bad : {"not a url", "example.com/cb", "https://", "https:///", "https://:443/x", "http://h:99999/",
                            "1http://x.io", "https://x.io/a b", "https://x.io/\x01"})
        REFUSED(attach, (P{.customer = "c", .product = "team", .callback_url = bad}), "callback_url");
    REFUSED(attach, (P{.customer = "c", .product = "team", .customer_data = owo::customer_data{.email = "a@b.c"}}),
            "customer_data.email");
    REFUSED(attach, (P{.customer = "c", .product = "team", .metadata = json::object{{"x", -inf_value}}}), "metadata.x");
    for (const char* ok : {"https://x.test/cb", "http://127.0.0.1:8080/done?x=1#y", "myapp://callback", "mailto:a@x.io",
                           "https://[::1]:8443/cb", "https://user:pw@x.io"}) {
        P p{.customer = "c", .product = "team", .currency = "USD", .callback_url = ok};
        BOOST_TEST(operation<op::attach>::invalid_reason(p).empty(), ok);
    }
}

// §4.7: value >= 0, fractions allowed; customerData.email a zod email.
BOOST_AUTO_TEST_CASE(check_rules) {
    using P = owo::check_params;
    REFUSED(check, (P{.customer = "", .feature = "api-calls"}), "customer");
    REFUSED(check, (P{.customer = "c", .feature = ""}), "feature");
    REFUSED(check, (P{.customer = "c", .feature = std::string("a\0b", 3)}), "feature");
    REFUSED(check, (P{.customer = "c", .feature = long_id}), "feature");
    REFUSED(check, (P{.customer = "c", .feature = "f", .entity = ""}), "entity");
    REFUSED(check, (P{.customer = "c", .feature = "f", .entity = "seat\t1"}), "entity");
    REFUSED(check, (P{.customer = "c", .feature = "f", .value = -1}), "value");
    REFUSED(check, (P{.customer = "c", .feature = "f", .value = -1e-9}), "value");
    REFUSED(check, (P{.customer = "c", .feature = "f", .value = nan_value}), "value");
    REFUSED(check, (P{.customer = "c", .feature = "f", .value = inf_value}), "value");
    REFUSED(check, (P{.customer = "c", .feature = "f", .value = 1.000001e15}), "value");
    REFUSED(check, (P{.customer = "c", .feature = "f", .customer_data = owo::customer_data{.email = "x"}}), "customer_data.email");
    for (double ok : {0.0, -0.0, 0.5, 1.0, 1e15}) {
        P p{.customer = "c", .feature = "f", .value = ok};
        BOOST_TEST(operation<op::check>::invalid_reason(p).empty(), ok);
    }
}

// §4.8: as check; a negative value is a 400 upstream; metadata JSON.
BOOST_AUTO_TEST_CASE(track_rules) {
    using P = owo::track_params;
    REFUSED(track, (P{.customer = "", .feature = "f"}), "customer");
    REFUSED(track, (P{.customer = "c\n", .feature = "f"}), "customer");
    REFUSED(track, (P{.customer = "c", .feature = ""}), "feature");
    REFUSED(track, (P{.customer = "c", .feature = "f", .value = -3}), "value");
    REFUSED(track, (P{.customer = "c", .feature = "f", .value = nan_value}), "value");
    REFUSED(track, (P{.customer = "c", .feature = "f", .value = 1e300}), "value");
    REFUSED(track, (P{.customer = "c", .feature = "f", .entity = long_id}), "entity");
    REFUSED(track, (P{.customer = "c", .feature = "f", .customer_data = owo::customer_data{.email = "a.@x.io"}}),
            "customer_data.email");
    REFUSED(track, (P{.customer = "c", .feature = "f",
                      .customer_data = owo::customer_data{.email = "a@x.io", .metadata = json::object{{"k", nan_value}}}}),
            "customer_data.metadata.k");
    REFUSED(track, (P{.customer = "c", .feature = "f", .metadata = json::object{{"k", inf_value}}}), "metadata.k");
    REFUSED(track, (P{.customer = "c", .feature = "f", .idempotency_key = std::string(256, 'k')}), "idempotency_key");
    P ok{.customer = "c", .feature = "f", .value = 2.5, .customer_data = owo::customer_data{.email = "a@x.io"}};
    BOOST_TEST(operation<op::track>::invalid_reason(ok).empty());
}

// §4.3-4.5: customer, feature and entity required; entity email a zod email.
BOOST_AUTO_TEST_CASE(entity_rules) {
    using A = owo::add_entity_params;
    REFUSED(add_entity, (A{.customer = "", .feature = "seats", .entity = "u1"}), "customer");
    REFUSED(add_entity, (A{.customer = "c", .feature = "", .entity = "u1"}), "feature");
    REFUSED(add_entity, (A{.customer = "c", .feature = "seats", .entity = ""}), "entity");
    REFUSED(add_entity, (A{.customer = "c", .feature = "seats", .entity = "u\x7f"}), "entity");
    REFUSED(add_entity, (A{.customer = "c", .feature = "seats", .entity = long_id}), "entity");
    REFUSED(add_entity, (A{.customer = "c", .feature = "seats", .entity = "u1", .email = "a@b.c"}), "email");
    REFUSED(add_entity, (A{.customer = "c", .feature = "seats", .entity = "u1", .metadata = json::object{{"x", nan_value}}}),
            "metadata.x");
    using R = owo::remove_entity_params;
    REFUSED(remove_entity, (R{.customer = "", .feature = "seats", .entity = "u1"}), "customer");
    REFUSED(remove_entity, (R{.customer = "c", .feature = "", .entity = "u1"}), "feature");
    REFUSED(remove_entity, (R{.customer = "c", .feature = "seats", .entity = "u\r\n1"}), "entity");
    using L = owo::list_entities_params;
    REFUSED(list_entities, (L{.customer = ""}), "customer");
    REFUSED(list_entities, (L{.customer = long_id}), "customer");
    REFUSED(list_entities, (L{.customer = "c", .feature = ""}), "feature");
    A ok{.customer = "c", .feature = "seats", .entity = "../u1", .email = "u1@x.io"};
    BOOST_TEST(operation<op::add_entity>::invalid_reason(ok).empty());
}

// §4.2, §4.9, §4.10: path arguments and query filters.
BOOST_AUTO_TEST_CASE(plan_and_customer_lookup_rules) {
    REFUSED(get_customer, std::string(), "customer id");
    REFUSED(get_customer, std::string("id\n"), "customer id");
    REFUSED(plan, std::string(), "plan slug");
    REFUSED(plan, long_id, "plan slug");
    using P = owo::plans_params;
    REFUSED(plans, (P{.group = "a\nb"}), "group");
    REFUSED(plans, (P{.interval = ""}), "interval");
    REFUSED(plans, (P{.currency = long_id}), "currency");
}

BOOST_AUTO_TEST_SUITE_END()
