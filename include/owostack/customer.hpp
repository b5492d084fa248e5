// owo::customer — a customer record plus the client it came from.
#pragma once

#include <owostack/client.hpp>

namespace owo {

/// A cheap, copyable handle: the customer's record and its client. Its operations (the
/// customer-scoped rows of operations.hpp) fill in `customer` (the internal id) and forward to
/// the client, with the same three forms.
///
/// An empty handle — default-constructed, moved from, or what a failed operation completes
/// with — has valid() == false, empty accessors, and operations that complete with
/// error::invalid_argument ("empty handle"); nothing in it is undefined.
class customer {
public:
    customer() = default;
    customer(owo::client c, customer_record record);

    bool valid() const noexcept { return client_.impl_ != nullptr && record_ != nullptr; }

    const std::string& id() const noexcept { return record().id; }
    const std::string& email() const noexcept { return record().email; }
    const std::string& name() const noexcept { return record().name; }
    const boost::json::object& metadata() const noexcept { return record().metadata; }
    time_point created_at() const noexcept { return record().created_at; }
    time_point updated_at() const noexcept { return record().updated_at; }
    const std::optional<std::string>& external_id() const noexcept { return record().external_id; }
    const std::optional<std::string>& external_organization_id() const noexcept { return record().external_organization_id; }
    std::int64_t version() const noexcept { return record().version; }
    const customer_record& record() const noexcept { return record_ ? *record_ : empty_record(); }
    const owo::client& client() const noexcept { return client_; }

#define OWOSTACK_HANDLE_client_scope(name, handle, params_, result_)
#define OWOSTACK_HANDLE_customer_scope(name, handle, params_, result_)                                       \
    boost::asio::awaitable<result_> handle(params_ p) const {                                               \
        p.customer = id();                                                                                   \
        return client_.name(std::move(p));                                                                   \
    }                                                                                                        \
    template <detail::token_not_diagnostics Token = boost::asio::deferred_t>                                \
    auto async_##handle(params_ p, Token&& token = {}) const {                                              \
        p.customer = id();                                                                                   \
        return client_.async_##name(std::move(p), std::forward<Token>(token));                              \
    }                                                                                                        \
    template <class Token = boost::asio::deferred_t>                                                        \
    auto async_##handle(params_ p, diagnostics& diag, Token&& token = {}) const {                           \
        p.customer = id();                                                                                   \
        return client_.async_##name(std::move(p), diag, std::forward<Token>(token));                        \
    }
#define OWOSTACK_HANDLE_MEMBERS(name, method_, path_, params_, result_, retry_, scope_, handle_, api_, member_) \
    OWOSTACK_HANDLE_##scope_(name, handle_, params_, result_)
    OWOSTACK_OPERATIONS(OWOSTACK_HANDLE_MEMBERS)
#undef OWOSTACK_HANDLE_MEMBERS
#undef OWOSTACK_HANDLE_customer_scope
#undef OWOSTACK_HANDLE_client_scope

    /// Fetches the record again (GET /v1/customers/{id}).
    boost::asio::awaitable<owo::customer> refresh() const { return client_.get_customer(id()); }
    template <detail::token_not_diagnostics Token = boost::asio::deferred_t>
    auto async_refresh(Token&& token = {}) const {
        return client_.async_get_customer(id(), std::forward<Token>(token));
    }

private:
    static const customer_record& empty_record() noexcept;

    owo::client client_;
    std::shared_ptr<const customer_record> record_;
};

} // namespace owo
