// test_command_probe.cpp — "type your own command": the simulated server's
// own engine answers a typed line, in the state it had at the cursor.
#include <catch2/catch.hpp>

#include "scenario/command_probe.hpp"
#include "support.hpp"

namespace {

using namespace mailsim;

// alice@crepes.fr writes to bob@hamburger.edu; hamburger.edu has a list "staff".
std::string probe_scenario(bool vrfy = true) {
    return std::string(R"({
  "name": "probe",
  "seed": 3,
  "servers": [
    { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"] },
    { "host": "mail.hamburger.edu", "domain": "hamburger.edu",
      "users": [ { "name": "bob", "display_name": "Bob" }, { "name": "carol", "display_name": "Carol" } ],
      "lists": { "staff": ["bob", "carol"] },
      "settings": { "vrfy": )") +
           (vrfy ? "true" : "false") + R"( } }
  ],
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" } ],
  "mails": [ { "at": "1s", "from": "alice@crepes.fr", "to": ["bob@hamburger.edu"], "subject": "Hi", "body": "Hello\n" } ]
})";
}

struct Probe {
    scenario::Scenario s;
    std::unique_ptr<agents::World> world;
    std::uint32_t conn = 0;     // the relay's connection: mail.crepes.fr → mail.hamburger.edu
    size_t after_accept = 0;    // a cursor just after it was accepted
    size_t after_mail = 0;      // a cursor just after the client's MAIL FROM

    explicit Probe(bool vrfy = true) {
        auto parsed = scenario::parse_scenario(probe_scenario(vrfy), "probe");
        REQUIRE(parsed.ok());
        s = *parsed;
        world = scenario::build_world(s, true);
        world->run(kDay);
        const Trace& t = world->trace();
        for (size_t i = 0; i < t.size(); ++i) {
            const Event e = t.at(i);
            if (e.kind == EventKind::accept && e.host == "mail.hamburger.edu" && e.args == "port 25" && conn == 0) {
                conn = e.conn;
                after_accept = i + 1;
            }
            if (conn != 0 && e.conn == conn && e.kind == EventKind::bytes && e.verb == "MAIL" && after_mail == 0)
                after_mail = i + 1;
        }
        REQUIRE(conn != 0);
        REQUIRE(after_mail > after_accept);
    }
    scenario::ProbeResult run(size_t cursor, std::vector<std::string> lines) {
        return scenario::probe_smtp_commands(s, world->trace(), cursor, conn, lines);
    }
    // The code of the one reply to the one line typed.
    std::string code(size_t cursor, const std::string& line) {
        auto r = run(cursor, {line});
        REQUIRE(r.error_key == "");
        REQUIRE(r.answers.size() == 1);
        REQUIRE(r.answers[0].replies.size() == 1);
        return r.answers[0].replies[0].code;
    }
};

}  // namespace

TEST_CASE("a typed VRFY of a known user gets 250 with the name, of an unknown one 550") {
    Probe p;
    auto r = p.run(p.after_mail, {"VRFY bob", "VRFY nobody"});
    REQUIRE(r.error_key == "");
    REQUIRE(r.answers.size() == 2);
    REQUIRE(r.answers[0].replies.at(0).code == "250");
    CHECK(r.answers[0].replies[0].bytes.find("Bob <bob@hamburger.edu>") != std::string::npos);
    CHECK(r.answers[0].replies[0].key == "smtp.reply.250");
    CHECK(r.answers[0].replies[0].cls == catalog::ReplyClass::completion);
    REQUIRE(r.answers[1].replies.at(0).code == "550");
    CHECK(r.answers[1].replies[0].cls == catalog::ReplyClass::permanent);
}

TEST_CASE("a typed VRFY gets 252 from a server whose scenario turns VRFY off") {
    Probe p(false);
    CHECK(p.code(p.after_mail, "VRFY bob") == "252");
}

TEST_CASE("a typed EXPN lists the scenario's mailing list") {
    Probe p;
    auto r = p.run(p.after_accept, {"EHLO student.example", "EXPN staff"});
    REQUIRE(r.error_key == "");
    REQUIRE(r.answers.size() == 2);
    const auto& expn = r.answers[1].replies.at(0);
    CHECK(expn.code == "250");
    CHECK(expn.bytes.find("250-2.1.5 Bob <bob@hamburger.edu>\r\n") != std::string::npos);
    CHECK(expn.bytes.find("250 2.1.5 Carol <carol@hamburger.edu>\r\n") != std::string::npos);
    CHECK(p.code(p.after_mail, "EXPN nolist") == "550");
}

TEST_CASE("typed HELP gets 214 and NOOP 250, and neither moves the session") {
    Probe p;
    auto r = p.run(p.after_mail, {"HELP", "NOOP"});
    REQUIRE(r.error_key == "");
    CHECK(r.answers.at(0).replies.at(0).code == "214");
    CHECK(r.answers.at(0).replies.at(0).key == "smtp.reply.214");
    CHECK(r.answers.at(1).replies.at(0).code == "250");
    CHECK(r.answers.at(1).state_before == "Mail");
    CHECK(r.answers.at(1).state_after == "Mail");
}

TEST_CASE("a typed command out of sequence gets 503, an unknown one 500") {
    Probe p;
    // Just after the accept the client has not said EHLO yet: no transaction.
    CHECK(p.code(p.after_accept, "RCPT TO:<bob@hamburger.edu>") == "503");
    CHECK(p.code(p.after_mail, "DATA") == "503");  // no recipient yet
    CHECK(p.code(p.after_mail, "FROB now") == "500");
    CHECK(p.code(p.after_mail, "TURN") == "502");  // RFC 821 only: not implemented in this server's mode
    CHECK(p.code(p.after_mail, "VRFY") == "501");  // no argument
}

TEST_CASE("the state at the cursor is carried: after the recorded MAIL a typed RCPT is accepted") {
    Probe p;
    auto r = p.run(p.after_mail, {"RCPT TO:<bob@hamburger.edu>", "RCPT TO:<nobody@hamburger.edu>", "RSET",
                                  "RCPT TO:<bob@hamburger.edu>"});
    REQUIRE(r.error_key == "");
    REQUIRE(r.answers.size() == 4);
    CHECK(r.answers[0].state_before == "Mail");
    CHECK(r.answers[0].replies.at(0).code == "250");
    CHECK(r.answers[0].state_after == "Rcpt");
    CHECK(r.answers[1].replies.at(0).code == "550");
    CHECK(r.answers[2].replies.at(0).code == "250");
    CHECK(r.answers[3].replies.at(0).code == "503");  // RSET ended the transaction
}

TEST_CASE("typed lines after DATA are message text, and after QUIT go nowhere") {
    Probe p;
    auto r = p.run(p.after_mail, {"RCPT TO:<bob@hamburger.edu>", "DATA", "Subject: typed", "", "hi", ".", "QUIT", "NOOP"});
    REQUIRE(r.error_key == "");
    REQUIRE(r.answers.size() == 8);
    CHECK(r.answers[1].replies.at(0).code == "354");
    CHECK(r.answers[2].reading_text);
    CHECK(r.answers[5].replies.at(0).code == "250");
    CHECK(r.answers[6].replies.at(0).code == "221");
    CHECK(r.answers[7].closed);
    CHECK(r.answers[7].replies.empty());
}

TEST_CASE("the probe leaves the recorded trace as it was") {
    Probe p;
    const size_t before = p.world->trace().size();
    const std::string first = std::string(p.world->trace().at(p.after_mail - 1).bytes);
    p.run(p.after_mail, {"RCPT TO:<bob@hamburger.edu>", "DATA", "x", "."});
    CHECK(p.world->trace().size() == before);
    CHECK(std::string(p.world->trace().at(p.after_mail - 1).bytes) == first);
}

TEST_CASE("the probe says why it cannot answer") {
    Probe p;
    CHECK(p.run(0, {"NOOP"}).error_key == "probe.error.not_open");
    CHECK(p.run(p.world->trace().size(), {"NOOP"}).error_key == "probe.error.closed");
    CHECK(p.run(p.after_mail, {"NOOP\r\nQUIT"}).error_key == "probe.error.line_break");
    // A scenario without the trace's server.
    scenario::Scenario other = p.s;
    other.servers[1].host = "mx.hamburger.edu";
    auto r = scenario::probe_smtp_commands(other, p.world->trace(), p.after_mail, p.conn, {"NOOP"});
    CHECK(r.error_key == "probe.error.no_server");
    // A scenario whose run is not the trace's: one more mail, sent first.
    scenario::Scenario earlier = p.s;
    earlier.mails.insert(earlier.mails.begin(), earlier.mails.front());
    earlier.mails.front().at = 0;
    CHECK(scenario::probe_smtp_commands(earlier, p.world->trace(), p.after_mail, p.conn, {"NOOP"}).error_key ==
          "probe.error.diverged");
    // A POP3 connection of the default scenario is not SMTP.
    auto def = scenario::parse_scenario(scenario::default_scenario_json(), "default");
    REQUIRE(def.ok());
    auto w = scenario::build_world(*def, true);
    w->run(kDay);
    std::uint32_t pop = 0;
    size_t at = 0;
    for (size_t i = 0; i < w->trace().size() && pop == 0; ++i)
        if (w->trace().at(i).kind == EventKind::accept && w->trace().at(i).args == "port 110") {
            pop = w->trace().at(i).conn;
            at = i + 1;
        }
    REQUIRE(pop != 0);
    auto q = scenario::probe_smtp_commands(*def, w->trace(), at, pop, {"NOOP"});
    CHECK(q.error_key == "probe.error.not_smtp");
    CHECK(q.error_params.size() == 2);
}
