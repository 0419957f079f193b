// test_imap.cpp — the IMAP engines: the folder store, every command and
// state of the server, literals, partial fetches, SEARCH, IDLE, bad input,
// and the client joined to the server in memory running each of its plans.
#include <catch2/catch.hpp>

#include <map>

#include "codec/base64.hpp"
#include "protocol/catalog.hpp"
#include "protocol/imap/client_session.hpp"
#include "protocol/imap/fetch.hpp"
#include "protocol/imap/mail_store.hpp"
#include "protocol/imap/server_session.hpp"
#include "text/text.hpp"

using namespace mailsim;
using namespace mailsim::imap;

namespace {

const std::string kPlain =
    "From: Alice Liddell <alice@example.org>\r\n"
    "To: bob@hamburger.edu\r\n"
    "Subject: Hello Bob\r\n"
    "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
    "Message-ID: <1@example.org>\r\n"
    "\r\n"
    "Hi Bob,\r\n"
    "see you at the lab.\r\n";

const std::string kMultipart =
    "From: \"Carol \\\"C\\\" Smith\" <carol@example.net>\r\n"
    "To: Bob <bob@hamburger.edu>, dave@example.com\r\n"
    "Subject: Lab report\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--XYZ\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "The report is attached.\r\n"
    "--XYZ\r\n"
    "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29kZT4+\r\n"
    "c3RyZWFtCnicK+QyVDAAQSMFI1NDIzMjBQMjY3OFYgsFQzNLBTMjIwVjBQsFEwMjIyMDAxMzKwUA\r\n"
    "--XYZ--\r\n";

constexpr std::int64_t kJan2024 = 1704103200;  // 2024-01-01 10:00:00 UTC

std::shared_ptr<const std::string> msg_of(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

struct ImapTestBackend : ImapBackend {
    std::map<std::string, MailStore> stores;
    std::vector<std::pair<std::string, std::string>> overrides;
    ImapTestBackend() {
        stores["bob"].deliver(msg_of(kPlain), kJan2024);
        stores["bob"].deliver(msg_of(kMultipart), kJan2024 + 3600);
    }
    std::optional<std::string> override_for(std::string_view command, std::string_view) override {
        for (auto& [c, r] : overrides)
            if (c == command) return r;
        return std::nullopt;
    }
    bool check_login(const std::string& u, const std::string& p) override { return u == "bob" && p == "hamburger"; }
    MailStore* store(const std::string& u) override {
        auto it = stores.find(u);
        return it == stores.end() ? nullptr : &it->second;
    }
    std::int64_t now() override { return kJan2024 + 86400; }
};

struct ImapTestServer {
    ImapTestBackend backend;
    ImapServerSession session;
    std::vector<protocol::Outgoing> units;
    explicit ImapTestServer(ImapSettings s = {}) : session(std::move(s), backend) {}
    std::string start() {
        session.start();
        return collect();
    }
    std::string send(std::string_view bytes) {
        session.receive(bytes);
        return collect();
    }
    std::string collect() {
        std::string got;
        for (auto& o : session.take_output()) {
            got += o.bytes;
            units.push_back(std::move(o));
        }
        return got;
    }
    void login() {
        start();
        send("a LOGIN bob hamburger\r\n");
    }
    void select() {
        login();
        send("s SELECT INBOX\r\n");
    }
    MailStore& store() { return backend.stores["bob"]; }
};

bool has(const std::string& hay, std::string_view needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

// ---------------------------------------------------------------------------
// The store

TEST_CASE("IMAP store: CREATE makes the parents, DELETE of a parent leaves it Noselect", "[imap]") {
    MailStore s;
    REQUIRE(s.create("INBOX/Courses/Networks") == MailStore::Result::ok);
    REQUIRE(s.folder("INBOX/Courses"));
    REQUIRE(s.folder("inbox/Courses/Networks"));  // INBOX in any case
    REQUIRE(s.create("INBOX/Courses") == MailStore::Result::exists);
    REQUIRE(s.remove("INBOX") == MailStore::Result::is_inbox);
    REQUIRE(s.remove("INBOX/Courses") == MailStore::Result::ok);
    REQUIRE(s.folder("INBOX/Courses")->noselect);
    REQUIRE(s.remove("INBOX/Courses") == MailStore::Result::has_children);
    REQUIRE(s.remove("INBOX/Courses/Networks") == MailStore::Result::ok);
    REQUIRE(s.remove("INBOX/Courses") == MailStore::Result::ok);
    REQUIRE(s.folder_names() == std::vector<std::string>{"INBOX"});
}

TEST_CASE("IMAP store: a folder made again gets a new UIDVALIDITY, UIDs only grow", "[imap]") {
    MailStore s(7);
    REQUIRE(s.folder("INBOX")->uidvalidity == 7);
    s.create("Sent");
    auto v = s.folder("Sent")->uidvalidity;
    REQUIRE(*s.append("Sent", msg_of("a"), {}, 0) == 1);
    REQUIRE(*s.append("Sent", msg_of("b"), {}, 0) == 2);
    s.remove_uids("Sent", {2});
    REQUIRE(*s.append("Sent", msg_of("c"), {}, 0) == 3);
    s.remove("Sent");
    s.create("Sent");
    REQUIRE(s.folder("Sent")->uidvalidity != v);
    REQUIRE(s.folder("Sent")->uidnext == 1);
}

TEST_CASE("IMAP store: RENAME moves inferiors, renaming INBOX moves its messages", "[imap]") {
    MailStore s;
    s.deliver(msg_of("x"), 0);
    s.create("Work/2024/Q1");
    s.subscribe("Work/2024");
    REQUIRE(s.rename("Work", "Archive/Work") == MailStore::Result::ok);
    REQUIRE(s.folder("Archive/Work/2024/Q1"));
    REQUIRE(!s.folder("Work"));
    REQUIRE(s.subscribed("Archive/Work/2024"));
    REQUIRE(s.rename("Nothing", "Else") == MailStore::Result::no_such_folder);
    REQUIRE(s.rename("Archive", "Archive/Work") == MailStore::Result::exists);
    REQUIRE(s.rename("INBOX", "Old") == MailStore::Result::ok);
    REQUIRE(s.folder("INBOX")->messages.empty());
    REQUIRE(s.folder("Old")->messages.size() == 1);
}

TEST_CASE("IMAP store: LIST wildcards * and %", "[imap]") {
    MailStore s;
    s.create("INBOX/Courses/Networks");
    s.create("Sent");
    auto names = [&](std::string_view ref, std::string_view pat) {
        std::vector<std::string> v;
        for (auto& e : s.list(ref, pat, false)) v.push_back(e.name);
        return v;
    };
    REQUIRE(names("", "*") == std::vector<std::string>{"INBOX", "INBOX/Courses", "INBOX/Courses/Networks", "Sent"});
    REQUIRE(names("", "%") == std::vector<std::string>{"INBOX", "Sent"});
    REQUIRE(names("inbox/", "%") == std::vector<std::string>{"INBOX/Courses"});
    REQUIRE(names("", "*Net*") == std::vector<std::string>{"INBOX/Courses/Networks"});
    REQUIRE(MailStore::matches("a%c", "abc"));
    REQUIRE(!MailStore::matches("a%c", "a/c"));
    REQUIRE(MailStore::matches("a*c", "a/b/c"));
}

TEST_CASE("IMAP store: EXPUNGE removes Deleted, COPY flags the copy Recent", "[imap]") {
    MailStore s;
    s.deliver(msg_of("1"), 0);
    s.deliver(msg_of("2"), 0);
    s.deliver(msg_of("3"), 0);
    auto* in = s.folder("INBOX");
    in->find(1)->flags.insert("\\Deleted");
    in->find(3)->flags.insert("\\Deleted");
    s.create("Trash");
    REQUIRE(s.copy("INBOX", {1, 2, 9}, "Trash")->size() == 2);
    REQUIRE(s.folder("Trash")->messages[0].flags.count("\\Recent"));
    REQUIRE(s.expunge("INBOX") == std::vector<std::uint32_t>{1, 3});
    REQUIRE(s.folder("INBOX")->messages.size() == 1);
    REQUIRE(!s.copy("INBOX", {2}, "Nowhere"));
}

// ---------------------------------------------------------------------------
// Not Authenticated

TEST_CASE("IMAP greeting announces capabilities, LOGIN moves to Authenticated", "[imap]") {
    ImapTestServer s;
    REQUIRE(s.start() == "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN IDLE ID NAMESPACE] mail.example IMAP4rev1 server ready\r\n");
    REQUIRE(s.units.back().key == "imap.reply.greeting");
    REQUIRE(s.session.state() == ImapServerSession::State::NotAuthenticated);
    REQUIRE(s.send("a1 LOGIN bob hamburger\r\n").rfind("a1 OK [CAPABILITY ", 0) == 0);
    REQUIRE(s.session.state() == ImapServerSession::State::Authenticated);
    auto e = s.session.next_event();
    REQUIRE(e->type == ImapServerSession::SessionEvent::Type::state_change);
    REQUIRE(e->to == ImapServerSession::State::Authenticated);
}

TEST_CASE("IMAP LOGIN with a wrong password gets NO and the session stays", "[imap]") {
    ImapTestServer s;
    s.start();
    REQUIRE(s.send("a1 LOGIN bob ketchup\r\n") == "a1 NO LOGIN failed: invalid user name or password\r\n");
    REQUIRE(s.units.back().verb == "NO");
    REQUIRE(s.units.back().key == "imap.reply.NO");
    REQUIRE(s.session.state() == ImapServerSession::State::NotAuthenticated);
    REQUIRE(s.send("a2 LOGIN \"bob\" \"hamburger\"\r\n").rfind("a2 OK", 0) == 0);
}

TEST_CASE("IMAP LOGIN with a literal password waits for + and takes the octets", "[imap]") {
    ImapTestServer s;
    s.start();
    REQUIRE(s.send("a1 LOGIN bob {9}\r\n") == "+ Ready for literal data\r\n");
    REQUIRE(s.units.back().verb == "+");
    REQUIRE(s.units.back().key == "imap.reply.continue");
    REQUIRE(s.send("hamburger\r\n").rfind("a1 OK", 0) == 0);
}

TEST_CASE("IMAP AUTHENTICATE PLAIN: continuation, SASL-IR, cancel and bad base64", "[imap]") {
    std::string creds = codec::base64_encode(std::string("\0bob\0hamburger", 14), false);
    ImapTestServer s;
    s.start();
    REQUIRE(s.send("a1 AUTHENTICATE PLAIN\r\n") == "+ \r\n");
    REQUIRE(s.send(creds + "\r\n").rfind("a1 OK [CAPABILITY", 0) == 0);
    REQUIRE(s.session.state() == ImapServerSession::State::Authenticated);

    ImapTestServer ir;
    ir.start();
    REQUIRE(ir.send("a1 AUTHENTICATE PLAIN " + creds + "\r\n").rfind("a1 OK", 0) == 0);

    ImapTestServer c;
    c.start();
    c.send("a1 AUTHENTICATE PLAIN\r\n");
    REQUIRE(c.send("*\r\n") == "a1 BAD AUTHENTICATE cancelled\r\n");
    c.send("a2 AUTHENTICATE PLAIN\r\n");
    REQUIRE(c.send("!!!!\r\n").rfind("a2 BAD", 0) == 0);
    REQUIRE(c.send("a3 AUTHENTICATE CRAM-MD5\r\n") == "a3 NO unsupported mechanism CRAM-MD5\r\n");
    std::string wrong = codec::base64_encode(std::string("\0bob\0ketchup", 12), false);
    REQUIRE(c.send("a4 AUTHENTICATE PLAIN " + wrong + "\r\n").rfind("a4 NO", 0) == 0);
    REQUIRE(c.session.state() == ImapServerSession::State::NotAuthenticated);
}

TEST_CASE("SELECT before LOGIN gets BAD naming the state", "[imap]") {
    ImapTestServer s;
    s.start();
    REQUIRE(s.send("a1 SELECT INBOX\r\n") == "a1 BAD SELECT is not allowed in the NotAuthenticated state\r\n");
    REQUIRE(s.send("a2 FETCH 1 FLAGS\r\n") == "a2 BAD FETCH is not allowed in the NotAuthenticated state\r\n");
    s.send("a3 LOGIN bob hamburger\r\n");
    REQUIRE(s.send("a4 LOGIN bob hamburger\r\n") == "a4 BAD LOGIN is not allowed in the Authenticated state\r\n");
    REQUIRE(s.send("a5 EXPUNGE\r\n") == "a5 BAD EXPUNGE is not allowed in the Authenticated state\r\n");
}

TEST_CASE("IMAP CAPABILITY, NOOP and LOGOUT work in every state", "[imap]") {
    ImapTestServer s;
    s.start();
    REQUIRE(s.send("a CAPABILITY\r\n") ==
            "* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN IDLE ID NAMESPACE\r\na OK CAPABILITY completed\r\n");
    REQUIRE(s.units[s.units.size() - 2].verb == "CAPABILITY");
    REQUIRE(s.units[s.units.size() - 2].key == "imap.data.CAPABILITY");
    REQUIRE(s.send("b NOOP\r\n") == "b OK NOOP completed\r\n");
    REQUIRE(s.send("c LOGOUT\r\n") == "* BYE mail.example IMAP4rev1 server logging out\r\nc OK LOGOUT completed\r\n");
    REQUIRE(s.session.state() == ImapServerSession::State::Logout);
    REQUIRE(s.session.wants_close());
    REQUIRE(s.send("d NOOP\r\n").empty());  // closed
}

// ---------------------------------------------------------------------------
// Authenticated: folders

TEST_CASE("IMAP SELECT tells FLAGS, EXISTS, RECENT and the UID codes, then READ-WRITE", "[imap]") {
    ImapTestServer s;
    s.login();
    REQUIRE(s.send("s SELECT INBOX\r\n") ==
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
            "* 2 EXISTS\r\n"
            "* 2 RECENT\r\n"
            "* OK [UNSEEN 1] message 1 is the first unseen\r\n"
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] flags that can be changed for good\r\n"
            "* OK [UIDVALIDITY 1] UIDs valid\r\n"
            "* OK [UIDNEXT 3] the next UID\r\n"
            "s OK [READ-WRITE] SELECT completed\r\n");
    REQUIRE(s.session.state() == ImapServerSession::State::Selected);
    REQUIRE(s.units.back().key == "imap.code.READ-WRITE");
    // \Recent was claimed by this session: a second session does not see it.
    ImapServerSession other({}, s.backend);
    other.start();
    other.receive("a LOGIN bob hamburger\r\nb SELECT INBOX\r\n");
    std::string got;
    for (auto& o : other.take_output()) got += o.bytes;
    REQUIRE(has(got, "* 0 RECENT\r\n"));
}

TEST_CASE("IMAP EXAMINE is read-only: no Seen, no STORE, no EXPUNGE", "[imap]") {
    ImapTestServer s;
    s.login();
    std::string got = s.send("e EXAMINE INBOX\r\n");
    REQUIRE(has(got, "* OK [PERMANENTFLAGS ()]"));
    REQUIRE(has(got, "e OK [READ-ONLY] EXAMINE completed\r\n"));
    REQUIRE(s.session.read_only());
    got = s.send("f FETCH 1 BODY[TEXT]\r\n");
    REQUIRE(!has(got, "FLAGS"));
    REQUIRE(s.store().folder("INBOX")->messages[0].flags.count("\\Seen") == 0);
    REQUIRE(s.send("g STORE 1 +FLAGS (\\Deleted)\r\n").rfind("g NO", 0) == 0);
    REQUIRE(s.send("h EXPUNGE\r\n").rfind("h NO", 0) == 0);
}

TEST_CASE("IMAP SELECT of a missing folder gets NO and leaves no folder selected", "[imap]") {
    ImapTestServer s;
    s.select();
    REQUIRE(s.send("t SELECT Nowhere\r\n") == "t NO SELECT failed: no such folder\r\n");
    REQUIRE(s.session.state() == ImapServerSession::State::Authenticated);
}

TEST_CASE("IMAP folder hierarchy: CREATE INBOX/Courses/Networks, LIST * and %, RENAME, DELETE", "[imap]") {
    ImapTestServer s;
    s.login();
    REQUIRE(s.send("c1 CREATE INBOX/Courses/Networks\r\n") == "c1 OK CREATE completed\r\n");
    REQUIRE(s.send("c2 CREATE Sent\r\n") == "c2 OK CREATE completed\r\n");
    REQUIRE(s.send("c3 CREATE Sent\r\n") == "c3 NO CREATE failed: a folder with that name exists already\r\n");
    REQUIRE(s.send("c4 CREATE inbox\r\n").rfind("c4 NO", 0) == 0);
    REQUIRE(s.send("l1 LIST \"\" \"*\"\r\n") ==
            "* LIST (\\HasChildren) \"/\" INBOX\r\n"
            "* LIST (\\HasChildren) \"/\" INBOX/Courses\r\n"
            "* LIST (\\HasNoChildren) \"/\" INBOX/Courses/Networks\r\n"
            "* LIST (\\HasNoChildren) \"/\" Sent\r\n"
            "l1 OK LIST completed\r\n");
    REQUIRE(s.units.front().key == "imap.reply.greeting");
    REQUIRE(s.units[s.units.size() - 2].verb == "LIST");
    REQUIRE(s.send("l2 LIST \"\" %\r\n") ==
            "* LIST (\\HasChildren) \"/\" INBOX\r\n* LIST (\\HasNoChildren) \"/\" Sent\r\nl2 OK LIST completed\r\n");
    REQUIRE(s.send("l3 LIST INBOX/ %\r\n") == "* LIST (\\HasChildren) \"/\" INBOX/Courses\r\nl3 OK LIST completed\r\n");
    REQUIRE(s.send("l4 LIST \"\" \"\"\r\n") == "* LIST (\\Noselect) \"/\" \"\"\r\nl4 OK LIST completed\r\n");
    REQUIRE(s.send("r1 RENAME INBOX/Courses Courses\r\n") == "r1 OK RENAME completed\r\n");
    REQUIRE(has(s.send("l5 LIST \"\" *\r\n"), "* LIST (\\HasNoChildren) \"/\" Courses/Networks\r\n"));
    REQUIRE(s.send("r2 RENAME Nothing Other\r\n") == "r2 NO RENAME failed: no such folder\r\n");
    REQUIRE(s.send("d1 DELETE Courses\r\n") == "d1 OK DELETE completed\r\n");
    REQUIRE(has(s.send("l6 LIST \"\" Courses\r\n"), "* LIST (\\Noselect \\HasChildren) \"/\" Courses\r\n"));
    REQUIRE(s.send("d2 SELECT Courses\r\n").rfind("d2 NO", 0) == 0);
    REQUIRE(s.send("d3 DELETE INBOX\r\n") == "d3 NO DELETE failed: INBOX cannot be deleted\r\n");
    REQUIRE(s.send("d4 DELETE \"Courses/Networks\"\r\n") == "d4 OK DELETE completed\r\n");
    REQUIRE(s.send("d5 DELETE Courses\r\n") == "d5 OK DELETE completed\r\n");
    REQUIRE(s.store().folder_names() == std::vector<std::string>{"INBOX", "Sent"});
}

TEST_CASE("IMAP folder names with spaces are quoted in LIST", "[imap]") {
    ImapTestServer s;
    s.login();
    s.send("c CREATE \"Old Mail\"\r\n");
    REQUIRE(has(s.send("l LIST \"\" Old*\r\n"), "* LIST (\\HasNoChildren) \"/\" \"Old Mail\"\r\n"));
}

TEST_CASE("IMAP SUBSCRIBE, LSUB and UNSUBSCRIBE", "[imap]") {
    ImapTestServer s;
    s.login();
    s.send("c CREATE Sent\r\n");
    REQUIRE(s.send("s1 SUBSCRIBE Sent\r\n") == "s1 OK SUBSCRIBE completed\r\n");
    REQUIRE(s.send("s2 SUBSCRIBE Nowhere\r\n").rfind("s2 NO", 0) == 0);
    REQUIRE(s.send("l LSUB \"\" *\r\n") == "* LSUB (\\HasNoChildren) \"/\" Sent\r\nl OK LSUB completed\r\n");
    REQUIRE(s.units[s.units.size() - 2].key == "imap.data.LSUB");
    REQUIRE(s.send("u1 UNSUBSCRIBE Sent\r\n") == "u1 OK UNSUBSCRIBE completed\r\n");
    REQUIRE(s.send("u2 UNSUBSCRIBE Sent\r\n").rfind("u2 NO", 0) == 0);
    REQUIRE(s.send("m LSUB \"\" *\r\n") == "m OK LSUB completed\r\n");
}

TEST_CASE("IMAP STATUS counts without selecting", "[imap]") {
    ImapTestServer s;
    s.login();
    REQUIRE(s.send("st STATUS INBOX (MESSAGES RECENT UNSEEN UIDNEXT UIDVALIDITY)\r\n") ==
            "* STATUS INBOX (MESSAGES 2 RECENT 2 UNSEEN 2 UIDNEXT 3 UIDVALIDITY 1)\r\nst OK STATUS completed\r\n");
    REQUIRE(s.send("su STATUS Nowhere (MESSAGES)\r\n").rfind("su NO", 0) == 0);
    REQUIRE(s.send("sv STATUS INBOX (SIZE)\r\n").rfind("sv BAD", 0) == 0);
}

TEST_CASE("IMAP APPEND takes a literal with flags and a date, a missing folder gets TRYCREATE", "[imap]") {
    ImapTestServer s;
    s.login();
    std::string msg = "Subject: draft\r\n\r\nnot sent yet\r\n";
    REQUIRE(s.send("p1 APPEND Drafts {" + std::to_string(msg.size()) + "}\r\n") == "+ Ready for literal data\r\n");
    REQUIRE(s.send(msg + "\r\n") == "p1 NO [TRYCREATE] APPEND failed: no such folder (create it first)\r\n");
    REQUIRE(s.units.back().key == "imap.code.TRYCREATE");
    s.send("c CREATE Drafts\r\n");
    std::string cmd = "p2 APPEND Drafts (\\Draft \\Seen) \"17-Jul-1996 02:44:25 -0700\" {" + std::to_string(msg.size()) + "}\r\n";
    REQUIRE(s.send(cmd) == "+ Ready for literal data\r\n");
    REQUIRE(s.send(msg + "\r\n") == "p2 OK APPEND completed\r\n");
    const Folder* d = s.store().folder("Drafts");
    REQUIRE(d->messages.size() == 1);
    REQUIRE(*d->messages[0].content == msg);
    REQUIRE(d->messages[0].flags == std::set<std::string>{"\\Draft", "\\Recent", "\\Seen"});
    REQUIRE(d->messages[0].internaldate == 837596665);  // 1996-07-17 09:44:25 UTC
    REQUIRE(has(s.send("x EXAMINE Drafts\r\ny FETCH 1 INTERNALDATE\r\n"),
                "* 1 FETCH (INTERNALDATE \"17-Jul-1996 09:44:25 +0000\")\r\n"));
    // Without a date: the backend's clock; LITERAL+ needs no continuation.
    // Drafts is the examined folder now, so the new message is told (read-only: \Recent is not claimed).
    REQUIRE(s.send("p3 APPEND Drafts {" + std::to_string(msg.size()) + "+}\r\n" + msg + "\r\n") ==
            "* 2 EXISTS\r\n* 2 RECENT\r\np3 OK APPEND completed\r\n");
    REQUIRE(s.store().folder("Drafts")->messages[1].internaldate == kJan2024 + 86400);
    REQUIRE(has(s.send("p4 APPEND Drafts \"bad date\" {1}\r\nx\r\n"), "p4 BAD APPEND syntax error: the date is like"));
}

TEST_CASE("IMAP APPEND into the selected folder is told as EXISTS", "[imap]") {
    ImapTestServer s;
    s.select();
    // RECENT counts every message recent for this session: the two seen at SELECT and the new one.
    REQUIRE(s.send("p APPEND INBOX {10+}\r\nSubject:\r\n\r\n") == "* 3 EXISTS\r\n* 3 RECENT\r\np OK APPEND completed\r\n");
}

// ---------------------------------------------------------------------------
// Selected: FETCH

TEST_CASE("IMAP FETCH FLAGS, INTERNALDATE, RFC822.SIZE, UID and the FAST macro", "[imap]") {
    ImapTestServer s;
    s.select();
    REQUIRE(s.send("f1 FETCH 1 (UID FLAGS INTERNALDATE RFC822.SIZE)\r\n") ==
            "* 1 FETCH (UID 1 FLAGS (\\Recent) INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" RFC822.SIZE " +
                std::to_string(kPlain.size()) + ")\r\nf1 OK FETCH completed\r\n");
    REQUIRE(s.units[s.units.size() - 2].verb == "FETCH");
    REQUIRE(s.units[s.units.size() - 2].key == "imap.data.FETCH");
    std::string fast = s.send("f2 FETCH 1:* FAST\r\n");
    REQUIRE(has(fast, "* 1 FETCH (FLAGS (\\Recent) INTERNALDATE"));
    REQUIRE(has(fast, "* 2 FETCH (FLAGS (\\Recent) INTERNALDATE \"01-Jan-2024 11:00:00 +0000\" RFC822.SIZE"));
    REQUIRE(s.send("f3 FETCH 3 FLAGS\r\n") == "f3 BAD FETCH failed: no such message number\r\n");
    REQUIRE(s.send("f4 FETCH 1 (FLAGS BOGUS)\r\n").rfind("f4 BAD FETCH syntax error: unknown FETCH data item", 0) == 0);
}

TEST_CASE("IMAP FETCH ENVELOPE parses the header's addresses and quotes strings", "[imap]") {
    ImapTestServer s;
    s.select();
    REQUIRE(s.send("e FETCH 1 ENVELOPE\r\n") ==
            "* 1 FETCH (ENVELOPE (\"Mon, 1 Jan 2024 10:00:00 +0000\" \"Hello Bob\" "
            "((\"Alice Liddell\" NIL \"alice\" \"example.org\")) ((\"Alice Liddell\" NIL \"alice\" \"example.org\")) "
            "((\"Alice Liddell\" NIL \"alice\" \"example.org\")) ((NIL NIL \"bob\" \"hamburger.edu\")) NIL NIL NIL "
            "\"<1@example.org>\"))\r\ne OK FETCH completed\r\n");
    std::string two = s.send("e2 FETCH 2 ENVELOPE\r\n");
    REQUIRE(has(two, "((\"Carol \\\"C\\\" Smith\" NIL \"carol\" \"example.net\"))"));
    REQUIRE(has(two, "((\"Bob\" NIL \"bob\" \"hamburger.edu\")(NIL NIL \"dave\" \"example.com\"))"));
    REQUIRE(has(two, " NIL NIL NIL NIL))\r\n"));  // no date, cc, bcc, in-reply-to, message-id... (date first)
}

TEST_CASE("IMAP FETCH BODYSTRUCTURE and BODY describe the MIME tree", "[imap]") {
    ImapTestServer s;
    s.select();
    REQUIRE(s.send("b1 FETCH 1 BODYSTRUCTURE\r\n") ==
            "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 30 2 NIL NIL NIL NIL))\r\n"
            "b1 OK FETCH completed\r\n");
    std::string two = s.send("b2 FETCH 2 BODYSTRUCTURE\r\n");
    REQUIRE(has(two, "(BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 23 1 NIL NIL NIL NIL)"
                     "(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") NIL NIL \"BASE64\" 158 NIL "
                     "(\"ATTACHMENT\" (\"FILENAME\" \"report.pdf\")) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"XYZ\") NIL NIL NIL))"));
    std::string body = s.send("b3 FETCH 2 BODY\r\n");
    REQUIRE(has(body, "(BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 23 1)"
                      "(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") NIL NIL \"BASE64\" 158) \"MIXED\"))"));
    REQUIRE(has(s.send("b4 FETCH 1 ALL\r\n"), "RFC822.SIZE " + std::to_string(kPlain.size()) + " ENVELOPE ("));
    REQUIRE(has(s.send("b5 FETCH 1 FULL\r\n"), "ENVELOPE (\"Mon, 1 Jan 2024"));
}

TEST_CASE("IMAP BODY[] sets Seen and reports FLAGS, BODY.PEEK[] does not", "[imap]") {
    ImapTestServer s;
    s.select();
    std::string peek = s.send("p FETCH 1 BODY.PEEK[]\r\n");
    REQUIRE(peek == "* 1 FETCH (BODY[] {" + std::to_string(kPlain.size()) + "}\r\n" + kPlain + ")\r\np OK FETCH completed\r\n");
    REQUIRE(!s.store().folder("INBOX")->messages[0].flags.count("\\Seen"));
    std::string read = s.send("r FETCH 1 BODY[]\r\n");
    REQUIRE(read == "* 1 FETCH (BODY[] {" + std::to_string(kPlain.size()) + "}\r\n" + kPlain +
                        " FLAGS (\\Recent \\Seen))\r\nr OK FETCH completed\r\n");
    REQUIRE(s.store().folder("INBOX")->messages[0].flags.count("\\Seen"));
    // Already seen: no FLAGS the second time.
    REQUIRE(!has(s.send("r2 FETCH 1 BODY[TEXT]\r\n"), "FLAGS"));
    REQUIRE(has(s.send("r3 FETCH 2 RFC822\r\n"), "FLAGS (\\Recent \\Seen)"));
}

TEST_CASE("IMAP partial fetch BODY[1]<0.10> sends exactly those octets", "[imap]") {
    ImapTestServer s;
    s.select();
    std::string got = s.send("p FETCH 2 BODY.PEEK[1]<0.10>\r\n");
    REQUIRE(got == "* 2 FETCH (BODY[1]<0> {10}\r\nThe report)\r\np OK FETCH completed\r\n");
    // One unit for the whole response, literal included, smaller than the message.
    const auto& unit = s.units[s.units.size() - 2];
    REQUIRE(unit.bytes == "* 2 FETCH (BODY[1]<0> {10}\r\nThe report)\r\n");
    REQUIRE(unit.bytes.size() < kMultipart.size());
    REQUIRE(protocol::outgoing_args(unit) == "(BODY[1]<0> {10}");  // what a trace shows beside FETCH
    REQUIRE(s.send("q FETCH 2 BODY.PEEK[1]<4.6>\r\n") == "* 2 FETCH (BODY[1]<4> {6}\r\nreport)\r\nq OK FETCH completed\r\n");
    REQUIRE(has(s.send("r FETCH 2 BODY.PEEK[1]<9999.6>\r\n"), "BODY[1]<9999> {0}\r\n)"));
    REQUIRE(s.send("t FETCH 2 BODY.PEEK[1]<4>\r\n").rfind("t BAD", 0) == 0);
}

TEST_CASE("IMAP FETCH sections: HEADER, HEADER.FIELDS, .NOT, TEXT, MIME and part numbers", "[imap]") {
    ImapTestServer s;
    s.select();
    REQUIRE(s.send("h FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject FROM)]\r\n") ==
            "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM)] {63}\r\n"
            "From: Alice Liddell <alice@example.org>\r\nSubject: Hello Bob\r\n\r\n)\r\nh OK FETCH completed\r\n");
    std::string notf = s.send("n FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (From To Date Message-ID)]\r\n");
    REQUIRE(has(notf, "{22}\r\nSubject: Hello Bob\r\n\r\n)"));
    std::string header = s.send("hh FETCH 1 RFC822.HEADER\r\n");
    REQUIRE(has(header, "RFC822.HEADER {" + std::to_string(kPlain.find("\r\n\r\n") + 4) + "}\r\nFrom: Alice"));
    REQUIRE(has(header, "<1@example.org>\r\n\r\n)"));
    REQUIRE(has(s.send("t FETCH 1 BODY.PEEK[TEXT]\r\n"), "BODY[TEXT] {30}\r\nHi Bob,\r\nsee you at the lab.\r\n)"));
    REQUIRE(has(s.send("one FETCH 1 BODY.PEEK[1]\r\n"), "BODY[1] {30}\r\nHi Bob,\r\n"));
    size_t mime = kMultipart.find("Content-Type: application/pdf");
    std::string mime_header = kMultipart.substr(mime, kMultipart.find("\r\n\r\n", mime) + 4 - mime);
    REQUIRE(has(s.send("m FETCH 2 BODY.PEEK[2.MIME]\r\n"),
                "BODY[2.MIME] {" + std::to_string(mime_header.size()) + "}\r\n" + mime_header + ")"));
    REQUIRE(has(s.send("p2 FETCH 2 BODY.PEEK[2]\r\n"), "BODY[2] {158}\r\nJVBERi0x"));
    REQUIRE(has(s.send("p9 FETCH 2 BODY.PEEK[9]\r\n"), "BODY[9] {0}\r\n"));
    REQUIRE(s.send("bad FETCH 1 BODY[FOO]\r\n").rfind("bad BAD", 0) == 0);
    REQUIRE(s.send("bad2 FETCH 1 BODY[HEADER.FIELDS]\r\n").rfind("bad2 BAD", 0) == 0);
}

TEST_CASE("IMAP FETCH parts of a message inside a message (message/rfc822)", "[imap]") {
    ImapTestServer s;
    std::string inner = "Subject: inner\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
                        "--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b--\r\n";
    std::string outer = "Subject: fwd\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n\r\nsee below\r\n--a\r\n"
                        "Content-Type: message/rfc822\r\n\r\n" + inner + "--a--\r\n";
    s.backend.stores["bob"].deliver(msg_of(outer), 0);
    s.select();
    std::string inner_header = inner.substr(0, inner.find("\r\n\r\n") + 4);
    REQUIRE(has(s.send("a FETCH 3 BODY.PEEK[2.HEADER]\r\n"),
                "BODY[2.HEADER] {" + std::to_string(inner_header.size()) + "}\r\n" + inner_header + ")"));
    REQUIRE(has(s.send("b FETCH 3 BODY.PEEK[2.2]\r\n"), "BODY[2.2] {11}\r\n<p>html</p>)"));
    REQUIRE(has(s.send("c FETCH 3 BODY.PEEK[2.1]\r\n"), "BODY[2.1] {5}\r\nplain)"));
    std::string bs = s.send("d FETCH 3 BODYSTRUCTURE\r\n");
    REQUIRE(has(bs, "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" "));
    REQUIRE(has(bs, "\"ALTERNATIVE\" (\"BOUNDARY\" \"b\") NIL NIL NIL) 12 NIL NIL NIL NIL)"));
}

TEST_CASE("IMAP writes a string with CR LF or 8-bit octets as a literal", "[imap]") {
    REQUIRE(quote_string("plain") == "\"plain\"");
    REQUIRE(quote_string("say \"hi\" \\o/") == "\"say \\\"hi\\\" \\\\o/\"");
    REQUIRE(quote_string("two\r\nlines") == "{10}\r\ntwo\r\nlines");
    REQUIRE(quote_string("caf\xc3\xa9") == "{5}\r\ncaf\xc3\xa9");
    REQUIRE(astring_out("INBOX/Courses") == "INBOX/Courses");
    REQUIRE(astring_out("Old Mail") == "\"Old Mail\"");
    REQUIRE(astring_out("") == "\"\"");
    ImapTestServer s;
    s.backend.stores["bob"].deliver(msg_of("Subject: =?utf-8?q?caf=C3=A9?= \xe5\x92\x96\xe5\x95\xa1\r\n\r\nx\r\n"), 0);
    s.select();
    REQUIRE(has(s.send("e FETCH 3 ENVELOPE\r\n"), "(NIL {28}\r\n=?utf-8?q?caf=C3=A9?= \xe5\x92\x96\xe5\x95\xa1 NIL"));
}

// ---------------------------------------------------------------------------
// Selected: STORE, EXPUNGE, CLOSE, COPY, UID, SEARCH

TEST_CASE("IMAP STORE FLAGS, +FLAGS, -FLAGS and .SILENT", "[imap]") {
    ImapTestServer s;
    s.select();
    REQUIRE(s.send("s1 STORE 1 +FLAGS (\\Flagged \\seen)\r\n") ==
            "* 1 FETCH (FLAGS (\\Flagged \\Recent \\Seen))\r\ns1 OK STORE completed\r\n");
    REQUIRE(s.send("s2 STORE 1 -FLAGS \\Flagged\r\n") == "* 1 FETCH (FLAGS (\\Recent \\Seen))\r\ns2 OK STORE completed\r\n");
    REQUIRE(s.send("s3 STORE 1:2 FLAGS (homework)\r\n") ==
            "* 1 FETCH (FLAGS (\\Recent homework))\r\n* 2 FETCH (FLAGS (\\Recent homework))\r\ns3 OK STORE completed\r\n");
    REQUIRE(s.send("s4 STORE 2 +FLAGS.SILENT (\\Answered)\r\n") == "s4 OK STORE completed\r\n");
    REQUIRE(s.store().folder("INBOX")->messages[1].flags.count("\\Answered"));
    REQUIRE(s.send("s5 STORE 1 +FLAGS (\\Recent)\r\n") == "* 1 FETCH (FLAGS (\\Recent homework))\r\ns5 OK STORE completed\r\n");
    REQUIRE(s.send("s6 STORE 1 XFLAGS (\\Seen)\r\n").rfind("s6 BAD", 0) == 0);
    REQUIRE(s.send("s7 STORE 7 +FLAGS (\\Seen)\r\n").rfind("s7 BAD", 0) == 0);
    REQUIRE(has(s.send("n SELECT INBOX\r\n"), "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft homework)\r\n"));
}

TEST_CASE("IMAP EXPUNGE tells each removed message, numbers shift at once", "[imap]") {
    ImapTestServer s;
    s.backend.stores["bob"].deliver(msg_of("Subject: three\r\n\r\n3\r\n"), 0);
    s.select();
    s.send("d STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n");
    REQUIRE(s.send("x EXPUNGE\r\n") == "* 1 EXPUNGE\r\n* 1 EXPUNGE\r\nx OK EXPUNGE completed\r\n");
    REQUIRE(s.units[s.units.size() - 2].key == "imap.data.EXPUNGE");
    REQUIRE(s.send("f FETCH 1 UID\r\n") == "* 1 FETCH (UID 3)\r\nf OK FETCH completed\r\n");
    REQUIRE(s.send("y EXPUNGE\r\n") == "y OK EXPUNGE completed\r\n");
}

TEST_CASE("IMAP CLOSE expunges silently and returns to Authenticated", "[imap]") {
    ImapTestServer s;
    s.select();
    s.send("d STORE 2 +FLAGS.SILENT (\\Deleted)\r\n");
    REQUIRE(s.send("c CLOSE\r\n") == "c OK CLOSE completed\r\n");
    REQUIRE(s.session.state() == ImapServerSession::State::Authenticated);
    REQUIRE(s.store().folder("INBOX")->messages.size() == 1);
    REQUIRE(s.send("f FETCH 1 FLAGS\r\n").rfind("f BAD FETCH is not allowed in the Authenticated state", 0) == 0);
}

TEST_CASE("IMAP COPY copies, a missing target gets NO [TRYCREATE]", "[imap]") {
    ImapTestServer s;
    s.select();
    REQUIRE(s.send("c1 COPY 1:2 Archive\r\n") == "c1 NO [TRYCREATE] COPY failed: no such folder (create it first)\r\n");
    s.send("m CREATE Archive\r\n");
    REQUIRE(s.send("c2 COPY 1:2 Archive\r\n") == "c2 OK COPY completed\r\n");
    REQUIRE(s.store().folder("Archive")->messages.size() == 2);
    REQUIRE(s.store().folder("INBOX")->messages.size() == 2);
    REQUIRE(s.send("c3 UID COPY 2 Archive\r\n") == "c3 OK UID COPY completed\r\n");
    REQUIRE(s.store().folder("Archive")->messages.back().uid == 3);
    REQUIRE(s.send("c4 COPY 2 INBOX\r\n") == "* 3 EXISTS\r\n* 3 RECENT\r\nc4 OK COPY completed\r\n");
}

TEST_CASE("IMAP UID FETCH, UID STORE and UID SEARCH speak UIDs", "[imap]") {
    ImapTestServer s;
    s.backend.stores["bob"].remove_uids("INBOX", {1});
    s.backend.stores["bob"].deliver(msg_of("Subject: three\r\n\r\n3\r\n"), 0);  // UIDs 2, 3
    s.select();
    REQUIRE(s.send("u1 UID FETCH 3 FLAGS\r\n") == "* 2 FETCH (UID 3 FLAGS (\\Recent))\r\nu1 OK UID FETCH completed\r\n");
    REQUIRE(s.send("u2 UID FETCH 1:* (UID)\r\n") ==
            "* 1 FETCH (UID 2)\r\n* 2 FETCH (UID 3)\r\nu2 OK UID FETCH completed\r\n");
    REQUIRE(s.send("u3 UID FETCH 99 FLAGS\r\n") == "u3 OK UID FETCH completed\r\n");  // no such UID: nothing
    REQUIRE(s.send("u4 UID STORE 2 +FLAGS (\\Seen)\r\n") ==
            "* 1 FETCH (UID 2 FLAGS (\\Recent \\Seen))\r\nu4 OK UID STORE completed\r\n");
    REQUIRE(s.send("u5 UID SEARCH UNSEEN\r\n") == "* SEARCH 3\r\nu5 OK UID SEARCH completed\r\n");
    REQUIRE(s.send("u6 SEARCH UNSEEN\r\n") == "* SEARCH 2\r\nu6 OK SEARCH completed\r\n");
    REQUIRE(s.send("u7 UID EXPUNGE 2\r\n").rfind("u7 BAD UID EXPUNGE is not a UID command", 0) == 0);
    REQUIRE(s.send("u8 UID\r\n").rfind("u8 BAD", 0) == 0);
}

TEST_CASE("IMAP SEARCH keys: flags, strings, sizes, sets, NOT, OR, parentheses", "[imap]") {
    ImapTestServer s;
    s.backend.stores["bob"].deliver(msg_of("From: alice@example.org\r\nSubject: Re: Lab report\r\n\r\nthanks\r\n"), kJan2024 + 86400 * 3);
    s.select();
    s.send("x STORE 1 +FLAGS.SILENT (\\Seen \\Flagged)\r\ny STORE 2 +FLAGS.SILENT (\\Deleted)\r\n");
    auto search = [&](std::string keys) {
        std::string got = s.send("q SEARCH " + keys + "\r\n");
        REQUIRE(got.size() > 2);
        return got.substr(0, got.find("\r\n"));
    };
    REQUIRE(search("ALL") == "* SEARCH 1 2 3");
    REQUIRE(search("SEEN") == "* SEARCH 1");
    REQUIRE(search("UNSEEN") == "* SEARCH 2 3");
    REQUIRE(search("DELETED") == "* SEARCH 2");
    REQUIRE(search("UNDELETED FLAGGED") == "* SEARCH 1");
    REQUIRE(search("NEW") == "* SEARCH 2 3");
    REQUIRE(search("FROM alice") == "* SEARCH 1 3");
    REQUIRE(search("FROM ALICE SUBJECT \"lab report\"") == "* SEARCH 3");
    REQUIRE(search("TO dave") == "* SEARCH 2");
    REQUIRE(search("BODY \"see you\"") == "* SEARCH 1");
    REQUIRE(search("TEXT report.pdf") == "* SEARCH 2");
    REQUIRE(search("HEADER Message-ID example.org") == "* SEARCH 1");
    REQUIRE(search("LARGER 500") == "* SEARCH 2");
    REQUIRE(search("SMALLER 100") == "* SEARCH 3");
    REQUIRE(search("NOT SEEN") == "* SEARCH 2 3");
    REQUIRE(search("OR SEEN DELETED") == "* SEARCH 1 2");
    REQUIRE(search("(OR SEEN DELETED) NOT FLAGGED") == "* SEARCH 2");
    REQUIRE(search("2:*") == "* SEARCH 2 3");
    REQUIRE(search("1,3") == "* SEARCH 1 3");
    REQUIRE(search("UID 2:3 NOT 3") == "* SEARCH 2");
    REQUIRE(search("SINCE 2-Jan-2024") == "* SEARCH 3");
    REQUIRE(search("BEFORE 2-Jan-2024") == "* SEARCH 1 2");
    REQUIRE(search("ON 1-Jan-2024") == "* SEARCH 1 2");
    REQUIRE(search("CHARSET UTF-8 KEYWORD homework") == "* SEARCH");
    REQUIRE(search("FLAGGED UNKEYWORD homework") == "* SEARCH 1");
    REQUIRE(s.send("b1 SEARCH FROBNICATE\r\n") == "b1 BAD SEARCH syntax error: unknown search key \"FROBNICATE\"\r\n");
    REQUIRE(s.send("b2 SEARCH OR SEEN\r\n").rfind("b2 BAD", 0) == 0);
    REQUIRE(s.send("b3 SEARCH LARGER many\r\n").rfind("b3 BAD", 0) == 0);
    REQUIRE(s.send("b4 SEARCH CHARSET KOI8-R ALL\r\n").rfind("b4 BAD SEARCH syntax error: [BADCHARSET", 0) == 0);
    REQUIRE(s.send("b5 SEARCH SENTBEFORE 1-Jan-2024\r\n").rfind("b5 BAD", 0) == 0);
}

// ---------------------------------------------------------------------------
// Changes made by others; IDLE

TEST_CASE("IMAP IDLE: new mail is told at once as EXISTS, DONE ends it with OK", "[imap]") {
    ImapTestServer s;
    s.select();
    REQUIRE(s.send("i IDLE\r\n") == "+ idling\r\n");
    REQUIRE(s.session.idling());
    s.store().deliver(msg_of("Subject: news\r\n\r\nnew mail\r\n"), kJan2024 + 7200);
    s.session.notify_changes();
    REQUIRE(s.collect() == "* 3 EXISTS\r\n* 3 RECENT\r\n");  // \Recent: the two seen at SELECT, and the new one
    REQUIRE(s.units.back().key == "imap.data.RECENT");
    s.session.notify_changes();  // nothing new
    REQUIRE(s.collect().empty());
    REQUIRE(s.send("DONE\r\n") == "i OK IDLE terminated\r\n");
    REQUIRE(!s.session.idling());
    bool began = false, ended = false;
    while (auto e = s.session.next_event()) {
        began = began || e->type == ImapServerSession::SessionEvent::Type::idle_begin;
        ended = ended || e->type == ImapServerSession::SessionEvent::Type::idle_end;
    }
    REQUIRE((began && ended));
}

TEST_CASE("IMAP IDLE ended by something else than DONE gets BAD", "[imap]") {
    ImapTestServer s;
    s.login();
    REQUIRE(s.send("i IDLE\r\n") == "+ idling\r\n");  // IDLE works in Authenticated too
    REQUIRE(s.send("j NOOP\r\n") == "i BAD expected DONE to end IDLE\r\n");
    REQUIRE(s.send("k NOOP\r\n") == "k OK NOOP completed\r\n");
}

TEST_CASE("IMAP without IDLE, new and removed mail wait for the next command (NOOP)", "[imap]") {
    ImapTestServer s;
    s.select();
    s.store().deliver(msg_of("Subject: news\r\n\r\nnew mail\r\n"), 0);
    s.store().remove_uids("INBOX", {1});  // as POP3 deletion does
    s.session.notify_changes();
    REQUIRE(s.collect().empty());  // not idling: nothing unasked
    // FETCH may tell EXISTS but never EXPUNGE: the numbers stay as the client knows them.
    REQUIRE(s.send("f FETCH 2 UID\r\n") == "* 2 FETCH (UID 2)\r\n* 3 EXISTS\r\n* 3 RECENT\r\nf OK FETCH completed\r\n");
    REQUIRE(s.send("g FETCH 1 UID\r\n") == "g OK FETCH completed\r\n");  // gone; its EXPUNGE is due
    REQUIRE(s.send("n NOOP\r\n") == "* 1 EXPUNGE\r\nn OK NOOP completed\r\n");
    REQUIRE(s.send("h FETCH 1:* UID\r\n") == "* 1 FETCH (UID 2)\r\n* 2 FETCH (UID 3)\r\nh OK FETCH completed\r\n");
}

// ---------------------------------------------------------------------------
// Bad input

TEST_CASE("IMAP unknown commands and lines without a tag get BAD, the session goes on", "[imap]") {
    ImapTestServer s;
    s.start();
    REQUIRE(s.send("a1 FROBNICATE\r\n") == "a1 BAD unknown command: FROBNICATE\r\n");
    REQUIRE(s.send("\r\n") == "* BAD empty command line\r\n");
    REQUIRE(s.send("(oops)\r\n") == "* BAD a command must begin with a tag, such as A001\r\n");
    REQUIRE(s.units.back().verb == "BAD");
    REQUIRE(s.send("a2\r\n") == "a2 BAD a command must follow the tag\r\n");
    REQUIRE(s.send("a3 LOGIN bob\r\n").rfind("a3 BAD LOGIN syntax error", 0) == 0);
    REQUIRE(s.send("a4 LOGIN \"bob hamburger\r\n").rfind("a4 BAD", 0) == 0);
    REQUIRE(s.send("a5 login bob hamburger\n").rfind("a5 OK", 0) == 0);  // lower case, bare LF (netcat)
}

TEST_CASE("IMAP a line over command_line_limit gets BAD and the session goes on", "[imap]") {
    ImapSettings st;
    st.command_line_limit = 100;
    ImapTestServer s(st);
    s.start();
    REQUIRE(s.send("a1 LOGIN bob " + std::string(500, 'x') + "\r\n") == "a1 BAD line too long (at most 100 octets)\r\n");
    REQUIRE(s.send(std::string(300, '(') + "\r\n") == "* BAD line too long (at most 100 octets)\r\n");
    REQUIRE(s.send("a2 NOOP\r\n") == "a2 OK NOOP completed\r\n");
    ImapTestServer d;  // the default limit is RFC 7162's 8192
    d.start();
    REQUIRE(d.send("a1 NOOP " + std::string(8100, 'x') + "\r\n").rfind("a1 BAD NOOP syntax error", 0) != 0);
    REQUIRE(d.send("a2 NOOP " + std::string(9000, 'x') + "\r\n") == "a2 BAD line too long (at most 8192 octets)\r\n");
}

TEST_CASE("IMAP broken literals: too large, not a number, in the wrong state, cut off", "[imap]") {
    ImapSettings st;
    st.literal_limit = 1000;
    ImapTestServer s(st);
    s.login();
    // Too large: BAD instead of "+", so the client never sends the octets.
    REQUIRE(s.send("a1 APPEND INBOX {5000}\r\n") == "a1 BAD literal refused: at most 1000 octets\r\n");
    REQUIRE(s.send("a2 NOOP\r\n") == "a2 OK NOOP completed\r\n");
    // Too large and non-synchronizing: the octets come anyway and are counted off, not kept.
    REQUIRE(s.send("a3 APPEND INBOX {2000+}\r\n" + std::string(2000, 'z') + "\r\na4 NOOP\r\n") ==
            "a3 BAD literal refused: at most 1000 octets\r\na4 OK NOOP completed\r\n");
    REQUIRE(s.send("a5 APPEND INBOX {99999999999}\r\n").rfind("a5 BAD literal refused", 0) == 0);
    REQUIRE(s.send("a6 APPEND INBOX {abc}\r\n") == "a6 BAD APPEND syntax error: the message must be a literal {size}\r\n");
    REQUIRE(s.send("a7 FROB {3}\r\n") == "a7 BAD literal refused: the command cannot go on here\r\n");
    REQUIRE(s.send("a8 LOGIN {3}\r\n") == "a8 BAD literal refused: the command cannot go on here\r\n");
    // The connection ends in the middle of a literal: nothing happens, memory stays bounded.
    REQUIRE(s.send("a9 APPEND INBOX {900}\r\n") == "+ Ready for literal data\r\n");
    REQUIRE(s.send(std::string(100, 'y')).empty());
    REQUIRE(s.store().folder("INBOX")->messages.size() == 2);
}

TEST_CASE("IMAP overrides: SELECT answered NO [TRYCREATE], CONNECT answered BYE", "[imap]") {
    ImapTestServer s;
    s.backend.overrides.push_back({"SELECT", "NO [TRYCREATE] no such mailbox"});
    s.login();
    REQUIRE(s.send("s SELECT INBOX\r\n") == "s NO [TRYCREATE] no such mailbox\r\n");
    REQUIRE(s.session.state() == ImapServerSession::State::Authenticated);
    ImapTestServer b;
    b.backend.overrides.push_back({"CONNECT", "BYE too busy"});
    REQUIRE(b.start() == "* BYE too busy\r\n");
    REQUIRE(b.units.back().verb == "BYE");
    REQUIRE(b.session.wants_close());
    ImapTestServer p;
    ImapSettings pre;
    pre.preauth_user = "bob";
    ImapTestServer q(pre);
    REQUIRE(q.start().rfind("* PREAUTH [CAPABILITY", 0) == 0);
    REQUIRE(q.session.state() == ImapServerSession::State::Authenticated);
}

TEST_CASE("IMAP server: a whole session fed at once and byte by byte gives the same output", "[imap]") {
    std::string msg = "Subject: x\r\n\r\ny\r\n";
    std::string session =
        "a1 LOGIN bob {9}\r\nhamburger\r\n"
        "a2 CREATE INBOX/Courses/Networks\r\n"
        "a3 LIST \"\" *\r\n"
        "a4 APPEND INBOX/Courses (\\Seen) {" + std::to_string(msg.size()) + "}\r\n" + msg + "\r\n"
        "a5 SELECT INBOX\r\n"
        "a6 FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE BODY.PEEK[1]<0.5>)\r\n"
        "a7 UID STORE 2 +FLAGS (\\Deleted)\r\n"
        "a8 SEARCH OR DELETED FROM alice\r\n"
        "a9 EXPUNGE\r\n"
        "b1 IDLE\r\nDONE\r\n"
        "b2 STATUS INBOX (MESSAGES UNSEEN)\r\n"
        "b3 FROB\r\n"
        "b4 LOGOUT\r\n";
    ImapTestServer whole;
    whole.start();
    std::string a = whole.send(session);
    ImapTestServer trickle;
    trickle.start();
    std::string b;
    for (char c : session) b += trickle.send(std::string_view(&c, 1));
    REQUIRE(a == b);
    REQUIRE(whole.units.size() == trickle.units.size());
    REQUIRE(has(a, "a9 OK EXPUNGE completed"));
    REQUIRE(has(a, "b4 OK LOGOUT completed"));
}

// ---------------------------------------------------------------------------
// The client joined to the server

namespace {

struct Pair {
    ImapTestBackend& backend;
    ImapServerSession server;
    ImapClientSession client;
    std::string wire;
    std::vector<ImapClientSession::SessionEvent> events;
    std::vector<protocol::Outgoing> client_units;
    Pair(ImapTestBackend& b, ImapClientSettings cs) : backend(b), server({}, b), client(std::move(cs)) { server.start(); }
    void run() {
        for (int guard = 0; guard < 1000; ++guard) {
            bool moved = false;
            for (auto& o : server.take_output()) {
                wire += "S: " + o.bytes;
                client.receive(o.bytes);
                moved = true;
            }
            for (auto& o : client.take_output()) {
                wire += "C: " + o.bytes;
                server.receive(o.bytes);
                client_units.push_back(o);
                moved = true;
            }
            while (auto e = client.next_event()) events.push_back(std::move(*e));
            if (!moved) break;
        }
    }
    std::vector<ImapClientSession::SessionEvent> of(ImapClientSession::SessionEvent::Type t) const {
        std::vector<ImapClientSession::SessionEvent> v;
        for (const auto& e : events)
            if (e.type == t) v.push_back(e);
        return v;
    }
    bool finished_ok() const {
        auto f = of(ImapClientSession::SessionEvent::Type::finished);
        return f.size() == 1 && f[0].ok;
    }
};

using CE = ImapClientSession::SessionEvent::Type;

ImapClientSettings bob() {
    ImapClientSettings s;
    s.user = "bob";
    s.password = "hamburger";
    return s;
}

}  // namespace

TEST_CASE("IMAP client, default plan: fetches every message whole with BODY.PEEK[], mail stays", "[imap]") {
    ImapTestBackend b;
    Pair p(b, bob());
    p.run();
    INFO(p.wire);
    auto got = p.of(CE::fetched);
    REQUIRE(got.size() == 2);
    REQUIRE(got[0].uid == 1);
    REQUIRE(got[0].content == kPlain);
    REQUIRE(got[0].octets == kPlain.size());
    REQUIRE(got[0].size == kPlain.size());
    REQUIRE(got[0].folder == "INBOX");
    REQUIRE(got[1].content == kMultipart);
    REQUIRE(p.finished_ok());
    REQUIRE(p.client.wants_close());
    REQUIRE(p.server.wants_close());
    REQUIRE(has(p.wire, "C: A001 LOGIN bob hamburger\r\n"));
    REQUIRE(has(p.wire, "C: A002 SELECT INBOX\r\n"));
    REQUIRE(has(p.wire, "C: A003 UID SEARCH ALL\r\n"));
    REQUIRE(has(p.wire, "C: A004 UID FETCH 1 (UID RFC822.SIZE BODY.PEEK[])\r\n"));
    REQUIRE(has(p.wire, "C: A006 LOGOUT\r\n"));
    REQUIRE(b.stores["bob"].folder("INBOX")->messages.size() == 2);
    REQUIRE(p.client_units[0].verb == "LOGIN");
    REQUIRE(p.client_units[0].key == "imap.cmd.LOGIN");
    // States in order.
    std::vector<ImapClientSession::State> states;
    for (const auto& e : p.of(CE::state_change)) states.push_back(e.to);
    using S = ImapClientSession::State;
    REQUIRE(states == std::vector<S>{S::Authenticated, S::Selected, S::Logout, S::Done});
    // A second session on the same device fetches only what is new.
    auto again = bob();
    again.seen_uids = p.client.seen_uids();
    again.uidvalidity = p.client.uidvalidity();
    b.stores["bob"].deliver(msg_of("Subject: third\r\n\r\n3\r\n"), 0);
    Pair q(b, again);
    q.run();
    REQUIRE(q.of(CE::fetched).size() == 1);
    REQUIRE(q.of(CE::fetched)[0].uid == 3);
    // A device with UIDs of another UIDVALIDITY starts over.
    auto stale = again;
    stale.uidvalidity = 99;
    Pair r(b, stale);
    r.run();
    REQUIRE(r.of(CE::fetched).size() == 3);
}

TEST_CASE("IMAP client, partial plan: BODYSTRUCTURE first, then only the text part, then Seen", "[imap]") {
    ImapTestBackend b;
    auto cs = bob();
    cs.partial = true;
    cs.auth = ImapAuth::plain;
    Pair p(b, cs);
    p.run();
    INFO(p.wire);
    REQUIRE(has(p.wire, "C: A001 AUTHENTICATE PLAIN\r\nS: + \r\nC: AGJvYgBoYW1idXJnZXI=\r\n"));
    REQUIRE(has(p.wire, "C: A004 UID FETCH 1 (UID RFC822.SIZE ENVELOPE BODYSTRUCTURE)\r\n"));
    REQUIRE(has(p.wire, "C: A005 UID FETCH 1 (UID BODY.PEEK[1])\r\n"));
    REQUIRE(has(p.wire, "C: A006 UID STORE 1 +FLAGS.SILENT (\\Seen)\r\n"));
    REQUIRE(has(p.wire, "C: A008 UID FETCH 2 (UID BODY.PEEK[1])\r\n"));
    auto got = p.of(CE::fetched);
    REQUIRE(got.size() == 2);
    REQUIRE(got[1].uid == 2);
    REQUIRE(got[1].section == "1");
    REQUIRE(got[1].content == "The report is attached.");
    REQUIRE(got[1].octets == 23);
    REQUIRE(got[1].size == kMultipart.size());
    REQUIRE(got[1].octets < got[1].size);  // less than the whole message crossed the network
    REQUIRE(b.stores["bob"].folder("INBOX")->messages[1].flags.count("\\Seen"));
    REQUIRE(p.finished_ok());
}

TEST_CASE("IMAP client, file_into: creates INBOX/Courses/Networks, copies, deletes, expunges", "[imap]") {
    ImapTestBackend b;
    auto cs = bob();
    cs.file_into = "INBOX/Courses/Networks";
    cs.auth = ImapAuth::plain_ir;
    Pair p(b, cs);
    p.run();
    INFO(p.wire);
    REQUIRE(has(p.wire, "C: A001 AUTHENTICATE PLAIN AGJvYgBoYW1idXJnZXI=\r\n"));
    REQUIRE(has(p.wire, "C: A006 LIST \"\" INBOX/Courses/Networks\r\nS: A006 OK LIST completed\r\n"));
    REQUIRE(has(p.wire, "C: A007 CREATE INBOX/Courses/Networks\r\n"));
    REQUIRE(has(p.wire, "C: A008 UID COPY 1,2 INBOX/Courses/Networks\r\n"));
    REQUIRE(has(p.wire, "C: A009 UID STORE 1,2 +FLAGS.SILENT (\\Deleted)\r\n"));
    REQUIRE(has(p.wire, "C: A010 EXPUNGE\r\nS: * 1 EXPUNGE\r\nS: * 1 EXPUNGE\r\n"));
    REQUIRE(b.stores["bob"].folder("INBOX")->messages.empty());
    REQUIRE(b.stores["bob"].folder("INBOX/Courses")->messages.empty());
    REQUIRE(b.stores["bob"].folder("INBOX/Courses/Networks")->messages.size() == 2);
    REQUIRE(p.finished_ok());
    // The folder exists now: the next session finds it with LIST and does not CREATE.
    b.stores["bob"].deliver(msg_of("Subject: more\r\n\r\nmore\r\n"), 0);
    Pair q(b, cs);
    q.run();
    REQUIRE(has(q.wire, "S: * LIST (\\HasNoChildren) \"/\" INBOX/Courses/Networks\r\n"));
    REQUIRE(!has(q.wire, "CREATE"));
    REQUIRE(b.stores["bob"].folder("INBOX/Courses/Networks")->messages.size() == 3);
}

TEST_CASE("IMAP client, idle: EXISTS while idling makes it DONE, fetch the new mail, idle again", "[imap]") {
    ImapTestBackend b;
    auto cs = bob();
    cs.idle = true;
    Pair p(b, cs);
    p.run();
    REQUIRE(p.client.idling());
    REQUIRE(p.server.idling());
    REQUIRE(p.of(CE::fetched).size() == 2);
    b.stores["bob"].deliver(msg_of("Subject: news\r\n\r\nfresh\r\n"), 0);
    p.server.notify_changes();
    p.run();
    INFO(p.wire);
    REQUIRE(p.of(CE::idle_notice).size() == 1);
    REQUIRE(p.of(CE::idle_notice)[0].exists == 3);
    REQUIRE(has(p.wire, "S: * 3 EXISTS\r\nS: * 3 RECENT\r\nC: DONE\r\nS: A006 OK IDLE terminated\r\n"));
    REQUIRE(p.of(CE::fetched).size() == 3);
    REQUIRE(p.of(CE::fetched)[2].content == "Subject: news\r\n\r\nfresh\r\n");
    REQUIRE(p.client.idling());  // waiting again
    p.client.stop_idle();
    p.run();
    REQUIRE(has(p.wire, "C: DONE\r\nS: A009 OK IDLE terminated\r\nC: A010 LOGOUT\r\n"));
    REQUIRE(p.finished_ok());
    std::vector<ImapClientSession::State> states;
    for (const auto& e : p.of(CE::state_change)) states.push_back(e.to);
    using S = ImapClientSession::State;
    REQUIRE(states == std::vector<S>{S::Authenticated, S::Selected, S::Idle, S::Selected, S::Idle, S::Selected,
                                     S::Logout, S::Done});
}

TEST_CASE("IMAP client, explicit commands: literals, APPEND, partial FETCH, IDLE, and a LOGOUT added", "[imap]") {
    ImapTestBackend b;
    auto cs = bob();
    cs.commands = {"LOGIN bob {hamburger}",
                   "CREATE INBOX/Courses",
                   "APPEND INBOX/Courses {Subject: notes\n\nIMAP keeps mail on the server.\n}",
                   "SELECT INBOX/Courses",
                   "FETCH 1 BODY.PEEK[1]<0.4>",
                   "SELECT Nowhere",
                   "IDLE",
                   "DONE"};
    Pair p(b, cs);
    p.run();
    INFO(p.wire);
    REQUIRE(has(p.wire, "C: A001 LOGIN bob {9}\r\nS: + Ready for literal data\r\nC: hamburger\r\nS: A001 OK"));
    REQUIRE(has(p.wire, "C: A003 APPEND INBOX/Courses {50}\r\nS: + Ready for literal data\r\n"
                        "C: Subject: notes\r\n\r\nIMAP keeps mail on the server.\r\n\r\nS: A003 OK APPEND completed\r\n"));
    REQUIRE(b.stores["bob"].folder("INBOX/Courses")->messages[0].content->size() == 50);
    auto got = p.of(CE::fetched);
    REQUIRE(got.size() == 1);
    REQUIRE(got[0].content == "IMAP");
    REQUIRE(got[0].section == "1");
    REQUIRE(has(p.wire, "S: A006 NO SELECT failed"));
    REQUIRE(p.client_units[1].key == "imap.literal");  // the LOGIN literal
    // SELECT failed, so IDLE runs in Authenticated; it waits for stop_idle().
    REQUIRE(p.client.idling());
    p.client.stop_idle();
    p.run();
    REQUIRE(has(p.wire, "C: DONE\r\nS: A007 OK IDLE terminated\r\nC: A008 LOGOUT\r\n"));
    REQUIRE(p.client.state() == ImapClientSession::State::Done);
    REQUIRE(p.finished_ok());
}

TEST_CASE("IMAP client: explicit AUTHENTICATE PLAIN answers the + with the settings' user", "[imap]") {
    ImapTestBackend b;
    auto cs = bob();
    cs.commands = {"AUTHENTICATE PLAIN", "EXAMINE INBOX", "UID SEARCH ALL", "LOGOUT"};
    Pair p(b, cs);
    p.run();
    INFO(p.wire);
    REQUIRE(has(p.wire, "C: A001 AUTHENTICATE PLAIN\r\nS: + \r\nC: AGJvYgBoYW1idXJnZXI=\r\nS: A001 OK"));
    REQUIRE(has(p.wire, "S: * SEARCH 1 2\r\n"));
    REQUIRE(has(p.wire, "C: A004 LOGOUT\r\n"));
    REQUIRE(!has(p.wire, "A005"));
    REQUIRE(p.finished_ok());
}

TEST_CASE("IMAP client: a wrong password or a refusing server ends the session with an error", "[imap]") {
    ImapTestBackend b;
    auto cs = bob();
    cs.password = "ketchup";
    Pair p(b, cs);
    p.run();
    auto f = p.of(CE::finished);
    REQUIRE(f.size() == 1);
    REQUIRE(!f[0].ok);
    REQUIRE(f[0].error.rfind("login failed", 0) == 0);
    REQUIRE(has(p.wire, "C: A002 LOGOUT\r\n"));

    ImapTestBackend busy;
    busy.overrides.push_back({"CONNECT", "BYE too busy"});
    Pair q(busy, bob());
    q.run();
    REQUIRE(q.of(CE::finished).size() == 1);
    REQUIRE(!q.of(CE::finished)[0].ok);
    REQUIRE(q.client.wants_close());
}

TEST_CASE("IMAP client: a server answer fed whole or byte by byte gives the same events", "[imap]") {
    ImapTestBackend b;
    Pair p(b, bob());
    p.run();
    // Replay what the server said to a fresh client, one byte at a time.
    std::string server_bytes;
    for (size_t pos = 0; (pos = p.wire.find("S: ", pos)) != std::string::npos;) {
        size_t next = p.wire.find("\r\nC: ", pos);
        size_t next_s = p.wire.find("\r\nS: ", pos);
        size_t end = std::min(next, next_s);
        server_bytes += p.wire.substr(pos + 3, end == std::string::npos ? std::string::npos : end + 2 - pos - 3);
        pos = end == std::string::npos ? p.wire.size() : end + 2;
    }
    ImapClientSession c(bob());
    for (char ch : server_bytes) c.receive(std::string_view(&ch, 1));
    std::vector<std::string> fetched;
    while (auto e = c.next_event())
        if (e->type == CE::fetched) fetched.push_back(e->content);
    REQUIRE(fetched == std::vector<std::string>{kPlain, kMultipart});
}

TEST_CASE("IMAP catalog: every command and reply has a row with its RFC section", "[imap]") {
    for (auto verb : {"CAPABILITY", "NOOP", "LOGOUT", "LOGIN", "AUTHENTICATE", "SELECT", "EXAMINE", "CREATE", "DELETE",
                      "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "STATUS", "APPEND", "CHECK", "CLOSE",
                      "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "UID", "IDLE", "DONE"}) {
        INFO(verb);
        const auto* row = catalog::find_command("imap", verb);
        REQUIRE(row);
        REQUIRE(row->rfc.rfind("RFC ", 0) == 0);
    }
    REQUIRE(catalog::find_command("imap", "IDLE")->origin == catalog::Origin::rfc2177);
    for (auto code : {"OK", "NO", "BAD", "PREAUTH", "BYE", "+", "CAPABILITY", "LIST", "LSUB", "STATUS", "SEARCH", "FLAGS",
                      "EXISTS", "RECENT", "EXPUNGE", "FETCH", "[ALERT]", "[PERMANENTFLAGS]", "[READ-ONLY]",
                      "[READ-WRITE]", "[TRYCREATE]", "[UIDNEXT]", "[UIDVALIDITY]", "[UNSEEN]", "[CAPABILITY]"}) {
        INFO(code);
        REQUIRE(catalog::find_reply("imap", code));
    }
    ImapTestServer s;
    s.select();
    s.send("x CHECK\r\n");
    REQUIRE(s.units.back().bytes == "x OK CHECK completed\r\n");
    for (const auto& u : s.units) {
        INFO(u.bytes);
        REQUIRE(!u.key.empty());
        REQUIRE(!u.verb.empty());
    }
}

TEST_CASE("IMAP states of both engines have their texts in both languages", "[imap]") {
    std::vector<std::string> keys;
    for (int i = 0; i <= static_cast<int>(ImapServerSession::State::Logout); ++i)
        keys.push_back("imap.state." + std::string(ImapServerSession::state_name(static_cast<ImapServerSession::State>(i))));
    for (int i = 0; i <= static_cast<int>(ImapClientSession::State::Done); ++i)
        keys.push_back("imap.state." + std::string(ImapClientSession::state_name(static_cast<ImapClientSession::State>(i))));
    for (const auto& k : keys)
        for (auto lang : {text::Lang::en, text::Lang::zh}) {
            INFO(k);
            REQUIRE(text::find(lang, k));
        }
}

TEST_CASE("IMAP client: the connection closing mid-session finishes it with an error", "[imap]") {
    ImapClientSession c(bob());
    c.receive("* OK ready\r\n");
    REQUIRE(c.take_output().size() == 1);  // LOGIN
    c.peer_closed();
    std::optional<ImapClientSession::SessionEvent> last;
    while (auto e = c.next_event()) last = e;
    REQUIRE(last->type == CE::finished);
    REQUIRE(!last->ok);
    REQUIRE(c.state() == ImapClientSession::State::Done);
}

TEST_CASE("IMAP client, survey plan: CAPABILITY, LOGIN, LIST, SELECT, UID FETCH sizes, BODY.PEEK[] each, LOGOUT", "[imap]") {
    ImapTestBackend b;
    auto cs = bob();
    cs.survey = true;
    Pair p(b, cs);
    p.run();
    INFO(p.wire);
    REQUIRE(p.finished_ok());
    for (auto c : {"C: A001 CAPABILITY\r\n", "C: A002 LOGIN bob hamburger\r\n", "C: A003 LIST \"\" \"*\"\r\n",
                   "C: A004 SELECT INBOX\r\n", "C: A005 UID FETCH 1:* (FLAGS RFC822.SIZE)\r\n", "C: A006 UID FETCH 1 BODY.PEEK[]\r\n",
                   "C: A007 UID FETCH 2 BODY.PEEK[]\r\n", "C: A008 LOGOUT\r\n"})
        CHECK(has(p.wire, c));
    auto got = p.of(CE::fetched);
    REQUIRE(got.size() == 2);
    CHECK(got[0].uid == 1);
    CHECK(got[0].content == kPlain);
    CHECK(got[0].size == kPlain.size());
    CHECK(got[1].uid == 2);
    CHECK(got[1].size == kMultipart.size());
    CHECK(b.stores["bob"].folder("INBOX")->messages.size() == 2);

    cs.max_messages = 1;
    Pair one(b, cs);
    one.run();
    REQUIRE(one.of(CE::fetched).size() == 1);
    CHECK(!has(one.wire, "UID FETCH 2 BODY.PEEK[]"));
}

TEST_CASE("IMAP client, survey plan: an empty folder is asked for nothing", "[imap]") {
    ImapTestBackend b;
    b.stores["bob"].create("Empty");
    auto cs = bob();
    cs.survey = true;
    cs.folder = "Empty";
    Pair p(b, cs);
    p.run();
    INFO(p.wire);
    REQUIRE(p.finished_ok());
    CHECK(p.of(CE::fetched).empty());
    CHECK(!has(p.wire, "UID FETCH"));
}

TEST_CASE("IMAP client, survey plan: LOGINDISABLED means AUTHENTICATE PLAIN, Dovecot's noise and literals fed whole or byte by byte", "[imap]") {
    // What Dovecot says, with untagged codes and a literal in the FETCH data.
    const std::vector<std::string> replies = {
        "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED] Dovecot ready.\r\n",
        "* CAPABILITY IMAP4rev1 SASL-IR ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN LOGINDISABLED\r\nA001 OK Pre-login capabilities listed, post-login capabilities have more.\r\n",
        "+ \r\n",
        "* CAPABILITY IMAP4rev1 IDLE\r\nA002 OK [CAPABILITY IMAP4rev1 SASL-IR IDLE SORT] Logged in\r\n",
        "* LIST (\\HasNoChildren) \".\" INBOX\r\nA003 OK List completed (0.001 + 0.000 secs).\r\n",
        "* FLAGS (\\Answered \\Flagged)\r\n* OK [PERMANENTFLAGS (\\Answered \\*)] Flags permitted.\r\n* 2 EXISTS\r\n* 0 RECENT\r\n"
        "* OK [UIDVALIDITY 1700000000] UIDs valid\r\n* OK [UIDNEXT 9] Predicted next UID\r\nA004 OK [READ-WRITE] Select completed.\r\n",
        "* 1 FETCH (UID 7 FLAGS (\\Seen) RFC822.SIZE 4)\r\n* 2 FETCH (UID 8 FLAGS () RFC822.SIZE 13)\r\nA005 OK Fetch completed.\r\n",
        "* 1 FETCH (UID 7 BODY[] {4}\r\nA\r\nB)\r\nA006 OK Fetch completed.\r\n",
        "* 2 FETCH (UID 8 BODY[] {13}\r\n) A006 OK\r\n\r\n FLAGS (\\Seen))\r\nA007 OK Fetch completed.\r\n",
        "* BYE Logging out\r\nA008 OK Logout completed.\r\n"};
    for (bool trickle : {false, true}) {
        INFO("trickle " << trickle);
        auto cs = bob();
        cs.survey = true;
        ImapClientSession c(cs);
        std::string sent;
        std::vector<ImapClientSession::SessionEvent> fetched;
        bool ok = false;
        for (const auto& r : replies) {
            if (trickle)
                for (char ch : r) c.receive(std::string_view(&ch, 1));
            else
                c.receive(r);
            for (auto& o : c.take_output()) sent += o.bytes;
            while (auto e = c.next_event()) {
                if (e->type == CE::fetched) fetched.push_back(*e);
                if (e->type == CE::finished) ok = e->ok;
            }
        }
        INFO(sent);
        CHECK(has(sent, "A002 AUTHENTICATE PLAIN\r\nAGJvYgBoYW1idXJnZXI=\r\n"));
        CHECK(!has(sent, "LOGIN bob"));
        CHECK(has(sent, "A006 UID FETCH 7 BODY.PEEK[]\r\n"));
        CHECK(has(sent, "A007 UID FETCH 8 BODY.PEEK[]\r\n"));
        REQUIRE(fetched.size() == 2);
        CHECK(fetched[0].uid == 7);
        CHECK(fetched[0].content == "A\r\nB");
        CHECK(fetched[0].size == 4);
        CHECK(fetched[1].uid == 8);
        CHECK(fetched[1].content == ") A006 OK\r\n\r\n");
        CHECK(fetched[1].size == 13);
        CHECK(ok);
        CHECK(c.wants_close());
    }
}
