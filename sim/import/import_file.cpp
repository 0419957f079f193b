// import_file.cpp — told apart by the first bytes.
#include "import/import_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "import/capture_file.hpp"
#include "import/transcript_log.hpp"

namespace mailsim::import {

std::string detect_format(std::string_view head) {
    if (looks_like_capture(head)) return head.starts_with("\x0a\x0d\x0d\x0a") ? "pcapng" : "pcap";
    switch (detect_log(head)) {
    case LogKind::swaks: return "swaks";
    case LogKind::curl: return "curl";
    case LogKind::none: break;
    }
    return {};
}

Result<ImportResult> import_file(const std::string& path, const ImportOptions& options) {
    std::string head(64 * 1024, '\0');
    {
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (!f) return Error{path, std::string("cannot open: ") + std::strerror(errno)};
        head.resize(std::fread(head.data(), 1, head.size(), f));
        std::fclose(f);
    }
    const std::string format = detect_format(head);
    if (format == "pcap" || format == "pcapng") {
        auto r = import_capture(path, options);
        if (r) r->format = format;
        return r;
    }
    if (format.empty())
        return Error{path, "neither a pcap or pcapng capture nor a swaks or curl -v transcript"};
    auto text = read_file(path);
    if (!text) return text.error();
    const size_t slash = path.find_last_of('/');
    auto r = import_log(*text, slash == std::string::npos ? path : path.substr(slash + 1));
    if (r && options.progress) options.progress(text->size(), text->size());
    return r;
}

}  // namespace mailsim::import
