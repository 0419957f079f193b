// test_text.cpp — every text key in use exists in both string files, with
// the same placeholders (STYLE.md #5; ImHex's check_langs.py).
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "protocol/catalog.hpp"
#include "protocol/pop3/client_session.hpp"
#include "protocol/pop3/server_session.hpp"
#include "protocol/smtp/client_session.hpp"
#include "support.hpp"
#include "text/text.hpp"

using namespace mailsim;

namespace {

// Keys spelled as string literals in the sources ("agent.queue.scan"), the
// way check_langs.py finds them.
std::set<std::string> keys_in_sources() {
    std::set<std::string> keys;
    static const std::string_view prefixes[] = {"cli.",  "agent.", "fault.", "smtp.",      "gui.",       "codec.",
                                                "pop3.", "imap.",  "http.",  "dns.query.", "dns.answer.", "import."};
    auto is_key_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; };
    for (const char* dir : {"sim", "gui"}) {
        std::filesystem::path root = std::filesystem::path(MAILSIM_SOURCE_DIR) / dir;
        if (!std::filesystem::exists(root)) continue;
        for (auto& f : std::filesystem::recursive_directory_iterator(root)) {
            auto ext = f.path().extension();
            if (ext != ".cpp" && ext != ".hpp") continue;
            std::ifstream in(f.path());
            std::stringstream ss;
            ss << in.rdbuf();
            std::string src = ss.str();
            // Every "string literal" made only of key characters that starts
            // with a key prefix and does not end in '.' (a prefix being joined).
            for (size_t open = src.find('"'); open != std::string::npos; open = src.find('"', open + 1)) {
                size_t close = open + 1;
                while (close < src.size() && is_key_char(src[close])) ++close;
                if (close >= src.size() || src[close] != '"') continue;
                std::string lit = src.substr(open + 1, close - open - 1);
                open = close;
                if (lit.empty() || lit.back() == '.') continue;
                for (auto p : prefixes)
                    if (lit.size() > p.size() && lit.compare(0, p.size(), p) == 0) keys.insert(lit);
            }
        }
    }
    return keys;
}

}  // namespace

TEST_CASE("both string files hold the same keys with the same placeholders") {
    const auto& en = text::all(text::Lang::en);
    const auto& zh = text::all(text::Lang::zh);
    for (const auto& [k, v] : en) {
        INFO("key " << k);
        REQUIRE(zh.count(k) == 1);
        auto pe = text::placeholders(v), pz = text::placeholders(zh.at(k));
        std::sort(pe.begin(), pe.end());
        std::sort(pz.begin(), pz.end());
        REQUIRE(pe == pz);
        REQUIRE(!v.empty());
        REQUIRE(!zh.at(k).empty());
    }
    for (const auto& [k, v] : zh) {
        INFO("key " << k);
        REQUIRE(en.count(k) == 1);
    }
}

TEST_CASE("every catalog row has its explanation and short name in both languages") {
    for (const auto& r : catalog::commands())
        for (auto lang : {text::Lang::en, text::Lang::zh}) {
            INFO(r.key);
            REQUIRE(text::find(lang, r.key));
            REQUIRE(text::find(lang, std::string(r.key) + ".name"));
        }
    for (const auto& r : catalog::replies())
        for (auto lang : {text::Lang::en, text::Lang::zh}) {
            INFO(r.key);
            REQUIRE(text::find(lang, r.key));
            REQUIRE(text::find(lang, std::string(r.key) + ".name"));
        }
}

TEST_CASE("the SMTP catalog has the 14 commands and 21 reply codes of RFC 821") {
    std::set<std::string> verbs, codes;
    for (const auto& r : catalog::commands())
        if (r.protocol == "smtp" && r.origin == catalog::Origin::rfc821) verbs.insert(std::string(r.verb));
    for (const auto& r : catalog::replies())
        if (r.protocol == "smtp" && r.in_rfc821) codes.insert(std::string(r.code));
    REQUIRE(verbs == std::set<std::string>{"HELO", "MAIL", "RCPT", "DATA", "RSET", "SEND", "SOML", "SAML", "VRFY", "EXPN",
                                           "HELP", "NOOP", "QUIT", "TURN"});
    REQUIRE(codes.size() == 21);
    REQUIRE(catalog::find_command("smtp", "ehlo"));
}

TEST_CASE("every text key used in the sources and in traces exists in both files") {
    std::set<std::string> used = keys_in_sources();
    // Keys built at run time: reply codes, states, event kinds, classes.
    for (auto s : {"Greeting", "Ready", "Mail", "Rcpt", "Data", "Quit", "Turned"}) used.insert(std::string("smtp.state.") + s);
    for (int i = 0; i <= static_cast<int>(smtp::ClientSession::State::Done); ++i)
        used.insert("smtp.state." + std::string(smtp::ClientSession::state_name(static_cast<smtp::ClientSession::State>(i))));
    for (int i = 0; i <= static_cast<int>(pop3::Pop3ClientSession::State::Done); ++i)
        used.insert("pop3.state." +
                    std::string(pop3::Pop3ClientSession::state_name(static_cast<pop3::Pop3ClientSession::State>(i))));
    for (int i = 0; i <= static_cast<int>(pop3::Pop3ServerSession::State::Closed); ++i)
        used.insert("pop3.state." +
                    std::string(pop3::Pop3ServerSession::state_name(static_cast<pop3::Pop3ServerSession::State>(i))));
    for (auto k : {EventKind::queue_enqueue, EventKind::queue_scan, EventKind::queue_defer})
        used.insert("cli." + std::string(to_string(k)));  // the transcript's labels for queue events
    for (char c : std::string("2345")) used.insert(std::string("smtp.reply.class.") + c);
    for (char c : std::string("012345")) used.insert(std::string("smtp.reply.digit2.") + c);
    auto w = test::run_scenario(scenario::default_scenario_json());
    for (size_t i = 0; i < w->trace().size(); ++i) {
        Event e = w->trace().at(i);
        if (!e.key.empty()) used.insert(std::string(e.key));
    }
    for (const auto& k : used)
        for (auto lang : {text::Lang::en, text::Lang::zh}) {
            INFO("key " << k << " (" << text::lang_name(lang) << ")");
            CHECK(text::find(lang, k));
        }
}

TEST_CASE("placeholders are filled, and a missing key shows itself") {
    REQUIRE(text::get(text::Lang::en, "cli.more_lines", {{"n", "7"}}) == "… 7 more lines of message text …");
    REQUIRE(text::get(text::Lang::en, "no.such.key") == "[no.such.key]");
}
