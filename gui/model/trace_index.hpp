// trace_index.hpp — what the panels look up in a Trace, worked out once.
//
// A Trace can hold a million transcript lines; a panel must not walk it every
// frame. After a trace is loaded (or a scenario run) TraceIndex lists the
// connections with their transcript lines, and the events of each kind in
// order, so that "the lines of connection 3 up to the cursor" or "the next
// queue scan after the cursor" is a binary search. No ImGui here: tests read
// it without a window (tests/test_gui_model.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace.hpp"

namespace mailsim::gui {

// How a transcript line is drawn: commands, replies by class (2xx green,
// 3xx blue, 4xx amber, 5xx red), POP3's +OK/-ERR, message text, TCP events.
enum class LineClass : std::uint8_t { command, reply2, reply3, reply4, reply5, message, more, tcp };
LineClass reply_class(std::string_view protocol, std::string_view verb);

struct TranscriptLine {
    std::uint32_t seq = 0;     // the event it comes from
    std::uint32_t offset = 0;  // where in the event's bytes the line starts (more: lines left out)
    std::uint32_t length = 0;  // the line without CR LF
    LineClass cls = LineClass::command;
    bool from_client = true;   // "C:" or "S:"
    std::uint32_t conn = 0;
};

struct ConnectionInfo {
    std::uint32_t id = 0;
    std::string client, server;  // host names
    std::string protocol;        // "smtp", "pop3", ... (from its first bytes), "tcp" before
    std::string port;            // "port 25"
    std::uint32_t first_seq = 0, last_seq = 0;
    bool refused = false;
    std::vector<TranscriptLine> lines;  // in event order
};

class TraceIndex {
public:
    TraceIndex() = default;
    explicit TraceIndex(const Trace& trace, size_t message_lines = 12);

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

private:
    std::vector<ConnectionInfo> connections_;  // by id order
    std::vector<std::vector<std::uint32_t>> by_kind_;
    std::vector<std::uint32_t> arrows_;
    std::vector<TranscriptLine> all_lines_;
};

// The text of one transcript line (without "C: "), pointing into the trace.
std::string_view line_text(const Trace& trace, const TranscriptLine& line);

}  // namespace mailsim::gui
