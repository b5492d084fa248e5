// The command line's commands: each a path ("customers get"), its arguments and options, and
// what it runs on the blocking client.
#pragma once

#include <owostack/blocking_client.hpp>

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace owo::cli {

/// A mistake in how the command was called (exit status 2).
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// What was given on the command line, after the command's words.
struct arguments {
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;   ///< --name value
    std::vector<std::string> flags;              ///< --json, --include-inactive ...
    bool json = false;

    std::optional<std::string> value(const std::string& name) const {
        auto it = values.find(name);
        return it == values.end() ? std::nullopt : std::optional(it->second);
    }
    bool flag(const std::string& name) const;
    /// The n-th positional argument.
    const std::string& arg(std::size_t n) const { return positional.at(n); }
};

struct option {
    std::string name;          ///< without the dashes
    std::string value_name;    ///< empty: a flag
    std::string help;
};

struct command {
    std::string path;                       ///< "customers get"
    std::vector<std::string> args;          ///< positional argument names, all required
    std::vector<option> options;
    std::string summary;
    std::function<void(blocking_client&, const arguments&, std::ostream&)> run;
};

/// The commands whose operations this SDK has (commands.cpp).
std::vector<command> all_commands();

} // namespace owo::cli
