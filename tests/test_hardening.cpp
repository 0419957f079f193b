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
