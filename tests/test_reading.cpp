// test_reading.cpp — reading mail in the simulation: POP3, IMAP and the
// webmail side by side over the same mailboxes. Mail stays on the server
// with IMAP and HTTP, two devices see the same folders, a partial fetch
// carries fewer bytes, IDLE hears of new mail, overrides answer NO or 503.
#include <catch2/catch.hpp>

#include "agents/user_agent.hpp"
#include "support.hpp"

using namespace mailsim;
using test::run_scenario;
using test::with_key;

namespace {

const char* kTwoMails = R"(
    { "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "one", "body": "first\n" },
    { "at": "2s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "slides", "body": "see the slides\n",
      "attachments": [ { "filename": "slides.pdf", "content_type": "application/pdf", "size": 6000 } ] })";

// alice writes to bob; bob has four devices.
std::string scenario_with(const std::string& fetches, const std::string& more_mails = "", const std::string& extra = "") {
    return R"({
  "servers": [ { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"], "settings": {"queue_run_delay": "10s"} },
               { "host": "mail.hamburger.edu", "domain": "hamburger.edu", "users": [ {"name": "bob", "password": "ketchup"} ] } ],
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" },
              { "host": "bob-pc", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu", "password": "ketchup" },
              { "host": "bob-laptop", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu", "password": "ketchup" },
              { "host": "bob-phone", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu", "password": "ketchup" },
              { "host": "bob-browser", "user": "bob@hamburger.edu", "server": "mail.hamburger.edu", "password": "ketchup" } ],
  "mails": [ )" + std::string(kTwoMails) + more_mails + R"( ],
  "fetches": [ )" + fetches + " ]" + extra + "}";
}

std::vector<Event> requests(const Trace& t, std::string_view method) {
    std::vector<Event> out;
    for (size_t i = 0; i < t.size(); ++i) {
        const Event e = t.at(i);
        if (e.kind == EventKind::bytes && e.protocol == "http" && e.dir == Direction::to_server && e.verb == method)
            out.push_back(e);
    }
    return out;
}

const char* kThirdMail = R"(,
    { "at": "3m", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "three", "body": "third\n" })";

}  // namespace

TEST_CASE("IMAP from two devices: the mail stays on the server and both devices get it", "[reading]") {
    auto w = run_scenario(scenario_with(R"({ "at": "1m", "agent": "bob-laptop", "protocol": "imap", "partial": false },
                                           { "at": "2m", "agent": "bob-phone", "protocol": "imap", "partial": false })"));
    auto* laptop = w->agent("bob-laptop");
    auto* phone = w->agent("bob-phone");
    REQUIRE(laptop->errors().empty());
    REQUIRE(phone->errors().empty());
    REQUIRE(laptop->inbox().size() == 2);
    REQUIRE(phone->inbox().size() == 2);
    REQUIRE(laptop->inbox()[0].find("Subject: one\r\n") != std::string::npos);
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").size() == 2);  // still on the server
    REQUIRE(!with_key(w->trace(), "imap.state.Selected").empty());
    REQUIRE(!with_key(w->trace(), "imap.state.Logout").empty());
}

TEST_CASE("a later IMAP session on the same device fetches only the new mail", "[reading]") {
    auto w = run_scenario(scenario_with(R"({ "at": "1m", "agent": "bob-laptop", "protocol": "imap", "partial": false },
                                           { "at": "5m", "agent": "bob-laptop", "protocol": "imap", "partial": false })",
                                        kThirdMail));
    REQUIRE(w->agent("bob-laptop")->inbox().size() == 3);
    REQUIRE(with_key(w->trace(), "agent.ua.imap_fetched").size() == 3);
}

TEST_CASE("a partial IMAP fetch brings the text part and leaves the attachment on the server", "[reading]") {
    auto w = run_scenario(scenario_with(R"({ "at": "1m", "agent": "bob-laptop", "protocol": "imap" })"));
    auto parts = with_key(w->trace(), "agent.ua.imap_part");
    REQUIRE(parts.size() == 2);
    const auto& box = w->server("mail.hamburger.edu")->mailboxes().of("bob");
    REQUIRE(box.size() == 2);
    const std::string& text = w->agent("bob-laptop")->inbox().at(1);
    REQUIRE(text.find("see the slides") != std::string::npos);
    REQUIRE(text.size() * 10 < box[1].content.size());  // the 6000-byte PDF stayed behind
    // Marked \Seen by STORE, since BODY.PEEK does not.
    const imap::Folder* inbox = w->server("mail.hamburger.edu")->mailboxes().folders("bob").folder("INBOX");
    REQUIRE(inbox->messages.at(1).flags.count("\\Seen") == 1);
}

TEST_CASE("IMAP files mail into a new folder hierarchy, and POP3 then finds INBOX empty", "[reading]") {
    auto w = run_scenario(scenario_with(R"({ "at": "1m", "agent": "bob-laptop", "protocol": "imap", "file_into": "INBOX/Courses/Networks" },
                                           { "at": "2m", "agent": "bob-pc", "protocol": "pop3" })"));
    auto& folders = w->server("mail.hamburger.edu")->mailboxes().folders("bob");
    REQUIRE(folders.folder("INBOX/Courses") != nullptr);
    REQUIRE(folders.folder("INBOX/Courses/Networks")->messages.size() == 2);
    REQUIRE(folders.folder("INBOX")->messages.empty());
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").empty());  // EXPUNGE reached the mailbox
    REQUIRE(w->agent("bob-pc")->inbox().empty());
    REQUIRE(w->agent("bob-pc")->errors().empty());
}

TEST_CASE("POP3 download-and-delete empties the INBOX that IMAP sees", "[reading]") {
    auto w = run_scenario(scenario_with(R"({ "at": "1m", "agent": "bob-pc", "protocol": "pop3" },
                                           { "at": "2m", "agent": "bob-laptop", "protocol": "imap" })"));
    REQUIRE(w->agent("bob-pc")->inbox().size() == 2);
    REQUIRE(w->agent("bob-laptop")->inbox().empty());
    REQUIRE(w->agent("bob-laptop")->errors().empty());
}

TEST_CASE("IMAP IDLE: mail delivered while the client waits is announced and fetched at once", "[reading]") {
    auto w = run_scenario(scenario_with(R"({ "at": "1m", "agent": "bob-laptop", "protocol": "imap", "idle": "5m" })", kThirdMail));
    auto notices = with_key(w->trace(), "agent.ua.idle_notice");
    REQUIRE(notices.size() == 1);
    auto delivered = with_key(w->trace(), "agent.delivery.mailbox");
    REQUIRE(delivered.size() == 3);
    REQUIRE(notices[0].time >= delivered[2].time);
    REQUIRE(notices[0].time < delivered[2].time + kSecond);  // at once, not at the next poll
    REQUIRE(w->agent("bob-laptop")->inbox().size() == 3);
    // The server said EXISTS while the client idled, before any new command.
    bool exists = false;
    for (size_t i = 0; i < w->trace().size(); ++i) {
        const Event e = w->trace().at(i);
        exists = exists || (e.kind == EventKind::bytes && e.protocol == "imap" && e.dir == Direction::to_client &&
                            e.time >= delivered[2].time && e.bytes.find("* 3 EXISTS") != std::string::npos);
    }
    REQUIRE(exists);
}

TEST_CASE("the webmail: one HTTP request per object, where SMTP carried the message whole", "[reading]") {
    auto w = run_scenario(scenario_with(R"({ "at": "1m", "agent": "bob-browser", "protocol": "http" })"));
    auto* browser = w->agent("bob-browser");
    REQUIRE(browser->errors().empty());
    REQUIRE(browser->pages().size() == 2);
    size_t parts = 0, pages = 0;
    for (const auto& e : requests(w->trace(), "GET")) {
        parts += e.bytes.find("/part/") != std::string::npos;
        pages += e.bytes.rfind("GET /message/", 0) == 0 && e.bytes.find("/part/") == std::string::npos;
    }
    REQUIRE(pages == 2);
    REQUIRE(parts == 1);  // the PDF, its own request and response
    REQUIRE(requests(w->trace(), "POST").size() == 2);  // login, logout
    // Read in the browser is \Seen for IMAP too; the mail stays.
    const imap::Folder* inbox = w->server("mail.hamburger.edu")->mailboxes().folders("bob").folder("INBOX");
    REQUIRE(inbox->messages.size() == 2);
    REQUIRE(inbox->messages[0].flags.count("\\Seen") == 1);
}

TEST_CASE("overrides: NO on SELECT and 503 from the webmail are reported by the agents", "[reading]") {
    auto w = run_scenario(scenario_with(R"({ "at": "1m", "agent": "bob-laptop", "protocol": "imap" },
                                           { "at": "1m", "agent": "bob-browser", "protocol": "http" })",
                                        "",
                                        R"(, "overrides": [
      { "server": "mail.hamburger.edu", "protocol": "imap", "command": "SELECT", "reply": "NO [UNAVAILABLE] mailbox locked" },
      { "server": "mail.hamburger.edu", "protocol": "http", "command": "GET", "match": "/inbox", "reply": "503 Service Unavailable" } ])"));
    REQUIRE(w->agent("bob-laptop")->inbox().empty());
    REQUIRE(!w->agent("bob-laptop")->errors().empty());
    REQUIRE(w->agent("bob-browser")->pages().empty());
    REQUIRE(!w->agent("bob-browser")->errors().empty());
    REQUIRE(with_key(w->trace(), "agent.override.applied").size() >= 2);
    REQUIRE(!test::replies_with(w->trace(), "503").empty());
}

TEST_CASE("reading scenarios are checked: each protocol's own keys, commands and replies", "[reading]") {
    auto err = [](const std::string& fetches, const std::string& extra = "") {
        auto r = scenario::parse_scenario(scenario_with(fetches, "", extra), "s.json");
        REQUIRE(!r);
        return r.error().message();
    };
    CHECK(err(R"({ "agent": "bob-laptop", "protocol": "imap", "mode": "keep" })").find("fetches[0].mode: only for \"protocol\": \"pop3\"") != std::string::npos);
    CHECK(err(R"({ "agent": "bob-pc", "protocol": "pop3", "idle": "1m" })").find("fetches[0].idle") != std::string::npos);
    CHECK(err(R"({ "agent": "bob-browser", "protocol": "http", "commands": ["FETCH /inbox"] })").find("fetches[0].commands[0]: expected a request") != std::string::npos);
    CHECK(err(R"({ "agent": "bob-browser", "protocol": "gopher" })").find("fetches[0].protocol") != std::string::npos);
    CHECK(err(R"({ "agent": "bob-laptop", "protocol": "imap", "file_into": "INBOX/*" })").find("fetches[0].file_into") != std::string::npos);
    CHECK(err("", R"(, "overrides": [ { "server": "mail.hamburger.edu", "protocol": "imap", "command": "SELECT", "reply": "250 ok" } ])")
              .find("overrides[0].reply: expected an IMAP status response") != std::string::npos);
    CHECK(err("", R"(, "overrides": [ { "server": "mail.hamburger.edu", "protocol": "http", "command": "GET", "reply": "Service Unavailable" } ])")
              .find("overrides[0].reply: expected an HTTP status") != std::string::npos);
    CHECK(err("", R"(, "overrides": [ { "server": "mail.hamburger.edu", "protocol": "imap", "command": "RETR", "reply": "NO" } ])")
              .find("overrides[0].command: expected an IMAP command") != std::string::npos);
}

TEST_CASE("a scenario with every way of reading gives the same trace bytes twice", "[reading]") {
    const std::string s = scenario_with(R"({ "at": "1m", "agent": "bob-laptop", "protocol": "imap", "idle": "3m", "file_into": "INBOX/Read" },
                                           { "at": "90s", "agent": "bob-phone", "protocol": "imap" },
                                           { "at": "2m", "agent": "bob-browser", "protocol": "http" },
                                           { "at": "6m", "agent": "bob-pc", "protocol": "pop3" })",
                                        kThirdMail);
    auto a = run_scenario(s);
    auto b = run_scenario(s);
    REQUIRE(trace_to_json(a->trace()) == trace_to_json(b->trace()));
}
