// test_smtp_server.cpp — the receiver-SMTP engine, command by command and
// reply code by reply code, fed as a peer would feed it.
#include <catch2/catch.hpp>

#include "support.hpp"

using test::ServerHarness;
using namespace mailsim;

TEST_CASE("the server greets with 220 and its name") {
    ServerHarness h;
    h.start();
    REQUIRE(h.last() == "220 mail.hamburger.edu ESMTP mailsim\r\n");
}

TEST_CASE("EHLO lists the ESMTP extensions, HELO does not") {
    ServerHarness h;
    h.start();
    h.send("EHLO mail.crepes.fr\r\n");
    REQUIRE(h.last() ==
            "250-mail.hamburger.edu Hello mail.crepes.fr\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
            "250-ENHANCEDSTATUSCODES\r\n250-VRFY\r\n250-EXPN\r\n250 HELP\r\n");
    h.send("HELO mail.crepes.fr\r\n");
    REQUIRE(h.last() == "250 mail.hamburger.edu Hello mail.crepes.fr\r\n");
}

TEST_CASE("a whole mail transaction: MAIL, RCPT, DATA, text, dot, QUIT") {
    ServerHarness h;
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\n");
    REQUIRE(h.last() == "250 2.1.0 Ok\r\n");
    h.send("RCPT TO:<bob@hamburger.edu>\r\n");
    REQUIRE(h.last() == "250 2.1.5 Ok\r\n");
    h.send("DATA\r\n");
    REQUIRE(h.last() == "354 End data with <CR><LF>.<CR><LF>\r\n");
    REQUIRE(h.session->state() == smtp::ServerSession::State::Data);
    h.send("Subject: hi\r\n\r\nDo you like ketchup?\r\n..leading dot\r\n.\r\n");
    REQUIRE(h.last() == "250 2.0.0 Ok: queued as TEST1\r\n");
    REQUIRE(h.policy.accepted.size() == 1);
    REQUIRE(h.policy.accepted[0] == "Subject: hi\r\n\r\nDo you like ketchup?\r\n.leading dot\r\n");
    h.send("QUIT\r\n");
    REQUIRE(h.last() == "221 2.0.0 mail.hamburger.edu Service closing transmission channel\r\n");
    REQUIRE(h.session->wants_close());
}

TEST_CASE("several messages on one connection") {
    ServerHarness h;
    h.ready();
    for (int i = 0; i < 3; ++i) {
        h.send("MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n");
        h.send("Subject: " + std::to_string(i) + "\r\n\r\nbody\r\n.\r\n");
        REQUIRE(h.last_code() == 250);
    }
    REQUIRE(h.policy.accepted.size() == 3);
}

TEST_CASE("several RCPT get answers of their own: 250 for bob, 550 for nobody") {
    ServerHarness h;
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\n");
    h.send("RCPT TO:<bob@hamburger.edu>\r\n");
    REQUIRE(h.last_code() == 250);
    h.send("RCPT TO:<nobody@hamburger.edu>\r\n");
    REQUIRE(h.last() == "550 5.1.1 No such user here\r\n");
    h.send("DATA\r\n");
    REQUIRE(h.last_code() == 354);
}

TEST_CASE("RCPT before MAIL gets 503") {
    ServerHarness h;
    h.ready();
    h.send("RCPT TO:<bob@hamburger.edu>\r\n");
    REQUIRE(h.last() == "503 5.5.1 Error: need MAIL command\r\n");
}

TEST_CASE("MAIL before HELO gets 503, DATA before RCPT gets 503, nested MAIL gets 503") {
    ServerHarness h;
    h.start();
    h.send("MAIL FROM:<alice@crepes.fr>\r\n");
    REQUIRE(h.last_code() == 503);
    h.send("EHLO x.org\r\nMAIL FROM:<alice@crepes.fr>\r\nDATA\r\n");
    REQUIRE(h.last() == "503 5.5.1 Error: need RCPT command\r\n");
    h.send("MAIL FROM:<alice@crepes.fr>\r\n");
    REQUIRE(h.last() == "503 5.5.1 Error: nested MAIL command\r\n");
}

TEST_CASE("DATA after every RCPT failed gets 554") {
    ServerHarness h;
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<nobody@hamburger.edu>\r\nDATA\r\n");
    REQUIRE(h.last() == "554 5.5.1 Error: no valid recipients\r\n");
}

TEST_CASE("unknown commands get 500 and the session goes on") {
    ServerHarness h;
    h.ready();
    h.send("XYZZY magic\r\n");
    REQUIRE(h.last() == "500 5.5.2 Error: command not recognized: XYZZY\r\n");
    h.send("NOOP\r\n");
    REQUIRE(h.last() == "250 2.0.0 Ok\r\n");
}

TEST_CASE("bad arguments get 501") {
    ServerHarness h;
    h.ready();
    h.send("MAIL alice@crepes.fr\r\n");
    REQUIRE(h.last_code() == 501);
    h.send("HELO\r\n");
    REQUIRE(h.last() == "501 5.5.4 Syntax: HELO hostname\r\n");
    h.send("RSET now\r\n");
    REQUIRE(h.last_code() == 501);
    h.send("VRFY\r\n");
    REQUIRE(h.last_code() == 501);
}

TEST_CASE("a mailbox that is not an address gets 553") {
    ServerHarness h;
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@@hamburger..edu>\r\n");
    REQUIRE(h.last_code() == 553);
    REQUIRE(h.last().find("5.1.3") != std::string::npos);
}

TEST_CASE("SEND, SOML, SAML and TURN answer 502 unless in RFC 821 mode") {
    for (auto verb : {"SEND FROM:<alice@crepes.fr>", "SOML FROM:<alice@crepes.fr>", "SAML FROM:<alice@crepes.fr>", "TURN"}) {
        ServerHarness h;
        h.ready();
        h.send(std::string(verb) + "\r\n");
        REQUIRE(h.last_code() == 502);
    }
    smtp::ServerSettings s;
    s.rfc821_mode = true;
    ServerHarness h(s);
    h.ready("HELO mail.crepes.fr\r\n");
    h.send("SEND FROM:<alice@crepes.fr>\r\n");
    REQUIRE(h.last_code() == 250);
    REQUIRE(h.session->envelope().mode == smtp::MailMode::send);
    h.send("RSET\r\nSOML FROM:<alice@crepes.fr>\r\n");
    REQUIRE(h.session->envelope().mode == smtp::MailMode::soml);
    h.send("RSET\r\nSAML FROM:<alice@crepes.fr>\r\n");
    REQUIRE(h.session->envelope().mode == smtp::MailMode::saml);
    h.send("RSET\r\nTURN\r\n");
    REQUIRE(h.last_code() == 250);
    REQUIRE(h.session->state() == smtp::ServerSession::State::Turned);
}

TEST_CASE("VRFY and EXPN ask the policy, VRFY off gives 252, EXPN off gives 502") {
    ServerHarness h;
    h.ready();
    h.send("VRFY bob\r\n");
    REQUIRE(h.last() == "250 2.1.5 Bob <bob@hamburger.edu>\r\n");
    h.send("EXPN staff\r\n");
    REQUIRE(h.last() == "250-2.1.5 Bob <bob@hamburger.edu>\r\n250 2.1.5 Carol <carol@hamburger.edu>\r\n");
    smtp::ServerSettings s;
    s.vrfy = false;
    s.expn = false;
    ServerHarness off(s);
    off.ready();
    off.send("VRFY bob\r\n");
    REQUIRE(off.last_code() == 252);
    off.send("EXPN staff\r\n");
    REQUIRE(off.last_code() == 502);
}

TEST_CASE("HELP gives 214, HELP STATUS gives 211, an unknown topic 504") {
    ServerHarness h;
    h.ready();
    h.send("HELP\r\n");
    REQUIRE(h.last_code() == 214);
    REQUIRE(h.last().find("HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY EXPN HELP") != std::string::npos);
    h.send("HELP RCPT\r\n");
    REQUIRE(h.last_code() == 214);
    REQUIRE(h.last().find("RCPT TO:") != std::string::npos);
    h.send("HELP STATUS\r\n");
    REQUIRE(h.last_code() == 211);
    h.send("HELP FROBNICATE\r\n");
    REQUIRE(h.last_code() == 504);
}

TEST_CASE("SIZE: a declared size over the limit gets 552 at MAIL") {
    smtp::ServerSettings s;
    s.message_size_limit = 1000;
    ServerHarness h(s);
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr> SIZE=5000\r\n");
    REQUIRE(h.last_code() == 552);
    REQUIRE(h.last().find("5.3.4") != std::string::npos);
    h.send("MAIL FROM:<alice@crepes.fr> SIZE=500\r\n");
    REQUIRE(h.last_code() == 250);
}

TEST_CASE("SIZE: undeclared text over the limit gets 552 at the final dot") {
    smtp::ServerSettings s;
    s.message_size_limit = 100;
    ServerHarness h(s);
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n");
    h.send(std::string(200, 'x') + "\r\n.\r\n");
    REQUIRE(h.last_code() == 552);
    REQUIRE(h.policy.accepted.empty());
}

TEST_CASE("unknown MAIL parameters get 555, BODY=BINARYMIME gets 504") {
    ServerHarness h;
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr> FOO=1\r\n");
    REQUIRE(h.last_code() == 555);
    h.send("MAIL FROM:<alice@crepes.fr> BODY=BINARYMIME\r\n");
    REQUIRE(h.last_code() == 504);
    h.send("MAIL FROM:<alice@crepes.fr> BODY=8BITMIME\r\n");
    REQUIRE(h.last_code() == 250);
    REQUIRE(h.session->envelope().body_8bit);
}

TEST_CASE("a command line over 512 octets gets 500, not a crash, and the session goes on") {
    ServerHarness h;
    h.ready();
    h.send("NOOP " + std::string(5000, 'a') + "\r\n");
    REQUIRE(h.last_code() == 500);
    REQUIRE(h.last().find("Line too long") != std::string::npos);
    h.send("NOOP\r\n");
    REQUIRE(h.last_code() == 250);
}

TEST_CASE("a text line over 1000 octets gets 500 at the end of DATA") {
    ServerHarness h;
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n");
    h.send("short\r\n" + std::string(1500, 'y') + "\r\nshort again\r\n.\r\n");
    REQUIRE(h.last_code() == 500);
    REQUIRE(h.policy.accepted.empty());
    h.send("NOOP\r\n");
    REQUIRE(h.last_code() == 250);
}

TEST_CASE("a bare LF never ends DATA, only CRLF.CRLF does") {
    ServerHarness h;
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n");
    h.send("line one\n.\nstill the message\r\n");
    REQUIRE(h.last_code() == 354);  // nothing ended
    h.send(".\n");
    REQUIRE(h.last_code() == 354);
    h.send("\r\n.\r\n");
    REQUIRE(h.last_code() == 250);
    REQUIRE(h.policy.accepted.at(0).find("line one\n.\nstill the message") != std::string::npos);
}

TEST_CASE("the server without 8BITMIME refuses 8-bit text with 554") {
    smtp::ServerSettings s;
    s.eightbitmime = false;
    ServerHarness h(s);
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n");
    h.send("Subject: caf\xc3\xa9\r\n\r\n\xe7\xb3\xbb\xe7\xbb\x9f\r\n.\r\n");
    REQUIRE(h.last_code() == 554);
    REQUIRE(h.last().find("5.6.7") != std::string::npos);
}

TEST_CASE("an RFC 821 server does not know EHLO: 500") {
    smtp::ServerSettings s;
    s.esmtp = false;
    ServerHarness h(s);
    h.start();
    h.send("EHLO mail.crepes.fr\r\n");
    REQUIRE(h.last_code() == 500);
    h.send("HELO mail.crepes.fr\r\n");
    REQUIRE(h.last() == "250 mail.hamburger.edu Hello mail.crepes.fr\r\n");
    h.send("MAIL FROM:<alice@crepes.fr>\r\n");
    REQUIRE(h.last() == "250 Ok\r\n");  // no enhanced codes after HELO
}

TEST_CASE("recipients over the limit get 452") {
    smtp::ServerSettings s;
    s.recipient_limit = 2;
    ServerHarness h(s);
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\n");
    h.send("RCPT TO:<bob@hamburger.edu>\r\nRCPT TO:<bob@hamburger.edu>\r\nRCPT TO:<bob@hamburger.edu>\r\n");
    REQUIRE(h.replies.size() == 4);
    REQUIRE(h.last_code() == 452);
}

TEST_CASE("the policy's 251, 551, 450 and 451 reach the wire") {
    ServerHarness h;
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<carol@hamburger.edu>\r\n");
    REQUIRE(h.last_code() == 251);
    h.send("RCPT TO:<dave@hamburger.edu>\r\n");
    REQUIRE(h.last() == "551 5.1.6 User not local; please try <dave@new.example>\r\n");
    h.send("RCPT TO:<erin@hamburger.edu>\r\n");
    REQUIRE(h.last_code() == 450);
    h.send("DATA\r\nPLEASE-FAIL-451\r\n.\r\n");
    REQUIRE(h.last_code() == 451);
}

TEST_CASE("overrides replace replies: 421 at connect closes, 452 on MAIL refuses") {
    ServerHarness h;
    h.policy.overrides.push_back({"CONNECT", smtp::Reply(421, "4.3.2", "mail.hamburger.edu Service not available")});
    h.start();
    REQUIRE(h.last() == "421 mail.hamburger.edu Service not available\r\n");
    REQUIRE(h.session->wants_close());

    ServerHarness m;
    m.policy.overrides.push_back({"MAIL", smtp::Reply(452, "4.3.1", "Insufficient system storage")});
    m.ready();
    m.send("MAIL FROM:<alice@crepes.fr>\r\n");
    REQUIRE(m.last() == "452 4.3.1 Insufficient system storage\r\n");
    REQUIRE(m.session->state() == smtp::ServerSession::State::Ready);
}

TEST_CASE("a 554 greeting leaves the connection open for QUIT") {
    ServerHarness h;
    h.policy.overrides.push_back({"CONNECT", smtp::Reply(554, "", "No SMTP service here")});
    h.start();
    REQUIRE(h.last() == "554 No SMTP service here\r\n");
    REQUIRE(!h.session->wants_close());
}

TEST_CASE("a 421 reply to any command closes the session") {
    ServerHarness h;
    h.policy.overrides.push_back({"RCPT", smtp::Reply(421, "4.3.2", "going down")});
    h.ready();
    h.send("MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n");
    REQUIRE(h.last_code() == 421);
    REQUIRE(h.session->wants_close());
}

TEST_CASE("commands are case-insensitive and a bare LF ends a command line") {
    ServerHarness h;
    h.start();
    h.send("ehlo mail.crepes.fr\nmail from:<alice@crepes.fr>\n");
    REQUIRE(h.last_code() == 250);
    REQUIRE(h.session->state() == smtp::ServerSession::State::Mail);
}

TEST_CASE("a session fed whole or byte by byte answers the same") {
    std::string input =
        "EHLO a.example\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nRCPT TO:<x@y.z>\r\n"
        "DATA\r\nSubject: t\r\n\r\n..dot\r\nbody\r\n.\r\nVRFY bob\r\nHELP\r\nNOOP " +
        std::string(600, 'z') + "\r\nQUIT\r\n";
    ServerHarness whole;
    whole.start();
    whole.send(input);
    ServerHarness trickle;
    trickle.start();
    for (char c : input) trickle.send(std::string(1, c));
    REQUIRE(whole.replies == trickle.replies);
    REQUIRE(whole.policy.accepted == trickle.policy.accepted);
}

// Message text that arrives after the 354 is taken line by line straight
// from the bytes while it is plain (whole CRLF lines, none too long), and
// through the line framer otherwise; wherever the segments break, the
// stored text and the replies must be the same.
TEST_CASE("message text split anywhere is stored and answered the same") {
    const std::string envelope = "MAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n";
    struct Case {
        const char* what;
        std::string text;  // what follows the 354, the final dot and more commands included
        std::string codes;  // every reply's code, the envelope's included
        size_t size_limit = 0;
        bool eightbitmime = true;
    };
    const std::vector<Case> cases = {
        {"plain text, a stuffed dot, an empty line, a CR inside a line, 8-bit text",
         "Subject: t\r\n\r\n..one dot\r\n...two dots\r\na\rb\r\ncaf\xc3\xa9\r\n\r\nend\r\n.\r\nNOOP\r\n",
         "250 250 354 250 250"},
        {"a bare LF inside the text, a dot after it",
         "one\n.\ntwo\r\n.x\r\n.\r\nNOOP\r\n", "250 250 354 250 250"},
        {"a line over 1000 octets between short ones",
         "short\r\n" + std::string(1500, 'y') + "\r\n.\r\nNOOP\r\n", "250 250 354 500 250"},
        {"a line of exactly 1000 octets with its CRLF",
         std::string(998, 'z') + "\r\n.\r\nNOOP\r\n", "250 250 354 250 250"},
        {"text over the size limit",
         "12345678901234567890\r\n12345678901234567890\r\n..3\r\nmore\r\n.\r\nNOOP\r\n", "250 250 354 552 250", 40},
        {"8-bit text to a server without 8BITMIME, then 8-bit text over the size limit",
         "plain\r\ncaf\xc3\xa9\r\n.\r\n" + envelope + "1234567890123456789012345678901234567890\r\n\xe7\xb3\xbb\r\n.\r\nNOOP\r\n",
         "250 250 354 554 250 250 354 552 250", 30, false},
        {"two messages, the second's commands right after the first's dot",
         "first\r\n.\r\n" + envelope + "second\r\n..dot\r\n.\r\nNOOP\r\n", "250 250 354 250 250 250 354 250 250"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        smtp::ServerSettings settings;
        if (c.size_limit) settings.message_size_limit = c.size_limit;
        settings.eightbitmime = c.eightbitmime;
        auto run = [&](const std::vector<size_t>& cuts) {
            ServerHarness h(settings);
            h.ready();
            h.send(envelope);
            size_t from = 0;
            for (size_t cut : cuts) {
                h.send(std::string_view(c.text).substr(from, cut - from));
                from = cut;
            }
            h.send(std::string_view(c.text).substr(from));
            return std::make_pair(h.replies, h.policy.accepted);
        };
        const auto whole = run({});
        std::string codes;
        for (const auto& r : whole.first) codes += (codes.empty() ? "" : " ") + r.substr(0, 3);
        REQUIRE(codes == c.codes);
        std::vector<size_t> every;
        for (size_t i = 1; i < c.text.size(); ++i) every.push_back(i);
        REQUIRE(run(every) == whole);  // byte by byte
        for (size_t i = 1; i < c.text.size(); ++i) {
            INFO("cut at " << i);
            REQUIRE(run({i}) == whole);
        }
    }
}

TEST_CASE("every one of RFC 821's 21 reply codes can be produced by the server") {
    std::set<int> seen;
    auto note = [&](ServerHarness& h) {
        for (auto& r : h.replies) seen.insert(std::stoi(r.substr(0, 3)));
    };
    smtp::ServerSettings small;
    small.message_size_limit = 10;
    small.recipient_limit = 1;
    ServerHarness a(small);
    a.start();
    a.send("EHLO x.org\r\nHELP\r\nHELP STATUS\r\nHELP NOPE\r\nBOGUS\r\nHELO\r\nTURN\r\nMAIL FROM:<a@b.c> SIZE=99\r\n"
           "RCPT TO:<bob@hamburger.edu>\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<carol@hamburger.edu>\r\nRCPT TO:<bob@x.y>\r\n"
           "RSET\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<dave@x.y>\r\nRCPT TO:<erin@x.y>\r\nRCPT TO:<bad@@>\r\nRCPT TO:<nobody@x.y>\r\n"
           "DATA\r\nRSET\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<bob@x.y>\r\nDATA\r\nPLEASE-FAIL-451\r\n.\r\nQUIT\r\n");
    note(a);
    ServerHarness b;
    b.policy.overrides.push_back({"CONNECT", smtp::Reply(421, "4.3.2", "busy")});
    b.start();
    note(b);
    ServerHarness c;
    c.ready();
    c.send("MAIL FROM:<a@b.c>\r\nRCPT TO:<bob@x.y>\r\nDATA\r\nhello\r\n.\r\n");
    c.send("MAIL FROM:<a@b.c>\r\nRCPT TO:<bob@x.y>\r\nDATA\r\nPLEASE-FAIL-451\r\n.\r\n");
    note(c);
    smtp::ServerSettings no8;
    no8.eightbitmime = false;
    ServerHarness d(no8);
    d.ready();
    d.send("MAIL FROM:<a@b.c>\r\nRCPT TO:<bob@x.y>\r\nDATA\r\n\xff\r\n.\r\n");
    note(d);
    ServerHarness e;
    e.policy.overrides.push_back({"RCPT", smtp::Reply(452, "4.3.1", "Insufficient system storage")});
    e.ready();
    e.send("MAIL FROM:<a@b.c>\r\nRCPT TO:<bob@x.y>\r\n");
    note(e);
    for (int code : {211, 214, 220, 221, 250, 251, 354, 421, 450, 451, 452, 500, 501, 502, 503, 504, 550, 551, 552, 553, 554}) {
        INFO("reply code " << code);
        CHECK(seen.count(code) == 1);
    }
}

TEST_CASE("SMTPUTF8 offered: EHLO lists it, and after MAIL ... SMTPUTF8 UTF-8 addresses are taken") {
    smtp::ServerSettings s;
    s.smtputf8 = true;
    ServerHarness h(s);
    h.start();
    h.send("EHLO mail.crepes.fr\r\n");
    REQUIRE(h.last().find("\r\n250-SMTPUTF8\r\n") != std::string::npos);
    h.send("MAIL FROM:<张三@例子.中国> SMTPUTF8\r\n");
    REQUIRE(h.last() == "250 2.1.0 Ok\r\n");
    h.send("RCPT TO:<bob@例子.测试>\r\n");
    REQUIRE(h.last() == "250 2.1.5 Ok\r\n");
    h.send("RSET\r\n");
    // The parameter belongs to one transaction: the next MAIL without it may not use UTF-8.
    h.send("MAIL FROM:<alice@crepes.fr>\r\n");
    REQUIRE(h.last_code() == 250);
    h.send("RCPT TO:<bob@例子.测试>\r\n");
    REQUIRE(h.last() == "553 5.6.7 Non-ASCII addresses not permitted for that recipient\r\n");
}

TEST_CASE("without SMTPUTF8 a UTF-8 address gets 553 5.6.7, the parameter 555, broken UTF-8 501") {
    ServerHarness h;
    h.ready();
    h.send("MAIL FROM:<张三@例子.中国>\r\n");
    REQUIRE(h.last() == "553 5.6.7 Non-ASCII addresses not permitted for that sender\r\n");
    h.send("MAIL FROM:<alice@crepes.fr> SMTPUTF8\r\n");
    REQUIRE(h.last() == "555 5.5.4 Unsupported option: SMTPUTF8\r\n");
    h.send("MAIL FROM:<\xC0\xAF@crepes.fr>\r\n");  // an overlong '/': not UTF-8
    REQUIRE(h.last_code() == 501);
    h.send("MAIL FROM:<alice@crepes.fr>\r\n");
    REQUIRE(h.last_code() == 250);
    h.send("RCPT TO:<用户@hamburger.edu>\r\n");
    REQUIRE(h.last() == "553 5.6.7 Non-ASCII addresses not permitted for that recipient\r\n");
    h.send("RCPT TO:<bob@hamburger.edu>\r\n");
    REQUIRE(h.last_code() == 250);  // the session goes on
}

namespace {
// A server that offers AUTH (and, with `tls`, STARTTLS first).
test::ServerHarness auth_server(bool starttls = false) {
    smtp::ServerSettings s;
    s.auth = true;
    s.starttls = starttls;
    return test::ServerHarness(s);
}
}  // namespace

TEST_CASE("AUTH off (the simulation's default): not offered, an unknown command as before") {
    ServerHarness h;
    h.ready();
    h.send("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n");
    CHECK(h.last() == "500 5.5.2 Error: command not recognized: AUTH\r\n");
}

TEST_CASE("AUTH PLAIN with an initial response: 235, and the transaction carries the user (RFC 4954, RFC 4616)") {
    auto h = auth_server();
    h.start();
    h.send("EHLO client.example\r\n");
    CHECK(h.last().find("250-AUTH PLAIN LOGIN\r\n") != std::string::npos);
    h.send("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n");  // NUL bob NUL secret
    CHECK(h.last() == "235 2.7.0 Authentication successful\r\n");
    h.send("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n");
    CHECK(h.last() == "503 5.5.1 Error: already authenticated\r\n");
    h.send("MAIL FROM:<bob@hamburger.edu>\r\n");
    CHECK(h.last_code() == 250);
    CHECK(h.session->envelope().auth_user == "bob");
    h.send("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n");
    CHECK(h.last() == "503 5.5.1 Error: MAIL transaction in progress\r\n");
}

TEST_CASE("AUTH PLAIN with an empty challenge, and LOGIN's two challenges") {
    auto h = auth_server();
    h.ready();
    h.send("AUTH PLAIN\r\n");
    CHECK(h.last() == "334 \r\n");
    h.send("Ym9iQGhhbWJ1cmdlci5lZHUAYm9iQGhhbWJ1cmdlci5lZHUAc2VjcmV0\r\n");  // authzid = authcid = bob@hamburger.edu
    CHECK(h.last() == "235 2.7.0 Authentication successful\r\n");

    auto l = auth_server();
    l.ready();
    l.send("AUTH LOGIN\r\n");
    CHECK(l.last() == "334 VXNlcm5hbWU6\r\n");  // "Username:"
    l.send("Ym9i\r\n");
    CHECK(l.last() == "334 UGFzc3dvcmQ6\r\n");  // "Password:"
    l.send("c2VjcmV0\r\n");
    CHECK(l.last() == "235 2.7.0 Authentication successful\r\n");

    auto i = auth_server();  // LOGIN with the user name on the command line
    i.ready();
    i.send("AUTH LOGIN Ym9i\r\n");
    CHECK(i.last() == "334 UGFzc3dvcmQ6\r\n");
    i.send("d3Jvbmc=\r\n");  // "wrong"
    CHECK(i.last() == "535 5.7.8 Error: authentication failed: invalid user name or password\r\n");
    i.send("MAIL FROM:<bob@hamburger.edu>\r\n");  // the session goes on, not logged in
    CHECK(i.last_code() == 250);
    CHECK(i.session->envelope().auth_user.empty());
}

TEST_CASE("AUTH's errors: cancel, not base64, a bad PLAIN message, another user, an unknown mechanism, before EHLO") {
    auto h = auth_server();
    h.start();
    h.send("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n");
    CHECK(h.last() == "503 Error: send EHLO first\r\n");  // (enhanced codes come with EHLO, RFC 2034)
    h.send("EHLO client.example\r\n");
    h.send("AUTH PLAIN\r\n");
    h.send("*\r\n");
    CHECK(h.last() == "501 5.0.0 Authentication aborted\r\n");
    h.send("AUTH LOGIN\r\n");
    h.send("not base64!\r\n");
    CHECK(h.last() == "501 5.5.2 Cannot decode response (not base64)\r\n");
    h.send("AUTH PLAIN Ym9i\r\n");  // "bob": no NULs
    CHECK(h.last() == "501 5.5.2 Invalid PLAIN response: authzid NUL authcid NUL password\r\n");
    h.send("AUTH PLAIN Y2Fyb2wAYm9iAHNlY3JldA==\r\n");  // carol NUL bob NUL secret
    CHECK(h.last() == "535 5.7.8 Error: authentication failed: may not act as another user\r\n");
    h.send("AUTH CRAM-MD5\r\n");
    CHECK(h.last() == "504 5.5.4 Unrecognized authentication type: CRAM-MD5\r\n");
    h.send("AUTH AGJvYgBzZWNyZXQ=\r\n");  // the mechanism left out: the credential is not said back
    CHECK(h.last() == "504 5.5.4 Unrecognized authentication type\r\n");
    h.send("AUTH\r\n");
    CHECK(h.last() == "501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n");
    h.send("NOOP\r\n");  // after all that, commands are commands again
    CHECK(h.last_code() == 250);
}

TEST_CASE("a server that takes passwords does not say back a line it does not know (it may be one)") {
    auto h = auth_server();
    h.ready();
    h.send("AUTH LOGIN\r\nbob\r\nsecret\r\n");  // pasted, the user name not in base64
    REQUIRE(h.replies.size() == 3);
    CHECK(h.replies[0] == "334 VXNlcm5hbWU6\r\n");
    CHECK(h.replies[1] == "501 5.5.2 Cannot decode response (not base64)\r\n");
    CHECK(h.replies[2] == "500 5.5.2 Error: command not recognized\r\n");
    h.send("TURN\r\n");  // a verb it knows of is still named
    CHECK(h.last() == "502 5.5.1 TURN command not implemented\r\n");
}

TEST_CASE("a login from a teacher's 2xx AUTH rule before STARTTLS does not outlive the handshake") {
    auto h = auth_server(true);
    h.policy.overrides.push_back({"AUTH", smtp::Reply(235, "2.7.0", "Authentication successful")});
    h.ready();
    h.send("AUTH PLAIN\r\n");
    CHECK(h.last_code() == 235);
    h.send("STARTTLS\r\nEHLO client.example\r\nMAIL FROM:<bob@hamburger.edu>\r\n");
    CHECK(h.last_code() == 250);
    CHECK(h.session->envelope().auth_user.empty());
}

TEST_CASE("where STARTTLS is offered, AUTH waits for TLS (530) and is offered after the handshake") {
    auto h = auth_server(true);
    h.start();
    h.send("EHLO client.example\r\n");
    CHECK(h.last().find("STARTTLS") != std::string::npos);
    CHECK(h.last().find("AUTH") == std::string::npos);
    h.send("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n");
    CHECK(h.last() == "530 5.7.0 Must issue a STARTTLS command first\r\n");
    h.send("STARTTLS\r\n");
    CHECK(h.last_code() == 220);
    h.send("EHLO client.example\r\n");
    CHECK(h.last().find("250-AUTH PLAIN LOGIN\r\n") != std::string::npos);
    h.send("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n");
    CHECK(h.last_code() == 235);
    h.send("MAIL FROM:<bob@hamburger.edu>\r\n");
    CHECK(h.session->envelope().auth_user == "bob");
    CHECK(h.session->envelope().tls);
}

TEST_CASE("after AUTH, MAIL's AUTH= parameter is taken and dropped (RFC 4954 §5), and without AUTH offered it is 555") {
    auto h = auth_server();
    h.ready();
    h.send("MAIL FROM:<bob@hamburger.edu> AUTH=<>\r\n");
    CHECK(h.last_code() == 250);
    ServerHarness off;
    off.ready();
    off.send("MAIL FROM:<bob@hamburger.edu> AUTH=<>\r\n");
    CHECK(off.last() == "555 5.5.4 Unsupported option: AUTH\r\n");
}

TEST_CASE("a teacher's rule for AUTH answers instead of the exchange: 535 refuses, 235 lets the client in") {
    auto h = auth_server();
    h.policy.overrides.push_back({"AUTH", smtp::Reply(535, "5.7.8", "Authentication credentials invalid")});
    h.ready();
    h.send("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n");  // the right password, refused by the rule
    CHECK(h.last() == "535 5.7.8 Authentication credentials invalid\r\n");
    auto g = auth_server();
    g.policy.overrides.push_back({"AUTH", smtp::Reply(235, "2.7.0", "Authentication successful")});
    g.ready();
    g.send("AUTH LOGIN\r\n");
    CHECK(g.last() == "235 2.7.0 Authentication successful\r\n");
    g.send("MAIL FROM:<x@y.z>\r\n");
    CHECK_FALSE(g.session->envelope().auth_user.empty());
}
