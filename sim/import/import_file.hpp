// import_file.hpp — any file mailsim imports, told apart by its bytes: a
// pcap or pcapng capture (capture_import), or a transcript log of swaks or
// `curl -v` (transcript_log). The CLI's `mailsim import` and the GUI's
// File > Open both come here.
#pragma once

#include <string>

#include "import/capture_import.hpp"

namespace mailsim::import {

// "pcap", "pcapng", "swaks", "curl", or "" when the bytes are none of them.
std::string detect_format(std::string_view head);

// Imports `path`; `memory`, when not empty, is the file's content already read.
Result<ImportResult> import_file(const std::string& path, const ImportOptions& options = {});

}  // namespace mailsim::import
