// test_classroom.cpp — issue 16 ("fit for a classroom"), points 2 and 3:
// every RFC 821 command reachable from a scenario (an SMTP `commands` list),
// a relay that meets a server without 8BITMIME re-encodes or returns the
// message (RFC 6152 §3), Received says ESMTP (never ESMTPSA without AUTH
// over TLS), and inline parts carry a Content-ID, described ones a
// Content-Description. The example scenarios in lessons/scenarios/ are the inputs.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "agents/mail_server.hpp"
#include "core/error.hpp"
#include "message/builder.hpp"
#include "message/mime.hpp"
#include "message/seven_bit.hpp"
#include "support.hpp"

using namespace mailsim;

namespace classroom_test {

std::string example(const std::string& name) {
    auto text = read_file(std::string(MAILSIM_SOURCE_DIR) + "/lessons/scenarios/" + name);
    REQUIRE(text);
    return *text;
}

// The first lines of the replies on a connection, in order, from `host`.
std::vector<std::string> replies_from(const Trace& t, std::string_view host, std::uint32_t conn) {
    std::vector<std::string> out;
    for (size_t i = 0; i < t.size(); ++i) {
        const Event e = t.at(i);
        if (e.kind == EventKind::bytes && e.conn == conn && e.host == host)
            out.emplace_back(e.bytes.substr(0, e.bytes.find("\r\n")));
    }
    return out;
}

}  // namespace classroom_test

TEST_CASE("a mail's SMTP commands go before MAIL, one at a time, and the server answers each as the catalog says") {
    auto w = test::run_scenario(classroom_test::example("smtp-commands.json"));
    const Trace& t = w->trace();
    std::vector<std::string> sent;
    for (size_t i = 0; i < t.size(); ++i) {
        const Event e = t.at(i);
        if (e.kind == EventKind::bytes && e.conn == 1 && e.host == "alice-pc") sent.emplace_back(e.bytes);
    }
    REQUIRE(sent.size() >= 10);
    CHECK(sent[0] == "EHLO alice-pc\r\n");
    const std::vector<std::string> commands = {"NOOP", "HELP", "HELP STATUS", "VRFY alice", "VRFY carol",
                                               "VRFY zed", "EXPN staff", "XYZZY"};
    for (size_t k = 0; k < commands.size(); ++k) CHECK(sent[1 + k] == commands[k] + "\r\n");
    CHECK(sent[1 + commands.size()].rfind("MAIL FROM:<alice@crepes.fr>", 0) == 0);
    // Replies: greeting, EHLO, then one per command, in order.
    const auto r = classroom_test::replies_from(t, "mail.crepes.fr", 1);
    REQUIRE(r.size() >= 2 + commands.size());
    CHECK(r[2].rfind("250 ", 0) == 0);                  // NOOP
    CHECK(r[3].rfind("214-", 0) == 0);                  // HELP
    CHECK(r[4].rfind("211", 0) == 0);                   // HELP STATUS: system status
    CHECK(r[5].rfind("250 2.1.5 alice <alice@crepes.fr>", 0) == 0);
    CHECK(r[6].rfind("251 ", 0) == 0);                  // carol is forwarded
    CHECK(r[7].rfind("550 ", 0) == 0);                  // no zed
    CHECK(r[8].rfind("250-", 0) == 0);                  // the list, one line each
    CHECK(r[9].rfind("500 ", 0) == 0);                  // not a command
    // Every reply is labelled from the catalog, and the mail still went.
    for (const auto& code : {"211", "214", "251", "500"}) CHECK_FALSE(test::with_key(t, std::string("smtp.reply.") + code).empty());
    auto* hamburger = w->server("mail.hamburger.edu");
    REQUIRE(hamburger);
    CHECK(hamburger->mailboxes().of("bob").size() == 1);
    // A server that does not answer VRFY: 252, and Bob's mail goes too.
    const auto bob = classroom_test::replies_from(t, "mail.hamburger.edu", 2);
    REQUIRE(bob.size() >= 3);
    CHECK(bob[2].rfind("252 ", 0) == 0);
    CHECK(w->server("mail.crepes.fr")->mailboxes().of("alice").size() == 1);
}

TEST_CASE("a command that moves the SMTP session on is refused in a scenario, by its path") {
    std::string s = classroom_test::example("smtp-commands.json");
    const std::string from = "\"EXPN staff\"";
    s.replace(s.find(from), from.size(), "\"DATA\"");
    auto parsed = scenario::parse_scenario(s, "c.json");
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().message().find("c.json: mails[0].commands[6]") == 0);
    CHECK(parsed.error().message().find("DATA is sent by the client itself") != std::string::npos);
}

TEST_CASE("a relay re-encodes an 8-bit body for a server without 8BITMIME, or returns it with the reason") {
    auto w = test::run_scenario(classroom_test::example("8bit-relay.json"));
    const Trace& t = w->trace();
    // Alice's own server offers 8BITMIME: the user agent sends 8 bits as they are.
    size_t body8 = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        const Event e = t.at(i);
        if (e.kind == EventKind::bytes && e.host == "alice-pc" && e.verb == "MAIL")
            body8 += e.bytes.find("BODY=8BITMIME") != std::string_view::npos;
        // Nothing 8-bit ever reaches mail.hamburger.edu, and it refuses nothing for it.
        if (e.kind == EventKind::bytes && e.peer == "mail.hamburger.edu") CHECK_FALSE(has_8bit(e.bytes));
        if (e.kind == EventKind::bytes && e.host == "mail.hamburger.edu") CHECK(e.bytes.rfind("554", 0) != 0);
    }
    CHECK(body8 == 3);
    CHECK(test::with_key(t, "agent.relay.seven_bit.qp").size() == 1);
    CHECK(test::with_key(t, "agent.relay.seven_bit.base64").size() == 1);
    // Two arrived, decoded to the text Alice wrote.
    const auto& box = w->server("mail.hamburger.edu")->mailboxes().of("bob");
    REQUIRE(box.size() == 2);
    for (const auto& m : box) {
        CHECK(m.content.find("Content-Transfer-Encoding: 8bit") == std::string::npos);
        CHECK(m.content.find("with ESMTP id") != std::string::npos);
        CHECK(m.content.find("ESMTPSA") == std::string::npos);
    }
    auto first = message::parse(box[0].content);
    REQUIRE(first.root);
    CHECK(first.root->transfer_encoding == "quoted-printable");
    CHECK(message::decoded_body(first, *first.root) == "Greetings from Paris: a café crème and crêpes for everyone in the networks class.\r\n");
    auto second = message::parse(box[1].content);
    CHECK(second.root->transfer_encoding == "base64");
    CHECK(message::decoded_body(second, *second.root) == "计算机网络：自顶向下方法。电子邮件系统。\r\n");
    // The third has 8 bits in its header: no encoding of the body carries them, so it comes back.
    const auto bounces = test::with_key(t, "agent.delivery.bounce");
    REQUIRE(bounces.size() == 1);
    const auto& alice = w->server("mail.crepes.fr")->mailboxes().of("alice");
    REQUIRE(alice.size() == 1);
    CHECK(alice[0].content.find("554 5.6.3 Conversion required but not supported: the header has 8-bit bytes") !=
          std::string::npos);
    CHECK(alice[0].content.find("host mail.hamburger.edu said") == std::string::npos);  // nobody said it: it was never sent
}

TEST_CASE("the 7-bit downgrade replaces the transfer encoding and refuses what it cannot carry") {
    auto qp = message::to_seven_bit("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                                    "content-transfer-encoding:\r\n 8bit\r\nSubject: x\r\n\r\nau caf\xC3\xA9\r\n");
    REQUIRE(qp);
    CHECK(qp->encoding == "quoted-printable");
    CHECK(qp->content == "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                         "Content-Transfer-Encoding: quoted-printable\r\nSubject: x\r\n\r\nau caf=C3=A9\r\n");
    auto bare = message::to_seven_bit("Subject: x\r\n\r\n\xE7\xB3\xBB\xE7\xBB\x9F\r\n");
    REQUIRE(bare);
    CHECK(bare->content == "Subject: x\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\n\r\n57O757ufDQo=\r\n");
    auto multi = message::to_seven_bit("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n\xC3\xA9\r\n--b--\r\n");
    REQUIRE_FALSE(multi);
    CHECK(multi.error().what.find("multipart/mixed") != std::string::npos);
}

TEST_CASE("an inline part gets a Content-ID and a described one a Content-Description, and mime shows them") {
    message::Attachment logo{"logo.png", "image/png", std::string("\x89PNG", 4), true, "the course logo"};
    message::Attachment notes{"notes.txt", "text/plain", "notes\n", false, "课程笔记"};
    auto b = message::build_body("see the logo\n", "", {logo, notes}, "S1");
    const std::string content = b.headers + "\r\n" + b.body;
    CHECK(b.body.find("Content-ID: <part2.S1@mailsim>\r\n") != std::string::npos);
    CHECK(b.body.find("Content-Description: the course logo\r\n") != std::string::npos);
    CHECK(b.body.find("Content-ID: <part3") == std::string::npos);  // an attachment is not named by cid:
    auto m = message::parse(content);
    REQUIRE(m.root);
    REQUIRE(m.root->children.size() == 3);
    CHECK(m.root->children[1]->content_id == "<part2.S1@mailsim>");
    CHECK(m.root->children[1]->description == "the course logo");
    CHECK(m.root->children[2]->content_id.empty());
    CHECK(m.root->children[2]->description.rfind("=?UTF-8?Q?", 0) == 0);  // an RFC 2047 word
}
