// builder.hpp — building a message body: plain text, text + HTML as
// multipart/alternative, and attachments as multipart/mixed (RFC 2046).
//
// What a user agent does when the user writes text, maybe HTML, and
// attaches files. Text parts are UTF-8; a text part of a multipart body that
// is not ASCII goes as quoted-printable (mostly ASCII) or base64; a lone text
// body goes as 8bit (the SMTP client re-encodes it for a server without
// 8BITMIME); attachments go as base64 with Content-Disposition and filename
// (as an RFC 2047 word when it is not ASCII), an inline one with a
// Content-ID (RFC 2045 §7) "<partN.SEED@mailsim>", and a Content-Description
// (RFC 2045 §8) where one is given, except a message/rfc822 attachment (a
// forwarded message), which RFC 2046 §5.2.1 allows only as 7bit or 8bit: it
// goes as it is. The text and the attachments go in multipart/mixed, or
// parallel or digest when the mail asks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mailsim::message {

struct Attachment {
    std::string filename;
    std::string content_type = "application/octet-stream";
    std::string data;        // the bytes
    bool inline_part = false;  // Content-Disposition: inline, with a Content-ID an HTML part can name (cid:)
    std::string description;   // Content-Description (RFC 2045 §8), when given
};

struct BodySpec {
    std::string text;        // the plain text (LF or CRLF line ends)
    std::string html;        // optional: text and HTML become multipart/alternative
    std::vector<Attachment> attachments;
    std::string multipart = "mixed";  // the text and attachments as multipart/mixed, parallel or digest
};

// The multipart subtypes that may hold a mail's text and attachments
// (RFC 2046 §5.1.3, §5.1.6, §5.1.5): mixed (in order), parallel (order does
// not matter, show them together), digest (each part is a message/rfc822 by
// default, so a forwarded message's part needs no Content-Type).
bool is_attachment_multipart(std::string_view subtype);

struct BuiltBody {
    std::string headers;     // MIME-Version, Content-Type, Content-Transfer-Encoding lines, CRLF-ended
    std::string body;        // CRLF lines
};

// `boundary_seed` makes the boundaries (deterministic for a seed).
BuiltBody build_body(const BodySpec& spec, const std::string& boundary_seed);
// The same from the parts where they are (a user agent's mail: no copies).
BuiltBody build_body(std::string_view text, std::string_view html, const std::vector<Attachment>& attachments,
                     const std::string& boundary_seed, std::string_view multipart = "mixed");

// Appends the header field "name: value" CRLF, folded as RFC 5322 §2.2.3
// says: a CRLF goes before a space or tab so that lines stay within 78
// characters where the value has white space to fold at (a line of a
// hundred addresses in To: is otherwise refused by SMTP's 1000-octet line
// limit, RFC 5321 §4.5.3.1.6). Unfolding (removing each CRLF before white
// space) gives the value back. A CRLF already followed by white space in
// value (RFC 2047 words) is kept as a fold.
void append_folded_field(std::string& out, std::string_view name, std::string_view value);

// How a text would go in 7 bits: "quoted-printable" when at most a fifth of
// its bytes are not ASCII, else "base64".
std::string seven_bit_encoding_for(std::string_view text);

}  // namespace mailsim::message
