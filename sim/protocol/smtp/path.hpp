// path.hpp — the arguments of MAIL and RCPT: reverse-path, forward-path and
// ESMTP parameters (RFC 5321 §4.1.2).
//
//   Reverse-path = Path / "<>"
//   Forward-path = Path
//   Path         = "<" [ A-d-l ":" ] Mailbox ">"
//   Mailbox      = Local-part "@" ( Domain / address-literal )
//   Local-part   = Dot-string / Quoted-string
//   Mail-parameters = esmtp-param *(SP esmtp-param)
//   esmtp-param  = esmtp-keyword ["=" esmtp-value]
//
// RFC 6531 §3.3 (SMTPUTF8): a Local-part may hold UTF-8 and a sub-domain
// may be a U-label; such a mailbox parses here, and the server decides
// whether the session may use it (MAIL ... SMTPUTF8, else 553 5.6.7).
//
// Source routes (A-d-l) are accepted and ignored, as §4.1.1.3 asks. The
// special recipient <postmaster> without a domain is allowed (§4.5.1).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailsim::smtp {

struct PathArgument {
    enum class Status {
        ok,
        syntax,       // not "FROM:<...>" at all → 501
        bad_mailbox,  // a path whose mailbox is not an address → 553 (RCPT) / 501 (MAIL)
    } status = Status::syntax;
    std::string mailbox;  // "bob@hamburger.edu", "" for the null reverse-path
    std::vector<std::pair<std::string, std::string>> params;  // keyword upper-cased
    std::string error;    // what was wrong, for the reply text
};

// `keyword` is "FROM:" or "TO:"; matching is case-insensitive.
PathArgument parse_path_argument(std::string_view args, std::string_view keyword, bool allow_null);

bool is_valid_mailbox(std::string_view mailbox);  // ASCII, or well-formed UTF-8 (RFC 6531)
bool is_utf8(std::string_view s);                  // well-formed UTF-8 (ASCII is)
bool is_valid_domain(std::string_view domain);
std::string domain_of(std::string_view mailbox);      // lower-cased; "" if none
std::string local_part_of(std::string_view mailbox);  // as written

}  // namespace mailsim::smtp
