// line_framer.cpp — see line_framer.hpp.
#include "protocol/line_framer.hpp"

#include <string>

#include "protocol/outgoing.hpp"

namespace mailsim::protocol {

void LineFramer::set_lf_ends_line(bool on) {
    if (on != lf_ends_) scan_ = pos_;  // search the current line again under the new rule
    lf_ends_ = on;
}

void LineFramer::feed(std::string_view bytes) {
    if (pos_ > 0 && pos_ >= buf_.size() / 2) {  // compact: keep the buffer small
        buf_.erase(0, pos_);
        scan_ -= pos_;
        pos_ = 0;
    }
    buf_.append(bytes);
}

std::string LineFramer::take_rest() {
    std::string rest = buf_.substr(pos_);
    buf_.clear();
    pos_ = scan_ = 0;
    return rest;
}

std::optional<Line> LineFramer::next() {
    for (;;) {
        size_t start = scan_ > pos_ ? scan_ : pos_;
        size_t lf = buf_.find('\n', start);
        bool bare = false;
        while (lf != std::string::npos) {
            bool has_cr = lf > pos_ && buf_[lf - 1] == '\r';
            if (has_cr || lf_ends_) break;
            bare = true;  // a LF inside a line (text mode)
            lf = buf_.find('\n', lf + 1);
        }
        if (lf == std::string::npos) {
            // No line end yet. An over-long line is cut here so memory stays bounded.
            size_t have = buf_.size() - pos_;
            if (!discarding_ && have > max_) {
                discarding_ = true;
                long_start_.assign(buf_, pos_, max_ > 80 ? 80 : max_);
                long_size_ = 0;
            }
            if (discarding_) {
                // Keep one trailing CR: it may pair with the next LF.
                size_t keep = (have > 0 && buf_.back() == '\r') ? 1 : 0;
                long_size_ += have - keep;
                for (size_t i = pos_; i + keep < buf_.size(); ++i)
                    if (buf_[i] == '\n') discard_bare_lf_ = true;
                buf_.erase(pos_, have - keep);
                scan_ = pos_;
            } else {
                scan_ = buf_.size();
            }
            return std::nullopt;
        }
        bool has_cr = lf > pos_ && buf_[lf - 1] == '\r';
        size_t end = has_cr ? lf - 1 : lf;
        Line line;
        line.wire_size = lf + 1 - pos_;
        if (!has_cr) bare = true;
        if (discarding_) {
            line.too_long = true;
            line.bare_lf = bare || discard_bare_lf_;
            line.wire_size += long_size_;
            line.text = long_start_;
            discarding_ = false;
            discard_bare_lf_ = false;
            pos_ = scan_ = lf + 1;
            return line;
        }
        line.bare_lf = bare;
        line.text = std::string_view(buf_).substr(pos_, end - pos_);
        if (line.wire_size > max_) {
            line.too_long = true;
            long_start_.assign(line.text.substr(0, max_ > 80 ? 80 : max_));
            line.text = long_start_;
        }
        pos_ = scan_ = lf + 1;
        return line;
    }
}

// A line at the very front of `bytes`, under the same rules as next(), if
// it is complete and not too long; anything else is left to next().
inline std::optional<Line> LineFramer::line_at_front(std::string_view bytes) const {
    std::string_view head = bytes.substr(0, max_);  // a line end beyond it makes the line too long
    size_t lf = head.find('\n');
    bool bare = false;
    while (lf != std::string_view::npos) {
        if ((lf > 0 && head[lf - 1] == '\r') || lf_ends_) break;
        bare = true;  // a LF inside a line (text mode)
        lf = head.find('\n', lf + 1);
    }
    if (lf == std::string_view::npos) return std::nullopt;
    bool has_cr = lf > 0 && head[lf - 1] == '\r';
    Line line;
    line.text = head.substr(0, has_cr ? lf - 1 : lf);
    line.bare_lf = bare || !has_cr;
    line.wire_size = lf + 1;
    return line;
}

std::optional<Line> LineFramer::next(std::string_view& bytes) {
    if (at_line_start()) {
        if (bytes.empty()) return std::nullopt;  // nothing held back, nothing new
        if (auto line = line_at_front(bytes)) {
            bytes.remove_prefix(line->wire_size);
            return line;
        }
    }
    if (!bytes.empty()) {  // held back, not complete, or to be cut: the buffered way
        feed(bytes);
        bytes = {};
    }
    return next();
}

// The plain text lines at the front of `bytes`: whole, ending CRLF, no bare
// LF, none too long. A stuffed dot ends a run before its line, or is
// dropped when the run starts there, so that a run is one span of the
// bytes. Stops after the line "."; `used` says how many bytes it took.
inline TextRun LineFramer::plain_run(std::string_view bytes, size_t& used) const {
    TextRun run;
    size_t begin = 0;  // start of the run
    size_t p = 0;      // start of the current line
    while (p < bytes.size()) {
        size_t lf = bytes.find('\n', p);
        if (lf == std::string_view::npos || lf == p || bytes[lf - 1] != '\r' || lf + 1 - p > max_) break;
        if (bytes[p] == '.') {
            if (lf - p == 2) {  // ".": the end of the text
                run.end = true;
                run.text = bytes.substr(begin, p - begin);
                used = lf + 1;
                return run;
            }
            if (p > begin) break;  // the stuffed dot starts the next run
            begin = p + 1;
        }
        p = lf + 1;
    }
    run.text = bytes.substr(begin, p - begin);
    used = p;
    return run;
}

// One text line from next() as a run of its own.
TextRun LineFramer::text_run(const Line& line) {
    TextRun run;
    if (!line.too_long && line.text == ".") {
        run.end = true;
        return run;
    }
    run.too_long = line.too_long;
    run.bare_lf = line.bare_lf;
    std::string_view content = dot_unstuff(line.text);
    if (!line.too_long && line.wire_size == line.text.size() + 2) {
        run.text = std::string_view(content.data(), content.size() + 2);  // its CRLF follows it
    } else {
        text_.assign(content).append("\r\n");
        run.text = text_;
    }
    return run;
}

std::optional<TextRun> LineFramer::next_text(std::string_view& bytes) {
    if (at_line_start()) {
        size_t used = 0;
        TextRun run = plain_run(bytes, used);
        if (used > 0) {
            bytes.remove_prefix(used);
            return run;
        }
    }
    auto line = next(bytes);
    if (!line) return std::nullopt;
    return text_run(*line);
}

std::string dot_stuff(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32 + 8);
    // Each line goes out as its content (one trailing CR dropped), a CRLF,
    // and a '.' before it if it starts with one. Text that already has CRLF
    // line ends comes out as it went in, so it is copied in runs that break
    // only where the output differs: a doubled dot, a line end that was not
    // CRLF, a last line without one.
    size_t run = 0;  // start of the input not yet copied
    size_t i = 0;    // start of the current line
    while (i < text.size()) {
        if (text[i] == '.') {
            out.append(text.substr(run, i - run)).append(".");
            run = i;
        }
        size_t lf = text.find('\n', i);
        if (lf == std::string_view::npos) {
            size_t end = text[text.size() - 1] == '\r' ? text.size() - 1 : text.size();
            out.append(text.substr(run, end - run)).append("\r\n");
            run = text.size();
            break;
        }
        if (lf == i || text[lf - 1] != '\r') {  // a bare LF: the line end becomes CRLF
            out.append(text.substr(run, lf - run)).append("\r\n");
            run = lf + 1;
        }
        i = lf + 1;
    }
    out.append(text.substr(run));
    out += ".\r\n";
    return out;
}

}  // namespace mailsim::protocol
