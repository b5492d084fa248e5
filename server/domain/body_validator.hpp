// Reads a JSON request body the way the hosted service's Zod 4 schemas do: issues in schema
// order, with zod 4's codes, fields and texts. Two local rules go beyond the schemas: unknown
// keys are refused ([local] strictness), and identifiers (ids, emails, entity ids, feature and
// plan keys) must be at most 255 bytes without control characters, numbers at most 1e15 in
// magnitude ([local] hardening; docs/protocol.md §6).
#pragma once

#include "domain/result.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace owo::local {

/// One validation issue: {code, path, message}; code-specific fields go before "path" (zod's order).
boost::json::object issue(std::string_view code, boost::json::array path, std::string_view message);

/// Zod 4's issue for a value outside an inclusive bound: too_small (`below`) or too_big, with
/// origin "number", "string" (a length) or "object" (keys), and Zod's message unless `message`.
boost::json::object bound_issue(boost::json::array path, std::string_view origin, bool below, double bound,
                                std::string_view message = {});
/// Zod 4's invalid_value issue for a value that is none of `values`.
boost::json::object invalid_option_issue(boost::json::array path, std::initializer_list<std::string_view> values);
/// Zod 4's invalid_type issue for a value that is not an integer.
boost::json::object expected_int_issue(boost::json::array path, std::string_view received);

/// A raw-Zod validation error (400) carrying `issues`.
domain_error validation_error(boost::json::array issues);

/// zod 4's `z.string().email()` rule.
bool is_zod_email(std::string_view s);

/// The largest magnitude a number in a request may have ([local] hardening).
inline constexpr double max_abs_number = 1e15;

class body_validator {
public:
    /// `allowed` lists every key the schema knows; anything else is an `unrecognized_keys` issue.
    body_validator(const boost::json::value& body, std::initializer_list<std::string_view> allowed);

    /// z.string() (with .min(min_length) when given). An identifier also gets the local hardening.
    enum class text { identifier, free };
    std::string required_string(std::string_view key, std::size_t min_length = 0, text kind = text::identifier);
    std::optional<std::string> optional_string(std::string_view key, std::size_t min_length = 0, text kind = text::free);
    std::string required_email(std::string_view key);
    std::optional<std::string> optional_email(std::string_view key);
    /// z.string().url()
    std::optional<std::string> optional_url(std::string_view key);
    /// z.number() (.min(minimum) when given); |x| > 1e15 is refused, and so is a number JSON
    /// cannot carry but a parser reads as Infinity (1e400), as zod refuses Infinity.
    std::optional<double> optional_number(std::string_view key, std::optional<double> minimum = std::nullopt);
    std::optional<double> required_number(std::string_view key, std::optional<double> minimum = std::nullopt);
    /// z.number().nullable(): `null` is accepted (and read as absent).
    std::optional<double> optional_nullable_number(std::string_view key);
    /// z.number().int() (.min(minimum)): zod's safeint issue for a fraction.
    std::optional<double> required_int(std::string_view key, double minimum);
    std::optional<bool> optional_bool(std::string_view key);
    std::optional<bool> required_bool(std::string_view key);
    /// z.record(z.string(), z.unknown())
    std::optional<boost::json::object> optional_record(std::string_view key);
    /// z.array(z.string())
    std::optional<std::vector<std::string>> optional_string_array(std::string_view key);
    /// A nested object (an issue when it is not one); validate it with another body_validator
    /// and merge() its issues under `key`.
    /// A non-empty identifier ([local] extension routes: 1-255 bytes, no control characters).
    std::string required_identifier(std::string_view key);
    std::optional<std::string> optional_identifier(std::string_view key);
    /// Absent: nullopt; `null`: an empty optional (clear the value); a string: an identifier.
    std::optional<std::optional<std::string>> optional_nullable_identifier(std::string_view key);
    /// A JSON integer (no fraction) >= `minimum`.
    std::optional<std::int64_t> optional_integer(std::string_view key, std::int64_t minimum);
    /// z.enum(values): anything else, a missing value when required included, is invalid_value.
    std::optional<std::string> optional_enum(std::string_view key, std::initializer_list<std::string_view> values);
    std::optional<std::string> required_enum(std::string_view key, std::initializer_list<std::string_view> values);
    /// z.array(...): the array, whose items the caller validates (each with its own
    /// body_validator, merged under {key, index}).
    const boost::json::array* optional_array(std::string_view key);
    const boost::json::array* required_array(std::string_view key);
    /// The missing-key issue of a required field (zod: expected `expected`, received undefined).
    void require(std::string_view key, std::string_view expected);
    /// A refinement's issue (code "custom") at `path` below this object.
    void refine(boost::json::array path, std::string_view message);
    const boost::json::value* nested(std::string_view key);
    void merge(const body_validator& nested_validator, std::string_view key);
    void merge(const body_validator& nested_validator, const boost::json::array& prefix);

    bool ok() const { return issues_.empty() && !unknown_; }
    /// Every issue (the raw ZodError shape of customers, entities, sync).
    domain_error error() const;
    /// The first field's first issue (the structured shape of attach, check and track).
    domain_error first_error() const;

private:
    boost::json::array all_issues() const;
    const boost::json::value* field(std::string_view key, std::string_view expected);
    std::optional<double> number(std::string_view key, std::optional<double> minimum, bool integral);
    void type_issue(std::string_view key, std::string_view expected, const boost::json::value* got);
    void check_text(std::string_view key, std::string_view s, std::size_t min_length, text kind);

    const boost::json::object* obj_ = nullptr;
    boost::json::array issues_;
    std::optional<boost::json::object> unknown_;   // zod reports unrecognized keys after the fields
};

} // namespace owo::local
