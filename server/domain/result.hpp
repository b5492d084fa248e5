// What the domain rules answer: a value, or a domain_error saying what went wrong in the API's
// terms (its kind, message and extra fields). http/reply.cpp is the one place that turns either
// into an HTTP reply, so no rule picks a status code or writes a body by hand.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace owo::local {

enum class error_kind {
    invalid,              // 400: the rules refuse the request
    validation,           // 400: the body does not fit the schema (Zod's shape, from `issues`)
    structured_validation,   // 400: the same, as {"code":"ValidationError","message":...} (check, track, attach)
    unauthenticated,      // 401
    forbidden,            // 403: the API key lacks the route's scope
    not_found,            // 404: something the request names does not exist
    no_such_page,         // 404 in plain text, the answer for a path nobody serves
    method_not_allowed,   // 405
    conflict,             // 409
    internal,             // 500, no details
};

struct domain_error {
    error_kind kind = error_kind::internal;
    std::string message;
    boost::json::object extra;   // fields after "error", e.g. a limit's figures
    boost::json::array issues;   // validation: Zod's issue list
    /// The whole body instead of {"success":false,"error":...}: for answers that keep the
    /// shape of the route's success answer (track's unknown customer).
    std::optional<boost::json::object> body;
};

/// A T or the domain_error that prevented it.
template <class T>
class result {
public:
    // Never a result itself, so copies and moves stay the copy and move constructors (of a
    // result<bool>, say, which T could be built from). clang-tidy 14 sees only enable_if.
    template <class U>
        requires(!std::is_same_v<std::remove_cvref_t<U>, result> && std::is_constructible_v<T, U&&>)
    // NOLINTNEXTLINE(bugprone-forwarding-reference-overload)
    result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}
    result(domain_error e) : v_(std::in_place_index<1>, std::move(e)) {}

    explicit operator bool() const { return v_.index() == 0; }
    T& operator*() { return std::get<0>(v_); }
    T* operator->() { return &std::get<0>(v_); }
    domain_error& error() { return std::get<1>(v_); }

private:
    std::variant<T, domain_error> v_;
};

} // namespace owo::local
