// server_session.hpp — the receiver-SMTP as a sans-I/O engine.
//
// RFC 5321 (SMTP), RFC 821 (SEND, SOML, SAML, TURN in "RFC 821 mode"),
// RFC 1870 (SIZE), RFC 6152 (8BITMIME), RFC 2920 (PIPELINING),
// RFC 2034/3463 (ENHANCEDSTATUSCODES), RFC 3207 (STARTTLS), RFC 4954 (AUTH
// PLAIN and LOGIN, when offered).
//
// Bytes go in through receive(); replies come out of take_output(), and
// session events (state changes, a TURN) out of next_event(). The engine owns
// no socket, clock or thread (STYLE.md #1): the same engine answers inside the
// simulation, behind a real socket in serve mode, and in tests.
//
// Decisions that need the mail system — is this a local user, may this
// message be stored — are asked of a ServerPolicy, as Postfix's smtpd asks its
// lookup tables. Peer errors become replies and the session goes on
// (STYLE.md #9): unknown commands 500, bad arguments 501, out of order 503,
// over-long lines 500.
//
// Not done here: BDAT/CHUNKING, DSN parameters, AUTH mechanisms other than
// PLAIN (RFC 4616) and LOGIN.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/line_framer.hpp"
#include "protocol/outbox.hpp"
#include "protocol/smtp/reply.hpp"

namespace mailsim::smtp {

// How the text of a transaction is to be delivered (RFC 821 §3.4).
enum class MailMode { mail, send, soml, saml };  // MAIL, SEND, SEND OR MAIL, SEND AND MAIL
std::string_view to_string(MailMode m);

struct Envelope {
    MailMode mode = MailMode::mail;
    std::string reverse_path;                 // "" is the null sender <>
    std::vector<std::string> forward_paths;   // accepted recipients
    std::string client_name;                  // as given in HELO/EHLO
    bool esmtp = false;
    bool body_8bit = false;                   // BODY=8BITMIME
    std::uint64_t declared_size = 0;          // SIZE=
    bool tls = false;                         // the session runs over TLS (Received: "with ESMTPS", RFC 3848)
    bool smtputf8 = false;                    // MAIL ... SMTPUTF8 (RFC 6531 §3.4): UTF-8 addresses and header fields
    std::string auth_user;                    // who logged in with AUTH, "" nobody (Received: "with ESMTPA", RFC 3848)
};

// Limits and features of one server, each with its RFC (STYLE.md #7).
struct ServerSettings {
    std::string hostname = "mail.example";     // RFC 5321 §4.1.3: name in greeting and replies
    std::string greeting_text = "ESMTP mailsim";
    bool esmtp = true;                         // RFC 5321 §4.1.1.1: answer EHLO (off: an RFC 821 server)
    bool size = true;                          // RFC 1870
    std::uint64_t message_size_limit = 10240000;  // RFC 1870 §4: SIZE value, bytes
    bool eightbitmime = true;                  // RFC 6152
    bool pipelining = true;                    // RFC 2920
    bool enhancedstatuscodes = true;           // RFC 2034
    bool smtputf8 = false;                     // RFC 6531: SMTPUTF8 offered; without it (or without MAIL's
                                               // SMTPUTF8 parameter) a UTF-8 address gets 553 5.6.7
    bool rfc821_mode = false;                  // RFC 821 §4.1.1: SEND SOML SAML TURN implemented
    bool vrfy = true;                          // RFC 5321 §3.5.3: VRFY answered (off: 252)
    bool expn = true;                          // RFC 5321 §3.5.3: EXPN answered (off: 502)
    size_t recipient_limit = 100;              // RFC 5321 §4.5.3.1.8: at least 100 must be accepted
    size_t command_line_limit = 512;           // RFC 5321 §4.5.3.1.4
    size_t text_line_limit = 1000;             // RFC 5321 §4.5.3.1.6
    bool accept_bare_lf_commands = true;       // a lone LF ends a command line (never a text line)
    size_t commands_before_transaction_limit = 100;  // Postfix smtpd_junk_command_limit: commands (NOOP, VRFY,
                                               // RSET, HELP, ...) since the last MAIL before 421 and a close
    bool starttls = false;                     // RFC 3207: STARTTLS offered (a transport that can do TLS says so)
    bool tls_active = false;                   // the connection already runs over TLS (implicit TLS, RFC 8314)
    bool auth = false;                         // RFC 4954: AUTH PLAIN LOGIN offered, once TLS is on where
                                               // STARTTLS is offered (530 before); off: AUTH is unknown (500)
};

class ServerPolicy {
public:
    virtual ~ServerPolicy() = default;
    // A reply that replaces the server's own for `command` ("CONNECT",
    // "MAIL", "RCPT", "END-OF-DATA", ...) with these arguments, if a rule says so.
    virtual std::optional<Reply> override_for(std::string_view command, std::string_view args) = 0;
    virtual Reply check_sender(const Envelope& env, const std::string& reverse_path) = 0;
    // 250/251 accept; 450/452/550/551/553 refuse.
    virtual Reply check_recipient(const Envelope& env, const std::string& mailbox) = 0;
    // End of DATA: 250 (stored/queued) or 451/452/552/554.
    virtual Reply accept_message(const Envelope& env, const std::string& content) = 0;
    // AUTH: the user name ("bob", or "bob@its.domain") and password a
    // client gave are one of this server's users'.
    virtual bool authenticate(const std::string& user, const std::string& password) = 0;
    virtual Reply verify(const std::string& argument) = 0;  // VRFY
    virtual Reply expand(const std::string& argument) = 0;  // EXPN
    virtual std::vector<std::string> status_lines() = 0;    // HELP STATUS → 211
};

class ServerSession {
public:
    enum class State { Greeting, Ready, Mail, Rcpt, Data, Quit, Turned };

    struct SessionEvent {
        enum class Type { state_change, turn } type;
        State from = State::Greeting, to = State::Greeting;
        std::string client_name;  // for turn: the client's HELO name
    };

    ServerSession(ServerSettings settings, ServerPolicy& policy);

    // Sends the greeting (220, or an override such as 421 or 554).
    void start();
    // Whether set_state() queues a state_change event (on by default). A
    // caller that shows the states to nobody turns it off and saves the work.
    void report_state_changes(bool on) { outbox_.report_state_changes(on); }
    void receive(std::string_view bytes);
    std::vector<protocol::Outgoing> take_output() { return outbox_.take_output(); }
    // The same into `into` (its old contents dropped): a caller that keeps
    // one vector and drains it every turn reuses both buffers.
    void take_output(std::vector<protocol::Outgoing>& into) { outbox_.take_output(into); }
    std::optional<SessionEvent> next_event() { return outbox_.next_event(); }

    State state() const { return state_; }
    // True once the server has sent its last reply (221, 421) and closes.
    bool wants_close() const { return close_; }
    // After TURN: bytes that arrived after the TURN command, for the new roles.
    std::string take_unread() { return framer_.take_rest(); }
    const Envelope& envelope() const { return env_; }
    const ServerSettings& settings() const { return settings_; }

    static std::string_view state_name(State s);

private:
    using Handler = void (ServerSession::*)(std::string_view args, const std::optional<Reply>& forced);
    struct CommandRow {
        std::string_view verb;
        Handler handler;
        unsigned allowed;  // bit mask of states, see server_session.cpp
        bool rfc821_only;
    };
    static const CommandRow kCommands[];
    static const CommandRow* find_row(std::string_view verb);

    void set_state(State s);  // the ONLY way to change state
    void reply(const Reply& r);
    void reply(int code, std::string_view enhanced, std::string_view text);
    void on_command_line(const protocol::Line& line);
    void on_text(const protocol::TextRun& run);
    void end_of_data();
    void reset_transaction();
    bool enhanced() const { return settings_.enhancedstatuscodes && env_.esmtp; }

    void on_helo(std::string_view args, const std::optional<Reply>& forced);
    void on_ehlo(std::string_view args, const std::optional<Reply>& forced);
    void on_mail(std::string_view args, const std::optional<Reply>& forced);
    void on_rcpt(std::string_view args, const std::optional<Reply>& forced);
    void on_data(std::string_view args, const std::optional<Reply>& forced);
    void on_rset(std::string_view args, const std::optional<Reply>& forced);
    void on_noop(std::string_view args, const std::optional<Reply>& forced);
    void on_quit(std::string_view args, const std::optional<Reply>& forced);
    void on_vrfy(std::string_view args, const std::optional<Reply>& forced);
    void on_expn(std::string_view args, const std::optional<Reply>& forced);
    void on_help(std::string_view args, const std::optional<Reply>& forced);
    void on_send(std::string_view args, const std::optional<Reply>& forced);
    void on_soml(std::string_view args, const std::optional<Reply>& forced);
    void on_saml(std::string_view args, const std::optional<Reply>& forced);
    void on_turn(std::string_view args, const std::optional<Reply>& forced);
    void on_starttls(std::string_view args);
    void on_auth(std::string_view args);
    void on_auth_line(std::string_view text);
    void auth_plain(std::string_view response);
    void auth_finish(const std::string& user, const std::string& password);
    bool auth_offered() const { return settings_.auth && (settings_.tls_active || !settings_.starttls); }
    void begin_transaction(MailMode mode, std::string_view args, const std::optional<Reply>& forced);

    ServerSettings settings_;
    ServerPolicy& policy_;
    protocol::LineFramer framer_;
    State state_ = State::Greeting;
    Envelope env_;
    bool identified_ = false;
    size_t rcpt_attempts_ = 0;
    std::string data_;
    std::uint64_t data_size_ = 0;
    bool data_too_long_line_ = false;
    bool data_over_size_ = false;
    bool data_8bit_ = false;
    bool close_ = false;
    size_t commands_since_mail_ = 0;
    // AUTH: the client line the server waits for after a 334 challenge.
    enum class AuthStep { none, plain, login_user, login_password };
    AuthStep auth_step_ = AuthStep::none;
    std::string login_user_;  // AUTH LOGIN: the user name while the password is asked for
    std::string auth_user_;   // after 235; kept across EHLO and RSET, dropped by STARTTLS
    protocol::Outbox<SessionEvent> outbox_;
};

}  // namespace mailsim::smtp
