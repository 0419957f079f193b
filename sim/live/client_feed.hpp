// client_feed.hpp — a live session (live_session.hpp: mailsim as a client of
// a real server) as a growing Trace for a viewer (the GUI's Live panel).
//
// LiveSession's calls wait on the network (up to its time-out), so a
// ClientFeed runs one on a worker thread of its own. The viewer queues
// requests — open, a typed command line, a standard "send this message"
// or "list and fetch mail" session, close — which the worker does in order; each event the session
// records is handed over as it happens, and poll() (once a frame) appends
// what has come to the feed's trace, so every panel grows while replies
// arrive. status() says what the connection is doing: connecting,
// connected (with the TLS handshake's facts), waiting for a reply, closed,
// or failed (with LiveSession's reason).
//
// The worker ends when the connection does (closed by either side, or
// failed); requests still queued then are dropped. A close cuts short a
// wait for a reply (LiveSession::interrupt). Destroying the feed does the
// same and joins the worker when it stops within a quarter of a second; a
// worker still inside a wait that cannot be cut short (a connect to a
// silent host, a TLS handshake) is left to finish it on its own — its state
// is shared, not owned by the feed — so closing the window never waits for
// a time-out.
//
// A request is one alternative of ClientRequest and one handler in
// client_feed.cpp.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/trace_feed.hpp"
#include "live/live_session.hpp"

namespace mailsim::live {

struct OpenRequest {};
struct CommandRequest {
    std::string line;  // without CRLF; {user}, {password}, {auth-plain} filled in on the worker
};
struct SendRequest {
    std::string from;
    std::vector<std::string> to;
    std::string content;  // a whole message: header, empty line, body; CRLF line ends
};
// POP3 or IMAP: list and fetch mail by mailsim's own client engine
// (LiveSession::fetch_mail); the feed's user and password log in.
struct FetchRequest {
    bool delete_after = false;      // POP3: DELE each message retrieved
    std::string mailbox = "INBOX";  // IMAP
    std::size_t max_messages = 50;
};
struct CloseRequest {};
using ClientRequest = std::variant<OpenRequest, CommandRequest, SendRequest, FetchRequest, CloseRequest>;

// One message a FetchRequest brought: what a list of mail shows.
struct FetchedSummary {
    std::string id;       // POP3 message number or IMAP UID
    std::size_t size = 0; // as LIST or RFC822.SIZE said
    std::string from;     // From and Subject, RFC 2047 words decoded
    std::string subject;
    std::size_t parts = 0;  // MIME parts, the message itself included
};

// The line with {user}, {password} and {auth-plain} (base64 of NUL user NUL
// password, for AUTH PLAIN and AUTHENTICATE PLAIN) filled in, as the CLI's
// `mailsim connect` does: a typed line or a history needs no secret.
std::string fill_credentials(std::string line, const std::string& user, const std::string& password);

// A message for SendRequest (RFC 5322): From, To, Subject (RFC 2047 words
// when not ASCII), Date, Message-ID, then the text as the body (UTF-8, made
// 7-bit by the client engine for a server without 8BITMIME).
std::string compose_message(const std::string& from, const std::vector<std::string>& to, const std::string& subject,
                            const std::string& text, std::int64_t epoch_seconds);

struct ClientStatus {
    enum class Phase { connecting, connected, waiting, closing, closed, failed };
    Phase phase = Phase::connecting;
    std::string error;               // why the last request failed, or "" (English)
    Failure failure;                 // the same as a key and values, for the viewer's language
    std::optional<TlsFacts> tls;     // the last handshake's facts (also when it was refused)
    bool in_text = false;            // SMTP after 354: lines are message text up to "."
    size_t replies = 0;              // server replies recorded so far
    size_t queued = 0;               // requests not yet done (the one being done included)
    size_t unread = 0;               // events recorded that poll() has not yet put in trace()
    bool close_asked = false;        // a CloseRequest is queued (a wait for a reply before it is cut short)
    std::optional<smtp::TransactionResult> sent;  // the last SendRequest's recipients, as the engine saw them
    std::optional<std::vector<FetchedSummary>> fetched;  // the last FetchRequest's messages
};

class ClientFeed final : public TraceFeed {
public:
    // Starts the worker, which opens the connection at once. `user` and
    // `password` fill the placeholders of command lines; they reach the
    // trace only as the commands carry them (redacted unless keep_secrets).
    ClientFeed(Target target, LiveOptions options, std::string user = {}, std::string password = {});
    ~ClientFeed() override;
    ClientFeed(const ClientFeed&) = delete;
    ClientFeed& operator=(const ClientFeed&) = delete;

    const Trace& trace() const override { return trace_; }
    bool poll(size_t max_events) override;
    // The connection is over and every event it recorded is in trace().
    bool finished() const override { return finished_; }

    // Queues a request; one made after the connection ended is dropped.
    void request(ClientRequest r);
    void command(std::string line) { request(CommandRequest{std::move(line)}); }
    void close() { request(CloseRequest{}); }

    ClientStatus status() const;
    const Target& target() const { return target_; }

    struct Shared;  // what the worker and the feed share (client_feed.cpp)

private:
    Target target_;
    Trace trace_;
    std::shared_ptr<Shared> shared_;
    std::thread worker_;
    bool finished_ = false;
};

}  // namespace mailsim::live
