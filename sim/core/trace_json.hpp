// trace_json.hpp — a Trace on disk (format: traces/FORMAT.md).
//
// Writing is deterministic (same Trace, same bytes) and atomic (temp file +
// rename). Reading checks everything: a broken file gives an Error naming the
// byte offset (syntax) or the JSON path (content) and what was expected.
#pragma once

#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/trace.hpp"

namespace mailsim {

inline constexpr int kTraceFormatVersion = 1;

std::string trace_to_json(const Trace& trace);
Result<Trace> trace_from_json(std::string_view text, const std::string& file_name = "trace");

std::optional<Error> save_trace(const Trace& trace, const std::string& path);
Result<Trace> load_trace(const std::string& path);

}  // namespace mailsim
