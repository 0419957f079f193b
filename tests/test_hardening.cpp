// test_hardening.cpp — hostile files and texts (issue 17): each input is
// what an attacker or a careless teacher could hand mailsim, and each test
// checks the located error or the safe output. Big inputs (deep nesting,
// many parts) are generated here, never committed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "codec/sha256.hpp"
#include "core/json_input.hpp"
#include "core/trace_json.hpp"
#include "message/mime.hpp"
#include "protocol/http/server_session.hpp"
#include "scenario/lesson.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"
#include "view/transcript.hpp"

using namespace mailsim;

namespace {

std::string nested(size_t levels, std::string_view inner = "1") {
    std::string s;
    s.reserve(levels * 6 + inner.size());
    for (size_t i = 0; i < levels; ++i) s += "{\"a\":";
    s += inner;
    s.append(levels, '}');
    return s;
}

std::string one_event_trace(const std::string& detail) {
    return "{\"format\":\"mailsim-trace\",\"version\":1,\n\"source\":{\"kind\":\"simulation\"},\n\"hosts\":[],\n"
           "\"links\":[],\n\"events\":[\n{\"seq\":0,\"t\":0,\"kind\":\"note\",\"detail\":" +
           detail + "}\n]}\n";
}

std::string scenario_error(const std::string& body) {
    const std::string j = R"({"servers": [ { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"] } ],
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" } ], )" + body + "}";
    auto r = scenario::parse_scenario(j, "s.json");
    if (r) return "(accepted)";
    return r.error().message();
}

std::string override_error(const std::string& protocol, const std::string& command, const std::string& reply_json) {
    return scenario_error(R"("overrides": [ {"server": "mail.crepes.fr", "protocol": ")" + protocol +
                          R"(", "command": ")" + command + R"(", "reply": )" + reply_json + "} ]");
}

}  // namespace

TEST_CASE("a trace whose event detail nests 100,000 levels is refused at the bracket that goes too deep",
          "[hardening][json]") {
    const std::string text = one_event_trace(nested(100000));
    auto t = trace_from_json(text, "deep.json");
    REQUIRE_FALSE(t);
    // root { events [ event { detail {...: the 65th opening bracket is where it stops
    const size_t first = text.find("\"detail\":") + 9;
    const size_t at = first + (json_input::kMaxDepth - 3) * 5;
    CHECK(text[at] == '{');
    CHECK(t.error().where == json_input::locate(text, at, "deep.json"));
    CHECK(t.error().where.find("line 6") != std::string::npos);
    CHECK(t.error().what.find("nest more than 64 levels") != std::string::npos);
    // Just under the limit it still reads, through the fast reader or the DOM one.
    auto ok = trace_from_json(one_event_trace(nested(json_input::kMaxDepth - 3)), "ok.json");
    REQUIRE(ok);
    CHECK(ok->at(0).detail.size() > 100);
}

TEST_CASE("brackets inside strings do not count towards the nesting limit", "[hardening][json]") {
    const std::string s = "{\"a\":\"" + std::string(1000, '[') + "\\\"{{{\"}";
    CHECK_FALSE(json_input::too_deep(s));
    CHECK(json_input::parse(s, "s.json"));
    CHECK(json_input::too_deep("[[[", 2) == 2u);
    CHECK(json_input::parse_or_discard(std::string(200000, '[')).is_discarded());
}

TEST_CASE("a scenario or lesson nesting 200,000 levels gets a located error, not a crash", "[hardening][json]") {
    std::string deep(200000, '[');
    auto s = scenario::parse_scenario("{\"mails\": " + deep, "s.json");
    REQUIRE_FALSE(s);
    CHECK(s.error().where == "s.json: byte 73 (line 1, column 74)");  // the 64th "[" after the root "{"
    auto l = scenario::parse_lesson("{\"title\": \"T\",\n\"scenario\": " + nested(200000) + ", \"steps\": []}", "l.json");
    REQUIRE_FALSE(l);
    CHECK(l.error().where.rfind("l.json: byte ", 0) == 0);
    CHECK(l.error().where.find("line 2") != std::string::npos);
    CHECK_FALSE(scenario::looks_like_lesson("{\"steps\": " + deep));
}

TEST_CASE("override replies with CR, LF, NUL or ESC are refused with the place named", "[hardening][scenario]") {
    // Each would put a line of the scenario's choosing on the wire.
    CHECK(override_error("imap", "LOGIN", R"("OK done\r\n* BYE gone")") ==
          "s.json: overrides[0].reply: control character 0x0D (CR) at byte 7: this text goes into one protocol line "
          "or header field, where CR, LF, NUL and other control characters are not allowed");
    CHECK(override_error("pop3", "USER", R"("+OK\r\n+OK again")").find("overrides[0].reply: control character 0x0D") != std::string::npos);
    CHECK(override_error("http", "GET", R"("200 OK\r\nSet-Cookie: session=forged")").find("0x0D (CR) at byte 6") !=
          std::string::npos);
    CHECK(override_error("smtp", "RCPT", R"("550 no\rsuch")").find("0x0D (CR)") != std::string::npos);
    CHECK(override_error("smtp", "RCPT", R"("550 no\u0000such")").find("0x00 (NUL)") != std::string::npos);
    CHECK(override_error("smtp", "RCPT", R"("550 \u001b[31mred")").find("0x1B (ESC) at byte 4") != std::string::npos);
    CHECK(override_error("pop3", "USER", R"("-ERR no\nway")").find("0x0A (LF)") != std::string::npos);
    // A clean reply, with a TAB, still goes through.
    CHECK(override_error("smtp", "RCPT", R"("550 5.1.1 no\tsuch user")") == "(accepted)");
    CHECK(override_error("imap", "LOGIN", R"("NO [AUTHENTICATIONFAILED] wrong")") == "(accepted)");
}

TEST_CASE("a Subject or header value with CRLF cannot inject a Bcc: header or a body", "[hardening][scenario]") {
    const std::string mail = R"("mails": [ {"from": "alice@crepes.fr", "to": "bob@hamburger.edu", )";
    CHECK(scenario_error(mail + R"("subject": "Hi\r\nBcc: eve@evil.example\r\n\r\nforged body"} ])") ==
          "s.json: mails[0].subject: control character 0x0D (CR) at byte 2: this text goes into one protocol line or "
          "header field, where CR, LF, NUL and other control characters are not allowed");
    CHECK(scenario_error(mail + R"("headers": {"X-Course": "Networks\nBcc: eve@evil.example"}} ])")
              .find("mails[0].headers.X-Course: control character 0x0A (LF) at byte 8") != std::string::npos);
    CHECK(scenario_error(mail + R"("headers": {"Bcc: eve@evil.example\r\nX": "1"}} ])").find("header field name") !=
          std::string::npos);
    CHECK(scenario_error(mail + R"("attachments": [{"filename": "a\r\nb.txt", "text": "x"}]} ])")
              .find("attachments[0].filename: control character") != std::string::npos);
    CHECK(scenario_error(R"("fetches": [ {"agent": "alice-pc", "protocol": "imap", "commands": ["NOOP\u0000"]} ])")
              .find("fetches[0].commands[0]: control character 0x00 (NUL)") != std::string::npos);
    // The body is many lines by nature; a subject with only printable text is fine.
    CHECK(scenario_error(mail + R"("subject": "Lunch?", "body": "line 1\nline 2\r\n"} ])") == "(accepted)");
}

TEST_CASE("a peer's control bytes are never echoed into a reply", "[hardening][smtp]") {
    test::ServerHarness h;
    h.start();
    h.send("HELO a\rb\x1b[2Jc\r\n");
    CHECK(h.last() == "250 mail.hamburger.edu Hello a?b?[2Jc\r\n");
    h.send("EHLO x\x7fy\r\n");
    CHECK(h.last().rfind("250-mail.hamburger.edu Hello x?y\r\n", 0) == 0);
    // A reply line never carries a bare CR or LF, however it was made.
    smtp::Reply r(550, "", "no\r\n250 ok");
    CHECK(r.wire(false) == "550 no??250 ok\r\n");
}

namespace {

std::string quoted_list(const std::vector<std::string>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
    return s + "]";
}

// Every mail written ends delivered, bounced or refused with a notice, or
// still queued; the summary's mail counts add up to the mails written.
void check_every_mail_accounted(const Trace& t, size_t mails_written, const std::string& what) {
    INFO(what);
    const auto o = view::summarize(t);
    CHECK(o.mails_sent == mails_written);
    CHECK(o.mails_lost == 0);
    CHECK(o.mails_delivered + o.mails_bounced + o.mails_queued == o.mails_sent);
}

}  // namespace

TEST_CASE("a To: of 60 addresses is folded under 78 columns and every recipient gets the mail", "[hardening][queue]") {
    std::vector<std::string> users, to;
    for (int i = 0; i < 60; ++i) {
        users.push_back("student" + std::to_string(i));
        to.push_back("student" + std::to_string(i) + "@hamburger.edu");
    }
    const std::string users_json = quoted_list(users).substr(1, quoted_list(users).size() - 2);
    auto w = test::run_scenario(test::two_domains(
        R"({ "at": "1s", "from": "alice@crepes.fr", "to": )" + quoted_list(to) + R"(, "subject": "Exam", "body": "Room 4" })",
        "", "\"queue_run_delay\": \"30s\"", "", users_json));
    const auto o = view::summarize(w->trace());
    CHECK(o.delivered == 60);
    CHECK(o.refused == 0);
    CHECK(o.mails_delivered == 1);
    const std::string& stored = w->server("mail.hamburger.edu")->mailboxes().of("student59").at(0).content;
    const size_t to_at = stored.find("\r\nTo: ") + 2;
    const size_t end = stored.find("\r\nSubject: ", to_at);
    std::string field = stored.substr(to_at, end - to_at);
    size_t longest = 0;
    for (size_t a = 0, b; a <= field.size(); a = b + 2) {
        b = field.find("\r\n", a);
        if (b == std::string::npos) b = field.size();
        longest = std::max(longest, b - a);
        CHECK((a == 0 || field[a] == ' '));  // each continuation line starts with white space
    }
    CHECK(longest <= 78);
    CHECK(field.size() > 1000);
    // Unfolding gives the list back.
    std::string unfolded;
    for (size_t i = 0; i < field.size(); ++i)
        if (!(field[i] == '\r' && i + 1 < field.size() && field[i + 1] == '\n')) unfolded += field[i];
        else ++i;
    std::string joined = "To: ";
    for (size_t i = 0; i < to.size(); ++i) joined += (i ? ", " : "") + to[i];
    CHECK(unfolded == joined);
}

TEST_CASE("a mail its own server refuses is counted, with a notice, not lost", "[hardening][queue]") {
    // 1,200 octets without a space cannot be folded: the server refuses the line at DATA.
    const std::string subject(1200, 'x');
    auto w = test::run_scenario(test::two_domains(
        R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": ")" + subject + R"(" })"));
    const auto o = view::summarize(w->trace());
    CHECK(o.refused == 1);
    CHECK(o.mails_bounced == 1);
    CHECK(o.mails_lost == 0);
    CHECK(view::format_summary(o, {}).find("Mails written: 1: 0 delivered to every recipient, 1 bounced or refused") !=
          std::string::npos);
}

TEST_CASE("every mail of every scenario in the repo and of generated ones ends delivered or bounced or queued",
          "[hardening][queue]") {
    {
        auto w = test::run_scenario(scenario::default_scenario_json());
        check_every_mail_accounted(w->trace(), 4, "the default scenario");
    }
    for (const auto& f : std::filesystem::directory_iterator(std::string(MAILSIM_SOURCE_DIR) + "/lessons")) {
        if (f.path().extension() != ".json") continue;  // lessons/README.md
        auto l = scenario::load_lesson(f.path().string());
        REQUIRE(l);
        if (l->scenario_json.empty()) continue;  // a recorded trace: no scenario, no mails of ours
        auto s = scenario::parse_scenario(l->scenario_json, "lesson");
        REQUIRE(s);
        auto w = scenario::build_world(*s, true);
        w->run(s->until > 0 ? s->until : 30 * kDay);
        check_every_mail_accounted(w->trace(), s->mails.size(), f.path().filename().string());
    }
    // Generated: many recipients (past the recipient limit), unknown users,
    // unfoldable subjects, a size limit, faults and overrides, short runs.
    std::uint64_t x = 12345;
    auto next = [&](std::uint64_t n) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        return (x >> 33) % n;
    };
    for (int round = 0; round < 12; ++round) {
        std::string mails;
        const size_t n_mails = 1 + next(4);
        for (size_t m = 0; m < n_mails; ++m) {
            std::vector<std::string> to;
            const size_t n_to = 1 + next(m == 0 ? 260 : 5);
            for (size_t k = 0; k < n_to; ++k) {
                const auto pick = next(10);
                to.push_back(pick < 6 ? "bob@hamburger.edu" : pick < 8 ? "nobody" + std::to_string(k) + "@hamburger.edu"
                                                                       : "x@nowhere.example");
            }
            const std::string subject = next(4) == 0 ? std::string(1100, 's') : "Round " + std::to_string(round);
            mails += std::string(m ? ", " : "") + R"({ "at": ")" + std::to_string(1 + next(600)) +
                     R"(s", "from": "alice@crepes.fr", "to": )" + quoted_list(to) + R"(, "subject": ")" + subject +
                     R"(", "body": "hello" })";
        }
        std::string extra;
        if (next(3) == 0)
            extra = R"(, "faults": [ {"type": "greeting-421", "host": "mail.hamburger.edu", "from": "0s", "until": ")" +
                    std::to_string(60 + next(3000)) + R"(s"} ])";
        else if (next(2) == 0)
            extra = R"(, "overrides": [ {"server": "mail.hamburger.edu", "command": "END-OF-DATA", "reply": "452 4.3.1 full", "times": 2} ])";
        if (next(3) == 0) extra += R"(, "until": ")" + std::to_string(100 + next(2000)) + "s\"";
        const std::string crepes = next(3) == 0 ? "\"queue_run_delay\": \"30s\", \"message_size_limit\": 600"
                                                : "\"queue_run_delay\": \"30s\", \"recipient_limit\": 100";
        const std::string text = test::two_domains(mails, extra, crepes);
        auto s = scenario::parse_scenario(text, "generated");
        INFO(text.substr(0, 2000));
        REQUIRE(s);
        auto w = scenario::build_world(*s, true);
        w->run(s->until > 0 ? s->until : 30 * kDay);
        check_every_mail_accounted(w->trace(), n_mails, "generated round " + std::to_string(round));
    }
}

namespace {

std::string run_cli(const std::string& args) {
    std::string out;
    FILE* p = ::popen((std::string(MAILSIM_CLI) + " " + args + " 2>&1").c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    return out;
}

std::string temp_file(const std::string& name, const std::string& content) {
    const std::string path = (std::filesystem::temp_directory_path() / ("mailsim-hardening-" + name)).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

}  // namespace

TEST_CASE("control bytes from a trace never reach the terminal raw, coloured or not", "[hardening][cli]") {
    Event e;
    e.kind = EventKind::note;
    e.host = "evil\x1b[2J";
    const std::string args("clear\x1b]0;title\x07 nul\0after \xc2\x9b" "31m bad\xff", 36);
    e.args = args;  // Event fields are views
    for (bool colour : {false, true}) {
        view::TranscriptOptions o;
        o.color = colour;
        const std::string line = view::format_event(e, o);
        CHECK(line.find("evil\\x1b[2J") != std::string::npos);
        CHECK(line.find("\\x1b]0;title\\x07 nul\\x00after \\xc2\\x9b31m bad\\xff") != std::string::npos);
        CHECK(line.find('\0') == std::string::npos);
        CHECK(line.find('\x07') == std::string::npos);
        CHECK(line.find("\x1b[2J") == std::string::npos);
        CHECK(line.find("\xc2\x9b") == std::string::npos);
        if (!colour) CHECK(line.find('\x1b') == std::string::npos);
    }
    // Wire bytes too: the last line of a long message is shown, and is checked as well.
    Event b;
    b.kind = EventKind::bytes;
    b.key = "smtp.message";
    b.dir = Direction::to_server;
    std::string text;
    for (int i = 0; i < 20; ++i) text += "line\r\n";
    text += "\x1b[5mlast\r\n";
    b.bytes = text;
    CHECK(view::format_event(b, {}).find('\x1b') == std::string::npos);
    CHECK(view::visible("tab\there ünï 中文") == "tab\there ünï 中文");
}

TEST_CASE("mailsim mime and replay show ESC and NUL escaped and do not cut at a NUL", "[hardening][cli]") {
    const std::string msg = temp_file(
        "ctl.eml", std::string("From: a@b.example\r\nSubject: before\0after \x1b[31mred\r\n\r\nbody\r\n", 55));
    const std::string out = run_cli("mime --no-color " + msg);
    INFO(out);
    CHECK(out.find("Subject: before\\x00after \\x1b[31mred") != std::string::npos);
    CHECK(out.find('\x1b') == std::string::npos);
    const std::string json_out = run_cli("mime --json " + msg);
    CHECK(json_out.find('\x1b') == std::string::npos);  // JSON escapes it as \u001b

    // A trace whose event args carry ESC (JSON \u001b) replays with it shown.
    const std::string trace = temp_file(
        "ctl.json", "{\"format\":\"mailsim-trace\",\"version\":1,\n\"source\":{\"kind\":\"simulation\",\"name\":\"x\\u001b[2J\"},\n"
                    "\"hosts\":[],\n\"links\":[],\n\"events\":[\n{\"seq\":0,\"t\":0,\"kind\":\"note\",\"host\":\"h\","
                    "\"args\":\"a\\u001b[31mb\\u0000c\"}\n]}\n");
    const std::string replay = run_cli("replay --no-color " + trace);
    INFO(replay);
    CHECK(replay.find("a\\x1b[31mb\\x00c") != std::string::npos);
    CHECK(replay.find("x\\x1b[2J") != std::string::npos);
    CHECK(replay.find('\x1b') == std::string::npos);
    std::filesystem::remove(msg);
    std::filesystem::remove(trace);
}

namespace {

size_t count_parts(const message::Part& p) {
    size_t n = 1;
    for (const auto& c : p.children) n += count_parts(*c);
    return n;
}

}  // namespace

TEST_CASE("a message of 200,000 empty parts is split into at most 10,000, with a damage note", "[hardening][mime]") {
    std::string msg = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
    for (int i = 0; i < 200000; ++i) msg += "--b\r\n";
    msg += "--b--\r\n";
    auto m = message::parse(msg);
    CHECK(count_parts(*m.root) <= message::kMaxParts);
    CHECK(count_parts(*m.root) > message::kMaxParts - 10);
    REQUIRE_FALSE(m.damage.empty());
    CHECK(m.damage.front().what == "more than 10000 MIME parts in the message: the rest is not split into parts");
    CHECK(m.damage.front().offset == 45 + 5 * (message::kMaxParts - 1));  // the first delimiter not split
    // The last part keeps the rest: nothing is lost from the raw bytes.
    CHECK(m.root->children.back()->span.end >= msg.size() - 20);
    // Nested multiparts share the one budget.
    std::string nested = "Content-Type: multipart/mixed; boundary=a\r\n\r\n";
    for (int i = 0; i < 300; ++i) {
        nested += "--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n";
        for (int k = 0; k < 100; ++k) nested += "--b\r\n";
        nested += "--b--\r\n";
    }
    nested += "--a--\r\n";
    auto n = message::parse(nested);
    CHECK(count_parts(*n.root) <= message::kMaxParts + 1);
    // A million header lines without a colon: a bounded damage list.
    std::string junk;
    for (int i = 0; i < 100000; ++i) junk += "junk\r\n";
    auto j = message::parse(junk + "\r\nbody");
    CHECK(j.damage.size() == message::kMaxDamage + 1);
}

TEST_CASE("mailsim mime --json is streamed in nlohmann's dump(2) layout, and capped", "[hardening][mime][cli]") {
    std::string msg = "From: a@b.example\r\nSubject: =?UTF-8?B?w6k=?= \x1b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                      "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nw6k=!\r\n"
                      "--b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nhi\r\n--b--\r\n";
    const std::string small = temp_file("small.eml", msg);
    const std::string out = run_cli("mime --json " + small);
    INFO(out);
    const auto j = nlohmann::json::parse(out);
    CHECK(j.dump(2) + "\n" == out);
    CHECK(j["parts"].size() == 3);
    CHECK(j["parts"][0]["size"] == 2);
    CHECK(j["headers"][1]["value"] == "é \x1b");
    CHECK(j["damage"].size() == 1);
    std::string many = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
    for (int i = 0; i < 30000; ++i) many += "--b\r\n";
    const std::string big = temp_file("many.eml", many + "--b--\r\n");
    const auto k = nlohmann::json::parse(run_cli("mime --json " + big));
    CHECK(k["parts"].size() < message::kMaxParts);
    CHECK(k["damage"][0]["what"] == "more than 10000 MIME parts in the message: the rest is not split into parts");
    std::filesystem::remove(small);
    std::filesystem::remove(big);
}

TEST_CASE("the webmail's cookie secret is not a fixed string: random by default, from the seed in a run",
          "[hardening][http]") {
    CHECK(http::HttpSettings{}.cookie_secret != "mailsim");
    CHECK(http::random_cookie_secret() != http::random_cookie_secret());
    CHECK(http::random_cookie_secret().size() == 64);
    auto cookie_of = [](std::uint64_t seed) {
        auto s = scenario::parse_scenario(scenario::default_scenario_json());
        REQUIRE(s);
        s->seed = seed;
        auto w = scenario::build_world(*s, true);
        w->set_keep_secrets(true);  // the cookie in clear (redacted by default, test_redact.cpp)
        w->run(30 * kDay);
        const Trace& t = w->trace();
        bool marked = false;
        std::string cookie;
        for (size_t i = 0; i < t.size(); ++i) {
            const Event e = t.at(i);
            if (e.key == "agent.http.secret_from_seed") marked = true;
            if (auto at = e.bytes.find("Set-Cookie: session=bob."); cookie.empty() && at != std::string_view::npos)
                cookie = std::string(e.bytes.substr(at + 24, 32));
        }
        CHECK(marked);  // the trace says the secret came from the seed
        return cookie;
    };
    const std::string a = cookie_of(1), b = cookie_of(2);
    REQUIRE(a.size() == 32);
    CHECK(a != b);
    CHECK(a == cookie_of(1));  // still deterministic
    CHECK(a != codec::sha256_hex("mailsim\nbob").substr(0, 32));  // what anyone could forge before
}

TEST_CASE("saving never follows a planted file, keeps the file's mode and leaves no temporary file",
          "[hardening][files]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "mailsim-hardening-save";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string target = (dir / "trace.json").string();
    // The old predictable names, planted as symlinks to a file the attacker wants overwritten.
    const fs::path victim = dir / "victim";
    std::ofstream(victim) << "precious";
    for (const std::string& name : {target + ".tmp." + std::to_string(::getpid()), target + ".tmp.png"})
        fs::create_symlink(victim, name);
    REQUIRE_FALSE(write_file_atomically(target, "new content"));
    CHECK(*read_file(target) == "new content");
    CHECK(*read_file(victim.string()) == "precious");
    // An existing file's mode is kept (not forced to 0644).
    fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write);
    REQUIRE_FALSE(write_file_atomically(target, "again"));
    CHECK((fs::status(target).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
    // A failure (the target is a directory) leaves nothing behind and names the path.
    const std::string sub = (dir / "sub").string();
    fs::create_directories(sub);
    auto err = write_file_atomically(sub, "x");
    REQUIRE(err);
    CHECK(err->where == sub);
    std::set<std::string> names;
    for (const auto& f : fs::directory_iterator(dir)) names.insert(f.path().filename().string());
    // trace.json, the victim, the two planted links, sub: no temporary file left
    CHECK(names == std::set<std::string>{"trace.json", "victim", "sub", "trace.json.tmp." + std::to_string(::getpid()),
                                         "trace.json.tmp.png"});
    fs::remove_all(dir);
}

namespace {

// A peer that writes its whole dialogue at once, as a hostile client might.
struct RawClient : StreamEndpoint {
    std::string script;
    explicit RawClient(std::string s) : script(std::move(s)) {}
    void on_open(Network& net, ConnectionId id) override { net.send(id, Side::client, script, {}); }
    void on_data(Network&, ConnectionId, std::string_view) override {}
    void on_close(Network&, ConnectionId, CloseReason) override {}
};

}  // namespace

TEST_CASE("a HELO name with a bare CR cannot add a header field to the stored message", "[hardening][smtp]") {
    auto w = test::run_scenario(test::two_domains(""), kSecond);
    w->network().add_host("evil-pc");
    w->network().connect("evil-pc", "mail.hamburger.edu", 25,
                         std::make_unique<RawClient>("HELO evil\rBcc: eve@evil.example\r\nMAIL FROM:<a@b.example>\r\n"
                                                     "RCPT TO:<bob@hamburger.edu>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n"
                                                     "QUIT\r\n"));
    w->run(kMinute);
    const auto& box = w->server("mail.hamburger.edu")->mailboxes().of("bob");
    REQUIRE(box.size() == 1);
    INFO(box[0].content);
    CHECK(box[0].content.find("Received: from evil?Bcc: eve@evil.example (evil-pc)") != std::string::npos);
    CHECK(box[0].content.find("\rBcc:") == std::string::npos);
}
