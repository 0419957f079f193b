// outcome.cpp — queue and recipient fates folded from the trace's events.
#include "model/outcome.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_input.hpp"

namespace mailsim::gui {

namespace {

using nlohmann::json;

json detail_of(const Event& e) {
    if (e.detail.empty()) return json::object();
    json j = json_input::parse_or_discard(e.detail);
    return j.is_object() ? j : json::object();
}

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::int64_t num(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

QueueEntry entry_of(const json& d) {
    QueueEntry q;
    q.id = str(d, "id");
    q.from = str(d, "from");
    q.message_id = str(d, "message_id");
    q.queue = str(d, "queue");
    q.attempts = static_cast<int>(num(d, "attempts"));
    q.arrived = num(d, "arrived");
    q.next_attempt = num(d, "next_attempt");
    if (auto it = d.find("rcpts"); it != d.end() && it->is_array())
        for (const auto& r : *it)
            if (r.is_object()) q.rcpts.push_back({str(r, "to"), str(r, "state"), str(r, "reply")});
    return q;
}

bool is_queue_event(const Event& e) {
    return e.kind == EventKind::queue_enqueue || e.kind == EventKind::queue_scan ||
           e.kind == EventKind::queue_defer || (e.kind == EventKind::note && e.key == "agent.queue.done");
}

}  // namespace

std::vector<std::string> queue_hosts(const Trace& trace, const TraceIndex& index) {
    std::vector<std::string> hosts;
    for (EventKind k : {EventKind::queue_enqueue, EventKind::queue_scan})
        for (std::uint32_t seq : index.of_kind(k)) {
            std::string h(trace.at(seq).host);
            if (std::find(hosts.begin(), hosts.end(), h) == hosts.end()) hosts.push_back(h);
        }
    return hosts;
}

QueueView queue_at(const Trace& trace, const TraceIndex& index, const std::string& host, size_t cursor) {
    QueueView v;
    v.host = host;
    // Start from the last scan's snapshot, then apply what came after it.
    size_t from = 0;
    for (size_t end = cursor;;) {
        auto scan = index.prev_of(EventKind::queue_scan, end);
        if (!scan) break;
        if (trace.at(*scan).host == host) {
            v.last_scan = *scan;
            from = *scan;
            break;
        }
        end = *scan;
    }
    std::vector<QueueEntry>& q = v.entries;
    auto find = [&q](const std::string& id) {
        return std::find_if(q.begin(), q.end(), [&](const QueueEntry& x) { return x.id == id; });
    };
    // The queue events of this host in [from, cursor), in order.
    std::vector<std::uint32_t> seqs;
    for (EventKind k : {EventKind::queue_enqueue, EventKind::queue_scan, EventKind::queue_defer, EventKind::note}) {
        const auto& all = index.of_kind(k);
        for (auto it = std::lower_bound(all.begin(), all.end(), from); it != all.end() && *it < cursor; ++it)
            seqs.push_back(*it);
    }
    std::sort(seqs.begin(), seqs.end());
    for (std::uint32_t seq : seqs) {
        const Event e = trace.at(seq);
        if (e.host != host || !is_queue_event(e)) continue;
        json d = detail_of(e);
        if (e.kind == EventKind::queue_scan) {
            q.clear();
            if (auto it = d.find("messages"); it != d.end() && it->is_array())
                for (const auto& m : *it) q.push_back(entry_of(m));
        } else if (e.kind == EventKind::note) {  // agent.queue.done: it leaves the queue
            if (auto it = find(str(d, "id")); it != q.end()) q.erase(it);
        } else {
            QueueEntry entry = entry_of(d);
            if (auto it = find(entry.id); it != q.end()) *it = std::move(entry);
            else q.push_back(std::move(entry));
        }
    }
    for (auto next = index.next_of(EventKind::queue_scan, cursor); next; next = index.next_of(EventKind::queue_scan, *next + 1)) {
        const Event e = trace.at(*next);
        if (e.host == host) {
            v.next_scan_hint = e.time;
            break;
        }
    }
    return v;
}

std::string_view fate_key(Fate f) {
    switch (f) {
    case Fate::queued: return "gui.fate.queued";
    case Fate::deferred: return "gui.fate.deferred";
    case Fate::relayed: return "gui.fate.relayed";
    case Fate::delivered: return "gui.fate.delivered";
    case Fate::bounced: return "gui.fate.bounced";
    }
    return "gui.fate.queued";
}

std::vector<RecipientOutcome> outcomes_at(const Trace& trace, size_t cursor) {
    std::vector<RecipientOutcome> out;
    std::map<std::string, std::string> queue_to_message;  // queue id → Message-ID
    auto find = [&out](const std::string& mid, const std::string& rcpt) -> RecipientOutcome* {
        for (auto& o : out)
            if (o.message_id == mid && o.rcpt == rcpt) return &o;
        return nullptr;
    };
    const size_t end = std::min(cursor, trace.size());
    for (size_t i = 0; i < end; ++i) {
        const Event e = trace.at(i);
        switch (e.kind) {
        case EventKind::note:
            if (e.key == "agent.compose") {
                json d = detail_of(e);
                if (auto it = d.find("rcpts"); it != d.end() && it->is_array())
                    for (const auto& r : *it)
                        if (r.is_string())
                            out.push_back({str(d, "message_id"), str(d, "subject"), r.get<std::string>(), Fate::queued, {}});
            } else if (e.key == "agent.queue.done") {
                json d = detail_of(e);
                if (auto it = d.find("rcpts"); it != d.end() && it->is_array())
                    for (const auto& r : *it)
                        if (auto* o = find(str(d, "message_id"), str(r, "to"));
                            o && o->fate != Fate::delivered && str(r, "state") == "sent") {
                            o->fate = Fate::relayed;
                            o->reply = str(r, "reply");
                        }
            }
            break;
        case EventKind::queue_enqueue: {
            json d = detail_of(e);
            queue_to_message[str(d, "id")] = str(d, "message_id");
            break;
        }
        case EventKind::queue_defer: {
            json d = detail_of(e);
            if (auto it = d.find("rcpts"); it != d.end() && it->is_array())
                for (const auto& r : *it)
                    if (auto* o = find(str(d, "message_id"), str(r, "to")); o && str(r, "state") == "pending") {
                        o->fate = Fate::deferred;
                        o->reply = str(r, "reply");
                    }
            break;
        }
        case EventKind::delivery: {
            json d = detail_of(e);
            if (auto* o = find(str(d, "message_id"), str(d, "rcpt"))) {
                o->fate = Fate::delivered;
                o->reply.clear();
            }
            break;
        }
        case EventKind::bounce: {
            json d = detail_of(e);
            const std::string mid = queue_to_message[str(d, "queue_id")];
            std::string list = str(d, "rcpts");
            for (size_t p = 0; p < list.size();) {
                size_t c = list.find(',', p);
                if (c == std::string::npos) c = list.size();
                std::string r = list.substr(p, c - p);
                r.erase(0, r.find_first_not_of(' '));
                if (auto* o = find(mid, r)) {
                    o->fate = Fate::bounced;
                    o->reply = std::string(e.args);
                }
                p = c + 1;
            }
            break;
        }
        default: break;
        }
    }
    return out;
}

std::vector<std::string> wire_lines(const Trace& trace, size_t cursor) {
    std::vector<std::string> out;
    const size_t end = std::min(cursor, trace.size());
    for (size_t i = 0; i < end; ++i) {
        const Event e = trace.at(i);
        if (e.kind != EventKind::bytes) continue;
        std::string_view b = e.bytes;
        std::string_view first = b.substr(0, b.find('\n'));
        if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
        out.push_back(fmt::format("{} {} → {}: {}", format_seconds(e.time), e.host, e.peer, first));
    }
    return out;
}

}  // namespace mailsim::gui
