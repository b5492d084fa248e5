// JSON text as the hosted service's JavaScript writes it: JSON.stringify(value) and
// JSON.stringify(value, null, 2). Numbers are spelt as JavaScript spells them (1.5, not 1.5E0;
// 1e+21), which Boost.JSON's serializer does not do.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace owo::local {

/// String(d) in JavaScript: 1.5, 3, 1e+21, Infinity.
std::string js_number_text(double d);

/// JSON.stringify(v), or JSON.stringify(v, null, indent) when indent > 0.
std::string js_stringify(const boost::json::value& v, int indent = 0);

} // namespace owo::local
