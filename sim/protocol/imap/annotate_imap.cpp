// annotate_imap.cpp — IMAP's units (RFC 3501 §2.2, §7, §9):
//
//   command      = tag SP command-verb [args] CRLF
//   response     = "*" SP (resp-cond-state / mailbox-data / message-data) CRLF
//                / tag SP ("OK" / "NO" / "BAD") SP [ "[" resp-text-code "]" SP ] text CRLF
//                / "+" SP text CRLF                                  (continuation)
//   literal      = "{" number ["+"] "}" CRLF *OCTET                    (§4.3, RFC 7888)
//
// A server's literal follows its line at once, inside one response. A
// client's literal waits for the server's "+": the line that announces it is
// one unit and the octets (with the rest of the command) another, labelled
// "imap.literal" as our client labels them; a tagged answer instead of "+"
// means the literal will not come. After AUTHENTICATE, a line answering "+"
// is the client's response to the challenge.
#include "core/ascii.hpp"
#include "protocol/annotate_state.hpp"

#include <charconv>

namespace mailsim::protocol {

namespace {

// The octet count of a literal that ends a line ("{310}" or "{310+}"), if any.
struct LiteralMark {
    size_t size = 0;
    bool wait = false;  // synchronizing: the sender waits for "+"
};
std::optional<LiteralMark> literal_at_end(std::string_view line) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.back() != '}') return std::nullopt;
    const size_t open = line.rfind('{');
    if (open == std::string_view::npos) return std::nullopt;
    std::string_view digits = line.substr(open + 1, line.size() - open - 2);
    LiteralMark m{0, true};
    if (!digits.empty() && digits.back() == '+') {
        m.wait = false;
        digits.remove_suffix(1);
    }
    if (digits.empty() || digits.size() > 10) return std::nullopt;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), m.size);
    if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
    return m;
}

// The end of the line starting at `pos` with every literal it carries
// (those that need not wait), or 0 while incomplete.
size_t line_with_literals(std::string_view buf, size_t pos, bool client) {
    for (;;) {
        const size_t end = line_end(buf, pos);
        if (end == 0) return 0;
        const auto lit = literal_at_end(buf.substr(pos, end - pos));
        if (!lit || (client && lit->wait)) return end;
        if (buf.size() - end < lit->size) return 0;
        pos = end + lit->size;
    }
}

struct ImapState : Annotator::State {
    ImapState() : State("imap") {}

    size_t frame(Direction dir, std::string_view buf, bool) override {
        if (dir == Direction::to_client) return line_with_literals(buf, 0, false);
        if (!client_literal) return line_with_literals(buf, 0, true);
        if (buf.size() < *client_literal) return 0;
        return line_with_literals(buf, *client_literal, true);
    }

    // The key of the status response "OK [UIDNEXT 4] ..." by its code, or its own.
    static std::string_view status_key(std::string_view status, std::string_view after) {
        if (after.starts_with("[")) {
            size_t end = 1;
            while (end < after.size() && after[end] != ']' && after[end] != ' ') ++end;
            const std::string code = "[" + to_upper(after.substr(1, end - 1)) + "]";
            if (const catalog::ReplyRow* row = catalog::find_reply("imap", code)) return row->key;
        }
        const catalog::ReplyRow* row = catalog::find_reply("imap", status);
        return row ? row->key : std::string_view{};
    }

    static std::string_view after_word(std::string_view line, std::string_view word) {
        std::string_view rest = line.substr(std::min(line.size(), word.size()));
        return rest.starts_with(" ") ? rest.substr(1) : rest;
    }

    void label(Direction dir, std::string_view unit, Annotation& a) override {
        const std::string_view line = first_line(unit);
        if (dir == Direction::to_server) {
            if (client_literal) {
                a.key = "imap.literal";
            } else if (auth) {
                a.key = "imap.auth.response";
            } else if (iequals(line, "DONE")) {
                a.verb = "DONE";
                a.key = catalog::find_command("imap", "DONE")->key;
            } else {
                const std::string_view word = first_word(after_word(line, first_word(line)));
                if (const catalog::CommandRow* row = catalog::find_command("imap", word)) {
                    a.verb.assign(row->verb);
                    a.key = row->key;
                } else {
                    a.verb = to_upper(word.substr(0, 20));
                    a.key = "imap.cmd.other";
                }
            }
            return;
        }
        if (line == "+" || line.starts_with("+ ")) {
            a.verb = "+";
            a.key = "imap.reply.continue";
            return;
        }
        std::string_view rest = after_word(line, first_word(line));  // past the tag or "*"
        if (line.starts_with("* ") && !rest.empty() && ascii_digit(rest[0])) rest = after_word(rest, first_word(rest));
        const std::string word = to_upper(first_word(rest));
        const std::string_view text = after_word(rest, first_word(rest));
        const catalog::ReplyRow* row = catalog::find_reply("imap", word);
        a.verb = row ? std::string(row->code) : word.substr(0, 20);
        if (!greeted && word == "OK") a.key = "imap.reply.greeting";
        else if (word == "OK" || word == "NO" || word == "BAD") a.key = status_key(word, text);
        else if (row && !word.starts_with("[")) a.key = row->key;
    }

    void advance(Direction dir, std::string_view unit, Annotation& a) override {
        a.from_client = dir == Direction::to_server;
        const auto lit = literal_at_end(unit);
        if (a.from_client) {
            if (a.key == "imap.literal" || a.key == "imap.auth.response" || client_literal) client_literal.reset();
            else if (a.verb == "AUTHENTICATE") authenticating = true;
            if (lit && lit->wait) client_literal = lit->size;
            return;
        }
        a.cls = catalog::reply_class("imap", a.verb);
        greeted = true;
        const bool tagged = !unit.starts_with("*") && !unit.starts_with("+");
        if (a.verb == "+") auth = authenticating;
        if (tagged) {
            auth = authenticating = false;
            client_literal.reset();  // refused: the literal will not come
        }
        a.body_follows = line_end(unit) != 0 && line_end(unit) < unit.size();  // a literal followed its line
        if (a.verb == "FETCH") a.message = whole_message(unit);
    }

    // A FETCH response's whole message: the literal of BODY[] or RFC822.
    static std::optional<Carried> whole_message(std::string_view unit) {
        for (std::string_view item : {"BODY[] {", "RFC822 {"}) {
            const size_t at = unit.find(item);
            if (at == std::string_view::npos) continue;
            const size_t end = line_end(unit, at);
            const auto lit = end ? literal_at_end(unit.substr(at, end - at)) : std::nullopt;
            if (!lit || unit.size() - end < lit->size) continue;
            Carried c;
            c.offset = end;
            c.length = lit->size;
            return c;
        }
        return std::nullopt;
    }

    std::optional<size_t> client_literal;  // the client's next unit is a literal of this size
    bool greeted = false;
    bool authenticating = false;  // AUTHENTICATE sent, not yet answered with a tag
    bool auth = false;            // the server's "+" asks for the client's response
};

}  // namespace

std::unique_ptr<Annotator::State> make_imap_state() { return std::make_unique<ImapState>(); }

}  // namespace mailsim::protocol
