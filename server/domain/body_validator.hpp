// Reads a JSON request body the way the hosted service's Zod schemas do, collecting every
// issue instead of stopping at the first; unknown keys are refused ([local] strictness).
#pragma once

#include "domain/result.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace owo::local {

/// One validation issue in Zod's shape (code, path, message and code-specific fields).
boost::json::object issue(std::string_view code, boost::json::array path, std::string_view message);

/// Zod 4's issue for a value outside an inclusive bound: too_small (`below`) or too_big, with
/// origin "number" or "string" (a length) and Zod's message unless `message` is given.
boost::json::object bound_issue(boost::json::array path, std::string_view origin, bool below, std::int64_t bound,
                                std::string_view message = {});
/// Zod 4's invalid_value issue for a value that is none of `values`.
boost::json::object invalid_option_issue(boost::json::array path, std::initializer_list<std::string_view> values);
/// Zod 4's invalid_type issue for a value that is not an integer.
boost::json::object expected_int_issue(boost::json::array path, std::string_view received);

/// A validation error (400, Zod's shape) carrying `issues`.
domain_error validation_error(boost::json::array issues);

class body_validator {
public:
    /// `allowed` lists every key the schema knows; anything else is an `unrecognized_keys` issue.
    body_validator(const boost::json::value& body, std::initializer_list<std::string_view> allowed);

    std::string required_string(std::string_view key);
    std::optional<std::string> optional_string(std::string_view key);
    std::string required_email(std::string_view key);
    std::optional<double> optional_number(std::string_view key);
    std::optional<bool> optional_bool(std::string_view key);
    std::optional<boost::json::object> optional_object(std::string_view key);
    /// An email when present (the same rules as required_email).
    std::optional<std::string> optional_email(std::string_view key);
    /// A string within the identifier rules (1-255 bytes, no control characters).
    std::string required_identifier(std::string_view key);
    std::optional<std::string> optional_identifier(std::string_view key);
    /// Absent: nullopt; `null`: an empty optional (clear the value); a string: an identifier.
    std::optional<std::optional<std::string>> optional_nullable_identifier(std::string_view key);
    /// A JSON integer (no fraction) >= `minimum`.
    std::optional<std::int64_t> optional_integer(std::string_view key, std::int64_t minimum);
    /// One of `values`.
    std::optional<std::string> optional_enum(std::string_view key, std::initializer_list<std::string_view> values);
    /// A nested object validated by `nested` (same rules), e.g. customerData.
    const boost::json::value* nested(std::string_view key);
    void merge(const body_validator& nested_validator, std::string_view key);

    bool ok() const { return issues_.empty(); }
    domain_error error() const { return validation_error(issues_); }

private:
    const boost::json::value* field(std::string_view key, std::string_view expected);
    void type_issue(std::string_view key, std::string_view expected, const boost::json::value* got);
    void identifier_rules(std::string_view key, const std::string& value);

    const boost::json::object* obj_ = nullptr;
    boost::json::array issues_;
};

} // namespace owo::local
