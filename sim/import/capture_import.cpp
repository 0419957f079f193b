// capture_import.cpp — connections, protocol by port or greeting, units,
// STARTTLS, gaps, hosts; and the loop over a capture file.
#include "import/capture_import.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/ascii.hpp"
#include "core/owned_event.hpp"
#include "import/capture_file.hpp"
#include "import/tcp_reassembly.hpp"
#include "import/tls_records.hpp"
#include "protocol/annotate.hpp"

namespace mailsim::import {

namespace {

struct PortRule {
    std::uint16_t port;
    std::string_view protocol;
    bool tls;  // implicit TLS (RFC 8314 §3.3)
};
constexpr PortRule kPorts[] = {
    {25, "smtp", false},  {587, "smtp", false}, {2525, "smtp", false}, {465, "smtp", true},
    {110, "pop3", false}, {995, "pop3", true},  {143, "imap", false},  {993, "imap", true},
    {80, "http", false},  {8080, "http", false},
};

const PortRule* port_rule(std::uint16_t port) {
    for (const auto& r : kPorts)
        if (r.port == port) return &r;
    return nullptr;
}

// What a server's first bytes say it speaks: RFC 5321 §4.2 "220", RFC 1939
// §4 "+OK", RFC 3501 §7.1 "* OK" / "* PREAUTH", RFC 9112 §4 "HTTP/".
std::string_view protocol_of_greeting(std::string_view b) {
    if (b.starts_with("220 ") || b.starts_with("220-")) return "smtp";
    if (b.starts_with("+OK")) return "pop3";
    if (b.starts_with("* OK") || b.starts_with("* PREAUTH")) return "imap";
    if (b.starts_with("HTTP/1.")) return "http";
    return {};
}

// RFC 9110 §9 methods, as a request line starts.
bool http_request(std::string_view b) {
    for (std::string_view m : {"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH "})
        if (b.starts_with(m)) return true;
    return false;
}

// The shortest a first chunk must be to tell a greeting ("+OK", "* OK").
constexpr size_t kGreetingBytes = 4;
// Bytes kept of a connection not yet known, each way, before it is left out.
constexpr size_t kEarlyLimit = 64 * 1024;
// A connection on an unknown port that sends nothing for this long is left out.
constexpr SimTime kUndecidedLimit = 30 * kSecond;
// A unit this large being gathered makes the bytes after it wait, unscanned, behind it.
constexpr size_t kBatchFrom = 64 * 1024;

std::string endpoint_name(const Endpoint& e, bool with_port) {
    const std::string a = address_text(e);
    if (!with_port) return a;
    return e.v6 ? fmt::format("[{}]:{}", a, e.port) : fmt::format("{}:{}", a, e.port);
}

// Half 0 carries the client's bytes to the server, half 1 the server's back.
constexpr int kToServer = 0, kToClient = 1;
Direction direction_of(int half) { return half == kToServer ? Direction::to_server : Direction::to_client; }

}  // namespace

struct ConnectionState {
    Endpoint client, server;
    bool syn_seen = false;       // roles known from the handshake
    std::uint32_t id = 0;        // in the trace; 0 while held back or left out
    enum class Fate : std::uint8_t { undecided, shown, left_out } fate = Fate::undecided;
    std::string protocol;
    std::string client_name, server_name;
    SimTime first_time = 0;
    std::array<TcpReassembly, 2> half;
    std::array<std::string, 2> early;  // first bytes, while the protocol is not known
    std::optional<protocol::Annotator> annotator;
    bool tls = false;
    bool starttls_asked = false;
    std::array<TlsRecordCounter, 2> records;
    std::array<size_t, 2> unscanned{};  // bytes held by the annotator, not yet looked at (PacketImporter::units)
    std::array<SimTime, 2> batch_time{};  // the time of the packet that brought the last of them
    int flight = -1;             // the half whose TLS records are being counted
    std::array<bool, 2> closed{};
    bool reset = false;
    std::uint64_t bytes = 0;
    // Events made before the protocol was known, waiting (owned copies).
    std::vector<OwnedEvent> held;
};

struct PacketImporter::Staged {
    OwnedEvent event;
};

namespace {

// An event of connection c sent by one half's sender: host and peer filled.
Event connection_event(const ConnectionState& c, int half, EventKind kind) {
    Event e;
    e.kind = kind;
    e.host = half == kToServer ? c.client_name : c.server_name;
    e.peer = half == kToServer ? c.server_name : c.client_name;
    e.protocol = "tcp";
    return e;
}

Event unit_event(const ConnectionState& c, int half, const protocol::Unit& u) {
    Event e = connection_event(c, half, EventKind::bytes);
    e.dir = direction_of(half);
    e.protocol = c.protocol;
    e.verb = u.a.verb;
    e.args = u.a.args;
    e.key = u.a.key;
    e.bytes = u.bytes;
    return e;
}

}  // namespace

void PacketImporter::finish_units(ConnectionState& c, int half) {
    for (int h : {half, 1 - half})
        if (c.unscanned[h] > 0) flush_batch(c, h);
    if (!c.annotator || c.tls) return;
    for (auto& u : c.annotator->finish(direction_of(half))) {
        Event e = unit_event(c, half, u);
        e.time = now_;
        emit(&c, e);
    }
}

PacketImporter::PacketImporter(Trace& out) : out_(out) {
    out_.source.kind = "import";
    out_.source.clock = "capture";
}

PacketImporter::~PacketImporter() = default;

void PacketImporter::packet(std::int64_t time_us, int dlt, std::string_view frame) {
    ++stats_.packets;
    time_us = std::max<std::int64_t>(time_us, 0);  // a broken record's time before 1970: the epoch
    if (epoch_us_ < 0) {
        epoch_us_ = time_us - ((time_us % 1000000) + 1000000) % 1000000;
        out_.source.start_epoch = epoch_us_ / 1000000;
    }
    // The capture clock never goes back here, even where the file's does
    // (interfaces merged, a clock stepped): events keep their order.
    now_ = std::max(now_, time_us - epoch_us_);
    TcpSegment s;
    switch (decode_frame(dlt, frame, s)) {
    case Decoded::tcp: ++stats_.tcp_segments; segment(s); break;
    case Decoded::fragment: ++stats_.fragments; break;
    case Decoded::malformed: ++stats_.malformed; break;
    case Decoded::not_tcp:
    case Decoded::unknown_link: ++stats_.other_packets; break;
    }
    if ((stats_.packets & 4095) == 0) skip_stale();
}

ConnectionState* PacketImporter::connection_for(const TcpSegment& s) {
    const bool ordered = s.src < s.dst;
    const auto key = ordered ? std::make_pair(s.src, s.dst) : std::make_pair(s.dst, s.src);
    const bool syn_only = (s.flags & (kSyn | kAck)) == kSyn;
    auto it = live_.find(key);
    if (it == live_.end()) {
        // A connection that ended: its last ACKs and retransmissions are no new connection.
        auto ended = ended_.find(key);
        if (ended != ended_.end()) {
            if (!syn_only) return nullptr;
            ended_.erase(ended);
        }
    }
    if (it != live_.end()) {
        ConnectionState& c = *it->second;
        // A new SYN on a connection that ended (the port used again): a new connection.
        const bool over = c.reset || (c.closed[0] && c.closed[1]);
        if (!(syn_only && over)) return &c;
        end_connection(c);
        live_.erase(it);
    }
    if (s.flags & kRst) return nullptr;  // for nothing we know
    auto c = std::make_unique<ConnectionState>();
    ++stats_.connections;
    c->first_time = now_;
    if (syn_only) {
        c->syn_seen = true;
        c->client = s.src;
        c->server = s.dst;
    } else if ((s.flags & (kSyn | kAck)) == (kSyn | kAck)) {
        c->syn_seen = true;
        c->client = s.dst;
        c->server = s.src;
    } else {
        // Begun before the capture: the server is the end on a known port, else the lower port.
        const bool src_serves = port_rule(s.src.port) || (!port_rule(s.dst.port) && s.src.port < s.dst.port);
        c->client = src_serves ? s.dst : s.src;
        c->server = src_serves ? s.src : s.dst;
    }
    c->server_name = endpoint_name(c->server, false);
    c->client_name = endpoint_name(c->client, c->client.addr == c->server.addr && c->client.v6 == c->server.v6);
    ConnectionState* raw = c.get();
    live_.emplace(key, std::move(c));
    if (const PortRule* r = port_rule(raw->server.port)) {
        show(*raw, std::string(r->protocol), false);
        raw->tls = r->tls;
    } else {
        ++holding_;
    }
    if (!raw->syn_seen) {
        Event e = connection_event(*raw, kToServer, EventKind::note);
        e.time = now_;
        e.verb = "midstream";
        const std::string port = fmt::format("port {}", raw->server.port);  // (e's strings are views)
        e.args = port;
        e.key = "import.midstream";
        emit(raw, e);
    }
    return raw;
}

void PacketImporter::segment(const TcpSegment& s) {
    ConnectionState* cp = connection_for(s);
    if (!cp) return;
    ConnectionState& c = *cp;
    const int half = s.src == c.client ? kToServer : kToClient;
    TcpReassembly& mine = c.half[half];
    TcpReassembly& theirs = c.half[1 - half];
    const TcpReassembly::Sink sink{[&](std::string_view b) { stream_data(c, half, b); },
                                   [&](std::uint64_t n) { stream_gap(c, half, n); }};
    const TcpReassembly::Sink their_sink{[&](std::string_view b) { stream_data(c, 1 - half, b); },
                                         [&](std::uint64_t n) { stream_gap(c, 1 - half, n); }};
    if (s.flags & kSyn) {
        const bool fresh = !mine.started();
        mine.syn(s.seq);
        if (fresh && c.syn_seen) {
            Event e = connection_event(c, half, (s.flags & kAck) ? EventKind::accept : EventKind::connect);
            e.time = now_;
            const std::string port = fmt::format("port {}", c.server.port);
            if (!(s.flags & kAck)) e.args = port;
            emit(&c, e);
        }
    }
    if (s.flags & kAck) theirs.acknowledged(s.ack, their_sink);
    if (s.flags & kRst) {
        if (c.reset) return;
        c.reset = true;
        mine.flush(sink);
        theirs.flush(their_sink);
        // A RST answering a SYN: nothing listens there (RFC 9293 §3.10.7.1).
        if (c.syn_seen && half == kToClient && !mine.started()) {
            c.closed = {true, true};
            Event e = connection_event(c, half, EventKind::refuse);
            e.time = now_;
            e.args = "RST";
            emit(&c, e);
            if (c.fate == ConnectionState::Fate::undecided) leave_out(c);
            retire(s);
            return;
        }
        close_connection(c, half, "RST");
        retire(s);
        return;
    }
    if (c.closed[half]) return;
    const std::uint32_t data_seq = s.seq + ((s.flags & kSyn) ? 1 : 0);
    mine.segment(data_seq, s.payload, sink);
    if (s.flags & kFin) mine.fin(data_seq, s.payload_len);
    if (mine.finished()) close_connection(c, half, "FIN");
    if (c.closed[0] && c.closed[1]) retire(s);
}

void PacketImporter::retire(const TcpSegment& s) {
    const auto key = s.src < s.dst ? std::make_pair(s.src, s.dst) : std::make_pair(s.dst, s.src);
    auto it = live_.find(key);
    if (it == live_.end()) return;
    end_connection(*it->second);
    live_.erase(it);
    // Remembered for a while, so that the stragglers of the close are not taken for a new connection.
    ended_.insert(key);
    ended_order_.push_back(key);
    if (ended_order_.size() > 65536) {
        ended_.erase(ended_order_.front());
        ended_order_.pop_front();
    }
}

void PacketImporter::stream_data(ConnectionState& c, int half, std::string_view bytes) {
    if (c.fate == ConnectionState::Fate::undecided) {
        std::string& early = c.early[half];
        early.append(bytes.substr(0, kEarlyLimit - std::min(kEarlyLimit, early.size())));
        if (early.size() < kGreetingBytes && c.early[1 - half].empty()) return;
        decide(c, half);
        return;
    }
    if (c.fate == ConnectionState::Fate::left_out) return;
    c.bytes += bytes.size();
    stats_.stream_bytes += bytes.size();
    if (c.tls) tls_data(c, half, bytes);
    else units(c, half, bytes);
}

void PacketImporter::decide(ConnectionState& c, int half) {
    const std::string first = std::move(c.early[half]);
    c.early = {};
    std::string_view protocol = protocol_of_greeting(first);
    bool server_spoke = true;
    if (protocol.empty() && http_request(first)) {
        protocol = "http";
        server_spoke = false;
    }
    if (protocol.empty()) {
        leave_out(c);
        return;
    }
    int from = half;
    if (!c.syn_seen && server_spoke != (half == kToClient)) {
        // Roles were guessed from the ports, and the bytes say otherwise.
        std::swap(c.client, c.server);
        std::swap(c.client_name, c.server_name);
        std::swap(c.half[0], c.half[1]);
        from = 1 - half;
    }
    show(c, std::string(protocol), true);
    stream_data(c, from, first);
}

void PacketImporter::leave_out(ConnectionState& c) {
    if (c.fate != ConnectionState::Fate::undecided) return;
    c.fate = ConnectionState::Fate::left_out;
    c.held.clear();
    c.early = {};
    --holding_;
    flush_staged();
}

void PacketImporter::show(ConnectionState& c, const std::string& protocol, bool waited) {
    c.fate = ConnectionState::Fate::shown;
    c.protocol = protocol;
    c.id = next_conn_id_++;
    c.annotator.emplace(protocol);
    ++stats_.mail_connections;
    pairs_.push_back({c.client_name, c.server_name, protocol});
    if (!waited) return;
    // Its events so far take their places among the staged ones, by time.
    std::vector<Staged> merged;
    merged.reserve(staged_.size() + c.held.size());
    size_t i = 0, k = 0;
    while (i < staged_.size() || k < c.held.size()) {
        if (k < c.held.size() && (i == staged_.size() || c.held[k].time <= staged_[i].event.time)) {
            c.held[k].conn = c.id;
            merged.push_back({std::move(c.held[k++])});
        } else {
            merged.push_back(std::move(staged_[i++]));
        }
    }
    staged_ = std::move(merged);
    c.held.clear();
    --holding_;
    flush_staged();
}

// The annotator looks at a unit it gathers from its start again with each
// feed; fed a 16 MiB message 1448 bytes at a time it would scan ~90 GB. So
// while it holds a large unit, bytes are put behind it unscanned (in its
// own buffer: the unit is gathered once, in one place) and looked at when
// they are at least as many as those it has looked at (each byte is then
// scanned a few times, not thousands), and always before the other side's
// bytes, a gap or the close, with the time of the packet that brought the
// last of them.
void PacketImporter::units(ConnectionState& c, int half, std::string_view bytes) {
    if (c.unscanned[1 - half] > 0) flush_batch(c, 1 - half);
    if (!c.annotator) return;
    const size_t scanned = c.annotator->pending(direction_of(half)) - c.unscanned[half];
    if (scanned >= kBatchFrom) {
        c.annotator->hold(direction_of(half), bytes);
        c.unscanned[half] += bytes.size();
        c.batch_time[half] = now_;
        if (c.unscanned[half] >= scanned) flush_batch(c, half);
        return;
    }
    if (c.unscanned[half] > 0) flush_batch(c, half);
    feed_units(c, half, bytes);
}

void PacketImporter::flush_batch(ConnectionState& c, int half) {
    const bool any = c.unscanned[half] > 0;
    c.unscanned[half] = 0;
    if (!any || !c.annotator) return;
    const SimTime now = now_;
    now_ = c.batch_time[half];
    feed_units(c, half, {});
    now_ = now;
}

void PacketImporter::feed_units(ConnectionState& c, int half, std::string_view bytes) {
    const Direction dir = direction_of(half);
    auto got = c.annotator->feed(dir, bytes);
    for (size_t i = 0; i < got.size(); ++i) {
        protocol::Unit& u = got[i];
        Event e = unit_event(c, half, u);
        e.time = now_;
        const bool untagged = u.bytes.starts_with("* ");
        emit(&c, e, &u.bytes);  // (u.bytes may be the trace's now)
        // STARTTLS (RFC 3207 §4), STLS (RFC 2595 §4), IMAP STARTTLS (RFC 3501 §6.2.1).
        if (half == kToServer) {
            const std::string verb = to_upper(u.a.verb);
            c.starttls_asked = verb == "STARTTLS" || verb == "STLS";
            continue;
        }
        if (!c.starttls_asked) continue;
        if (c.protocol == "imap" && untagged) continue;  // untagged data before the answer
        c.starttls_asked = false;
        if (u.a.cls != catalog::ReplyClass::completion) continue;
        // TLS from the next byte on, both ways: what came after the answer
        // in the same bytes, and what the annotator held.
        c.tls = true;
        Event n = connection_event(c, kToClient, EventKind::note);
        n.time = now_;
        n.protocol = "tls";
        n.verb = "STARTTLS";
        n.args = "TLS begins: the rest of the connection is encrypted";
        n.key = "import.tls.start";
        emit(&c, n);
        std::string rest;
        for (size_t k = i + 1; k < got.size(); ++k) rest += got[k].bytes;
        rest.append(c.annotator->pending_bytes(dir));
        const size_t client_held = c.annotator->pending(Direction::to_server);
        c.annotator.reset();
        if (client_held) {  // sent before the answer came: counted, not framed
            c.records[kToServer].lost_sync();
            tls_data(c, kToServer, std::string(client_held, '\0'));
        }
        if (!rest.empty()) tls_data(c, half, rest);
        return;
    }
}

void PacketImporter::tls_data(ConnectionState& c, int half, std::string_view bytes) {
    if (c.flight != half) {
        if (c.flight >= 0) tls_flight(c, c.flight);
        c.flight = half;
    }
    c.records[half].feed(bytes);
}

void PacketImporter::tls_flights(ConnectionState& c) {
    for (int h : {c.flight, 1 - c.flight})
        if (h >= 0 && h <= 1) tls_flight(c, h);
    c.flight = -1;
}

void PacketImporter::tls_flight(ConnectionState& c, int half) {
    TlsRecordCounter& r = c.records[half];
    if (r.empty()) return;
    const std::string args = r.summary(), detail = r.detail();
    Event e = connection_event(c, half, EventKind::note);
    e.time = now_;
    e.dir = direction_of(half);
    e.protocol = "tls";
    e.verb = "TLS";
    e.args = args;
    e.key = "import.tls.records";
    e.detail = detail;
    emit(&c, e);
    r.take();
}

void PacketImporter::stream_gap(ConnectionState& c, int half, std::uint64_t missing) {
    ++stats_.gaps;
    stats_.gap_bytes += missing;
    if (c.fate != ConnectionState::Fate::shown) {
        // An unknown connection's first bytes are lost: it cannot be told any more.
        if (c.fate == ConnectionState::Fate::undecided) leave_out(c);
        return;
    }
    // What was gathered before the hole is a unit of its own: never glued to what follows.
    finish_units(c, half);
    if (c.tls) {
        tls_flights(c);
        c.records[half].lost_sync();
    }
    const std::string args = fmt::format("{} bytes missing from the capture", missing);
    const std::string detail = fmt::format(R"({{"missing":{}}})", missing);
    Event e = connection_event(c, half, EventKind::note);
    e.time = now_;
    e.dir = direction_of(half);
    e.verb = "gap";
    e.args = args;
    e.key = "import.gap";
    e.detail = detail;
    emit(&c, e);
}

void PacketImporter::close_connection(ConnectionState& c, int half, std::string_view why) {
    if (c.closed[half]) return;
    c.closed[half] = true;
    const bool reset = why == "RST";
    if (reset) c.closed = {true, true};
    if (c.fate == ConnectionState::Fate::undecided && c.closed[0] && c.closed[1]) {
        leave_out(c);  // ended before saying what it is
        return;
    }
    if (c.fate == ConnectionState::Fate::shown) {
        if (c.tls) tls_flights(c);
        finish_units(c, half);
        if (reset) finish_units(c, 1 - half);
    }
    Event e = connection_event(c, half, EventKind::close);
    e.time = now_;
    e.dir = direction_of(half);
    e.args = why;
    emit(&c, e);
}

void PacketImporter::end_connection(ConnectionState& c) {
    for (int h : {kToServer, kToClient}) {
        const TcpReassembly::Sink sink{[&](std::string_view b) { stream_data(c, h, b); },
                                       [&](std::uint64_t n) { stream_gap(c, h, n); }};
        c.half[h].flush(sink);
        stats_.retransmitted_bytes += c.half[h].retransmitted_bytes();
    }
    if (c.fate == ConnectionState::Fate::undecided && !c.early[0].empty()) decide(c, kToServer);
    if (c.fate == ConnectionState::Fate::undecided && !c.early[1].empty()) decide(c, kToClient);
    leave_out(c);  // whatever it sent was too short to tell, and its port did not say
    if (c.fate != ConnectionState::Fate::shown) return;
    stats_.largest_stream = std::max(stats_.largest_stream, c.bytes);
    // Still open when the capture ended: what is held comes out.
    if (c.tls) tls_flights(c);
    finish_units(c, kToServer);
    finish_units(c, kToClient);
    c.annotator.reset();
}

void PacketImporter::emit(ConnectionState* c, Event e, std::string* bytes) {
    e.time = std::max(e.time, last_time_);
    if (c && c->fate == ConnectionState::Fate::left_out) return;
    if (c && c->fate == ConnectionState::Fate::undecided) {
        c->held.emplace_back(e);
        return;
    }
    if (c) e.conn = c->id;
    if (holding_ > 0 || !staged_.empty()) {
        staged_.push_back({OwnedEvent(e)});
        flush_staged();
        return;
    }
    last_time_ = e.time;
    if (bytes) out_.append(e, std::move(*bytes));
    else out_.append(e);
}

void PacketImporter::flush_staged() {
    if (staged_.empty()) return;
    // Events before the first one still held back can go.
    SimTime limit = std::numeric_limits<SimTime>::max();
    if (holding_ > 0)
        for (const auto& [key, c] : live_)
            if (c->fate == ConnectionState::Fate::undecided && !c->held.empty()) limit = std::min(limit, c->held.front().time);
    size_t n = 0;
    while (n < staged_.size() && staged_[n].event.time < limit) {
        const Event e = staged_[n].event.view();
        last_time_ = std::max(last_time_, e.time);
        out_.append(e);
        ++n;
    }
    staged_.erase(staged_.begin(), staged_.begin() + static_cast<std::ptrdiff_t>(n));
}

void PacketImporter::skip_stale() {
    for (auto& [key, c] : live_)
        if (c->fate == ConnectionState::Fate::undecided && now_ - c->first_time > kUndecidedLimit) leave_out(*c);
}

void PacketImporter::finish() {
    for (auto& [key, c] : live_) end_connection(*c);
    live_.clear();
    holding_ = 0;
    flush_staged();
    // Hosts: each server of a mail protocol a mail server (its own "domain",
    // so each is a column), each client a user agent under the first server
    // it talked to; a client that also serves mail stays a mail server.
    std::map<std::string, size_t> index;
    auto add = [&](const std::string& name, const std::string& role, const std::string& domain) {
        auto [it, fresh] = index.try_emplace(name, out_.hosts.size());
        if (fresh) out_.hosts.push_back({name, role, domain, ""});
        else if (role == "mail-server" && out_.hosts[it->second].role != "mail-server")
            out_.hosts[it->second] = {name, role, domain, ""};
    };
    for (const auto& [client, server, protocol] : pairs_)
        add(server, protocol == "http" ? "server" : "mail-server", server);
    for (const auto& [client, server, protocol] : pairs_) {
        add(client, "user-agent", server);
        TraceLink l{client, server, 0};
        if (std::find(out_.links.begin(), out_.links.end(), l) == out_.links.end()) out_.links.push_back(l);
    }
}

Result<ImportResult> import_capture(const std::string& path, const ImportOptions& options, std::string_view memory) {
    CaptureFile file;
    const bool opened = memory.empty() ? file.open_path(path) : file.open_memory(memory);
    if (!opened) return Error{path, "not a capture that libpcap reads: " + file.error()};
    if (!known_link_type(file.link_type()))
        return Error{path, fmt::format("link type {} is not one mailsim reads (Ethernet, loopback, raw IP, Linux cooked)",
                                       file.link_type())};
    ImportResult r;
    const size_t slash = path.find_last_of('/');
    r.trace.source.name = slash == std::string::npos ? path : path.substr(slash + 1);
    std::uint64_t total = memory.size();
    if (memory.empty()) {
        std::error_code ec;
        total = std::filesystem::file_size(path, ec);
        if (ec) total = 0;
    }
    {
        PacketImporter importer(r.trace);
        std::uint64_t reported = 0;
        std::uint64_t packets = 0;
        while (auto p = file.next()) {
            importer.packet(p->time_us, file.link_type(), p->data);
            if (options.progress && (++packets & 255) == 0 && file.offset() - reported >= (1u << 20)) {
                reported = file.offset();
                if (!options.progress(reported, total)) {
                    r.cancelled = true;
                    break;
                }
            }
        }
        if (!file.error().empty()) {
            r.stopped = file.error();
            r.stopped_at = file.error_offset();
        }
        importer.finish();
        r.stats = importer.stats();
    }
    if (!r.stopped.empty() || r.cancelled) {
        Event e;
        e.time = r.trace.empty() ? 0 : r.trace.at(r.trace.size() - 1).time;
        e.kind = EventKind::note;
        e.verb = r.cancelled ? "cancelled" : "stopped";
        const std::string args = r.cancelled ? fmt::format("import cancelled at byte {}", file.offset())
                                             : fmt::format("the capture stops at byte {}: {}", r.stopped_at, r.stopped);
        e.args = args;
        e.key = r.cancelled ? "import.cancelled" : "import.stopped";
        const std::string detail = fmt::format(R"({{"offset":{}}})", r.cancelled ? file.offset() : r.stopped_at);
        e.detail = detail;
        r.trace.append(e);
    }
    if (options.progress) options.progress(total, total);
    return r;
}

}  // namespace mailsim::import
