// annotate_http.cpp — HTTP/1.1's units: a request or a response with its
// body (RFC 9112):
//
//   HTTP-message = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]
//
// The body's length, §6.3: none for a response to HEAD, for 1xx, 204 and
// 304; else Transfer-Encoding: chunked (§7.1, read to the last chunk and its
// trailers), else Content-Length, else (responses only) until the close.
// A response whose Content-Type is message/rfc822 carries a message.
#include "core/ascii.hpp"
#include "protocol/annotate_state.hpp"
#include "protocol/http/message.hpp"

#include <charconv>
#include <deque>

namespace mailsim::protocol {

namespace {

// A field's value from the header block (the lines after the start line), or "".
std::string_view field(std::string_view head, std::string_view name) {
    for (size_t pos = line_end(head); pos < head.size();) {
        const size_t end = line_end(head, pos);
        std::string_view line = head.substr(pos, (end ? end : head.size()) - pos);
        pos = end ? end : head.size();
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || !iequals(line.substr(0, colon), name)) continue;
        std::string_view v = line.substr(colon + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        return v;
    }
    return {};
}

// The end of the field lines from `pos` (just past the empty line that ends them), or 0.
size_t head_end(std::string_view buf, size_t pos = 0) {
    for (;;) {
        const size_t end = line_end(buf, pos);
        if (end == 0) return 0;
        const std::string_view line = buf.substr(pos, end - pos);
        if (line == "\r\n" || line == "\n") return end;
        pos = end;
    }
}

// The end of a chunked body starting at `pos` (§7.1), or 0 while incomplete.
size_t chunked_end(std::string_view buf, size_t pos) {
    for (;;) {
        const size_t end = line_end(buf, pos);
        if (end == 0) return 0;
        size_t size = 0;
        const char* first = buf.data() + pos;
        auto [p, ec] = std::from_chars(first, buf.data() + end, size, 16);
        if (ec != std::errc() || p == first) return end;  // not a chunk size: the body ends here
        if (size == 0) return head_end(buf, end);  // the last chunk, then trailer lines up to an empty one
        if (buf.size() - end < size + 2) return 0;
        pos = end + size + 2;
    }
}

struct HttpState : Annotator::State {
    HttpState() : State("http") {}

    // How long the body is: its end, 0 while it has not all come; SIZE_MAX until the close.
    size_t body_end(Direction dir, std::string_view buf, size_t head) const {
        const std::string_view fields = buf.substr(0, head);
        if (dir == Direction::to_client) {
            const int status = status_of(fields);
            const bool to_head = !methods.empty() && methods.front() == "HEAD";
            if (to_head || (status >= 100 && status < 200) || status == 204 || status == 304) return head;
        }
        if (iequals(field(fields, "Transfer-Encoding"), "chunked")) return chunked_end(buf, head);
        const std::string_view length = field(fields, "Content-Length");
        if (!length.empty()) {
            size_t n = 0;
            auto [p, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
            if (ec != std::errc() || p != length.data() + length.size()) return head;  // unreadable: no body
            return buf.size() - head < n ? 0 : head + n;
        }
        return dir == Direction::to_client ? SIZE_MAX : head;
    }

    static int status_of(std::string_view unit) {
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]
        const std::string_view line = first_line(unit);
        if (!line.starts_with("HTTP/") || line.size() < 12 || line[8] != ' ') return 0;
        int code = 0;
        for (size_t i = 9; i < 12; ++i) {
            if (!ascii_digit(line[i])) return 0;
            code = code * 10 + (line[i] - '0');
        }
        return code;
    }

    size_t frame(Direction dir, std::string_view buf, bool closing) override {
        const size_t head = head_end(buf);
        if (head == 0) return 0;
        const size_t end = body_end(dir, buf, head);
        if (end == SIZE_MAX) return closing ? buf.size() : 0;
        return end;
    }

    void label(Direction dir, std::string_view unit, Annotation& a) override {
        if (dir == Direction::to_server) {
            const std::string_view method = first_word(unit);
            const catalog::CommandRow* row = catalog::find_command("http", method);
            if (row && row->verb == method) {
                a.verb.assign(row->verb);
                a.key = row->key;
            } else {
                a.key = "http.method.other";
            }
            return;
        }
        const int status = status_of(unit);
        if (status < 100 || status > 599) return;
        const http::StatusLabel label = http::status_label(status);
        a.verb.assign(label.verb);
        a.key = label.key;
    }

    void advance(Direction dir, std::string_view unit, Annotation& a) override {
        a.from_client = dir == Direction::to_server;
        if (a.from_client) {
            methods.emplace_back(first_word(unit).substr(0, 16));
            return;
        }
        a.cls = catalog::reply_class("http", a.verb);
        a.body_follows = true;
        const size_t head = head_end(unit);
        const bool final = status_of(unit) >= 200 || status_of(unit) == 0;
        if (final && !methods.empty()) methods.pop_front();
        const std::string_view type = field(unit.substr(0, head), "Content-Type");
        if (head != 0 && istarts_with(type, "message/rfc822")) {
            Carried c;
            c.offset = head;
            c.length = unit.size() - head;
            a.message = std::move(c);
        }
    }

    std::deque<std::string> methods;  // requests not yet answered
};

}  // namespace

std::unique_ptr<Annotator::State> make_http_state() { return std::make_unique<HttpState>(); }

}  // namespace mailsim::protocol
