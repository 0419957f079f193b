// user_agent.hpp — a user's mail program (Kurose & Ross §2.3: the user agent).
//
// It composes a message (RFC 5322: From, To, Cc, Subject, Date, Message-ID,
// then a blank line and the body) and submits it to the user's own mail
// server over SMTP on the submission port (RFC 6409). It does not send to
// the recipient's server itself: that is the mail servers' job. Messages
// the server could not take for now stay in the outbox and are tried again.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"

#include "agents/config.hpp"
#include "agents/smtp_connection.hpp"
#include "protocol/imap/client_session.hpp"

namespace mailsim::agents {

class World;

class UserAgent : public SmtpClientOwner {
public:
    UserAgent(World& world, UserAgentConfig config);

    const std::string& host() const { return config_.host; }
    const std::string& address() const { return config_.address; }
    const UserAgentConfig& config() const { return config_; }

    // Composes the mail and puts it in the outbox; submission starts at once.
    void send(const OutgoingMail& mail);
    // RFC 5322 text of a mail as this agent would write it now.
    std::string compose(const OutgoingMail& mail, std::string& message_id);

    size_t outbox_size() const { return outbox_.size() + in_flight_.size(); }
    // What the user was told about mails the server refused.
    const std::vector<std::string>& errors() const { return errors_; }

    // Fetches the user's mail from the user's server: POP3 (download), IMAP
    // (the mail stays on the server) or the webmail (HTTP, in a browser).
    void fetch(const Retrieval& how);
    // The local folder: what this agent downloaded (POP3), or its copies of
    // what it fetched (IMAP: whole messages, or only the text part).
    const std::vector<std::string>& inbox() const { return inbox_; }
    // The webmail pages this agent's browser showed.
    const std::vector<std::string>& pages() const { return pages_; }
    // From the POP3 conversation.
    void retrieved(const std::string& uid, std::string content);
    void retrieval_over(bool ok, const std::string& error);
    // From the IMAP conversation.
    void imap_fetched(const imap::ImapClientSession::SessionEvent& e);
    void imap_over(const imap::ImapClientSession& session, bool ok, const std::string& error);
    // From the browser.
    void webmail_read(const std::string& id, std::string page);
    void webmail_over(bool ok, const std::string& error);

    void on_transaction_done(smtp::TransactionResult&& result) override;
    void on_conversation_over(bool reached, CloseReason why) override;

private:
    void submit();
    std::vector<std::string> outbox_ids() const;  // Message-IDs of the mails in outbox_
    Result<std::string> to_7bit(const std::string& content);

    World& world_;
    UserAgentConfig config_;
    std::deque<smtp::Transaction> outbox_;
    std::map<std::uint64_t, smtp::Transaction> in_flight_;  // handed to a session, by id
    // Each mail not yet taken or refused by the server: its Message-ID, so that
    // a refusal notice or a retry names the mail (the summary counts by it).
    std::map<std::uint64_t, std::string> message_ids_;
    smtp::ClientSession* session_ = nullptr;  // owned by the connection while it lasts
    bool retry_scheduled_ = false;
    bool had_transient_ = false;
    std::uint64_t next_id_ = 1;
    std::vector<std::string> errors_;
    std::vector<std::string> inbox_;
    std::set<std::string> seen_uids_;  // download-and-keep: what not to fetch again
    std::set<std::uint32_t> imap_seen_;  // IMAP UIDs fetched on this device…
    std::uint32_t imap_uidvalidity_ = 0;  // …valid while the folder's UIDVALIDITY is this
    std::set<std::string> web_seen_;  // webmail messages read in this browser
    std::vector<std::string> pages_;
    bool fetching_ = false;
    void fetch_failed(std::string_view protocol, const std::string& error);
};

}  // namespace mailsim::agents
