// What every conformance case uses: one owostack-local (started once, with this suite's catalog),
// requests over real TLS, and a matcher for answers written down from the hosted route code.
#pragma once

#include <support/http_client.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace conformance {

using owo::test::raw_request;
using owo::test::raw_response;

raw_response call(raw_request r);
raw_response post(const std::string& target, const std::string& body);
raw_response get(const std::string& target);

/// A fresh customer id for this run (no '@').
std::string unique(const std::string& prefix);
/// Creates a customer through POST /v1/customers (auto plans apply); returns its internal id.
std::string make_customer(const std::string& external_id);

/// Pays a paid attach's checkout: fetches its sandbox checkout page ([extension]).
void pay(const raw_response& attach_answer);

/// Checks `r` against `status` and `expected` (JSON text). The answer must have exactly the
/// expected keys, recursively, with equal values, except these placeholders in `expected`:
///   "<string>" any string, "<uuid>" a UUID, "<iso>" an ISO-8601 UTC time with milliseconds,
///   "<number>" any number, "<url>" an https URL.
/// Key order is not compared (clients read JSON objects by key). A customer object may also carry
/// the documented [extension] fields of the customer lifecycle (externalId, externalOrganizationId,
/// version, deletedAt), which hosted clients ignore.
void expect_answer(const raw_response& r, int status, const std::string& expected);

/// The parsed JSON body (the case fails if it is not a JSON object).
boost::json::object body_of(const raw_response& r);

/// The structured validation answer of attach/check/track (entitlements.ts/checkout.ts hooks
/// through lib/validation.ts zodErrorToResponse): 400 with exactly this message.
void expect_structured_400(const raw_response& r, const std::string& message);

/// The raw ZodError answer (hono zod-validator default hook): 400, and `message` is the issue
/// list as JSON.stringify(issues, null, 2) writes it; `issues` is that list as compact JSON.
void expect_zod_400(const raw_response& r, const std::string& issues);

} // namespace conformance
