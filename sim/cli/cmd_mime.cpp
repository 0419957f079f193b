// cmd_mime.cpp — `mailsim mime FILE [--json]`: a message's MIME tree, each
// part's type, charset, transfer encoding, disposition, filename, decoded
// size and SHA-256, the header fields decoded, and any damage with its offset
// (view/mime_report.hpp writes it).
#include <cstdio>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "message/mime.hpp"
#include "text/text.hpp"
#include "view/mime_report.hpp"

namespace mailsim::cli {

int cmd_mime(const MimeOptions& o, const CommonOptions& c) {
    text::Lang lang = *text::parse_lang(c.lang);
    auto raw = read_file(o.file);
    if (!raw) {
        std::fprintf(stderr, "mailsim: %s\n", raw.error().message().c_str());
        return 1;
    }
    const message::Message m = message::parse(std::move(*raw));
    view::mime_report(m, o.json, lang, [](std::string_view s) { out(s); });
    return 0;
}

}  // namespace mailsim::cli
