// trace_feed.hpp — a Trace that grows while a viewer watches it.
//
// A running World, a live connection, a serve session and an import all add
// events over time. A viewer (the GUI's Session, the CLI) holds a TraceFeed,
// calls poll() now and then (once a frame) to let it add what it has, and
// extends its index from where it left off; it never rebuilds it. A trace
// read whole from a file is a feed that is finished from the start.
//
// poll() does a bounded amount of work, so a frame stays short however much
// is waiting: a feed that has more says so by not being finished().
#pragma once

#include <cstddef>
#include <memory>

#include "core/trace.hpp"

namespace mailsim {

class TraceFeed {
public:
    virtual ~TraceFeed() = default;
    virtual const Trace& trace() const = 0;
    // Adds at most about `max_events` events; true when the trace grew.
    virtual bool poll(size_t max_events) = 0;
    // Nothing more will come.
    virtual bool finished() const = 0;
};

// A trace that is already whole: read from a file, or a run that ended.
class WholeTrace final : public TraceFeed {
public:
    explicit WholeTrace(Trace t) : trace_(std::move(t)) {}
    const Trace& trace() const override { return trace_; }
    bool poll(size_t) override { return false; }
    bool finished() const override { return true; }

private:
    Trace trace_;
};

// Polls until the feed is finished (a scenario the viewer wants whole).
inline void drain(TraceFeed& feed, size_t step = 1 << 16) {
    while (!feed.finished()) feed.poll(step);
}

}  // namespace mailsim
