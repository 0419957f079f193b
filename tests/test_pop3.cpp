// test_pop3.cpp — the POP3 engines: every command and state, UPDATE-state
// deletion and its absence on a dropped connection, bad input.
#include <catch2/catch.hpp>

#include <map>

#include "codec/md5.hpp"
#include "protocol/pop3/client_session.hpp"
#include "protocol/pop3/server_session.hpp"

using namespace mailsim;
using namespace mailsim::pop3;

namespace {

struct Backend : Pop3Backend {
    std::map<std::string, std::vector<MaildropMessage>> drops;
    std::vector<std::pair<std::string, std::string>> overrides;
    Backend() {
        auto msg = [](std::string text) { return std::make_shared<const std::string>(std::move(text)); };
        drops["bob"] = {{"U1", msg("Subject: one\r\n\r\nfirst\r\n.dot line\r\n")},
                        {"U2", msg("Subject: two\r\n\r\nline 1\r\nline 2\r\nline 3\r\n")}};
    }
    std::optional<std::string> override_for(std::string_view command, std::string_view) override {
        for (auto& [c, r] : overrides)
            if (c == command) return r;
        return std::nullopt;
    }
    bool user_exists(const std::string& u) override { return drops.count(u) != 0; }
    bool check_password(const std::string& u, const std::string& p) override { return u == "bob" && p == "hamburger"; }
    std::optional<std::string> secret(const std::string& u) override {
        return u == "bob" ? std::optional<std::string>("hamburger") : std::nullopt;
    }
    std::vector<MaildropMessage> open_maildrop(const std::string& u) override { return drops[u]; }
    void remove(const std::string& u, const std::vector<std::string>& uids) override {
        auto& d = drops[u];
        for (const auto& id : uids) std::erase_if(d, [&](auto& m) { return m.uid == id; });
    }
};

struct Server {
    Backend backend;
    Pop3ServerSession session{{"mail.hamburger.edu", "<42.7@mail.hamburger.edu>", 255}, backend};
    std::vector<std::string> replies;
    void start() {
        session.start();
        collect();
    }
    void send(std::string_view s) {
        session.receive(s);
        collect();
    }
    void collect() {
        for (auto& o : session.take_output()) replies.push_back(o.bytes);
    }
    const std::string& last() const { return replies.back(); }
    void login() {
        start();
        send("USER bob\r\nPASS hamburger\r\n");
    }
};

}  // namespace

TEST_CASE("POP3: greeting, USER and PASS move AUTHORIZATION to TRANSACTION") {
    Server s;
    s.start();
    REQUIRE(s.last() == "+OK POP3 server ready <42.7@mail.hamburger.edu>\r\n");
    REQUIRE(s.session.state() == Pop3ServerSession::State::Authorization);
    s.send("USER bob\r\n");
    REQUIRE(s.last().rfind("+OK", 0) == 0);
    s.send("PASS hamburger\r\n");
    REQUIRE(s.last() == "+OK bob's maildrop has 2 messages (74 octets)\r\n");
    REQUIRE(s.session.state() == Pop3ServerSession::State::Transaction);
}

TEST_CASE("POP3: a wrong password gets -ERR and the session stays in AUTHORIZATION") {
    Server s;
    s.start();
    s.send("USER bob\r\nPASS ketchup\r\n");
    REQUIRE(s.last().rfind("-ERR", 0) == 0);
    REQUIRE(s.session.state() == Pop3ServerSession::State::Authorization);
    s.send("PASS hamburger\r\n");
    REQUIRE(s.last() == "-ERR send USER first\r\n");
}

TEST_CASE("POP3: APOP logs in with MD5(timestamp + secret)") {
    Server s;
    s.start();
    s.send("APOP bob " + codec::md5_hex("<42.7@mail.hamburger.edu>hamburger") + "\r\n");
    REQUIRE(s.session.state() == Pop3ServerSession::State::Transaction);
    Server t;
    t.start();
    t.send("APOP bob 0123456789abcdef0123456789abcdef\r\n");
    REQUIRE(t.last() == "-ERR permission denied\r\n");
}

TEST_CASE("POP3: STAT, LIST, UIDL, TOP and RETR") {
    Server s;
    s.login();
    s.send("STAT\r\n");
    REQUIRE(s.last() == "+OK 2 74\r\n");
    s.send("LIST\r\n");
    REQUIRE(s.last() == "+OK 2 messages (74 octets)\r\n1 34\r\n2 40\r\n.\r\n");
    s.send("LIST 2\r\n");
    REQUIRE(s.last() == "+OK 2 40\r\n");
    s.send("UIDL\r\n");
    REQUIRE(s.last() == "+OK unique-id listing follows\r\n1 U1\r\n2 U2\r\n.\r\n");
    s.send("TOP 2 1\r\n");
    REQUIRE(s.last() == "+OK top of message follows\r\nSubject: two\r\n\r\nline 1\r\n.\r\n");
    s.send("RETR 1\r\n");
    REQUIRE(s.last() == "+OK 34 octets\r\nSubject: one\r\n\r\nfirst\r\n..dot line\r\n.\r\n");
    s.send("LIST 9\r\n");
    REQUIRE(s.last().rfind("-ERR no such message", 0) == 0);
    s.send("NOOP\r\n");
    REQUIRE(s.last() == "+OK\r\n");
    s.send("CAPA\r\n");
    REQUIRE(s.last().find("UIDL\r\n") != std::string::npos);
}

TEST_CASE("POP3: DELE removes only in UPDATE, after QUIT") {
    Server s;
    s.login();
    s.send("DELE 1\r\n");
    REQUIRE(s.last().rfind("+OK", 0) == 0);
    REQUIRE(s.backend.drops["bob"].size() == 2);  // marked, not removed
    s.send("STAT\r\n");
    REQUIRE(s.last() == "+OK 1 40\r\n");
    s.send("RETR 1\r\n");
    REQUIRE(s.last().rfind("-ERR", 0) == 0);  // a deleted message is gone for this session
    s.send("QUIT\r\n");
    REQUIRE(s.session.state() == Pop3ServerSession::State::Closed);
    REQUIRE(s.backend.drops["bob"].size() == 1);
    REQUIRE(s.backend.drops["bob"][0].uid == "U2");
}

TEST_CASE("POP3: a dropped connection removes nothing, RSET unmarks") {
    Server s;
    s.login();
    s.send("DELE 1\r\nDELE 2\r\n");
    // the connection drops here: no QUIT, no UPDATE
    REQUIRE(s.backend.drops["bob"].size() == 2);
    Server r;
    r.login();
    r.send("DELE 1\r\nRSET\r\nQUIT\r\n");
    REQUIRE(r.backend.drops["bob"].size() == 2);
}

TEST_CASE("POP3: commands in the wrong state, unknown commands and long lines get -ERR") {
    Server s;
    s.start();
    s.send("STAT\r\n");
    REQUIRE(s.last() == "-ERR STAT is not allowed in the Authorization state\r\n");
    s.send("FROB\r\n");
    REQUIRE(s.last() == "-ERR unknown command: FROB\r\n");
    s.send("USER " + std::string(400, 'x') + "\r\n");
    REQUIRE(s.last().rfind("-ERR line too long", 0) == 0);
    s.send("RETR one\r\n");
    REQUIRE(s.last().rfind("-ERR", 0) == 0);
    s.login();
    s.send("USER bob\r\n");
    REQUIRE(s.last().rfind("-ERR USER is not allowed in the Transaction state", 0) == 0);
}

TEST_CASE("POP3: an override answers -ERR on PASS") {
    Server s;
    s.backend.overrides.push_back({"PASS", "-ERR [IN-USE] maildrop locked"});
    s.start();
    s.send("USER bob\r\nPASS hamburger\r\n");
    REQUIRE(s.last() == "-ERR [IN-USE] maildrop locked\r\n");
    REQUIRE(s.session.state() == Pop3ServerSession::State::Authorization);
}

namespace {
// Client and server joined in memory.
// Every event of the client goes to `events` when given.
std::vector<std::string> converse(Backend& backend, Pop3ClientSettings cs, std::string* wire = nullptr,
                                  std::vector<Pop3ClientSession::SessionEvent>* events = nullptr) {
    Pop3ServerSession server({"mail.hamburger.edu", "<42.7@mail.hamburger.edu>", 255}, backend);
    Pop3ClientSession client(std::move(cs));
    std::vector<std::string> got;
    server.start();
    for (int guard = 0; guard < 100; ++guard) {
        bool moved = false;
        for (auto& o : server.take_output()) {
            if (wire) *wire += "S: " + o.bytes;
            client.receive(o.bytes);
            moved = true;
        }
        for (auto& o : client.take_output()) {
            if (wire) *wire += "C: " + o.bytes;
            server.receive(o.bytes);
            moved = true;
        }
        while (auto e = client.next_event()) {
            if (e->type == Pop3ClientSession::SessionEvent::Type::retrieved) got.push_back(e->content);
            if (events) events->push_back(std::move(*e));
        }
        if (!moved) break;
    }
    return got;
}
}  // namespace

TEST_CASE("POP3 client, download-and-delete: the second device finds nothing") {
    Backend b;
    auto first = converse(b, {"bob", "hamburger", false, RetrievalMode::remove, {}});
    REQUIRE(first.size() == 2);
    REQUIRE(first[0] == "Subject: one\r\n\r\nfirst\r\n.dot line\r\n");
    REQUIRE(b.drops["bob"].empty());
    auto second = converse(b, {"bob", "hamburger", false, RetrievalMode::remove, {}});
    REQUIRE(second.empty());
}

TEST_CASE("POP3 client, download-and-keep: mail stays, a second device gets it too") {
    Backend b;
    std::string wire;
    auto first = converse(b, {"bob", "hamburger", true, RetrievalMode::keep, {}}, &wire);
    REQUIRE(first.size() == 2);
    REQUIRE(wire.find("C: APOP bob ") != std::string::npos);
    REQUIRE(wire.find("DELE") == std::string::npos);
    REQUIRE(b.drops["bob"].size() == 2);
    auto second = converse(b, {"bob", "hamburger", false, RetrievalMode::keep, {}});
    REQUIRE(second.size() == 2);
    auto again = converse(b, {"bob", "hamburger", false, RetrievalMode::keep, {"U1", "U2"}});
    REQUIRE(again.empty());  // the same device, which has seen both UIDs
}

namespace {
// The survey plan (live mode's "list and fetch mail"), joined to the server in memory.
struct Survey {
    std::string wire;
    std::vector<Pop3ClientSession::SessionEvent> retrieved;
    bool ok = false;
    Survey(Backend& backend, RetrievalMode mode, size_t max) {
        Pop3ClientSettings cs{"bob", "hamburger", false, mode, {}};
        cs.survey = true;
        cs.max_messages = max;
        std::vector<Pop3ClientSession::SessionEvent> events;
        converse(backend, std::move(cs), &wire, &events);
        for (auto& e : events) {
            if (e.type == Pop3ClientSession::SessionEvent::Type::retrieved) retrieved.push_back(e);
            if (e.type == Pop3ClientSession::SessionEvent::Type::finished) ok = e.ok;
        }
    }
    bool sent(std::string_view command) const { return wire.find("C: " + std::string(command) + "\r\n") != std::string::npos; }
};
}  // namespace

TEST_CASE("POP3 client, survey plan: STAT, LIST, UIDL, RETR each with LIST's size, and no DELE when keeping") {
    Backend b;
    Survey s(b, RetrievalMode::keep, 0);
    INFO(s.wire);
    REQUIRE(s.ok);
    for (auto c : {"USER bob", "PASS hamburger", "STAT", "LIST", "UIDL", "RETR 1", "RETR 2", "QUIT"}) CHECK(s.sent(c));
    CHECK(s.wire.find("DELE") == std::string::npos);
    CHECK(s.wire.find("C: STAT\r\n") < s.wire.find("C: LIST\r\n"));
    CHECK(s.wire.find("C: LIST\r\n") < s.wire.find("C: UIDL\r\n"));
    REQUIRE(s.retrieved.size() == 2);
    CHECK(s.retrieved[0].number == 1);
    CHECK(s.retrieved[0].uid == "U1");
    CHECK(s.retrieved[0].content == "Subject: one\r\n\r\nfirst\r\n.dot line\r\n");
    CHECK(s.retrieved[0].size == std::string("Subject: one\r\n\r\nfirst\r\n.dot line\r\n").size());
    CHECK(s.retrieved[1].uid == "U2");
    CHECK(b.drops["bob"].size() == 2);
}

TEST_CASE("POP3 client, survey plan: max_messages bounds the RETRs, delete mode DELEs only those") {
    Backend b;
    Survey s(b, RetrievalMode::remove, 1);
    INFO(s.wire);
    REQUIRE(s.ok);
    REQUIRE(s.retrieved.size() == 1);
    CHECK(s.sent("RETR 1"));
    CHECK(!s.sent("RETR 2"));
    CHECK(s.sent("DELE 1"));
    CHECK(!s.sent("DELE 2"));
    REQUIRE(b.drops["bob"].size() == 1);
    CHECK(b.drops["bob"][0].uid == "U2");
}

TEST_CASE("POP3 client, survey plan: a server without UIDL is no failure, the numbers stand in") {
    Backend b;
    b.overrides.push_back({"UIDL", "-ERR not offered"});
    Survey s(b, RetrievalMode::keep, 0);
    INFO(s.wire);
    REQUIRE(s.ok);
    REQUIRE(s.retrieved.size() == 2);
    CHECK(s.retrieved[0].uid == "1");
    CHECK(s.retrieved[1].uid == "2");
}

TEST_CASE("POP3 client, survey plan: a multi-line LIST fed byte by byte gives the same sizes") {
    Pop3ClientSettings cs{"bob", "pw", false, RetrievalMode::keep, {}};
    cs.survey = true;
    const std::string server =
        "+OK Dovecot ready.\r\n+OK\r\n+OK Logged in.\r\n+OK 2 3001\r\n+OK 2 messages:\r\n1 1000\r\n2 2001\r\n.\r\n"
        "-ERR Unknown command\r\n+OK 1000 octets\r\nA\r\n..B\r\n.\r\n+OK 2001 octets\r\nC\r\n.\r\n+OK Logging out.\r\n";
    for (bool trickle : {false, true}) {
        Pop3ClientSession c(cs);
        if (trickle)
            for (char ch : server) c.receive(std::string_view(&ch, 1));
        else
            c.receive(server);
        std::vector<std::pair<size_t, std::string>> got;
        while (auto e = c.next_event())
            if (e->type == Pop3ClientSession::SessionEvent::Type::retrieved) got.emplace_back(e->size, e->content);
        INFO("trickle " << trickle);
        REQUIRE(got == std::vector<std::pair<size_t, std::string>>{{1000, "A\r\n.B\r\n"}, {2001, "C\r\n"}});
        CHECK(c.wants_close());
    }
}
