// server_session.hpp — an IMAP4rev1 server as a sans-I/O engine.
//
// RFC 3501 (IMAP4rev1), RFC 2177 (IDLE), RFC 4959 (SASL-IR), RFC 4616
// (SASL PLAIN), RFC 7888 (LITERAL+), RFC 7162 §4 (the 8192-octet command
// line advice). The four states are RFC 3501 §3's: Not Authenticated
// (LOGIN, AUTHENTICATE), Authenticated (folder commands), Selected (message
// commands on the selected folder) and Logout. CAPABILITY, NOOP and LOGOUT
// work in every state.
//
// Every command carries a tag; the server answers with untagged data ("*"),
// then a tagged OK, NO or BAD. A synchronizing literal "{n}" is asked for
// with a "+" continuation. Mail that arrives while a folder is selected is
// reported as "* n EXISTS" before the next tagged response, or at once
// while the client is in IDLE (the outside calls notify_changes() after
// delivering). EXPUNGE is never reported during FETCH, STORE or SEARCH
// (§7.4.1), so sequence numbers stay put while a client uses them.
//
// Peer errors become BAD or NO and the session goes on; lines and literals
// over the limits are refused without being kept.
//
// Not done here: STARTTLS, NAMESPACE, UIDPLUS, CONDSTORE, other SASL
// mechanisms than PLAIN, flag changes made by other sessions (only new and
// removed messages are reported).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/imap/fetch.hpp"
#include "protocol/imap/mail_store.hpp"
#include "protocol/imap/parser.hpp"
#include "protocol/outbox.hpp"

namespace mailsim::imap {

class ImapBackend {
public:
    virtual ~ImapBackend() = default;
    // A response replacing the server's own tagged one for `command`
    // ("SELECT", "LOGIN", "UID", ...; `args` the rest of the command), when a
    // scenario rule says so: "NO [TRYCREATE] no such mailbox", "BAD ...", or
    // "BYE ..." (sent untagged, then the server closes). For "CONNECT" it
    // replaces the greeting: "BYE too busy" refuses the connection, "OK ..."
    // changes the greeting's text.
    virtual std::optional<std::string> override_for(std::string_view command, std::string_view args) = 0;
    virtual bool check_login(const std::string& user, const std::string& password) = 0;
    // The user's folders; nullptr when the user has none.
    virtual MailStore* store(const std::string& user) = 0;
    // Seconds since the epoch: the internal date of an APPEND without one.
    virtual std::int64_t now() = 0;
};

struct ImapSettings {
    std::string hostname = "mail.example";
    size_t command_line_limit = 8192;        // RFC 7162 §4: at least 8192 octets a line
    size_t literal_limit = 16 * 1024 * 1024;  // the largest literal taken (APPEND's message)
    std::string preauth_user;                // non-empty: greet with PREAUTH, already logged in (§7.1.4)
    bool starttls = false;                   // RFC 3501 §6.2.1: STARTTLS offered (the transport can do TLS)
    bool tls_active = false;                 // already over TLS (implicit TLS, RFC 8314)
};

class ImapServerSession {
public:
    enum class State { NotAuthenticated, Authenticated, Selected, Logout };

    struct SessionEvent {
        enum class Type { state_change, idle_begin, idle_end, selected } type = Type::state_change;
        State from = State::NotAuthenticated, to = State::NotAuthenticated;
        std::string detail;  // selected: the folder
    };

    ImapServerSession(ImapSettings settings, ImapBackend& backend);

    void start();  // the greeting
    void receive(std::string_view bytes);
    // The store may have changed (mail delivered, POP3 removed some): an
    // idling session reports it now; otherwise at the next command.
    void notify_changes();
    std::vector<protocol::Outgoing> take_output() { return outbox_.take_output(); }
    std::optional<SessionEvent> next_event() { return outbox_.next_event(); }

    bool wants_close() const { return close_; }
    State state() const { return state_; }
    bool idling() const { return idling_; }
    const std::string& user() const { return user_; }
    const std::string& selected_folder() const { return selected_; }
    bool read_only() const { return read_only_; }
    static std::string_view state_name(State s);

private:
    struct Command {
        std::string tag;
        std::string verb;  // upper-cased
        Args args;         // after the verb's SP
        bool uid = false;  // UID FETCH / STORE / COPY / SEARCH
    };
    using Handler = void (ImapServerSession::*)(Command& c);
    struct CommandRow {
        std::string_view verb;
        Handler handler;
        unsigned states;  // bit mask
    };
    static const CommandRow kCommands[];

    void set_state(State s);  // the ONLY way to change state
    void emit(std::string bytes, std::string_view verb, std::string_view key);
    void tagged(const std::string& tag, std::string_view status, std::string_view text,
                std::string_view key = {});
    void untagged(std::string_view verb, std::string_view key, std::string_view line);
    void bad_syntax(const std::string& tag, std::string_view verb, std::string_view why);
    const CommandRow* find(std::string_view verb) const;

    void on_command(const std::string& text);
    void on_auth_response(const std::string& text);
    void on_idle_line(const std::string& text);
    void on_literal_wanted(const CommandReader::Item& item);
    void on_refused(const CommandReader::Item& item);

    // The selected folder's view: sequence number n is view_[n-1].
    Folder* selected();
    void report_changes(bool allow_expunge);
    void deselect();
    bool valid_set(const SequenceSet& set, bool uid) const;
    std::vector<size_t> picked(const SequenceSet& set, bool uid) const;  // indexes into view_
    std::set<std::string> flags_of(const StoredMessage& m) const;
    bool login(const std::string& user, const std::string& password);
    std::string capabilities() const;

    void on_capability(Command& c);
    void on_starttls(Command& c);
    void on_id(Command& c);
    void on_namespace(Command& c);
    void on_noop(Command& c);
    void on_logout(Command& c);
    void on_login(Command& c);
    void on_authenticate(Command& c);
    void on_select(Command& c);
    void on_create(Command& c);
    void on_delete(Command& c);
    void on_rename(Command& c);
    void on_subscribe(Command& c);
    void on_list(Command& c);
    void on_status(Command& c);
    void on_append(Command& c);
    void on_idle(Command& c);
    void on_check(Command& c);
    void on_close(Command& c);
    void on_expunge(Command& c);
    void on_search(Command& c);
    void on_fetch(Command& c);
    void on_store(Command& c);
    void on_copy(Command& c);
    void on_uid(Command& c);

    ImapSettings settings_;
    ImapBackend& backend_;
    CommandReader reader_;
    State state_ = State::NotAuthenticated;
    std::string user_;
    MailStore* store_ = nullptr;
    std::string selected_;
    bool read_only_ = false;
    std::uint32_t uidvalidity_ = 0;
    std::vector<std::uint32_t> view_;
    std::set<std::uint32_t> recent_;
    std::uint32_t highest_uid_ = 0;  // the largest UID this session has announced
    std::uint64_t seen_version_ = 0;
    bool expunge_withheld_ = false;
    bool allow_expunge_ = true;      // false while a FETCH, STORE or SEARCH runs
    bool idling_ = false;
    std::string idle_tag_;
    std::string auth_tag_;           // AUTHENTICATE waiting for the client's response
    bool close_ = false;
    protocol::Outbox<SessionEvent> outbox_;
};

}  // namespace mailsim::imap
