// reply.cpp — building, printing and parsing SMTP replies.
#include "protocol/smtp/reply.hpp"

#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "core/printable.hpp"

namespace mailsim::smtp {

const std::string& Reply::first_line() const {
    static const std::string none;
    return lines.empty() ? none : lines.front();
}

std::string Reply::summary() const {
    // Sized first: every recipient's result in a queue carries one.
    std::string code_text = std::to_string(code);
    size_t n = code_text.size() + enhanced.size() + 1;
    for (const auto& l : lines) n += l.size() + 3;
    std::string s;
    s.reserve(n);
    s.append(code_text);
    if (!enhanced.empty()) s.append(" ").append(enhanced);
    for (size_t i = 0; i < lines.size(); ++i) s.append(i == 0 ? " " : " / ").append(lines[i]);
    return s;
}

std::string Reply::wire(bool enhanced_codes) const {
    // Written by hand: every reply of every session passes here. Text that
    // quotes the peer keeps none of its control bytes (append_without_controls).
    char digits[3] = {static_cast<char>('0' + code / 100 % 10), static_cast<char>('0' + code / 10 % 10),
                      static_cast<char>('0' + code % 10)};
    bool with_enhanced = enhanced_codes && !enhanced.empty();
    std::string out;
    size_t n = 0;
    for (const auto& l : lines) n += l.size() + enhanced.size() + 8;
    out.reserve(n + 8);
    if (lines.empty()) {
        out.append(digits, 3).append(" ");
        if (with_enhanced) out.append(enhanced).append(" ");
        return out.append("\r\n");
    }
    for (size_t i = 0; i < lines.size(); ++i) {
        out.append(digits, 3);
        out += i + 1 == lines.size() ? ' ' : '-';
        if (with_enhanced) out.append(enhanced).append(" ");
        append_without_controls(out, lines[i]);
        out.append("\r\n");
    }
    return out;
}

namespace {

// Views into tables made once: the codes 000 to 599 and their text keys.
struct CodeTables {
    std::vector<std::string> codes, keys;
    CodeTables() {
        for (int c = 0; c < 600; ++c) {
            codes.push_back(fmt::format("{:03}", c));
            keys.push_back(fmt::format("smtp.reply.{:03}", c));
        }
    }
};
const CodeTables& code_tables() {
    static const CodeTables t;
    return t;
}
size_t code_index(int code) { return static_cast<size_t>(code >= 0 && code < 600 ? code : 0); }

}  // namespace

std::string_view reply_code_text(int code) { return code_tables().codes[code_index(code)]; }
std::string_view reply_code_key(int code) { return code_tables().keys[code_index(code)]; }

protocol::Outgoing Reply::outgoing(bool enhanced_codes) const {
    protocol::Outgoing o;
    o.bytes = wire(enhanced_codes);
    o.verb = reply_code_text(code);
    o.key = reply_code_key(code);
    return o;
}

protocol::Outgoing one_line_outgoing(int code, std::string_view enhanced, std::string_view text) {
    protocol::Outgoing o;
    // As wire() writes one line: code SP [enhanced SP] text CRLF.
    char digits[4] = {static_cast<char>('0' + code / 100 % 10), static_cast<char>('0' + code / 10 % 10),
                      static_cast<char>('0' + code % 10), ' '};
    o.bytes.reserve(4 + enhanced.size() + 1 + text.size() + 2);
    o.bytes.append(digits, 4);
    if (!enhanced.empty()) o.bytes.append(enhanced).append(" ");
    append_without_controls(o.bytes, text);
    o.bytes.append("\r\n");
    o.verb = reply_code_text(code);
    o.key = reply_code_key(code);
    return o;
}

static bool is_code(std::string_view s) {
    return s.size() >= 3 && s[0] >= '1' && s[0] <= '5' && std::isdigit(static_cast<unsigned char>(s[1])) &&
           std::isdigit(static_cast<unsigned char>(s[2]));
}

std::pair<std::string_view, std::string_view> split_enhanced(std::string_view text) {
    // class "." subject "." detail, RFC 3463 §2: 1 digit . 1-3 digits . 1-3 digits
    size_t i = 0;
    auto digits = [&](size_t max) {
        size_t n = 0;
        while (i < text.size() && n < max && text[i] >= '0' && text[i] <= '9') ++i, ++n;
        return n;
    };
    const std::pair<std::string_view, std::string_view> none{{}, text};
    if (text.empty() || (text[0] != '2' && text[0] != '4' && text[0] != '5')) return none;
    i = 1;
    if (i >= text.size() || text[i] != '.') return none;
    ++i;
    if (digits(3) == 0 || i >= text.size() || text[i] != '.') return none;
    ++i;
    if (digits(3) == 0) return none;
    if (i < text.size() && text[i] != ' ') return none;
    return {text.substr(0, i), i < text.size() ? text.substr(i + 1) : std::string_view{}};
}

std::optional<Reply> parse_reply_text(std::string_view text) {
    ReplyParser p;
    size_t start = 0;
    for (;;) {
        size_t nl = text.find('\n', start);
        std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        auto st = p.add_line(line);
        if (st == ReplyParser::Status::malformed) return std::nullopt;
        if (st == ReplyParser::Status::complete) return p.take();
        if (nl == std::string_view::npos) return std::nullopt;
        start = nl + 1;
    }
}

ReplyParser::Status ReplyParser::add_line(std::string_view line) {
    if (!is_code(line) || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
        error_ = fmt::format("not an SMTP reply line: \"{}\"", line.substr(0, 60));
        cur_ = Reply{};
        used_ = 0;
        started_ = false;
        return Status::malformed;
    }
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (started_ && code != cur_.code) {
        error_ = fmt::format("reply code changed inside a multi-line reply: {} then {}", cur_.code, code);
        cur_ = Reply{};
        used_ = 0;
        started_ = false;
        return Status::malformed;
    }
    if (!started_) {  // a new reply: the last one's strings are reused
        cur_.enhanced.clear();
        used_ = 0;
    }
    cur_.code = code;
    started_ = true;
    std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view{};
    auto [enh, rest] = split_enhanced(text);
    if (!enh.empty() && used_ == 0) cur_.enhanced = enh;
    if (used_ < cur_.lines.size()) cur_.lines[used_].assign(rest);
    else cur_.lines.emplace_back(rest);
    ++used_;
    bool last = line.size() == 3 || line[3] == ' ';
    if (!last) return Status::incomplete;
    cur_.lines.resize(used_);
    started_ = false;  // the next line starts the next reply
    return Status::complete;
}

Reply ReplyParser::take() {
    cur_.lines.resize(used_);
    Reply r = std::move(cur_);
    cur_ = Reply{};
    used_ = 0;
    started_ = false;
    return r;
}

}  // namespace mailsim::smtp
