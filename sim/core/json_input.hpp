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
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/time.hpp"

namespace mailsim::json_input {

using nlohmann::json;

// Parses text; on a syntax error the Error says "byte N (line L, column C)".
Result<json> parse(std::string_view text, const std::string& file_name);

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
