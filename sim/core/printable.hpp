// printable.hpp — keeping a peer's control bytes out of what we send.
//
// A reply line may quote what the peer sent (HELO's argument, an unknown
// verb): a control byte of theirs must not reach the wire, where a CR or LF
// would end the line early and start one of the peer's choosing (RFC 5321
// §4.2: textstring = 1*(%d09 / %d32-126)). Each byte below 0x20 but TAB,
// and DEL, is written as '?'.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace mailsim {

inline bool is_control_byte(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7F; }

// Whether a word of 8 bytes may hold one: some byte below 0x20 or equal to
// 0x7F (a TAB counts too; the bytes are then looked at one by one). Bytes of
// UTF-8 (0x80 and up) never do. Reply lines are checked on every reply, so
// they are read a word at a time.
inline bool word_may_have_control(std::uint64_t x) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const std::uint64_t below_space = (x - ones * 0x20) & ~x & highs;
    const std::uint64_t y = x ^ (ones * 0x7F);
    const std::uint64_t del = (y - ones) & ~y & highs;
    return (below_space | del) != 0;
}

inline void append_without_controls(std::string& out, std::string_view text) {
    const char* p = text.data();
    const size_t n = text.size();
    size_t run = 0, i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, p + i, 8);
            if (!word_may_have_control(w)) {
                i += 8;
                continue;
            }
        }
        for (const size_t end = std::min(n, i + 8); i < end; ++i) {
            if (!is_control_byte(static_cast<unsigned char>(p[i]))) continue;
            out.append(p + run, i - run);
            out += '?';
            run = i + 1;
        }
    }
    out.append(p + run, n - run);
}

inline std::string without_controls(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_without_controls(out, text);
    return out;
}

}  // namespace mailsim
