// text.hpp — every word a student reads, in English and Chinese.
//
// Code and catalogs name texts by key ("smtp.reply.550"); the words live in
// sim/text/en.json and sim/text/zh.json, compiled into the library. Texts may
// hold named placeholders, "{rcpt}", filled by format(). A test fails when a
// key in use is missing from either file (tests/test_text.cpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailsim::text {

enum class Lang { en, zh };
std::optional<Lang> parse_lang(std::string_view name);  // "en", "zh"
std::string_view lang_name(Lang lang);

using Params = std::vector<std::pair<std::string_view, std::string>>;

// The text of `key`, or nullopt when the file lacks it.
std::optional<std::string_view> find(Lang lang, std::string_view key);
// The text with {placeholders} filled; a missing key shows as "[key]".
std::string get(Lang lang, std::string_view key, const Params& params = {});

const std::map<std::string, std::string, std::less<>>& all(Lang lang);

// The placeholders a text uses, e.g. {"rcpt", "reply"}.
std::vector<std::string> placeholders(std::string_view text);

}  // namespace mailsim::text
