// event.hpp — one thing that happened, the unit of every Trace.
//
// An Event is what every view draws and every file stores (DESIGN.md, "the
// spine"). It is a view: its strings point into the Trace that holds it
// (valid while the Trace lives and is not cleared), or into the producer's
// buffers while it is being emitted.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/time.hpp"

namespace mailsim {

enum class EventKind : std::uint8_t {
    connect,        // a client opens a connection (SYN on its way)
    accept,         // the server side takes it
    refuse,         // nothing listens, or no answer before the time-out
    bytes,          // wire bytes of one command or reply, sent now, arriving at `until`
    close,          // one side closes (FIN), or the connection is lost
    dns,            // a DNS query or its answer
    queue_enqueue,  // a message enters a server's queue (detail: the entry)
    queue_scan,     // the queue manager scans its queue (detail: a snapshot)
    queue_defer,    // a delivery attempt failed for now; when the next one is due
    delivery,       // a message was stored in a mailbox
    bounce,         // a non-delivery report was made for the sender
    state_change,   // a protocol session's state moved (detail: from, to)
    notice,         // a message shown on a user's terminal (RFC 821 SEND)
    fault,          // a scenario fault began or ended
    note,           // anything else worth a line in the transcript
};
inline constexpr std::array<std::string_view, 15> kEventKindNames{
    "connect", "accept", "refuse", "bytes", "close", "dns", "queue-enqueue", "queue-scan",
    "queue-defer", "delivery", "bounce", "state-change", "notice", "fault", "note"};
static_assert(kEventKindNames.size() == static_cast<size_t>(EventKind::note) + 1);

std::string_view to_string(EventKind k);
std::optional<EventKind> parse_event_kind(std::string_view name);

// Direction of bytes on a connection, named from the connection's roles.
enum class Direction : std::uint8_t { none, to_server, to_client };
inline constexpr std::array<std::string_view, 3> kDirectionNames{"", "c2s", "s2c"};
std::string_view to_string(Direction d);
std::optional<Direction> parse_direction(std::string_view name);

struct Event {
    std::uint64_t seq = 0;   // position in the trace, from 0
    SimTime time = 0;        // when it happened (microseconds)
    SimTime until = 0;       // when it is over: bytes/connect arrive; 0 when instantaneous
    EventKind kind = EventKind::note;
    Direction dir = Direction::none;
    std::uint32_t conn = 0;  // connection id, 0 when none
    std::string_view host;   // where it happened; for bytes, the sender
    std::string_view peer;   // the other end, if any
    std::string_view protocol;  // "smtp", "pop3", "imap", "http", "dns", "tcp", ""
    std::string_view verb;   // command verb or reply code ("MAIL", "250"), state name, ...
    std::string_view args;   // the rest of the command line, reply text, ...
    std::string_view key;    // text key explaining it ("smtp.reply.250")
    std::string_view bytes;  // exact wire bytes
    std::string_view detail; // a JSON object with structured extras, or empty
};

}  // namespace mailsim
