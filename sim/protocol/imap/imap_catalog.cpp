// imap_catalog.cpp — IMAP's commands, responses, untagged data and response
// codes as data. RFC 3501 (IMAP4rev1) and RFC 2177 (IDLE). Texts:
// sim/text/{en,zh}.json. Untagged data and response codes are ReplyRows:
// data under their name ("FETCH"), codes in brackets ("[UIDVALIDITY]").
#include <array>

#include "protocol/catalog.hpp"

namespace mailsim::catalog {

namespace {

constexpr std::array<CommandRow, 29> kImapCommands{{
    {"imap", "CAPABILITY", "tag SP CAPABILITY CRLF", "RFC 3501 §6.1.1", Origin::rfc3501, "imap.cmd.CAPABILITY"},
    {"imap", "NOOP", "tag SP NOOP CRLF", "RFC 3501 §6.1.2", Origin::rfc3501, "imap.cmd.NOOP"},
    {"imap", "LOGOUT", "tag SP LOGOUT CRLF", "RFC 3501 §6.1.3", Origin::rfc3501, "imap.cmd.LOGOUT"},
    {"imap", "AUTHENTICATE", "tag SP AUTHENTICATE SP auth-type [SP initial-response] CRLF *(base64 CRLF)",
     "RFC 3501 §6.2.2", Origin::rfc3501, "imap.cmd.AUTHENTICATE"},
    {"imap", "LOGIN", "tag SP LOGIN SP userid SP password CRLF", "RFC 3501 §6.2.3", Origin::rfc3501, "imap.cmd.LOGIN"},
    {"imap", "SELECT", "tag SP SELECT SP mailbox CRLF", "RFC 3501 §6.3.1", Origin::rfc3501, "imap.cmd.SELECT"},
    {"imap", "EXAMINE", "tag SP EXAMINE SP mailbox CRLF", "RFC 3501 §6.3.2", Origin::rfc3501, "imap.cmd.EXAMINE"},
    {"imap", "CREATE", "tag SP CREATE SP mailbox CRLF", "RFC 3501 §6.3.3", Origin::rfc3501, "imap.cmd.CREATE"},
    {"imap", "DELETE", "tag SP DELETE SP mailbox CRLF", "RFC 3501 §6.3.4", Origin::rfc3501, "imap.cmd.DELETE"},
    {"imap", "RENAME", "tag SP RENAME SP mailbox SP mailbox CRLF", "RFC 3501 §6.3.5", Origin::rfc3501, "imap.cmd.RENAME"},
    {"imap", "SUBSCRIBE", "tag SP SUBSCRIBE SP mailbox CRLF", "RFC 3501 §6.3.6", Origin::rfc3501, "imap.cmd.SUBSCRIBE"},
    {"imap", "UNSUBSCRIBE", "tag SP UNSUBSCRIBE SP mailbox CRLF", "RFC 3501 §6.3.7", Origin::rfc3501,
     "imap.cmd.UNSUBSCRIBE"},
    {"imap", "LIST", "tag SP LIST SP reference SP list-mailbox CRLF", "RFC 3501 §6.3.8", Origin::rfc3501, "imap.cmd.LIST"},
    {"imap", "LSUB", "tag SP LSUB SP reference SP list-mailbox CRLF", "RFC 3501 §6.3.9", Origin::rfc3501, "imap.cmd.LSUB"},
    {"imap", "STATUS", "tag SP STATUS SP mailbox SP \"(\" status-att *(SP status-att) \")\" CRLF", "RFC 3501 §6.3.10",
     Origin::rfc3501, "imap.cmd.STATUS"},
    {"imap", "APPEND", "tag SP APPEND SP mailbox [SP flag-list] [SP date-time] SP literal CRLF", "RFC 3501 §6.3.11",
     Origin::rfc3501, "imap.cmd.APPEND"},
    {"imap", "CHECK", "tag SP CHECK CRLF", "RFC 3501 §6.4.1", Origin::rfc3501, "imap.cmd.CHECK"},
    {"imap", "CLOSE", "tag SP CLOSE CRLF", "RFC 3501 §6.4.2", Origin::rfc3501, "imap.cmd.CLOSE"},
    {"imap", "EXPUNGE", "tag SP EXPUNGE CRLF", "RFC 3501 §6.4.3", Origin::rfc3501, "imap.cmd.EXPUNGE"},
    {"imap", "SEARCH", "tag SP SEARCH [SP CHARSET SP astring] 1*(SP search-key) CRLF", "RFC 3501 §6.4.4",
     Origin::rfc3501, "imap.cmd.SEARCH"},
    {"imap", "FETCH", "tag SP FETCH SP sequence-set SP (ALL / FULL / FAST / fetch-att / \"(\" fetch-att *(SP fetch-att) \")\") CRLF",
     "RFC 3501 §6.4.5", Origin::rfc3501, "imap.cmd.FETCH"},
    {"imap", "STORE", "tag SP STORE SP sequence-set SP [+/-]FLAGS[.SILENT] SP flag-list CRLF", "RFC 3501 §6.4.6",
     Origin::rfc3501, "imap.cmd.STORE"},
    {"imap", "COPY", "tag SP COPY SP sequence-set SP mailbox CRLF", "RFC 3501 §6.4.7", Origin::rfc3501, "imap.cmd.COPY"},
    {"imap", "UID", "tag SP UID SP (COPY / FETCH / SEARCH / STORE) ... CRLF", "RFC 3501 §6.4.8", Origin::rfc3501,
     "imap.cmd.UID"},
    {"imap", "IDLE", "tag SP IDLE CRLF", "RFC 2177 §3", Origin::rfc2177, "imap.cmd.IDLE"},
    {"imap", "DONE", "DONE CRLF", "RFC 2177 §3", Origin::rfc2177, "imap.cmd.DONE"},
    {"imap", "STARTTLS", "tag SP STARTTLS CRLF", "RFC 3501 §6.2.1", Origin::rfc3501, "imap.cmd.STARTTLS"},
    {"imap", "ID", "tag SP ID SP (\"(\" string SP nstring *(SP string SP nstring) \")\" / NIL) CRLF", "RFC 2971 §3.1",
     Origin::rfc3501, "imap.cmd.ID"},
    {"imap", "NAMESPACE", "tag SP NAMESPACE CRLF", "RFC 2342 §5", Origin::rfc3501, "imap.cmd.NAMESPACE"},
}};

constexpr std::array<ReplyRow, 27> kImapReplies{{
    // Status responses (§7.1) and the continuation request (§7.5)
    {"imap", "OK", "tag OK [code] text", "RFC 3501 §7.1.1", false, "imap.reply.OK", ReplyClass::completion},
    {"imap", "NO", "tag NO [code] text", "RFC 3501 §7.1.2", false, "imap.reply.NO", ReplyClass::transient},
    {"imap", "BAD", "tag BAD [code] text", "RFC 3501 §7.1.3", false, "imap.reply.BAD", ReplyClass::permanent},
    {"imap", "PREAUTH", "* PREAUTH [code] text", "RFC 3501 §7.1.4", false, "imap.reply.PREAUTH", ReplyClass::completion},
    {"imap", "BYE", "* BYE [code] text", "RFC 3501 §7.1.5", false, "imap.reply.BYE", ReplyClass::intermediate},
    {"imap", "+", "+ text", "RFC 3501 §7.5", false, "imap.reply.continue", ReplyClass::intermediate},
    // Untagged data (§7.2–§7.4)
    {"imap", "CAPABILITY", "* CAPABILITY IMAP4rev1 ...", "RFC 3501 §7.2.1", false, "imap.data.CAPABILITY", ReplyClass::completion},
    {"imap", "LIST", "* LIST (attributes) \"/\" name", "RFC 3501 §7.2.2", false, "imap.data.LIST", ReplyClass::completion},
    {"imap", "LSUB", "* LSUB (attributes) \"/\" name", "RFC 3501 §7.2.3", false, "imap.data.LSUB", ReplyClass::completion},
    {"imap", "STATUS", "* STATUS name (MESSAGES n ...)", "RFC 3501 §7.2.4", false, "imap.data.STATUS", ReplyClass::completion},
    {"imap", "SEARCH", "* SEARCH n n ...", "RFC 3501 §7.2.5", false, "imap.data.SEARCH", ReplyClass::completion},
    {"imap", "FLAGS", "* FLAGS (flags)", "RFC 3501 §7.2.6", false, "imap.data.FLAGS", ReplyClass::completion},
    {"imap", "EXISTS", "* n EXISTS", "RFC 3501 §7.3.1", false, "imap.data.EXISTS", ReplyClass::completion},
    {"imap", "RECENT", "* n RECENT", "RFC 3501 §7.3.2", false, "imap.data.RECENT", ReplyClass::completion},
    {"imap", "EXPUNGE", "* n EXPUNGE", "RFC 3501 §7.4.1", false, "imap.data.EXPUNGE", ReplyClass::completion},
    {"imap", "FETCH", "* n FETCH (items)", "RFC 3501 §7.4.2", false, "imap.data.FETCH", ReplyClass::completion},
    {"imap", "ID", "* ID (\"name\" \"value\" ...)", "RFC 2971 §3.2", false, "imap.data.ID", ReplyClass::completion},
    {"imap", "NAMESPACE", "* NAMESPACE personal other shared", "RFC 2342 §5", false, "imap.data.NAMESPACE", ReplyClass::completion},
    // Response codes (§7.1)
    {"imap", "[ALERT]", "[ALERT] text", "RFC 3501 §7.1", false, "imap.code.ALERT", ReplyClass::none},
    {"imap", "[CAPABILITY]", "[CAPABILITY IMAP4rev1 ...]", "RFC 3501 §7.1", false, "imap.code.CAPABILITY", ReplyClass::none},
    {"imap", "[PERMANENTFLAGS]", "[PERMANENTFLAGS (flags)]", "RFC 3501 §7.1", false, "imap.code.PERMANENTFLAGS", ReplyClass::none},
    {"imap", "[READ-ONLY]", "[READ-ONLY]", "RFC 3501 §7.1", false, "imap.code.READ-ONLY", ReplyClass::none},
    {"imap", "[READ-WRITE]", "[READ-WRITE]", "RFC 3501 §7.1", false, "imap.code.READ-WRITE", ReplyClass::none},
    {"imap", "[TRYCREATE]", "[TRYCREATE]", "RFC 3501 §7.1", false, "imap.code.TRYCREATE", ReplyClass::none},
    {"imap", "[UIDNEXT]", "[UIDNEXT n]", "RFC 3501 §7.1", false, "imap.code.UIDNEXT", ReplyClass::none},
    {"imap", "[UIDVALIDITY]", "[UIDVALIDITY n]", "RFC 3501 §7.1", false, "imap.code.UIDVALIDITY", ReplyClass::none},
    {"imap", "[UNSEEN]", "[UNSEEN n]", "RFC 3501 §7.1", false, "imap.code.UNSEEN", ReplyClass::none},
}};

}  // namespace

std::span<const CommandRow> imap_command_rows() { return kImapCommands; }
std::span<const ReplyRow> imap_reply_rows() { return kImapReplies; }

}  // namespace mailsim::catalog
