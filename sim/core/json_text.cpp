// json_text.cpp — see json_text.hpp.
#include "core/json_text.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>

#include <nlohmann/json.hpp>

namespace mailsim {

namespace {

// For each byte: 0 copy as is, 1 escape, 2 starts a multi-byte UTF-8 sequence
// (or is invalid there).
constexpr std::array<unsigned char, 256> kClass = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = 1;
    t['"'] = 1;
    t['\\'] = 1;
    for (int c = 0x80; c < 0x100; ++c) t[c] = 2;
    return t;
}();

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
size_t utf8_length(std::string_view s, size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    static const char* hex = "0123456789abcdef";
    size_t start = out.size();
    // Most strings need no escape at all: find the first byte that does.
    size_t run = 0;
    while (run < s.size() && kClass[static_cast<unsigned char>(s[run])] == 0) ++run;
    out.reserve(start + s.size() + 2);
    out += '"';
    if (run == s.size()) {
        out.append(s);
        out += '"';
        return;
    }
    // From here on, `run` is the start of the bytes not yet appended.
    size_t i = run;
    run = 0;
    for (; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        unsigned char k = kClass[c];
        if (k == 0) continue;
        if (k == 2) {
            size_t n = utf8_length(s, i);
            if (n == 0) {
                // Not UTF-8: let nlohmann write it (it puts U+FFFD in place).
                out.resize(start);
                out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                return;
            }
            i += n - 1;
            continue;
        }
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void JsonObject::key(std::string_view k) {
#ifndef NDEBUG
    assert(first_ || k > last_key_);  // sorted, as nlohmann writes them
    last_key_.assign(k);
#endif
    // Keys are the program's own identifiers: nothing in them needs an escape.
    assert(std::all_of(k.begin(), k.end(), [](char c) { return kClass[static_cast<unsigned char>(c)] == 0; }));
    text_ += first_ ? "\"" : ",\"";
    first_ = false;
    text_.append(k);
    text_ += "\":";
}

JsonObject& JsonObject::str(std::string_view k, std::string_view value) {
    key(k);
    append_json_string(text_, value);
    return *this;
}

JsonObject& JsonObject::num(std::string_view k, std::int64_t value) {
    key(k);
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    text_.append(digits, static_cast<size_t>(end - digits));
    return *this;
}

JsonObject& JsonObject::boolean(std::string_view k, bool value) {
    key(k);
    text_ += value ? "true" : "false";
    return *this;
}

JsonObject& JsonObject::raw(std::string_view k, std::string_view json) {
    key(k);
    text_ += json;
    return *this;
}

}  // namespace mailsim
