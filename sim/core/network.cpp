// network.cpp — connections as ordered byte streams over links with latency.
#include "core/network.hpp"

#include <algorithm>
#include <cassert>

#include <fmt/compile.h>
#include <fmt/format.h>

namespace mailsim {

std::string_view to_string(CloseReason r) {
    switch (r) {
        case CloseReason::peer_closed: return "closed";
        case CloseReason::refused: return "refused";
        case CloseReason::timed_out: return "timed out";
        case CloseReason::lost: return "lost";
    }
    return "?";
}

void Network::add_host(const std::string& name) { hosts_.emplace(name, true); }

void Network::add_link(const std::string& a, const std::string& b, SimTime latency) {
    link_latency_[pair_key(a, b)] = latency;
}

SimTime Network::latency(const std::string& a, const std::string& b) const {
    if (a == b) return 0;
    auto it = link_latency_.find(pair_key(a, b));
    return it == link_latency_.end() ? default_latency_ : it->second;
}

bool Network::host_up(const std::string& name) const {
    auto it = hosts_.find(name);
    return it != hosts_.end() && it->second;
}

bool Network::link_up(const std::string& a, const std::string& b) const {
    auto it = link_down_.find(pair_key(a, b));
    return it == link_down_.end() || !it->second;
}

void Network::set_host_up(const std::string& name, bool up) {
    hosts_[name] = up;
    if (up) return;
    std::vector<ConnectionId> hit;
    for (auto& [id, c] : conns_)
        if ((c->host[0] == name || c->host[1] == name) && (c->open[0] || c->open[1])) hit.push_back(id);
    std::sort(hit.begin(), hit.end());  // deterministic order
    for (auto id : hit)
        if (auto* c = find(id)) lose(*c, fmt::format(FMT_COMPILE("{} went down"), name));
}

void Network::set_link_up(const std::string& a, const std::string& b, bool up) {
    link_down_[pair_key(a, b)] = !up;
    if (up) return;
    std::vector<ConnectionId> hit;
    for (auto& [id, c] : conns_)
        if (pair_key(c->host[0], c->host[1]) == pair_key(a, b) && (c->open[0] || c->open[1])) hit.push_back(id);
    std::sort(hit.begin(), hit.end());
    for (auto id : hit)
        if (auto* c = find(id)) lose(*c, fmt::format(FMT_COMPILE("link {} - {} went down"), a, b));
}

void Network::listen(const std::string& host, std::uint16_t port, Acceptor acceptor) {
    listeners_[{host, port}] = std::move(acceptor);
}

void Network::unlisten(const std::string& host, std::uint16_t port) { listeners_.erase({host, port}); }

Network::Connection* Network::find(ConnectionId id) {
    auto it = conns_.find(id);
    return it == conns_.end() ? nullptr : it->second.get();
}

const Network::Connection* Network::find(ConnectionId id) const {
    auto it = conns_.find(id);
    return it == conns_.end() ? nullptr : it->second.get();
}

void Network::set_security(ConnectionId id, TransportSecurity s) {
    if (Connection* c = find(id)) c->security = s;
}

TransportSecurity Network::security(ConnectionId id) const {
    const Connection* c = find(id);
    return c ? c->security : TransportSecurity{};
}

const std::string& Network::host_of(ConnectionId id, Side side) const {
    static const std::string none;
    const Connection* c = find(id);
    return c ? c->host[static_cast<int>(side)] : none;
}

bool Network::is_open(ConnectionId id, Side side) const {
    const Connection* c = find(id);
    return c && c->open[static_cast<int>(side)];
}

void Network::emit(EventKind kind, const Connection& c, Side from, SimTime until, std::string_view args,
                   Direction dir) {
    if (!trace_.recording()) return;
    Event e;
    e.time = sched_.now();
    e.until = until;
    e.kind = kind;
    e.dir = dir;
    e.conn = c.id;
    e.host = c.host[static_cast<int>(from)];
    e.peer = c.host[static_cast<int>(other(from))];
    e.protocol = "tcp";
    e.args = args;
    trace_.append(e);
}

ConnectionId Network::connect(const std::string& from, const std::string& to, std::uint16_t port,
                              std::unique_ptr<StreamEndpoint> client) {
    ConnectionId id = next_id_++;
    auto owned = std::make_unique<Connection>();
    Connection& c = *owned;
    c.id = id;
    c.host[0] = from;
    c.host[1] = to;
    c.port = port;
    c.latency = latency(from, to);
    c.end[0] = std::move(client);
    conns_.emplace(id, std::move(owned));
    SimTime start = sched_.now();
    emit(EventKind::connect, c, Side::client, start + c.latency, fmt::format(FMT_COMPILE("port {}"), port));

    auto time_out = [this, id] {
        Connection* c = find(id);
        if (!c) return;
        emit(EventKind::refuse, *c, Side::client, 0,
             fmt::format(FMT_COMPILE("no answer from {} within {}"), c->host[1], format_duration(connect_timeout_)));
        notify_close(id, Side::client, CloseReason::timed_out);
    };
    if (!host_up(to) || !link_up(from, to) || !has_host(to)) {
        sched_.at(start + connect_timeout_, time_out);
        return id;
    }
    sched_.at(start + c.latency, [this, id, start, time_out] {
        Connection* c = find(id);
        if (!c) return;
        const std::string& server = c->host[1];
        if (!host_up(server) || !link_up(c->host[0], server)) {  // went down on the way
            sched_.at(start + connect_timeout_, time_out);
            return;
        }
        auto l = listeners_.find({server, c->port});
        SimTime back = sched_.now() + c->latency;
        if (l == listeners_.end()) {
            emit(EventKind::refuse, *c, Side::server, back,
                 fmt::format(FMT_COMPILE("connection refused: nothing listens on port {}"), c->port));
            sched_.at(back, [this, id] { notify_close(id, Side::client, CloseReason::refused); });
            return;
        }
        c->end[1] = l->second(id);
        c->open[0] = c->open[1] = true;
        c->established = true;
        emit(EventKind::accept, *c, Side::server, back, fmt::format(FMT_COMPILE("port {}"), c->port));
        sched_.at(back, [this, id] {
            Connection* c = find(id);
            if (c && c->end[0] && !c->notified[0]) c->end[0]->on_open(*this, id);
        });
        c->end[1]->on_open(*this, id);
    });
    return id;
}

void Network::send(ConnectionId id, Side from, std::string bytes, const Annotation& what) {
    Connection* c = find(id);
    int f = static_cast<int>(from);
    if (!c || !c->open[f]) return;  // writing to a closed connection goes nowhere
    SimTime arrival = std::max(sched_.now() + c->latency, c->last_arrival[f]);
    c->last_arrival[f] = arrival;
    if (trace_.recording()) {
        Event e;
        e.time = sched_.now();
        e.until = arrival;
        e.kind = EventKind::bytes;
        e.dir = from == Side::client ? Direction::to_server : Direction::to_client;
        e.conn = id;
        e.host = c->host[f];
        e.peer = c->host[1 - f];
        e.protocol = what.protocol;
        e.verb = what.verb;
        e.args = what.args;
        e.key = what.key;
        e.bytes = what.recorded ? std::string_view(*what.recorded) : std::string_view(bytes);
        e.detail = what.detail;
        trace_.append(e);
    }
    // Writes made at the same instant travel together, as one TCP segment
    // would carry pipelined commands: the receiver gets them in one read.
    // (The trace still has one event per command or reply.)
    if (!c->in_flight[f].empty() && c->last_send[f] == sched_.now()) {
        c->in_flight[f].back().append(bytes);
        return;
    }
    c->last_send[f] = sched_.now();
    // The bytes wait in the connection; the scheduled action carries only
    // ids, small enough for std::function to hold without allocating.
    c->in_flight[f].push_back(std::move(bytes));
    sched_.at(arrival, [this, id, from] {
        Connection* c = find(id);
        if (!c) return;
        int f = static_cast<int>(from), t = 1 - f;
        if (c->in_flight[f].empty()) return;
        std::string bytes = std::move(c->in_flight[f].front());
        c->in_flight[f].pop_front();
        if (c->end[t] && !c->notified[t]) c->end[t]->on_data(*this, id, bytes);
    });
}

void Network::close(ConnectionId id, Side from) {
    Connection* c = find(id);
    int f = static_cast<int>(from);
    if (!c || !c->open[f]) return;
    c->open[f] = false;
    SimTime arrival = std::max(sched_.now() + c->latency, c->last_arrival[f]);
    c->last_arrival[f] = arrival;
    emit(EventKind::close, *c, from, arrival, "FIN");
    Side to = other(from);
    sched_.at(arrival, [this, id, to] { notify_close(id, to, CloseReason::peer_closed); });
    maybe_forget(id);
}

void Network::notify_close(ConnectionId id, Side side, CloseReason why) {
    Connection* c = find(id);
    int s = static_cast<int>(side);
    if (!c || c->notified[s]) return;
    c->notified[s] = true;
    if (c->end[s]) c->end[s]->on_close(*this, id, why);
    c = find(id);
    if (c && c->open[s]) close(id, side);  // the application closes its end in turn
    maybe_forget(id);
}

void Network::lose(Connection& c, std::string_view why) {
    ConnectionId id = c.id;
    bool was_open = c.open[0] || c.open[1];
    c.open[0] = c.open[1] = false;
    if (was_open) emit(EventKind::close, c, Side::client, 0, fmt::format(FMT_COMPILE("connection lost: {}"), why));
    notify_close(id, Side::client, CloseReason::lost);
    notify_close(id, Side::server, CloseReason::lost);
}

void Network::maybe_forget(ConnectionId id) {
    Connection* c = find(id);
    if (!c || c->open[0] || c->open[1] || !c->notified[0] || (c->established && !c->notified[1])) return;
    // Endpoints may be inside a callback now: drop them once this action is over.
    sched_.at(sched_.now(), [this, id] { conns_.erase(id); });
}

}  // namespace mailsim
