// quoted_printable.cpp — see quoted_printable.hpp.
#include "codec/quoted_printable.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace mailsim::codec {

namespace {

constexpr int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;  // lower case: tolerated on input (RFC 2045 §6.7 (1))
    return -1;
}

// Why byte i is encoded (a text key), or "" when it stays as it is.
// `line_end` says whether the next bytes end the line (CRLF or the end).
std::string_view reason_for(std::string_view data, size_t i, bool binary) {
    auto c = static_cast<unsigned char>(data[i]);
    bool at_line_end = i + 1 == data.size() || (!binary && data.compare(i + 1, 2, "\r\n") == 0);
    if (c == '=') return "codec.qp.reason.equals";
    if (c >= 0x80) return "codec.qp.reason.non_ascii";
    if (c == ' ' || c == '\t') return at_line_end ? "codec.qp.reason.trailing_space" : std::string_view{};
    if (c < 0x20 || c == 0x7F) return "codec.qp.reason.control";
    return {};
}

}  // namespace

std::vector<QpStep> explain_qp(std::string_view data, bool binary) {
    std::vector<QpStep> steps;
    size_t col = 0;
    for (size_t i = 0; i < data.size(); ++i) {
        QpStep s;
        s.byte = static_cast<unsigned char>(data[i]);
        if (!binary && data.compare(i, 2, "\r\n") == 0) {
            s.output = "\r\n";
            s.reason = "codec.qp.reason.line_break";
            steps.push_back(s);
            QpStep lf;
            lf.byte = '\n';
            lf.reason = "codec.qp.reason.line_break";
            steps.push_back(lf);
            ++i;
            col = 0;
            continue;
        }
        std::string_view why = reason_for(data, i, binary);
        std::string piece = why.empty() ? std::string(1, data[i])
                                        : std::string{'=', kHexDigits[s.byte >> 4], kHexDigits[s.byte & 15]};
        // A line may hold 76 characters; "=" of a soft break counts among them.
        bool last_on_line = i + 1 == data.size() || (!binary && data.compare(i + 1, 2, "\r\n") == 0);
        size_t limit = last_on_line ? 76 : 75;
        if (col + piece.size() > limit) {
            s.output = "=\r\n";
            col = 0;
            s.reason = why.empty() ? "codec.qp.reason.soft_break" : std::string(why);
            s.output += piece;
            col += piece.size();
            steps.push_back(s);
            continue;
        }
        s.output = piece;
        s.reason = why.empty() ? "codec.qp.reason.kept" : std::string(why);
        col += piece.size();
        steps.push_back(s);
    }
    return steps;
}

namespace {

// How the encoder treats each byte: kept, always =XX, or (space and tab)
// =XX only at the end of a line. The same rules as reason_for(), as a table.
enum : unsigned char { kKeep = 0, kEscape = 1, kSpace = 2 };
constexpr std::array<unsigned char, 256> kClass = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 256; ++c)
        t[static_cast<size_t>(c)] = c == '=' || c >= 0x80 || ((c < 0x20 || c == 0x7F) && c != ' ' && c != '\t') ? kEscape
                                    : c == ' ' || c == '\t'                                                    ? kSpace
                                                                                                                 : kKeep;
    return t;
}();

// Eight bytes at a time (SWAR): whether any of them is outside 0x20..0x7E or
// is `special`. Such a word is then looked at byte by byte.
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighs = 0x8080808080808080ull;
inline std::uint64_t load8(const unsigned char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}
// The high bit of each zero byte of v; exact up to the first one (a borrow
// may mark bytes above it), which is all first_marked_byte() reads.
inline std::uint64_t zero_bytes(std::uint64_t v) { return (v - kOnes) & ~v & kHighs; }
inline bool has_zero_byte(std::uint64_t v) { return zero_bytes(v) != 0; }
// A hex digit's value, or 0xFF: hex_value() as a table, for the decoder.
constexpr std::array<unsigned char, 256> kHexValue = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 256; ++c) {
        int v = hex_value(static_cast<char>(c));
        t[static_cast<size_t>(c)] = v < 0 ? 0xFF : static_cast<unsigned char>(v);
    }
    return t;
}();
// Which byte of the word, in memory order, is the first marked one.
inline size_t first_marked_byte(std::uint64_t marks) {
    if constexpr (std::endian::native == std::endian::little)
        return static_cast<size_t>(std::countr_zero(marks)) / 8;
    else
        return static_cast<size_t>(std::countl_zero(marks)) / 8;
}
inline bool all_printable_except(std::uint64_t v, unsigned char special) {
    const std::uint64_t below_space = (v - kOnes * 0x20) & ~v & kHighs;   // a byte < 0x20
    const std::uint64_t from_del = ((v + kOnes * (127 - 0x7E)) | v) & kHighs;  // a byte > 0x7E
    return !(below_space | from_del) && !has_zero_byte(v ^ (kOnes * special));
}

// Copies the bytes from i that the encoder keeps as they are, up to the
// first it must escape or `end`, to o; returns where it stopped. Words are
// stored whole (the output has room): no call for a run of a few bytes.
inline size_t copy_plain_run(const unsigned char* p, size_t i, size_t end, char*& o) {
    for (;;) {
        for (std::uint64_t v; i + 8 <= end && all_printable_except(v = load8(p + i), '=');) {
            std::memcpy(o, &v, 8);
            o += 8;
            i += 8;
        }
        // A word with a tab, or the last few bytes: one at a time.
        for (const size_t stop = std::min(end, i + 8); i < stop; ++i) {
            if (kClass[p[i]] == kEscape) return i;
            *o++ = static_cast<char>(p[i]);
        }
        if (i >= end) return end;
    }
}

}  // namespace

std::string qp_encode(std::string_view data, bool binary) {
    std::string out;
    qp_encode_into(data, out, binary);
    return out;
}

// The same output as joining explain_qp()'s steps (a test holds them to
// it), written straight into a buffer of the largest size it can need:
// each byte at most 3 characters, plus a soft break a line.
void qp_encode_into(std::string_view data, std::string& out, bool binary) {
    const size_t n = data.size();
    out.resize(n * 3 + n * 3 / 75 * 3 + 8);
    char* o = out.data();
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    for (size_t s = 0; s < n;) {
        // One line [s, e): in text mode up to the next CRLF, which stays a line break.
        size_t e = n;
        if (!binary)
            for (size_t k = s; k < n;) {
                const void* cr = std::memchr(p + k, '\r', n - k);
                if (!cr) break;
                k = static_cast<size_t>(static_cast<const unsigned char*>(cr) - p);
                if (k + 1 < n && p[k + 1] == '\n') {
                    e = k;
                    break;
                }
                ++k;
            }
        size_t col = 0;
        for (size_t i = s; i < e;) {
            // Bytes that need no escape and are not the line's last go as
            // they are, up to column 75 (the 76th is for a soft break's "=").
            const size_t j = copy_plain_run(p, i, std::min(e - 1, i + (75 - col)), o);
            col += j - i;
            i = j;
            // Byte i: one to escape, the line's last, or one at column 75.
            const unsigned char c = p[i];
            const bool last = i + 1 == e;
            const bool escape = kClass[c] == kEscape || (kClass[c] == kSpace && last);
            const size_t width = escape ? 3 : 1;
            if (col + width > (last ? 76u : 75u)) {
                *o++ = '=';
                *o++ = '\r';
                *o++ = '\n';
                col = 0;
            }
            if (!escape) {
                *o++ = static_cast<char>(c);
                ++col;
                ++i;
                continue;
            }
            // This byte escaped, then the bytes after it that must be escaped
            // too (the rest of a UTF-8 character), while they fit on the line.
            unsigned char d = c;
            do {
                *o++ = '=';
                *o++ = kHexDigits[d >> 4];
                *o++ = kHexDigits[d & 15];
                col += 3;
                ++i;
            } while (i < e && kClass[d = p[i]] == kEscape && col + 3 <= (i + 1 == e ? 76u : 75u));
        }
        if (e == n) break;
        *o++ = '\r';
        *o++ = '\n';
        s = e + 2;
    }
    out.resize(static_cast<size_t>(o - out.data()));
}

std::string qp_decode(std::string_view text, std::vector<CodecError>* errors) {
    std::string out;
    qp_decode_into(text, out, errors);
    return out;
}

// Never longer than its input, so written through a pointer into a buffer
// of the input's size, eight bytes at a time where none is '=' or LF.
// Trailing white space on a line is not part of the data (RFC 2045 §6.7
// (3)): at each line end the spaces and tabs just copied are taken back,
// never those an escape made (`guard`).
void qp_decode_into(std::string_view text, std::string& out, std::vector<CodecError>* errors) {
    const size_t n = text.size();
    out.resize(n);
    char* o = out.data();
    char* guard = o;         // output below this stays: earlier lines, escapes
    size_t line_start = 0;   // input offset where the current line began
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    auto is_ws = [](unsigned char c) { return c == ' ' || c == '\t'; };
    auto take_back_trailing = [&](size_t at) {  // at: the line's end, a LF or n
        if (o > guard && at > line_start && p[at - 1] == '\r') --o;
        while (o > guard && is_ws(static_cast<unsigned char>(o[-1]))) --o;
    };
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            // Copy the word whole; keep what stands before its first '=' or LF.
            const std::uint64_t v = load8(p + i);
            const std::uint64_t m = zero_bytes(v ^ (kOnes * '=')) | zero_bytes(v ^ (kOnes * '\n'));
            std::memcpy(o, p + i, 8);
            if (!m) {
                o += 8;
                i += 8;
                continue;
            }
            const size_t k = first_marked_byte(m);
            o += k;
            i += k;
        }
        const unsigned char c = p[i];
        if (c == '\n') {  // a line break, kept as it came ("\r\n" or "\n")
            take_back_trailing(i);
            if (i > line_start && p[i - 1] == '\r') *o++ = '\r';
            *o++ = '\n';
            line_start = ++i;
            guard = o;
            continue;
        }
        if (c != '=') {
            *o++ = static_cast<char>(c);
            ++i;
            continue;
        }
        // "=XX", and the ones right after it (a UTF-8 character is a run of
        // them): a table look-up each. Anything else after "=" goes below.
        if (i + 2 < n && (kHexValue[p[i + 1]] | kHexValue[p[i + 2]]) != 0xFF) {
            do {
                *o++ = static_cast<char>(kHexValue[p[i + 1]] << 4 | kHexValue[p[i + 2]]);
                i += 3;
            } while (i + 2 < n && p[i] == '=' && (kHexValue[p[i + 1]] | kHexValue[p[i + 2]]) != 0xFF);
            guard = o;
            continue;
        }
        // "=" then only white space to the line's end: a soft line break.
        size_t j = i + 1;
        while (j < n && is_ws(p[j])) ++j;
        if (j == n || p[j] == '\n' || (p[j] == '\r' && (j + 1 == n || p[j + 1] == '\n'))) {
            const void* lf = std::memchr(p + j, '\n', n - j);
            i = lf ? static_cast<size_t>(static_cast<const unsigned char*>(lf) - p) + 1 : n;
            line_start = i;
            guard = o;
            continue;
        }
        const int hi = i + 1 < n ? hex_value(static_cast<char>(p[i + 1])) : -1;
        const int lo = i + 2 < n ? hex_value(static_cast<char>(p[i + 2])) : -1;
        if (hi >= 0 && lo >= 0) {
            *o++ = static_cast<char>(hi * 16 + lo);
            i += 3;
            guard = o;
            continue;
        }
        if (errors) {  // what follows the "=" on its line, trailing white space aside
            const void* lf = std::memchr(p + i, '\n', n - i);
            size_t end = lf ? static_cast<size_t>(static_cast<const unsigned char*>(lf) - p) : n;
            if (end > i + 1 && p[end - 1] == '\r') --end;
            while (end > i + 1 && is_ws(p[end - 1])) --end;
            errors->push_back({i, fmt::format("\"={}\" is not an =XX escape; kept as it is",
                                              text.substr(i + 1, std::min<size_t>(2, end - i - 1)))});
        }
        *o++ = '=';
        ++i;
    }
    take_back_trailing(n);
    out.resize(static_cast<size_t>(o - out.data()));
}

}  // namespace mailsim::codec
