// sha256.hpp — SHA-256 (FIPS 180-4), to name decoded MIME parts by their
// content (`mailsim mime` prints it, and tests compare it with Python's).
// sim/ may not use OpenSSL outside sim/live, so the 60 lines live here.
#pragma once

#include <string>
#include <string_view>

namespace mailsim::codec {

std::string sha256_hex(std::string_view data);

}  // namespace mailsim::codec
