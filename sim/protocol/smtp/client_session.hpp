// client_session.hpp — the sender-SMTP as a sans-I/O engine.
//
// RFC 5321 §3–4 (and RFC 821 for SEND/SOML/SAML/TURN), RFC 1870 (declares
// SIZE=), RFC 6152 (BODY=8BITMIME), RFC 2920 (with PIPELINING: MAIL, every
// RCPT and DATA go out together, replies are matched in order).
//
// The client is given transactions (an envelope and the message text) and
// carries them over one connection, one after another (SMTP keeps the
// connection). RFC 6531 (SMTPUTF8): a transaction whose envelope or header
// fields hold UTF-8 goes with MAIL's SMTPUTF8 parameter where the server
// offers SMTPUTF8; where it does not, a UTF-8 address is refused by the
// client itself (553 5.6.7, stage "SMTPUTF8") and nothing of it is sent
// (UTF-8 only in header fields goes as before). It greets with EHLO and falls back to HELO when the server
// does not know EHLO. For each transaction it reports every recipient's
// fate: accepted by the server, failed for now (4xx, the caller keeps the
// message queued), or failed for good (5xx, the caller sends a bounce).
//
// Not done here: STARTTLS, AUTH, DSN.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "protocol/line_framer.hpp"
#include "protocol/outbox.hpp"
#include "protocol/smtp/reply.hpp"
#include "protocol/smtp/server_session.hpp"

namespace mailsim::smtp {

struct Transaction {
    std::uint64_t id = 0;  // the caller's, returned in the result
    MailMode mode = MailMode::mail;
    std::string reverse_path;
    std::vector<std::string> recipients;
    // Header + body, CRLF line ends, not dot-stuffed. Shared, not copied: the
    // same text waits in a queue or an outbox while a session carries it.
    std::shared_ptr<const std::string> content = std::make_shared<const std::string>();
    // Command lines sent before MAIL, one at a time, each after the reply to
    // the one before ("VRFY bob", "EXPN staff", "HELP", "NOOP"): a scenario's
    // way to show RFC 821's other commands and the replies they get (250,
    // 251, 252, 211, 214, 500, 502, 550...). Whatever they get, MAIL follows;
    // a 421 ends the session as anywhere else. None may change the session's
    // state (HELO, MAIL, RCPT, DATA, QUIT, TURN...): the scenario checks.
    std::vector<std::string> commands;
};

struct RecipientResult {
    enum class Outcome { accepted, transient, permanent };
    std::string mailbox;
    Outcome outcome = Outcome::transient;
    Reply reply;           // the reply that decided it
    std::string stage;     // which command got that reply: "CONNECT", "MAIL", "RCPT", "DATA", "END-OF-DATA"
};

struct TransactionResult {
    std::uint64_t id = 0;
    std::vector<RecipientResult> recipients;
};

struct ClientSettings {
    std::string helo_name = "client.example";
    bool try_ehlo = true;          // RFC 5321 §3.2: start with EHLO
    bool use_pipelining = true;    // if the server offers PIPELINING
    bool turn = false;             // RFC 821: ask to TURN when done (server must be in RFC 821 mode)
    // RFC 6152 §3: 8-bit text may go only to a server that offers 8BITMIME.
    // When it does not, a message with 8-bit bytes is passed through this
    // (a user agent or a relay re-encodes it as quoted-printable or base64,
    // message/seven_bit.hpp); when it cannot be re-encoded, the Error says
    // why and every recipient of it fails for good with 554 5.6.3, at stage
    // "8BITMIME", without being sent. Without it the message is sent as it
    // is, and the server may refuse it.
    std::function<Result<std::string>(const std::string& content)> to_7bit;
};

class ClientSession {
public:
    enum class State { Connect, Ehlo, Helo, Ready, Command, Mail, Rcpt, Data, Body, Rset, Turn, Quit, Done };

    struct SessionEvent {
        enum class Type { state_change, transaction_done, turned, closed } type;
        State from = State::Connect, to = State::Connect;
        TransactionResult result;  // for transaction_done
    };

    explicit ClientSession(ClientSettings settings);
    // Whether set_state() queues a state_change event (on by default). A
    // caller that shows the states to nobody turns it off and saves the work.
    void report_state_changes(bool on) { outbox_.report_state_changes(on); }

    void add(Transaction t);
    // Called when the connection could not be made or was lost: every
    // transaction not finished fails for now with `why`.
    void connection_failed(const Reply& why, std::string_view stage);

    void receive(std::string_view bytes);
    std::vector<protocol::Outgoing> take_output() { return outbox_.take_output(); }
    // The same into `into` (its old contents dropped), so that a caller
    // draining it every turn reuses both buffers.
    void take_output(std::vector<protocol::Outgoing>& into) { outbox_.take_output(into); }
    std::optional<SessionEvent> next_event() { return outbox_.next_event(); }

    State state() const { return state_; }
    bool wants_close() const { return close_; }
    std::string take_unread() { return framer_.take_rest(); }
    size_t pending_transactions() const { return queue_.size() + (active_ ? 1 : 0); }

    // What the server's EHLO reply offered.
    struct Extensions {
        bool esmtp = false, size = false, eightbitmime = false, pipelining = false, enhanced = false, smtputf8 = false;
        std::uint64_t size_limit = 0;
    };
    const Extensions& extensions() const { return ext_; }

    static std::string_view state_name(State s);

private:
    void set_state(State s);  // the ONLY way to change state
    void send_command(std::string_view verb, std::string_view args);
    // The arguments in pieces, joined only on the wire: "RCPT", {"TO:<", m, ">"}.
    void send_command(std::string_view verb, std::initializer_list<std::string_view> args);
    void on_reply(const Reply& r);
    void on_greeting(const Reply& r);
    void on_ehlo_reply(const Reply& r);
    void on_helo_reply(const Reply& r);
    void on_command_reply(const Reply& r);
    void send_line(std::string_view line);
    void send_envelope();
    void on_mail_reply(const Reply& r);
    void on_rcpt_reply(const Reply& r);
    void on_data_reply(const Reply& r);
    void on_body_reply(const Reply& r);
    void on_rset_reply(const Reply& r);
    void on_turn_reply(const Reply& r);
    void on_quit_reply(const Reply& r);
    bool closed_by_421(const Reply& r, std::string_view stage);
    void next_transaction();
    void send_body();
    void finish_active();
    void fail_all(const Reply& r, std::string_view stage, bool permanent);
    void fail_pending_recipients(const Reply& r, std::string_view stage);
    void send_mail_command();

    ClientSettings settings_;
    protocol::LineFramer framer_{65536};
    ReplyParser parser_;
    State state_ = State::Connect;
    Extensions ext_;
    std::deque<Transaction> queue_;
    std::optional<Transaction> active_;
    TransactionResult result_;
    size_t next_command_ = 0;   // next of the transaction's commands whose reply is awaited
    size_t next_rcpt_ = 0;      // next recipient whose RCPT reply is awaited
    size_t accepted_ = 0;
    bool pipelined_ = false;    // current transaction sent MAIL+RCPT+DATA at once
    bool mail_ok_ = false;
    bool smtputf8_ = false;     // current transaction's MAIL says SMTPUTF8
    bool close_ = false;
    protocol::Outbox<SessionEvent> outbox_;
};

}  // namespace mailsim::smtp
