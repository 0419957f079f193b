// outgoing_queue.cpp — queue bookkeeping, retry delays and snapshots.
#include "agents/outgoing_queue.hpp"

#include "core/json_text.hpp"

#include <algorithm>

namespace mailsim::agents {

std::string_view to_string(QueuedMessage::Queue q) {
    switch (q) {
        case QueuedMessage::Queue::incoming: return "incoming";
        case QueuedMessage::Queue::active: return "active";
        case QueuedMessage::Queue::deferred: return "deferred";
    }
    return "?";
}

std::string_view to_string(QueuedRecipient::State s) {
    switch (s) {
        case QueuedRecipient::State::pending: return "pending";
        case QueuedRecipient::State::sent: return "sent";
        case QueuedRecipient::State::failed: return "failed";
    }
    return "?";
}

QueuedMessage& OutgoingQueue::add(QueuedMessage m) {
    std::uint64_t key = next_++;
    std::string id = m.id;
    auto it = messages_.emplace(key, std::move(m)).first;
    by_id_[std::move(id)] = it;
    return it->second;
}

QueuedMessage* OutgoingQueue::find(const std::string& id) {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second->second;
}

void OutgoingQueue::remove(const std::string& id) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return;
    messages_.erase(it->second);
    by_id_.erase(it);
}

size_t OutgoingQueue::count(QueuedMessage::Queue q) const {
    size_t n = 0;
    for (const auto& [k, m] : messages_) n += m.queue == q;
    return n;
}

std::vector<std::string> OutgoingQueue::take_due(SimTime now) {
    std::vector<std::string> due;
    for (auto& [key, m] : messages_) {
        bool ready = m.queue == QueuedMessage::Queue::incoming ||
                     (m.queue == QueuedMessage::Queue::deferred && m.next_attempt <= now);
        if (!ready) continue;
        m.queue = QueuedMessage::Queue::active;
        ++m.attempts;
        due.push_back(m.id);
    }
    return due;
}

SimTime OutgoingQueue::backoff(const QueueSettings& s, int attempts) {
    if (!s.retry_schedule.empty()) {
        size_t i = static_cast<size_t>(std::max(attempts, 1) - 1);
        return s.retry_schedule[std::min(i, s.retry_schedule.size() - 1)];
    }
    SimTime d = s.minimal_backoff_time;
    for (int i = 1; i < attempts && d < s.maximal_backoff_time; ++i) d *= 2;
    return std::min(d, s.maximal_backoff_time);
}

std::string OutgoingQueue::entry_json(const QueuedMessage& m) {
    std::string rcpts;
    rcpts.reserve(2 + 64 * m.rcpts.size());
    rcpts += '[';
    for (const auto& r : m.rcpts) {
        if (rcpts.size() > 1) rcpts += ',';
        JsonObject o(std::move(rcpts));
        if (!r.last_reply.empty()) o.str("reply", r.last_reply);
        rcpts = o.str("state", to_string(r.state)).str("to", r.address).done();
    }
    rcpts += ']';
    JsonObject e;
    e.num("arrived", m.arrived).num("attempts", m.attempts).str("from", m.sender).str("id", m.id);
    if (!m.message_id.empty()) e.str("message_id", m.message_id);
    if (m.queue == QueuedMessage::Queue::deferred) e.num("next_attempt", m.next_attempt);
    e.str("queue", to_string(m.queue)).raw("rcpts", rcpts).num("size", static_cast<std::int64_t>(m.content ? m.content->size() : 0));
    return e.done();
}

std::string OutgoingQueue::snapshot(size_t due, size_t limit) const {
    std::string list = "[";
    size_t shown = 0;
    for (const auto& [key, m] : messages_) {
        if (shown++ == limit) break;
        if (list.size() > 1) list += ',';
        list += entry_json(m);
    }
    list += ']';
    return JsonObject()
        .num("due", static_cast<std::int64_t>(due))
        .raw("messages", list)
        .num("total", static_cast<std::int64_t>(messages_.size()))
        .done();
}

}  // namespace mailsim::agents
