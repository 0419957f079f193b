// annotate_smtp.cpp — SMTP's units: command lines, whole replies, the text
// of DATA; and the envelope a message travels under.
//
//   reply-line = *( Reply-code "-" [ textstring ] CRLF )
//                Reply-code [ SP textstring ] CRLF          (RFC 5321 §4.2)
//   after DATA and 354: text lines, then "." CRLF            (§4.5.2)
//
// Replies answer commands in order, so pipelined commands (RFC 2920) wait in
// a queue for theirs. TURN (RFC 821 §4.1.1) answered 250 swaps the roles: the
// old client greets with 220 and serves from then on.
#include "core/ascii.hpp"
#include "protocol/annotate_state.hpp"
#include "protocol/smtp/reply.hpp"

#include <deque>

namespace mailsim::protocol {

namespace {

std::string between_angles(std::string_view s) {
    const size_t a = s.find('<');
    const size_t b = a == std::string_view::npos ? a : s.find('>', a);
    if (b == std::string_view::npos) return std::string(s);
    return std::string(s.substr(a + 1, b - a - 1));
}

bool reply_code(std::string_view line) {
    return line.size() >= 3 && ascii_digit(line[0]) && ascii_digit(line[1]) && ascii_digit(line[2]);
}

struct SmtpState : Annotator::State {
    SmtpState() : State("smtp") {}

    bool client_role(Direction dir) const { return (dir == Direction::to_server) != swapped; }

    size_t frame(Direction dir, std::string_view buf, bool) override {
        if (client_role(dir)) return text ? dot_block_end(buf, 0) : line_end(buf);
        // A reply: lines "250-..." go on, the first line without '-' after the code ends it.
        for (size_t pos = 0;;) {
            const size_t end = line_end(buf, pos);
            if (end == 0) return 0;
            if (end - pos < 4 || buf[pos + 3] != '-' || !reply_code(buf.substr(pos, 3))) return end;
            pos = end;
        }
    }

    void label(Direction dir, std::string_view unit, Annotation& a) override {
        if (client_role(dir)) {
            if (text) {
                a.key = "smtp.message";
            } else if (auth || auth_lines > 0) {
                a.key = "smtp.auth.response";
            } else if (const catalog::CommandRow* row = catalog::find_command("smtp", first_word(unit))) {
                a.verb.assign(row->verb);
                a.key = row->key;
            } else {
                a.verb = to_upper(first_word(unit).substr(0, 16));
            }
            return;
        }
        if (!reply_code(unit)) return;
        const int code = (unit[0] - '0') * 100 + (unit[1] - '0') * 10 + (unit[2] - '0');
        a.verb.assign(smtp::reply_code_text(code));
        a.key = smtp::reply_code_key(code);
    }

    void advance(Direction dir, std::string_view unit, Annotation& a) override {
        a.from_client = client_role(dir);
        if (a.from_client) return client_unit(unit, a);
        a.cls = catalog::reply_class("smtp", a.verb);
        if (!greeted) {  // the greeting answers no command
            greeted = true;
            return;
        }
        if (pending.empty()) return;  // a reply nobody asked for (421 at any time)
        Pending p = std::move(pending.front());
        pending.pop_front();
        if (a.verb == "334") {  // a challenge: the next client line answers it, and gets the reply
            auth = true;
            if (p.verb == "AUTH") ++challenges;
            pending.push_front(std::move(p));
            return;
        }
        auth = false;
        if (p.verb == "AUTH") {  // the exchange is over (235, 535, 501...)
            // Answers sent ahead that no 334 asked for are lines the server
            // reads as commands: each gets a reply of its own, next.
            for (int i = answers - challenges; i > 0; --i) pending.push_front({"?", {}});
            auth_lines = answers = challenges = 0;
        }
        if (p.verb == "RCPT") rcpt_to.emplace_back(std::move(p.path), a.verb);
        if ((p.verb == "DATA" || p.verb == "SEND" || p.verb == "SOML" || p.verb == "SAML") && a.verb == "354")
            text = p.verb == "DATA";
        if (p.verb == "TURN" && !a.verb.empty() && a.verb[0] == '2') {  // the roles swap; the old client greets
            swapped = !swapped;
            greeted = false;
            pending.clear();
            reset_envelope();
        }
    }

    void client_unit(std::string_view unit, Annotation& a) {
        if (a.key == "smtp.message") {
            Carried c;
            const bool ended = unit == ".\r\n" || unit.ends_with("\r\n.\r\n");
            c.length = ended ? unit.size() - 3 : unit.size();  // without the final "." CRLF
            c.dot_stuffed = true;
            c.has_envelope = true;
            c.mail_from = mail_from;
            c.rcpt_to = rcpt_to;
            a.message = std::move(c);
            text = false;
            pending.push_back({"", {}});  // the text gets a reply of its own
            reset_envelope();
            return;
        }
        if (a.key == "smtp.auth.response") {
            if (auth_lines > 0) --auth_lines;
            ++answers;
            return;
        }
        const std::string verb = a.verb;
        if (verb == "AUTH") {
            auth_lines = auth_responses(unit);
            answers = challenges = 0;
        }
        if (verb == "MAIL" || verb == "SEND" || verb == "SOML" || verb == "SAML") {
            reset_envelope();
            mail_from = between_angles(unit_args(unit, a.verb));
        }
        if (verb == "HELO" || verb == "EHLO" || verb == "RSET") reset_envelope();
        pending.push_back({verb, verb == "RCPT" ? between_angles(unit_args(unit, a.verb)) : std::string{}});
    }

    // The lines a client sends after AUTH before the exchange ends, known
    // from the command itself: a client that does not wait for each 334
    // (pipelined, or pasted) still has its answers taken as answers, and
    // redacted. PLAIN: one, none with an initial response; LOGIN: the user
    // name and the password, one less with an initial response. Other
    // mechanisms: as the 334s come.
    static int auth_responses(std::string_view unit) {
        const std::string args = unit_args(unit, "AUTH");
        const std::string_view mech = first_word(args);
        const bool initial = args.find_first_not_of(" \t", mech.size()) != std::string::npos;
        if (iequals(mech, "PLAIN")) return initial ? 0 : 1;
        if (iequals(mech, "LOGIN")) return initial ? 1 : 2;
        return 0;
    }

    void reset_envelope() {
        mail_from.clear();
        rcpt_to.clear();
    }

    struct Pending {
        std::string verb;  // "" for message text
        std::string path;  // RCPT's forward-path
    };
    std::deque<Pending> pending;
    bool swapped = false;  // after TURN: the connection's client serves
    bool greeted = false;
    bool text = false;     // DATA was answered 354: the client sends text
    bool auth = false;     // a 334 challenge waits for the client's line
    int auth_lines = 0;    // answers the AUTH command still has coming (auth_responses)
    int answers = 0;       // lines taken as answers since the AUTH, and
    int challenges = 0;    // the 334s that asked for them
    std::string mail_from;
    std::vector<std::pair<std::string, std::string>> rcpt_to;
};

}  // namespace

std::unique_ptr<Annotator::State> make_smtp_state() { return std::make_unique<SmtpState>(); }

}  // namespace mailsim::protocol
