// redact.hpp — credentials taken out of a recorded unit, for traces and
// handouts that a class passes around.
//
// One rule for every source of a trace: live mode (sim/live) and the
// simulation (agents::World) both record a command through here, so a
// password reads "[redacted]" the same way everywhere, and the event's
// detail says {"redacted":true}. What goes over the wire is never changed,
// only what is recorded.
//
// Redacted: POP3 PASS's argument and APOP's digest; IMAP LOGIN's user and
// password and AUTHENTICATE's initial response; SMTP AUTH's initial
// response (and, when the word after AUTH or AUTHENTICATE is no mechanism's
// name, everything after the command: a client that left the mechanism
// out sent its credentials there); every line answering a 334 or "+" challenge (keys
// smtp.auth.response, imap.auth.response); HTTP: the values of a Cookie
// field, the value of a Set-Cookie field's cookie, and a form's password
// fields (application/x-www-form-urlencoded), with Content-Length made to
// match the body as recorded so the recorded unit still parses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::protocol {

inline constexpr std::string_view kRedacted = "[redacted]";

// The words of a command line, without its line end (split at spaces and tabs).
std::vector<std::string_view> command_words(std::string_view line);

// The unit's bytes with its secrets replaced, or nullopt when it carries
// none. `protocol` is "smtp", "pop3", "imap" or "http"; `verb` and `key` are
// the unit's labels (annotate.hpp, or an engine's Outgoing); `from_client`
// by protocol role.
std::optional<std::string> redact_secrets(std::string_view protocol, std::string_view verb, std::string_view key,
                                          std::string_view bytes, bool from_client);

}  // namespace mailsim::protocol
