// scheduler.hpp — a deterministic discrete-event scheduler on a virtual clock.
//
// Actions run in (time, insertion sequence) order, so two actions at the same
// time run in the order they were scheduled (ns-3's EventKey order). The
// scheduler belongs to a World: no globals, no wall clock.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "core/time.hpp"

namespace mailsim {

class Scheduler {
public:
    using Action = std::function<void()>;

    SimTime now() const { return now_; }
    void at(SimTime when, Action action);
    void after(SimTime delay, Action action) { at(now_ + delay, std::move(action)); }

    bool empty() const { return heap_.empty(); }
    SimTime next_time() const { return heap_.front().time; }
    size_t pending() const { return heap_.size(); }

    // Runs the earliest action; false when there is none.
    bool step();
    // Runs every action due at or before `limit`, then sets the clock to it.
    void run_until(SimTime limit);

private:
    // The heap orders small plain records; the actions wait in slots that
    // never move (a deque), so sifting the heap copies 24 bytes instead of
    // moving std::functions, and an action runs where it lies.
    struct Item {
        SimTime time;
        std::uint64_t seq;
        std::uint32_t slot;  // index into actions_
    };
    static bool later(const Item& a, const Item& b) {
        return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
    SimTime now_ = 0;
    std::uint64_t next_seq_ = 0;
    std::vector<Item> heap_;
    std::deque<Action> actions_;
    std::vector<std::uint32_t> free_slots_;
};

// A small, portable, seeded generator (SplitMix64): the same seed gives the
// same numbers on every machine, unlike std:: distributions.
class Rng {
public:
    explicit Rng(std::uint64_t seed = 0) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }

private:
    std::uint64_t state_;
};

}  // namespace mailsim
