// transcript.cpp — one event, one or more lines of text.
#include "view/transcript.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "protocol/catalog.hpp"

namespace mailsim::view {

namespace {

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kCyan = "\x1b[36m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kBlue = "\x1b[34m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kMagenta = "\x1b[35m";
constexpr const char* kBold = "\x1b[1m";

// The GUI colours a reply by the same class (gui/model/trace_index.cpp).
const char* reply_colour(catalog::ReplyClass c) {
    switch (c) {
        case catalog::ReplyClass::preliminary:
        case catalog::ReplyClass::completion: return kGreen;
        case catalog::ReplyClass::intermediate: return kBlue;
        case catalog::ReplyClass::transient: return kYellow;
        case catalog::ReplyClass::permanent: return kRed;
        case catalog::ReplyClass::none: break;
    }
    return kReset;
}

// Whether a line can go to a terminal as it is: valid UTF-8 without control
// characters (a tab aside). An attachment's bytes in an HTTP response or an
// IMAP literal are not, and are counted instead of printed.
bool printable_line(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
            ++i;
            continue;
        }
        const size_t n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) return false;  // a C1 control (CSI is U+009B)
        i += n;
    }
    return true;
}

}  // namespace

std::string visible(std::string_view s) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    auto escape = [&](unsigned char c) {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 0xF];
    };
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t') || c == 0x7F) escape(c);
            else out += static_cast<char>(c);
            ++i;
            continue;
        }
        const size_t n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        bool ok = n != 0 && i + n <= s.size();
        for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        // C1 controls (U+0080 to U+009F) act on terminals too: CSI is U+009B.
        if (ok && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) ok = false;
        if (!ok) {
            escape(c);
            ++i;
            continue;
        }
        out.append(s.data() + i, n);
        i += n;
    }
    return out;
}

namespace {

std::string paint(const TranscriptOptions& o, const char* colour, std::string_view s) {
    if (!o.color) return std::string(s);
    return fmt::format("{}{}{}", colour, s, kReset);
}

std::string label(const TranscriptOptions& o, std::string_view key) { return text::get(o.lang, key); }

std::string time_col(const Event& e) { return fmt::format("{:>10}", format_seconds(e.time)); }

// "[3] " for an event on connection 3, "" otherwise.
std::string conn_col(const Event& e) { return e.conn ? fmt::format("[{}] ", e.conn) : std::string(); }

// Wire bytes → display lines, without their CRLF.
std::vector<std::string_view> split_lines(std::string_view bytes) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < bytes.size()) {
        size_t lf = bytes.find('\n', i);
        size_t end = lf == std::string_view::npos ? bytes.size() : lf;
        std::string_view line = bytes.substr(i, end - i);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        i = lf == std::string_view::npos ? bytes.size() : lf + 1;
    }
    return out;
}

// An event's text in the language asked. A trace records its texts in
// English (args); a language with a template "event.<key>" fills it from
// the event's detail (its strings and numbers, lists of strings joined,
// times in seconds) and host. When the template names something the detail
// lacks, or there is none, the English text stays.
std::string event_text(const Event& e, const TranscriptOptions& o) {
    if (o.lang == text::Lang::en || e.key.empty() || e.detail.empty()) return std::string(e.args);
    const std::string key = "event." + std::string(e.key);
    const auto tmpl = text::find(o.lang, key);
    if (!tmpl) return std::string(e.args);
    const auto j = nlohmann::json::parse(e.detail, nullptr, false);
    if (!j.is_object()) return std::string(e.args);
    text::Params params;
    params.emplace_back("host", std::string(e.host));
    params.emplace_back("peer", std::string(e.peer));
    for (const auto& [name, v] : j.items()) {
        std::string value;
        if (v.is_string()) value = v.get<std::string>();
        else if (v.is_number_integer() && (name == "next_attempt" || name == "arrived")) value = format_seconds(v.get<SimTime>());
        else if (v.is_number_integer()) value = std::to_string(v.get<std::int64_t>());
        else if (v.is_boolean()) value = v.get<bool>() ? "true" : "false";
        else if (v.is_array()) {
            for (const auto& x : v) {
                if (!x.is_string()) {
                    value.clear();
                    break;
                }
                value += (value.empty() ? "" : ", ") + x.get<std::string>();
            }
            if (value.empty()) continue;
        } else {
            continue;
        }
        params.emplace_back(std::string_view(name), std::move(value));  // (the name lives in j)
    }
    // Every {placeholder} must be filled, or the English text stays.
    for (size_t i = tmpl->find('{'); i != std::string_view::npos; i = tmpl->find('{', i + 1)) {
        const size_t close = tmpl->find('}', i);
        if (close == std::string_view::npos) break;
        const std::string_view name = tmpl->substr(i + 1, close - i - 1);
        if (std::none_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name; }))
            return std::string(e.args);
    }
    return text::get(o.lang, key, params);
}

}  // namespace

std::string format_event(const Event& e, const TranscriptOptions& o) {
    std::string t = time_col(e);
    std::string c = conn_col(e);
    // A trace from a file, or a peer, can put any byte here: none reaches the terminal raw.
    const std::string host = visible(e.host), peer = visible(e.peer), args = visible(e.kind == EventKind::bytes ? std::string(e.args) : event_text(e, o));
    switch (e.kind) {
        case EventKind::connect:
            return fmt::format("{}  {}{}\n", t, c,
                               paint(o, kDim, fmt::format("{} → {} {} ({})", host, peer, label(o, "cli.connect"), args)));
        case EventKind::accept:
            return {};
        case EventKind::refuse:
            return fmt::format("{}  {}{}\n", t, c,
                               paint(o, kYellow, fmt::format("{} {}: {}", host, label(o, "cli.refuse"), args)));
        case EventKind::close:
            return fmt::format("{}  {}{}\n", t, c,
                               paint(o, kDim, fmt::format("{} {}{}", host, label(o, "cli.close"),
                                                          args == "FIN" ? "" : " — " + std::string(args))));
        case EventKind::bytes: {
            // C: and S: name the protocol roles, which TURN can swap on one
            // connection; the annotation says which; else the direction does.
            bool client = e.key.find(".reply.") != std::string_view::npos   ? false
                          : e.key.find(".cmd.") != std::string_view::npos ||
                                  e.key == "smtp.message"                   ? true
                                                                            : e.dir == Direction::to_server;
            std::string who = client ? "C:" : "S:";
            auto lines = split_lines(e.bytes);
            std::string out;
            // Message text, and the answers that carry it (POP3's RETR, IMAP's
            // FETCH, an HTTP response with its body), show their first lines.
            bool message = e.key == "smtp.message" || e.protocol == "pop3" || e.protocol == "imap" || e.protocol == "http";
            size_t shown = message && lines.size() > o.message_lines + 1 ? o.message_lines : lines.size();
            const char* colour = client ? kCyan : reply_colour(catalog::reply_class(e.protocol, e.verb));
            for (size_t i = 0; i < shown; ++i) {
                if (!printable_line(lines[i])) {  // binary from here on: say how much
                    const size_t rest = e.bytes.size() - static_cast<size_t>(lines[i].data() - e.bytes.data());
                    out += fmt::format("{}  {}{} {}\n", i == 0 ? t : std::string(10, ' '), c, paint(o, kBold, who),
                                       paint(o, kDim, text::get(o.lang, "cli.binary_bytes", {{"n", std::to_string(rest)}})));
                    return out;
                }
                out += fmt::format("{}  {}{} {}\n", i == 0 ? t : std::string(10, ' '), c, paint(o, kBold, who),
                                   paint(o, colour, lines[i]));
            }
            if (shown < lines.size()) {
                out += fmt::format("{}  {}{} {}\n", std::string(10, ' '), c, paint(o, kBold, who),
                                   paint(o, kDim, text::get(o.lang, "cli.more_lines",
                                                            {{"n", std::to_string(lines.size() - shown - 1)}})));
                out += fmt::format("{}  {}{} {}\n", std::string(10, ' '), c, paint(o, kBold, who),
                                   paint(o, colour, visible(lines.back())));
            }
            return out;
        }
        case EventKind::dns:
            return fmt::format("{}  {}\n", t,
                               paint(o, kMagenta, fmt::format("{} DNS {} {}", host,
                                                              e.key == "dns.query.mx" ? "MX?" : "→", args)));
        case EventKind::state_change:
            if (!o.states) return {};
            return fmt::format("{}  {}{}\n", t, c,
                               paint(o, kDim, fmt::format("{} {} {}: {}", host, e.protocol, label(o, "cli.state"), args)));
        case EventKind::queue_enqueue:
        case EventKind::queue_scan:
        case EventKind::queue_defer:
            return fmt::format("{}  {}\n", t,
                               paint(o, e.kind == EventKind::queue_defer ? kYellow : kBlue,
                                     fmt::format("{} {}: {}", host, label(o, std::string("cli.") + std::string(to_string(e.kind))), args)));
        case EventKind::delivery:
            return fmt::format("{}  {}\n", t, paint(o, kGreen, fmt::format("{} {}: {}", host, label(o, "cli.delivery"), args)));
        case EventKind::bounce:
            return fmt::format("{}  {}\n", t, paint(o, kRed, fmt::format("{} {}: {}", host, label(o, "cli.bounce"), args)));
        case EventKind::notice:
            return fmt::format("{}  {}\n", t, paint(o, kMagenta, fmt::format("{} {}: {}", host, label(o, "cli.notice"), args)));
        case EventKind::fault:
            return fmt::format("{}  {}\n", t, paint(o, kYellow, fmt::format("{}: {}", label(o, "cli.fault"), args)));
        case EventKind::note:
            return fmt::format("{}  {}{}\n", t, c, paint(o, kDim, fmt::format("{}: {}", host, args)));
    }
    return {};
}

namespace {

// A string field of an event's detail object, or "".
std::string detail_string(const Event& e, const char* key) {
    if (e.detail.empty()) return {};
    const auto j = nlohmann::json::parse(e.detail, nullptr, false);
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

Outcome summarize(const Trace& trace) {
    Outcome o;
    std::set<std::string> queued;                 // "host/queue id" of messages in a queue
    std::map<std::string, std::string> mail_of;   // "host/queue id" → Message-ID
    struct Fate {
        bool delivered = false, failed = false, in_outbox = false;
    };
    std::map<std::string, Fate> mails;            // Message-ID of each mail written → what became of it
    auto fate = [&](const std::string& id) -> Fate* {
        auto it = mails.find(id);
        return it == mails.end() ? nullptr : &it->second;
    };
    for (size_t i = 0; i < trace.size(); ++i) {
        Event e = trace.at(i);
        const std::string qkey = std::string(e.host) + "/" + std::string(e.verb);
        switch (e.kind) {
            case EventKind::delivery:
                ++o.delivered;
                if (Fate* f = fate(detail_string(e, "message_id"))) f->delivered = true;
                break;
            case EventKind::bounce:
                ++o.bounces;
                if (auto it = mail_of.find(qkey); it != mail_of.end())
                    if (Fate* f = fate(it->second)) f->failed = true;
                break;
            case EventKind::queue_defer: ++o.deferrals; break;
            case EventKind::connect: ++o.connections; break;
            case EventKind::queue_enqueue: {
                queued.insert(qkey);
                std::string id = detail_string(e, "message_id");
                if (Fate* f = fate(id)) f->in_outbox = false;
                mail_of[qkey] = std::move(id);
                break;
            }
            case EventKind::notice:
                if (e.key == "agent.ua.refused") {
                    ++o.refused;
                    if (Fate* f = fate(detail_string(e, "message_id"))) f->failed = true;
                } else if (e.key == "agent.notice.terminal") {  // RFC 821 SEND: shown on the user's terminal
                    if (Fate* f = fate(detail_string(e, "message_id"))) f->delivered = true;
                }
                break;
            case EventKind::note:
                if (e.key == "agent.queue.done") queued.erase(qkey);
                else if (e.key == "agent.compose") mails.emplace(detail_string(e, "message_id"), Fate{});
                else if (e.key == "agent.ua.retry") {
                    const auto j = nlohmann::json::parse(e.detail, nullptr, false);
                    if (j.is_object() && j.contains("message_ids") && j["message_ids"].is_array())
                        for (const auto& id : j["message_ids"])
                            if (id.is_string())
                                if (Fate* f = fate(id.get<std::string>())) f->in_outbox = true;
                }
                break;
            default: break;
        }
        if (e.key == "agent.bounce.expired" || e.key == "agent.bounce.dropped") queued.erase(qkey);
    }
    o.still_queued = queued.size();
    std::set<std::string> queued_mails;
    for (const auto& k : queued)
        if (auto it = mail_of.find(k); it != mail_of.end()) queued_mails.insert(it->second);
    o.mails_sent = mails.size();
    for (const auto& [id, f] : mails) {
        if (f.in_outbox || queued_mails.count(id)) ++o.mails_queued;
        else if (f.failed) ++o.mails_bounced;
        else if (f.delivered) ++o.mails_delivered;
        else ++o.mails_lost;
    }
    return o;
}

std::string format_summary(const Outcome& s, const TranscriptOptions& o) {
    return text::get(o.lang, "cli.summary",
                     {{"delivered", std::to_string(s.delivered)},
                      {"bounces", std::to_string(s.bounces)},
                      {"deferrals", std::to_string(s.deferrals)},
                      {"queued", std::to_string(s.still_queued)},
                      {"connections", std::to_string(s.connections)}}) +
           "\n" +
           // No user agent wrote mail (a serve, live or imported session, where
           // real clients did): the line would only count zeros.
           (s.mails_sent == 0 ? std::string{}
                              : text::get(o.lang, "cli.summary_mails",
                                          {{"sent", std::to_string(s.mails_sent)},
                                           {"delivered", std::to_string(s.mails_delivered)},
                                           {"bounced", std::to_string(s.mails_bounced)},
                                           {"queued", std::to_string(s.mails_queued)},
                                           {"refused", std::to_string(s.refused)}}) +
                                    "\n") +
           (s.mails_lost == 0 ? std::string{}
                              : text::get(o.lang, "cli.summary_lost", {{"lost", std::to_string(s.mails_lost)}}) + "\n");
}

}  // namespace mailsim::view
