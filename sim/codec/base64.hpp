// base64.hpp — the base64 content transfer encoding (RFC 2045 §6.8).
//
// Three bytes (24 bits) become four characters of 6 bits each, from the
// alphabet A–Z a–z 0–9 + /; a last group of one or two bytes is padded
// with "=". Encoded lines are at most 76 characters, ended by CRLF.
//
// Decoding is push-style (STYLE.md #9): feed() what arrives, finish() at
// the end; a character outside the alphabet, misplaced padding or a
// truncated group is recorded with its byte offset, and decoding goes on.
// explain() returns the teaching steps the encoding lab draws.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::codec {

struct CodecError {
    size_t offset = 0;     // byte offset in the input
    std::string what;      // "'!' is not a base64 character"
};

// 76-character lines ending CRLF (RFC 2045), or one unbroken line.
std::string base64_encode(std::string_view data, bool line_breaks = true);
// The same into `out` (its old content replaced, its capacity reused).
void base64_encode_into(std::string_view data, std::string& out, bool line_breaks = true);

class Base64Decoder {
public:
    Base64Decoder() = default;
    // Decodes into `buffer` (cleared first; its capacity is reused).
    explicit Base64Decoder(std::string buffer) : out_(std::move(buffer)) { out_.clear(); }
    void feed(std::string_view text);
    std::string finish();  // the decoded bytes; errors() then holds every problem
    const std::vector<CodecError>& errors() const { return errors_; }

private:
    std::string out_;
    std::uint32_t bits_ = 0;
    int count_ = 0;        // sextets in bits_
    int padding_ = 0;      // '=' seen
    size_t offset_ = 0;    // offset of the character being read
    size_t base_ = 0;      // bytes fed by earlier calls
    size_t group_start_ = 0;
    std::vector<CodecError> errors_;
};

std::string base64_decode(std::string_view text, std::vector<CodecError>* errors = nullptr);
void base64_decode_into(std::string_view text, std::string& out, std::vector<CodecError>* errors = nullptr);

// One 3-byte group, as the course draws it.
struct Base64Group {
    std::string bytes;                 // 1 to 3 input bytes
    std::string bits;                  // "010010010011000101111001" (24 bits, zero-filled)
    std::array<int, 4> sextets{};      // the four 6-bit values (unused ones are -1)
    std::string chars;                 // the four output characters, "=" for padding
    int padding = 0;                   // how many "="
};

std::vector<Base64Group> explain_base64(std::string_view data);

}  // namespace mailsim::codec
