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

/// `s` with ASCII letters lower-cased (emails, currencies: JavaScript's toLowerCase on ASCII).
std::string ascii_lower(std::string s);

/// internal id -> external id -> email (case-insensitive, only for identifiers with '@').
/// None when no customer matches; a conflict when several match at the first level that matches.
result<std::optional<customer_row>> resolve_customer(const tenant& t, const std::string& identifier);

/// Whether a new customer is subscribed to the catalog's auto-enabled plans
/// (lib/customer-auto-plans.ts autoAssignPlansToNewCustomer): yes for customers, check and
/// track; no for attach and entities.
enum class auto_plans { assign, skip };

/// An email as stored and compared: lower-cased.
std::string normalized_email(std::string email);

/// The 409 for an identifier that several customers match at one level ("external ID", "email").
domain_error ambiguous_customer(const std::string& org, const char* field, const std::string& value);

/// Creates a customer (lower-cased email, name defaulting to the local part). With auto plans,
/// a free auto plan becomes an active 30-day subscription and a paid one a pending subscription.
customer_row create_customer(const tenant& t, const std::string& email, std::optional<std::string> external_id,
                             std::optional<std::string> name, std::optional<boost::json::object> metadata, auto_plans plans,
                             std::optional<std::string> external_organization_id = std::nullopt);

/// lib/customers.ts resolveOrCreateCustomer: resolves `identifier`; when unknown, creates the
/// customer from `customer_data` ({email, name?, metadata?}) or, for an identifier containing
/// '@', from the identifier; otherwise not found. A non-email identifier becomes the external id.
result<customer_row> resolve_or_create(const tenant& t, const std::string& identifier,
                                       const std::optional<boost::json::object>& customer_data, auto_plans plans);

/// Resolves `identifier` without creating anything: not found is a 404 "Customer not found".
result<customer_row> resolve_existing(const tenant& t, const std::string& identifier);

/// Validates a customerData object inside `v` (adds issues to `v`).
std::optional<boost::json::object> read_customer_data(body_validator& v);

} // namespace owo::local
