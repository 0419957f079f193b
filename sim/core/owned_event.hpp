// owned_event.hpp — an Event that holds its strings.
//
// An Event is a view into the Trace (or the producer's buffers) that holds
// it. One that must outlive those, or cross to another thread (a live
// session's worker hands its events to the viewer's thread), is copied into
// an OwnedEvent, and view() gives an Event of it again for Trace::append.
#pragma once

#include <string>

#include "core/event.hpp"

namespace mailsim {

struct OwnedEvent {
    SimTime time = 0, until = 0;
    EventKind kind = EventKind::note;
    Direction dir = Direction::none;
    std::uint32_t conn = 0;
    std::string host, peer, protocol, verb, args, key, bytes, detail;

    OwnedEvent() = default;
    explicit OwnedEvent(const Event& e)
        : time(e.time), until(e.until), kind(e.kind), dir(e.dir), conn(e.conn), host(e.host), peer(e.peer),
          protocol(e.protocol), verb(e.verb), args(e.args), key(e.key), bytes(e.bytes), detail(e.detail) {}

    // Valid while this OwnedEvent lives and is not changed.
    Event view() const {
        Event e;
        e.time = time;
        e.until = until;
        e.kind = kind;
        e.dir = dir;
        e.conn = conn;
        e.host = host;
        e.peer = peer;
        e.protocol = protocol;
        e.verb = verb;
        e.args = args;
        e.key = key;
        e.bytes = bytes;
        e.detail = detail;
        return e;
    }
};

}  // namespace mailsim
