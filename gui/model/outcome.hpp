// outcome.hpp — what the trace says at the cursor about the mail itself:
// the sender server's queue, and where each recipient's copy has got to.
//
// Both are folded from the trace's queue and delivery events (their JSON
// details), never worked out again from protocol bytes: the GUI owns no
// protocol logic (DESIGN.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/trace.hpp"
#include "model/trace_index.hpp"

namespace mailsim::gui {

struct QueueRecipient {
    std::string to;
    std::string state;  // pending, sent, failed
    std::string reply;  // the last reply for it, if any
};

struct QueueEntry {
    std::string id, from, message_id;
    std::string queue;  // incoming, active, deferred
    int attempts = 0;
    SimTime arrived = 0;
    SimTime next_attempt = 0;  // 0 = at the next scan
    std::vector<QueueRecipient> rcpts;
};

struct QueueView {
    std::string host;
    std::vector<QueueEntry> entries;
    std::optional<std::uint32_t> last_scan;  // seq of the last scan before the cursor
    SimTime next_scan_hint = 0;              // time of the next scan after the cursor, 0 = none
};

// The servers that have a queue in this trace, in order of first appearance.
std::vector<std::string> queue_hosts(const Trace& trace, const TraceIndex& index);
QueueView queue_at(const Trace& trace, const TraceIndex& index, const std::string& host, size_t cursor);

enum class Fate { queued, deferred, relayed, delivered, bounced };
std::string_view fate_key(Fate f);  // "gui.fate.delivered", ...

struct RecipientOutcome {
    std::string message_id;
    std::string subject;
    std::string rcpt;
    Fate fate = Fate::queued;
    std::string reply;  // the reply that decided it, if any
    bool operator==(const RecipientOutcome&) const = default;
};

// Each recipient of each composed message, and its fate at the cursor.
std::vector<RecipientOutcome> outcomes_at(const Trace& trace, size_t cursor);

// "12.345s alice-pc → mail.crepes.fr: MAIL FROM:<alice@crepes.fr>": the wire
// lines up to the cursor, for comparing two runs.
std::vector<std::string> wire_lines(const Trace& trace, size_t cursor);

}  // namespace mailsim::gui
