// client_session.hpp — an IMAP4rev1 client (the user agent's side) as a
// sans-I/O engine. RFC 3501, RFC 2177 (IDLE), RFC 4959 + RFC 4616
// (AUTHENTICATE PLAIN, with or without an initial response).
//
// Mail stays on the server; the agent keeps copies. The default plan:
//   LOGIN (or AUTHENTICATE PLAIN)  →  SELECT folder  →  UID SEARCH ALL
//   for each UID not in seen_uids:
//     whole:   UID FETCH u (UID RFC822.SIZE BODY.PEEK[])
//     partial: UID FETCH u (UID RFC822.SIZE ENVELOPE BODYSTRUCTURE), then
//              UID FETCH u (UID BODY.PEEK[n]) for the first text/plain part
//              only, then UID STORE u +FLAGS.SILENT (\Seen): a partial
//              fetch downloads less than the whole message.
//   file_into: LIST "" folder; CREATE it when missing (parents too); UID COPY
//              the fetched messages there; UID STORE +FLAGS.SILENT (\Deleted);
//              EXPUNGE.
//   idle:      IDLE until stop_idle(). A "* n EXISTS" while idling ends the
//              IDLE (DONE), the new messages are fetched (and filed), and
//              the client idles again.
//   LOGOUT.
// The survey plan (`survey`, live mode's "list and fetch mail" against a
// real server): CAPABILITY; LOGIN, or AUTHENTICATE PLAIN when the server
// says LOGINDISABLED (RFC 3501 §6.2.3) or the settings ask for it;
// LIST "" "*"; SELECT folder; UID FETCH 1:* (FLAGS RFC822.SIZE) when the
// folder is not empty; UID FETCH u BODY.PEEK[] for each UID, lowest first,
// up to max_messages; LOGOUT.
// Tags are A001, A002, ...; the client waits for each tagged response
// before sending the next command.
//
// Explicit commands replace the plan: each string is sent as one command
// with the next tag. A literal is written in braces with its content:
// "APPEND INBOX {Subject: hi\n\nhello\n}" sends "{24}", waits for the "+"
// continuation, then sends the 24 octets (LF becomes CRLF); the first "}"
// ends the content, so a literal cannot hold "}". "LOGIN bob {secret}" sends
// the password as a literal. "AUTHENTICATE PLAIN" answers the "+" with the
// user and password of the settings. "IDLE" waits for stop_idle(), which
// sends DONE (a "DONE" entry is therefore skipped). A LOGOUT is added when
// the list lacks one.
//
// Not done here: STARTTLS, mechanisms other than PLAIN, CONDSTORE/QRESYNC
// resynchronisation, pipelining several commands.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/imap/parser.hpp"
#include "protocol/outbox.hpp"

namespace mailsim::imap {

enum class ImapAuth { login, plain, plain_ir };  // LOGIN, AUTHENTICATE PLAIN, the same with SASL-IR

struct ImapClientSettings {
    std::string user;
    std::string password;
    ImapAuth auth = ImapAuth::login;
    std::string folder = "INBOX";
    bool partial = false;
    std::set<std::uint32_t> seen_uids;  // downloaded earlier on this device
    std::uint32_t uidvalidity = 0;      // of seen_uids; when the server's differs they are stale (0: unknown)
    std::string file_into;              // "INBOX/Courses/Networks", or "" to leave mail where it is
    bool idle = false;
    std::vector<std::string> commands;  // non-empty: replaces the plan
    bool survey = false;                // the survey plan (see above)
    size_t max_messages = 0;            // survey: fetch at most this many (0: all)
};

class ImapClientSession {
public:
    enum class State { NotAuthenticated, Authenticated, Selected, Idle, Logout, Done };

    struct SessionEvent {
        enum class Type { state_change, fetched, idle_notice, finished } type = Type::state_change;
        State from = State::NotAuthenticated, to = State::NotAuthenticated;
        std::uint32_t uid = 0;    // fetched (0 when the response carried no UID)
        std::string folder;       // fetched: the selected folder
        std::string section;      // fetched: "" for the whole message, "1", "2.1", "TEXT"...
        std::string content;      // fetched: the octets received
        size_t octets = 0;        // fetched: how many octets were fetched (content.size())
        size_t size = 0;          // fetched: the message's RFC822.SIZE, if the server said (else 0)
        std::uint32_t exists = 0; // idle_notice: the new message count
        bool ok = true;           // finished: false when the session could not do its job
        std::string error;        // finished: why
    };

    explicit ImapClientSession(ImapClientSettings settings);

    void receive(std::string_view bytes);
    // End IDLE (DONE). In the plan the client then logs out; called before
    // the client idles, it logs out instead of idling.
    void stop_idle();
    // The connection closed: a session not yet over finishes with an error.
    void peer_closed();
    std::vector<protocol::Outgoing> take_output() { return outbox_.take_output(); }
    std::optional<SessionEvent> next_event() { return outbox_.next_event(); }
    bool wants_close() const { return close_; }
    State state() const { return state_; }
    bool idling() const { return state_ == State::Idle; }
    // The UIDs downloaded so far (those of the settings and this session's)
    // and the folder's UIDVALIDITY: what the agent keeps for next time.
    const std::set<std::uint32_t>& seen_uids() const { return settings_.seen_uids; }
    std::uint32_t uidvalidity() const { return uidvalidity_; }
    static std::string_view state_name(State s);

private:
    enum class Step { greeting, capability, login, authenticate, list_all, select, search, fetch_sizes, fetch_meta,
                      fetch_body, store_seen, list, create, copy, store_deleted, expunge, idle, logout, explicit_command };

    void set_state(State s);  // the ONLY way to change state
    void send(Step step, std::string command);
    void send_pieces(Step step, std::vector<std::string> pieces);
    void on_response(const std::string& text);
    void on_continue();
    void on_untagged(std::string_view text);
    void on_fetch_data(std::uint32_t seq, std::string_view text);
    void on_tagged(bool ok, std::string_view text);
    void on_step_done(bool ok, std::string_view text);
    void log_in();
    void after_login();
    void next_message();
    void after_messages();
    void idle_or_logout();
    void next_explicit();
    void logout(bool ok, std::string error);
    void finish(bool ok, std::string error);

    ImapClientSettings settings_;
    CommandReader reader_;
    State state_ = State::NotAuthenticated;
    Step step_ = Step::greeting;
    int tag_counter_ = 0;
    std::string tag_;                  // the command waiting for its tagged response
    std::string verb_;                 // its verb, upper-cased (explicit commands)
    std::deque<std::string> pieces_;   // what follows each "+" (literals)
    std::uint32_t uidvalidity_ = 0;
    std::uint32_t exists_ = 0;         // the last "* n EXISTS"
    bool login_disabled_ = false;      // CAPABILITY said LOGINDISABLED
    std::vector<std::pair<std::uint32_t, size_t>> sizes_;  // survey: (UID, RFC822.SIZE) of the folder
    std::vector<std::uint32_t> todo_;  // UIDs to fetch
    std::vector<std::uint32_t> fetched_;  // fetched this round (to file)
    std::string part_;                 // partial: the text part's number
    size_t size_ = 0;                  // RFC822.SIZE of the message being fetched
    bool folder_listed_ = false;       // file_into: LIST showed the folder
    bool new_mail_ = false;            // EXISTS seen while idling
    bool stop_idle_ = false;
    State idle_from_ = State::Selected;  // the state IDLE returns to
    bool done_sent_ = false;
    size_t next_command_ = 0;
    bool close_ = false;
    bool failed_ = false;
    std::string error_;
    protocol::Outbox<SessionEvent> outbox_;
};

}  // namespace mailsim::imap
