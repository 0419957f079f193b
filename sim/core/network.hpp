// network.hpp — simulated hosts, links and TCP-like connections.
//
// A connection is an ordered, reliable byte stream between a client and a
// server endpoint (RFC 793's service, not its segments). What matters for
// mail is modelled: latency per link, connect → accept or refuse (nothing
// listening answers RST at once; a host that is down answers nothing, so the
// client gives up after connect_timeout), bytes that arrive in order one
// latency later, orderly close, and loss when a host or link goes down.
// Every step is an Event in the Trace. Nothing here touches a real socket.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/scheduler.hpp"
#include "core/trace.hpp"

namespace mailsim {

using ConnectionId = std::uint32_t;
enum class Side { client = 0, server = 1 };
inline Side other(Side s) { return s == Side::client ? Side::server : Side::client; }

enum class CloseReason { peer_closed, refused, timed_out, lost };
std::string_view to_string(CloseReason r);

// What a unit of bytes means, for the Trace: the engine that wrote it knows.
struct Annotation {
    std::string_view protocol;  // "smtp"
    std::string_view verb;      // "MAIL", "250"
    std::string_view args;      // the rest of the line
    std::string_view key;       // "smtp.cmd.MAIL"
    // What the trace records instead of the bytes sent (credentials taken
    // out, protocol/redact.hpp), with the event's detail; null: the bytes.
    const std::string* recorded = nullptr;
    std::string_view detail;
};

class Network;

// What the real transport beneath a connection can do (serve mode): a
// simulated server offers STARTTLS only where a handshake can follow, and
// knows when a connection already runs over TLS. A simulated connection has
// neither.
struct TransportSecurity {
    bool can_start_tls = false;
    bool tls_active = false;
};

// One end of a connection. The Network owns endpoints for the connection's
// lifetime and calls them as bytes and closes arrive.
class StreamEndpoint {
public:
    virtual ~StreamEndpoint() = default;
    virtual void on_open(Network& net, ConnectionId id) = 0;
    virtual void on_data(Network& net, ConnectionId id, std::string_view bytes) = 0;
    // The peer closed, the connection was lost, or (client side, never
    // opened) it was refused or timed out. No call follows this one.
    virtual void on_close(Network& net, ConnectionId id, CloseReason why) = 0;
};

class Network {
public:
    using Acceptor = std::function<std::unique_ptr<StreamEndpoint>(ConnectionId)>;

    Network(Scheduler& scheduler, Trace& trace) : sched_(scheduler), trace_(trace) {}
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    void add_host(const std::string& name);
    bool has_host(const std::string& name) const { return hosts_.count(name) != 0; }
    void set_default_latency(SimTime latency) { default_latency_ = latency; }
    void add_link(const std::string& a, const std::string& b, SimTime latency);
    SimTime latency(const std::string& a, const std::string& b) const;
    void set_connect_timeout(SimTime t) { connect_timeout_ = t; }
    SimTime connect_timeout() const { return connect_timeout_; }

    // A host that is down answers nothing; its open connections are lost.
    void set_host_up(const std::string& name, bool up);
    bool host_up(const std::string& name) const;
    // A link that is down carries nothing; connections across it are lost.
    void set_link_up(const std::string& a, const std::string& b, bool up);
    bool link_up(const std::string& a, const std::string& b) const;

    void listen(const std::string& host, std::uint16_t port, Acceptor acceptor);
    void unlisten(const std::string& host, std::uint16_t port);

    // Opens a connection; `client` hears on_open, or on_close(refused/timed_out).
    ConnectionId connect(const std::string& from, const std::string& to, std::uint16_t port,
                         std::unique_ptr<StreamEndpoint> client);
    void send(ConnectionId id, Side from, std::string bytes, const Annotation& what);
    void close(ConnectionId id, Side from);
    bool is_open(ConnectionId id, Side side) const;

    const std::string& host_of(ConnectionId id, Side side) const;
    void set_security(ConnectionId id, TransportSecurity s);
    TransportSecurity security(ConnectionId id) const;
    SimTime now() const { return sched_.now(); }
    Scheduler& scheduler() { return sched_; }
    Trace& trace() { return trace_; }

private:
    struct Connection {
        ConnectionId id;
        std::string host[2];  // client, server
        std::uint16_t port;
        SimTime latency;
        std::unique_ptr<StreamEndpoint> end[2];
        bool open[2] = {false, false};      // side may still send
        bool notified[2] = {false, false};  // on_close delivered to side
        SimTime last_arrival[2] = {0, 0};   // keeps each direction in order
        std::deque<std::string> in_flight[2];  // bytes sent by side i, not yet arrived, oldest first
        SimTime last_send[2] = {-1, -1};       // when side i last sent
        bool established = false;
        TransportSecurity security;
    };
    Connection* find(ConnectionId id);
    const Connection* find(ConnectionId id) const;
    void notify_close(ConnectionId id, Side side, CloseReason why);
    void lose(Connection& c, std::string_view why);
    void maybe_forget(ConnectionId id);
    void emit(EventKind kind, const Connection& c, Side from, SimTime until, std::string_view args,
              Direction dir = Direction::none);
    static std::pair<std::string, std::string> pair_key(const std::string& a, const std::string& b) {
        return a < b ? std::pair{a, b} : std::pair{b, a};
    }

    Scheduler& sched_;
    Trace& trace_;
    SimTime default_latency_ = 10 * kMillisecond;
    SimTime connect_timeout_ = 30 * kSecond;
    std::map<std::string, bool> hosts_;  // name → up
    std::map<std::pair<std::string, std::string>, SimTime> link_latency_;
    std::map<std::pair<std::string, std::string>, bool> link_down_;
    std::map<std::pair<std::string, std::uint16_t>, Acceptor> listeners_;
    std::unordered_map<ConnectionId, std::unique_ptr<Connection>> conns_;
    ConnectionId next_id_ = 1;
};

}  // namespace mailsim
