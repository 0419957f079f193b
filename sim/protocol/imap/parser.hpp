// parser.hpp — IMAP's syntax pieces, shared by the server and the client
// engines: assembling a command (or a response) from lines and literals,
// reading its tokens, writing strings the way IMAP quotes them, sequence
// sets, flags and dates. RFC 3501 §4 (data formats) and §9 (formal syntax).
//
// An IMAP command is one line, unless it holds literals: a line that ends
// with "{n}" is followed by exactly n octets of any kind, then the command
// goes on (RFC 3501 §4.3). The client must wait for the server's "+"
// continuation before sending a synchronizing literal; "{n+}" (RFC 7888,
// LITERAL+) needs no wait. The CommandReader uses the shared LineFramer for
// the lines and counts the literal octets itself, so a literal can hold CR,
// LF and any byte. It keeps memory bounded: a line over the line limit and
// a literal over the literal limit are refused, and the session goes on.
//
// Not done here: BINARY literals "~{n}" (RFC 3516), UTF-7 mailbox names.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/line_framer.hpp"

namespace mailsim::imap {

class CommandReader {
public:
    struct Item {
        enum class Kind {
            command,         // a whole command (or response): lines joined by CRLF, literals inline, no final CRLF
            literal_wanted,  // a synchronizing literal of `literal_size` octets is next: the server sends "+"
            too_long,        // a line over the line limit; `text` holds the command's start
            too_large,       // a literal over the literal limit, or a broken count; `text` holds the start
        } kind;
        std::string text;
        size_t literal_size = 0;
    };

    CommandReader(size_t line_limit, size_t literal_limit);
    void feed(std::string_view bytes);
    std::optional<Item> next();
    // After literal_wanted: the server answers BAD instead of "+", so the
    // client will not send the literal; what follows is read as lines again.
    void refuse_literal();
    // Inside a command that is not complete (waiting for a literal or its last line).
    bool in_command() const { return !command_.empty() || in_literal_; }
    size_t literal_left() const { return in_literal_ ? literal_left_ : 0; }

private:
    protocol::LineFramer framer_;
    size_t literal_limit_;
    std::string command_;
    std::string pending_;      // bytes received while reading a literal
    bool in_literal_ = false;
    bool skipping_ = false;    // an over-large non-synchronizing literal: counted, not kept
    bool drop_line_ = false;   // after skipping: the rest of that command is dropped
    size_t literal_left_ = 0;
};

// A cursor over one assembled command's arguments.
class Args {
public:
    explicit Args(std::string_view text, size_t pos = 0) : s_(text), pos_(pos) {}
    bool done() const { return pos_ >= s_.size(); }
    bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
    bool eat(char c);
    bool space() { return eat(' '); }
    size_t pos() const { return pos_; }
    std::string_view rest() const { return s_.substr(pos_ < s_.size() ? pos_ : s_.size()); }

    // atom = 1*ATOM-CHAR
    std::optional<std::string> atom();
    // string = quoted / literal
    std::optional<std::string> string();
    // astring = 1*ASTRING-CHAR / string      (ASTRING-CHAR = ATOM-CHAR / "]")
    std::optional<std::string> astring();
    // list-mailbox = 1*list-char / string    (list-char = ATOM-CHAR / "%" / "*" / "]")
    std::optional<std::string> list_mailbox();
    // number = 1*DIGIT (fits in 32 bits)
    std::optional<std::uint32_t> number();
    // The octets up to (not including) the first of `stops`, or to the end.
    std::string_view take_until(std::string_view stops);
    // A response token: an atom that may hold "[...]" (a section) and "<n>", or a flag "\Seen".
    std::optional<std::string> response_atom();

private:
    std::optional<std::string> chars_or_string(bool (*ok)(char));
    std::string_view s_;
    size_t pos_;
};

bool is_atom_char(char c);

// Writing: a quoted string when it can be one, otherwise a literal
// (CR, LF, NUL, 8-bit octets or very long text, §4.3).
std::string quote_string(std::string_view s);
// An atom when every octet is an ASTRING-CHAR, else quote_string.
std::string astring_out(std::string_view s);

// sequence-set = (seq-number / seq-range) *("," (seq-number / seq-range))
// seq-range    = seq-number ":" seq-number      seq-number = nz-number / "*"
struct SeqRange {
    std::uint32_t lo = 0, hi = 0;  // 0 stands for "*"
};
using SequenceSet = std::vector<SeqRange>;
std::optional<SequenceSet> parse_sequence_set(std::string_view text);
// Whether n is in the set, "*" being `star` (the largest number in use).
bool contains(const SequenceSet& set, std::uint32_t n, std::uint32_t star);

// flag-list = "(" [flag *(SP flag)] ")"; system flags are spelled
// canonically ("\seen" → "\Seen"). Without parentheses one flag is read.
std::optional<std::set<std::string>> read_flags(Args& a, bool parens_required);
std::string canonical_flag(std::string_view flag);
std::string flag_list(const std::set<std::string>& flags);  // "(\Seen \Flagged)"

// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
// e.g. "17-Jul-1996 02:44:25 -0700"; in UTC, as seconds since the epoch.
std::string format_date_time(std::int64_t epoch_seconds);
std::optional<std::int64_t> parse_date_time(std::string_view text);
// date-text = date-day "-" date-month "-" date-year   (SEARCH): days since the epoch
std::optional<std::int64_t> parse_date(std::string_view text);

// A parsed response value (the client's view of FETCH data and the like).
struct Value {
    enum class Kind { atom, string, nil, list } kind = Kind::nil;
    std::string text;
    std::vector<Value> items;
    bool is_list() const { return kind == Kind::list; }
};
// One value: NIL, a number or atom, a quoted string, a literal, or a parenthesized list.
std::optional<Value> read_value(Args& a, int depth = 0);

}  // namespace mailsim::imap
