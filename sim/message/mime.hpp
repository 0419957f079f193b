// mime.hpp — a message's structure: RFC 5322 header fields and the MIME tree
// (RFC 2045, 2046), with where every part, header and boundary line stands
// in the raw bytes, so that a view can highlight them.
//
//   header   = *field CRLF         field = name ":" value CRLF *(WSP value CRLF)
//   multipart body = [preamble] 1*(dash-boundary CRLF part) close-delimiter [epilogue]
//
// Parsing never fails: a header line without a colon, a missing closing
// boundary, a bad base64 or quoted-printable byte, an unknown charset — each
// is recorded as a Damage with its byte offset, and the message still opens.
// Content types: any type/subtype; multipart/* is split (in multipart/digest
// a part's default type is message/rfc822); message/rfc822 is parsed as a
// nested message.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::message {

struct Span {
    size_t begin = 0, end = 0;  // byte offsets [begin, end) in the raw message
};

struct HeaderField {
    std::string name;     // as written
    std::string value;    // unfolded, raw (encoded words not decoded)
    Span span;            // the whole field, folded lines included
};

struct Damage {
    size_t offset = 0;
    std::string what;
};

struct ContentType {
    std::string type = "text", subtype = "plain";  // lower-cased
    std::map<std::string, std::string> params;     // names lower-cased, quotes removed, RFC 2231 sections as written
    std::string full() const { return type + "/" + subtype; }
};

struct Part {
    std::vector<HeaderField> headers;
    Span span;             // the whole part: its header and body
    Span header_span;
    Span body_span;        // the raw (still encoded) body
    ContentType content_type;
    std::string transfer_encoding = "7bit";  // lower-cased
    std::string disposition;                 // "inline", "attachment", or ""
    std::string filename;                    // from Content-Disposition filename= or Content-Type name=, RFC 2231 decoded
    std::string content_id;                  // Content-ID (RFC 2045 §7): "<id@host>", what cid: URLs name
    std::string description;                 // Content-Description (RFC 2045 §8), as written (RFC 2047 words kept)
    std::string charset;                     // text/*: the charset parameter (default us-ascii)
    std::vector<Span> boundaries;            // multipart: each delimiter line
    Span preamble, epilogue;                 // multipart
    std::vector<std::unique_ptr<Part>> children;  // multipart parts, or the nested message
    const HeaderField* header(std::string_view name) const;
};

struct Message {
    std::string raw;
    std::unique_ptr<Part> root;
    std::vector<Damage> damage;
};

// Limits of one parse, each noted as a Damage when reached: past them a
// hostile message (millions of empty parts, header lines or broken lines)
// still opens, and its tree stays a small fraction of its size.
inline constexpr size_t kMaxParts = 10000;   // parts in the whole message; the rest is not split
inline constexpr size_t kMaxFields = 10000;  // header fields in one part; the rest are skipped
inline constexpr size_t kMaxDamage = 1000;   // problems listed; one more says the rest are not

Message parse(std::string raw);

// The part's body with its transfer encoding undone; problems go to `damage`.
std::string decoded_body(const Message& m, const Part& p, std::vector<Damage>* damage = nullptr);

ContentType parse_content_type(std::string_view value, std::vector<Damage>* damage = nullptr, size_t offset = 0);

// key=value parameters after the first ';', quoted-strings unquoted (RFC 2045 §5.1),
// as written: RFC 2231 sections (filename*0*=…) stay apart (IMAP's BODYSTRUCTURE sends them so).
std::map<std::string, std::string> parse_parameters(std::string_view value);

// The value of parameter `name` (lower case) as a reader should see it: RFC
// 2231's `name*=UTF-8''%E7%B3%BB…` and its sections `name*0*=`, `name*1=`
// joined and decoded to UTF-8, else the plain `name=`; "" when absent.
// Problems (a bad %-escape, a missing section, an unknown charset) go to
// `damage` at `offset`, and the value falls back to what is written.
std::string parameter(const std::map<std::string, std::string>& params, std::string_view name,
                      std::vector<Damage>* damage = nullptr, size_t offset = 0);

}  // namespace mailsim::message
