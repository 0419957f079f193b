// seven_bit.hpp — a message with 8-bit text made fit for a server that
// offers no 8BITMIME (RFC 6152 §3).
//
// RFC 6152 §3: a client (a user agent, or a relay passing a message on) that
// holds 8-bit text for a server without 8BITMIME must either re-encode it as
// 7-bit MIME (RFC 2045's quoted-printable or base64) or return it as
// undeliverable. Re-encoded here: a body that is one part (text/plain as
// builder.cpp writes a lone text body, 8bit) — quoted-printable when at most
// a fifth of its bytes are not ASCII (it stays readable), base64 otherwise
// (it is shorter). Not re-encoded, and so returned with the reason: 8-bit
// bytes in the header (RFC 5322 fields are ASCII, RFC 2047 words aside), and
// 8-bit bytes in a multipart or message/* body, whose parts would each need
// re-encoding (RFC 2045 §6.4: a composite type's own encoding is 7bit, 8bit
// or binary).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mailsim::message {

struct SevenBit {
    std::string content;     // header + CRLF CRLF + re-encoded body
    std::string encoding;    // "quoted-printable" or "base64"
    size_t eight_bit = 0;    // bytes of the body that are not ASCII
    size_t body_size = 0;    // bytes of the body before re-encoding
};

// `content`: header, an empty line, body; CRLF line ends. An Error's what()
// says why it cannot be re-encoded.
Result<SevenBit> to_seven_bit(std::string_view content);

}  // namespace mailsim::message
