// cmd_connect.cpp — `mailsim connect URL`: a real server, one command at a
// time, each reply shown with its explanation as it arrives, and the whole
// session saved as a trace (credentials redacted unless --keep-secrets).
//
// Commands come from --script FILE (a line each; blank lines and lines
// starting with '#' are skipped, except in message text after DATA) or,
// without one, from a prompt. In either,
// {user}, {password} and {auth-plain} (base64 of NUL user NUL password, for
// AUTH PLAIN and AUTHENTICATE PLAIN) are filled from --user and
// --password-file, so a script holds no secret.
//
// Or a standard session by mailsim's own client engines: --send FILE over
// SMTP; --fetch over POP3 or IMAP ("list and fetch mail"), which prints
// each message's number or UID, size, From, Subject and MIME tree (as
// `mailsim mime` does) and with --save DIR writes each to DIR/N.eml.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "codec/base64.hpp"
#include "core/trace_json.hpp"
#include "live/live_session.hpp"
#include "message/mime.hpp"
#include "view/mime_report.hpp"
#include "view/transcript.hpp"

namespace mailsim::cli {

namespace {

std::string fill(std::string line, const ConnectOptions& o, const std::string& password) {
    auto replace = [&line](std::string_view what, const std::string& with) {
        for (size_t at; (at = line.find(what)) != std::string::npos;) line.replace(at, what.size(), with);
    };
    replace("{auth-plain}", codec::base64_encode(std::string(1, '\0') + o.user + '\0' + password, false));
    replace("{password}", password);
    replace("{user}", o.user);
    return line;
}

// --fetch's checks, before anything is sent: "" when the options go together.
std::string fetch_misuse(const ConnectOptions& o, const live::Target& t) {
    if (!o.fetch) {
        if (o.delete_after || !o.save_dir.empty() || o.apop || o.mailbox != "INBOX")
            return "--delete, --save, --apop and --mailbox go with --fetch";
        return {};
    }
    if (t.protocol == "smtp") return "--fetch goes with a pop3://, pop3s://, imap:// or imaps:// address";
    if (!o.script.empty() || !o.send_file.empty()) return "--fetch goes without --script and --send";
    if (o.user.empty()) return "--fetch needs --user (and --password-file)";
    if (o.delete_after && t.protocol != "pop3") return "--delete goes with POP3 (IMAP's fetch leaves the mail as it is)";
    if (o.apop && t.protocol != "pop3") return "--apop goes with POP3";
    if (o.mailbox != "INBOX" && t.protocol != "imap") return "--mailbox goes with IMAP";
    // Checked now, not after the fetch: with --delete the mail would be gone.
    if (std::error_code ec; !o.save_dir.empty() && !std::filesystem::is_directory(o.save_dir, ec))
        return "--save " + o.save_dir + ": not a directory";
    return {};
}

// One message fetched: its number or UID and size, then (from the report
// `mailsim mime` prints) its header fields decoded, From and Subject among
// them, and its MIME tree.
void print_fetched(const live::FetchedMessage& m, text::Lang lang) {
    const std::string received =
        m.content.size() == m.size ? std::string() : fmt::format(" ({} received)", m.content.size());
    out(fmt::format("\n── message {} · {} octets{} ──\n", m.id, m.size, received));
    view::mime_report(message::parse(m.content), false, lang, [](std::string_view s) { out(s); });
}

}  // namespace

int cmd_connect(const ConnectOptions& o, const CommonOptions& c) {
    live::Failure bad_url;
    auto target = live::parse_target(o.url, &bad_url);
    if (!target) {
        const auto lang = text::parse_lang(c.lang).value_or(text::Lang::en);
        std::fprintf(stderr, "mailsim: %s: %s\n", o.url.c_str(), bad_url.message(lang).c_str());
        return 2;
    }
    if (const std::string why = fetch_misuse(o, *target); !why.empty()) {
        std::fprintf(stderr, "mailsim: %s\n", why.c_str());
        return 2;
    }
    std::string password;
    if (!o.password_file.empty()) {
        auto text = read_file(o.password_file);
        if (!text) {
            std::fprintf(stderr, "mailsim: %s\n", text.error().message().c_str());
            return 1;
        }
        password = text->substr(0, text->find_first_of("\r\n"));
    }
    std::vector<std::string> script;
    if (!o.script.empty()) {
        auto text = read_file(o.script);
        if (!text) {
            std::fprintf(stderr, "mailsim: %s\n", text.error().message().c_str());
            return 1;
        }
        for (size_t pos = 0; pos < text->size();) {
            size_t end = text->find('\n', pos);
            if (end == std::string::npos) end = text->size();
            std::string line = text->substr(pos, end - pos);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            pos = end + 1;
            script.push_back(std::move(line));
        }
    }
    const auto lang = text::parse_lang(c.lang).value_or(text::Lang::en);
    view::TranscriptOptions to;
    to.lang = lang;
    to.color = c.color;
    live::LiveOptions lo;
    lo.starttls = o.starttls;
    lo.tls.cafile = o.cafile;
    lo.tls.insecure = o.insecure;
    lo.keep_secrets = o.keep_secrets;
    lo.timeout_ms = o.timeout_seconds * 1000;
    lo.max_reply_bytes = std::size_t(o.max_reply_mib) << 20;
    live::LiveSession session(*target, lo);
    session.on_event = [&](const Event& e) {
        out(view::format_event(e, to));
        // A reply's meaning, from the catalog, under it.
        if (e.kind == EventKind::bytes && e.dir == Direction::to_client && !e.key.empty())
            if (auto name = text::find(lang, std::string(e.key) + ".name")) out(fmt::format("{:>12}↳ {}\n", "", *name));
        if (e.kind == EventKind::note && !e.key.empty()) out(fmt::format("{:>12}↳ {}\n", "", text::get(lang, e.key)));
        std::fflush(stdout);
    };
    auto save = [&]() -> int {
        if (o.trace_out.empty()) return 0;
        if (auto err = save_trace(session.trace(), o.trace_out)) {
            std::fprintf(stderr, "mailsim: %s\n", err->message().c_str());
            return 1;
        }
        return 0;
    };
    if (!session.open()) {
        std::fprintf(stderr, "mailsim: %s\n", session.failure().message(lang).c_str());
        save();
        return 1;
    }
    if (!o.send_file.empty()) {
        // A standard session: mailsim's own SMTP client engine sends the message.
        if (target->protocol != "smtp" || o.from.empty() || o.to.empty() || !o.script.empty()) {
            std::fprintf(stderr, "mailsim: --send goes with an smtp:// or smtps:// address, --from and at least one --to, and no --script\n");
            session.close();
            return 2;
        }
        auto text = read_file(o.send_file);
        if (!text) {
            std::fprintf(stderr, "mailsim: %s\n", text.error().message().c_str());
            session.close();
            return 1;
        }
        // RFC 5322 lines end in CRLF; a file written on Unix has LF alone.
        std::string content;
        for (size_t i = 0; i < text->size(); ++i) {
            if ((*text)[i] == '\n' && (i == 0 || (*text)[i - 1] != '\r')) content += '\r';
            content += (*text)[i];
        }
        if (!content.ends_with("\r\n")) content += "\r\n";
        auto result = session.send_message(o.from, o.to, content);
        session.close();
        int status = 0;
        if (!result) {
            std::fprintf(stderr, "mailsim: %s\n", session.failure().message(lang).c_str());
            status = 1;
        } else {
            for (const auto& r : result->recipients) {
                const bool ok = r.outcome == smtp::RecipientResult::Outcome::accepted;
                out(fmt::format("{} {}: {} ({} at {})\n", ok ? "✓" : "✗", r.mailbox,
                                ok ? "accepted" : r.outcome == smtp::RecipientResult::Outcome::transient ? "refused for now" : "refused",
                                r.reply.summary(), r.stage));
                if (!ok) status = 1;
            }
        }
        const int saved = save();
        return status ? status : saved;
    }
    if (o.fetch) {
        live::FetchOptions fo;
        fo.user = o.user;
        fo.password = password;
        fo.delete_after = o.delete_after;
        fo.mailbox = o.mailbox;
        fo.max_messages = o.max_messages;
        fo.apop = o.apop;
        auto fetched = session.fetch_mail(fo);
        session.close();
        int status = 0;
        if (!fetched) {
            std::fprintf(stderr, "mailsim: %s\n", session.failure().message(lang).c_str());
            status = 1;
        } else {
            out(fmt::format("\n{} message{} fetched\n", fetched->size(), fetched->size() == 1 ? "" : "s"));
            for (const auto& m : *fetched) {
                print_fetched(m, lang);
                if (o.save_dir.empty()) continue;
                const std::string path = (std::filesystem::path(o.save_dir) / (m.id + ".eml")).string();
                if (auto err = write_file_atomically(path, m.content)) {
                    std::fprintf(stderr, "mailsim: %s\n", err->message().c_str());
                    status = 1;
                    break;
                }
                out(fmt::format("saved as {}\n", path));
            }
        }
        const int saved = save();
        return status ? status : saved;
    }
    const bool interactive = o.script.empty();
    const bool prompt = interactive && ::isatty(STDIN_FILENO);
    size_t next = 0;
    int status = 0;
    for (;;) {
        std::string line;
        if (interactive) {
            if (prompt) std::fputs("C: ", stderr);
            if (!std::getline(std::cin, line)) break;
            if (!line.empty() && line.back() == '\r') line.pop_back();
        } else {
            if (next == script.size()) break;
            line = script[next++];
        }
        // Blank lines and comments are skipped, except inside message text.
        if (!session.in_text() && (line.empty() || line[0] == '#')) continue;
        if (!session.command(fill(line, o, password))) {
            if (session.connected() || session.failure().key != "live.error.server_closed") {
                std::fprintf(stderr, "mailsim: %s\n", session.failure().message(lang).c_str());
                status = 1;
            }
            break;
        }
    }
    session.close();
    const int saved = save();
    return status ? status : saved;
}

}  // namespace mailsim::cli
