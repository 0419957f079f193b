// mail_server.hpp — one mail server: it receives, queues, delivers, bounces.
//
// As Postfix splits the work (smtpd, qmgr, smtp, bounce), a MailServer
// composes (STYLE.md #6):
//   SmtpReceiver   answers SMTP on port 25 (from other servers) and 587
//                  (submission from its own users' agents): who is a local
//                  user, relaying only for its own users, storing in mailboxes
//   OutgoingQueue  holds what must go elsewhere (incoming/active/deferred)
//   queue scans    every queue_run_delay: what is due goes to the Deliverer;
//                  a scan runs to completion; what arrives meanwhile waits
//                  for the next one (Postfix qmgr_scan.c)
//   Deliverer      MX lookup, connection to each MX in preference order,
//                  SMTP client; reports each recipient's fate
//   Bouncer        reports for the sender: refused for good, or given up
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/config.hpp"
#include "agents/mailbox.hpp"
#include "agents/outgoing_queue.hpp"
#include "agents/smtp_connection.hpp"

namespace mailsim::agents {

// The value of the first header field called `name` (its first line, leading
// spaces dropped), or "" when the header has none. Lines end at CRLF only, as
// in SMTP text. A view into content.
std::string_view header_value(std::string_view content, std::string_view name);

class World;
class Deliverer;
class SmtpReceiver;
class ImapServerConnection;

class MailServer : public SmtpServerOwner {
public:
    MailServer(World& world, MailServerConfig config);
    ~MailServer() override;

    void start();  // listen, and schedule the first queue scan

    const std::string& host() const { return config_.host; }
    const std::string& domain() const { return config_.domain; }
    MailServerConfig& config() { return config_; }
    const MailServerConfig& config() const { return config_; }
    World& world() { return world_; }

    const Mailboxes& mailboxes() const { return mailboxes_; }
    Mailboxes& mailboxes() { return mailboxes_; }
    const OutgoingQueue& queue() const { return queue_; }
    OutgoingQueue& queue() { return queue_; }
    bool idle() const;  // nothing queued, nothing being delivered, nobody connected

    // A message enters the outgoing queue (from a local user, a forward, a bounce).
    // `queue_id` is the id the SMTP reply announced ("queued as ..."), if any.
    std::string enqueue(std::string sender, std::vector<std::string> rcpts, std::string content,
                        std::string queue_id = {}, smtp::MailMode mode = smtp::MailMode::mail);
    // Stores into a local user's mailbox, adding Return-Path (RFC 5321 §4.4).
    void store_locally(const std::string& user, const std::string& rcpt, const std::string& sender,
                       const std::string& content, const std::string& queue_id, bool bounce);
    const UserConfig* find_user(const std::string& local_part) const;
    // Reading mail (POP3, IMAP, the webmail): a local user with this password.
    bool password_matches(const std::string& local_part, const std::string& password) const {
        const UserConfig* u = find_user(local_part);
        return u && u->password == password;
    }
    // The scenario's rule replacing this server's answer to a POP3, IMAP or
    // HTTP `command` on connection `id`, if one applies now (it is counted
    // and the trace notes it): the response text as the rule gives it.
    std::optional<std::string> override_response(std::string_view protocol, std::string_view command,
                                                 std::string_view args, ConnectionId id);
    // IMAP sessions open on this server, told when a user's mail changes.
    void add_imap_session(ImapServerConnection* c) { imap_sessions_.push_back(c); }
    void remove_imap_session(ImapServerConnection* c) { std::erase(imap_sessions_, c); }
    // A user's folders changed (delivery, POP3 deletion, another session):
    // each IMAP session of that user reports it, at once while in IDLE
    // (all but `by`, the session that made the change).
    void mail_changed(const std::string& user, const ImapServerConnection* by = nullptr);
    bool is_local_domain(const std::string& domain) const;
    // The secret that signs this server's webmail session cookies. A run is
    // deterministic, so it is derived from the seed and the host (not the old
    // fixed "mailsim", the same for everyone); the first call notes that in
    // the trace. Outside a simulation HttpSettings draws a random one.
    const std::string& webmail_secret();
    // A secret of the caller's (serve mode's random one: real clients are
    // served, and the seed is no secret).
    void set_webmail_secret(std::string secret) { webmail_secret_ = std::move(secret); }
    std::string new_queue_id();

    // The Deliverer reports what happened to one recipient of one message.
    void recipient_result(const std::string& queue_id, const std::string& rcpt, bool delivered, bool permanent,
                          const std::string& reply, const std::string& remote_host, const std::string& stage);
    // …and when it is done with a message for now.
    void attempt_over(const std::string& queue_id);

    // SmtpServerOwner
    smtp::ServerPolicy& policy_for(ConnectionId id, bool submission) override;
    const smtp::ServerSettings& smtp_settings() const override { return config_.smtp; }
    SmtpClientOwner* turn_to_client(const std::string& peer_name, smtp::ClientSession& client) override;
    void conversation_closed(ConnectionId id) override;

private:
    void scan();
    void finalize(const std::string& queue_id);
    void bounce(QueuedMessage& m, bool expired);

    World& world_;
    MailServerConfig config_;
    Mailboxes mailboxes_;
    OutgoingQueue queue_;
    std::unique_ptr<Deliverer> deliverer_;
    std::map<ConnectionId, std::unique_ptr<SmtpReceiver>> receivers_;
    std::vector<ImapServerConnection*> imap_sessions_;  // in the order they opened: the trace stays deterministic
    std::string webmail_secret_;
    bool scan_scheduled_ = false;
    std::uint64_t id_counter_ = 0;
};

}  // namespace mailsim::agents
