// TEMPORARY stub until the catalog rows arrive.
#include <array>
#include "protocol/catalog.hpp"
namespace mailsim::catalog {
std::span<const CommandRow> smtp_command_rows() {
    static constexpr std::array<CommandRow, 15> rows{{
        {"smtp", "HELO", "HELO SP Domain CRLF", "RFC 5321 §4.1.1.1", Origin::rfc821, "smtp.cmd.HELO"},
        {"smtp", "EHLO", "EHLO SP Domain CRLF", "RFC 5321 §4.1.1.1", Origin::rfc5321, "smtp.cmd.EHLO"},
        {"smtp", "MAIL", "MAIL FROM:<reverse-path> [SP mail-parameters] CRLF", "RFC 5321 §4.1.1.2", Origin::rfc821, "smtp.cmd.MAIL"},
        {"smtp", "RCPT", "RCPT TO:<forward-path> [SP rcpt-parameters] CRLF", "RFC 5321 §4.1.1.3", Origin::rfc821, "smtp.cmd.RCPT"},
        {"smtp", "DATA", "DATA CRLF", "RFC 5321 §4.1.1.4", Origin::rfc821, "smtp.cmd.DATA"},
        {"smtp", "RSET", "RSET CRLF", "RFC 5321 §4.1.1.5", Origin::rfc821, "smtp.cmd.RSET"},
        {"smtp", "SEND", "SEND FROM:<reverse-path> CRLF", "RFC 821 §4.1.1", Origin::rfc821, "smtp.cmd.SEND"},
        {"smtp", "SOML", "SOML FROM:<reverse-path> CRLF", "RFC 821 §4.1.1", Origin::rfc821, "smtp.cmd.SOML"},
        {"smtp", "SAML", "SAML FROM:<reverse-path> CRLF", "RFC 821 §4.1.1", Origin::rfc821, "smtp.cmd.SAML"},
        {"smtp", "VRFY", "VRFY SP String CRLF", "RFC 5321 §4.1.1.6", Origin::rfc821, "smtp.cmd.VRFY"},
        {"smtp", "EXPN", "EXPN SP String CRLF", "RFC 5321 §4.1.1.7", Origin::rfc821, "smtp.cmd.EXPN"},
        {"smtp", "HELP", "HELP [SP String] CRLF", "RFC 5321 §4.1.1.8", Origin::rfc821, "smtp.cmd.HELP"},
        {"smtp", "NOOP", "NOOP [SP String] CRLF", "RFC 5321 §4.1.1.9", Origin::rfc821, "smtp.cmd.NOOP"},
        {"smtp", "QUIT", "QUIT CRLF", "RFC 5321 §4.1.1.10", Origin::rfc821, "smtp.cmd.QUIT"},
        {"smtp", "TURN", "TURN CRLF", "RFC 821 §4.1.1", Origin::rfc821, "smtp.cmd.TURN"},
    }};
    return rows;
}
std::span<const ReplyRow> smtp_reply_rows() {
    static constexpr std::array<ReplyRow, 2> rows{{
        {"smtp", "250", "Requested mail action okay, completed", "RFC 5321 §4.2.2", true, "smtp.reply.250"},
        {"smtp", "550", "Requested action not taken: mailbox unavailable", "RFC 5321 §4.2.2", true, "smtp.reply.550"},
    }};
    return rows;
}
}
