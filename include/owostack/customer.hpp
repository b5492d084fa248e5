// owo::customer — a customer record plus the client it came from.
#pragma once

#include <owostack/client.hpp>

namespace owo {

/// A cheap, copyable handle: the customer's record and its client. Its operations fill in
/// `customer` (the internal id) and forward to the client, with the same three forms.
class customer {
public:
    /// An empty handle (what a failed operation completes with); valid() is false.
    customer();
    customer(owo::client c, customer_record record);

    bool valid() const noexcept { return client_.impl_ != nullptr; }

    const std::string& id() const noexcept { return record_->id; }
    const std::string& email() const noexcept { return record_->email; }
    const std::string& name() const noexcept { return record_->name; }
    const boost::json::object& metadata() const noexcept { return record_->metadata; }
    time_point created_at() const noexcept { return record_->created_at; }
    time_point updated_at() const noexcept { return record_->updated_at; }
    const customer_record& record() const noexcept { return *record_; }
    const owo::client& client() const noexcept { return client_; }

#define OWO_CUSTOMER_OPERATION(name, params_type, result_type)                                     \
    boost::asio::awaitable<result_type> name(params_type p) const {                                \
        p.customer = id();                                                                         \
        return client_.name(std::move(p));                                                         \
    }                                                                                              \
    template <detail::token_not_diagnostics Token = boost::asio::deferred_t>                      \
    auto async_##name(params_type p, Token&& token = {}) const {                                  \
        p.customer = id();                                                                         \
        return client_.async_##name(std::move(p), std::forward<Token>(token));                    \
    }                                                                                              \
    template <class Token = boost::asio::deferred_t>                                              \
    auto async_##name(params_type p, diagnostics& diag, Token&& token = {}) const {               \
        p.customer = id();                                                                         \
        return client_.async_##name(std::move(p), diag, std::forward<Token>(token));              \
    }

    OWO_CUSTOMER_OPERATION(attach, attach_params, attach_result)
    OWO_CUSTOMER_OPERATION(check, check_params, check_result)
    OWO_CUSTOMER_OPERATION(track, track_params, track_result)
    OWO_CUSTOMER_OPERATION(add_entity, add_entity_params, add_entity_result)
    OWO_CUSTOMER_OPERATION(remove_entity, remove_entity_params, remove_entity_result)
    OWO_CUSTOMER_OPERATION(list_entities, list_entities_params, list_entities_result)
#undef OWO_CUSTOMER_OPERATION

    /// Fetches the record again (GET /v1/customers/{id}).
    boost::asio::awaitable<owo::customer> refresh() const { return client_.get_customer(id()); }
    template <detail::token_not_diagnostics Token = boost::asio::deferred_t>
    auto async_refresh(Token&& token = {}) const {
        return client_.async_get_customer(id(), std::forward<Token>(token));
    }

private:
    owo::client client_;
    std::shared_ptr<const customer_record> record_;
};

} // namespace owo
