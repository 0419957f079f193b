// server_session.hpp — a POP3 server as a sans-I/O engine.
//
// RFC 1939 (POP3), RFC 2449 (CAPA). The three states are RFC 1939's:
// AUTHORIZATION (USER/PASS or APOP), TRANSACTION (STAT LIST RETR DELE NOOP
// RSET TOP UIDL), UPDATE (entered only by QUIT: the messages marked by DELE
// are removed then, and only then; a dropped connection removes nothing).
//
// Responses are "+OK ..." or "-ERR ..."; multi-line ones end with a line
// holding a single dot, with leading dots doubled (the same dot-stuffing as
// SMTP's DATA). The maildrop and the passwords are asked of a Pop3Backend.
// Peer errors become -ERR replies and the session goes on.
//
// Not done here: STLS, SASL (AUTH), RESP-CODES.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/line_framer.hpp"
#include "protocol/outbox.hpp"

namespace mailsim::pop3 {

struct MaildropMessage {
    std::string uid;                               // unique and stable (UIDL)
    std::shared_ptr<const std::string> content;    // CRLF lines
};

class Pop3Backend {
public:
    virtual ~Pop3Backend() = default;
    // A response line replacing the server's own for `command` ("CONNECT",
    // "USER", "PASS", "RETR", ...), if a rule says so: "-ERR ..." or "+OK ...".
    virtual std::optional<std::string> override_for(std::string_view command, std::string_view args) = 0;
    virtual bool user_exists(const std::string& user) = 0;
    virtual bool check_password(const std::string& user, const std::string& password) = 0;
    // The shared secret for APOP, if the user has one.
    virtual std::optional<std::string> secret(const std::string& user) = 0;
    virtual std::vector<MaildropMessage> open_maildrop(const std::string& user) = 0;
    // UPDATE state: remove these messages for good.
    virtual void remove(const std::string& user, const std::vector<std::string>& uids) = 0;
};

struct Pop3Settings {
    std::string hostname = "mail.example";
    std::string timestamp = "<1.1@mail.example>";  // RFC 1939 §7: the APOP banner's msg-id
    size_t command_line_limit = 255;               // RFC 2449 §4: 255 octets with CRLF
    bool stls = false;                             // RFC 2595 §4: STLS offered (the transport can do TLS)
    bool tls_active = false;                       // already over TLS (implicit TLS, RFC 8314)
};

class Pop3ServerSession {
public:
    enum class State { Authorization, Transaction, Update, Closed };

    struct SessionEvent {
        enum class Type { state_change } type = Type::state_change;
        State from = State::Authorization, to = State::Authorization;
    };

    Pop3ServerSession(Pop3Settings settings, Pop3Backend& backend);

    void start();  // the greeting
    void receive(std::string_view bytes);
    std::vector<protocol::Outgoing> take_output() { return outbox_.take_output(); }
    std::optional<SessionEvent> next_event() { return outbox_.next_event(); }
    bool wants_close() const { return close_; }
    State state() const { return state_; }
    const std::string& user() const { return user_; }
    static std::string_view state_name(State s);

private:
    using Handler = void (Pop3ServerSession::*)(std::string_view args);
    struct CommandRow {
        std::string_view verb;
        Handler handler;
        unsigned states;  // bit mask
    };
    static const CommandRow kCommands[];

    void set_state(State s);  // the ONLY way to change state
    void ok(std::string_view text);
    void err(std::string_view text);
    void multiline(std::string_view first, std::string_view body);
    // The message numbered by `arg` (1-based, not deleted), or nullptr after an -ERR.
    const MaildropMessage* message_arg(std::string_view arg, size_t* index);

    void on_user(std::string_view args);
    void on_pass(std::string_view args);
    void on_apop(std::string_view args);
    void on_stat(std::string_view args);
    void on_list(std::string_view args);
    void on_retr(std::string_view args);
    void on_dele(std::string_view args);
    void on_noop(std::string_view args);
    void on_rset(std::string_view args);
    void on_top(std::string_view args);
    void on_uidl(std::string_view args);
    void on_quit(std::string_view args);
    void on_capa(std::string_view args);
    void on_stls(std::string_view args);
    void logged_in(const std::string& user);

    Pop3Settings settings_;
    Pop3Backend& backend_;
    protocol::LineFramer framer_;
    State state_ = State::Authorization;
    std::string user_;           // after USER, or the logged-in user
    bool user_given_ = false;
    std::vector<MaildropMessage> drop_;
    std::vector<bool> deleted_;
    bool close_ = false;
    protocol::Outbox<SessionEvent> outbox_;
};

}  // namespace mailsim::pop3
