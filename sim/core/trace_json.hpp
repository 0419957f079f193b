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

namespace detail {
// trace_from_json tries the fast reader first and falls back to the DOM
// reader, whose errors name the place. Both are here for the tests, which
// check that they agree.
Result<Trace> trace_from_json_dom(std::string_view text, const std::string& file_name);
// A trace as trace_to_json writes it (any JSON whitespace allowed), read by
// a scanner that builds no DOM; nullopt on anything unexpected, valid or not.
std::optional<Trace> trace_from_json_fast(std::string_view text);
// bytes_latin1: U+0000..U+00FF back to the bytes; nullopt for anything else.
std::optional<std::string> utf8_to_latin1(std::string_view s);
}  // namespace detail
Result<Trace> load_trace(const std::string& path);

}  // namespace mailsim
