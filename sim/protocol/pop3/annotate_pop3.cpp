// annotate_pop3.cpp — POP3's units: command lines, and answers of one line
// or, for the commands that list or retrieve, of many (RFC 1939 §3):
//
//   "+OK" [SP text] CRLF *( line CRLF ) "." CRLF     RETR, TOP, CAPA (RFC 2449),
//                                                   LIST and UIDL without an argument
//
// Answers come in the order of the commands (pipelining, RFC 2449 §6.6), so
// the commands wait in a queue; the greeting answers none.
#include "core/ascii.hpp"
#include "protocol/annotate_state.hpp"

#include <deque>

namespace mailsim::protocol {

namespace {

struct Pop3State : Annotator::State {
    Pop3State() : State("pop3") {}

    struct Pending {
        std::string verb;
        bool has_arg = false;
    };

    // Whether +OK to this command is followed by lines and a "." line.
    static bool multiline(const Pending& p) {
        return p.verb == "RETR" || p.verb == "TOP" || p.verb == "CAPA" ||
               ((p.verb == "LIST" || p.verb == "UIDL") && !p.has_arg);
    }

    size_t frame(Direction dir, std::string_view buf, bool) override {
        const size_t end = line_end(buf);
        if (dir == Direction::to_server || end == 0 || !greeted || pending.empty() || !multiline(pending.front()) ||
            !buf.starts_with("+OK"))
            return end;
        return dot_block_end(buf, end);
    }

    void label(Direction dir, std::string_view unit, Annotation& a) override {
        if (dir == Direction::to_server) {
            if (const catalog::CommandRow* row = catalog::find_command("pop3", first_word(unit))) {
                a.verb.assign(row->verb);
                a.key = row->key;
            } else {
                a.verb = to_upper(first_word(unit).substr(0, 16));
            }
            return;
        }
        for (std::string_view status : {"+OK", "-ERR"}) {
            if (first_word(unit) != status) continue;
            const catalog::ReplyRow* row = catalog::find_reply("pop3", status);
            a.verb.assign(row->code);
            a.key = row->key;
        }
    }

    void advance(Direction dir, std::string_view unit, Annotation& a) override {
        a.from_client = dir == Direction::to_server;
        if (a.from_client) {
            const std::string_view line = first_line(unit);
            const std::string_view word = first_word(line);
            pending.push_back({a.verb, line.find_first_not_of(' ', word.size()) != std::string_view::npos});
            return;
        }
        a.cls = catalog::reply_class("pop3", a.verb);
        if (!greeted) {
            greeted = true;
            return;
        }
        if (pending.empty()) return;
        const Pending p = std::move(pending.front());
        pending.pop_front();
        a.body_follows = multiline(p) && a.verb == "+OK";
        if ((p.verb == "RETR" || p.verb == "TOP") && a.verb == "+OK") {
            // The message (TOP: its header and first lines) after the status line.
            Carried c;
            c.offset = std::min(line_end(unit), unit.size());
            const bool ended = unit.ends_with("\r\n.\r\n");
            c.length = unit.size() - c.offset - (ended && unit.size() - c.offset >= 3 ? 3 : 0);
            c.dot_stuffed = true;
            a.message = std::move(c);
        }
    }

    std::deque<Pending> pending;
    bool greeted = false;
};

}  // namespace

std::unique_ptr<Annotator::State> make_pop3_state() { return std::make_unique<Pop3State>(); }

}  // namespace mailsim::protocol
