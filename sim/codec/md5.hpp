// md5.hpp — the MD5 message digest (RFC 1321), for POP3's APOP (RFC 1939 §7),
// which sends MD5(timestamp + shared secret) instead of the password.
// (MD5 is broken for signatures; APOP is shown because the course does.
// sim/ may not use OpenSSL outside sim/live, so the 60 lines live here.)
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailsim::codec {

std::array<std::uint8_t, 16> md5(std::string_view data);
std::string md5_hex(std::string_view data);  // lower-case hex, 32 characters

}  // namespace mailsim::codec
