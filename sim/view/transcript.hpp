// transcript.hpp — a Trace as the text a terminal shows: time, connection,
// C:/S: lines, queue scans, deliveries, bounces.
//
// `mailsim run` prints events as the simulation makes them and `mailsim
// replay` prints a saved trace; both go through format_event(), so a saved
// trace replays to the same transcript. The GUI's handout export uses it too.
#pragma once

#include <string>
#include <string_view>

#include "core/trace.hpp"
#include "text/text.hpp"

namespace mailsim::view {

struct TranscriptOptions {
    text::Lang lang = text::Lang::en;
    bool color = false;          // ANSI colours: C: cyan, S: by reply class, bounces red
    bool states = false;         // include protocol state changes
    size_t message_lines = 12;   // lines of message text shown before "… more lines"
};

// Text from a trace, a message or a peer made safe for a terminal: control
// bytes (C0 but TAB, DEL, C1) and bytes that are not UTF-8 are written as
// \xNN, so an ESC cannot recolour, move or clear the screen and a NUL cannot
// cut a line short.
std::string visible(std::string_view s);

// The lines for one event ("" when the event is not shown), each ending "\n".
std::string format_event(const Event& e, const TranscriptOptions& options);

// What a trace came to: delivered, bounced, still queued.
struct Outcome {
    size_t delivered = 0;
    size_t bounces = 0;
    size_t deferrals = 0;
    size_t connections = 0;
    size_t still_queued = 0;   // messages enqueued and never finished
    size_t refused = 0;        // recipients the sender's own server refused (the user got a notice)
    // Each mail a user agent wrote (by Message-ID) ends in exactly one of:
    size_t mails_sent = 0;
    size_t mails_queued = 0;     // some recipient still in a server's queue or the agent's outbox
    size_t mails_bounced = 0;    // else some recipient bounced or was refused, with a notice
    size_t mails_delivered = 0;  // else delivered to every recipient
    size_t mails_lost = 0;       // none of those: a silent loss, which must not happen
};
Outcome summarize(const Trace& trace);
std::string format_summary(const Outcome& o, const TranscriptOptions& options);

}  // namespace mailsim::view
