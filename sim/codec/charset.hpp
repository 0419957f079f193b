// charset.hpp — converting text between character sets with iconv (glibc).
//
// Mail names its charsets (Content-Type: text/plain; charset=gb2312); the
// course's example is 系统, which is E7 B3 BB E7 BB 9F in UTF-8 and CF B5 CD B3
// in GB2312. Any name iconv knows works (UTF-8, GB2312, GBK, GB18030, Big5,
// ISO-8859-1, …), case-insensitively. A byte sequence that is not valid in
// the source charset, or a character the target cannot hold, is an error
// naming its byte offset; an unknown charset is an error naming it.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mailsim::codec {

Result<std::string> convert_charset(std::string_view input, std::string_view from, std::string_view to);

}  // namespace mailsim::codec
