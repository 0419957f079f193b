// pop3_connection.hpp — POP3 conversations on simulated connections: the
// mail server's side (port 110, backed by its mailboxes) and the user
// agent's side (which keeps what it downloads in its local inbox).
//
// SessionConnection joins the engines to the Network and traces their state
// changes; these keep the backend and say what the agents do with the rest.
#pragma once

#include <memory>

#include "agents/session_connection.hpp"
#include "protocol/pop3/client_session.hpp"
#include "protocol/pop3/server_session.hpp"

namespace mailsim::agents {

class World;
class MailServer;
class UserAgent;

class Pop3ServerConnection : public SessionConnection<Pop3ServerConnection, pop3::Pop3ServerSession> {
public:
    Pop3ServerConnection(World& world, MailServer& server);
    ~Pop3ServerConnection() override;

private:
    friend SessionConnection;  // calls the hooks
    class Access;              // the mail server's mailboxes as a Pop3Backend
    void opened();
    void closed(CloseReason why);
    MailServer& server_;
    std::unique_ptr<Access> access_;
};

class Pop3ClientConnection : public SessionConnection<Pop3ClientConnection, pop3::Pop3ClientSession> {
public:
    Pop3ClientConnection(World& world, UserAgent& agent, pop3::Pop3ClientSettings settings);

private:
    friend SessionConnection;
    void on_event(Event& e);
    void closed(CloseReason why);
    UserAgent& agent_;
    bool over_ = false;
};

}  // namespace mailsim::agents
