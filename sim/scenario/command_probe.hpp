// command_probe.hpp — "type your own command": what the simulated server
// would answer a line a student types at some point of an SMTP session.
//
// The answer comes from the server's own engine (protocol/smtp/server_session)
// with that host's own policy (agents/smtp_receiver: its users, lists,
// settings, the scenario's reply overrides and faults), never from a table of
// canned replies. To have the engine in the state it had at the cursor:
//
//   1. the scenario is built afresh and run until the step that accepts the
//      connection (the run is deterministic: same events, same ids), with the
//      override rules' use counts as they were just before that step;
//   2. a fresh server engine is made for the connection, as the World makes
//      one, and fed every byte the client sent on it before the cursor;
//   3. then each typed line, in order; the replies to those are returned.
//
// It is a side exploration: the Trace is not touched and nothing a typed
// line does (a stored message, a used override) reaches the recorded run.
//
// Not exact where other connections ran at the same time as this one: their
// effects between the accept and the cursor (a message they stored) are not
// in the probe's world. Only SMTP (ports 25 and 587); not a session after TURN.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/trace.hpp"
#include "protocol/catalog.hpp"
#include "scenario/scenario.hpp"
#include "text/text.hpp"

namespace mailsim::scenario {

// One reply the engine sent to a typed line (one whole reply, every line of a multi-line one).
struct ProbeReply {
    std::string bytes;       // exact wire bytes
    std::string code;        // "250", "503", ...
    std::string key;         // the catalog's text key, "smtp.reply.250"
    catalog::ReplyClass cls = catalog::ReplyClass::none;
};

struct ProbeAnswer {
    std::string typed;             // the line as typed (sent with CRLF)
    std::string state_before, state_after;  // the engine's states, e.g. "Mail" → "Rcpt"
    bool reading_text = false;     // the server took the line as message text (after DATA's 354): no reply yet
    bool closed = false;           // the server had closed the session (after 221 or 421): the line went nowhere
    std::vector<ProbeReply> replies;
};

struct ProbeResult {
    // "" when the probe ran; else a text key saying why it cannot ("probe.error.not_smtp", ...).
    std::string error_key;
    text::Params error_params;
    std::vector<ProbeAnswer> answers;  // one per typed line
};

// The answers of `connection`'s server to `typed` lines, after the client's
// bytes of trace[0, cursor). The trace must be the one `s` produces.
ProbeResult probe_smtp_commands(const Scenario& s, const Trace& trace, size_t cursor, std::uint32_t connection,
                                const std::vector<std::string>& typed);

}  // namespace mailsim::scenario
