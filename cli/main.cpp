// owostack — the Owostack API from the shell, on owo::blocking_client.
//
//   owostack [--key KEY] [--url URL] [--ca FILE] [--json] COMMAND [ARGS...]
//
// Key, URL and CA come from OWOSTACK_SECRET_KEY, OWOSTACK_API_URL and OWOSTACK_CA_FILE (as
// owo::config::from_env()), and the flags override them. Exit status: 0 success, 1 the API
// refused (its code and message on stderr), 2 a usage error, 3 a network or TLS failure.
// The secret key is never printed.
#include "command.hpp"

#include <boost/asio/error.hpp>

#include <iostream>
#include <set>
#include <sstream>

namespace {

using owo::cli::command;
using owo::cli::usage_error;

enum exit_status { ok = 0, api_failure = 1, usage = 2, network_failure = 3 };

const std::vector<owo::cli::option> global_options{
    {"key", "KEY", "secret API key (default: $OWOSTACK_SECRET_KEY)"},
    {"url", "URL", "API base URL, e.g. https://127.0.0.1:8787/v1 (default: $OWOSTACK_API_URL, else the hosted API)"},
    {"ca", "FILE", "extra trusted CA certificates, PEM (default: $OWOSTACK_CA_FILE)"},
    {"json", "", "print JSON instead of a table (one document; customer listings: one customer per line)"},
    {"help", "", "show help for the command"},
};

std::string usage_line(const command& c) {
    std::string s = "owostack " + c.path;
    for (const auto& a : c.args) s += " " + a;
    if (!c.options.empty()) s += " [OPTIONS]";
    return s;
}

void print_options(std::ostream& out, const std::vector<owo::cli::option>& opts) {
    std::size_t width = 0;
    for (const auto& o : opts) width = std::max(width, o.name.size() + (o.value_name.empty() ? 0 : o.value_name.size() + 1));
    for (const auto& o : opts) {
        std::string left = "--" + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
        out << "  " << left << std::string(width + 4 - left.size(), ' ') << o.help << '\n';
    }
}

/// Help for the commands under `prefix` ("" for all, "customers" for that group).
void print_overview(std::ostream& out, const std::vector<command>& commands, const std::string& prefix) {
    out << "usage: owostack [--key KEY] [--url URL] [--ca FILE] [--json] " << (prefix.empty() ? "COMMAND" : prefix + " COMMAND")
        << " [ARGS...]\n\ncommands:\n";
    std::size_t width = 0;
    for (const auto& c : commands)
        if (c.path.starts_with(prefix)) width = std::max(width, usage_line(c).size());
    for (const auto& c : commands)
        if (c.path.starts_with(prefix)) {
            auto u = usage_line(c);
            out << "  " << u << std::string(width + 2 - u.size(), ' ') << c.summary << '\n';
        }
    out << "\nglobal options:\n";
    print_options(out, global_options);
    out << "\n'owostack COMMAND --help' shows a command's options. Exit status: 0 ok, 1 the API refused,\n"
           "2 usage error, 3 network or TLS failure.\n";
}

void print_help(std::ostream& out, const command& c) {
    out << "usage: " << usage_line(c) << "\n\n" << c.summary << "\n";
    if (!c.options.empty()) {
        out << "\noptions:\n";
        print_options(out, c.options);
    }
    out << "\nglobal options:\n";
    print_options(out, global_options);
}

struct parsed {
    const command* cmd = nullptr;
    std::vector<std::string> words;  ///< the words given (command words, then positional arguments)
    owo::cli::arguments args;
    bool help = false;
};

parsed parse(int argc, char** argv, const std::vector<command>& commands) {
    // Every option that takes a value, so that its value is not read as a word.
    std::set<std::string> takes_value;
    std::set<std::string> known;
    auto learn = [&](const std::vector<owo::cli::option>& opts) {
        for (const auto& o : opts) {
            known.insert(o.name);
            if (!o.value_name.empty()) takes_value.insert(o.name);
        }
    };
    learn(global_options);
    for (const auto& c : commands) learn(c.options);

    parsed p;
    auto& words = p.words;
    std::vector<std::pair<std::string, std::string>> given;   // option name, value ("" for flags)
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            p.help = true;
        } else if (a == "--") {
            for (++i; i < argc; ++i) words.emplace_back(argv[i]);
        } else if (a.starts_with("--")) {
            std::string name = a.substr(2), value;
            bool inline_value = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name.resize(eq);
                inline_value = true;
            }
            if (!known.contains(name)) throw usage_error("unknown option --" + name);
            if (takes_value.contains(name)) {
                if (!inline_value) {
                    if (i + 1 >= argc) throw usage_error("option --" + name + " needs a value");
                    value = argv[++i];
                }
            } else if (inline_value) {
                throw usage_error("option --" + name + " takes no value");
            }
            given.emplace_back(name, value);
        } else if (a.size() > 1 && a[0] == '-') {
            throw usage_error("unknown option " + a);
        } else {
            words.push_back(a);
        }
    }

    // The longest command path the leading words spell.
    std::size_t used = 0;
    for (const auto& c : commands) {
        std::istringstream path(c.path);
        std::size_t n = 0;
        bool match = true;
        for (std::string w; path >> w; ++n)
            if (n >= words.size() || words[n] != w) match = false;
        if (match && n > used) {
            p.cmd = &c;
            used = n;
        }
    }
    if (!p.cmd) return p;

    p.args.positional.assign(words.begin() + std::ptrdiff_t(used), words.end());
    for (const auto& option : given) {
        // Named references, not a structured binding: clang before 16 (clang-tidy's parser)
        // refuses a binding captured by a lambda.
        const std::string& name = option.first;
        const std::string& value = option.second;
        bool global = std::any_of(global_options.begin(), global_options.end(), [&](auto& o) { return o.name == name; });
        bool own = std::any_of(p.cmd->options.begin(), p.cmd->options.end(), [&](auto& o) { return o.name == name; });
        if (!global && !own) throw usage_error("'" + p.cmd->path + "' has no option --" + name);
        if (name == "json") p.args.json = true;
        else if (takes_value.contains(name)) p.args.values[name] = value;
        else p.args.flags.push_back(name);
    }
    return p;
}

int run(int argc, char** argv) {
    auto commands = owo::cli::all_commands();
    parsed p;
    try {
        p = parse(argc, argv, commands);
    } catch (const usage_error& e) {
        std::cerr << "owostack: " << e.what() << "\n(see owostack --help)\n";
        return usage;
    }
    if (!p.cmd) {
        const auto& w = p.words;
        std::string first = w.empty() ? "" : w[0];
        bool group = !first.empty() && std::any_of(commands.begin(), commands.end(),
                                                   [&](const command& c) { return c.path.starts_with(first + " "); });
        if (p.help && (w.empty() || (group && w.size() == 1))) {
            print_overview(std::cout, commands, first);
            return ok;
        }
        if (w.empty()) std::cerr << "owostack: no command given\n\n";
        else if (group && w.size() == 1) std::cerr << "owostack: '" << first << "' needs a subcommand\n\n";
        else {
            std::cerr << "owostack: unknown command '" << (group ? first + " " + w[1] : first) << "'\n"
                      << "(see owostack " << (group ? first + " " : "") << "--help)\n";
            return usage;
        }
        print_overview(std::cerr, commands, group ? first : "");
        return usage;
    }
    if (p.help) {
        print_help(std::cout, *p.cmd);
        return ok;
    }
    const auto& a = p.args;
    if (a.positional.size() != p.cmd->args.size()) {
        std::cerr << "owostack: '" << p.cmd->path << "' takes " << p.cmd->args.size() << " argument(s), "
                  << a.positional.size() << " given\nusage: " << usage_line(*p.cmd) << '\n';
        return usage;
    }

    auto cfg = owo::config::from_env();
    if (auto v = a.value("key")) cfg.secret_key = *v;
    if (auto v = a.value("url")) cfg.api_url = *v;
    if (auto v = a.value("ca")) cfg.ca_file = *v;
    if (cfg.secret_key.empty()) {
        std::cerr << "owostack: no API key: set OWOSTACK_SECRET_KEY or pass --key\n";
        return usage;
    }
    try {
        owo::blocking_client client(cfg);
        p.cmd->run(client, a, std::cout);
        return ok;
    } catch (const usage_error& e) {
        std::cerr << "owostack: " << e.what() << '\n';
        return usage;
    } catch (const owo::api_error& e) {
        auto ec = e.code();
        const auto& d = e.diag();
        if (ec == owo::error::invalid_argument) {   // judged before sending: the input or the configuration
            std::cerr << "owostack: " << (d.message.empty() ? ec.message() : d.message) << '\n';
            return usage;
        }
        bool network = ec.category() != owo::get_error_category() || ec == owo::error::timeout ||
                       ec == owo::error::pool_exhausted;
        if (network) {
            std::cerr << "owostack: cannot reach " << (cfg.api_url.empty() ? "the API" : cfg.api_url) << ": " << (d.message.empty() ? ec.message() : d.message)
                      << '\n';
            return network_failure;
        }
        std::cerr << "owostack: " << (d.code.empty() ? "error" : d.code) << ": " << (d.message.empty() ? ec.message() : d.message);
        if (d.current_version) std::cerr << "; the customer is at version " << *d.current_version;
        if (d.http_status) std::cerr << " (HTTP " << d.http_status << ")";
        std::cerr << '\n';
        return api_failure;
    }
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "owostack: " << e.what() << '\n';
        return api_failure;
    }
}
