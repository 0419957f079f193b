// printable.hpp — keeping a peer's control bytes out of what we send.
//
// A reply line may quote what the peer sent (HELO's argument, an unknown
// verb): a control byte of theirs must not reach the wire, where a CR or LF
// would end the line early and start one of the peer's choosing (RFC 5321
// §4.2: textstring = 1*(%d09 / %d32-126)). Each byte below 0x20 but TAB,
// and DEL, is written as '?'.
#pragma once

#include <string>
#include <string_view>

namespace mailsim {

inline bool is_control_byte(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7F; }

inline void append_without_controls(std::string& out, std::string_view text) {
    size_t run = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (!is_control_byte(static_cast<unsigned char>(text[i]))) continue;
        out.append(text.data() + run, i - run);
        out += '?';
        run = i + 1;
    }
    out.append(text.data() + run, text.size() - run);
}

inline std::string without_controls(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_without_controls(out, text);
    return out;
}

}  // namespace mailsim
