// imap_connection.hpp — IMAP conversations on simulated connections: the
// mail server's side (port 143, RFC 3501 §2.1, over the users' folders) and
// the user agent's side (mail stays on the server; the agent keeps copies).
//
// Like Pop3ServerConnection they only join the sans-I/O engines to the
// Network and turn the engines' state changes into trace events. The mail
// server tells its open sessions when a user's mail changes, so that a
// session in IDLE (RFC 2177) reports new mail at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/network.hpp"
#include "protocol/imap/client_session.hpp"
#include "protocol/imap/server_session.hpp"

namespace mailsim::agents {

class World;
class MailServer;
class UserAgent;

class ImapServerConnection : public StreamEndpoint {
public:
    ImapServerConnection(World& world, MailServer& server);
    ~ImapServerConnection() override;
    void on_open(Network& net, ConnectionId id) override;
    void on_data(Network& net, ConnectionId id, std::string_view bytes) override;
    void on_close(Network& net, ConnectionId id, CloseReason why) override;
    // From the mail server: `user`'s mail changed.
    void mail_changed(const std::string& user);

private:
    class Access;  // the mail server's users and folders as an ImapBackend
    void pump();
    World& world_;
    MailServer& server_;
    ConnectionId id_ = 0;
    std::unique_ptr<Access> access_;
    std::unique_ptr<imap::ImapServerSession> session_;
    std::uint64_t seen_version_ = 0;  // of the user's folders, when last synced with the mailbox
    bool closed_ = false;
};

class ImapClientConnection : public StreamEndpoint {
public:
    ImapClientConnection(World& world, UserAgent& agent, imap::ImapClientSettings settings, SimTime idle_for);
    ~ImapClientConnection() override { *alive_ = false; }
    void on_open(Network& net, ConnectionId id) override;
    void on_data(Network& net, ConnectionId id, std::string_view bytes) override;
    void on_close(Network& net, ConnectionId id, CloseReason why) override;

private:
    void pump();
    World& world_;
    UserAgent& agent_;
    ConnectionId id_ = 0;
    imap::ImapClientSession session_;
    SimTime idle_for_;
    bool idle_scheduled_ = false;
    bool over_ = false;
    // Set while the connection lasts: a scheduled DONE after it closed does nothing.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace mailsim::agents
