// outbox.hpp — what a sans-I/O engine has for its caller: the units to send
// and the session events to report, state changes among them.
//
// Every engine (SMTP, POP3, IMAP and HTTP, server and client) keeps one
// Outbox instead of its own queues. It queues Outgoing units (send) and
// events (report); the caller drains them with take_output() and
// next_event(). change_state() is the body of each engine's one set_state()
// (STYLE.md #3): it moves the state and reports the change as an event.
//
// An engine's event type is a struct with a `type` whose enum has a
// `state_change`, and `from` and `to` of the engine's State.
#pragma once

#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "protocol/outgoing.hpp"

namespace mailsim::protocol {

template <class Event>
class Outbox {
public:
    void send(Outgoing&& o) { out_.push_back(std::move(o)); }
    // Labels the last output with a verb that outlives it (one the caller owns).
    void relabel_last(std::string_view verb) {
        if (!out_.empty()) out_.back().verb = verb;
    }
    void report(Event&& e) { events_.push_back(std::move(e)); }

    // Moves `state` to `to` and reports the change, unless it is `to`
    // already (then false) or state changes are not reported.
    template <class State>
    bool change_state(State& state, State to) {
        if (state == to) return false;
        if (report_states_) {
            Event e{};
            e.type = Event::Type::state_change;
            e.from = state;
            e.to = to;
            events_.push_back(std::move(e));
        }
        state = to;
        return true;
    }
    // On by default. A caller that shows the states to nobody turns it off
    // and saves the work.
    void report_state_changes(bool on) { report_states_ = on; }

    std::vector<Outgoing> take_output() {
        std::vector<Outgoing> v;
        v.swap(out_);
        return v;
    }
    // The same into `into` (its old contents dropped): a caller that keeps
    // one vector and drains it every turn reuses both buffers.
    void take_output(std::vector<Outgoing>& into) {
        into.clear();
        into.swap(out_);
    }
    // Units queued and not yet taken, to be dropped (an HTTP client whose
    // connection cannot carry its next request).
    void drop_output() { out_.clear(); }

    std::optional<Event> next_event() {
        if (events_.empty()) return std::nullopt;
        Event e = std::move(events_.front());
        events_.pop_front();
        return e;
    }

private:
    std::vector<Outgoing> out_;
    std::deque<Event> events_;
    bool report_states_ = true;
};

}  // namespace mailsim::protocol
