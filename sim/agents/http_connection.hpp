// http_connection.hpp — webmail on simulated connections: the mail
// server's web side (port 80, over the users' INBOX folders, the same ones
// IMAP reads) and a browser-like user agent.
//
// SessionConnection joins the engines to the Network and traces their state
// changes; these keep the backend and say what the agents do with the rest.
#pragma once

#include <memory>

#include "agents/session_connection.hpp"
#include "protocol/http/client_session.hpp"
#include "protocol/http/server_session.hpp"

namespace mailsim::agents {

class World;
class MailServer;
class UserAgent;

class HttpServerConnection : public SessionConnection<HttpServerConnection, http::HttpServerSession> {
public:
    HttpServerConnection(World& world, MailServer& server);
    ~HttpServerConnection() override;

private:
    friend SessionConnection;  // calls the hooks
    class Access;              // the mail server's users and folders as a WebmailBackend
    void opened();
    MailServer& server_;
    std::unique_ptr<Access> access_;
};

class HttpClientConnection : public SessionConnection<HttpClientConnection, http::HttpClientSession> {
public:
    HttpClientConnection(World& world, UserAgent& agent, http::HttpClientSettings settings);

private:
    friend SessionConnection;
    void opened();
    void on_event(Event& e);
    void closed(CloseReason why);
    UserAgent& agent_;
    bool over_ = false;
};

}  // namespace mailsim::agents
