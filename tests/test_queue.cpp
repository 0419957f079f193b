// test_queue.cpp — the mail servers end to end on the virtual clock: queue
// scans, retries, bounces, giving up, overrides and faults.
#include <catch2/catch.hpp>

#include "agents/user_agent.hpp"
#include "support.hpp"

using namespace mailsim;
using test::events_of;
using test::replies_with;
using test::run_scenario;
using test::two_domains;

namespace {
const char* kOneMail = R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "Hi", "body": "Hello Bob" })";
}

TEST_CASE("a message waits in the queue until the next scan, then reaches bob's mailbox") {
    auto w = run_scenario(two_domains(kOneMail));
    auto* bob = w->server("mail.hamburger.edu");
    REQUIRE(bob->mailboxes().of("bob").size() == 1);
    auto enq = events_of(w->trace(), EventKind::queue_enqueue);
    REQUIRE(enq.size() == 1);
    REQUIRE(enq[0].time < 2 * kSecond);
    auto scans = events_of(w->trace(), EventKind::queue_scan);
    REQUIRE(scans.size() == 1);
    REQUIRE(scans[0].time == 30 * kSecond);  // queue_run_delay 30s: nothing is sent before the scan
    auto conns = events_of(w->trace(), EventKind::connect);
    REQUIRE(conns.size() == 2);               // alice-pc → crepes (submission), crepes → hamburger (relay)
    REQUIRE(conns[1].time >= 30 * kSecond);
    auto del = events_of(w->trace(), EventKind::delivery);
    REQUIRE(del.size() == 1);
    REQUIRE(del[0].verb == "bob");
    const std::string& stored = bob->mailboxes().of("bob")[0].content;
    REQUIRE(stored.rfind("Return-Path: <alice@crepes.fr>\r\nReceived: from mail.crepes.fr", 0) == 0);
    REQUIRE(stored.find("Received: from alice-pc (alice-pc)\r\n\tby mail.crepes.fr") != std::string::npos);
    REQUIRE(stored.find("\r\nSubject: Hi\r\n") != std::string::npos);
    REQUIRE(w->server("mail.crepes.fr")->queue().empty());
}

TEST_CASE("the scan interval is a setting: 90s puts the relay at 90s") {
    auto w = run_scenario(two_domains(kOneMail, "", "\"queue_run_delay\": \"90s\""));
    REQUIRE(events_of(w->trace(), EventKind::queue_scan).at(0).time == 90 * kSecond);
}

TEST_CASE("an unknown recipient gets 550 and the sender a bounce naming it") {
    auto w = run_scenario(two_domains(
        R"({ "at": "1s", "from": "alice@crepes.fr", "to": ["bob@hamburger.edu", "nobody@hamburger.edu"], "subject": "Hi" })"));
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").size() == 1);
    auto bounces = events_of(w->trace(), EventKind::bounce);
    REQUIRE(bounces.size() == 1);
    auto& alice = w->server("mail.crepes.fr")->mailboxes().of("alice");
    REQUIRE(alice.size() == 1);
    REQUIRE(alice[0].bounce);
    REQUIRE(alice[0].content.find("<nobody@hamburger.edu>: host mail.hamburger.edu said: 550 5.1.1 "
                                  "<nobody@hamburger.edu>: No such user here (in reply to RCPT command)") !=
            std::string::npos);
    REQUIRE(alice[0].content.find("Return-Path: <>") == 0);
    REQUIRE(w->server("mail.crepes.fr")->queue().empty());
}

TEST_CASE("an override 550 on RCPT makes a bounce") {
    auto w = run_scenario(two_domains(
        kOneMail,
        R"(, "overrides": [ { "server": "mail.hamburger.edu", "command": "RCPT", "match": "bob", "reply": "550 5.7.1 Bob does not want mail" } ])"));
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").empty());
    REQUIRE(events_of(w->trace(), EventKind::bounce).size() == 1);
    REQUIRE(w->server("mail.crepes.fr")->mailboxes().of("alice").at(0).content.find("Bob does not want mail") !=
            std::string::npos);
}

TEST_CASE("421 at connect makes a retry at the next scan after the backoff") {
    auto w = run_scenario(two_domains(
        kOneMail, R"(, "faults": [ { "type": "greeting-421", "host": "mail.hamburger.edu", "from": "0s", "until": "40s" } ])",
        R"("queue_run_delay": "30s", "minimal_backoff_time": "20s")"));
    auto defers = events_of(w->trace(), EventKind::queue_defer);
    REQUIRE(defers.size() == 1);
    REQUIRE(defers[0].time > 30 * kSecond);
    REQUIRE(defers[0].time < 31 * kSecond);
    REQUIRE(replies_with(w->trace(), "421").size() == 1);
    // deferred at ~30.1s with a 20s backoff: not due at the 30s grid... due at 60s
    auto scans = events_of(w->trace(), EventKind::queue_scan);
    REQUIRE(scans.size() == 2);
    REQUIRE(scans[1].time == 60 * kSecond);
    auto del = events_of(w->trace(), EventKind::delivery);
    REQUIRE(del.size() == 1);
    REQUIRE(del[0].time > 60 * kSecond);
    REQUIRE(events_of(w->trace(), EventKind::bounce).empty());
}

TEST_CASE("retries back off: 60s, 120s, 240s between attempts, then success") {
    auto w = run_scenario(two_domains(
        kOneMail, R"(, "faults": [ { "type": "service-down", "host": "mail.hamburger.edu", "from": "0s", "until": "400s" } ])",
        R"("queue_run_delay": "10s", "minimal_backoff_time": "60s", "maximal_backoff_time": "1h")"));
    auto defers = events_of(w->trace(), EventKind::queue_defer);
    REQUIRE(defers.size() == 3);
    auto refused = events_of(w->trace(), EventKind::refuse);
    REQUIRE(refused.size() == 3);
    // attempts at 10s, then the first scan at or after +60s, +120s, +240s
    auto relay_connects = [&] {
        std::vector<SimTime> t;
        for (auto& e : events_of(w->trace(), EventKind::connect))
            if (e.host == "mail.crepes.fr") t.push_back(e.time);
        return t;
    }();
    REQUIRE(relay_connects.size() == 4);
    REQUIRE(relay_connects[0] == 10 * kSecond);
    REQUIRE(relay_connects[1] == 80 * kSecond);
    REQUIRE(relay_connects[2] == 210 * kSecond);
    REQUIRE(relay_connects[3] == 460 * kSecond);
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").size() == 1);
}

TEST_CASE("an explicit retry schedule is followed") {
    auto w = run_scenario(two_domains(
        kOneMail, R"(, "faults": [ { "type": "host-down", "host": "mail.hamburger.edu", "from": "0s", "until": "190s" } ])",
        R"("queue_run_delay": "5s", "retry_schedule": ["30s", "100s"])"));
    std::vector<SimTime> t;
    for (auto& e : events_of(w->trace(), EventKind::connect))
        if (e.host == "mail.crepes.fr") t.push_back(e.time);
    // host down: each attempt times out after 30s
    REQUIRE(t.size() == 3);
    REQUIRE(t[0] == 5 * kSecond);
    REQUIRE(t[1] == 65 * kSecond);   // timed out at 35s, +30s → 65s
    REQUIRE(t[2] == 195 * kSecond);  // timed out at 95s, +100s → 195s, a scan time (5s grid)
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").size() == 1);
}

TEST_CASE("still undelivered after the give-up time: the sender is told") {
    auto w = run_scenario(two_domains(
        kOneMail, R"(, "faults": [ { "type": "service-down", "host": "mail.hamburger.edu", "from": "0s" } ])",
        R"("queue_run_delay": "60s", "minimal_backoff_time": "60s", "maximal_queue_lifetime": "10m")"));
    auto bounces = events_of(w->trace(), EventKind::bounce);
    REQUIRE(bounces.size() == 1);
    REQUIRE(bounces[0].key == "agent.bounce.expired");
    REQUIRE(bounces[0].time >= 601 * kSecond);
    REQUIRE(bounces[0].time < 16 * kMinute);
    auto& alice = w->server("mail.crepes.fr")->mailboxes().of("alice");
    REQUIRE(alice.size() == 1);
    REQUIRE(alice[0].content.find("delivery time expired") != std::string::npos);
    REQUIRE(w->server("mail.crepes.fr")->queue().empty());
}

TEST_CASE("a domain that does not exist bounces at once") {
    auto w = run_scenario(two_domains(R"({ "at": "1s", "from": "alice@crepes.fr", "to": "who@nowhere.example" })"));
    auto bounces = events_of(w->trace(), EventKind::bounce);
    REQUIRE(bounces.size() == 1);
    REQUIRE(w->server("mail.crepes.fr")->mailboxes().of("alice").at(0).content.find("Host or domain name not found") !=
            std::string::npos);
}

TEST_CASE("a backup MX takes the mail when the first refuses") {
    std::string s = R"({
  "servers": [
    { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"], "settings": {"queue_run_delay": "10s"} },
    { "host": "mx1.hamburger.edu", "domain": "hamburger.edu", "users": ["bob"] },
    { "host": "mx2.hamburger.edu", "domain": "hamburger.edu", "users": ["bob"] } ],
  "dns": { "mx": { "hamburger.edu": [ {"host": "mx1.hamburger.edu", "preference": 10},
                                      {"host": "mx2.hamburger.edu", "preference": 20} ] } },
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" } ],
  "mails": [ { "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu" } ],
  "faults": [ { "type": "service-down", "host": "mx1.hamburger.edu" } ] })";
    auto w = run_scenario(s);
    REQUIRE(w->server("mx2.hamburger.edu")->mailboxes().of("bob").size() == 1);
    REQUIRE(events_of(w->trace(), EventKind::queue_defer).empty());
}

TEST_CASE("a forwarded user gets 251 and the mail goes on, a moved user gets 551 and a bounce") {
    auto w = run_scenario(two_domains(
        R"({ "at": "1s", "from": "alice@crepes.fr", "to": ["carol@hamburger.edu", "dave@hamburger.edu"] })", "",
        R"("queue_run_delay": "10s")", "",
        R"({"name": "carol", "forward_to": "alice@crepes.fr"}, {"name": "dave", "moved_to": "dave@crepes.fr"})"));
    REQUIRE(replies_with(w->trace(), "251").size() == 1);
    REQUIRE(replies_with(w->trace(), "551").size() == 1);
    auto& alice = w->server("mail.crepes.fr")->mailboxes().of("alice");
    REQUIRE(alice.size() == 2);  // the forwarded copy and the bounce for dave
}

TEST_CASE("a busy mailbox gets 450: the message is retried, not bounced") {
    auto w = run_scenario(two_domains(kOneMail, "", R"("queue_run_delay": "10s", "maximal_queue_lifetime": "100s")", "",
                                      R"({"name": "bob", "busy": true})"));
    REQUIRE(replies_with(w->trace(), "450").size() >= 2);
    auto bounces = events_of(w->trace(), EventKind::bounce);
    REQUIRE(bounces.size() == 1);
    REQUIRE(bounces[0].key == "agent.bounce.expired");
}

TEST_CASE("port 25 is no open relay: 554 for a foreign domain") {
    std::string s = R"({
  "servers": [ { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"], "settings": {"queue_run_delay": "10s"} },
               { "host": "mail.hamburger.edu", "domain": "hamburger.edu", "users": ["bob"] } ],
  "dns": { "mx": { "elsewhere.org": [ {"host": "mail.hamburger.edu"} ] } },
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" } ],
  "mails": [ { "at": "1s", "from": "alice@crepes.fr", "to": "eve@elsewhere.org" } ] })";
    auto w = run_scenario(s);
    auto refused = replies_with(w->trace(), "554");
    REQUIRE(refused.size() == 2);  // RCPT refused, then the pipelined DATA: no valid recipients
    REQUIRE(refused[0].args == "5.7.1 <eve@elsewhere.org>: Relay access denied");
    REQUIRE(events_of(w->trace(), EventKind::bounce).size() == 1);
}

TEST_CASE("452 from a full server on MAIL: the message waits for a retry") {
    auto w = run_scenario(two_domains(
        kOneMail,
        R"(, "overrides": [ { "server": "mail.hamburger.edu", "command": "MAIL", "reply": "452 4.3.1 Insufficient system storage", "times": 1 } ])",
        R"("queue_run_delay": "10s", "minimal_backoff_time": "10s")"));
    REQUIRE(replies_with(w->trace(), "452").size() == 1);
    REQUIRE(events_of(w->trace(), EventKind::queue_defer).size() == 1);
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").size() == 1);
}

TEST_CASE("mail from one connection: the user agent sends two mails over one SMTP session") {
    auto w = run_scenario(two_domains(
        R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "one" },
           { "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "two" })"));
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").size() == 2);
    REQUIRE(events_of(w->trace(), EventKind::connect).size() == 2);  // one submission, one relay
}

TEST_CASE("RFC 821 SEND reaches a logged-in user's terminal, not the mailbox") {
    auto w = run_scenario(two_domains(
        R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "body": "Lunch?", "mode": "send" })", "",
        R"("queue_run_delay": "10s", "rfc821_mode": true)", R"("rfc821_mode": true)",
        R"({"name": "bob", "terminal": true})"));
    auto notices = events_of(w->trace(), EventKind::notice);
    REQUIRE(notices.size() == 1);
    REQUIRE(notices[0].args.find("Lunch?") != std::string::npos);
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").empty());
}

TEST_CASE("RFC 821 TURN: the receiver sends back the mail it held for the sender's domain") {
    // hamburger holds a reply for alice, but cannot reach crepes (its port 25
    // is closed to it); when crepes delivers and says TURN, it gets it.
    std::string s = R"({
  "servers": [
    { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"],
      "settings": {"queue_run_delay": "60s", "rfc821_mode": true, "turn": true} },
    { "host": "mail.hamburger.edu", "domain": "hamburger.edu", "users": ["bob"],
      "settings": {"queue_run_delay": "10s", "rfc821_mode": true} } ],
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" },
              { "host": "bob-pc", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu" } ],
  "mails": [ { "at": "1s", "from": "bob@hamburger.edu", "to": "alice@crepes.fr", "subject": "held for TURN" },
             { "at": "2s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "hello" } ],
  "links": [ { "between": ["mail.hamburger.edu", "mail.crepes.fr"], "latency": "30ms" } ],
  "faults": [ { "type": "link-down", "between": ["mail.hamburger.edu", "mail.crepes.fr"], "from": "0s", "until": "50s" } ] })";
    auto w = run_scenario(s, 59 * kSecond + 900 * kMillisecond);
    // Before 60s crepes has not scanned; hamburger's attempts failed (link down).
    REQUIRE(w->server("mail.crepes.fr")->mailboxes().of("alice").empty());
    w->run(30 * kDay);
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").size() == 1);
    REQUIRE(w->server("mail.crepes.fr")->mailboxes().of("alice").size() == 1);
    // The TURN went over crepes' connection.
    bool turned = false;
    for (size_t i = 0; i < w->trace().size(); ++i) {
        Event e = w->trace().at(i);
        if (e.kind == EventKind::bytes && e.verb == "TURN") turned = true;
    }
    REQUIRE(turned);
}

TEST_CASE("a mail loop is cut at max_hops with 554") {
    // ping at crepes forwards to pong at hamburger, who forwards back.
    std::string s = R"({
  "servers": [
    { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice", {"name": "ping", "forward_to": "pong@hamburger.edu"}],
      "settings": {"queue_run_delay": "5s", "max_hops": 6} },
    { "host": "mail.hamburger.edu", "domain": "hamburger.edu", "users": [{"name": "pong", "forward_to": "ping@crepes.fr"}],
      "settings": {"queue_run_delay": "5s", "max_hops": 6} } ],
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" } ],
  "mails": [ { "at": "1s", "from": "alice@crepes.fr", "to": "pong@hamburger.edu" } ] })";
    auto l = run_scenario(s);
    auto loops = replies_with(l->trace(), "554");
    REQUIRE(loops.size() == 1);
    REQUIRE(loops[0].args.find("5.4.6") != std::string::npos);
    REQUIRE(l->server("mail.crepes.fr")->mailboxes().of("alice").size() == 1);  // the bounce
}

TEST_CASE("bob reads by POP3: download-and-delete empties the mailbox, his phone then finds nothing") {
    std::string s = R"({
  "servers": [ { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"], "settings": {"queue_run_delay": "10s"} },
               { "host": "mail.hamburger.edu", "domain": "hamburger.edu", "users": [ {"name": "bob", "password": "ketchup"} ] } ],
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" },
              { "host": "bob-pc", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu", "password": "ketchup" },
              { "host": "bob-phone", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu", "password": "ketchup" } ],
  "mails": [ { "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "one", "body": ".\nhi" },
             { "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "two" } ],
  "fetches": [ { "at": "1m", "agent": "bob-pc", "protocol": "pop3", "mode": "delete" },
               { "at": "2m", "agent": "bob-phone", "protocol": "pop3", "mode": "delete" } ] })";
    auto w = run_scenario(s);
    auto* pc = w->agent("bob-pc");
    auto* phone = w->agent("bob-phone");
    REQUIRE(pc->inbox().size() == 2);
    REQUIRE(pc->inbox()[0].find("Subject: one\r\n") != std::string::npos);
    REQUIRE(pc->inbox()[0].find("\r\n.\r\nhi\r\n") != std::string::npos);  // dot-stuffed on the way, whole on arrival
    REQUIRE(phone->inbox().empty());
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").empty());
    bool update = false;
    for (size_t i = 0; i < w->trace().size(); ++i) update = update || w->trace().at(i).key == "agent.pop3.update";
    REQUIRE(update);
}

TEST_CASE("bob reads by POP3 in download-and-keep mode: both devices get the mail, the server keeps it") {
    std::string s = R"({
  "servers": [ { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"], "settings": {"queue_run_delay": "10s"} },
               { "host": "mail.hamburger.edu", "domain": "hamburger.edu", "users": ["bob"] } ],
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" },
              { "host": "bob-pc", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu" },
              { "host": "bob-phone", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu" } ],
  "mails": [ { "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "one" } ],
  "fetches": [ { "at": "1m", "agent": "bob-pc", "mode": "keep", "apop": true },
               { "at": "2m", "agent": "bob-phone", "mode": "keep" },
               { "at": "3m", "agent": "bob-pc", "mode": "keep" } ] })";
    auto w = run_scenario(s);
    REQUIRE(w->agent("bob-pc")->inbox().size() == 1);  // the second fetch found nothing new (UIDL)
    REQUIRE(w->agent("bob-phone")->inbox().size() == 1);
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").size() == 1);
}

TEST_CASE("a POP3 override answers -ERR on PASS: the agent reports it and nothing is fetched") {
    std::string s = R"({
  "servers": [ { "host": "mail.hamburger.edu", "domain": "hamburger.edu", "users": ["bob"] } ],
  "agents": [ { "host": "bob-pc", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu" } ],
  "fetches": [ { "at": "1s", "agent": "bob-pc" } ],
  "overrides": [ { "server": "mail.hamburger.edu", "protocol": "pop3", "command": "PASS", "reply": "-ERR [IN-USE] maildrop locked" } ] })";
    auto w = run_scenario(s);
    REQUIRE(w->agent("bob-pc")->errors().size() == 1);
    REQUIRE(w->agent("bob-pc")->errors()[0].find("maildrop locked") != std::string::npos);
}

TEST_CASE("7-bit rule: to a server without 8BITMIME the user agent sends a Chinese body as base64 and says why") {
    auto w = run_scenario(two_domains(
        R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "系统", "body": "计算机网络：自顶向下方法" })",
        "", R"("queue_run_delay": "10s", "8bitmime": false)"));
    const auto& box = w->server("mail.hamburger.edu")->mailboxes().of("bob");
    REQUIRE(box.size() == 1);
    const std::string& m = box[0].content;
    REQUIRE(m.find("Content-Transfer-Encoding: base64\r\n") != std::string::npos);
    REQUIRE(m.find("Subject: =?UTF-8?B?57O757uf?=\r\n") != std::string::npos);
    REQUIRE(!has_8bit(m));
    bool said = false;
    for (size_t i = 0; i < w->trace().size(); ++i) said = said || w->trace().at(i).key == "agent.ua.seven_bit.base64";
    REQUIRE(said);
}

TEST_CASE("7-bit rule: a mostly-English body goes as quoted-printable") {
    auto w = run_scenario(two_domains(
        R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "menu", "body": "Crêpes at eight, then a café. See you there, bring the cider!" })",
        "", R"("queue_run_delay": "10s", "8bitmime": false)"));
    const std::string& m = w->server("mail.hamburger.edu")->mailboxes().of("bob").at(0).content;
    REQUIRE(m.find("Content-Transfer-Encoding: quoted-printable\r\n") != std::string::npos);
    REQUIRE(m.find("Cr=C3=AApes at eight") != std::string::npos);
}

TEST_CASE("7-bit rule: a relay re-encodes 8-bit text for a server without 8BITMIME instead of meeting 554 (RFC 6152 3)") {
    auto w = run_scenario(two_domains(
        R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "body": "系统" })", "",
        R"("queue_run_delay": "10s")", R"("8bitmime": false)"));
    REQUIRE(replies_with(w->trace(), "554").empty());
    REQUIRE(events_of(w->trace(), EventKind::bounce).empty());
    const auto& box = w->server("mail.hamburger.edu")->mailboxes().of("bob");
    REQUIRE(box.size() == 1);
    REQUIRE(box[0].content.find("Content-Transfer-Encoding: base64\r\n") != std::string::npos);
    REQUIRE(!has_8bit(box[0].content));
    bool said = false;
    for (size_t i = 0; i < w->trace().size(); ++i) said = said || w->trace().at(i).key == "agent.relay.seven_bit.base64";
    REQUIRE(said);
}

TEST_CASE("SMTPUTF8 in a scenario: a UTF-8 recipient goes with SMTPUTF8 where offered, and bounces at the relay where not") {
    const char* mail = R"({ "at": "1s", "from": "alice@crepes.fr", "to": "用户@hamburger.edu", "subject": "Hi", "body": "Hello" })";
    // Both servers offer it: the address reaches hamburger.edu, which has no such user (550).
    auto on = run_scenario(two_domains(mail, "", R"("queue_run_delay": "10s", "smtputf8": true)", R"("smtputf8": true)"));
    auto mails = test::with_key(on->trace(), "smtp.cmd.MAIL");
    REQUIRE(mails.size() == 2);
    for (const auto& e : mails) CHECK(e.bytes.find(" SMTPUTF8\r\n") != std::string_view::npos);
    CHECK(replies_with(on->trace(), "550").size() == 1);
    // hamburger.edu does not offer it: the relay's client refuses the address itself; nothing reaches hamburger.edu.
    auto off = run_scenario(two_domains(mail, "", R"("queue_run_delay": "10s", "smtputf8": true)"));
    mails = test::with_key(off->trace(), "smtp.cmd.MAIL");
    REQUIRE(mails.size() == 1);  // only alice-pc → mail.crepes.fr
    REQUIRE(events_of(off->trace(), EventKind::bounce).size() == 1);
    // The non-delivery report in alice's mailbox gives the client's own reason.
    const auto& box = off->server("mail.crepes.fr")->mailboxes().of("alice");
    REQUIRE(box.size() == 1);
    CHECK(box[0].content.find("553 5.6.7") != std::string::npos);
    CHECK(box[0].content.find("does not offer SMTPUTF8") != std::string::npos);
}
