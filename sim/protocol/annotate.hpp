// annotate.hpp — one connection's bytes → the commands and replies they are.
//
// The simulation's engines label what they send (a catalog row's verb and
// key). Bytes that no engine of ours produced — a real server in live mode, a
// real client in serve mode, a captured stream — are labelled here, from the
// same catalogs, so that every view explains them alike (DESIGN.md). The
// views use it for recorded traces too: the class of a reply (its colour)
// and "this unit carries a message, and under which envelope" come from
// here, never from a panel's own parsing.
//
// An Annotator follows one connection. Fed the bytes of each direction in
// the order they were seen, it cuts them into units — one command, one whole
// reply (every line of a multi-line one), the message text of DATA, a POP3
// answer with its lines, an IMAP response with its literals, an HTTP message
// with its body — and labels each as the simulator's engines would:
//
//   SMTP  RFC 5321 §4.1 (commands), §4.2 (replies, "250-" continuation lines),
//         §4.5.2 (text ends at <CRLF>.<CRLF>); RFC 821 §4.1.1 TURN swaps roles;
//         RFC 4954 §4 (lines after 334 answer the AUTH challenge)
//   POP3  RFC 1939 §3 (+OK/-ERR; multi-line answers to RETR, TOP, CAPA and
//         argument-less LIST and UIDL end with a line of ".")
//   IMAP  RFC 3501 §2.2 (tagged and untagged responses, continuation "+"),
//         §4.3 literals {n} (a client's waits for "+"; {n+} of RFC 7888 not)
//   HTTP  RFC 9112 §6 (bodies framed by Content-Length, chunked, or close)
//
// Units arrive whole or in any pieces: the result does not depend on how the
// bytes were cut. Bytes are untrusted; nothing here grows without bound
// except the unit being gathered, which the caller's limits cap.
//
// Not done: SMTP BDAT (RFC 3030), POP3 SASL continuations, IMAP's COMPRESS,
// anything after STARTTLS/STLS (the caller restarts the annotator on the
// decrypted stream, or shows records).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "protocol/catalog.hpp"

namespace mailsim::protocol {

// A message that a unit carries (SMTP's DATA text, a POP3 RETR answer, an
// IMAP BODY[] literal, an HTTP message/rfc822 body): where it lies in the
// unit's bytes, and whether its lines are dot-stuffed there.
struct Carried {
    size_t offset = 0, length = 0;
    bool dot_stuffed = false;
    // SMTP: the transaction's envelope (RFC 5321 §2.3.1): MAIL FROM's
    // reverse-path, and each RCPT TO's forward-path with the reply code it got.
    bool has_envelope = false;
    std::string mail_from;
    std::vector<std::pair<std::string, std::string>> rcpt_to;  // (address, "250")
};

// The message's text as its sender wrote it: stuffed dots removed, the
// final "." line left out.
std::string carried_text(std::string_view unit_bytes, const Carried& c);

struct Annotation {
    size_t size = 0;               // bytes of the unit
    Direction dir = Direction::none;
    bool from_client = true;       // by protocol role: after TURN the client answers
    std::string verb;              // "MAIL", "250", "+OK", "FETCH", "" for message text
    std::string_view key;          // "smtp.cmd.MAIL", "smtp.reply.250", "smtp.message"; static storage
    std::string args;              // what a transcript shows after the verb
    catalog::ReplyClass cls = catalog::ReplyClass::none;  // replies only
    // The lines after the first are content, not more of the reply: a POP3
    // listing or message, an IMAP literal, an HTTP message's fields and body.
    bool body_follows = false;
    std::optional<Carried> message;
};

// A unit cut from raw bytes, with its bytes.
struct Unit {
    std::string bytes;
    Annotation a;
};

// What a trace shows as a unit's arguments: the rest of its first line
// after the verb (IMAP: after the tag or "* n"), or for text its size.
std::string unit_args(std::string_view bytes, std::string_view verb);

// How a reply line a teacher typed (an override: "550 5.1.1 No such user
// here", "-ERR locked") is labelled, as an answer in the middle of a session.
Annotation annotate_reply(std::string_view protocol, std::string_view line);

class Annotator {
public:
    // protocol: "smtp", "pop3", "imap", "http"; anything else gives one
    // unlabelled unit per line.
    explicit Annotator(std::string_view protocol);
    ~Annotator();
    Annotator(Annotator&&) noexcept;
    Annotator& operator=(Annotator&&) noexcept;

    const std::string& protocol() const;

    // Bytes as they arrived in one direction; the units they complete, in order.
    std::vector<Unit> feed(Direction dir, std::string_view bytes);
    // That direction closed: an HTTP body read until the close is complete,
    // and whatever else is held comes out as one last unit labelled by what
    // it starts with (a line cut off), so no byte is lost.
    std::vector<Unit> finish(Direction dir);
    // Bytes held in `dir` that are not yet a whole unit (with those given to hold()).
    size_t pending(Direction dir) const;
    std::string_view pending_bytes(Direction dir) const;
    // Bytes as they arrived, kept behind the unit being gathered without
    // looking at them yet; the next feed() (an empty one will do) cuts them.
    // The importer gathers a large unit in place so, not in a second buffer.
    void hold(Direction dir, std::string_view bytes);

    // A unit already cut and labelled (a recorded trace): its class, role and
    // what it carries, keeping the session's state in step. Labels are
    // taken as given.
    Annotation observe(Direction dir, std::string_view bytes, std::string_view verb, std::string_view key);

    struct State;  // per protocol, in annotate.cpp

private:
    // Cuts the units that `buf` holds whole into `out`; returns what is left.
    // When buf is `owner`'s text, a large unit at its start takes owner's
    // buffer rather than a copy, and owner keeps what follows the unit.
    std::string_view cut(Direction dir, std::string_view buf, bool closing, std::vector<Unit>& out, std::string* owner = nullptr);

    std::unique_ptr<State> state_;
};

}  // namespace mailsim::protocol
