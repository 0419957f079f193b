// test_scenario.cpp — bad scenario files get errors that name the JSON path
// and what was expected; never a crash.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace mailsim;

namespace {
std::string scenario_error_of(const std::string& json) {
    auto r = scenario::parse_scenario(json, "s.json");
    REQUIRE(!r);
    return r.error().message();
}
const std::string kBase = R"("servers": [ { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"] } ],
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" } ])";
}  // namespace

TEST_CASE("the default scenario parses and builds") {
    auto s = scenario::parse_scenario(scenario::default_scenario_json());
    REQUIRE(s);
    REQUIRE(s->servers.size() == 2);
    REQUIRE(s->mails.size() == 4);
    REQUIRE(s->fetches.size() == 4);  // POP3, IMAP with IDLE, the webmail, IMAP filing into a folder
}

TEST_CASE("a bad address in mails names mails[i].to") {
    std::string j = "{" + kBase + R"(, "mails": [ {"from": "alice@crepes.fr", "to": "bob"},
      {"from": "alice@crepes.fr", "to": "bob@x.org"}, {"from": "alice@crepes.fr", "to": ["ok@x.org", 42]} ] })";
    REQUIRE(scenario_error_of(j) == "s.json: mails[0].to: expected an address such as bob@hamburger.edu, found \"bob\"");
    std::string k = "{" + kBase + R"(, "mails": [ {"from": "alice@crepes.fr", "to": "a@b.c"}, {"from": "alice@crepes.fr", "to": "a@b.c"},
      {"from": "alice@crepes.fr", "to": ["ok@x.org", 42]} ] })";
    REQUIRE(scenario_error_of(k) == "s.json: mails[2].to[1]: expected an address such as bob@hamburger.edu, found the number 42");
}

TEST_CASE("a syntax error names the byte, line and column") {
    std::string e = scenario_error_of("{\n  \"servers\": [\n    { \"host\": \"a\" ,, }\n  ]\n}");
    REQUIRE(e.find("s.json: byte 36 (line 3, column 20): invalid JSON") == 0);
}

TEST_CASE("unknown keys and settings suggest the right name") {
    REQUIRE(scenario_error_of("{" + kBase + R"(, "mials": [] })") == "s.json: mials: unknown key \"mials\" (did you mean \"mails\"?)");
    std::string j = R"({ "servers": [ { "host": "m.a.org", "domain": "a.org", "settings": { "queue_run_dely": "30s" } } ] })";
    REQUIRE(scenario_error_of(j) ==
            "s.json: servers[0].settings.queue_run_dely: unknown setting \"queue_run_dely\" (did you mean \"queue_run_delay\"?)");
}

TEST_CASE("wrong kinds of values say what was expected") {
    REQUIRE(scenario_error_of(R"({ "servers": {} })") == "s.json: servers: expected an array, found an object");
    REQUIRE(scenario_error_of(R"({ "servers": [ { "host": "m.a.org", "domain": "a.org", "settings": { "queue_run_delay": "soon" } } ] })") ==
            "s.json: servers[0].settings.queue_run_delay: expected a duration such as \"90s\", \"250ms\", \"5m\" or a number of seconds, found the string \"soon\"");
    REQUIRE(scenario_error_of(R"({ "servers": [ { "host": "m.a.org", "domain": "a.org", "settings": { "pipelining": "yes" } } ] })") ==
            "s.json: servers[0].settings.pipelining: expected true or false, found the string \"yes\"");
    REQUIRE(scenario_error_of(R"({ "servers": [ { "host": "m.a.org" } ] })") == "s.json: servers[0].domain: missing (required)");
    REQUIRE(scenario_error_of(R"({ "seed": -1, "servers": [] })") == "s.json: seed: expected a number from 0 to 9223372036854775807, found -1");
}

TEST_CASE("references to hosts and users that do not exist are caught") {
    REQUIRE(scenario_error_of(R"({ "servers": [], "agents": [ { "host": "pc", "user": "a@b.c", "server": "nowhere.org" } ] })") ==
            "s.json: agents[0].server: no server \"nowhere.org\" in servers[]");
    REQUIRE(scenario_error_of("{" + kBase + R"(, "mails": [ {"from": "zed@crepes.fr", "to": "a@b.c"} ] })") ==
            "s.json: mails[0].from: no agent in agents[] has the user \"zed@crepes.fr\"");
    REQUIRE(scenario_error_of("{" + kBase + R"(, "faults": [ {"type": "host-down", "host": "ghost.org"} ] })") ==
            "s.json: faults[0].host: no host \"ghost.org\" in this scenario");
    REQUIRE(scenario_error_of(R"({ "servers": [ { "host": "a.org", "domain": "a.org" }, { "host": "a.org", "domain": "b.org" } ] })") ==
            "s.json: servers[1].host: host \"a.org\" is defined twice");
}

TEST_CASE("overrides are checked: command, reply line, server") {
    REQUIRE(scenario_error_of("{" + kBase + R"(, "overrides": [ {"server": "mail.crepes.fr", "command": "RCPT", "reply": "nope"} ] })") ==
            "s.json: overrides[0].reply: expected a reply line such as \"550 5.1.1 No such user here\", found \"nope\"");
    REQUIRE(scenario_error_of("{" + kBase + R"(, "overrides": [ {"server": "mail.crepes.fr", "command": "FETCH", "reply": "550 x"} ] })")
                .find("s.json: overrides[0].command: expected an SMTP command") == 0);
    REQUIRE(scenario_error_of("{" + kBase + R"(, "overrides": [ {"server": "x.org", "command": "RCPT", "reply": "550 x"} ] })") ==
            "s.json: overrides[0].server: no mail server \"x.org\" in servers[]");
}

TEST_CASE("faults are checked: type and time order") {
    REQUIRE(scenario_error_of("{" + kBase + R"(, "faults": [ {"type": "meteor", "host": "mail.crepes.fr"} ] })")
                .find("s.json: faults[0].type: expected \"host-down\"") == 0);
    REQUIRE(scenario_error_of("{" + kBase + R"(, "faults": [ {"type": "host-down", "host": "mail.crepes.fr", "from": "9s", "until": "5s"} ] })") ==
            "s.json: faults[0].until: must be later than \"from\"");
}

TEST_CASE("garbage of every kind never crashes the reader") {
    for (std::string junk : {"", "null", "[]", "42", "\"x\"", "{", "8e988e98", "[1e999]", "{\"servers\": [null]}", "{\"servers\": [[]]}",
                             "{\"servers\": [{\"host\": 1}]}", "\xff\xfe{}", "{\"servers\":[],\"mails\":[{}]}"}) {
        auto r = scenario::parse_scenario(junk, "junk");
        REQUIRE(!r);
        REQUIRE(r.error().message().rfind("junk", 0) == 0);
    }
}
