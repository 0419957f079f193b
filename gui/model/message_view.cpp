// message_view.cpp — finding the message at the cursor and its envelope.
#include "model/message_view.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "protocol/line_framer.hpp"

namespace mailsim::gui {

namespace {

// Lines after the first `skip`, unstuffed, up to the terminating ".".
std::string unstuff(std::string_view b, size_t skip) {
    std::string out;
    size_t pos = 0, n = 0;
    while (pos < b.size()) {
        size_t nl = b.find('\n', pos);
        size_t end = nl == std::string_view::npos ? b.size() : nl;
        std::string_view line = b.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = nl == std::string_view::npos ? b.size() : nl + 1;
        if (n++ < skip) continue;
        if (line == ".") break;
        out += protocol::dot_unstuff(line);
        out += "\r\n";
    }
    return out;
}

std::string between_angles(std::string_view args) {
    auto a = args.find('<'), b = args.find('>', a == std::string_view::npos ? 0 : a);
    if (a == std::string_view::npos || b == std::string_view::npos) return std::string(args);
    return std::string(args.substr(a + 1, b - a - 1));
}

}  // namespace

std::optional<std::string> message_text(const Event& e) {
    if (e.kind != EventKind::bytes) return std::nullopt;
    if (e.dir == Direction::to_server && e.protocol == "smtp" && e.key == "smtp.message") return unstuff(e.bytes, 0);
    if (e.dir == Direction::to_client && e.protocol == "pop3" && e.verb == "+OK" && e.bytes.find("\r\n.\r\n") != std::string_view::npos &&
        e.bytes.find(':') < e.bytes.find("\r\n.\r\n")) {
        // A RETR (or TOP) answer: "+OK n octets", then the message.
        std::string body = unstuff(e.bytes, 1);
        if (body.find(':') != std::string::npos && body.find(':') < body.find("\r\n")) return body;
    }
    if (e.dir == Direction::to_client && e.protocol == "imap" && e.verb == "FETCH") {
        // "* 1 FETCH (UID 1 BODY[] {538}" CRLF, then the whole message as a literal.
        for (std::string_view item : {"BODY[] {", "RFC822 {"}) {
            const size_t at = e.bytes.find(item);
            if (at == std::string_view::npos) continue;
            size_t n = 0, i = at + item.size();
            while (i < e.bytes.size() && e.bytes[i] >= '0' && e.bytes[i] <= '9' && n < (1u << 30))
                n = n * 10 + static_cast<size_t>(e.bytes[i++] - '0');
            if (e.bytes.compare(i, 3, "}\r\n") != 0 || i + 3 + n > e.bytes.size()) continue;
            return std::string(e.bytes.substr(i + 3, n));
        }
    }
    return std::nullopt;
}

std::optional<MessageAtCursor> message_at(const Trace& trace, const TraceIndex& index, size_t cursor,
                                          std::optional<std::uint32_t> selected) {
    std::optional<std::uint32_t> found;
    if (selected && *selected < cursor && message_text(trace.at(*selected))) found = selected;
    for (size_t i = std::min(cursor, trace.size()); !found && i-- > 0;) {
        const Event e = trace.at(i);
        if (e.kind == EventKind::bytes && message_text(e)) found = static_cast<std::uint32_t>(i);
    }
    if (!found) return std::nullopt;
    const Event e = trace.at(*found);
    MessageAtCursor m;
    m.seq = *found;
    m.raw = *message_text(e);
    if (const ConnectionInfo* c = index.connection(e.conn)) {
        m.carried_by = fmt::format("#{} {} {} → {}", c->id, c->protocol, c->client, c->server);
        // The envelope of this transaction: MAIL and RCPT since the last MAIL before it.
        std::vector<std::string> rcpts;
        for (const auto& line : c->lines) {
            if (line.seq >= m.seq) break;
            if (!line.from_client || line.offset != 0 || line.cls != LineClass::command) continue;
            const Event ce = trace.at(line.seq);
            if (ce.protocol != "smtp") continue;
            if (iequals(ce.verb, "MAIL")) {
                m.mail_from = between_angles(ce.args);
                rcpts.clear();
            } else if (iequals(ce.verb, "RCPT")) {
                rcpts.push_back(between_angles(ce.args));
            }
        }
        m.rcpt_to = std::move(rcpts);
    }
    return m;
}

}  // namespace mailsim::gui
