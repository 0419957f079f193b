// quoted_printable.cpp — see quoted_printable.hpp.
#include "codec/quoted_printable.hpp"

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

std::string qp_encode(std::string_view data, bool binary) {
    std::string out;
    out.reserve(data.size() + data.size() / 8 + 8);
    for (const auto& s : explain_qp(data, binary)) out += s.output;
    return out;
}

std::string qp_decode(std::string_view text, std::vector<CodecError>* errors) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        // Trailing white space on a line is not part of the data (RFC 2045 §6.7 (3)).
        size_t eol = text.find('\n', i);
        size_t line_end = eol == std::string_view::npos ? text.size() : eol;
        size_t content_end = line_end > i && text[line_end - 1] == '\r' ? line_end - 1 : line_end;
        size_t trimmed = content_end;
        while (trimmed > i && (text[trimmed - 1] == ' ' || text[trimmed - 1] == '\t')) --trimmed;
        bool soft = false;
        for (size_t k = i; k < trimmed; ++k) {
            char c = text[k];
            if (c != '=') {
                out += c;
                continue;
            }
            if (k + 1 == trimmed) {  // "=" at the end of the line: a soft line break
                soft = true;
                break;
            }
            int hi = k + 1 < trimmed ? hex_value(text[k + 1]) : -1;
            int lo = k + 2 < trimmed ? hex_value(text[k + 2]) : -1;
            if (hi < 0 || lo < 0) {
                if (errors)
                    errors->push_back({k, fmt::format("\"={}\" is not an =XX escape; kept as it is",
                                                      text.substr(k + 1, std::min<size_t>(2, trimmed - k - 1)))});
                out += c;
                continue;
            }
            out += static_cast<char>(hi * 16 + lo);
            k += 2;
        }
        if (eol == std::string_view::npos) break;
        if (!soft) out.append(text.substr(content_end, line_end + 1 - content_end));  // the line break itself
        i = eol + 1;
    }
    return out;
}

}  // namespace mailsim::codec
