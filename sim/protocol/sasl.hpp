// sasl.hpp — what the SMTP and IMAP servers (AUTH, AUTHENTICATE) and the
// redaction of traces share about SASL (RFC 4422): a mechanism's name, and
// PLAIN's message (RFC 4616).
#pragma once

#include <string>
#include <string_view>

namespace mailsim::protocol {

// A SASL mechanism's name (RFC 4422 §3.1: 1 to 20 of A-Z, 0-9, "-", "_"),
// or one of the usual ones in lower case; not a base64 credential. Servers
// echo only such a word back ("unsupported mechanism X").
bool sasl_mechanism_name(std::string_view word);

// PLAIN's message = [authzid] UTF8NUL authcid UTF8NUL passwd (RFC 4616 §2),
// sent in base64: its parts, and whether it was base64 and had both NULs.
struct SaslPlain {
    bool base64 = false;  // the text decoded
    bool whole = false;   // and held authzid NUL authcid NUL password
    std::string authzid, authcid, password;
};
SaslPlain decode_sasl_plain(std::string_view base64);

}  // namespace mailsim::protocol
