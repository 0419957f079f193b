// server_session.hpp — a webmail server speaking HTTP/1.1, as a sans-I/O
// engine. RFC 9110 (semantics), RFC 9112 (HTTP/1.1), RFC 6265 (cookies),
// RFC 6585 (431), RFC 6266 (Content-Disposition in HTTP).
//
// Today most people read mail in a browser: the browser pulls with HTTP from
// the receiver's mail server, while mail servers still push to each other
// with SMTP. This engine is that server's web side. Its routes:
//
//   GET  /                        the login page (an HTML form)
//   POST /login                   user=…&password=… → 303 to /inbox with a session cookie
//   POST /logout                  → 303 to /, the cookie cleared
//   GET  /inbox                   the inbox as HTML       (needs the cookie, else 302 to /)
//   GET  /api/inbox               the inbox as JSON       (needs the cookie, else 401)
//   GET  /message/ID              one message as HTML: its text, and a reference per other part
//   GET  /api/message/ID          the same as JSON
//   GET  /message/ID/part/N       one part, decoded, with its own Content-Type
//   GET  /message/ID/raw          the message as stored (message/rfc822)
//   POST /message/ID/delete       → 303 to /inbox
//
// HEAD goes wherever GET goes and gets the same fields without the body;
// OPTIONS gets 204 with Allow. Every response carries Date (IMF-fixdate, the
// backend's clock), Server, Content-Length and, with a body, Content-Type.
// Parts and raw messages never change, so they carry an ETag and a
// conditional GET (If-None-Match) gets 304.
//
// Peer errors become responses (STYLE.md #9). When the framing is intact
// (404, 405, 411, 501 for an unknown method…) the connection goes on; when it
// is not (a bad request line or field line, a bad Content-Length, 413, 414,
// 431, 505, a chunked request) the server answers with "Connection: close"
// and closes, since it cannot know where the next request would start
// (RFC 9112 §6.3, §9.6). HTTP/1.0 closes after each response unless the
// request asked "Connection: keep-alive".
//
// The session cookie is "user.MAC", MAC = SHA-256(secret, user): no
// randomness and no server-side table, so it works across connections (and
// logging out only clears the browser's copy; a real server keeps a table).
//
// Not done here: TLS (a real webmail is HTTPS only), chunked requests,
// Expect: 100-continue, ranges, compression, caching beyond ETag/304,
// CSRF tokens (a POST whose Origin names another site gets 403 instead).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/http/message.hpp"
#include "protocol/http/webmail.hpp"
#include "protocol/outbox.hpp"

namespace mailsim::http {

// What the webmail needs from the mail store; simple to put over any mailbox.
class WebmailBackend {
public:
    virtual ~WebmailBackend() = default;
    // A status line replacing the server's answer to (method, path), when a
    // scenario rule says so: "503 Service Unavailable".
    virtual std::optional<std::string> override_for(std::string_view method, std::string_view path) = 0;
    virtual bool check_login(const std::string& user, const std::string& password) = 0;
    // The user's inbox, oldest first.
    virtual std::vector<InboxMessage> inbox(const std::string& user) = 0;
    virtual void mark_seen(const std::string& user, const std::string& id) = 0;
    // The delete button: the message is gone for good.
    virtual void remove(const std::string& user, const std::string& id) = 0;
    // The time, in epoch seconds, for the Date field.
    virtual std::int64_t now() = 0;
};

// 32 random bytes in hex, from the system's generator (std::random_device):
// the default cookie secret, new each run, so that nobody can forge a
// session by knowing a fixed string. A simulation passes its own, derived
// from the seed so the run stays deterministic (agents/mail_server.cpp).
std::string random_cookie_secret();

struct HttpSettings {
    std::string hostname = "mail.example";      // the Host the pages are served as (Origin checks)
    std::string server = "mailsim-webmail/0.1";  // the Server field (RFC 9110 §10.2.4)
    std::string cookie_secret = random_cookie_secret();  // signs session cookies
    size_t request_line_limit = 8000;            // RFC 9112 §3: longer gets 414
    size_t field_section_limit = 8192;           // RFC 6585 §5: larger gets 431
    size_t body_limit = 65536;                   // RFC 9110 §15.5.14: larger gets 413
};

class HttpServerSession {
public:
    // The part of a request being read (RFC 9112 §2.1), then Closed.
    enum class State { RequestLine, FieldLines, MessageBody, Closed };

    struct SessionEvent {
        enum class Type { state_change, request } type;
        State from = State::RequestLine, to = State::RequestLine;  // state_change
        std::string method, target;                               // request ("" when it could not be read)
        int status = 0;                                           // request: the status answered
    };

    HttpServerSession(HttpSettings settings, WebmailBackend& backend);

    void receive(std::string_view bytes);
    // One Outgoing per response: verb "200", key "http.status.200".
    std::vector<protocol::Outgoing> take_output() { return outbox_.take_output(); }
    std::optional<SessionEvent> next_event() { return outbox_.next_event(); }
    bool wants_close() const { return close_; }
    State state() const { return state_; }
    static std::string_view state_name(State s);

    // The session cookie's value for `user`.
    std::string session_token(std::string_view user) const;

private:
    using Handler = void (HttpServerSession::*)(const Request&, const std::vector<std::string>& args, Response&);
    struct Route {
        std::string_view method;   // HEAD goes with GET
        std::string_view pattern;  // "/message/*/part/*": each * one path segment
        Handler handler;
        bool login;                // needs the session cookie
        bool api;                  // without it: 401 rather than a redirect to the login page
    };
    static const Route kRoutes[];

    void set_state(State s);  // the ONLY way to change state
    void mirror_stages();
    void on_request(const Request& req);
    void respond(const Request* req, Response& resp);
    void status(Response& resp, int code, std::string_view text = {});
    std::optional<std::string> logged_in_user(const Request& req) const;
    const InboxMessage* find_message(const std::string& id);

    void on_login_page(const Request&, const std::vector<std::string>&, Response&);
    void on_login(const Request&, const std::vector<std::string>&, Response&);
    void on_logout(const Request&, const std::vector<std::string>&, Response&);
    void on_inbox(const Request&, const std::vector<std::string>&, Response&);
    void on_api_inbox(const Request&, const std::vector<std::string>&, Response&);
    void on_message(const Request&, const std::vector<std::string>&, Response&);
    void on_api_message(const Request&, const std::vector<std::string>&, Response&);
    void on_part(const Request&, const std::vector<std::string>&, Response&);
    void on_raw(const Request&, const std::vector<std::string>&, Response&);
    void on_delete(const Request&, const std::vector<std::string>&, Response&);

    HttpSettings settings_;
    WebmailBackend& backend_;
    RequestParser parser_;
    State state_ = State::RequestLine;
    std::string user_;                   // the logged-in user of the request being answered
    std::vector<InboxMessage> inbox_;    // read for the request being answered
    bool close_ = false;
    protocol::Outbox<SessionEvent> outbox_;
};

}  // namespace mailsim::http
