// tls_records.hpp — counting the TLS records of an encrypted stream.
//
// After STARTTLS (RFC 3207), STLS (RFC 2595 §4) or on an implicit-TLS port
// (RFC 8314), a capture holds TLS records that nobody without the keys can
// read. What a student can see is their framing (RFC 8446 §5.1: a content
// type, a legacy version, a 16-bit length, then that many bytes): how many
// handshake, change_cipher_spec, alert and application_data records went
// each way, and how large they were. That is what is counted here; the
// bytes themselves are never shown as text.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailsim::import {

class TlsRecordCounter {
public:
    void feed(std::string_view bytes);
    // The bytes after a gap cannot be framed again: they are only counted.
    void lost_sync() { lost_ = true; }

    // What was counted since the last take(), as a one-line summary and a
    // JSON object; empty() when nothing was.
    bool empty() const { return bytes_ == 0; }
    std::string summary() const;
    std::string detail() const;
    void take();

private:
    std::array<std::uint8_t, 5> header_{};
    size_t header_have_ = 0;
    size_t body_left_ = 0;
    bool lost_ = false;
    // Content types 20 to 23 (RFC 8446 §5.1), and anything else.
    std::array<std::uint64_t, 5> records_{};
    std::array<std::uint64_t, 5> record_bytes_{};
    std::uint64_t bytes_ = 0, unframed_ = 0;
};

}  // namespace mailsim::import
