// smtp_connection.hpp — one SMTP conversation on one simulated connection.
//
// It joins a sans-I/O engine to the Network: bytes that arrive are fed to the
// engine, what the engine hands out is sent with its annotation, and the
// engine's state changes become state-change events. The engine plays the
// client or the server role; RFC 821's TURN swaps the roles on the same
// connection, so one endpoint can hold either.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/network.hpp"
#include "protocol/smtp/client_session.hpp"
#include "protocol/smtp/server_session.hpp"

namespace mailsim::agents {

class World;

// Who hears what a client-role conversation achieved.
class SmtpClientOwner {
public:
    virtual ~SmtpClientOwner() = default;
    virtual void on_transaction_done(smtp::TransactionResult&& result) = 0;  // the owner may keep it
    // The connection is over (closed, refused, timed out or lost); `reached`
    // says whether an SMTP greeting was ever received.
    virtual void on_conversation_over(bool reached, CloseReason why) = 0;
};

// Who decides for a server-role conversation; also gives transactions to
// send after a TURN.
class SmtpServerOwner {
public:
    virtual ~SmtpServerOwner() = default;
    virtual smtp::ServerPolicy& policy_for(ConnectionId id, bool submission) = 0;
    virtual const smtp::ServerSettings& smtp_settings() const = 0;
    // After a TURN: the owner's client role, its transactions and who hears the results.
    virtual SmtpClientOwner* turn_to_client(const std::string& peer_name, smtp::ClientSession& client) = 0;
    virtual void conversation_closed(ConnectionId id) = 0;
};

class SmtpConnection : public StreamEndpoint {
public:
    // Client role from the start: `owner` hears results.
    SmtpConnection(World& world, std::unique_ptr<smtp::ClientSession> client, SmtpClientOwner* owner,
                   SmtpServerOwner* server_owner = nullptr);
    // Server role from the start (accepted connection).
    SmtpConnection(World& world, SmtpServerOwner& server_owner, bool submission);
    ~SmtpConnection() override;

    void on_open(Network& net, ConnectionId id) override;
    void on_data(Network& net, ConnectionId id, std::string_view bytes) override;
    void on_close(Network& net, ConnectionId id, CloseReason why) override;

private:
    void pump();
    void send(protocol::Outgoing& o);
    void become_server();
    void become_client();
    void state_event(smtp::ServerSession::State from, smtp::ServerSession::State to);
    void state_event(smtp::ClientSession::State from, smtp::ClientSession::State to);
    void emit_state(std::string_view to, std::string_view args, std::string_view key, std::string_view detail);
    Side side() const { return tcp_side_; }

    World& world_;
    ConnectionId id_ = 0;
    Side tcp_side_;
    std::unique_ptr<smtp::ClientSession> client_;
    std::unique_ptr<smtp::ServerSession> server_;
    std::vector<protocol::Outgoing> out_;  // what an engine handed out, reused every turn
    SmtpClientOwner* client_owner_ = nullptr;
    SmtpServerOwner* server_owner_ = nullptr;
    bool submission_ = false;
    bool greeted_ = false;
    bool over_ = false;
};

}  // namespace mailsim::agents
