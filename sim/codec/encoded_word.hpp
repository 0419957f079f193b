// encoded_word.hpp — non-ASCII text in header fields: RFC 2047 encoded words.
//
//   encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
//
// A header such as Subject must be ASCII; "系统" travels as
// =?GB2312?B?z7XNsw==?= (B: base64) or =?GB2312?Q?=CF=B5=CD=B3?= (Q: like
// quoted-printable, with "_" for a space). A word is at most 75 characters,
// so long text becomes several words, split between characters, never
// inside one. Decoding joins adjacent encoded words (the white space between
// them is not part of the text) and converts to UTF-8; a broken word is
// kept as it is and reported.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codec/base64.hpp"  // CodecError
#include "core/error.hpp"

namespace mailsim::codec {

// UTF-8 text → encoded words in `charset` ('B' or 'Q'), separated by CRLF SP
// (folding) when there are several. ASCII-only text is returned unchanged.
Result<std::string> encode_words(std::string_view utf8, std::string_view charset = "UTF-8", char encoding = 'B');

// Header text with encoded words → UTF-8.
std::string decode_words(std::string_view header, std::vector<CodecError>* errors = nullptr);

}  // namespace mailsim::codec
