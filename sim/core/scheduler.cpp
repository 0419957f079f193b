// scheduler.cpp — binary heap ordered by (time, sequence).
#include "core/scheduler.hpp"

#include <algorithm>

namespace mailsim {

void Scheduler::at(SimTime when, Action action) {
    if (when < now_) when = now_;  // the past is not reachable; run as soon as possible
    std::uint32_t slot;
    if (free_slots_.empty()) {
        slot = static_cast<std::uint32_t>(actions_.size());
        actions_.push_back(std::move(action));
    } else {
        slot = free_slots_.back();
        free_slots_.pop_back();
        actions_[slot] = std::move(action);
    }
    heap_.push_back(Item{when, next_seq_++, slot});
    std::push_heap(heap_.begin(), heap_.end(), later);
}

bool Scheduler::step() {
    if (heap_.empty()) return false;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    Item item = heap_.back();
    heap_.pop_back();
    now_ = item.time;
    // Run in place (deque slots stay put while the action schedules more),
    // then drop what it captured and free its slot, as the old by-value
    // item did when it went out of scope.
    actions_[item.slot]();
    actions_[item.slot] = nullptr;
    free_slots_.push_back(item.slot);
    return true;
}

void Scheduler::run_until(SimTime limit) {
    while (!heap_.empty() && heap_.front().time <= limit) step();
    if (now_ < limit) now_ = limit;
}

}  // namespace mailsim
