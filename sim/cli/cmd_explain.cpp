// cmd_explain.cpp — `mailsim explain`: the catalog entry of a reply code,
// an enhanced status code, a command, or the lists of them.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "protocol/catalog.hpp"
#include "scenario/scenario.hpp"
#include "text/text.hpp"

namespace mailsim::cli {

namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

std::string bold(const CommonOptions& c, std::string_view s) {
    return c.color ? fmt::format("\x1b[1m{}\x1b[0m", s) : std::string(s);
}

}  // namespace

int cmd_explain(const ExplainOptions& o, const CommonOptions& c) {
    text::Lang lang = *text::parse_lang(c.lang);
    std::string what = o.what;
    std::string upper = what;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));

    if (upper == "CODES") {
        for (const auto& r : catalog::replies()) {
            if (r.protocol != o.protocol) continue;
            out(fmt::format("{}  {}{}\n", bold(c, r.code), text::get(lang, std::string(r.key) + ".name"),
                            r.in_rfc821 ? "" : "  (" + std::string(r.rfc) + ")"));
        }
        return 0;
    }
    if (upper == "COMMANDS") {
        size_t width = 4;  // the longest verb of the protocol: IMAP's are longer than SMTP's four letters
        for (const auto& r : catalog::commands())
            if (r.protocol == o.protocol) width = std::max(width, r.verb.size());
        for (const auto& r : catalog::commands()) {
            if (r.protocol != o.protocol) continue;
            const std::string pad(width - r.verb.size() + 1, ' ');
            out(fmt::format("{}{}{}\n{}{}\n", bold(c, r.verb), pad, text::get(lang, std::string(r.key) + ".name"),
                            std::string(width + 1, ' '), r.syntax));
        }
        return 0;
    }
    if (upper == "SETTINGS") {
        out(text::get(lang, "cli.explain.settings") + "\n\n");
        for (const auto& s : scenario::server_settings())
            out(fmt::format("{:<24} {}\n{:<24} ({})\n", bold(c, s.name), s.meaning, "", s.rfc));
        return 0;
    }
    // A reply code (550, +OK, 404), or a word that is a reply and not a
    // command (IMAP's NO, BAD, EXISTS; its response codes with or without
    // brackets: TRYCREATE).
    const catalog::ReplyRow* reply = nullptr;
    if (!catalog::find_command(o.protocol, what)) {
        reply = catalog::find_reply(o.protocol, what);
        if (!reply && !what.empty() && what[0] != '[') reply = catalog::find_reply(o.protocol, "[" + what + "]");
    }
    if (reply || all_digits(what) || (!what.empty() && (what[0] == '+' || what[0] == '-'))) {
        const catalog::ReplyRow* r = reply ? reply : catalog::find_reply(o.protocol, what);
        if (!r) {
            std::fprintf(stderr, "mailsim: %s\n",
                         text::get(lang, "cli.explain.unknown", {{"what", what}, {"protocol", o.protocol}}).c_str());
            return 1;
        }
        std::string key(r->key);
        out(fmt::format("{} — {}\n", bold(c, r->code), text::get(lang, key + ".name")));
        // The row's wire form, with the code in front unless it holds it already.
        const std::string wire = r->text.find(r->code) != std::string_view::npos ? std::string(r->text)
                                                                                  : fmt::format("{} {}", r->code, r->text);
        out(fmt::format("{}: \"{}\"   {}\n", text::get(lang, "cli.explain.wire"), wire, r->rfc));
        if (r->in_rfc821) out(text::get(lang, "cli.explain.rfc821_code") + "\n");
        out("\n" + text::get(lang, key) + "\n");
        if (o.protocol == "smtp" && r->code.size() == 3) {
            out("\n" + fmt::format("{} {}: {}\n", text::get(lang, "cli.explain.first_digit"), r->code[0],
                                   text::get(lang, fmt::format("smtp.reply.class.{}", r->code[0]))));
            out(fmt::format("{} {}: {}\n", text::get(lang, "cli.explain.second_digit"), r->code[1],
                            text::get(lang, fmt::format("smtp.reply.digit2.{}", r->code[1]))));
        }
        return 0;
    }
    if (what.size() >= 5 && what[1] == '.' && std::isdigit(static_cast<unsigned char>(what[0]))) {
        std::string key = "smtp.enhanced." + what;
        if (auto t = text::find(lang, key)) {
            out(fmt::format("{} — {}\n", bold(c, what), *t));
            out(text::get(lang, "cli.explain.enhanced") + "\n");
            return 0;
        }
        std::fprintf(stderr, "mailsim: %s\n",
                     text::get(lang, "cli.explain.unknown", {{"what", what}, {"protocol", o.protocol}}).c_str());
        return 1;
    }
    const catalog::CommandRow* r = catalog::find_command(o.protocol, what);
    if (!r) {
        std::fprintf(stderr, "mailsim: %s\n",
                     text::get(lang, "cli.explain.unknown", {{"what", what}, {"protocol", o.protocol}}).c_str());
        return 1;
    }
    std::string key(r->key);
    out(fmt::format("{} — {}\n", bold(c, r->verb), text::get(lang, key + ".name")));
    out(fmt::format("{}: {}\n", text::get(lang, "cli.explain.syntax"), r->syntax));
    out(fmt::format("{}: {}\n", text::get(lang, "cli.explain.defined_in"), r->rfc));
    if (r->origin == catalog::Origin::rfc821) out(text::get(lang, "cli.explain.rfc821_command") + "\n");
    out("\n" + text::get(lang, key) + "\n");
    return 0;
}

}  // namespace mailsim::cli
