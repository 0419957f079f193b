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
