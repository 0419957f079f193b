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
// receiver removes one, and a line of a single '.' ends the text. In text
// mode next_text() does both: it hands out the text in runs of lines, as
// they are stored, and says where the line "." ended it.
//
// Fast: fed the caller's bytes as a view, next() and next_text() hand out
// spans of those bytes when they hold whole lines; only a line not complete
// yet (or one to be cut or marked) is copied into the framer's buffer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailsim::protocol {

struct Line {
    std::string_view text;  // without the line end; valid until the next feed()/next() (or the bytes' end)
    bool too_long = false;  // longer than the limit: text holds only its start
    bool bare_lf = false;   // held a LF not preceded by CR
    size_t wire_size = 0;   // bytes consumed from the stream, line end included
};

// Message text (text mode): whole lines as the receiver stores them, each
// ending CRLF, a stuffed dot removed. A run is many plain lines, with no LF
// but their line ends; a line that was too long or held a bare LF comes
// alone, marked.
struct TextRun {
    std::string_view text;  // valid until the next call (or the bytes' end)
    bool too_long = false;  // one line, over the limit: text holds its start and a CRLF
    bool bare_lf = false;   // one line that held a LF not preceded by CR
    bool end = false;       // the line "." followed `text`: the message text is over
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
    // The next complete line of what was held back and then `bytes`, which
    // it advances past the line. With nothing held back the line is a span
    // of `bytes` (no copy). When no complete line is left, the rest of
    // `bytes` is kept, `bytes` becomes empty and nothing is returned. A
    // caller that stops before that feeds the rest back: feed(bytes).
    std::optional<Line> next(std::string_view& bytes);
    // The same in text mode (set_lf_ends_line(false)): the next run of
    // message text, up to the line "." that ends it (then end is set and
    // `bytes` starts after that line).
    std::optional<TextRun> next_text(std::string_view& bytes);
    // Bytes received but not yet part of a complete line.
    size_t pending() const { return buf_.size() - pos_; }
    // Everything not yet handed out, as raw bytes (for a protocol that
    // switches to another framing, such as TURN or a literal).
    std::string take_rest();

private:
    bool at_line_start() const { return pos_ == buf_.size() && !discarding_; }
    std::optional<Line> line_at_front(std::string_view bytes) const;
    TextRun plain_run(std::string_view bytes, size_t& used) const;
    TextRun text_run(const Line& line);

    std::string buf_;
    size_t pos_ = 0;         // start of the current line
    size_t scan_ = 0;        // how far the current line has been searched
    size_t max_;
    bool lf_ends_ = true;
    bool discarding_ = false;  // inside an over-long line
    bool discard_bare_lf_ = false;
    std::string long_start_;   // first bytes of an over-long line
    size_t long_size_ = 0;
    std::string text_;         // a text line mended for a TextRun (cut, or not followed by its CRLF)
};

// Text → the wire: each line ending CRLF, leading dots doubled, then ".CRLF".
// A final line without a line end gets one.
std::string dot_stuff(std::string_view text);

// One received text line → its content: a leading '.' removed.
inline std::string_view dot_unstuff(std::string_view line) {
    return !line.empty() && line.front() == '.' ? line.substr(1) : line;
}

}  // namespace mailsim::protocol
