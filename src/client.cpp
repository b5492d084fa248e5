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
#include <boost/json/serialize.hpp>

#include <functional>
#include <initializer_list>

namespace owo {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using detail::retry_safety;

namespace detail {

client_impl::client_impl(asio::any_io_executor ex, config c)
    : executor(ex), strand(asio::make_strand(ex)), cfg(std::move(c)), base(check_config(cfg)),
      tls(make_tls_context(cfg)), http(strand, cfg, base, tls) {}

namespace {

/// What one operation sends, how its success body becomes R, and (optionally) which failures
/// of a retried call really mean the desired state holds.
template <class R>
struct operation {
    request_spec request;
    std::function<R(json::object&)> decode;
    std::function<std::optional<R>(const call_result&)> recover;
};

template <class R>
struct op_outcome {
    error_code ec;
    diagnostics diag;
    std::optional<R> value;
};

template <class R>
asio::awaitable<op_outcome<R>> execute(std::shared_ptr<client_impl> impl, std::string invalid, operation<R> op) {
    op_outcome<R> out;
    if (!invalid.empty()) {   // judged before sending: nothing goes on the wire
        out.ec = error::invalid_argument;
        out.diag.code = "invalid_argument";
        out.diag.message = std::move(invalid);
        co_return out;
    }
    call_result r = co_await impl->http.execute(op.request);
    if (r.ec) {
        if (op.recover) out.value = op.recover(r);
        if (!out.value) {
            out.ec = r.ec;
            out.diag = std::move(r.diag);
        }
        co_return out;
    }
    try {
        out.value = op.decode(r.body);
    } catch (const std::exception& e) {   // decode_error, or Boost.JSON's own conversion errors
        out.ec = error::bad_response;
        out.diag.code = "bad_response";
        out.diag.message = std::string("unexpected response: ") + e.what();
        out.diag.body = std::move(r.body);
    }
    co_return out;
}

/// Starts an operation on the client's strand and completes `h` on its own executor.
template <class R>
void launch(const std::shared_ptr<client_impl>& impl, std::string invalid, operation<R> op,
            diagnostics* diag, handler<R> h) {
    auto ex = asio::get_associated_executor(h, impl->executor);
    auto slot = asio::get_associated_cancellation_slot(h);
    asio::co_spawn(
        impl->strand, execute<R>(impl, std::move(invalid), std::move(op)),
        asio::bind_cancellation_slot(
            slot, asio::bind_executor(ex, [h = std::move(h), diag](std::exception_ptr e, op_outcome<R> o) mutable {
                if (e) {
                    try {
                        std::rethrow_exception(e);
                    } catch (const boost::system::system_error& se) {
                        o.ec = se.code();
                        o.diag.message = se.code().message();
                    } catch (const std::exception& ex) {
                        o.ec = error::bad_response;
                        o.diag.message = ex.what();
                    }
                }
                if (o.ec && diag) *diag = std::move(o.diag);
                if (o.ec || !o.value) std::move(h)(o.ec ? o.ec : error_code(error::bad_response), R{});
                else std::move(h)(error_code{}, std::move(*o.value));
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
    s.body = json::serialize(json::value_from(p));
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
std::function<R(json::object&)> decode_body() {
    return [](json::object& body) { return json::value_to<R>(json::value(std::move(body))); };
}

template <class R>
std::function<R(json::object&)> decode_member(std::string_view key) {
    return [key](json::object& body) { return decode_field<R>(body, key); };
}

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

pool_counters client::stats() const { return impl_->http.pool().stats(); }

template <class R, class P>
asio::awaitable<R> client::await_result(client self, start_fn<R, P> start, P p) {
    diagnostics diag;
    auto token = asio::as_tuple(asio::use_awaitable);
    auto [ec, r] = co_await asio::async_initiate<decltype(token), void(error_code, R)>(
        [&](auto h) { (self.*start)(std::move(p), &diag, handler<R>(std::move(h))); }, token);
    if (ec) throw api_error(ec, std::move(diag));
    co_return std::move(r);
}

#define OWO_AWAITABLE(name, params_type, result_type)                                              \
    asio::awaitable<result_type> client::name(params_type p) const {                                \
        return await_result<result_type, params_type>(*this, &client::start_##name, std::move(p)); \
    }
OWO_AWAITABLE(customer, customer_params, owo::customer)
OWO_AWAITABLE(get_customer, std::string, owo::customer)
OWO_AWAITABLE(attach, attach_params, attach_result)
OWO_AWAITABLE(check, check_params, check_result)
OWO_AWAITABLE(track, track_params, track_result)
OWO_AWAITABLE(add_entity, add_entity_params, add_entity_result)
OWO_AWAITABLE(remove_entity, remove_entity_params, remove_entity_result)
OWO_AWAITABLE(list_entities, list_entities_params, list_entities_result)
OWO_AWAITABLE(plans, plans_params, std::vector<owo::plan>)
OWO_AWAITABLE(plan, std::string, owo::plan)
#undef OWO_AWAITABLE

void client::start_customer(customer_params p, diagnostics* d, handler<owo::customer> h) const {
    auto invalid = first_problem({check_email("email", p.email), check_optional_identifier("id", p.id),
                                  check_key(p.idempotency_key)});
    operation<owo::customer> op{
        post(*impl_, {"customers"}, p, retry_safety::idempotent),
        [self = *this](json::object& body) {
            return owo::customer(self, json::value_to<customer_record>(json::value(std::move(body))));
        },
        {}};
    launch(impl_, std::move(invalid), std::move(op), d, std::move(h));
}

void client::start_get_customer(std::string id, diagnostics* d, handler<owo::customer> h) const {
    operation<owo::customer> op{
        get(*impl_, {"customers", id}),
        [self = *this](json::object& body) {
            return owo::customer(self, json::value_to<customer_record>(json::value(std::move(body))));
        },
        {}};
    launch(impl_, check_identifier("customer id", id), std::move(op), d, std::move(h));
}

void client::start_attach(attach_params p, diagnostics* d, handler<attach_result> h) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_identifier("product", p.product),
                                  check_customer_data(p.customer_data), check_key(p.idempotency_key)});
    operation<attach_result> op{post(*impl_, {"attach"}, p, retry_safety::idempotent), decode_body<attach_result>(), {}};
    launch(impl_, std::move(invalid), std::move(op), d, std::move(h));
}

void client::start_check(check_params p, diagnostics* d, handler<check_result> h) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                                  check_optional_identifier("entity", p.entity), check_number("value", p.value),
                                  check_customer_data(p.customer_data), check_key(p.idempotency_key)});
    auto safety = p.send_event.value_or(false) ? retry_safety::counts_usage : retry_safety::idempotent;
    operation<check_result> op{post(*impl_, {"check"}, p, safety), decode_body<check_result>(), {}};
    launch(impl_, std::move(invalid), std::move(op), d, std::move(h));
}

void client::start_track(track_params p, diagnostics* d, handler<track_result> h) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                                  check_optional_identifier("entity", p.entity), check_number("value", p.value),
                                  check_customer_data(p.customer_data), check_key(p.idempotency_key)});
    operation<track_result> op{post(*impl_, {"track"}, p, retry_safety::counts_usage), decode_body<track_result>(), {}};
    launch(impl_, std::move(invalid), std::move(op), d, std::move(h));
}

void client::start_add_entity(add_entity_params p, diagnostics* d, handler<add_entity_result> h) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                                  check_identifier("entity", p.entity), check_key(p.idempotency_key)});
    operation<add_entity_result> op{
        post(*impl_, {"entities"}, p, retry_safety::entity_add), decode_body<add_entity_result>(),
        [entity = p.entity, feature = p.feature](const call_result& r) -> std::optional<add_entity_result> {
            // An earlier attempt added it, then its answer was lost: the desired state holds.
            if (r.ec != error::entity_exists || !r.earlier_attempt_may_have_applied) return std::nullopt;
            add_entity_result done;
            done.entity_id = entity;
            done.feature_id = feature;
            done.already_present = true;
            return done;
        }};
    launch(impl_, std::move(invalid), std::move(op), d, std::move(h));
}

void client::start_remove_entity(remove_entity_params p, diagnostics* d, handler<remove_entity_result> h) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_identifier("feature", p.feature),
                                  check_identifier("entity", p.entity), check_key(p.idempotency_key)});
    operation<remove_entity_result> op{
        post(*impl_, {"entities", "remove"}, p, retry_safety::entity_remove), decode_body<remove_entity_result>(),
        [entity = p.entity](const call_result& r) -> std::optional<remove_entity_result> {
            if (r.ec != error::entity_not_found || !r.earlier_attempt_may_have_applied) return std::nullopt;
            remove_entity_result done;
            done.entity_id = entity;
            done.already_removed = true;
            return done;
        }};
    launch(impl_, std::move(invalid), std::move(op), d, std::move(h));
}

void client::start_list_entities(list_entities_params p, diagnostics* d, handler<list_entities_result> h) const {
    auto invalid = first_problem({check_identifier("customer", p.customer), check_optional_identifier("feature", p.feature)});
    query_params q{{"customer", p.customer}};
    if (p.feature) q.emplace_back("feature", *p.feature);
    operation<list_entities_result> op{get(*impl_, {"entities"}, q), decode_body<list_entities_result>(), {}};
    launch(impl_, std::move(invalid), std::move(op), d, std::move(h));
}

void client::start_plans(plans_params p, diagnostics* d, handler<std::vector<owo::plan>> h) const {
    auto invalid = first_problem({check_optional_identifier("group", p.group),
                                  check_optional_identifier("interval", p.interval),
                                  check_optional_identifier("currency", p.currency)});
    query_params q;
    if (p.group) q.emplace_back("group", *p.group);
    if (p.interval) q.emplace_back("interval", *p.interval);
    if (p.currency) q.emplace_back("currency", *p.currency);
    if (p.include_inactive) q.emplace_back("includeInactive", "true");
    operation<std::vector<owo::plan>> op{get(*impl_, {"plans"}, q), decode_member<std::vector<owo::plan>>("plans"), {}};
    launch(impl_, std::move(invalid), std::move(op), d, std::move(h));
}

void client::start_plan(std::string slug, diagnostics* d, handler<owo::plan> h) const {
    operation<owo::plan> op{get(*impl_, {"plans", slug}), decode_member<owo::plan>("plan"), {}};
    launch(impl_, check_identifier("plan slug", slug), std::move(op), d, std::move(h));
}

} // namespace owo
