// quoted_printable.hpp — the quoted-printable transfer encoding (RFC 2045 §6.7).
//
// Printable ASCII stays as it is, so mostly-English text stays readable;
// any other byte, and '=' itself, becomes "=XX" (two upper-case hex digits).
// Space and tab are kept, except at the end of a line, where mail systems
// may strip them: there they are encoded. Lines are at most 76 characters;
// a longer one is split with a soft line break "=" CRLF, which the decoder
// removes. In text mode CRLF line breaks are kept as line breaks; in binary
// mode CR and LF are encoded too.
//
// Decoding is push-style: a bad escape ("=G1", a lone "=") is recorded with
// its offset and kept literally, as RFC 2045 §6.7 suggests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codec/base64.hpp"  // CodecError

namespace mailsim::codec {

std::string qp_encode(std::string_view data, bool binary = false);
std::string qp_decode(std::string_view text, std::vector<CodecError>* errors = nullptr);
// The same into `out` (its old content replaced, its capacity reused).
void qp_encode_into(std::string_view data, std::string& out, bool binary = false);
void qp_decode_into(std::string_view text, std::string& out, std::vector<CodecError>* errors = nullptr);

// One input byte as the encoder treats it.
struct QpStep {
    unsigned char byte = 0;
    std::string output;     // "a", "=3D", "=C3", "=\r\n" + ..., "\r\n"
    std::string reason;     // text key: codec.qp.reason.*
};

std::vector<QpStep> explain_qp(std::string_view data, bool binary = false);

}  // namespace mailsim::codec
