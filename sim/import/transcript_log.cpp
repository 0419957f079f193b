// transcript_log.cpp — swaks and curl -v lines → connections, units, times.
#include "import/transcript_log.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "protocol/annotate.hpp"

namespace mailsim::import {

namespace {

struct Line {
    size_t number = 0;          // from 1
    std::optional<SimTime> at;  // curl --trace-time
    std::string_view text;      // without the time and the line end
};

// "12:34:56.789012 " at the start of a curl --trace-time line: microseconds since midnight.
std::optional<SimTime> trace_time(std::string_view& s) {
    if (s.size() < 16 || s[2] != ':' || s[5] != ':' || s[8] != '.' || s[15] != ' ') return std::nullopt;
    SimTime v[4] = {};
    const size_t starts[4] = {0, 3, 6, 9}, lens[4] = {2, 2, 2, 6};
    for (int i = 0; i < 4; ++i)
        for (size_t k = 0; k < lens[i]; ++k) {
            const char c = s[starts[i] + k];
            if (!ascii_digit(c)) return std::nullopt;
            v[i] = v[i] * 10 + (c - '0');
        }
    s.remove_prefix(16);
    return ((v[0] * 60 + v[1]) * 60 + v[2]) * kSecond + v[3];
}

std::vector<Line> split(std::string_view text) {
    std::vector<Line> out;
    size_t n = 0;
    for (size_t pos = 0; pos < text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view s = text.substr(pos, end - pos);
        if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
        Line l;
        l.number = ++n;
        l.at = trace_time(s);
        l.text = s;
        out.push_back(l);
        pos = end + 1;
    }
    return out;
}

enum class Mark { none, client, server, tls_client, tls_server, info };

// swaks's marks (ptrans in swaks: " ->", "<- ", " ~>", "<~ ", "**>", "<**", "*~>", "<~*", "===", "***").
Mark swaks_mark(std::string_view s, std::string_view& rest) {
    if (s.size() < 4 && !(s.size() == 3 && (s == " ->" || s == " ~>"))) return Mark::none;
    const std::string_view m = s.substr(0, 3);
    rest = s.size() > 4 ? s.substr(4) : std::string_view{};
    if (m == " ->" || m == "**>") return Mark::client;
    if (m == " ~>" || m == "*~>") return Mark::tls_client;
    if (m == "<- " || m == "<**") return Mark::server;
    if (m == "<~ " || m == "<~*") return Mark::tls_server;
    if (m == "===" || m == "***") return Mark::info;
    return Mark::none;
}

// curl -v: "> ", "< ", "* " (a bare ">" or "<" is an empty line).
Mark curl_mark(std::string_view s, std::string_view& rest) {
    if (s == ">" || s == "<") {
        rest = {};
        return s == ">" ? Mark::client : Mark::server;
    }
    if (s.size() < 2 || s[1] != ' ') return Mark::none;
    rest = s.substr(2);
    switch (s[0]) {
    case '>': return Mark::client;
    case '<': return Mark::server;
    case '*': case '{': case '}': return Mark::info;
    default: return Mark::none;
    }
}

// The server's greeting or the client's first line says the protocol.
std::string protocol_of(std::string_view client_first, std::string_view server_first) {
    if (server_first.starts_with("220")) return "smtp";
    if (server_first.starts_with("+OK")) return "pop3";
    if (server_first.starts_with("* OK") || server_first.starts_with("* PREAUTH")) return "imap";
    for (std::string_view m : {"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH "})
        if (client_first.starts_with(m)) return "http";
    if (server_first.starts_with("HTTP/")) return "http";
    return "smtp";
}

// The word after `marker` up to a space, '.', '(' or end: "Connected to mx.test." → "mx.test".
std::string word_after(std::string_view s, std::string_view marker) {
    const size_t at = s.find(marker);
    if (at == std::string_view::npos) return {};
    s.remove_prefix(at + marker.size());
    size_t end = 0;
    while (end < s.size() && s[end] != ' ' && s[end] != '(' && s[end] != '\r') ++end;
    std::string_view w = s.substr(0, end);
    while (!w.empty() && w.back() == '.') w.remove_suffix(1);
    return std::string(w);
}

class LogBuilder {
public:
    LogBuilder(Trace& t, std::string client) : trace_(t), client_(std::move(client)) {}

    void open(const std::string& server, const std::string& port) {
        close("FIN");
        server_ = server.empty() ? "server" : server;
        ++conn_;
        open_ = true;
        protocol_.clear();
        pending_.clear();
        Event e = event(EventKind::connect, true);
        const std::string args = port.empty() ? std::string() : "port " + port;
        e.args = args;
        append(e);
        add_pair();
    }
    void line(bool from_client, std::string_view text) {
        if (!open_) open("", "");
        std::string wire(text);
        wire += "\r\n";
        if (!annotator_) {
            // The first lines wait until the protocol is known (the server's
            // greeting, or an HTTP request).
            pending_.emplace_back(from_client, std::move(wire));
            if (from_client && !protocol_of(text, {}).starts_with("http")) return;
            start_annotator();
            return;
        }
        feed(from_client, wire);
    }
    void tls(std::string_view what) {
        if (!open_) return;
        Event e = event(EventKind::note, false);
        e.protocol = "tls";
        e.verb = "TLS";
        e.args = what;
        e.key = "import.log.tls";
        append(e);
        if (annotator_) {
            // The protocol starts again inside TLS, after the greeting (RFC 3207 §4.2).
            flush_units();
            annotator_.emplace(protocol_);
            annotator_->observe(Direction::to_client, {}, {}, {});
        }
    }
    // curl's "} [101 bytes data]": bytes it sent or read and did not print.
    void unshown(bool from_client, std::string_view what) {
        if (!open_) return;
        Event e = event(EventKind::note, from_client);
        e.dir = from_client ? Direction::to_server : Direction::to_client;
        e.verb = "data";
        e.args = what;
        e.key = "import.log.unshown";
        append(e);
    }
    void close(std::string_view why) {
        if (!open_) return;
        if (!annotator_ && !pending_.empty()) start_annotator();
        flush_units();
        Event e = event(EventKind::close, true);
        e.dir = Direction::to_server;
        e.args = why;
        append(e);
        open_ = false;
        annotator_.reset();
    }
    void at(SimTime t) {
        if (t > now_) now_ = t;
    }
    bool open_now() const { return open_; }

    std::vector<std::pair<std::string, std::string>> pairs;  // (client, server): hosts and links
    std::string protocol_;

private:
    Event event(EventKind kind, bool by_client) {
        Event e;
        e.time = now_;
        e.kind = kind;
        e.conn = conn_;
        e.host = by_client ? client_ : server_;
        e.peer = by_client ? server_ : client_;
        e.protocol = "tcp";
        return e;
    }
    void append(const Event& e) { trace_.append(e); }
    void add_pair() {
        for (const auto& p : pairs)
            if (p.second == server_) return;
        pairs.emplace_back(client_, server_);
    }
    void start_annotator() {
        std::string_view c, s;  // the first line each way
        for (const auto& [fc, w] : pending_) {
            if (fc && c.empty()) c = w;
            if (!fc && s.empty()) s = w;
        }
        protocol_ = protocol_of(c, s);
        annotator_.emplace(protocol_);
        auto waiting = std::move(pending_);
        pending_.clear();
        for (const auto& [fc, w] : waiting) feed(fc, w);
    }
    void feed(bool from_client, std::string_view wire) {
        const Direction dir = from_client ? Direction::to_server : Direction::to_client;
        for (auto& u : annotator_->feed(dir, wire)) unit(u);
    }
    void flush_units() {
        if (!annotator_) return;
        for (Direction d : {Direction::to_server, Direction::to_client})
            for (auto& u : annotator_->finish(d)) unit(u);
    }
    void unit(const protocol::Unit& u) {
        const bool client = u.a.dir == Direction::to_server;
        Event e = event(EventKind::bytes, client);
        e.dir = u.a.dir;
        e.protocol = protocol_;
        e.verb = u.a.verb;
        e.args = u.a.args;
        e.key = u.a.key;
        e.bytes = u.bytes;
        append(e);
    }

    Trace& trace_;
    std::string client_, server_ = "server";
    std::uint32_t conn_ = 0;
    bool open_ = false;
    SimTime now_ = 0;
    std::optional<protocol::Annotator> annotator_;
    std::vector<std::pair<bool, std::string>> pending_;
};

}  // namespace

LogKind detect_log(std::string_view text) {
    int swaks = 0, curl = 0, swaks_sent = 0, curl_sent = 0;
    const auto lines = split(text.substr(0, 64 * 1024));
    for (size_t i = 0; i < lines.size() && i < 400; ++i) {
        std::string_view s = lines[i].text, rest;
        if (s.starts_with("=== Trying ") || s.starts_with("=== Connected to ")) swaks += 4;
        if (s.starts_with("*   Trying ") || s.starts_with("* Connected to ")) curl += 4;
        switch (swaks_mark(s, rest)) {
        case Mark::client: case Mark::tls_client: ++swaks_sent; break;
        case Mark::server: case Mark::tls_server: ++swaks; break;
        default: break;
        }
        switch (curl_mark(s, rest)) {
        case Mark::client: ++curl_sent; break;
        case Mark::server: ++curl; break;
        default: break;
        }
    }
    if (swaks_sent > 0 && swaks > 0 && swaks >= curl) return LogKind::swaks;
    if (curl_sent > 0 && curl > 0) return LogKind::curl;
    return LogKind::none;
}

Result<ImportResult> import_log(std::string_view text, const std::string& name) {
    const LogKind kind = detect_log(text);
    if (kind == LogKind::none) return Error{name, "not a swaks or curl -v transcript: no lines marked as sent and received"};
    ImportResult r;
    r.format = kind == LogKind::swaks ? "swaks" : "curl";
    Trace& t = r.trace;
    t.source.kind = "import";
    t.source.clock = "capture";
    t.source.name = name;
    LogBuilder b(t, r.format);
    std::optional<SimTime> first_time;
    SimTime day = 0, last_clock = 0, lapse_base = 0;
    std::string port;  // swaks: from "=== Trying HOST:PORT..." 
    for (const Line& l : split(text)) {
        if (l.at) {  // curl --trace-time: past midnight the clock starts again
            if (!first_time) first_time = *l.at;
            if (*l.at < last_clock) day += kDay;
            last_clock = *l.at;
            b.at(day + *l.at - *first_time);
        }
        std::string_view rest;
        const Mark m = kind == LogKind::swaks ? swaks_mark(l.text, rest) : curl_mark(l.text, rest);
        switch (m) {
        case Mark::client:
        case Mark::tls_client: b.line(true, rest); break;
        case Mark::server:
        case Mark::tls_server: b.line(false, rest); break;
        case Mark::info:
            if (kind == LogKind::swaks) {
                if (rest.starts_with("Trying ")) {
                    // "=== Trying 127.0.0.1:2525..." gives the port; "Connected to" opens.
                    std::string target = word_after(rest, "Trying ");
                    while (!target.empty() && target.back() == '.') target.pop_back();
                    const size_t colon = target.rfind(':');
                    port = colon == std::string::npos ? std::string() : target.substr(colon + 1);
                } else if (rest.starts_with("Connected to ")) {
                    b.open(word_after(rest, "Connected to "), port);
                } else if (rest.starts_with("TLS started")) {
                    b.tls(rest);
                } else if (rest.starts_with("Connection closed")) {
                    b.close("FIN");
                } else if (rest.starts_with("response in ")) {
                    // --show-time-lapse: the reply came this long after the command.
                    double seconds = 0;
                    if (std::sscanf(std::string(rest.substr(12)).c_str(), "%lf", &seconds) == 1 && seconds >= 0 && seconds < 1e9) {
                        lapse_base += static_cast<SimTime>(seconds * kSecond);
                        b.at(lapse_base);
                    }
                }
            } else {
                if ((l.text.starts_with("} [") || l.text.starts_with("{ [")) && rest.ends_with(" data]")) {
                    b.unshown(l.text[0] == '}', rest);
                } else if (rest.starts_with("Connected to ")) {
                    b.open(word_after(rest, "Connected to "), word_after(rest, ") port "));
                } else if (rest.starts_with("SSL connection using ")) {
                    b.tls(rest);
                } else if (rest.starts_with("Closing connection") || rest.find("left intact") != std::string_view::npos) {
                    b.close("FIN");
                }
            }
            break;
        case Mark::none: break;
        }
    }
    b.close("FIN");
    for (const auto& pair : b.pairs) {
        const std::string& server = pair.second;  // (a lambda cannot name a structured binding in clang 14)
        const bool known = std::any_of(t.hosts.begin(), t.hosts.end(), [&](const TraceHost& h) { return h.name == server; });
        if (!known) t.hosts.push_back({server, b.protocol_ == "http" ? "server" : "mail-server", server, ""});
    }
    if (!b.pairs.empty()) {
        t.hosts.push_back({b.pairs.front().first, "user-agent", b.pairs.front().second, ""});
        for (const auto& [client, server] : b.pairs) t.links.push_back({client, server, 0});
    }
    r.stats.mail_connections = b.pairs.size();
    return r;
}

}  // namespace mailsim::import
