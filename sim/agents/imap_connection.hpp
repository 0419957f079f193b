// imap_connection.hpp — IMAP conversations on simulated connections: the
// mail server's side (port 143, RFC 3501 §2.1, over the users' folders) and
// the user agent's side (mail stays on the server; the agent keeps copies).
//
// SessionConnection joins the engines to the Network and traces their state
// changes; these keep the backend and say what the agents do with the rest.
// The mail server tells its open sessions when a user's mail changes, so
// that a session in IDLE (RFC 2177) reports new mail at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "agents/session_connection.hpp"
#include "protocol/imap/client_session.hpp"
#include "protocol/imap/server_session.hpp"

namespace mailsim::agents {

class World;
class MailServer;
class UserAgent;

class ImapServerConnection : public SessionConnection<ImapServerConnection, imap::ImapServerSession> {
public:
    ImapServerConnection(World& world, MailServer& server);
    ~ImapServerConnection() override;
    // From the mail server: `user`'s mail changed.
    void mail_changed(const std::string& user);

private:
    friend SessionConnection;  // calls the hooks
    class Access;              // the mail server's users and folders as an ImapBackend
    void opened();
    void after_output();
    void closing();
    void closed(CloseReason why);
    MailServer& server_;
    std::unique_ptr<Access> access_;
    std::uint64_t seen_version_ = 0;  // of the user's folders, when last synced with the mailbox
};

class ImapClientConnection : public SessionConnection<ImapClientConnection, imap::ImapClientSession> {
public:
    ImapClientConnection(World& world, UserAgent& agent, imap::ImapClientSettings settings, SimTime idle_for);
    ~ImapClientConnection() override { *alive_ = false; }

private:
    friend SessionConnection;
    void on_event(Event& e);
    void closed(CloseReason why);
    UserAgent& agent_;
    SimTime idle_for_;
    bool idle_scheduled_ = false;
    bool over_ = false;
    // Set while the connection lasts: a scheduled DONE after it closed does nothing.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace mailsim::agents
