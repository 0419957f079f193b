// support.hpp — helpers the tests share: a scripted server policy, an SMTP
// server driven line by line, a client and a server joined in memory (like
// h11's ConnectionPair), and running scenarios.
#pragma once

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "agents/mail_server.hpp"
#include "agents/world.hpp"
#include "core/trace_json.hpp"
#include "protocol/smtp/client_session.hpp"
#include "protocol/smtp/server_session.hpp"
#include "scenario/scenario.hpp"

namespace test {

using namespace mailsim;

// Users: bob (local; password "secret" for AUTH), carol (forwarded: 251),
// dave (moved: 551), erin (busy: 450).
struct ScriptedPolicy : smtp::ServerPolicy {
    std::vector<std::pair<std::string, smtp::Reply>> overrides;  // command → reply
    std::vector<std::string> accepted;                          // message texts stored
    std::optional<smtp::Reply> override_for(std::string_view command, std::string_view) override {
        for (auto& [c, r] : overrides)
            if (c == command) return r;
        return std::nullopt;
    }
    smtp::Reply check_sender(const smtp::Envelope&, const std::string&) override { return {250, "2.1.0", "Ok"}; }
    smtp::Reply check_recipient(const smtp::Envelope&, const std::string& m) override {
        if (m.rfind("bob@", 0) == 0) return {250, "2.1.5", "Ok"};
        if (m.rfind("carol@", 0) == 0) return {251, "2.1.5", "User not local; will forward to <carol@elsewhere.org>"};
        if (m.rfind("dave@", 0) == 0) return {551, "5.1.6", "User not local; please try <dave@new.example>"};
        if (m.rfind("erin@", 0) == 0) return {450, "4.2.1", "Mailbox busy"};
        return {550, "5.1.1", "No such user here"};
    }
    smtp::Reply accept_message(const smtp::Envelope&, const std::string& content) override {
        if (content.find("PLEASE-FAIL-451") != std::string::npos) return {451, "4.3.0", "Local error in processing"};
        accepted.push_back(content);
        return {250, "2.0.0", "Ok: queued as TEST1"};
    }
    bool authenticate(const std::string& user, const std::string& password) override {
        return (user == "bob" || user == "bob@hamburger.edu") && password == "secret";
    }
    smtp::Reply verify(const std::string& a) override {
        if (a == "bob") return {250, "2.1.5", "Bob <bob@hamburger.edu>"};
        return {550, "5.1.1", "String does not match anything"};
    }
    smtp::Reply expand(const std::string& a) override {
        if (a != "staff") return {550, "5.1.1", "No such list"};
        smtp::Reply r(250, "2.1.5", "Bob <bob@hamburger.edu>");
        r.lines.push_back("Carol <carol@hamburger.edu>");
        return r;
    }
    std::vector<std::string> status_lines() override { return {"queue: 0 messages"}; }
};

// A server session fed whole lines; replies are collected as text.
struct ServerHarness {
    ScriptedPolicy policy;
    std::unique_ptr<smtp::ServerSession> session;
    std::vector<std::string> replies;  // one entry per reply unit (multi-line kept together)

    explicit ServerHarness(smtp::ServerSettings s = {}) {
        s.hostname = "mail.hamburger.edu";
        session = std::make_unique<smtp::ServerSession>(s, policy);
    }
    void start() {
        session->start();
        collect();
    }
    void send(std::string_view bytes) {
        session->receive(bytes);
        collect();
    }
    void collect() {
        for (auto& o : session->take_output()) replies.push_back(o.bytes);
    }
    const std::string& last() const { return replies.back(); }
    int last_code() const { return replies.empty() ? 0 : std::stoi(replies.back().substr(0, 3)); }
    // Greets with EHLO and clears the replies.
    void ready(std::string_view helo = "EHLO mail.crepes.fr\r\n") {
        start();
        send(helo);
        replies.clear();
    }
};

// A client and a server engine joined by an in-memory link: what one hands
// out, the other receives, until neither has anything to say.
struct Pair {
    ScriptedPolicy policy;
    smtp::ServerSession server;
    smtp::ClientSession client;
    std::string wire;  // "C: ...\n" / "S: ...\n" lines, the transcript
    std::vector<smtp::TransactionResult> results;

    Pair(smtp::ServerSettings ss, smtp::ClientSettings cs) : server(with_host(ss), policy), client(cs) {}
    static smtp::ServerSettings with_host(smtp::ServerSettings s) {
        s.hostname = "mail.hamburger.edu";
        return s;
    }
    void run() {
        server.start();
        for (int guard = 0; guard < 1000; ++guard) {
            bool moved = false;
            for (auto& o : server.take_output()) {
                append("S: ", o.bytes);
                client.receive(o.bytes);
                moved = true;
            }
            for (auto& o : client.take_output()) {
                append("C: ", o.bytes);
                server.receive(o.bytes);
                moved = true;
            }
            while (auto e = client.next_event())
                if (e->type == smtp::ClientSession::SessionEvent::Type::transaction_done) results.push_back(e->result);
            if (!moved) break;
        }
    }
    void append(std::string_view who, std::string_view bytes) {
        size_t i = 0;
        while (i < bytes.size()) {
            size_t lf = bytes.find('\n', i);
            size_t end = lf == std::string_view::npos ? bytes.size() : lf;
            std::string_view line = bytes.substr(i, end - i);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            wire += std::string(who) + std::string(line) + "\n";
            i = end + 1;
        }
    }
};

inline smtp::ClientSettings client_settings(std::string helo) {
    smtp::ClientSettings s;
    s.helo_name = std::move(helo);
    return s;
}

inline smtp::Transaction transaction(std::vector<std::string> rcpts, std::string content = "Subject: hi\r\n\r\nHello\r\n",
                                     std::uint64_t id = 1) {
    smtp::Transaction t;
    t.id = id;
    t.reverse_path = "alice@crepes.fr";
    t.recipients = std::move(rcpts);
    t.content = std::make_shared<const std::string>(std::move(content));
    return t;
}

// Runs a scenario given as JSON text to its end (or `until`).
inline std::unique_ptr<agents::World> run_scenario(std::string_view json, SimTime until = 30 * kDay,
                                                   bool record = true) {
    auto s = scenario::parse_scenario(json, "test scenario");
    if (!s) throw std::runtime_error(s.error().message());
    auto w = scenario::build_world(*s, record);
    w->run(until);
    return w;
}

// How many times `needle` occurs in `hay` (not overlapping).
inline size_t count(std::string_view hay, std::string_view needle) {
    size_t n = 0;
    for (size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + needle.size())) ++n;
    return n;
}

inline std::vector<Event> with_key(const Trace& t, std::string_view key) {
    std::vector<Event> out;
    for (size_t i = 0; i < t.size(); ++i)
        if (t.at(i).key == key) out.push_back(t.at(i));
    return out;
}

inline std::vector<Event> events_of(const Trace& t, EventKind kind) {
    std::vector<Event> out;
    for (size_t i = 0; i < t.size(); ++i)
        if (t.at(i).kind == kind) out.push_back(t.at(i));
    return out;
}

// Server replies (bytes events from a server) with this code, in order.
inline std::vector<Event> replies_with(const Trace& t, std::string_view code) {
    std::vector<Event> out;
    for (size_t i = 0; i < t.size(); ++i) {
        Event e = t.at(i);
        if (e.kind == EventKind::bytes && e.dir == Direction::to_client && e.verb == code) out.push_back(e);
    }
    return out;
}

// A two-domain scenario, crepes.fr → hamburger.edu, with pieces replaced.
inline std::string two_domains(std::string_view mails, std::string_view extra = "",
                               std::string_view crepes_settings = "\"queue_run_delay\": \"30s\"",
                               std::string_view hamburger_settings = "",
                               std::string_view hamburger_users = R"("bob")") {
    return std::string(R"({
  "name": "test", "seed": 7,
  "servers": [
    { "host": "mail.crepes.fr", "domain": "crepes.fr", "users": ["alice"], "settings": {)") +
           std::string(crepes_settings) + R"(} },
    { "host": "mail.hamburger.edu", "domain": "hamburger.edu", "users": [)" + std::string(hamburger_users) +
           R"(], "settings": {)" + std::string(hamburger_settings) + R"(} }
  ],
  "agents": [ { "host": "alice-pc", "user": "alice@crepes.fr", "server": "mail.crepes.fr" } ],
  "mails": [)" + std::string(mails) + "]" + std::string(extra) + "}";
}

// Real servers on 127.0.0.1 for the live-mode tests (test_live.cpp, the
// GUI's Live panel): a shell, free ports, files.
namespace fs = std::filesystem;

inline std::string sh(const std::string& cmd, int* status = nullptr) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int st = ::pclose(p);
    if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

// A port nothing listens on now (the kernel's choice for port 0).
inline int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

inline bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

inline void wait_for(int port) {
    // Up to 30 s: under the sanitizer build, with other tests running, Dovecot once took more than 10.
    for (int i = 0; i < 600 && !accepts(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(accepts(port));
}

inline void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

inline std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Dovecot (POP3, IMAP; plain+STARTTLS and implicit TLS) and an SMTP server
// (STARTTLS + AUTH; and SMTPS with an expired certificate), with bob's
// password "ketchup" and one message in his INBOX. Each on a free port;
// all stopped, and the folder removed, when the lab goes.
struct LiveLab {
    fs::path dir;
    int pop3 = free_port(), pop3s = free_port(), imap = free_port(), imaps = free_port();
    int smtp = free_port(), smtps = free_port();
    FILE* smtp_server = nullptr;

    bool dovecot;

    // Without dovecot: the SMTP servers alone (the GUI's tests), a few seconds sooner.
    explicit LiveLab(bool with_dovecot = true) : dovecot(with_dovecot) {
        char tmpl[] = "/tmp/mailsim-live-XXXXXX";
        REQUIRE(::mkdtemp(tmpl));
        dir = tmpl;
        // Dovecot's auth and mail processes run as its own users and must reach in.
        fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
        const std::string d = dir.string();
        // A test CA, a certificate for localhost, and one that expired at once.
        int st = 0;
        sh("cd " + d + " && (openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj '/CN=mailsim test CA'"
           " && printf 'subjectAltName=DNS:localhost\\n' > ext.cnf"
           " && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost"
           " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext.cnf"
           " && openssl req -newkey rsa:2048 -nodes -keyout old.key -out old.csr -subj /CN=localhost"
           " && openssl x509 -req -in old.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out old.crt -days 0 -extfile ext.cnf"
           ") 2>openssl.log",
           &st);
        REQUIRE(st == 0);
        fs::create_directories(dir / "out");
        write(dir / "pw", "ketchup\n");
        if (dovecot) start_dovecot();
        smtp_server = ::popen(("/usr/bin/python3 " MAILSIM_SOURCE_DIR "/tests/live/smtp_server.py " + std::to_string(smtp) +
                               " " + d + "/server.crt " + d + "/server.key " + std::to_string(smtps) + " " + d + "/old.crt " +
                               d + "/old.key " + d + "/out > " + d + "/smtp.log 2>&1")
                                  .c_str(),
                              "w");
        REQUIRE(smtp_server);
        for (int port : {pop3, pop3s, imap, imaps, smtp, smtps}) {
            if (!dovecot && port != smtp && port != smtps) continue;
            INFO("port " << port << "\n" << slurp(dir / "dovecot.log") << slurp(dir / "smtp.log"));
            wait_for(port);
        }
    }
    ~LiveLab() {
        if (dovecot) sh("doveadm -c " + dir.string() + "/dovecot.conf stop >/dev/null 2>&1 </dev/null");
        if (smtp_server) ::pclose(smtp_server);  // its stdin closes: it stops
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    // Dovecot for POP3 and IMAP, bob's Maildir with one message.
    void start_dovecot() {
        const std::string d = dir.string();
        int st = 0;
        fs::create_directories(dir / "run");
        fs::create_directories(dir / "state");
        for (const char* sub : {"new", "cur", "tmp"}) fs::create_directories(dir / "home/bob/Maildir" / sub);
        write(dir / "home/bob/Maildir/new/1.localhost",
              "From: Alice <alice@crepes.fr>\r\nTo: bob@localhost\r\nSubject: hello\r\n\r\nHi Bob.\r\n.dot line\r\n");
        // carol's INBOX starts empty: the fetch tests deliver into it.
        for (const char* sub : {"new", "cur", "tmp"}) fs::create_directories(dir / "home/carol/Maildir" / sub);
        REQUIRE(sh("chown -R dovecot:dovecot " + d + "/home").empty());
        write(dir / "passwd", "bob:{PLAIN}ketchup\ncarol:{PLAIN}ketchup\n");
        write(dir / "dovecot.conf",
              "base_dir = " + d + "/run\nstate_dir = " + d + "/state\nlog_path = " + d + "/dovecot.log\n"
              "protocols = imap pop3\nlisten = 127.0.0.1\nssl = yes\nssl_cert = <" + d + "/server.crt\n"
              "ssl_key = <" + d + "/server.key\nssl_dh = </usr/share/dovecot/dh.pem\ndisable_plaintext_auth = no\n"
              "auth_mechanisms = plain login apop\nfirst_valid_uid = 100\n"
              "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u " + d + "/passwd\n}\n"
              "userdb {\n  driver = static\n  args = uid=dovecot gid=dovecot home=" + d + "/home/%u\n}\n"
              "mail_location = maildir:~/Maildir\n"
              "service imap-login {\n  chroot =\n  inet_listener imap {\n    port = " + std::to_string(imap) +
              "\n  }\n  inet_listener imaps {\n    port = " + std::to_string(imaps) + "\n    ssl = yes\n  }\n}\n"
              "service pop3-login {\n  chroot =\n  inet_listener pop3 {\n    port = " + std::to_string(pop3) +
              "\n  }\n  inet_listener pop3s {\n    port = " + std::to_string(pop3s) + "\n    ssl = yes\n  }\n}\n"
              "service anvil {\n  chroot =\n}\n"
              // Postfix's smtpd asks Dovecot to check AUTH PLAIN (smtpd_sasl_type = dovecot).
              "service auth {\n  unix_listener postfix-auth {\n    mode = 0666\n  }\n}\n");
        // Its daemons must not hold our pipe open: their output goes to a file.
        const std::string started = sh("dovecot -c " + d + "/dovecot.conf >" + d + "/start.log 2>&1 </dev/null", &st);
        INFO(started << slurp(dir / "dovecot.log"));
        REQUIRE(st == 0);
    }

    // Runs `mailsim connect` with a script; the trace goes to dir/NAME.json.
    std::string connect(const std::string& url, const std::string& script, const std::string& flags, int* status,
                        const std::string& name = "t") {
        write(dir / (name + ".txt"), script);
        return sh(std::string(MAILSIM_CLI) + " connect " + url + " --user bob --password-file " + dir.string() + "/pw --script " +
                      (dir / (name + ".txt")).string() + " --trace " + (dir / (name + ".json")).string() + " " + flags,
                  status);
    }
    Trace trace(const std::string& name = "t") {
        auto t = load_trace((dir / (name + ".json")).string());
        REQUIRE(t);
        return std::move(*t);
    }
    std::string ca() const { return " --cafile " + (dir / "ca.crt").string(); }

    // Puts a message into carol's Maildir as a delivery agent would (new/, then Dovecot's).
    void deliver(const std::string& name, const std::string& content) {
        write(dir / "home/carol/Maildir/tmp" / name, content);
        fs::rename(dir / "home/carol/Maildir/tmp" / name, dir / "home/carol/Maildir/new" / name);
        REQUIRE(sh("chown -R dovecot:dovecot " + dir.string() + "/home/carol").empty());
    }
    // `mailsim connect URL --fetch` as carol; the trace goes to dir/NAME.json.
    std::string fetch(const std::string& url, const std::string& flags, int* status, const std::string& name) {
        return sh(std::string(MAILSIM_CLI) + " connect " + url + " --user carol --password-file " + dir.string() +
                      "/pw --fetch --trace " + (dir / (name + ".json")).string() + " " + flags,
                  status);
    }
};

// Runs a shell command and returns what it wrote (stdout and stderr, as one
// stream); *status gets pclose's status (-1 when it could not be started).
inline std::string run_command(const std::string& cmd, int* status) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) {
        *status = -1;
        return "popen failed: " + cmd;
    }
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    *status = ::pclose(p);
    return out;
}

// The start of a shell command that runs a program under a virtual X
// server at 1280x800: xvfb-run with an X authority file of its own, removed
// when the shell ends. (Left to itself, xvfb-run makes a temporary folder for
// it and exits 5, losing the program's status, when removing that folder
// fails: seen once in CI's sanitizer run.)
inline const std::string& xvfb_run() {
    static const std::string s =
        "f=$(mktemp /tmp/mailsim-xauth.XXXXXX); trap 'rm -f \"$f\"' EXIT; "
        "ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -f \"$f\" -s '-screen 0 1280x800x24' ";
    return s;
}

// Whether xvfb-run is here: the GUI tests run mailsim-gui under it, or say they are skipped.
inline bool have_xvfb() {
    int status = 0;
    run_command("command -v xvfb-run", &status);
    return status == 0;
}

}  // namespace test
