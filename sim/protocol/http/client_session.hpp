// client_session.hpp — a browser reading webmail, as a sans-I/O engine.
// RFC 9110, RFC 9112 (HTTP/1.1), RFC 6265 (cookies).
//
// The default plan is what a person does in a browser, every step one
// request and one response on the same persistent connection:
//
//   GET  /                     the login page
//   POST /login                the form: user=…&password=…  → 303, Set-Cookie
//   GET  /inbox                following the 303, now with the cookie
//   GET  /api/inbox            the list as JSON (what a page's script would fetch)
//   for each message not seen on this device:
//     GET /message/ID          the page: header fields and text
//     GET /message/ID/part/N   one more request per object the page refers to
//                              (<img src> always; <a href> attachments when
//                              download_attachments is on)
//   POST /logout               with "Connection: close": the last request
//
// So a message with an inline image and an attachment costs three requests,
// where SMTP and POP3 carried it whole in one transfer.
//
// An explicit `requests` list replaces the plan: each entry "METHOD target"
// or "POST target form-body", sent in order; redirects are followed (as a
// browser does) and cookies kept. The responses are read with the same
// parser as the server's requests (Content-Length, or until the close).
#pragma once

#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/http/message.hpp"
#include "protocol/outbox.hpp"

namespace mailsim::http {

struct HttpClientSettings {
    std::string host = "mail.example";  // the Host field
    std::string user;
    std::string password;
    std::set<std::string> seen;         // message ids already read on this device
    std::vector<std::string> requests;  // if not empty: exactly these ("GET /inbox", "POST /login user=bob&password=x")
    bool download_attachments = true;   // fetch <a href> parts too, not only <img src>
    std::string user_agent = "mailsim-browser/0.1";
    size_t max_redirects = 5;           // in a row
};

class HttpClientSession {
public:
    // Where the plan stands; Scripted for an explicit request list.
    enum class State { LoginPage, Login, Inbox, InboxList, Message, Object, Logout, Scripted, Done };

    struct SessionEvent {
        enum class Type { state_change, response, message_read, finished };
        Type type = Type::state_change;
        State from = State::LoginPage, to = State::LoginPage;  // state_change
        std::string method, target;                           // response: the request it answers
        int status = 0;                                       // response
        std::string content_type;                             // response
        size_t body_size = 0;                                 // response
        std::string id;                                       // message_read: the message id
        std::string page;                                     // message_read: the HTML page as received
        bool ok = true;                                       // finished
        std::string error;                                    // finished: what went wrong
    };

    explicit HttpClientSession(HttpClientSettings settings);

    void start();  // the first request: in HTTP the client speaks first
    void receive(std::string_view bytes);
    void peer_closed();  // the server closed the connection
    // One Outgoing per request: verb "GET", key "http.method.GET".
    std::vector<protocol::Outgoing> take_output() { return outbox_.take_output(); }
    std::optional<SessionEvent> next_event() { return outbox_.next_event(); }
    bool wants_close() const { return close_; }
    State state() const { return state_; }
    static std::string_view state_name(State s);
    const std::string& cookie() const { return cookie_; }

private:
    void set_state(State s);  // the ONLY way to change state
    void send(std::string_view method, std::string target, std::string form = {}, bool last = false);
    void on_response(Response resp);
    void on_plan(const Response& resp);
    void on_script(const Response& resp);
    void next_message();
    void next_object();
    void finish(bool ok, std::string error);

    HttpClientSettings settings_;
    ResponseParser parser_{ParserLimits{8000, 65536, 64u << 20}};
    State state_;
    std::string method_, target_, form_;  // the request awaiting its response
    bool last_ = false;                   // it was sent with "Connection: close"
    std::string cookie_;                  // "session=…", sent back in Cookie
    size_t redirects_ = 0;
    std::vector<std::string> todo_;       // message ids to read
    std::string current_;                 // the message being read
    std::deque<std::string> objects_;     // its part URLs still to fetch
    size_t script_ = 0;                   // next entry of settings_.requests
    bool close_ = false;
    protocol::Outbox<SessionEvent> outbox_;
};

}  // namespace mailsim::http
