// Not built: tests/tools/clang_tidy.sh first runs clang-tidy with the project's .clang-tidy on
// this file and requires a finding on every line marked "expect:", so that a check set which no
// longer sees these bugs (the judge_pricing dangling view of issue #28 among them) fails loudly.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

std::optional<std::string> model;

std::size_t view_of_value_or() {
    std::string_view usage = model.value_or("included");   // expect: clang-diagnostic-dangling-gsl
    return usage.size();
}

std::size_t c_str_of_temporary() {
    const char* p = (model.value_or("x") + "y").c_str();
    return std::char_traits<char>::length(p);   // expect: clang-analyzer-cplusplus.InnerPointer
}

std::size_t use_after_move(std::vector<int> v) {
    std::vector<int> w = std::move(v);
    return v.size() + w.size();   // expect: bugprone-use-after-move
}

const std::string& reference_to_temporary() {
    const std::string& r = model.value_or("x");
    return r;   // expect: clang-analyzer-core.StackAddressEscape
}
