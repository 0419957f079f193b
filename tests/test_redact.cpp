// test_redact.cpp — passwords, logins and session cookies never reach a
// simulated trace in clear unless asked (issue 16, point 6), and the wire
// still carries them (the logins still succeed).
#include <catch2/catch.hpp>

#include <string>

#include "core/trace_json.hpp"
#include "protocol/annotate.hpp"
#include "protocol/redact.hpp"
#include "protocol/sasl.hpp"
#include "scenario/scenario.hpp"
#include "support.hpp"

using namespace mailsim;

namespace redact_test {

std::unique_ptr<agents::World> run_default(bool keep_secrets) {
    auto s = scenario::parse_scenario(scenario::default_scenario_json());
    REQUIRE(s);
    auto w = scenario::build_world(*s, true);
    w->set_keep_secrets(keep_secrets);
    w->run(30 * kDay);
    return w;
}

}  // namespace redact_test

TEST_CASE("a command line's secrets are redacted as live mode redacts them") {
    using protocol::redact_secrets;
    CHECK(redact_secrets("pop3", "PASS", "pop3.cmd.PASS", "PASS secret\r\n", true) == "PASS [redacted]\r\n");
    CHECK(redact_secrets("pop3", "APOP", "pop3.cmd.APOP", "APOP bob c4c9334bac560ecc979e58001b3e22fb\r\n", true) ==
          "APOP bob [redacted]\r\n");
    CHECK(redact_secrets("imap", "LOGIN", "imap.cmd.LOGIN", "A001 LOGIN bob secret\r\n", true) ==
          "A001 LOGIN [redacted] [redacted]\r\n");
    CHECK(redact_secrets("imap", "AUTHENTICATE", "imap.cmd.AUTHENTICATE", "A1 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=\r\n", true) ==
          "A1 AUTHENTICATE PLAIN [redacted]\r\n");
    CHECK(redact_secrets("smtp", "AUTH", "smtp.cmd.AUTH", "AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n", true) == "AUTH PLAIN [redacted]\r\n");
    CHECK(redact_secrets("smtp", "", "smtp.auth.response", "AGJvYgBzZWNyZXQ=\r\n", true) == "[redacted]\r\n");
    // Nothing to hide: no copy.
    CHECK_FALSE(redact_secrets("pop3", "USER", "pop3.cmd.USER", "USER bob\r\n", true));
    CHECK_FALSE(redact_secrets("smtp", "AUTH", "smtp.cmd.AUTH", "AUTH LOGIN\r\n", true));
    CHECK_FALSE(redact_secrets("pop3", "+OK", "pop3.reply.+OK", "+OK PASS secret\r\n", false));
}

TEST_CASE("a credential where the mechanism should be, or after tabs, is redacted too, and mechanisms are told from credentials") {
    using protocol::redact_secrets;
    CHECK(redact_secrets("smtp", "AUTH", "smtp.cmd.AUTH", "AUTH AGJvYgBzZWNyZXQ=\r\n", true) == "AUTH [redacted]\r\n");
    CHECK(redact_secrets("smtp", "AUTH", "smtp.cmd.AUTH", "AUTH\tPLAIN\tAGJvYgBzZWNyZXQ=\r\n", true) == "AUTH PLAIN [redacted]\r\n");
    CHECK(redact_secrets("imap", "AUTHENTICATE", "imap.cmd.AUTHENTICATE", "a AUTHENTICATE AGJvYgBzZWNyZXQ=\r\n", true) ==
          "a AUTHENTICATE [redacted]\r\n");
    CHECK_FALSE(redact_secrets("smtp", "AUTH", "smtp.cmd.AUTH", "AUTH CRAM-MD5\r\n", true));
    CHECK(protocol::sasl_mechanism_name("SCRAM-SHA-256"));
    CHECK(protocol::sasl_mechanism_name("plain"));
    CHECK_FALSE(protocol::sasl_mechanism_name("AGJvYgBzZWNyZXQ="));
    CHECK_FALSE(protocol::sasl_mechanism_name("Ym9i"));
    CHECK_FALSE(protocol::sasl_mechanism_name("ABCDEFGHIJKLMNOPQRSTU"));  // 21 letters
}

TEST_CASE("AUTH's answers are answers even when the client does not wait for the 334s, and the replies pair up after") {
    // A client that sends AUTH LOGIN, the user name and the password at
    // once (pasted, or pipelined): the two lines are known to be answers
    // from the command itself, so they are redacted before any 334 came.
    protocol::Annotator a("smtp");
    a.feed(Direction::to_client, "220 mail.hamburger.edu ESMTP\r\n");
    const auto c = a.feed(Direction::to_server, "AUTH LOGIN\r\nYm9i\r\nc2VjcmV0\r\nMAIL FROM:<bob@hamburger.edu>\r\n");
    REQUIRE(c.size() == 4);
    CHECK(c[0].a.verb == "AUTH");
    CHECK(c[1].a.key == "smtp.auth.response");
    CHECK(c[2].a.key == "smtp.auth.response");
    CHECK(c[3].a.verb == "MAIL");
    CHECK(protocol::redact_secrets("smtp", c[2].a.verb, c[2].a.key, c[2].bytes, true) == "[redacted]\r\n");
    const auto r = a.feed(Direction::to_client, "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 2.7.0 ok\r\n250 2.1.0 ok\r\n");
    REQUIRE(r.size() == 4);
    CHECK(r[3].a.verb == "250");
    // The same with the answer to PLAIN's empty challenge, and a refusal
    // that ends the exchange: the next line is a command again.
    protocol::Annotator b("smtp");
    b.feed(Direction::to_client, "220 hi\r\n");
    CHECK(b.feed(Direction::to_server, "AUTH PLAIN\r\n")[0].a.verb == "AUTH");
    b.feed(Direction::to_client, "530 5.7.0 Must issue a STARTTLS command first\r\n");
    CHECK(b.feed(Direction::to_server, "MAIL FROM:<bob@hamburger.edu>\r\n")[0].a.verb == "MAIL");
    protocol::Annotator d("smtp");
    d.feed(Direction::to_client, "220 hi\r\n");
    d.feed(Direction::to_server, "AUTH PLAIN\r\n");
    d.feed(Direction::to_client, "334 \r\n");
    CHECK(d.feed(Direction::to_server, "AGJvYgBzZWNyZXQ=\r\n")[0].a.key == "smtp.auth.response");
    d.feed(Direction::to_client, "235 2.7.0 ok\r\n");
    CHECK(d.feed(Direction::to_server, "MAIL FROM:<bob@hamburger.edu>\r\n")[0].a.verb == "MAIL");
}

TEST_CASE("through the annotator: a tab after the verb, and AUTH's answers the server takes for commands") {
    // The verb is found before a tab too, so the line is redacted as AUTH's / PASS's.
    protocol::Annotator a("smtp");
    a.feed(Direction::to_client, "220 hi\r\n");
    auto u = a.feed(Direction::to_server, "AUTH\tPLAIN\tAGJvYgBzZWNyZXQ=\r\n");
    REQUIRE(u.size() == 1);
    CHECK(u[0].a.verb == "AUTH");
    CHECK(protocol::redact_secrets("smtp", u[0].a.verb, u[0].a.key, u[0].bytes, true) == "AUTH PLAIN [redacted]\r\n");
    protocol::Annotator p("pop3");
    p.feed(Direction::to_client, "+OK hi\r\n");
    u = p.feed(Direction::to_server, "PASS\tsecret\r\n");
    REQUIRE(u.size() == 1);
    CHECK(protocol::redact_secrets("pop3", u[0].a.verb, u[0].a.key, u[0].bytes, true) == "PASS [redacted]\r\n");
    // A pasted LOGIN whose user name is not base64: the server answers it
    // 501 and reads the password as a command (500). The replies still
    // pair with what they answer: the 354 is DATA's, and the text after it
    // is the message.
    protocol::Annotator s("smtp");
    s.feed(Direction::to_client, "220 hi\r\n");
    s.feed(Direction::to_server, "AUTH LOGIN\r\nbob\r\nsecret\r\nMAIL FROM:<bob@hamburger.edu>\r\nRCPT TO:<alice@crepes.fr>\r\nDATA\r\n");
    s.feed(Direction::to_client, "334 VXNlcm5hbWU6\r\n501 5.5.2 Cannot decode response\r\n500 5.5.2 Error: command not recognized\r\n"
                                 "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go on\r\n");
    u = s.feed(Direction::to_server, "Subject: hi\r\n\r\nhello\r\n.\r\n");
    REQUIRE(u.size() == 1);
    CHECK(u[0].a.key == "smtp.message");
}

TEST_CASE("an HTTP login form and its session cookies are redacted and the request still parses") {
    const std::string post =
        "POST /login HTTP/1.1\r\nHost: mail.hamburger.edu\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 24\r\n\r\nuser=bob&password=secret";
    auto r = protocol::redact_secrets("http", "POST", "http.method.POST", post, true);
    REQUIRE(r);
    CHECK(r->find("secret") == std::string::npos);
    CHECK(r->find("\r\n\r\nuser=bob&password=[redacted]") != std::string::npos);
    CHECK(r->find("Content-Length: 28\r\n") != std::string::npos);  // the body as recorded
    protocol::Annotator a("http");
    auto units = a.feed(Direction::to_server, *r);
    REQUIRE(units.size() == 1);
    CHECK(units[0].bytes == *r);

    auto set = protocol::redact_secrets("http", "303", "http.status.303",
                                        "HTTP/1.1 303 See Other\r\nSet-Cookie: session=bob.ceb38f69; Path=/; HttpOnly\r\n"
                                        "Content-Length: 0\r\n\r\n",
                                        false);
    REQUIRE(set);
    CHECK(set->find("Set-Cookie: session=[redacted]; Path=/; HttpOnly\r\n") != std::string::npos);
    auto cookie = protocol::redact_secrets("http", "GET", "http.method.GET",
                                           "GET /inbox HTTP/1.1\r\nCookie: session=bob.ceb38f69; theme=dark\r\n\r\n", true);
    REQUIRE(cookie);
    CHECK(cookie->find("Cookie: session=[redacted]; theme=[redacted]\r\n") != std::string::npos);
    // A logout's empty cookie has nothing to hide.
    CHECK_FALSE(protocol::redact_secrets("http", "303", "http.status.303",
                                         "HTTP/1.1 303 See Other\r\nSet-Cookie: session=; Path=/; Max-Age=0\r\n\r\n", false));
}

TEST_CASE("a simulated trace carries no password or session cookie unless secrets are kept") {
    auto w = redact_test::run_default(false);
    const Trace& t = w->trace();
    size_t redacted = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        const Event e = t.at(i);
        if (e.kind != EventKind::bytes) continue;
        INFO("#" << i << ": " << std::string(e.bytes.substr(0, 120)));
        CHECK(e.bytes.find("PASS secret") == std::string_view::npos);
        CHECK(e.bytes.find("LOGIN bob secret") == std::string_view::npos);
        CHECK(e.bytes.find("password=secret") == std::string_view::npos);
        CHECK(e.bytes.find("session=bob.") == std::string_view::npos);
        CHECK(e.args.find("secret") == std::string_view::npos);
        if (e.detail == R"({"redacted":true})") {
            ++redacted;
            CHECK(e.bytes.find("[redacted]") != std::string_view::npos);
        }
    }
    // POP3 PASS, two IMAP LOGINs, the webmail's form, its Set-Cookie and every request with the cookie.
    CHECK(redacted >= 6);
    // The wire still carried the passwords: every login worked, the same mail was read.
    auto kept = redact_test::run_default(true);
    CHECK(kept->trace().size() == t.size());
    const std::string clear = trace_to_json(kept->trace());
    CHECK(clear.find("PASS secret\\r\\n") != std::string::npos);
    CHECK(clear.find("A001 LOGIN bob secret") != std::string::npos);
    CHECK(clear.find("password=secret") != std::string::npos);
    CHECK(clear.find(R"("redacted":true)") == std::string::npos);
    for (size_t i = 0; i < t.size(); ++i) {
        INFO("#" << i);
        CHECK(t.at(i).verb == kept->trace().at(i).verb);
        CHECK(t.at(i).key == kept->trace().at(i).key);
    }
}
