// owo::pager — walks a cursor-paged list operation page by page (owo::customer_pager).
#pragma once

#include <owostack/client.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/system_executor.hpp>

#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace owo {

/// Reads every page of the list operation `Op`, one page in memory at a time:
///
///     owo::customer_pager pages(client, {.limit = 100});
///     while (true) {
///         auto page = co_await pages.next();          // std::vector<customer_record>
///         if (page.empty()) break;
///         ...
///     }
///
/// Each page asks for the items after the previous page's cursor (keyset paging), so an item
/// that exists throughout is seen exactly once while others are added or removed.
///
/// `Op` is a row of the operation table whose params have `std::optional<std::string> cursor`
/// (and may have `offset`, used for the first page only) and whose result has `next_cursor`,
/// `has_more` and the member `Items` (a container of one page's items).
///
/// A failed page throws (next) or completes with the error (async_next); asking again retries
/// the same page. A pager is used by one caller at a time and must outlive its pending call.
template <class Op, auto Items>
class pager {
public:
    using params_type = typename Op::params;
    using result_type = typename Op::result;
    using page_type = std::remove_cvref_t<decltype(std::declval<result_type&>().*Items)>;

    pager(owo::client c, params_type p = {}) : client_(std::move(c)), params_(std::move(p)) {}

    /// The next page; empty once every page has been read. Throws owo::api_error.
    boost::asio::awaitable<page_type> next() {
        if (done_) co_return page_type{};
        result_type r = co_await client_.template call<Op>(params_);
        co_return take(r);
    }

    /// The same with any completion token: void(error_code, page_type); throwing tokens
    /// (use_awaitable, use_future, with_diagnostics) get void(exception_ptr, page_type).
    template <detail::token_not_diagnostics Token = boost::asio::deferred_t>
    auto async_next(Token&& token = {}) {
        return start_next(nullptr, std::forward<Token>(token));
    }
    /// The same, filling `diag` on failure.
    template <class Token = boost::asio::deferred_t>
    auto async_next(diagnostics& diag, Token&& token = {}) {
        return start_next(&diag, std::forward<Token>(token));
    }

    /// True once the last page has been returned.
    bool done() const noexcept { return done_; }
    /// The cursor the next page starts from (keep it to resume later); empty before the
    /// second page unless given.
    const std::optional<std::string>& cursor() const noexcept { return params_.cursor; }

private:
    page_type take(result_type& r) {
        if (r.has_more && r.next_cursor && !(r.*Items).empty()) {
            params_.cursor = std::move(r.next_cursor);
            if constexpr (requires { params_.offset.reset(); }) params_.offset.reset();
        } else {
            done_ = true;
        }
        return std::move(r.*Items);
    }

    template <class Token>
    auto start_next(diagnostics* diag, Token&& token) {
        return detail::initiate_call<page_type>(
            std::forward<Token>(token), diag,
            [](pager* self, diagnostics* d, detail::handler<page_type> h) {
                namespace asio = boost::asio;
                asio::any_io_executor fallback = self->client_.get_executor();
                if (!fallback) fallback = asio::system_executor();
                auto ex = asio::get_associated_executor(h, fallback);
                if (self->done_) {
                    asio::post(fallback, asio::bind_executor(ex, [h = std::move(h)]() mutable {
                                   std::move(h)(boost::system::error_code{}, page_type{});
                               }));
                    return;
                }
                auto slot = asio::get_associated_cancellation_slot(h);
                self->client_.template start<Op>(
                    self->params_, d,
                    detail::handler<result_type>(asio::bind_cancellation_slot(
                        slot, asio::bind_executor(ex, [self, h = std::move(h)](boost::system::error_code ec,
                                                                               result_type r) mutable {
                            page_type page;
                            if (!ec) page = self->take(r);
                            std::move(h)(ec, std::move(page));
                        }))));
            },
            this);
    }

    owo::client client_;
    params_type params_;
    bool done_ = false;
};

} // namespace owo
