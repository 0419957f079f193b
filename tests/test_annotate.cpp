// test_annotate.cpp — the annotator labels bytes as the engines do.
//
// Recorded traces are stripped to their bytes and fed, connection by
// connection, through protocol::Annotator; each event must come back as one
// unit with the simulator's own verb, key and arguments, whether the bytes
// come whole, byte by byte or all of a connection's direction at once.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "protocol/annotate.hpp"
#include "scenario/scenario.hpp"
#include "scenario/lesson.hpp"
#include "support.hpp"

using namespace mailsim;
using protocol::Annotator;

namespace {

// Every scenario the repository has, and some that reach rarer paths.
std::vector<std::pair<std::string, std::string>> corpus() {
    std::vector<std::pair<std::string, std::string>> out;
    out.emplace_back("default", std::string(scenario::default_scenario_json()));
    for (const auto& f : std::filesystem::directory_iterator(MAILSIM_SOURCE_DIR "/lessons")) {
        if (f.path().extension() != ".json") continue;
        auto lesson = scenario::load_lesson(f.path().string());
        if (lesson && !lesson->scenario_json.empty())  // a lesson on a recorded trace runs no scenario
            out.emplace_back(f.path().filename().string(), lesson->scenario_json);
    }
    const std::string servers = R"(
  "servers": [ { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"],
                 "settings": {"queue_run_delay": "10s", "rfc821_mode": true, "turn": true} },
               { "host": "mail.hamburger.edu", "domain": "hamburger.edu", "users": [ {"name": "bob", "password": "ketchup"} ],
                 "settings": {"queue_run_delay": "10s", "rfc821_mode": true} } ],
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" },
              { "host": "bob-pc", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu", "password": "ketchup" },
              { "host": "bob-laptop", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu", "password": "ketchup" },
              { "host": "bob-phone", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu", "password": "ketchup" },
              { "host": "bob-browser", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu", "password": "ketchup" } ],
  "mails": [ { "at": "1s", "from": "bob@hamburger.edu", "to": "alice@crepes.fr", "subject": "held for TURN" },
             { "at": "2s", "from": "alice@crepes.fr", "to": ["bob@hamburger.edu", "nobody@hamburger.edu"], "subject": "one", "body": "first\n.dot\n" },
             { "at": "3s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "slides", "body": "see the slides\n",
               "attachments": [ { "filename": "slides.pdf", "content_type": "application/pdf", "size": 6000 } ] } ],
  "faults": [ { "type": "link-down", "between": ["mail.hamburger.edu", "mail.crepes.fr"], "from": "0s", "until": "5s" } ],)";
    out.emplace_back("every way of reading", "{" + servers + R"(
  "fetches": [ { "at": "1m", "agent": "bob-laptop", "protocol": "imap", "idle": "3m", "file_into": "INBOX/Read" },
               { "at": "90s", "agent": "bob-phone", "protocol": "imap" },
               { "at": "2m", "agent": "bob-browser", "protocol": "http" },
               { "at": "6m", "agent": "bob-pc", "protocol": "pop3" } ] })");
    out.emplace_back("overrides", "{" + servers + R"(
  "fetches": [ { "at": "1m", "agent": "bob-laptop", "protocol": "imap" },
               { "at": "1m", "agent": "bob-browser", "protocol": "http" },
               { "at": "2m", "agent": "bob-pc", "protocol": "pop3", "mode": "keep" } ],
  "overrides": [
      { "server": "mail.hamburger.edu", "protocol": "imap", "command": "SELECT", "reply": "NO [UNAVAILABLE] mailbox locked" },
      { "server": "mail.hamburger.edu", "protocol": "http", "command": "GET", "match": "/inbox", "reply": "503 Service Unavailable" },
      { "server": "mail.hamburger.edu", "protocol": "smtp", "command": "RCPT", "match": "nobody", "reply": "550 5.1.1 No such user here" } ] })");
    return out;
}

struct Labelled {
    std::string verb, key, args;
    size_t size;
};

// The events' own labels, connection by connection, with their bytes.
struct Stream {
    std::string protocol;
    std::vector<std::pair<Direction, Labelled>> units;
    std::string to_server, to_client;  // everything each way, in order
    std::vector<std::string> bytes;
};

std::map<std::uint32_t, Stream> streams(const Trace& t) {
    std::map<std::uint32_t, Stream> out;
    for (size_t i = 0; i < t.size(); ++i) {
        const Event e = t.at(i);
        if (e.kind != EventKind::bytes) continue;
        Stream& s = out[e.conn];
        if (s.protocol.empty()) s.protocol = std::string(e.protocol);
        s.units.push_back({e.dir, {std::string(e.verb), std::string(e.key), std::string(e.args), e.bytes.size()}});
        s.bytes.emplace_back(e.bytes);
        (e.dir == Direction::to_server ? s.to_server : s.to_client).append(e.bytes);
    }
    return out;
}

}  // namespace

TEST_CASE("the annotator labels every recorded unit as the engine that sent it did") {
    size_t units = 0;
    std::map<std::string, size_t> protocols;
    for (const auto& [name, json] : corpus()) {
        auto w = test::run_scenario(json);
        for (auto& [conn, s] : streams(w->trace())) {
            Annotator whole(s.protocol), trickle(s.protocol), observer(s.protocol);
            for (size_t i = 0; i < s.units.size(); ++i) {
                const auto& [dir, want] = s.units[i];
                INFO(name << ", connection " << conn << " (" << s.protocol << "), unit " << i << ": " << s.bytes[i].substr(0, 120));
                auto got = whole.feed(dir, s.bytes[i]);
                REQUIRE(got.size() == 1);
                CHECK(got[0].a.verb == want.verb);
                CHECK(got[0].a.key == want.key);
                CHECK(got[0].a.args == want.args);
                CHECK(got[0].bytes == s.bytes[i]);
                // Byte by byte: nothing until the last byte, then the same unit.
                std::vector<protocol::Unit> pieces;
                for (char c : s.bytes[i]) {
                    auto u = trickle.feed(dir, std::string_view(&c, 1));
                    pieces.insert(pieces.end(), u.begin(), u.end());
                }
                REQUIRE(pieces.size() == 1);
                CHECK(pieces[0].a.key == want.key);
                // Labels given: the same role, class and carried message.
                const auto seen = observer.observe(dir, s.bytes[i], want.verb, want.key);
                CHECK(seen.from_client == got[0].a.from_client);
                CHECK(seen.cls == got[0].a.cls);
                CHECK(seen.message.has_value() == got[0].a.message.has_value());
                ++units;
                ++protocols[s.protocol];
            }
        }
    }
    // Every protocol was tried, on many units each.
    CHECK(protocols.size() == 4);
    for (const auto& [p, n] : protocols) {
        INFO(p << ": " << n << " units");
        CHECK(n >= 40);
    }
    CHECK(units > 900);
}

TEST_CASE("a client's pipelined commands and a server's multi-line replies come apart by themselves") {
    Annotator a("smtp");
    CHECK(a.feed(Direction::to_client, "220 mx ESMTP\r\n").size() == 1);
    auto cmds = a.feed(Direction::to_server, "MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nRCPT TO:<c@y>\r\nDATA\r\n");
    REQUIRE(cmds.size() == 4);
    CHECK(cmds[1].a.verb == "RCPT");
    CHECK(cmds[1].a.args == "TO:<b@y>");
    auto replies = a.feed(Direction::to_client, "250-mx\r\n250 ok\r\n250 ok\r\n550 5.1.1 No such user here\r\n354 go ahead\r\n");
    REQUIRE(replies.size() == 4);  // "250-mx 250 ok" is one reply
    CHECK(replies[2].a.cls == catalog::ReplyClass::permanent);
    CHECK(replies[3].a.verb == "354");
    // The text ends only at CRLF "." CRLF: a bare LF "." does not end it (no smuggling).
    CHECK(a.feed(Direction::to_server, "Subject: hi\r\n\r\n..leading dot\n.\nstill text\r\n").empty());
    auto text = a.feed(Direction::to_server, ".\r\nQUIT\r\n");
    REQUIRE(text.size() == 2);
    CHECK(text[0].a.key == "smtp.message");
    REQUIRE(text[0].a.message);
    const auto& m = *text[0].a.message;
    CHECK(m.mail_from == "a@x");
    REQUIRE(m.rcpt_to.size() == 2);
    CHECK(m.rcpt_to[1] == std::pair<std::string, std::string>{"c@y", "550"});
    CHECK(protocol::carried_text(text[0].bytes, m) == "Subject: hi\r\n\r\n.leading dot\n.\nstill text\r\n");
    CHECK(text[1].a.verb == "QUIT");
}

TEST_CASE("POP3 answers are one unit with their lines, and IMAP and HTTP carry the message whole") {
    Annotator pop("pop3");
    pop.feed(Direction::to_client, "+OK ready\r\n");
    pop.feed(Direction::to_server, "LIST\r\nRETR 1\r\nLIST 1\r\n");
    auto answers = pop.feed(Direction::to_client, "+OK 1 messages\r\n1 20\r\n.\r\n+OK 20 octets\r\nSubject: x\r\n\r\n..hi\r\n.\r\n+OK 1 20\r\n");
    REQUIRE(answers.size() == 3);
    CHECK(!answers[0].a.message);
    REQUIRE(answers[1].a.message);
    CHECK(protocol::carried_text(answers[1].bytes, *answers[1].a.message) == "Subject: x\r\n\r\n.hi\r\n");
    CHECK(answers[2].bytes == "+OK 1 20\r\n");

    Annotator imap("imap");
    imap.feed(Direction::to_client, "* OK [CAPABILITY IMAP4rev1] ready\r\n");
    imap.feed(Direction::to_server, "A1 UID FETCH 1 (BODY.PEEK[])\r\n");
    auto fetch = imap.feed(Direction::to_client, "* 1 FETCH (UID 1 BODY[] {12}\r\nSubject: x\r\n)\r\nA1 NO [TRYCREATE] no\r\n");
    REQUIRE(fetch.size() == 2);
    REQUIRE(fetch[0].a.message);
    CHECK(protocol::carried_text(fetch[0].bytes, *fetch[0].a.message) == "Subject: x\r\n");
    CHECK(fetch[1].a.key == "imap.code.TRYCREATE");
    CHECK(fetch[1].a.cls == catalog::ReplyClass::transient);
    // A client's literal waits for "+": the line and the octets are two units.
    auto append = imap.feed(Direction::to_server, "A2 APPEND INBOX {5}\r\n");
    REQUIRE(append.size() == 1);
    imap.feed(Direction::to_client, "+ go ahead\r\n");
    auto literal = imap.feed(Direction::to_server, "hello\r\n");
    REQUIRE(literal.size() == 1);
    CHECK(literal[0].a.key == "imap.literal");

    Annotator http("http");
    http.feed(Direction::to_server, "GET /m/1 HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\n\r\n");
    auto r = http.feed(Direction::to_client,
                       "HTTP/1.1 200 OK\r\nContent-Type: message/rfc822\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "5\r\nSubj:\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n");
    REQUIRE(r.size() == 2);  // the answer to HEAD has no body, whatever its length says
    CHECK(r[0].a.message);
    CHECK(r[1].bytes == "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n");
}

TEST_CASE("a unit cut off by the close still comes out, and nothing is lost") {
    Annotator a("smtp");
    a.feed(Direction::to_client, "220 mx\r\n");
    CHECK(a.feed(Direction::to_server, "EHLO x").empty());
    CHECK(a.pending(Direction::to_server) == 6);
    auto rest = a.finish(Direction::to_server);
    REQUIRE(rest.size() == 1);
    CHECK(rest[0].bytes == "EHLO x");
    CHECK(rest[0].a.verb == "EHLO");
    CHECK(a.pending(Direction::to_server) == 0);

    Annotator h("http");
    h.feed(Direction::to_server, "GET / HTTP/1.0\r\n\r\n");
    CHECK(h.feed(Direction::to_client, "HTTP/1.0 200 OK\r\n\r\nuntil the close").empty());
    auto body = h.finish(Direction::to_client);
    REQUIRE(body.size() == 1);
    CHECK(body[0].bytes.ends_with("until the close"));
}

TEST_CASE("a reply a teacher types is labelled as the catalog labels it") {
    CHECK(protocol::annotate_reply("smtp", "550 5.1.1 No such user here").key == "smtp.reply.550");
    CHECK(protocol::annotate_reply("smtp", "452 4.3.1 Insufficient system storage").cls == catalog::ReplyClass::transient);
    CHECK(protocol::annotate_reply("pop3", "-ERR invalid password").key == "pop3.reply.ERR");
    CHECK(protocol::annotate_reply("pop3", "+OK").key == "pop3.reply.OK");
    CHECK(protocol::annotate_reply("smtp", "hello").key.empty());
}
