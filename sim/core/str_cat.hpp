// str_cat.hpp — joining a few strings with one allocation.
//
// Replies, trace texts and header lines are made for every message, often
// from four or five pieces. `a + b + c` makes a temporary per `+`, and
// fmt::format grows its output piece by piece; these size the result first.
// For "{}" fields of strings they give the same bytes as fmt::format.
#pragma once

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace mailsim {

inline void str_append(std::string& out, std::initializer_list<std::string_view> parts) {
    size_t n = out.size();
    for (auto p : parts) n += p.size();
    out.reserve(n);
    for (auto p : parts) out.append(p);
}

inline std::string str_cat(std::initializer_list<std::string_view> parts) {
    std::string out;
    str_append(out, parts);
    return out;
}

// A number's decimal digits in a caller's buffer, as fmt's "{}" writes them.
class Decimal {
public:
    explicit Decimal(std::uint64_t v) : size_(static_cast<size_t>(std::to_chars(buf_, buf_ + sizeof buf_, v).ptr - buf_)) {}
    explicit Decimal(std::int64_t v) : size_(static_cast<size_t>(std::to_chars(buf_, buf_ + sizeof buf_, v).ptr - buf_)) {}
    std::string_view view() const { return {buf_, size_}; }
    operator std::string_view() const { return view(); }

private:
    char buf_[24];
    size_t size_;
};

}  // namespace mailsim
