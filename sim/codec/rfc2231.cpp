// rfc2231.cpp — see rfc2231.hpp.
#include "codec/rfc2231.hpp"

#include <charconv>

#include <fmt/format.h>

#include "codec/charset.hpp"

namespace mailsim::codec {

namespace {

// Sections past this number are not joined (a hostile header cannot make
// the reader walk a billion missing ones).
constexpr long kMaxSection = 999;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

void note(std::vector<CodecError>* errors, size_t offset, std::string what) {
    if (errors) errors->push_back({offset, std::move(what)});
}

// ext-octet = "%" 2HEXDIG; a "%" not followed by two hex digits stays as written.
std::string percent_decode(std::string_view s, std::string_view name, std::vector<CodecError>* errors, size_t base) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
        int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            note(errors, base + i,
                 fmt::format("{}: \"{}\" at character {} is not a %-escape (% and two hex digits); kept as written", name,
                             s.substr(i, 3), base + i + 1));
            out += '%';
            continue;
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

// The decoded bytes as UTF-8, or `written` (the value as it stands in the header) when they cannot be.
std::string to_utf8(const std::string& bytes, std::string_view charset, std::string_view written, std::string_view name,
                    std::vector<CodecError>* errors) {
    if (charset.empty()) {
        if (convert_charset(bytes, "UTF-8", "UTF-8")) return bytes;
        note(errors, 0, fmt::format("{}: no charset given and the bytes are not UTF-8; kept as written", name));
        return std::string(written);
    }
    auto converted = convert_charset(bytes, charset, "UTF-8");
    if (converted) return *converted;
    note(errors, 0, fmt::format("{}: {}; kept as written", name, converted.error().what));
    return std::string(written);
}

struct Prefix {
    std::string charset, language;
    size_t rest = 0;  // where the %-encoded text starts
    bool found = false;
};

// charset "'" language "'" at the start of an initial extended value.
Prefix read_prefix(std::string_view v) {
    Prefix p;
    size_t a = v.find('\'');
    size_t b = a == std::string_view::npos ? a : v.find('\'', a + 1);
    if (b == std::string_view::npos) return p;
    p.charset = std::string(v.substr(0, a));
    p.language = std::string(v.substr(a + 1, b - a - 1));
    p.rest = b + 1;
    p.found = true;
    return p;
}

// "*", "*N" or "*N*" after a parameter's name: the section number (-1 for a
// lone "*") and whether it is %-encoded; false for any other suffix.
bool read_suffix(std::string_view suffix, long& section, bool& extended) {
    if (suffix == "*") {
        section = -1;
        extended = true;
        return true;
    }
    if (suffix.size() < 2 || suffix[0] != '*') return false;
    suffix.remove_prefix(1);
    extended = suffix.back() == '*';
    if (extended) suffix.remove_suffix(1);
    if (suffix.empty() || (suffix.size() > 1 && suffix[0] == '0')) return false;  // "*01" is no section number
    for (char c : suffix)
        if (c < '0' || c > '9') return false;
    auto [end, ec] = std::from_chars(suffix.data(), suffix.data() + suffix.size(), section);
    return ec == std::errc{} && end == suffix.data() + suffix.size();
}

}  // namespace

ExtendedValue decode_extended_value(std::string_view value, std::vector<CodecError>* errors) {
    ExtendedValue out;
    Prefix p = read_prefix(value);
    if (!p.found)
        note(errors, 0, "extended value without charset'language' in front (UTF-8''%E7%B3%BB…): read as UTF-8");
    out.charset = p.charset;
    out.language = p.language;
    std::string_view rest = value.substr(p.rest);
    out.text = to_utf8(percent_decode(rest, "value", errors, p.rest), p.charset, value, "value", errors);
    return out;
}

std::string parameter_value(const std::map<std::string, std::string>& params, std::string_view name,
                            std::vector<CodecError>* errors) {
    struct Section {
        bool extended;
        const std::string* value;
    };
    std::map<long, Section> sections;
    const std::string* single = nullptr;  // name*=
    const std::string* plain = nullptr;   // name=
    const std::string prefix = std::string(name) + "*";
    if (auto it = params.find(std::string(name)); it != params.end()) plain = &it->second;
    for (auto it = params.lower_bound(prefix); it != params.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it) {
        long n = 0;
        bool extended = false;
        if (!read_suffix(std::string_view(it->first).substr(name.size()), n, extended)) continue;
        if (n < 0) single = &it->second;
        else if (n > kMaxSection)
            note(errors, 0, fmt::format("{}: section {} is past the last one read ({}); left out", it->first, n, kMaxSection));
        else sections[n] = {extended, &it->second};
    }
    if (single) {
        const std::string label = std::string(name) + "*";
        Prefix p = read_prefix(*single);
        if (!p.found)
            note(errors, 0, fmt::format("{}: no charset'language' in front (UTF-8''%E7%B3%BB…); read as UTF-8", label));
        std::string bytes = percent_decode(std::string_view(*single).substr(p.rest), label, errors, p.rest);
        return to_utf8(bytes, p.charset, *single, label, errors);
    }
    if (sections.empty()) return plain ? *plain : std::string{};

    // name*0[*], name*1[*], …: joined as bytes, then converted once (a
    // character's bytes may be split between two sections).
    const std::string label = std::string(name) + "*0";
    std::string charset, bytes, written;
    long expected = 0;
    for (const auto& [n, s] : sections) {
        if (n != expected)
            note(errors, 0, fmt::format("{}: section {} is missing{}; the others joined in order", name, expected,
                                        n > expected + 1 ? fmt::format(" (up to {})", n - 1) : std::string{}));
        expected = n + 1;
        written += *s.value;
        std::string_view v = *s.value;
        const std::string here = fmt::format("{}*{}{}", name, n, s.extended ? "*" : "");
        if (s.extended && n == 0) {
            Prefix p = read_prefix(v);
            if (!p.found)
                note(errors, 0, fmt::format("{}: no charset'language' in front (UTF-8''%E7%B3%BB…); read as UTF-8", here));
            charset = p.charset;
            v.remove_prefix(p.rest);
        }
        bytes += s.extended ? percent_decode(v, here, errors, s.extended && n == 0 ? s.value->size() - v.size() : 0)
                            : std::string(v);
    }
    return to_utf8(bytes, charset, written, label, errors);
}

std::map<std::string, std::string> decoded_parameters(const std::map<std::string, std::string>& params,
                                                      std::vector<CodecError>* errors) {
    std::map<std::string, std::string> out;
    for (const auto& [key, value] : params) {
        const size_t star = key.find('*');
        if (star == std::string::npos) {
            if (!out.count(key)) out[key] = parameter_value(params, key, errors);
            continue;
        }
        const std::string base = key.substr(0, star);
        long n = 0;
        bool extended = false;
        if (base.empty() || !read_suffix(std::string_view(key).substr(star), n, extended)) {
            out[key] = value;  // a name with a "*" that is no RFC 2231 suffix: as written
            continue;
        }
        if (!out.count(base)) out[base] = parameter_value(params, base, errors);
    }
    return out;
}

}  // namespace mailsim::codec
