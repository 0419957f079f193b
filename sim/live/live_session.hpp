// live_session.hpp — a student's client talking to a real mail server,
// recorded as a Trace (DESIGN.md: the live-session row; wall clock).
//
// The target is a URL: smtp://, pop3://, imap:// (plain, or --starttls:
// SMTP STARTTLS, POP3 STLS (RFC 2595 §4), IMAP STARTTLS) or smtps://,
// pop3s://, imaps:// (implicit TLS, RFC 8314: 465, 995, 993). Commands are
// sent one at a time, each waiting for its whole reply, which the annotator
// (sim/protocol/annotate) cuts and labels from the same catalogs as the
// simulation; every unit becomes a bytes event with its wall-clock time.
// The TLS handshake is an event of its own (version, cipher, certificate
// subject and issuer, verify result); --insecure is recorded as a warning.
//
// Credentials never reach the trace unless asked (keep_secrets): PASS's
// argument, APOP's digest, LOGIN's arguments, AUTH's initial response and
// every line answering a 334 or "+" challenge are replaced by "[redacted]",
// and the event says so in its detail.
//
// A standard SMTP session (send a message) is run by mailsim's own client
// engine, the one the simulated agents use (send_message); so is a standard
// POP3 or IMAP session, "list and fetch mail" (fetch_mail), by the POP3 and
// IMAP client engines' survey plans.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/trace.hpp"
#include "live/link.hpp"
#include "protocol/annotate.hpp"
#include "protocol/smtp/client_session.hpp"

namespace mailsim::live {

struct Target {
    std::string protocol;       // "smtp", "pop3", "imap"
    std::string host;
    std::uint16_t port = 0;
    bool implicit_tls = false;  // smtps, pop3s, imaps
};
// "imaps://mail.example.org:993" → {imap, mail.example.org, 993, true}; the
// error names what is wrong (and `why`, when given, says it as a key).
Result<Target> parse_target(std::string_view url, Failure* why = nullptr);

// The slowest a reply may come once its time-out has passed, in bytes a
// second (Postfix's smtp_min_data_rate, 500, for the same purpose).
inline constexpr std::uint64_t kMinReplyRate = 500;

struct LiveOptions {
    bool starttls = false;     // upgrade after the greeting (and, for SMTP, EHLO)
    TlsOptions tls;
    bool keep_secrets = false;
    // A reply that does not come: silence this long ends the wait (the
    // connection stays, a command may follow; after part of a reply the
    // session ends); so does the handshake's.
    int timeout_ms = 30000;
    // A server's reply, hostile or broken, is bounded: from the client's
    // last send it must come whole within timeout_ms plus a second for
    // every kMinReplyRate bytes it has sent so far (one byte a tenth of a
    // second does not keep the wait going), and be at most max_reply_bytes
    // (a message fetched whole is one reply). Either ends the session.
    std::size_t max_reply_bytes = std::size_t(64) << 20;
    std::string client_name = "mailsim";  // EHLO's argument, and the trace's client host
};

struct FetchOptions {
    std::string user;
    std::string password;
    bool delete_after = false;  // POP3: DELE each message retrieved; IMAP: nothing
    std::string mailbox = "INBOX";  // IMAP
    std::size_t max_messages = 50;
    bool apop = false;  // POP3: APOP instead of USER/PASS when the greeting has a timestamp
};

struct FetchedMessage {
    std::string id;  // POP3 message number or IMAP UID
    std::size_t size = 0;  // as LIST or RFC822.SIZE said
    std::string content;
};

class LiveSession {
public:
    LiveSession(Target target, LiveOptions options);
    ~LiveSession();

    // Called with each event as it is recorded (the CLI prints them).
    std::function<void(const Event&)> on_event;

    // Connects, upgrades an implicit-TLS port, reads the greeting and, with
    // --starttls, says hello and upgrades. False with `error()` set.
    bool open();
    // Sends one command line (without CRLF) and records it and its reply; a
    // positive answer to STARTTLS/STLS starts TLS. After SMTP's 354 each
    // line is message text, sent at once, until "." which gets the reply.
    // False when the connection is gone or the reply does not come in time.
    bool command(const std::string& line);
    // Closes and records the close.
    void close();
    // From any thread: a wait for the server's bytes (a reply, or an
    // engine's session) ends within a tenth of a second; the call waiting
    // returns false, and the connection is closed and recorded as closed by
    // the client. Every later call ends the same way, before it sends or
    // connects (a command queued before a Disconnect never goes out), and
    // a TLS handshake in progress ends too.
    void interrupt();
    // After open(), on an SMTP connection: mailsim's own SMTP client engine
    // sends `content` (header, empty line, body; CRLF line ends) from `from`
    // to each of `to` (EHLO, MAIL, RCPT, DATA, pipelined where the server
    // offers PIPELINING; re-encoded to 7 bits for a server without
    // 8BITMIME), then QUIT. Each recipient's fate as the engine saw it, or
    // nullopt with error() set when the connection failed first.
    std::optional<smtp::TransactionResult> send_message(const std::string& from, const std::vector<std::string>& to,
                                                        const std::string& content);

    // After open(), on a POP3 or IMAP connection: mailsim's own POP3 or IMAP
    // client engine logs in and fetches up to max_messages messages, whole
    // (POP3: STAT, LIST, UIDL, RETR each, DELE with delete_after, QUIT; IMAP:
    // CAPABILITY, LOGIN or AUTHENTICATE PLAIN, LIST, SELECT, UID FETCH sizes,
    // UID FETCH BODY.PEEK[] each, LOGOUT), then closes. nullopt with error()
    // set when the login or the connection failed.
    std::optional<std::vector<FetchedMessage>> fetch_mail(const FetchOptions& options);

    bool connected() const { return link_ != nullptr; }
    // SMTP after 354: the lines sent are message text (blank lines included).
    bool in_text() const { return in_text_; }
    // Why the last call failed, in English ("" when it did not), and as a
    // key and values for a viewer in another language.
    const std::string& error() const { return error_; }
    const Failure& failure() const { return failure_; }
    const Trace& trace() const { return trace_; }
    Trace& trace() { return trace_; }

private:
    // Runs a client engine over the link from the greeting on: its output
    // goes to the server (and the trace), the server's bytes to it, and
    // `events` drains its events after each turn; until it wants to close.
    // False with error_ set when the connection failed first.
    template <class Engine, class Events>
    bool drive(Engine& engine, Events events);
    bool send_line(const std::string& line);
    // Sets the failure (an empty one clears it); false, for `return fail(...)`.
    bool fail(Failure why);
    // Reads until the reply to what was sent (or the greeting) is whole.
    bool await_reply(bool greeting);
    // The next bytes from the server, or nullopt with error_ set: silence
    // for the time-out, interrupt() (the connection then closed), closed by
    // the server, or a reply too slow or too long (LiveOptions; closed).
    std::optional<std::string> receive_bytes();
    // The client sent: what comes next is a new reply (its clock and its
    // size start again).
    void sent();
    // A reply that broke a bound: the session ends (what came is recorded).
    void give_up_reply(Failure why);
    // After interrupt(): sets live.error.interrupted, closes, and is true,
    // so that nothing more is sent or awaited (a request queued before the
    // Disconnect sends no command).
    bool cut_short();
    bool upgrade(bool after_command);
    void record(const protocol::Unit& u);
    // connect, refuse or close, by the client or the server.
    void tcp_event(EventKind kind, bool by_client, std::string_view args);
    void note(std::string_view verb, std::string_view args, std::string_view key, const std::string& detail);
    SimTime now() const;
    std::string redact(const protocol::Unit& u, bool* redacted) const;

    Target target_;
    LiveOptions options_;
    Trace trace_;
    std::unique_ptr<Link> link_;
    protocol::Annotator annotator_;
    std::int64_t start_us_ = 0;
    std::uint32_t conn_ = 1;
    std::string error_;            // failure_ in English
    Failure failure_;
    bool last_was_final_ = false;  // the last server unit ended an exchange
    bool last_positive_ = false;
    std::string last_verb_;
    bool in_text_ = false;         // SMTP after 354: lines are message text up to "."
    std::string greeting_;         // the server's first reply, for an engine that starts after open()
    std::atomic<bool> interrupted_{false};
    std::chrono::steady_clock::time_point reply_start_;  // the client's last send
    std::uint64_t reply_from_ = 0;                        // Link::bytes_received() then
    std::uint64_t reply_plain_ = 0;                       // the reply's bytes since (after TLS)
    static constexpr std::uint64_t kTlsLeftovers = 32 * 1024;
};

}  // namespace mailsim::live
