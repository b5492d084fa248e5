#include "client_impl.hpp"
#include "config_check.hpp"
#include "ids.hpp"
#include "json_mapping.hpp"
#include "tls_context.hpp"
#include "validation.hpp"

#include <owostack/customer.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include <initializer_list>

namespace owo {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using detail::retry_safety;

namespace detail {

client_impl::client_impl(asio::any_io_executor ex, config c)
    : executor(ex), cfg(std::move(c)), base(check_config(cfg)), tls(make_tls_context(cfg)),
      http(executor, cfg, base, tls) {}

namespace {

[[noreturn]] void throw_failure(error_code ec, std::string code, std::string message) {
    diagnostics d;
    d.code = std::move(code);
    d.message = std::move(message);
    throw api_error(ec, std::move(d));
}

/// The typed result of a success body; any decoding failure becomes error::bad_response.
template <class R, class Decode>
R decode_or_throw(const Decode& decode, json::object& body) {
    try {
        return decode(body);
    } catch (const std::exception& e) {   // decode_error, or Boost.JSON's own conversion errors
        diagnostics d;
        d.code = "bad_response";
        d.message = std::string("unexpected response: ") + e.what();
        d.body = std::move(body);
        throw api_error(error::bad_response, std::move(d));
    }
}

/// For operations where no failure can mean the desired state holds.
struct no_recovery {};

/// One operation, run in the awaiting coroutine (no hop to another executor): send `spec`,
/// decode the success body with `decode`; `recover` may turn a failure of a retried call into
/// a result (the desired state holds). Every failure is thrown as owo::api_error.
template <class R, class Decode, class Recover = no_recovery>
asio::awaitable<R> run(std::shared_ptr<client_impl> impl, std::string invalid, request_spec spec, Decode decode,
                       Recover recover = {}) {
    if (!invalid.empty()) throw_failure(error::invalid_argument, "invalid_argument", std::move(invalid));
    call_result r;
    try {
        r = co_await impl->http.execute(spec);
    } catch (const boost::system::system_error& e) {   // cancellation of the awaiting coroutine
        throw_failure(e.code(), "transport_error", e.code().message());
    }
    if (r.ec) {
        if constexpr (!std::is_same_v<Recover, no_recovery>) {
            if (std::optional<R> done = recover(r)) co_return std::move(*done);
        }
        throw api_error(r.ec, std::move(r.diag));
    }
    co_return decode_or_throw<R>(decode, r.body);
}

/// The token forms: runs the awaitable form on the client's executor and completes `h` with
/// (error_code, R) on the handler's associated executor, filling `*diag` on failure.
template <class R>
void launch(const std::shared_ptr<client_impl>& impl, asio::awaitable<R> op, diagnostics* diag, handler<R> h) {
    auto ex = asio::get_associated_executor(h, impl->executor);
    auto slot = asio::get_associated_cancellation_slot(h);
    asio::co_spawn(
        impl->executor, std::move(op),
        asio::bind_cancellation_slot(
            slot, asio::bind_executor(ex, [h = std::move(h), diag](std::exception_ptr e, R r) mutable {
                if (!e) return std::move(h)(error_code{}, std::move(r));
                error_code ec;
                try {
                    std::rethrow_exception(e);
                } catch (const api_error& ae) {
                    ec = ae.code();
                    if (diag) *diag = ae.diag();
                } catch (const boost::system::system_error& se) {
                    ec = se.code();
                    if (diag) {
                        diag->clear();
                        diag->message = se.code().message();
                    }
                } catch (const std::exception& x) {
                    ec = error::bad_response;
                    if (diag) {
                        diag->clear();
                        diag->message = x.what();
                    }
                }
                std::move(h)(ec, R{});
            })));
}

/// The first non-empty validation message.
std::string first_problem(std::initializer_list<std::string> problems) {
    for (const auto& p : problems)
        if (!p.empty()) return p;
    return {};
}

std::string check_key(const std::optional<std::string>& key) {
    return key ? check_header_value("idempotency_key", *key) : std::string{};
}

template <class Params>
request_spec post(const client_impl& impl, std::initializer_list<std::string_view> path, const Params& p,
                  retry_safety safety) {
    request_spec s;
    s.method = http::verb::post;
    s.target = make_target(impl.base, path);
    // The DOM only lives to be serialised: build it in a stack arena (no heap for small bodies).
    unsigned char scratch[2048];
    json::monotonic_resource arena(scratch, sizeof scratch);
    s.body = json::serialize(json::value_from(p, &arena));
    s.safety = safety;
    s.idempotency_key = p.idempotency_key ? *p.idempotency_key : make_uuid_v4();
    return s;
}

request_spec get(const client_impl& impl, std::initializer_list<std::string_view> path,
                 const query_params& query = {}) {
    request_spec s;
    s.target = make_target(impl.base, path, query);
    return s;
}

template <class R>
struct decode_body {
    R operator()(json::object& body) const { return json::value_to<R>(json::value(std::move(body))); }
};

template <class R>
struct decode_member {
    std::string_view key;
    R operator()(json::object& body) const { return decode_field<R>(body, key); }
};

struct decode_customer {
    client self;
    owo::customer operator()(json::object& body) const {
        return owo::customer(self, json::value_to<customer_record>(json::value(std::move(body))));
    }
};

std::string check_customer_data(const std::optional<customer_data>& d) {
    return d ? check_email("customer_data.email", d->email) : std::string{};
}

} // namespace
} // namespace detail

using namespace detail;

client::client(executor_type ex, config cfg)
    : impl_(std::make_shared<client_impl>(std::move(ex), std::move(cfg))) {}

client::executor_type client::get_executor() const noexcept { return impl_->executor; }
const std::string& client::api_url() const noexcept { return impl_->base.text; }

pool_counters client::stats() const { return impl_->http.stats(); }

asio::awaitable<owo::customer> client::customer(customer_params p) const {
    auto invalid = first_problem({check_email("email", p.email), check_optional_identifier("id", p.id),
                                  check_key(p.idempotency_key)});
    return run<owo::customer>(impl_, std::move(invalid), post(*impl_, {"customers"}, p, retry_safety::idempotent),
                              decode_customer{*this});
}

asio::awaitable<owo::customer> client::get_customer(std::string id) const {
    return run<owo::customer>(impl_, check_identifier("customer id", id), get(*impl_, {"customers", id}),
                              decode_customer{*this});
}

asio::awaitable<attach_result> client::attach(attach_params p) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_identifier("product", p.product),
                                  check_customer_data(p.customer_data), check_key(p.idempotency_key)});
    return run<attach_result>(impl_, std::move(invalid), post(*impl_, {"attach"}, p, retry_safety::idempotent),
                              decode_body<attach_result>{});
}

asio::awaitable<check_result> client::check(check_params p) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                                  check_optional_identifier("entity", p.entity), check_number("value", p.value),
                                  check_customer_data(p.customer_data), check_key(p.idempotency_key)});
    auto safety = p.send_event.value_or(false) ? retry_safety::counts_usage : retry_safety::idempotent;
    return run<check_result>(impl_, std::move(invalid), post(*impl_, {"check"}, p, safety), decode_body<check_result>{});
}

asio::awaitable<track_result> client::track(track_params p) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                                  check_optional_identifier("entity", p.entity), check_number("value", p.value),
                                  check_customer_data(p.customer_data), check_key(p.idempotency_key)});
    return run<track_result>(impl_, std::move(invalid), post(*impl_, {"track"}, p, retry_safety::counts_usage),
                             decode_body<track_result>{});
}

asio::awaitable<add_entity_result> client::add_entity(add_entity_params p) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                                  check_identifier("entity", p.entity), check_key(p.idempotency_key)});
    // An earlier attempt added it, then its answer was lost: the desired state holds.
    auto recover = [entity = p.entity, feature = p.feature](const call_result& r) -> std::optional<add_entity_result> {
        if (r.ec != error::entity_exists || !r.earlier_attempt_may_have_applied) return std::nullopt;
        add_entity_result done;
        done.entity_id = entity;
        done.feature_id = feature;
        done.already_present = true;
        return done;
    };
    return run<add_entity_result>(impl_, std::move(invalid), post(*impl_, {"entities"}, p, retry_safety::entity_add),
                                  decode_body<add_entity_result>{}, std::move(recover));
}

asio::awaitable<remove_entity_result> client::remove_entity(remove_entity_params p) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                                  check_identifier("entity", p.entity), check_key(p.idempotency_key)});
    auto recover = [entity = p.entity](const call_result& r) -> std::optional<remove_entity_result> {
        if (r.ec != error::entity_not_found || !r.earlier_attempt_may_have_applied) return std::nullopt;
        remove_entity_result done;
        done.entity_id = entity;
        done.already_removed = true;
        return done;
    };
    return run<remove_entity_result>(impl_, std::move(invalid),
                                     post(*impl_, {"entities", "remove"}, p, retry_safety::entity_remove),
                                     decode_body<remove_entity_result>{}, std::move(recover));
}

asio::awaitable<list_entities_result> client::list_entities(list_entities_params p) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_optional_identifier("feature", p.feature)});
    query_params q{{"customer", p.customer}};
    if (p.feature) q.emplace_back("feature", *p.feature);
    return run<list_entities_result>(impl_, std::move(invalid), get(*impl_, {"entities"}, q),
                                     decode_body<list_entities_result>{});
}

asio::awaitable<std::vector<owo::plan>> client::plans(plans_params p) const {
    auto invalid = first_problem({check_optional_identifier("group", p.group),
                                  check_optional_identifier("interval", p.interval),
                                  check_optional_identifier("currency", p.currency)});
    query_params q;
    if (p.group) q.emplace_back("group", *p.group);
    if (p.interval) q.emplace_back("interval", *p.interval);
    if (p.currency) q.emplace_back("currency", *p.currency);
    if (p.include_inactive) q.emplace_back("includeInactive", "true");
    return run<std::vector<owo::plan>>(impl_, std::move(invalid), get(*impl_, {"plans"}, q),
                                       decode_member<std::vector<owo::plan>>{"plans"});
}

asio::awaitable<owo::plan> client::plan(std::string slug) const {
    return run<owo::plan>(impl_, check_identifier("plan slug", slug), get(*impl_, {"plans", slug}),
                          decode_member<owo::plan>{"plan"});
}

// The token forms run the awaitable forms.
#define OWO_START(name, params_type, result_type)                                                 \
    void client::start_##name(params_type p, diagnostics* d, handler<result_type> h) const {     \
        launch(impl_, name(std::move(p)), d, std::move(h));                                      \
    }
OWO_START(customer, customer_params, owo::customer)
OWO_START(get_customer, std::string, owo::customer)
OWO_START(attach, attach_params, attach_result)
OWO_START(check, check_params, check_result)
OWO_START(track, track_params, track_result)
OWO_START(add_entity, add_entity_params, add_entity_result)
OWO_START(remove_entity, remove_entity_params, remove_entity_result)
OWO_START(list_entities, list_entities_params, list_entities_result)
OWO_START(plans, plans_params, std::vector<owo::plan>)
OWO_START(plan, std::string, owo::plan)
#undef OWO_START

} // namespace owo
