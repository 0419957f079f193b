// rfc2231.hpp — MIME parameter values in any charset, and long ones in
// sections: RFC 2231 (the successor of RFC 2184).
//
// RFC 2047 words may not stand inside a quoted parameter value, so a
// Chinese attachment's name travels in a parameter of its own syntax:
//
//   extended-parameter := (extended-initial-name "=" extended-initial-value) /
//                         (extended-other-names "=" extended-other-values)
//   extended-initial-value := [charset] "'" [language] "'" extended-other-values
//   extended-other-values  := *(ext-octet / attribute-char)
//   ext-octet := "%" 2(DIGIT / "A" / "B" / "C" / "D" / "E" / "F")
//
//   filename*=UTF-8''%E7%B3%BB%E7%BB%9F.txt          one section, encoded
//   filename*0*=UTF-8''%E7%B3%BB; filename*1*=%E7%BB%9F; filename*2=".txt"
//   title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A   (a language tag)
//
// Python's email package, Thunderbird and Outlook name attachments this way.
// Sections are joined in the order of their numbers (RFC 2231 §3: they need
// not be in order in the header); only sections whose name ends in "*" are
// %-decoded, and the charset and language come from section 0.
//
// Decoding never fails: a bad %-escape stays as written, a missing charset
// is read as UTF-8 when the bytes are UTF-8, an unknown charset or bytes
// that are not in it leave the value as written, a missing section is
// skipped; each is reported as a CodecError naming the parameter.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "codec/base64.hpp"  // CodecError

namespace mailsim::codec {

// One extended value (charset'language'%XX…) decoded.
struct ExtendedValue {
    std::string charset;   // as written ("" when not given)
    std::string language;  // RFC 5646 tag, e.g. "en-us" ("" when not given)
    std::string text;      // UTF-8
};

// `value` of a parameter written `name*=` (the initial section, with its
// charset'language' prefix). Problems go to `errors`, offsets within `value`.
ExtendedValue decode_extended_value(std::string_view value, std::vector<CodecError>* errors = nullptr);

// The value of parameter `name` (lower case) among `params` (names lower
// case, quotes already removed, as MIME's parameter reader gives them):
// `name*` or the sections `name*0`, `name*0*`, `name*1`, … joined and
// decoded to UTF-8; else the plain `name`; "" when there is neither.
// Problems go to `errors` (offset 0: a parameter has no place of its own).
std::string parameter_value(const std::map<std::string, std::string>& params, std::string_view name,
                            std::vector<CodecError>* errors = nullptr);

// `params` with every RFC 2231 parameter (sections, extended values) made
// one plain parameter under its own name, decoded to UTF-8: what a view
// shows for a Content-Type or a Content-Disposition.
std::map<std::string, std::string> decoded_parameters(const std::map<std::string, std::string>& params,
                                                      std::vector<CodecError>* errors = nullptr);

}  // namespace mailsim::codec
