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
