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

struct ReplyRow {
    std::string_view protocol;  // "smtp"
    std::string_view code;      // "250", or "+OK" / "-ERR" for POP3, "OK"/"NO"/"BAD" for IMAP
    std::string_view text;      // the usual reply text sent on the wire ("OK")
    std::string_view rfc;       // "RFC 5321 §4.2.2"
    bool in_rfc821;             // one of the 21 codes of RFC 821
    std::string_view key;       // "smtp.reply.250"
};

std::span<const CommandRow> commands();
std::span<const ReplyRow> replies();

// Lookups are case-insensitive on the verb; nullptr when absent.
const CommandRow* find_command(std::string_view protocol, std::string_view verb);
const ReplyRow* find_reply(std::string_view protocol, std::string_view code);

}  // namespace mailsim::catalog
