// Reads a JSON request body the way the hosted service's Zod schemas do, collecting every
// issue instead of stopping at the first; unknown keys are refused ([local] strictness).
#pragma once

#include "http/reply.hpp"

#include <boost/json/value.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace owo::local {

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
    /// A nested object validated by `nested` (same rules), e.g. customerData.
    const boost::json::value* nested(std::string_view key);
    void merge(const body_validator& nested_validator, std::string_view key);

    bool ok() const { return issues_.empty(); }
    reply error() const { return validation_reply(issues_); }

private:
    const boost::json::value* field(std::string_view key, std::string_view expected);
    void type_issue(std::string_view key, std::string_view expected, const boost::json::value* got);

    const boost::json::object* obj_ = nullptr;
    boost::json::array issues_;
};

} // namespace owo::local
