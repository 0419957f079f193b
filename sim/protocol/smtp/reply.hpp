// reply.hpp — SMTP replies: a three-digit code, text lines, and (RFC 2034 /
// RFC 3463) an optional enhanced status code "X.Y.Z".
//
//   Reply-line = *( Reply-code "-" [ textstring ] CRLF )
//                Reply-code [ SP textstring ] CRLF          (RFC 5321 §4.2)
//
// The first digit says how it went (2 done, 3 go on, 4 try later, 5 never),
// the second what it is about, the third refines it (§4.2.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/line_framer.hpp"
#include "protocol/outgoing.hpp"

namespace mailsim::smtp {

struct Reply {
    int code = 0;
    std::string enhanced;            // "2.1.5", or empty
    std::vector<std::string> lines;  // text of each line, without code or enhanced code

    Reply() = default;
    // (Not `lines{std::move(text)}`: an initializer list would copy the text.)
    Reply(int c, std::string enh, std::string text) : code(c), enhanced(std::move(enh)) { lines.push_back(std::move(text)); }
    int cls() const { return code / 100; }
    bool positive() const { return code >= 200 && code < 400; }
    bool transient() const { return cls() == 4; }
    bool permanent() const { return cls() == 5; }
    const std::string& first_line() const;
    // "250 2.1.5 Ok" style, one line, for messages and bounces.
    std::string summary() const;
    // The wire form; the enhanced code only if `enhanced_codes` is on.
    std::string wire(bool enhanced_codes) const;
    protocol::Outgoing outgoing(bool enhanced_codes) const;
};

// The wire form and annotation of a one-line reply, made without a Reply:
// the same bytes as Reply(code, enhanced, text).outgoing(true). Pass an
// empty `enhanced` when the session does not send enhanced codes.
protocol::Outgoing one_line_outgoing(int code, std::string_view enhanced, std::string_view text);

// "250", "smtp.reply.250": static text for codes 0 to 599 (others give 000).
std::string_view reply_code_text(int code);
std::string_view reply_code_key(int code);

// Parses "550 5.1.1 No such user" (or "550-..." lines) from a reply-line
// text such as an override in a scenario. nullopt when it is not one.
std::optional<Reply> parse_reply_text(std::string_view text);

// Joins reply lines as they arrive; a complete reply comes out when its
// last line ("250 ..." rather than "250-...") arrives.
class ReplyParser {
public:
    enum class Status { incomplete, complete, malformed };
    Status add_line(std::string_view line);
    // The reply just completed, valid until the next add_line(). Reading it
    // in place (rather than take()) lets the next reply reuse its strings:
    // a client parses every reply of every session.
    const Reply& reply() const { return cur_; }
    Reply take();
    const std::string& error() const { return error_; }

private:
    Reply cur_;
    size_t used_ = 0;  // lines of cur_ filled; later ones are spare buffers
    bool started_ = false;
    std::string error_;
};

// Splits a leading "X.Y.Z " enhanced code off reply text, if there is one.
// Views into `text`: {"5.1.1", "No such user"}, or {"", text}.
std::pair<std::string_view, std::string_view> split_enhanced(std::string_view text);

}  // namespace mailsim::smtp
