// text.cpp — the string files, parsed once on first use.
#include "text/text.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace mailsim::text {

extern const std::string_view kEmbeddedEn;
extern const std::string_view kEmbeddedZh;

namespace {

using Table = std::map<std::string, std::string, std::less<>>;

Table load(std::string_view source, const char* name) {
    Table t;
    try {
        auto j = nlohmann::json::parse(source.begin(), source.end());
        for (auto& [k, v] : j.items())
            if (v.is_string()) t.emplace(k, v.get<std::string>());
    } catch (const nlohmann::json::exception& e) {
        // The files are compiled in and checked by tests; a broken one is a
        // build defect, so say so loudly rather than run without texts.
        std::fprintf(stderr, "mailsim: built-in string file %s is not valid JSON: %s\n", name, e.what());
        std::abort();
    }
    return t;
}

}  // namespace

std::optional<Lang> parse_lang(std::string_view name) {
    if (name == "en" || name == "english") return Lang::en;
    if (name == "zh" || name == "zh-CN" || name == "zh_CN" || name == "chinese") return Lang::zh;
    return std::nullopt;
}

std::string_view lang_name(Lang lang) { return lang == Lang::zh ? "zh" : "en"; }

const Table& all(Lang lang) {
    static const Table en = load(kEmbeddedEn, "en.json");
    static const Table zh = load(kEmbeddedZh, "zh.json");
    return lang == Lang::zh ? zh : en;
}

std::optional<std::string_view> find(Lang lang, std::string_view key) {
    const auto& t = all(lang);
    auto it = t.find(key);
    if (it == t.end()) return std::nullopt;
    return std::string_view(it->second);
}

std::string get(Lang lang, std::string_view key, const Params& params) {
    auto found = find(lang, key);
    if (!found) return "[" + std::string(key) + "]";
    std::string_view s = *found;
    std::string out;
    out.reserve(s.size() + 16);
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '{') {
            size_t close = s.find('}', i + 1);
            if (close != std::string_view::npos) {
                std::string_view name = s.substr(i + 1, close - i - 1);
                bool done = false;
                for (const auto& [n, v] : params) {
                    if (n == name) {
                        out += v;
                        done = true;
                        break;
                    }
                }
                if (done) {
                    i = close;
                    continue;
                }
            }
        }
        out += s[i];
    }
    return out;
}

std::vector<std::string> placeholders(std::string_view s) {
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '{') continue;
        size_t close = s.find('}', i + 1);
        if (close == std::string_view::npos) break;
        std::string_view name = s.substr(i + 1, close - i - 1);
        bool ident = !name.empty();
        for (char c : name) ident = ident && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        if (ident) out.emplace_back(name);
        i = close;
    }
    return out;
}

}  // namespace mailsim::text
