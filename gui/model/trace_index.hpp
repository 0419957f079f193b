// trace_index.hpp — what the panels look up in a Trace, worked out once.
//
// A Trace can hold a million transcript lines; a panel must not walk it every
// frame. TraceIndex lists the connections with their transcript lines, the
// events of each kind in order, and the events that carry a message, so that
// "the lines of connection 3 up to the cursor" or "the next queue scan after
// the cursor" is a binary search. It grows with its trace from a high-water
// mark. What a line is (command, reply class, message text) comes from the
// annotator in sim/protocol, never from parsing here. No ImGui here: tests
// read it without a window (tests/test_gui_model.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace.hpp"
#include "protocol/annotate.hpp"

namespace mailsim::gui {

// How a transcript line is drawn: commands, replies by class (2xx green,
// 3xx blue, 4xx amber, 5xx red; the annotator puts POP3, IMAP and HTTP
// replies in the same classes), message text, TCP events.
enum class LineClass : std::uint8_t { command, reply2, reply3, reply4, reply5, message, more, tcp };
LineClass line_class(catalog::ReplyClass c);

struct TranscriptLine {
    std::uint32_t seq = 0;     // the event it comes from
    std::uint32_t offset = 0;  // where in the event's bytes the line starts (more: lines left out)
    std::uint32_t length = 0;  // the line without CR LF
    LineClass cls = LineClass::command;
    bool from_client = true;   // "C:" or "S:"
    std::uint32_t conn = 0;
    bool operator==(const TranscriptLine&) const = default;
};

struct ConnectionInfo {
    std::uint32_t id = 0;
    std::string client, server;  // host names
    std::string protocol;        // "smtp", "pop3", ... (from its first bytes), "tcp" before
    std::string port;            // "port 25"
    std::uint32_t first_seq = 0, last_seq = 0;
    bool refused = false;
    std::vector<TranscriptLine> lines;  // in event order
    bool operator==(const ConnectionInfo&) const = default;
};

// An event that carries a message (DATA text, a RETR answer, a BODY[]
// literal), where in its bytes, and the envelope it went under.
struct CarriedMessage {
    std::uint32_t seq = 0;
    protocol::Carried where;
};

class TraceIndex {
public:
    TraceIndex() = default;
    explicit TraceIndex(const Trace& trace, size_t message_lines = 12);

    // Takes in the events appended since the last call (a trace that grows:
    // a live session, a running World): the index then equals one built
    // whole from the same events.
    void extend(const Trace& trace);
    size_t indexed() const { return indexed_; }

    const std::vector<ConnectionInfo>& connections() const { return connections_; }
    const ConnectionInfo* connection(std::uint32_t id) const;
    // Connections that have begun before `cursor` (events [0, cursor) shown).
    size_t connections_begun(size_t cursor) const;
    // Lines of `c` whose events are before the cursor.
    static size_t lines_before(const ConnectionInfo& c, size_t cursor);
    size_t total_lines() const { return all_lines_.size(); }
    // Every connection's lines, in event order (the transcript's "all" tab).
    const std::vector<TranscriptLine>& all_lines() const { return all_lines_; }
    static size_t lines_before(const std::vector<TranscriptLine>& lines, size_t cursor);

    // Events of a kind, in order; and the first at or after / last before a position.
    const std::vector<std::uint32_t>& of_kind(EventKind k) const { return by_kind_[static_cast<size_t>(k)]; }
    std::optional<std::uint32_t> next_of(EventKind k, size_t from) const;
    std::optional<std::uint32_t> prev_of(EventKind k, size_t before) const;

    // Events drawn as arrows between hosts (bytes, connect, accept, refuse, close, dns).
    const std::vector<std::uint32_t>& arrows() const { return arrows_; }
    // How an event is coloured: its first line's class for bytes, tcp for the rest.
    LineClass event_class(std::uint32_t seq) const { return seq < classes_.size() ? classes_[seq] : LineClass::tcp; }

    // Events that carry a message, in order, as the annotator found them.
    const std::vector<CarriedMessage>& messages() const { return messages_; }
    const CarriedMessage* message(std::uint32_t seq) const;

private:
    void add(const Event& e);
    void add_lines(ConnectionInfo& c, const Event& e, const protocol::Annotation& a);

    size_t message_lines_ = 12;
    size_t indexed_ = 0;  // events taken in: the high-water mark
    std::vector<ConnectionInfo> connections_;  // by id order
    std::vector<std::optional<protocol::Annotator>> annotators_;  // one a connection, once its protocol is known
    std::map<std::uint32_t, size_t> slot_;     // connection id → position in connections_
    std::vector<std::vector<std::uint32_t>> by_kind_ = std::vector<std::vector<std::uint32_t>>(kEventKindNames.size());
    std::vector<std::uint32_t> arrows_;
    std::vector<LineClass> classes_;  // by seq
    std::vector<TranscriptLine> all_lines_;
    std::vector<CarriedMessage> messages_;
};

// The text of one transcript line (without "C: "), pointing into the trace.
std::string_view line_text(const Trace& trace, const TranscriptLine& line);

}  // namespace mailsim::gui
