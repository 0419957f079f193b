// quoted_printable.cpp — see quoted_printable.hpp.
#include "codec/quoted_printable.hpp"

#include <array>
#include <cstring>

#include <fmt/format.h>

namespace mailsim::codec {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

int hex_value(char c) {
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
                                        : std::string{'=', kHex[s.byte >> 4], kHex[s.byte & 15]};
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

std::string qp_encode(std::string_view data, bool binary) {
    std::string out;
    qp_encode_into(data, out, binary);
    return out;
}

void qp_encode_into(std::string_view data, std::string& out, bool binary) {
    // The same output as joining explain_qp()'s steps, written straight into
    // a buffer: each byte at most 3 characters, plus a soft break a line.
    out.resize(data.size() * 3 + data.size() * 3 / 75 * 3 + 8);
    char* o = out.data();
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    const size_t n = data.size();
    size_t col = 0;
    for (size_t i = 0; i < n; ++i) {
        const unsigned char c = p[i];
        const bool crlf_next = !binary && i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n';
        if (!binary && c == '\r' && i + 1 < n && p[i + 1] == '\n') {  // a line break stays one
            *o++ = '\r';
            *o++ = '\n';
            ++i;
            col = 0;
            continue;
        }
        const bool last_on_line = i + 1 == n || crlf_next;
        const unsigned char cls = kClass[c];
        const bool escape = cls == kEscape || (cls == kSpace && last_on_line);
        const size_t width = escape ? 3 : 1;
        if (col + width > (last_on_line ? 76u : 75u)) {  // "=" of a soft break counts among the 76
            *o++ = '=';
            *o++ = '\r';
            *o++ = '\n';
            col = 0;
        }
        if (escape) {
            *o++ = '=';
            *o++ = kHex[c >> 4];
            *o++ = kHex[c & 15];
        } else {
            *o++ = static_cast<char>(c);
        }
        col += width;
    }
    out.resize(static_cast<size_t>(o - out.data()));
}

std::string qp_decode(std::string_view text, std::vector<CodecError>* errors) {
    std::string out;
    qp_decode_into(text, out, errors);
    return out;
}

void qp_decode_into(std::string_view text, std::string& out, std::vector<CodecError>* errors) {
    // Never longer than its input: written through a pointer, runs copied whole.
    out.resize(text.size());
    char* o = out.data();
    size_t i = 0;
    while (i < text.size()) {
        // Trailing white space on a line is not part of the data (RFC 2045 §6.7 (3)).
        const size_t eol = text.find('\n', i);
        const size_t line_end = eol == std::string_view::npos ? text.size() : eol;
        const size_t content_end = line_end > i && text[line_end - 1] == '\r' ? line_end - 1 : line_end;
        size_t trimmed = content_end;
        while (trimmed > i && (text[trimmed - 1] == ' ' || text[trimmed - 1] == '\t')) --trimmed;
        bool soft = false;
        for (size_t k = i; k < trimmed;) {
            const void* eq = std::memchr(text.data() + k, '=', trimmed - k);
            const size_t at = eq ? static_cast<size_t>(static_cast<const char*>(eq) - text.data()) : trimmed;
            std::memcpy(o, text.data() + k, at - k);
            o += at - k;
            k = at;
            if (k == trimmed) break;
            if (k + 1 == trimmed) {  // "=" at the end of the line: a soft line break
                soft = true;
                break;
            }
            const int hi = hex_value(text[k + 1]);
            const int lo = k + 2 < trimmed ? hex_value(text[k + 2]) : -1;
            if (hi < 0 || lo < 0) {
                if (errors)
                    errors->push_back({k, fmt::format("\"={}\" is not an =XX escape; kept as it is",
                                                      text.substr(k + 1, std::min<size_t>(2, trimmed - k - 1)))});
                *o++ = '=';
                ++k;
                continue;
            }
            *o++ = static_cast<char>(hi * 16 + lo);
            k += 3;
        }
        if (eol == std::string_view::npos) break;
        if (!soft) {  // the line break itself, as it came
            std::memcpy(o, text.data() + content_end, line_end + 1 - content_end);
            o += line_end + 1 - content_end;
        }
        i = eol + 1;
    }
    out.resize(static_cast<size_t>(o - out.data()));
}

}  // namespace mailsim::codec
