// pop3_connection.hpp — POP3 conversations on simulated connections: the
// mail server's side (port 110, backed by its mailboxes) and the user
// agent's side (which keeps what it downloads in its local inbox).
//
// Like SmtpConnection, they only join the sans-I/O engines to the Network
// and turn the engines' state changes into trace events.
#pragma once

#include <memory>

#include "core/network.hpp"
#include "protocol/pop3/client_session.hpp"
#include "protocol/pop3/server_session.hpp"

namespace mailsim::agents {

class World;
class MailServer;
class UserAgent;

class Pop3ServerConnection : public StreamEndpoint {
public:
    Pop3ServerConnection(World& world, MailServer& server);
    ~Pop3ServerConnection() override;
    void on_open(Network& net, ConnectionId id) override;
    void on_data(Network& net, ConnectionId id, std::string_view bytes) override;
    void on_close(Network& net, ConnectionId id, CloseReason why) override;

private:
    class Access;  // the mail server's mailboxes as a Pop3Backend
    void pump();
    World& world_;
    MailServer& server_;
    ConnectionId id_ = 0;
    std::unique_ptr<Access> access_;
    std::unique_ptr<pop3::Pop3ServerSession> session_;
};

class Pop3ClientConnection : public StreamEndpoint {
public:
    Pop3ClientConnection(World& world, UserAgent& agent, pop3::Pop3ClientSettings settings);
    void on_open(Network& net, ConnectionId id) override;
    void on_data(Network& net, ConnectionId id, std::string_view bytes) override;
    void on_close(Network& net, ConnectionId id, CloseReason why) override;

private:
    void pump();
    World& world_;
    UserAgent& agent_;
    ConnectionId id_ = 0;
    pop3::Pop3ClientSession session_;
    bool over_ = false;
};

}  // namespace mailsim::agents
