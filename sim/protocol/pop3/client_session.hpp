// client_session.hpp — a POP3 client (the user agent's side) as a sans-I/O
// engine. RFC 1939.
//
// It logs in (USER/PASS, or APOP when asked and the greeting has a
// timestamp), asks STAT and UIDL, retrieves each message it has not seen
// (RETR), and in download-and-delete mode marks each retrieved message
// with DELE, so that QUIT's UPDATE state removes them from the server.
// In download-and-keep mode the messages stay on the server and the UIDs
// it has seen let a later session fetch only what is new.
//
// The survey plan (`survey`, what live mode's "list and fetch mail" runs
// against a real server): STAT, LIST (each message's number and size),
// UIDL where the server offers it (an -ERR there is no failure: the
// message numbers stand in for UIDs), RETR each listed message up to
// `max_messages`, DELE each in download-and-delete mode, QUIT.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/line_framer.hpp"
#include "protocol/outbox.hpp"

namespace mailsim::pop3 {

enum class RetrievalMode { keep, remove };  // download-and-keep, download-and-delete

struct Pop3ClientSettings {
    std::string user;
    std::string password;
    bool apop = false;
    RetrievalMode mode = RetrievalMode::remove;
    std::set<std::string> seen;  // UIDs already downloaded (keep mode)
    bool survey = false;         // STAT, LIST, UIDL where offered, RETR each (see above)
    size_t max_messages = 0;     // survey: retrieve at most this many (0: all)
};

class Pop3ClientSession {
public:
    enum class State { Greeting, User, Pass, Apop, Stat, List, Uidl, Retr, Dele, Quit, Done };

    struct SessionEvent {
        enum class Type { state_change, retrieved, finished } type;
        State from = State::Greeting, to = State::Greeting;
        std::string uid;       // retrieved
        std::string content;   // retrieved: the message, unstuffed, CRLF lines
        bool ok = true;        // finished: false after an -ERR that ended it
        std::string error;     // finished: the -ERR text
        size_t number = 0;     // retrieved: the message number
        size_t size = 0;       // retrieved (survey): the size LIST gave
    };

    explicit Pop3ClientSession(Pop3ClientSettings settings);

    void receive(std::string_view bytes);
    std::vector<protocol::Outgoing> take_output() { return outbox_.take_output(); }
    std::optional<SessionEvent> next_event() { return outbox_.next_event(); }
    bool wants_close() const { return close_; }
    State state() const { return state_; }
    static std::string_view state_name(State s);

private:
    void set_state(State s);  // the ONLY way to change state
    void send(std::string_view verb, std::string_view args);
    void on_response(bool ok, std::string_view first, std::string body);
    void next_message();
    void quit(bool ok, std::string error);
    bool expects_multiline() const;
    // survey: LIST's "n size" lines, or UIDL's "n uid" lines.
    void take_listing(std::string_view body, bool uids);

    Pop3ClientSettings settings_;
    protocol::LineFramer framer_{65536};
    State state_ = State::Greeting;
    bool in_body_ = false;     // reading a multi-line response
    std::string first_line_;
    std::string body_;
    std::vector<std::pair<size_t, std::string>> todo_;  // (message number, uid) to retrieve
    std::vector<std::pair<size_t, size_t>> listed_;    // survey: (message number, size) from LIST
    size_t next_ = 0;
    bool close_ = false;
    bool failed_ = false;
    std::string error_;
    protocol::Outbox<SessionEvent> outbox_;
};

}  // namespace mailsim::pop3
