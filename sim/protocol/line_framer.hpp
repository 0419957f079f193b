// line_framer.hpp — CRLF lines, line limits, bare LF and dot-stuffing, once
// for SMTP, POP3 and IMAP (STYLE.md #2; curl's pingpong.c).
//
// RFC 5321 §2.3.8: lines end with CRLF. §4.5.3.1.4–6: a command line is at
// most 512 octets and a text line at most 1000, CRLF included. A longer line
// is not buffered without bound: the framer keeps its first bytes, drops the
// rest up to the line end and hands the line out marked too_long, so the
// session can answer 500 and go on.
//
// Bare LF: in command mode a lone LF may be accepted as a line end (people
// type commands with netcat); in text mode (DATA) only CRLF ends a line, so
// "\n.\n" never ends a message (the SMTP smuggling attack needs exactly
// that confusion). Lines that held a bare LF are marked.
//
// Dot-stuffing, RFC 5321 §4.5.2: the sender doubles a leading '.', the
// receiver removes one, and a line of a single '.' ends the text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailsim::protocol {

struct Line {
    std::string_view text;  // without the line end; valid until the next feed()/next()
    bool too_long = false;  // longer than the limit: text holds only its start
    bool bare_lf = false;   // held a LF not preceded by CR
    size_t wire_size = 0;   // bytes consumed from the stream, line end included
};

class LineFramer {
public:
    explicit LineFramer(size_t max_length = 512) : max_(max_length) {}

    // Maximum line length, line end included.
    void set_max_length(size_t n) { max_ = n; }
    size_t max_length() const { return max_; }
    // Whether a bare LF ends a line (command mode) or not (text mode).
    void set_lf_ends_line(bool on);
    bool lf_ends_line() const { return lf_ends_; }

    void feed(std::string_view bytes);
    // The next complete line, if one has arrived.
    std::optional<Line> next();
    // Bytes received but not yet part of a complete line.
    size_t pending() const { return buf_.size() - pos_; }
    // Nothing held back: the next byte fed starts a line. A caller may then
    // take whole lines straight from its own bytes and feed only the rest.
    bool at_line_start() const { return pos_ == buf_.size() && !discarding_; }
    // Everything not yet handed out, as raw bytes (for a protocol that
    // switches to another framing, such as TURN or a literal).
    std::string take_rest();

private:
    std::string buf_;
    size_t pos_ = 0;         // start of the current line
    size_t scan_ = 0;        // how far the current line has been searched
    size_t max_;
    bool lf_ends_ = true;
    bool discarding_ = false;  // inside an over-long line
    bool discard_bare_lf_ = false;
    std::string long_start_;   // first bytes of an over-long line
    size_t long_size_ = 0;
};

// Text → the wire: each line ending CRLF, leading dots doubled, then ".CRLF".
// A final line without a line end gets one.
std::string dot_stuff(std::string_view text);

// One received text line → its content: a leading '.' removed.
inline std::string_view dot_unstuff(std::string_view line) {
    return !line.empty() && line.front() == '.' ? line.substr(1) : line;
}

}  // namespace mailsim::protocol
