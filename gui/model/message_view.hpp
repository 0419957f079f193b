// message_view.hpp — the message the Message panel shows: the selected
// message text, or the last one sent before the cursor, with its envelope.
//
// The envelope (MAIL FROM, RCPT TO) is what the SMTP commands on the same
// connection said; the content (header + body) is the DATA text, dot-
// stuffing undone. A POP3 RETR answer gives the content without envelope.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/trace.hpp"
#include "model/trace_index.hpp"

namespace mailsim::gui {

struct MessageAtCursor {
    std::uint32_t seq = 0;          // the event that carried it
    std::string raw;                // the message as stored: CRLF lines, unstuffed
    std::string mail_from;          // "" for a bounce's null sender, or when unknown
    std::vector<std::string> rcpt_to;
    std::string carried_by;         // "#3 smtp alice-pc → mail.crepes.fr"
};

// The message text carried by one event, if it carries one.
std::optional<std::string> message_text(const Event& e);

std::optional<MessageAtCursor> message_at(const Trace& trace, const TraceIndex& index, size_t cursor,
                                          std::optional<std::uint32_t> selected);

}  // namespace mailsim::gui
