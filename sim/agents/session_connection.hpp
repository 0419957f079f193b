// session_connection.hpp — one sans-I/O engine on one simulated connection:
// the glue shared by the POP3, IMAP and HTTP connections, either side.
//
// Bytes that arrive are fed to the engine (receive), the engine's state
// changes become state-change events, what it hands out is sent with its
// annotation, and when it wants to close, the connection is closed. A
// protocol's connection derives from SessionConnection<itself, Engine> and
// keeps only its backend and the hooks it needs; each hook may be left out:
//
//   opened()             the connection is open (a server makes and starts its engine)
//   on_event(event)      an engine event, after a state change has been traced
//   after_output()       what the engine handed out has been sent
//   closing()            the engine wants to close; the connection is closed next
//   closed(why)          the peer closed, or the connection was lost or refused
//
// SMTP has its own (smtp_connection.hpp): TURN swaps an engine's role on one
// connection, and a relay drains its engine into reused buffers.
#pragma once

#include <optional>
#include <string_view>

#include "agents/world.hpp"
#include "core/network.hpp"

namespace mailsim::agents {

template <class Derived, class Engine>
class SessionConnection : public StreamEndpoint {
public:
    void on_open(Network&, ConnectionId id) override {
        id_ = id;
        self().opened();
    }
    void on_data(Network&, ConnectionId id, std::string_view bytes) override {
        if (!session_ || closed_) return;
        id_ = id;
        session_->receive(bytes);
        pump();
    }
    void on_close(Network&, ConnectionId, CloseReason why) override {
        closed_ = true;
        self().closed(why);
    }

protected:
    using Event = typename Engine::SessionEvent;

    // `protocol` names the trace's protocol: "pop3", "imap", "http".
    SessionConnection(World& world, Side side, std::string_view protocol)
        : world_(world), side_(side), protocol_(protocol) {}

    void opened() {}
    void on_event(Event&) {}
    void after_output() {}
    void closing() {}
    void closed(CloseReason) {}

    // What the engine has for the network and the trace, in that order:
    // its events, its output, then a close it asked for.
    void pump() {
        while (auto e = session_->next_event()) {
            if (e->type == Event::Type::state_change)
                world_.state_change(id_, side_, protocol_, side_ == Side::server ? "server" : "client",
                                    Engine::state_name(e->from), Engine::state_name(e->to));
            self().on_event(*e);
        }
        for (auto& o : session_->take_output()) world_.send_outgoing(id_, side_, protocol_, o);
        self().after_output();
        if (session_->wants_close()) {
            self().closing();
            world_.network().close(id_, side_);
        }
    }

    World& world_;
    ConnectionId id_ = 0;
    std::optional<Engine> session_;  // a server's is made when the connection opens
    bool closed_ = false;            // by the peer, or by the engine's wish (closing() says so)

private:
    Derived& self() { return static_cast<Derived&>(*this); }
    Side side_;
    std::string_view protocol_;
};

}  // namespace mailsim::agents
