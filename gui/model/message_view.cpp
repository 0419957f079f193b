// message_view.cpp — finding the message at the cursor and its envelope.
//
// Which events carry a message, where in their bytes, and the envelope it
// went under, the trace index learnt from the annotator (sim/protocol); here
// only the choice of one and its text.
#include "model/message_view.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mailsim::gui {

std::optional<MessageAtCursor> message_at(const Trace& trace, const TraceIndex& index, size_t cursor,
                                          std::optional<std::uint32_t> selected) {
    const CarriedMessage* found = selected && *selected < cursor ? index.message(*selected) : nullptr;
    if (!found) {  // the last one sent before the cursor
        const auto& all = index.messages();
        auto it = std::lower_bound(all.begin(), all.end(), cursor,
                                   [](const CarriedMessage& m, size_t v) { return m.seq < v; });
        if (it == all.begin()) return std::nullopt;
        found = &*(it - 1);
    }
    const Event e = trace.at(found->seq);
    MessageAtCursor m;
    m.seq = found->seq;
    m.raw = protocol::carried_text(e.bytes, found->where);
    m.has_envelope = found->where.has_envelope;
    m.mail_from = found->where.mail_from;
    for (const auto& [address, reply] : found->where.rcpt_to) {
        m.rcpt_to.push_back(address);
        m.rcpt_replies.push_back(reply);
    }
    if (const ConnectionInfo* c = index.connection(e.conn))
        m.carried_by = fmt::format("#{} {} {} → {}", c->id, c->protocol, c->client, c->server);
    return m;
}

}  // namespace mailsim::gui
