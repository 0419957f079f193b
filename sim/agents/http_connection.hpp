// http_connection.hpp — webmail on simulated connections: the mail
// server's web side (port 80, over the users' INBOX folders, the same ones
// IMAP reads) and a browser-like user agent.
//
// Like the POP3 and IMAP connections they only join the sans-I/O engines to
// the Network and turn the engines' events into trace events.
#pragma once

#include <memory>

#include "core/network.hpp"
#include "protocol/http/client_session.hpp"
#include "protocol/http/server_session.hpp"

namespace mailsim::agents {

class World;
class MailServer;
class UserAgent;

class HttpServerConnection : public StreamEndpoint {
public:
    HttpServerConnection(World& world, MailServer& server);
    ~HttpServerConnection() override;
    void on_open(Network& net, ConnectionId id) override;
    void on_data(Network& net, ConnectionId id, std::string_view bytes) override;
    void on_close(Network& net, ConnectionId id, CloseReason why) override;

private:
    class Access;  // the mail server's users and folders as a WebmailBackend
    void pump();
    World& world_;
    MailServer& server_;
    ConnectionId id_ = 0;
    std::unique_ptr<Access> access_;
    std::unique_ptr<http::HttpServerSession> session_;
};

class HttpClientConnection : public StreamEndpoint {
public:
    HttpClientConnection(World& world, UserAgent& agent, http::HttpClientSettings settings);
    void on_open(Network& net, ConnectionId id) override;
    void on_data(Network& net, ConnectionId id, std::string_view bytes) override;
    void on_close(Network& net, ConnectionId id, CloseReason why) override;

private:
    void pump();
    World& world_;
    UserAgent& agent_;
    ConnectionId id_ = 0;
    http::HttpClientSession session_;
    bool over_ = false;
};

}  // namespace mailsim::agents
