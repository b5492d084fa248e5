// How the command line shows results: aligned tables for people, one JSON document for --json.
#pragma once

#include <owostack/types.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

namespace owo::cli {

/// Columns padded to their widest cell; no trailing spaces.
class table {
public:
    explicit table(std::vector<std::string> headers) : rows_{std::move(headers)} {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    void print(std::ostream& out) const;

private:
    std::vector<std::vector<std::string>> rows_;
};

/// "2024-05-01T12:00:00Z"; "-" for the epoch (never set).
std::string iso8601(time_point t);
/// 4900 -> "4900", 12.5 -> "12.5"; "-" when absent.
std::string number(std::optional<double> v);

boost::json::value to_json(const customer_record& c);
boost::json::value to_json(const plan& p);
boost::json::value to_json(const entity& e);

/// Field/value lines for one record.
void print_record(std::ostream& out, const customer_record& c);

/// "fetched N customers..." on stderr while a long listing runs: only when stderr is a terminal,
/// only once the listing has taken longer than `delay` (default 1 s; $OWOSTACK_PROGRESS_DELAY_MS
/// overrides it), rewritten in place with \r and erased by clear() or the destructor, so that it
/// never mixes with the output or an error message.
class progress_line {
public:
    progress_line();
    ~progress_line() { clear(); }
    progress_line(const progress_line&) = delete;
    progress_line& operator=(const progress_line&) = delete;

    /// `n` items fetched so far.
    void update(std::size_t n);
    void clear();

private:
    bool tty_;
    std::chrono::steady_clock::duration delay_;
    std::chrono::steady_clock::time_point start_;
    std::size_t shown_ = 0;   ///< width of the line on screen; 0: nothing shown
};

/// One JSON document on one line.
void print_json(std::ostream& out, const boost::json::value& v);

} // namespace owo::cli
