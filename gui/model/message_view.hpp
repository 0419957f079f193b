// message_view.hpp — the message the Message panel shows: the selected
// message text, or the last one sent before the cursor, with its envelope.
//
// The envelope (MAIL FROM, RCPT TO and the reply each RCPT got) is what the
// SMTP commands on the same connection said; the content (header + body) is
// the DATA text, dot-stuffing undone. A POP3 RETR answer or an IMAP BODY[]
// literal gives the content without an envelope. The trace index knows which
// events carry one (from sim/protocol's annotator).
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
    bool has_envelope = false;      // carried by SMTP, so MAIL FROM and RCPT TO are known
    std::string mail_from;          // "" for a bounce's null sender, or when unknown
    std::vector<std::string> rcpt_to;
    std::vector<std::string> rcpt_replies;  // the reply code each RCPT TO got: "250", "550"
    std::string carried_by;         // "#3 smtp alice-pc → mail.crepes.fr"
};

std::optional<MessageAtCursor> message_at(const Trace& trace, const TraceIndex& index, size_t cursor,
                                          std::optional<std::uint32_t> selected);

}  // namespace mailsim::gui
