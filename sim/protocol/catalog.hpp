// catalog.hpp — the tables of commands and replies that every protocol shares.
//
// Catalogs are data (DESIGN.md): one row per command and one per reply code,
// each with its RFC section and a text key. The words a student reads live in
// sim/text/en.json and sim/text/zh.json under these keys:
//   <key>          the explanation (a few sentences)
//   <key>.name     a short name ("Requested mail action okay, completed")
// The engines use these rows to annotate what they send, and the annotator of
// live and imported traces uses the same rows to label what it sees.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace mailsim::catalog {

// Where a command came from; RFC 821 is the course's list of 14.
enum class Origin { rfc821, rfc5321, esmtp_extension, rfc1939, rfc2449, rfc3501, rfc2177, http };

struct CommandRow {
    std::string_view protocol;  // "smtp", "pop3", "imap", "http"
    std::string_view verb;      // "MAIL"
    std::string_view syntax;    // "MAIL FROM:<reverse-path> [SP <mail-parameters>] CRLF"
    std::string_view rfc;       // "RFC 5321 §4.1.1.2"
    Origin origin;
    std::string_view key;       // "smtp.cmd.MAIL"
};

// How a reply went, the colour every view gives it (RFC 5321 §4.2.1's first
// digit: 1yz preliminary, 2yz completion, 3yz intermediate, 4yz transient
// failure, 5yz permanent failure). POP3's +OK and -ERR, IMAP's OK, NO, BAD,
// BYE and "+", and HTTP's status classes are put in the same five; a
// response code ("[UIDNEXT]") is part of a reply, not one, and has none.
enum class ReplyClass : std::uint8_t { none, preliminary, completion, intermediate, transient, permanent };

struct ReplyRow {
    std::string_view protocol;  // "smtp"
    std::string_view code;      // "250", or "+OK" / "-ERR" for POP3, "OK"/"NO"/"BAD" for IMAP
    std::string_view text;      // the usual reply text sent on the wire ("OK")
    std::string_view rfc;       // "RFC 5321 §4.2.2"
    bool in_rfc821;             // one of the 21 codes of RFC 821
    std::string_view key;       // "smtp.reply.250"
    ReplyClass cls;             // completion
};

std::span<const CommandRow> commands();
std::span<const ReplyRow> replies();

// Lookups are case-insensitive on the verb; nullptr when absent.
const CommandRow* find_command(std::string_view protocol, std::string_view verb);
const ReplyRow* find_reply(std::string_view protocol, std::string_view code);

// The class of a reply as a trace labels it (its verb: "550", "+OK", "NO",
// "FETCH", "4xx"): the catalog row's, or for a code no row lists (SMTP's 299,
// HTTP's 418) its first digit; none for anything that is not a reply.
ReplyClass reply_class(std::string_view protocol, std::string_view code);

}  // namespace mailsim::catalog
