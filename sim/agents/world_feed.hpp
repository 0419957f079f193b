// world_feed.hpp — a running World as a TraceFeed: each poll runs scheduled
// actions until the trace has grown by about the number asked for, or the
// World has nothing left to do before its limit. Polled to its end it makes
// exactly the trace World::run(limit) makes (the same actions, in the same
// order), so determinism holds however it is polled.
#pragma once

#include <memory>

#include "agents/world.hpp"
#include "core/trace_feed.hpp"

namespace mailsim::agents {

class WorldFeed final : public TraceFeed {
public:
    WorldFeed(std::unique_ptr<World> world, SimTime limit) : world_(std::move(world)), limit_(limit) {}

    const Trace& trace() const override { return world_->trace(); }
    bool poll(size_t max_events) override {
        const size_t before = world_->trace().size();
        Scheduler& s = world_->scheduler();
        while (!s.empty() && s.next_time() <= limit_ && world_->trace().size() - before < max_events) s.step();
        return world_->trace().size() > before;
    }
    bool finished() const override {
        const Scheduler& s = world_->scheduler();
        return s.empty() || s.next_time() > limit_;
    }
    World& world() { return *world_; }

private:
    std::unique_ptr<World> world_;
    SimTime limit_;
};

}  // namespace mailsim::agents
