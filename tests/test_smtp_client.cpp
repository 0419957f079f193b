// test_smtp_client.cpp — the sender-SMTP engine talking to the receiver
// engine over an in-memory link.
#include <catch2/catch.hpp>

#include "support.hpp"

using test::Pair;
using test::transaction;
using namespace mailsim;
using Outcome = smtp::RecipientResult::Outcome;

TEST_CASE("client and server carry a message, the wire reads like the textbook") {
    smtp::ServerSettings ss;
    ss.pipelining = false;
    Pair p(ss, test::client_settings("mail.crepes.fr"));
    p.client.add(transaction({"bob@hamburger.edu"}));
    p.run();
    REQUIRE(p.wire ==
            "S: 220 mail.hamburger.edu ESMTP mailsim\n"
            "C: EHLO mail.crepes.fr\n"
            "S: 250-mail.hamburger.edu Hello mail.crepes.fr\nS: 250-SIZE 10240000\nS: 250-8BITMIME\n"
            "S: 250-ENHANCEDSTATUSCODES\nS: 250-VRFY\nS: 250-EXPN\nS: 250 HELP\n"
            "C: MAIL FROM:<alice@crepes.fr> SIZE=22\n"
            "S: 250 2.1.0 Ok\n"
            "C: RCPT TO:<bob@hamburger.edu>\n"
            "S: 250 2.1.5 Ok\n"
            "C: DATA\n"
            "S: 354 End data with <CR><LF>.<CR><LF>\n"
            "C: Subject: hi\nC: \nC: Hello\nC: .\n"
            "S: 250 2.0.0 Ok: queued as TEST1\n"
            "C: QUIT\n"
            "S: 221 2.0.0 mail.hamburger.edu Service closing transmission channel\n");
    REQUIRE(p.results.size() == 1);
    REQUIRE(p.results[0].recipients[0].outcome == Outcome::accepted);
    REQUIRE(p.policy.accepted.at(0) == "Subject: hi\r\n\r\nHello\r\n");
}

TEST_CASE("per-recipient results: bob accepted, nobody refused for good, erin for now") {
    Pair p({}, test::client_settings("mail.crepes.fr"));
    p.client.add(transaction({"bob@hamburger.edu", "nobody@hamburger.edu", "erin@hamburger.edu"}));
    p.run();
    REQUIRE(p.results.size() == 1);
    auto& r = p.results[0].recipients;
    REQUIRE(r[0].outcome == Outcome::accepted);
    REQUIRE(r[0].stage == "END-OF-DATA");
    REQUIRE(r[1].outcome == Outcome::permanent);
    REQUIRE(r[1].reply.code == 550);
    REQUIRE(r[1].stage == "RCPT");
    REQUIRE(r[2].outcome == Outcome::transient);
    REQUIRE(r[2].reply.code == 450);
}

TEST_CASE("with PIPELINING the client sends MAIL, every RCPT and DATA at once") {
    Pair p({}, test::client_settings("mail.crepes.fr"));
    p.client.add(transaction({"bob@hamburger.edu", "nobody@hamburger.edu"}));
    p.run();
    REQUIRE(p.wire.find("C: MAIL FROM:<alice@crepes.fr> SIZE=22\nC: RCPT TO:<bob@hamburger.edu>\n"
                        "C: RCPT TO:<nobody@hamburger.edu>\nC: DATA\n") != std::string::npos);
    REQUIRE(p.results.at(0).recipients[0].outcome == Outcome::accepted);
    REQUIRE(p.results.at(0).recipients[1].outcome == Outcome::permanent);
}

TEST_CASE("pipelined recipients that all fail: DATA gets 554 and the client RSETs") {
    Pair p({}, test::client_settings("mail.crepes.fr"));
    p.client.add(transaction({"nobody@hamburger.edu"}, "Subject: x\r\n\r\nx\r\n", 1));
    p.client.add(transaction({"bob@hamburger.edu"}, "Subject: y\r\n\r\ny\r\n", 2));
    p.run();
    REQUIRE(p.wire.find("S: 554 5.5.1 Error: no valid recipients\nC: RSET\n") != std::string::npos);
    REQUIRE(p.results.size() == 2);
    REQUIRE(p.results[0].recipients[0].outcome == Outcome::permanent);
    REQUIRE(p.results[1].recipients[0].outcome == Outcome::accepted);
}

TEST_CASE("a server that does not know EHLO: the client falls back to HELO") {
    smtp::ServerSettings ss;
    ss.esmtp = false;
    Pair p(ss, test::client_settings("mail.crepes.fr"));
    p.client.add(transaction({"bob@hamburger.edu"}));
    p.run();
    REQUIRE(p.wire.find("C: EHLO mail.crepes.fr\nS: 500 Error: command not recognized: EHLO\nC: HELO mail.crepes.fr\n") !=
            std::string::npos);
    REQUIRE(p.wire.find("C: MAIL FROM:<alice@crepes.fr>\n") != std::string::npos);  // no SIZE= to an RFC 821 server
    REQUIRE(p.results.at(0).recipients[0].outcome == Outcome::accepted);
}

TEST_CASE("a message over the server's SIZE is refused with 552 at MAIL") {
    smtp::ServerSettings ss;
    ss.message_size_limit = 10;
    Pair p(ss, test::client_settings("mail.crepes.fr"));
    p.client.add(transaction({"bob@hamburger.edu"}));
    p.run();
    REQUIRE(p.results.at(0).recipients[0].outcome == Outcome::permanent);
    REQUIRE(p.results.at(0).recipients[0].reply.code == 552);
    REQUIRE(p.results.at(0).recipients[0].stage == "MAIL");
}

TEST_CASE("dot-stuffing both ways: a line with a lone dot arrives intact") {
    Pair p({}, test::client_settings("mail.crepes.fr"));
    p.client.add(transaction({"bob@hamburger.edu"}, "Subject: dots\r\n\r\n.\r\n..two\r\n.x\r\n"));
    p.run();
    REQUIRE(p.wire.find("C: ..\nC: ...two\nC: ..x\nC: .\n") != std::string::npos);
    REQUIRE(p.policy.accepted.at(0) == "Subject: dots\r\n\r\n.\r\n..two\r\n.x\r\n");
}

TEST_CASE("several messages go over one connection, then one QUIT") {
    Pair p({}, test::client_settings("mail.crepes.fr"));
    for (std::uint64_t i = 1; i <= 3; ++i) p.client.add(transaction({"bob@hamburger.edu"}, "Subject: n\r\n\r\nx\r\n", i));
    p.run();
    REQUIRE(p.policy.accepted.size() == 3);
    size_t quits = 0;
    for (size_t pos = 0; (pos = p.wire.find("C: QUIT", pos)) != std::string::npos; ++pos) ++quits;
    REQUIRE(quits == 1);
}

TEST_CASE("a 421 greeting fails every transaction for now") {
    Pair p({}, test::client_settings("mail.crepes.fr"));
    p.policy.overrides.push_back({"CONNECT", smtp::Reply(421, "4.3.2", "try later")});
    p.client.add(transaction({"bob@hamburger.edu"}, "x\r\n", 1));
    p.client.add(transaction({"bob@hamburger.edu"}, "y\r\n", 2));
    p.run();
    REQUIRE(p.results.size() == 2);
    for (auto& r : p.results) REQUIRE(r.recipients[0].outcome == Outcome::transient);
    REQUIRE(p.client.wants_close());
}

TEST_CASE("a 554 greeting: the client says QUIT and the mail fails for good") {
    Pair p({}, test::client_settings("mail.crepes.fr"));
    p.policy.overrides.push_back({"CONNECT", smtp::Reply(554, "", "No SMTP service here")});
    p.client.add(transaction({"bob@hamburger.edu"}));
    p.run();
    REQUIRE(p.wire.find("C: QUIT") != std::string::npos);
    REQUIRE(p.results.at(0).recipients[0].outcome == Outcome::permanent);
}

TEST_CASE("a lost connection fails the unfinished transaction for now") {
    smtp::ClientSession c(test::client_settings("mail.crepes.fr"));
    c.add(transaction({"bob@hamburger.edu"}));
    c.receive("220 ready\r\n");
    c.connection_failed(smtp::Reply(421, "4.4.2", "Connection lost"), "CONNECTION");
    bool done = false;
    while (auto e = c.next_event())
        if (e->type == smtp::ClientSession::SessionEvent::Type::transaction_done) {
            done = true;
            REQUIRE(e->result.recipients[0].outcome == Outcome::transient);
        }
    REQUIRE(done);
}

TEST_CASE("a reply that is not SMTP ends the conversation without a crash") {
    smtp::ClientSession c(test::client_settings("mail.crepes.fr"));
    c.add(transaction({"bob@hamburger.edu"}));
    c.receive("HTTP/1.1 400 Bad Request\r\n\r\n");
    REQUIRE(c.wants_close());
}

TEST_CASE("reply lines parse with enhanced codes and multi-line continuation") {
    auto r = smtp::parse_reply_text("250-mail Hello\r\n250-SIZE 100\r\n250 HELP");
    REQUIRE(r);
    REQUIRE(r->code == 250);
    REQUIRE(r->lines.size() == 3);
    auto e = smtp::parse_reply_text("550 5.1.1 No such user here");
    REQUIRE(e->enhanced == "5.1.1");
    REQUIRE(e->first_line() == "No such user here");
    REQUIRE(e->wire(true) == "550 5.1.1 No such user here\r\n");
    REQUIRE(!smtp::parse_reply_text("hello"));
    REQUIRE(!smtp::parse_reply_text("250-first\r\n550 second"));
}

TEST_CASE("to a server offering SMTPUTF8, UTF-8 in an address or a header field adds SMTPUTF8 to MAIL") {
    smtp::ServerSettings ss;
    ss.smtputf8 = true;
    ss.pipelining = false;
    Pair p(ss, test::client_settings("mail.crepes.fr"));
    p.client.add(transaction({"bob@例子.测试"}));
    p.client.add(transaction({"bob@hamburger.edu"}, "Subject: 你好\r\n\r\nHello\r\n", 2));
    p.client.add(transaction({"bob@hamburger.edu"}, "Subject: hi\r\n\r\n你好\r\n", 3));  // UTF-8 only in the body
    p.run();
    INFO(p.wire);
    REQUIRE(p.results.size() == 3);
    for (const auto& r : p.results) CHECK(r.recipients.at(0).outcome == Outcome::accepted);
    CHECK(p.wire.find("C: MAIL FROM:<alice@crepes.fr> SIZE=22 SMTPUTF8\nS: 250") != std::string::npos);
    CHECK(p.wire.find("C: MAIL FROM:<alice@crepes.fr> SIZE=26 BODY=8BITMIME SMTPUTF8\n") != std::string::npos);
    CHECK(p.wire.find("C: MAIL FROM:<alice@crepes.fr> SIZE=23 BODY=8BITMIME\n") != std::string::npos);
}

TEST_CASE("without SMTPUTF8 offered, the client refuses a UTF-8 address itself and sends nothing of it") {
    Pair p({}, test::client_settings("mail.crepes.fr"));
    p.client.add(transaction({"bob@例子.测试"}));
    p.client.add(transaction({"bob@hamburger.edu"}, "Subject: 你好\r\n\r\nHello\r\n", 2));
    p.run();
    INFO(p.wire);
    REQUIRE(p.results.size() == 2);
    const auto& refused = p.results[0].recipients.at(0);
    CHECK(refused.outcome == Outcome::permanent);
    CHECK(refused.reply.code == 553);
    CHECK(refused.stage == "SMTPUTF8");
    CHECK(refused.reply.summary().find("does not offer SMTPUTF8") != std::string::npos);
    CHECK(p.wire.find("例子") == std::string::npos);
    // UTF-8 only in a header field: sent as before, without the parameter.
    CHECK(p.results[1].recipients.at(0).outcome == Outcome::accepted);
    CHECK(p.wire.find("SMTPUTF8") == std::string::npos);
}
