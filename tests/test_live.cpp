// test_live.cpp — `mailsim connect` against real servers on 127.0.0.1:
// Dovecot for POP3 and IMAP, aiosmtpd for SMTP (Debian's packages, listed
// in .ci/packages). Each test starts its own servers on free high ports with
// a test CA it makes with openssl, and stops them after; nothing leaves the
// machine's loopback.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/trace_json.hpp"
#include "support.hpp"

using namespace mailsim;
using test::with_key;
namespace fs = std::filesystem;

using test::free_port;
using test::sh;
using test::slurp;
using test::write;
// Dovecot and aiosmtpd with a test CA (tests/support.hpp).
using Lab = test::LiveLab;

TEST_CASE("mailsim connect reads mail from Dovecot over POP3 with STLS and over IMAPS, labelled as the simulator labels", "[live]") {
    Lab lab;
    int st = -1;
    std::string out = lab.connect("pop3://localhost:" + std::to_string(lab.pop3),
                                  "USER {user}\nPASS {password}\nLIST\nRETR 1\nQUIT\n", "--starttls" + lab.ca(), &st, "pop");
    INFO(out);
    REQUIRE(st == 0);
    CHECK(out.find("S: +OK Begin TLS negotiation") != std::string::npos);
    CHECK(out.find("verified: ok") != std::string::npos);
    Trace pop = lab.trace("pop");
    CHECK(pop.source.kind == "live");
    CHECK(pop.source.clock == "wall");
    REQUIRE(with_key(pop, "live.tls.handshake").size() == 1);
    CHECK(with_key(pop, "live.tls.handshake")[0].detail.find("\"verified\":true") != std::string::npos);
    CHECK(with_key(pop, "pop3.cmd.RETR").size() == 1);
    // The answer to RETR is one event with the whole message, dot-stuffed as sent.
    bool retr = false;
    for (const auto& e : with_key(pop, "pop3.reply.OK"))
        retr = retr || e.bytes.find("Subject: hello\r\n\r\nHi Bob.\r\n..dot line\r\n.\r\n") != std::string_view::npos;
    CHECK(retr);

    out = lab.connect("imaps://localhost:" + std::to_string(lab.imaps),
                      "a1 LOGIN {user} {password}\na2 SELECT INBOX\na3 FETCH 1 BODY[]\na4 LOGOUT\n", lab.ca(), &st, "imap");
    INFO(out);
    REQUIRE(st == 0);
    Trace imap = lab.trace("imap");
    CHECK(with_key(imap, "imap.reply.greeting").size() == 1);
    CHECK(with_key(imap, "imap.code.READ-WRITE").size() == 1);
    REQUIRE(with_key(imap, "imap.data.FETCH").size() == 1);
    CHECK(with_key(imap, "imap.data.FETCH")[0].bytes.find("BODY[] {") != std::string_view::npos);
    CHECK(with_key(imap, "imap.reply.BYE").size() == 1);
}

TEST_CASE("mailsim connect sends a message through a real SMTP server over STARTTLS with AUTH PLAIN, byte for byte", "[live]") {
    Lab lab;
    int st = -1;
    std::string out = lab.connect("smtp://localhost:" + std::to_string(lab.smtp),
                                  "EHLO pc.test\nAUTH PLAIN {auth-plain}\nMAIL FROM:<alice@crepes.fr>\nRCPT TO:<bob@localhost>\n"
                                  "DATA\nSubject: hi\n\n..dotted\n# not a comment here\nbody\n.\nQUIT\n",
                                  "--starttls" + lab.ca(), &st);
    INFO(out);
    REQUIRE(st == 0);
    CHECK(slurp(lab.dir / "out/1.eml") == "Subject: hi\r\n\r\n.dotted\r\n# not a comment here\r\nbody\r\n");
    Trace t = lab.trace();
    CHECK(with_key(t, "smtp.message").size() == 1);
    CHECK(with_key(t, "smtp.reply.354").size() == 1);
    CHECK(with_key(t, "smtp.reply.221").size() == 1);
}

TEST_CASE("mailsim connect --send: its own SMTP client engine sends a message over STARTTLS, as the simulated agents do", "[live]") {
    Lab lab;
    write(lab.dir / "msg.eml", "From: alice@crepes.fr\nTo: bob@localhost\nSubject: =?UTF-8?B?5rWL6K+V?=\n\n.starts with a dot\nbody\n");
    int st = -1;
    const std::string out = sh(std::string(MAILSIM_CLI) + " connect smtp://localhost:" + std::to_string(lab.smtp) +
                                   " --starttls" + lab.ca() + " --send " + (lab.dir / "msg.eml").string() +
                                   " --from alice@crepes.fr --to bob@localhost --trace " + (lab.dir / "send.json").string(),
                               &st);
    INFO(out);
    REQUIRE(st == 0);
    CHECK(out.find("bob@localhost: accepted") != std::string::npos);
    // CRLF line ends; the leading dot stuffed on the wire and unstuffed by the server.
    CHECK(slurp(lab.dir / "out/1.eml") ==
          "From: alice@crepes.fr\r\nTo: bob@localhost\r\nSubject: =?UTF-8?B?5rWL6K+V?=\r\n\r\n.starts with a dot\r\nbody\r\n");
    Trace t = lab.trace("send");
    CHECK(with_key(t, "smtp.cmd.EHLO").size() == 2);  // before STARTTLS, and again inside TLS (RFC 3207 §4.2)
    CHECK(with_key(t, "smtp.cmd.MAIL").size() == 1);
    CHECK(with_key(t, "smtp.message").size() == 1);
    CHECK(with_key(t, "smtp.reply.221").size() == 1);
    CHECK(with_key(t, "live.tls.handshake").size() == 1);
}

TEST_CASE("credentials never reach the trace unless --keep-secrets, and the redaction shows", "[live]") {
    Lab lab;
    int st = -1;
    lab.connect("imap://localhost:" + std::to_string(lab.imap), "a1 AUTHENTICATE PLAIN {auth-plain}\na2 LOGOUT\n",
                "--starttls" + lab.ca(), &st, "auth");
    REQUIRE(st == 0);
    lab.connect("pop3://localhost:" + std::to_string(lab.pop3), "USER {user}\nPASS {password}\nQUIT\n", "", &st, "pass");
    REQUIRE(st == 0);
    lab.connect("smtp://localhost:" + std::to_string(lab.smtp), "EHLO x\nAUTH PLAIN {auth-plain}\nQUIT\n", "--starttls" + lab.ca(), &st,
                "smtp");
    REQUIRE(st == 0);
    const std::string secret_b64 = "AGJvYgBrZXRjaHVw";  // base64("\0bob\0ketchup")
    for (const char* name : {"auth", "pass", "smtp"}) {
        const std::string json = slurp(lab.dir / (std::string(name) + ".json"));
        INFO(name);
        CHECK(json.find("ketchup") == std::string::npos);
        CHECK(json.find(secret_b64) == std::string::npos);
        CHECK(json.find("[redacted]") != std::string::npos);
        CHECK(json.find("\"redacted\":true") != std::string::npos);
    }
    lab.connect("pop3://localhost:" + std::to_string(lab.pop3), "USER {user}\nPASS {password}\nQUIT\n", "--keep-secrets", &st, "kept");
    REQUIRE(st == 0);
    CHECK(slurp(lab.dir / "kept.json").find("PASS ketchup") != std::string::npos);
}

TEST_CASE("a certificate that does not verify is refused with its reason, and taken only with --insecure and a warning", "[live]") {
    Lab lab;
    int st = -1;
    const std::string imaps = std::to_string(lab.imaps);
    // An unknown CA: the system's store does not have the lab's.
    std::string out = lab.connect("imaps://localhost:" + imaps, "a1 LOGOUT\n", "", &st);
    CHECK(st == 1);
    CHECK(out.find("does not verify (unable to get local issuer certificate)") != std::string::npos);
    // The wrong name: the certificate is for localhost.
    out = lab.connect("imaps://127.0.0.1:" + imaps, "a1 LOGOUT\n", lab.ca(), &st);
    CHECK(st == 1);
    CHECK(out.find("mismatch") != std::string::npos);
    // Expired.
    out = lab.connect("smtps://localhost:" + std::to_string(lab.smtps), "QUIT\n", lab.ca(), &st);
    CHECK(st == 1);
    CHECK(out.find("certificate has expired") != std::string::npos);
    Trace refused = lab.trace();
    CHECK(with_key(refused, "live.tls.failed").size() == 1);
    for (size_t i = 0; i < refused.size(); ++i) CHECK(refused.at(i).kind != EventKind::bytes);  // nothing was sent
    // --insecure goes on, and says so in the transcript and the trace.
    out = lab.connect("smtps://localhost:" + std::to_string(lab.smtps), "QUIT\n", lab.ca() + " --insecure", &st);
    INFO(out);
    CHECK(st == 0);
    CHECK(out.find("going on because of --insecure") != std::string::npos);
    CHECK(with_key(lab.trace(), "live.tls.insecure").size() == 1);
}

TEST_CASE("mailsim connect names a bad address and exits 2, an unreachable server and exits 1", "[live]") {
    int st = -1;
    std::string out = sh(std::string(MAILSIM_CLI) + " connect gopher://localhost", &st);
    CHECK(st == 2);
    CHECK(out.find("unknown scheme \"gopher\"") != std::string::npos);
    out = sh(std::string(MAILSIM_CLI) + " connect smtp://localhost:99999", &st);
    CHECK(st == 2);
    CHECK(out.find("port must be a number from 1 to 65535") != std::string::npos);
    out = sh(std::string(MAILSIM_CLI) + " connect smtp://localhost:" + std::to_string(free_port()), &st);
    CHECK(st == 1);
    CHECK(out.find("could not connect") != std::string::npos);
}
