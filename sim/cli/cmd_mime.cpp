// cmd_mime.cpp — `mailsim mime FILE [--json]`: a message's MIME tree, each
// part's type, charset, transfer encoding, disposition, filename, decoded
// size and SHA-256, the header fields decoded, and any damage with its offset.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "codec/encoded_word.hpp"
#include "codec/sha256.hpp"
#include "core/error.hpp"
#include "message/mime.hpp"
#include "text/text.hpp"

namespace mailsim::cli {

namespace {

nlohmann::json part_json(const message::Message& m, const message::Part& p, std::vector<message::Damage>& damage) {
    nlohmann::json j;
    j["content_type"] = p.content_type.full();
    j["charset"] = p.charset.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.charset);
    j["transfer_encoding"] = p.transfer_encoding;
    j["disposition"] = p.disposition.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.disposition);
    j["filename"] = p.filename.empty() ? nlohmann::json(nullptr) : nlohmann::json(codec::decode_words(p.filename));
    j["offset"] = p.span.begin;
    j["parts"] = nlohmann::json::array();
    if (p.children.empty()) {
        std::string body = message::decoded_body(m, p, &damage);
        j["size"] = body.size();
        j["sha256"] = codec::sha256_hex(body);
    } else {
        j["size"] = nullptr;
        j["sha256"] = nullptr;
        for (const auto& c : p.children) j["parts"].push_back(part_json(m, *c, damage));
    }
    return j;
}

void print_tree(const nlohmann::json& j, const std::string& indent, bool last, bool root) {
    std::string line = root ? "" : indent + (last ? "└─ " : "├─ ");
    line += j["content_type"].get<std::string>();
    if (!j["charset"].is_null()) line += "; charset=" + j["charset"].get<std::string>();
    line += "  " + j["transfer_encoding"].get<std::string>();
    if (!j["disposition"].is_null()) line += "  " + j["disposition"].get<std::string>();
    if (!j["filename"].is_null()) line += " \"" + j["filename"].get<std::string>() + "\"";
    if (!j["size"].is_null())
        line += fmt::format("  {} bytes  sha256 {}", j["size"].get<size_t>(), j["sha256"].get<std::string>().substr(0, 16));
    std::fputs((line + "\n").c_str(), stdout);
    const auto& parts = j["parts"];
    for (size_t i = 0; i < parts.size(); ++i)
        print_tree(parts[i], root ? "" : indent + (last ? "   " : "│  "), i + 1 == parts.size(), false);
}

}  // namespace

int cmd_mime(const MimeOptions& o, const CommonOptions& c) {
    text::Lang lang = *text::parse_lang(c.lang);
    auto raw = read_file(o.file);
    if (!raw) {
        std::fprintf(stderr, "mailsim: %s\n", raw.error().message().c_str());
        return 1;
    }
    message::Message m = message::parse(std::move(*raw));
    std::vector<message::Damage> damage = m.damage;
    nlohmann::json tree = part_json(m, *m.root, damage);
    nlohmann::json headers = nlohmann::json::array();
    std::vector<codec::CodecError> word_errors;
    for (const auto& h : m.root->headers)
        headers.push_back({{"name", h.name}, {"value", codec::decode_words(h.value, &word_errors)}, {"offset", h.span.begin}});
    nlohmann::json damage_json = nlohmann::json::array();
    for (const auto& d : damage) damage_json.push_back({{"offset", d.offset}, {"what", d.what}});
    if (o.json) {
        nlohmann::json out = tree;
        out["headers"] = headers;
        out["damage"] = damage_json;
        std::puts(out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        return 0;
    }
    for (const auto& h : headers)
        std::printf("%s: %s\n", h["name"].get<std::string>().c_str(), h["value"].get<std::string>().c_str());
    std::puts("");
    print_tree(tree, "", true, true);
    for (const auto& d : damage)
        std::printf("%s\n", text::get(lang, "cli.mime.damage", {{"offset", std::to_string(d.offset)}, {"what", d.what}}).c_str());
    return 0;
}

}  // namespace mailsim::cli
