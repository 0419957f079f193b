// trace_index.cpp — connections, transcript lines and per-kind event lists.
#include "model/trace_index.hpp"

#include <algorithm>

namespace mailsim::gui {

LineClass line_class(catalog::ReplyClass c) {
    switch (c) {
    case catalog::ReplyClass::preliminary:
    case catalog::ReplyClass::completion: return LineClass::reply2;
    case catalog::ReplyClass::intermediate: return LineClass::reply3;
    case catalog::ReplyClass::transient: return LineClass::reply4;
    case catalog::ReplyClass::permanent: return LineClass::reply5;
    case catalog::ReplyClass::none: break;
    }
    return LineClass::message;
}

void TraceIndex::add_lines(ConnectionInfo& c, const Event& e, const protocol::Annotation& a) {
    const bool client = a.from_client;
    const std::string_view b = e.bytes;
    // A client's unit is a command, or text (DATA's message, a literal, an AUTH answer) when it has no verb.
    const LineClass first_class = client ? (a.verb.empty() || a.message ? LineClass::message : LineClass::command)
                                         : line_class(a.cls);
    size_t pos = 0, n = 0;
    while (pos < b.size()) {
        size_t nl = b.find('\n', pos);
        size_t end = nl == std::string_view::npos ? b.size() : nl;
        size_t len = end - pos;
        if (len > 0 && b[pos + len - 1] == '\r') --len;
        if (n == message_lines_) {  // the rest is counted, not listed
            size_t left = 0;
            for (size_t p = pos; p < b.size(); ++left) {
                size_t q = b.find('\n', p);
                p = q == std::string_view::npos ? b.size() : q + 1;
            }
            if (left > 0) c.lines.push_back({static_cast<std::uint32_t>(e.seq), static_cast<std::uint32_t>(left), 0,
                                             LineClass::more, client});
            return;
        }
        LineClass cls = (n > 0 && a.body_follows) ? LineClass::message : first_class;
        c.lines.push_back({static_cast<std::uint32_t>(e.seq), static_cast<std::uint32_t>(pos),
                           static_cast<std::uint32_t>(len), cls, client});
        ++n;
        pos = nl == std::string_view::npos ? b.size() : nl + 1;
    }
}

TraceIndex::TraceIndex(const Trace& trace, size_t message_lines) : message_lines_(message_lines) { extend(trace); }

void TraceIndex::extend(const Trace& trace) {
    for (; indexed_ < trace.size(); ++indexed_) add(trace.at(indexed_));
}

void TraceIndex::add(const Event& e) {
    const auto seq = static_cast<std::uint32_t>(e.seq);
    by_kind_[static_cast<size_t>(e.kind)].push_back(seq);
    classes_.push_back(LineClass::tcp);
    switch (e.kind) {
    case EventKind::bytes:
    case EventKind::connect:
    case EventKind::accept:
    case EventKind::refuse:
    case EventKind::close:
    case EventKind::dns: arrows_.push_back(seq); break;
    default: break;
    }
    if (e.conn == 0) return;
    auto [it, fresh] = slot_.try_emplace(e.conn, connections_.size());
    if (fresh) {
        ConnectionInfo c;
        c.id = e.conn;
        c.first_seq = seq;
        c.protocol = "tcp";
        const bool server_side = e.kind == EventKind::accept || e.dir == Direction::to_client;
        c.client = std::string(server_side ? e.peer : e.host);
        c.server = std::string(server_side ? e.host : e.peer);
        connections_.push_back(std::move(c));
        annotators_.emplace_back();
    }
    ConnectionInfo& c = connections_[it->second];
    c.last_seq = seq;
    const size_t had = c.lines.size();
    switch (e.kind) {
    case EventKind::connect:
        c.port = std::string(e.args);
        c.lines.push_back({seq, 0, 0, LineClass::tcp, true});
        break;
    case EventKind::refuse:
        c.refused = true;
        c.lines.push_back({seq, 0, 0, LineClass::tcp, false});
        break;
    case EventKind::close: c.lines.push_back({seq, 0, 0, LineClass::tcp, e.dir != Direction::to_client}); break;
    case EventKind::note:
        // An imported connection's own notes (a gap in the capture, TLS
        // records) stand in its transcript where they happened.
        if (e.key.starts_with("import.")) c.lines.push_back({seq, 0, 0, LineClass::tcp, e.dir != Direction::to_client});
        break;
    case EventKind::bytes: {
        if (c.protocol == "tcp" && !e.protocol.empty()) c.protocol = std::string(e.protocol);
        auto& annotator = annotators_[it->second];
        if (!annotator) annotator.emplace(c.protocol);
        const protocol::Annotation a = annotator->observe(e.dir, e.bytes, e.verb, e.key);
        if (a.message) messages_.push_back({seq, *a.message});
        add_lines(c, e, a);
        if (c.lines.size() > had) classes_.back() = c.lines[had].cls;
        break;
    }
    default: break;
    }
    for (size_t k = had; k < c.lines.size(); ++k) {
        c.lines[k].conn = c.id;
        all_lines_.push_back(c.lines[k]);
    }
}

const CarriedMessage* TraceIndex::message(std::uint32_t seq) const {
    auto it = std::lower_bound(messages_.begin(), messages_.end(), seq,
                               [](const CarriedMessage& m, std::uint32_t v) { return m.seq < v; });
    return it != messages_.end() && it->seq == seq ? &*it : nullptr;
}

const ConnectionInfo* TraceIndex::connection(std::uint32_t id) const {
    auto it = std::lower_bound(connections_.begin(), connections_.end(), id,
                               [](const ConnectionInfo& c, std::uint32_t v) { return c.id < v; });
    return it != connections_.end() && it->id == id ? &*it : nullptr;
}

size_t TraceIndex::connections_begun(size_t cursor) const {
    return static_cast<size_t>(std::count_if(connections_.begin(), connections_.end(),
                                             [&](const ConnectionInfo& c) { return c.first_seq < cursor; }));
}

size_t TraceIndex::lines_before(const ConnectionInfo& c, size_t cursor) { return lines_before(c.lines, cursor); }

size_t TraceIndex::lines_before(const std::vector<TranscriptLine>& lines, size_t cursor) {
    auto it = std::lower_bound(lines.begin(), lines.end(), cursor,
                               [](const TranscriptLine& l, size_t v) { return l.seq < v; });
    return static_cast<size_t>(it - lines.begin());
}

std::optional<std::uint32_t> TraceIndex::next_of(EventKind k, size_t from) const {
    const auto& v = of_kind(k);
    auto it = std::lower_bound(v.begin(), v.end(), from);
    if (it == v.end()) return std::nullopt;
    return *it;
}

std::optional<std::uint32_t> TraceIndex::prev_of(EventKind k, size_t before) const {
    const auto& v = of_kind(k);
    auto it = std::lower_bound(v.begin(), v.end(), before);
    if (it == v.begin()) return std::nullopt;
    return *(it - 1);
}

std::string_view line_text(const Trace& trace, const TranscriptLine& line) {
    const Event e = trace.at(line.seq);
    if (line.cls == LineClass::tcp) return e.args;
    if (line.cls == LineClass::more) return {};
    return e.bytes.substr(line.offset, line.length);
}

}  // namespace mailsim::gui
