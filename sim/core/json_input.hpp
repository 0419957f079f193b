// json_input.hpp — reading JSON files so that every mistake says where.
//
// Scenario, trace and lesson files are JSON. A syntax error names the byte
// offset, line and column and what the parser expected; a value of the wrong
// shape names its JSON path (`mails[2].to`) and what was expected there; an
// unknown key names the nearest known one. Errors are thrown as InputError
// inside a reader and returned as an Error at its boundary.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/time.hpp"

namespace mailsim::json_input {

using nlohmann::json;

// How deeply arrays and objects may nest in any file mailsim reads. The
// files it writes nest at most 8 deep; nlohmann's parser, dump() and
// comparisons recurse once a level, so a hostile file nesting some 50,000
// levels would otherwise overflow the stack.
inline constexpr size_t kMaxDepth = 64;

// The byte offset of the first '[' or '{' that opens a level deeper than
// max_depth (brackets inside strings do not count), or nullopt.
std::optional<size_t> too_deep(std::string_view text, size_t max_depth = kMaxDepth);

// "FILE: byte N (line L, column C)" for a byte offset into text.
std::string locate(std::string_view text, size_t byte, const std::string& file_name);

// Parses text; on a syntax error or nesting deeper than kMaxDepth the Error
// says "byte N (line L, column C)". Every reader of a file goes through here.
Result<json> parse(std::string_view text, const std::string& file_name);

// parse() for a caller that only wants to know what kind of value text
// holds: a discarded value (is_discarded()) on any error, nesting included.
json parse_or_discard(std::string_view text);

std::string child(const std::string& path, std::string_view key);
std::string index(const std::string& path, size_t i);

[[noreturn]] void fail(const std::string& path, const std::string& what);

// Every key of `object` must be in `allowed`; `object` must be an object.
void expect_object(const json& v, const std::string& path);
void check_keys(const json& object, const std::string& path, std::initializer_list<std::string_view> allowed);
// The allowed name closest to a mistyped `key` (a few edits away), or "".
std::string nearest(std::string_view key, const std::vector<std::string_view>& allowed);

const json* find(const json& object, std::string_view key);
const json& require(const json& object, const std::string& path, std::string_view key);

std::string as_string(const json& v, const std::string& path);
std::int64_t as_int(const json& v, const std::string& path, std::int64_t min, std::int64_t max);
bool as_bool(const json& v, const std::string& path);
SimTime as_duration(const json& v, const std::string& path);  // "90s" or a number of seconds
const json& as_array(const json& v, const std::string& path);

// Names the JSON type of v for messages ("a string", "an array").
std::string describe(const json& v);

}  // namespace mailsim::json_input
