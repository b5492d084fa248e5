// Customer rules every route shares: resolving an identifier (internal id, external id, email),
// creating a customer with its auto-enabled plans, and reading customerData.
#pragma once

#include "domain/body_validator.hpp"
#include "domain/result.hpp"
#include "domain/tenant.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace owo::local {

/// internal id -> external id -> email (case-insensitive, only for identifiers with '@').
/// None when no customer matches; a conflict when several match at the first level that matches.
result<std::optional<customer_row>> resolve_customer(const tenant& t, const std::string& identifier);

/// Creates a customer (lower-cased email, name defaulting to the local part) and subscribes it
/// to the catalog's auto-enabled plans.
customer_row create_customer(const tenant& t, const std::string& email, std::optional<std::string> external_id,
                             std::optional<std::string> name, std::optional<boost::json::object> metadata,
                             std::optional<std::string> external_organization_id = std::nullopt);

/// An email as stored and compared: lower-cased.
std::string normalized_email(std::string email);

/// The 409 for an identifier that several customers match at one level ("external id", "email").
domain_error ambiguous_customer(const std::string& org, const char* field, const std::string& value);

/// Resolves `identifier`, creating the customer from `customer_data` ({email, name?, metadata?}),
/// or from the identifier itself when `create_for_email` and it is an email, when it is unknown.
result<customer_row> resolve_or_create(const tenant& t, const std::string& identifier,
                                       const std::optional<boost::json::object>& customer_data, bool create_for_email);

/// Validates a customerData object inside `v` (adds issues to `v`).
std::optional<boost::json::object> read_customer_data(body_validator& v);

} // namespace owo::local
