// mime_report.hpp — what `mailsim mime` prints about a message: the header
// fields decoded, the MIME tree with each leaf's decoded size and SHA-256,
// and the damage with offsets; as text for a terminal or as JSON.
//
// Memory stays a small multiple of the message: the parser caps the parts
// (message/mime.hpp), each leaf is decoded once and only its size and digest
// kept, and the text goes to the sink in chunks as it is made. The JSON has
// the layout of nlohmann's dump(2) with sorted keys, written as it goes
// rather than built as a tree first. Text for a terminal has its control
// bytes escaped (view::visible).
#pragma once

#include <functional>
#include <string_view>

#include "message/mime.hpp"
#include "text/text.hpp"

namespace mailsim::view {

void mime_report(const message::Message& m, bool json, text::Lang lang,
                 const std::function<void(std::string_view)>& sink);

}  // namespace mailsim::view
