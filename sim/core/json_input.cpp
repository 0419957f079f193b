// json_input.cpp — path-naming JSON readers.
#include "core/json_input.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace mailsim::json_input {

std::optional<size_t> too_deep(std::string_view text, size_t max_depth) {
    size_t depth = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        switch (text[i]) {
        case '"':  // skip the string; an unterminated one is the parser's to report
            for (++i; i < text.size() && text[i] != '"'; ++i)
                if (text[i] == '\\') ++i;
            break;
        case '[':
        case '{':
            if (++depth > max_depth) return i;
            break;
        case ']':
        case '}':
            if (depth > 0) --depth;
            break;
        default: break;
        }
    }
    return std::nullopt;
}

std::string locate(std::string_view text, size_t byte, const std::string& file_name) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return fmt::format("{}: byte {} (line {}, column {})", file_name, byte, line, column);
}

Result<json> parse(std::string_view text, const std::string& file_name) {
    if (auto at = too_deep(text))
        return Error{locate(text, *at, file_name),
                     fmt::format("invalid JSON: arrays and objects nest more than {} levels deep here", kMaxDepth)};
    try {
        return json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        size_t byte = e.byte == 0 ? 0 : e.byte - 1;
        // nlohmann's message reads "[json.exception.parse_error.101] parse error at line 1,
        // column 5: syntax error while parsing value - invalid literal; last read: 'tru'";
        // keep the part after the location.
        std::string what = e.what();
        if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
        return Error{locate(text, byte, file_name), "invalid JSON: " + what};
    } catch (const json::exception& e) {
        // e.g. out_of_range 406: a number too large for a double (found by fuzz_files)
        std::string what = e.what();
        if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
        return Error{file_name, "invalid JSON: " + what};
    }
}

json parse_or_discard(std::string_view text) {
    if (too_deep(text)) return json(json::value_t::discarded);
    return json::parse(text, nullptr, false);
}

std::string child(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index(const std::string& path, size_t i) { return fmt::format("{}[{}]", path, i); }

void fail(const std::string& path, const std::string& what) { throw InputError(path, what); }

std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::string: return fmt::format("the string \"{}\"", v.get_ref<const std::string&>());
        case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return "the number " + v.dump();
        default: return "a value of another kind";
    }
}

void expect_object(const json& v, const std::string& path) {
    if (!v.is_object()) fail(path, "expected an object, found " + describe(v));
}

static size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string nearest(std::string_view key, const std::vector<std::string_view>& allowed) {
    std::string_view best;
    size_t best_d = 4;
    for (auto a : allowed) {
        size_t d = edit_distance(key, a);
        if (d < best_d) {
            best_d = d;
            best = a;
        }
    }
    return std::string(best);
}

void check_keys(const json& object, const std::string& path, std::initializer_list<std::string_view> allowed) {
    expect_object(object, path);
    for (const auto& [key, value] : object.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        std::string best = nearest(key, std::vector<std::string_view>(allowed));
        std::string what = "unknown key \"" + key + "\"";
        if (!best.empty()) what += fmt::format(" (did you mean \"{}\"?)", best);
        else {
            what += "; expected one of:";
            for (auto a : allowed) what += " " + std::string(a);
        }
        fail(child(path, key), what);
    }
}

const json* find(const json& object, std::string_view key) {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

const json& require(const json& object, const std::string& path, std::string_view key) {
    expect_object(object, path);
    const json* v = find(object, key);
    if (!v) fail(child(path, key), "missing (required)");
    return *v;
}

std::string as_string(const json& v, const std::string& path) {
    if (!v.is_string()) fail(path, "expected a string, found " + describe(v));
    return v.get<std::string>();
}

std::int64_t as_int(const json& v, const std::string& path, std::int64_t min, std::int64_t max) {
    if (!v.is_number_integer()) fail(path, "expected a whole number, found " + describe(v));
    std::int64_t n = v.get<std::int64_t>();
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max))
        fail(path, fmt::format("expected a number from {} to {}, found {}", min, max, v.dump()));
    if (n < min || n > max) fail(path, fmt::format("expected a number from {} to {}, found {}", min, max, n));
    return n;
}

bool as_bool(const json& v, const std::string& path) {
    if (!v.is_boolean()) fail(path, "expected true or false, found " + describe(v));
    return v.get<bool>();
}

SimTime as_duration(const json& v, const std::string& path) {
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() < (1LL << 40))
        return v.get<std::int64_t>() * kSecond;
    if (v.is_number_float() && v.get<double>() >= 0 && v.get<double>() < 1e12)
        return static_cast<SimTime>(v.get<double>() * kSecond + 0.5);
    if (v.is_string()) {
        if (auto d = parse_duration(v.get_ref<const std::string&>())) return *d;
    }
    fail(path, "expected a duration such as \"90s\", \"250ms\", \"5m\" or a number of seconds, found " + describe(v));
}

const json& as_array(const json& v, const std::string& path) {
    if (!v.is_array()) fail(path, "expected an array, found " + describe(v));
    return v;
}

}  // namespace mailsim::json_input
