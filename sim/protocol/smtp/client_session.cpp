// client_session.cpp — the sender-SMTP: one handler per awaited reply,
// reached from on_reply()'s switch; one state, changed only by set_state().
#include "protocol/smtp/client_session.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "core/ascii.hpp"
#include "protocol/catalog.hpp"

namespace mailsim::smtp {

namespace {

// The catalog row of a verb this client sends. SMTP's verbs are four
// letters: compared as one 32-bit word against a table made once, which
// costs a fraction of the catalog's hashed look-up on every command.
const catalog::CommandRow* command_row(std::string_view verb) {
    static const auto rows = [] {
        std::vector<std::pair<std::uint32_t, const catalog::CommandRow*>> v;
        for (const auto& r : catalog::commands())
            if (r.protocol == "smtp" && r.verb.size() == 4 && catalog::find_command("smtp", r.verb) == &r)
                v.emplace_back(upper_word(r.verb), &r);
        return v;
    }();
    if (verb.size() != 4) return catalog::find_command("smtp", verb);
    const std::uint32_t w = upper_word(verb);
    for (const auto& [rw, row] : rows)
        if (rw == w) return row;
    return nullptr;
}

}  // namespace

std::string_view ClientSession::state_name(State s) {
    static constexpr std::string_view names[] = {"Connect", "Ehlo", "Helo", "Ready", "Command", "Mail", "Rcpt",
                                                 "Data",    "Body", "Rset", "Turn",  "Quit",    "Done"};
    static_assert(std::size(names) == static_cast<size_t>(State::Done) + 1);
    return names[static_cast<size_t>(s)];
}

ClientSession::ClientSession(ClientSettings settings) : settings_(std::move(settings)) {
    framer_.set_lf_ends_line(true);  // be liberal in what we accept from servers
}

void ClientSession::set_state(State s) { outbox_.change_state(state_, s); }

void ClientSession::add(Transaction t) {
    queue_.push_back(std::move(t));
    if (state_ == State::Ready && !active_) next_transaction();
}

void ClientSession::send_command(std::string_view verb, std::string_view args) { send_command(verb, {args}); }

void ClientSession::send_command(std::string_view verb, std::initializer_list<std::string_view> args) {
    protocol::Outgoing o;
    size_t n = 0;
    for (auto a : args) n += a.size();
    o.bytes.reserve(verb.size() + n + 3);
    o.bytes.append(verb);
    if (n > 0) {
        o.bytes.append(" ");
        for (auto a : args) o.bytes.append(a);
    }
    o.bytes.append("\r\n");
    const catalog::CommandRow* row = command_row(verb);
    o.verb = row ? row->verb : std::string_view{};
    o.key = row ? row->key : std::string_view{};
    outbox_.send(std::move(o));
}

void ClientSession::receive(std::string_view bytes) {
    if (state_ == State::Done) return;
    while (state_ != State::Done) {
        auto line = framer_.next(bytes);
        if (!line) break;
        auto st = parser_.add_line(line->text);
        if (st == ReplyParser::Status::incomplete) continue;
        if (st == ReplyParser::Status::malformed) {
            // A server that does not speak SMTP: give up on this connection.
            Reply r(451, "4.5.0", "Protocol error: " + parser_.error());
            fail_all(r, "CONNECT", false);
            send_command("QUIT", "");
            set_state(State::Quit);
            close_ = true;
            break;
        }
        on_reply(parser_.reply());  // read in place: valid until the next add_line()
    }
    framer_.feed(bytes);  // what was not read waits (after TURN, for take_unread)
}

void ClientSession::on_reply(const Reply& r) {
    switch (state_) {
        case State::Connect: on_greeting(r); break;
        case State::Ehlo: on_ehlo_reply(r); break;
        case State::Helo: on_helo_reply(r); break;
        case State::Command: on_command_reply(r); break;
        case State::Mail: on_mail_reply(r); break;
        case State::Rcpt: on_rcpt_reply(r); break;
        case State::Data: on_data_reply(r); break;
        case State::Body: on_body_reply(r); break;
        case State::Rset: on_rset_reply(r); break;
        case State::Turn: on_turn_reply(r); break;
        case State::Quit: on_quit_reply(r); break;
        case State::Ready:  // an unsolicited reply; only 421 means anything
            closed_by_421(r, "CONNECT");
            break;
        case State::Done: break;
    }
}

// 421 closes the connection whatever the command was (RFC 5321 §3.8): every
// transaction not finished fails for now.
bool ClientSession::closed_by_421(const Reply& r, std::string_view stage) {
    if (r.code != 421) return false;
    fail_all(r, stage, false);
    set_state(State::Done);
    close_ = true;
    return true;
}

void ClientSession::on_greeting(const Reply& r) {
    if (r.code == 220) {
        if (settings_.try_ehlo) {
            send_command("EHLO", settings_.helo_name);
            set_state(State::Ehlo);
        } else {
            send_command("HELO", settings_.helo_name);
            set_state(State::Helo);
        }
        return;
    }
    // 421: the server is closing. 554: "no SMTP service here"; we QUIT (§3.1).
    if (closed_by_421(r, "CONNECT")) return;
    fail_all(r, "CONNECT", r.permanent());
    send_command("QUIT", "");
    set_state(State::Quit);
}

void ClientSession::on_ehlo_reply(const Reply& r) {
    if (r.code == 250) {
        ext_ = Extensions{};
        ext_.esmtp = true;
        for (size_t i = 1; i < r.lines.size(); ++i) {
            std::string line = r.lines[i];
            for (auto& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            std::string kw = line.substr(0, line.find(' '));
            if (kw == "SIZE") {
                ext_.size = true;
                if (line.size() > 5) ext_.size_limit = std::strtoull(line.c_str() + 5, nullptr, 10);
            } else if (kw == "8BITMIME") {
                ext_.eightbitmime = true;
            } else if (kw == "PIPELINING") {
                ext_.pipelining = true;
            } else if (kw == "ENHANCEDSTATUSCODES") {
                ext_.enhanced = true;
            } else if (kw == "SMTPUTF8") {
                ext_.smtputf8 = true;
            }
        }
        set_state(State::Ready);
        next_transaction();
        return;
    }
    if (closed_by_421(r, "EHLO")) return;
    // The server does not know EHLO (RFC 821 server): fall back to HELO (§3.2).
    send_command("HELO", settings_.helo_name);
    set_state(State::Helo);
}

void ClientSession::on_helo_reply(const Reply& r) {
    if (r.code == 250) {
        ext_ = Extensions{};
        set_state(State::Ready);
        next_transaction();
        return;
    }
    if (closed_by_421(r, "HELO")) return;
    fail_all(r, "HELO", r.permanent());
    send_command("QUIT", "");
    set_state(State::Quit);
}

// MAIL FROM:<reverse-path> [SIZE=n] [BODY=8BITMIME] (RFC 1870, RFC 6152), or SEND/SOML/SAML.
void ClientSession::send_mail_command() {
    char size[32] = " SIZE=";
    std::string_view size_arg;
    if (ext_.size) {
        auto end = std::to_chars(size + 6, size + sizeof size, active_->content->size()).ptr;
        size_arg = std::string_view(size, static_cast<size_t>(end - size));
    }
    std::string_view body_arg = ext_.eightbitmime && has_8bit(*active_->content) ? " BODY=8BITMIME" : "";
    std::string_view utf8_arg = smtputf8_ ? " SMTPUTF8" : "";
    send_command(to_string(active_->mode), {"FROM:<", active_->reverse_path, ">", size_arg, body_arg, utf8_arg});
}

void ClientSession::next_transaction() {
    if (queue_.empty()) {
        if (settings_.turn) {
            send_command("TURN", "");
            set_state(State::Turn);
        } else {
            send_command("QUIT", "");
            set_state(State::Quit);
        }
        return;
    }
    active_ = std::move(queue_.front());
    queue_.pop_front();
    result_ = TransactionResult{};
    result_.id = active_->id;
    for (const auto& m : active_->recipients) result_.recipients.push_back({m, RecipientResult::Outcome::transient, {}, ""});
    // RFC 6531 §3.4: UTF-8 in the envelope or the header fields makes it an SMTPUTF8 transaction.
    bool utf8_envelope = has_8bit(active_->reverse_path);
    for (const auto& m : active_->recipients) utf8_envelope = utf8_envelope || has_8bit(m);
    if (utf8_envelope && !ext_.smtputf8) {
        // A UTF-8 address cannot be written for a server without SMTPUTF8: refused here, nothing sent.
        fail_pending_recipients(
            Reply(553, "5.6.7", "Non-ASCII address, and the server does not offer SMTPUTF8 (RFC 6531): not sent"), "SMTPUTF8");
        finish_active();
        next_transaction();
        return;
    }
    const std::string_view content = *active_->content;
    smtputf8_ = ext_.smtputf8 && (utf8_envelope || has_8bit(content.substr(0, content.find("\r\n\r\n"))));
    if (settings_.to_7bit && !ext_.eightbitmime && has_8bit(*active_->content)) {
        auto seven = settings_.to_7bit(*active_->content);
        if (!seven) {
            // RFC 6152 §3: not convertible, so returned as undeliverable; the next one goes on.
            fail_pending_recipients(Reply(554, "5.6.3", "Conversion required but not supported: " + seven.error().what),
                                    "8BITMIME");
            finish_active();
            next_transaction();
            return;
        }
        active_->content = std::make_shared<const std::string>(std::move(*seven));
    }
    next_rcpt_ = 0;
    accepted_ = 0;
    mail_ok_ = false;
    pipelined_ = settings_.use_pipelining && ext_.pipelining;
    next_command_ = 0;
    if (!active_->commands.empty()) {
        send_line(active_->commands.front());
        set_state(State::Command);
        return;
    }
    send_envelope();
}

// A scenario's command line as it was written: its verb labels it.
void ClientSession::send_line(std::string_view line) {
    const size_t sp = line.find(' ');
    send_command(line.substr(0, sp), sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1));
    // A verb no catalog row knows (a student's XYZZY) is labelled by its own
    // word, as the annotator labels it; the line lives in the transaction,
    // which outlives the output that names it.
    if (!command_row(line.substr(0, sp))) outbox_.relabel_last(line.substr(0, sp));
}

void ClientSession::on_command_reply(const Reply& r) {
    if (closed_by_421(r, "MAIL")) return;
    if (++next_command_ < active_->commands.size()) {
        send_line(active_->commands[next_command_]);
        return;
    }
    send_envelope();
}

// MAIL (with PIPELINING, every RCPT and DATA too).
void ClientSession::send_envelope() {
    send_mail_command();
    if (pipelined_) {
        for (const auto& m : active_->recipients) send_command("RCPT", {"TO:<", m, ">"});
        send_command("DATA", "");
    }
    set_state(State::Mail);
}

void ClientSession::fail_pending_recipients(const Reply& r, std::string_view stage) {
    for (auto& rr : result_.recipients) {
        if (rr.stage.empty() || rr.outcome == RecipientResult::Outcome::accepted) {
            rr.outcome = r.permanent() ? RecipientResult::Outcome::permanent : RecipientResult::Outcome::transient;
            rr.reply = r;
            rr.stage = std::string(stage);
        }
    }
}

void ClientSession::on_mail_reply(const Reply& r) {
    if (r.positive()) {
        mail_ok_ = true;
        if (!pipelined_) send_command("RCPT", {"TO:<", active_->recipients[0], ">"});
        set_state(State::Rcpt);
        return;
    }
    fail_pending_recipients(r, "MAIL");
    if (closed_by_421(r, "MAIL")) return;
    if (pipelined_) {  // RCPT and DATA replies are still to come; swallow them
        set_state(State::Rcpt);
        return;
    }
    finish_active();
    send_command("RSET", "");
    set_state(State::Rset);
}

void ClientSession::on_rcpt_reply(const Reply& r) {
    if (closed_by_421(r, "RCPT")) return;
    if (mail_ok_ && next_rcpt_ < result_.recipients.size()) {
        auto& rr = result_.recipients[next_rcpt_];
        rr.reply = r;
        rr.stage = "RCPT";
        if (r.positive()) {
            rr.outcome = RecipientResult::Outcome::accepted;  // for now: until the end of data
            ++accepted_;
        } else {
            rr.outcome = r.permanent() ? RecipientResult::Outcome::permanent : RecipientResult::Outcome::transient;
        }
    }
    ++next_rcpt_;
    if (next_rcpt_ < active_->recipients.size()) {
        if (!pipelined_) send_command("RCPT", {"TO:<", active_->recipients[next_rcpt_], ">"});
        return;
    }
    if (pipelined_) {
        set_state(State::Data);  // DATA already sent
        return;
    }
    if (accepted_ == 0) {
        finish_active();
        send_command("RSET", "");
        set_state(State::Rset);
        return;
    }
    send_command("DATA", "");
    set_state(State::Data);
}

void ClientSession::send_body() {
    protocol::Outgoing o;
    o.bytes = protocol::dot_stuff(*active_->content);
    o.key = "smtp.message";
    outbox_.send(std::move(o));
}

void ClientSession::on_data_reply(const Reply& r) {
    if (r.code == 354) {
        if (!mail_ok_ || accepted_ == 0) {
            // Pipelined and nobody was accepted, yet the server wants text:
            // send an empty message and throw its reply away (RFC 2920 §3.1).
            active_->content = std::make_shared<const std::string>();
        }
        send_body();
        set_state(State::Body);
        return;
    }
    if (mail_ok_) {
        for (auto& rr : result_.recipients)
            if (rr.outcome == RecipientResult::Outcome::accepted) {
                rr.outcome = r.permanent() ? RecipientResult::Outcome::permanent : RecipientResult::Outcome::transient;
                rr.reply = r;
                rr.stage = "DATA";
            }
    }
    finish_active();
    if (closed_by_421(r, "DATA")) return;
    send_command("RSET", "");
    set_state(State::Rset);
}

void ClientSession::on_body_reply(const Reply& r) {
    if (mail_ok_ && accepted_ > 0) {
        for (auto& rr : result_.recipients)
            if (rr.outcome == RecipientResult::Outcome::accepted) {
                if (!r.positive())
                    rr.outcome = r.permanent() ? RecipientResult::Outcome::permanent : RecipientResult::Outcome::transient;
                rr.reply = r;
                rr.stage = "END-OF-DATA";
            }
    }
    finish_active();
    if (closed_by_421(r, "END-OF-DATA")) return;
    set_state(State::Ready);
    next_transaction();
}

void ClientSession::on_rset_reply(const Reply& r) {
    if (closed_by_421(r, "RSET")) return;
    set_state(State::Ready);
    next_transaction();
}

void ClientSession::on_turn_reply(const Reply& r) {
    if (r.code == 250) {
        outbox_.report({SessionEvent::Type::turned, state_, State::Done, {}});
        set_state(State::Done);  // the roles swap; a server session takes over this connection
        return;
    }
    send_command("QUIT", "");
    set_state(State::Quit);
}

void ClientSession::on_quit_reply(const Reply&) {
    set_state(State::Done);
    close_ = true;
    outbox_.report({SessionEvent::Type::closed, state_, state_, {}});
}

void ClientSession::finish_active() {
    if (!active_) return;
    outbox_.report({SessionEvent::Type::transaction_done, state_, state_, std::move(result_)});
    result_ = TransactionResult{};
    active_.reset();
}

void ClientSession::fail_all(const Reply& r, std::string_view stage, bool permanent) {
    if (active_) {
        fail_pending_recipients(r, stage);
        finish_active();
    }
    while (!queue_.empty()) {
        Transaction t = std::move(queue_.front());
        queue_.pop_front();
        TransactionResult tr;
        tr.id = t.id;
        for (const auto& m : t.recipients)
            tr.recipients.push_back({m,
                                     permanent ? RecipientResult::Outcome::permanent
                                               : RecipientResult::Outcome::transient,
                                     r, std::string(stage)});
        outbox_.report({SessionEvent::Type::transaction_done, state_, state_, std::move(tr)});
    }
}

void ClientSession::connection_failed(const Reply& why, std::string_view stage) {
    if (state_ == State::Done) return;
    // Recipients already accepted by a finished DATA are not here any more;
    // those of the unfinished transaction are not delivered.
    if (active_)
        for (auto& rr : result_.recipients)
            if (rr.outcome == RecipientResult::Outcome::accepted) rr.stage.clear();
    fail_all(why, stage, false);
    set_state(State::Done);
    close_ = true;
}

}  // namespace mailsim::smtp
