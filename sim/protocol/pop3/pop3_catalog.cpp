// pop3_catalog.cpp — POP3's commands and its two responses as data.
// RFC 1939 (POP3) and RFC 2449 (CAPA). Texts: sim/text/{en,zh}.json.
#include <array>

#include "protocol/catalog.hpp"

namespace mailsim::catalog {

namespace {

constexpr std::array<CommandRow, 14> kPop3Commands{{
    {"pop3", "USER", "USER SP name CRLF", "RFC 1939 §7", Origin::rfc1939, "pop3.cmd.USER"},
    {"pop3", "PASS", "PASS SP string CRLF", "RFC 1939 §7", Origin::rfc1939, "pop3.cmd.PASS"},
    {"pop3", "APOP", "APOP SP name SP digest CRLF", "RFC 1939 §7", Origin::rfc1939, "pop3.cmd.APOP"},
    {"pop3", "STAT", "STAT CRLF", "RFC 1939 §5", Origin::rfc1939, "pop3.cmd.STAT"},
    {"pop3", "LIST", "LIST [SP msg] CRLF", "RFC 1939 §5", Origin::rfc1939, "pop3.cmd.LIST"},
    {"pop3", "RETR", "RETR SP msg CRLF", "RFC 1939 §5", Origin::rfc1939, "pop3.cmd.RETR"},
    {"pop3", "DELE", "DELE SP msg CRLF", "RFC 1939 §5", Origin::rfc1939, "pop3.cmd.DELE"},
    {"pop3", "NOOP", "NOOP CRLF", "RFC 1939 §5", Origin::rfc1939, "pop3.cmd.NOOP"},
    {"pop3", "RSET", "RSET CRLF", "RFC 1939 §5", Origin::rfc1939, "pop3.cmd.RSET"},
    {"pop3", "TOP", "TOP SP msg SP n CRLF", "RFC 1939 §7", Origin::rfc1939, "pop3.cmd.TOP"},
    {"pop3", "UIDL", "UIDL [SP msg] CRLF", "RFC 1939 §7", Origin::rfc1939, "pop3.cmd.UIDL"},
    {"pop3", "QUIT", "QUIT CRLF", "RFC 1939 §4, §6", Origin::rfc1939, "pop3.cmd.QUIT"},
    {"pop3", "CAPA", "CAPA CRLF", "RFC 2449 §5", Origin::rfc2449, "pop3.cmd.CAPA"},
    {"pop3", "STLS", "STLS CRLF", "RFC 2595 §4", Origin::rfc2449, "pop3.cmd.STLS"},
}};

constexpr std::array<ReplyRow, 2> kPop3Replies{{
    {"pop3", "+OK", "+OK [text]", "RFC 1939 §3", false, "pop3.reply.OK", ReplyClass::completion},
    {"pop3", "-ERR", "-ERR [text]", "RFC 1939 §3", false, "pop3.reply.ERR", ReplyClass::permanent},
}};

}  // namespace

std::span<const CommandRow> pop3_command_rows() { return kPop3Commands; }
std::span<const ReplyRow> pop3_reply_rows() { return kPop3Replies; }

}  // namespace mailsim::catalog
