// transcript.hpp — a Trace as the text a terminal shows: time, connection,
// C:/S: lines, queue scans, deliveries, bounces.
//
// `mailsim run` prints events as the simulation makes them and `mailsim
// replay` prints a saved trace; both go through format_event(), so a saved
// trace replays to the same transcript. The GUI's handout export uses it too.
#pragma once

#include <string>

#include "core/trace.hpp"
#include "text/text.hpp"

namespace mailsim::view {

struct TranscriptOptions {
    text::Lang lang = text::Lang::en;
    bool color = false;          // ANSI colours: C: cyan, S: by reply class, bounces red
    bool states = false;         // include protocol state changes
    size_t message_lines = 12;   // lines of message text shown before "… more lines"
};

// The lines for one event ("" when the event is not shown), each ending "\n".
std::string format_event(const Event& e, const TranscriptOptions& options);

// What a trace came to: delivered, bounced, still queued.
struct Outcome {
    size_t delivered = 0;
    size_t bounces = 0;
    size_t deferrals = 0;
    size_t connections = 0;
    size_t still_queued = 0;   // messages enqueued and never finished
};
Outcome summarize(const Trace& trace);
std::string format_summary(const Outcome& o, const TranscriptOptions& options);

}  // namespace mailsim::view
