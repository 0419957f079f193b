// smtp_catalog.cpp — SMTP's commands and reply codes as data.
//
// RFC 821 (the 14 commands and 21 reply codes of the course), RFC 5321
// (EHLO, 252, 555 and today's wording), RFC 1870 (SIZE), RFC 6152
// (8BITMIME), RFC 2920 (PIPELINING), RFC 2034 and RFC 3463 (enhanced status
// codes). The explanations are in sim/text/{en,zh}.json under each row's
// key; `mailsim explain` and the GUI show them, and the annotator of live
// and imported traces labels what it sees with these rows.
#include <array>

#include "protocol/catalog.hpp"

namespace mailsim::catalog {

namespace {

constexpr std::array<CommandRow, 17> kSmtpCommands{{
    {"smtp", "HELO", "HELO SP Domain CRLF", "RFC 5321 §4.1.1.1 (RFC 821 §4.1.1)", Origin::rfc821, "smtp.cmd.HELO"},
    {"smtp", "EHLO", "EHLO SP ( Domain / address-literal ) CRLF", "RFC 5321 §4.1.1.1", Origin::rfc5321, "smtp.cmd.EHLO"},
    {"smtp", "MAIL", "MAIL FROM:<reverse-path> [SP mail-parameters] CRLF", "RFC 5321 §4.1.1.2 (RFC 821 §4.1.1)",
     Origin::rfc821, "smtp.cmd.MAIL"},
    {"smtp", "RCPT", "RCPT TO:<forward-path> [SP rcpt-parameters] CRLF", "RFC 5321 §4.1.1.3 (RFC 821 §4.1.1)",
     Origin::rfc821, "smtp.cmd.RCPT"},
    {"smtp", "DATA", "DATA CRLF", "RFC 5321 §4.1.1.4 (RFC 821 §4.1.1)", Origin::rfc821, "smtp.cmd.DATA"},
    {"smtp", "RSET", "RSET CRLF", "RFC 5321 §4.1.1.5 (RFC 821 §4.1.1)", Origin::rfc821, "smtp.cmd.RSET"},
    {"smtp", "SEND", "SEND FROM:<reverse-path> CRLF", "RFC 821 §4.1.1", Origin::rfc821, "smtp.cmd.SEND"},
    {"smtp", "SOML", "SOML FROM:<reverse-path> CRLF", "RFC 821 §4.1.1", Origin::rfc821, "smtp.cmd.SOML"},
    {"smtp", "SAML", "SAML FROM:<reverse-path> CRLF", "RFC 821 §4.1.1", Origin::rfc821, "smtp.cmd.SAML"},
    {"smtp", "VRFY", "VRFY SP String CRLF", "RFC 5321 §4.1.1.6 (RFC 821 §4.1.1)", Origin::rfc821, "smtp.cmd.VRFY"},
    {"smtp", "EXPN", "EXPN SP String CRLF", "RFC 5321 §4.1.1.7 (RFC 821 §4.1.1)", Origin::rfc821, "smtp.cmd.EXPN"},
    {"smtp", "HELP", "HELP [SP String] CRLF", "RFC 5321 §4.1.1.8 (RFC 821 §4.1.1)", Origin::rfc821, "smtp.cmd.HELP"},
    {"smtp", "NOOP", "NOOP [SP String] CRLF", "RFC 5321 §4.1.1.9 (RFC 821 §4.1.1)", Origin::rfc821, "smtp.cmd.NOOP"},
    {"smtp", "QUIT", "QUIT CRLF", "RFC 5321 §4.1.1.10 (RFC 821 §4.1.1)", Origin::rfc821, "smtp.cmd.QUIT"},
    {"smtp", "TURN", "TURN CRLF", "RFC 821 §4.1.1", Origin::rfc821, "smtp.cmd.TURN"},
    {"smtp", "STARTTLS", "STARTTLS CRLF", "RFC 3207 §4", Origin::esmtp_extension, "smtp.cmd.STARTTLS"},
    {"smtp", "AUTH", "AUTH SP mechanism [SP initial-response] CRLF", "RFC 4954 §4", Origin::esmtp_extension, "smtp.cmd.AUTH"},
}};

constexpr std::array<ReplyRow, 27> kSmtpReplies{{
    {"smtp", "211", "System status, or system help reply", "RFC 5321 §4.2.2", true, "smtp.reply.211", ReplyClass::completion},
    {"smtp", "214", "Help message", "RFC 5321 §4.2.2", true, "smtp.reply.214", ReplyClass::completion},
    {"smtp", "220", "<domain> Service ready", "RFC 5321 §4.2.2", true, "smtp.reply.220", ReplyClass::completion},
    {"smtp", "221", "<domain> Service closing transmission channel", "RFC 5321 §4.2.2", true, "smtp.reply.221", ReplyClass::completion},
    {"smtp", "250", "Requested mail action okay, completed", "RFC 5321 §4.2.2", true, "smtp.reply.250", ReplyClass::completion},
    {"smtp", "251", "User not local; will forward to <forward-path>", "RFC 5321 §4.2.2", true, "smtp.reply.251", ReplyClass::completion},
    {"smtp", "252", "Cannot VRFY user, but will accept message and attempt delivery", "RFC 5321 §4.2.2", false,
     "smtp.reply.252", ReplyClass::completion},
    {"smtp", "354", "Start mail input; end with <CRLF>.<CRLF>", "RFC 5321 §4.2.2", true, "smtp.reply.354", ReplyClass::intermediate},
    {"smtp", "421", "<domain> Service not available, closing transmission channel", "RFC 5321 §4.2.2", true,
     "smtp.reply.421", ReplyClass::transient},
    {"smtp", "450", "Requested mail action not taken: mailbox unavailable", "RFC 5321 §4.2.2", true, "smtp.reply.450", ReplyClass::transient},
    {"smtp", "451", "Requested action aborted: local error in processing", "RFC 5321 §4.2.2", true, "smtp.reply.451", ReplyClass::transient},
    {"smtp", "452", "Requested action not taken: insufficient system storage", "RFC 5321 §4.2.2", true,
     "smtp.reply.452", ReplyClass::transient},
    {"smtp", "500", "Syntax error, command unrecognized", "RFC 5321 §4.2.2", true, "smtp.reply.500", ReplyClass::permanent},
    {"smtp", "501", "Syntax error in parameters or arguments", "RFC 5321 §4.2.2", true, "smtp.reply.501", ReplyClass::permanent},
    {"smtp", "502", "Command not implemented", "RFC 5321 §4.2.2", true, "smtp.reply.502", ReplyClass::permanent},
    {"smtp", "503", "Bad sequence of commands", "RFC 5321 §4.2.2", true, "smtp.reply.503", ReplyClass::permanent},
    {"smtp", "504", "Command parameter not implemented", "RFC 5321 §4.2.2", true, "smtp.reply.504", ReplyClass::permanent},
    {"smtp", "550", "Requested action not taken: mailbox unavailable", "RFC 5321 §4.2.2", true, "smtp.reply.550", ReplyClass::permanent},
    {"smtp", "551", "User not local; please try <forward-path>", "RFC 5321 §4.2.2", true, "smtp.reply.551", ReplyClass::permanent},
    {"smtp", "552", "Requested mail action aborted: exceeded storage allocation", "RFC 5321 §4.2.2", true,
     "smtp.reply.552", ReplyClass::permanent},
    {"smtp", "553", "Requested action not taken: mailbox name not allowed", "RFC 5321 §4.2.2", true,
     "smtp.reply.553", ReplyClass::permanent},
    {"smtp", "554", "Transaction failed (or, in a greeting: No SMTP service here)", "RFC 5321 §4.2.2", true,
     "smtp.reply.554", ReplyClass::permanent},
    {"smtp", "555", "MAIL FROM/RCPT TO parameters not recognized or not implemented", "RFC 5321 §4.2.2", false,
     "smtp.reply.555", ReplyClass::permanent},
    {"smtp", "235", "2.7.0 Authentication successful", "RFC 4954 §6", false, "smtp.reply.235", ReplyClass::completion},
    {"smtp", "334", "base64 server challenge", "RFC 4954 §4", false, "smtp.reply.334", ReplyClass::intermediate},
    {"smtp", "530", "5.7.0 Authentication required", "RFC 4954 §6", false, "smtp.reply.530", ReplyClass::permanent},
    {"smtp", "535", "5.7.8 Authentication credentials invalid", "RFC 4954 §6", false, "smtp.reply.535", ReplyClass::permanent},
}};

}  // namespace

std::span<const CommandRow> smtp_command_rows() { return kSmtpCommands; }
std::span<const ReplyRow> smtp_reply_rows() { return kSmtpReplies; }

}  // namespace mailsim::catalog
