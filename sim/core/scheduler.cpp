// scheduler.cpp — binary heap ordered by (time, sequence).
#include "core/scheduler.hpp"

#include <algorithm>

namespace mailsim {

void Scheduler::at(SimTime when, Action action) {
    if (when < now_) when = now_;  // the past is not reachable; run as soon as possible
    heap_.push_back(Item{when, next_seq_++, std::move(action)});
    std::push_heap(heap_.begin(), heap_.end(), later);
}

bool Scheduler::step() {
    if (heap_.empty()) return false;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    Item item = std::move(heap_.back());
    heap_.pop_back();
    now_ = item.time;
    item.action();
    return true;
}

void Scheduler::run_until(SimTime limit) {
    while (!heap_.empty() && heap_.front().time <= limit) step();
    if (now_ < limit) now_ = limit;
}

}  // namespace mailsim
