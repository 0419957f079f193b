// test_live.cpp — `mailsim connect` against real servers on 127.0.0.1:
// Dovecot for POP3 and IMAP, Postfix for SMTP (its own instance, AUTH
// checked by the Dovecot), and aiosmtpd for SMTP commands typed one by one
// and an SMTPS port with an expired certificate (Debian's packages, listed
// in .ci/packages). Each test starts its own servers on free high ports with
// a test CA it makes with openssl, and stops them after; nothing leaves the
// machine's loopback.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/trace_json.hpp"
#include "live/live_session.hpp"
#include "support.hpp"

using namespace mailsim;
using test::with_key;
namespace fs = std::filesystem;

using test::free_port;
using test::sh;
using test::wait_for;
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
    // In Chinese when asked, both before connecting and after.
    out = sh(std::string(MAILSIM_CLI) + " connect gopher://localhost --lang zh", &st);
    CHECK(st == 2);
    CHECK(out.find("gopher://localhost: 未知的协议名“gopher”") != std::string::npos);
    out = sh(std::string(MAILSIM_CLI) + " connect smtp://localhost:" + std::to_string(free_port()) + " --lang zh", &st);
    CHECK(st == 1);
    CHECK(out.find("无法连接到 localhost 的 ") != std::string::npos);
}

TEST_CASE("parse_target names what is wrong with an address, as text and as a key", "[live]") {
    live::Failure why;
    auto t = live::parse_target("imaps://mail.example.org", &why);
    REQUIRE(t);
    CHECK(t->protocol == "imap");
    CHECK(t->port == 993);
    CHECK(t->implicit_tls);
    CHECK(why.key.empty());
    auto bad = live::parse_target("smtp://", &why);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message() == "smtp://: no host");
    CHECK(why.key == "live.error.url_no_host");
    CHECK(why.message(text::Lang::zh) == "缺少主机名");
    CHECK_FALSE(live::parse_target("smtp://bad host"));
    CHECK(live::parse_target("smtp://x:0").error().what == "the port must be a number from 1 to 65535");
}

namespace {

// A Postfix instance of the test's own, beside the Lab's Dovecot: its own
// config, queue and data directories under the Lab's, smtpd on 127.0.0.1
// only, STARTTLS with the test CA's certificate, AUTH checked by Dovecot.
// Nothing can leave: relayhost is empty, the relay and default transports
// are error:, and RCPT to a domain not its own is refused (no relaying even
// after AUTH). Mail for @localhost goes to one Maildir, mail/box. Stopped
// in the destructor, which runs when a REQUIRE fails too.
struct Postfix {
    fs::path dir;
    int port = free_port();
    pid_t master = 0;

    explicit Postfix(const Lab& lab) : dir(lab.dir / "postfix") {
        for (const char* sub : {"conf", "queue", "data", "mail"}) fs::create_directories(dir / sub);
        const std::string d = dir.string(), uid = trim(sh("id -u postfix")), gid = trim(sh("id -g postfix"));
        REQUIRE(sh("chown postfix " + d + "/data " + d + "/mail").empty());
        write(dir / "conf/main.cf",
              "compatibility_level = 3.6\nqueue_directory = " + d + "/queue\ndata_directory = " + d + "/data\n"
              "meta_directory = /etc/postfix\nmail_owner = postfix\nsetgid_group = postdrop\n"
              "maillog_file = " + d + "/postfix.log\nmaillog_file_prefixes = " + d + "\n"
              "myhostname = mail.test\nmydomain = test\nmyorigin = mail.test\ninet_interfaces = loopback-only\n"
              "inet_protocols = ipv4\nmynetworks = 127.0.0.1/32\nmydestination =\nrelayhost =\n"
              "default_transport = error:this test instance relays nothing\nrelay_transport = error:this test instance relays nothing\n"
              "smtpd_relay_restrictions = reject_unauth_destination\nalias_maps =\nalias_database =\n"
              "virtual_mailbox_domains = localhost\nvirtual_mailbox_base = " + d + "/mail\n"
              "virtual_mailbox_maps = static:box/\nvirtual_uid_maps = static:" + uid + "\nvirtual_gid_maps = static:" + gid + "\n"
              "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = " + lab.dir.string() + "/server.crt\n"
              "smtpd_tls_key_file = " + lab.dir.string() + "/server.key\n"
              "smtpd_sasl_auth_enable = yes\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = " + lab.dir.string() +
              "/run/postfix-auth\nsmtpd_tls_auth_only = yes\n");
        // master.cf: smtpd on 127.0.0.1:port and the daemons a local delivery needs, none chrooted.
        std::string services = "127.0.0.1:" + std::to_string(port) + " inet n - n - - smtpd\n";
        for (const char* line :
             {"pickup unix n - n 60 1 pickup", "cleanup unix n - n - 0 cleanup", "qmgr unix n - n 300 1 qmgr",
              "tlsmgr unix - - n 1000? 1 tlsmgr", "rewrite unix - - n - - trivial-rewrite", "bounce unix - - n - 0 bounce",
              "defer unix - - n - 0 bounce", "trace unix - - n - 0 bounce", "verify unix - - n - 1 verify",
              "flush unix n - n 1000? 0 flush", "proxymap unix - - n - - proxymap", "showq unix n - n - - showq",
              "error unix - - n - - error", "retry unix - - n - - error", "discard unix - - n - - discard",
              "virtual unix - n n - - virtual", "anvil unix - - n - 1 anvil", "scache unix - - n - 1 scache",
              "postlog unix-dgram n - n - 1 postlogd"})
            services += std::string(line) + "\n";
        write(dir / "conf/master.cf", services);
        int st = 0;
        const std::string started = sh("postfix -c " + d + "/conf start </dev/null", &st);
        INFO(started << slurp(dir / "postfix.log"));
        REQUIRE(st == 0);
        const std::string pid = trim(slurp(dir / "queue/pid/master.pid"));
        master = static_cast<pid_t>(std::stol(pid.empty() ? "0" : pid));
        wait_for(port);
    }
    ~Postfix() {
        sh("postfix -c " + dir.string() + "/conf stop </dev/null");
        // The master and its children are gone before the next test (at most 10 s; then killed).
        for (int i = 0; i < 200 && master > 0 && ::kill(master, 0) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (master > 0 && ::kill(master, 0) == 0) ::kill(master, SIGKILL);
    }
    static std::string trim(std::string s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
        while (!s.empty() && s.front() == ' ') s.erase(0, 1);
        return s;
    }
    // The messages delivered so far, waiting up to 10 s for `count` of them.
    std::vector<std::string> mailbox(size_t count) {
        std::vector<std::string> got;
        for (int i = 0; i < 200; ++i) {
            got.clear();
            std::error_code ec;
            for (const auto& f : fs::directory_iterator(dir / "mail/box/new", ec)) got.push_back(slurp(f.path()));
            if (got.size() >= count) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return got;
    }
};

// The body of a delivered message: what follows the first empty line.
std::string body_of(const std::string& m) {
    const size_t at = m.find("\n\n");
    return at == std::string::npos ? std::string() : m.substr(at + 2);
}

// Two messages for carol: a plain one whose lines start with dots, and one
// with a Chinese-named attachment named the way Thunderbird does (RFC 2231).
const std::string kCarolFirst =
    "From: Alice <alice@crepes.fr>\r\nTo: carol@localhost\r\nSubject: first\r\nMessage-ID: <1@crepes.fr>\r\n\r\n"
    ".one dot\r\n..two dots\r\n.\r\nend\r\n";
const std::string kCarolSecond =
    "From: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>\r\nTo: carol@localhost\r\nSubject: =?UTF-8?B?5pWw5o2u?=\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
    "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\xe8\xa7\x81\xe9\x99\x84\xe4\xbb\xb6\xe3\x80\x82\r\n"
    "--b1\r\nContent-Type: application/pdf\r\n"
    "Content-Disposition: attachment; filename*=UTF-8''%E7%B3%BB%E7%BB%9F.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    "JVBERi0xLjQK\r\n--b1--\r\n";

// The bytes of each message a fetch printed and saved, by file name.
void check_saved(const fs::path& dir, const std::vector<std::string>& names) {
    REQUIRE(names.size() == 2);
    CHECK(slurp(dir / names[0]) == kCarolFirst);
    CHECK(slurp(dir / names[1]) == kCarolSecond);
}

}  // namespace

TEST_CASE("mailsim connect --fetch lists and fetches carol's mail by its own POP3 and IMAP engines, byte for byte", "[live]") {
    Lab lab;
    lab.deliver("1.localhost", kCarolFirst);
    lab.deliver("2.localhost", kCarolSecond);
    int st = -1;
    const std::string pop3 = "pop3://localhost:" + std::to_string(lab.pop3);
    // POP3 with STLS: numbers 1 and 2; nothing is deleted.
    fs::create_directories(lab.dir / "pop");
    std::string out = lab.fetch(pop3, "--starttls" + lab.ca() + " --save " + (lab.dir / "pop").string(), &st, "pop3-fetch");
    INFO(out);
    REQUIRE(st == 0);
    check_saved(lab.dir / "pop", {"1.eml", "2.eml"});
    CHECK(out.find("2 messages fetched") != std::string::npos);
    CHECK(out.find("Subject: 数据") != std::string::npos);
    CHECK(out.find("From: 张三 <zhang@example.cn>") != std::string::npos);
    CHECK(out.find("系统.pdf") != std::string::npos);  // the MIME tree names the attachment, RFC 2231 decoded
    Trace t = lab.trace("pop3-fetch");
    for (auto key : {"pop3.cmd.STAT", "pop3.cmd.LIST", "pop3.cmd.UIDL", "pop3.cmd.QUIT", "pop3.cmd.PASS"})
        CHECK(with_key(t, key).size() == 1);
    CHECK(with_key(t, "pop3.cmd.RETR").size() == 2);
    CHECK(with_key(t, "pop3.cmd.DELE").empty());
    CHECK(with_key(t, "live.tls.handshake").size() == 1);
    CHECK(slurp(lab.dir / "pop3-fetch.json").find("ketchup") == std::string::npos);
    // APOP (RFC 1939 §7): Dovecot's greeting carries a timestamp once apop is
    // among its mechanisms; the digest of it and the secret logs in, and the
    // trace keeps neither.
    fs::create_directories(lab.dir / "apop");
    out = lab.fetch(pop3, "--apop --save " + (lab.dir / "apop").string(), &st, "apop-fetch");
    INFO(out);
    REQUIRE(st == 0);
    check_saved(lab.dir / "apop", {"1.eml", "2.eml"});
    t = lab.trace("apop-fetch");
    REQUIRE(t.size() > 0);
    const auto apop = with_key(t, "pop3.cmd.APOP");
    REQUIRE(apop.size() == 1);
    CHECK(apop[0].bytes == "APOP carol [redacted]\r\n");
    CHECK(with_key(t, "pop3.cmd.PASS").empty());
    CHECK(with_key(t, "pop3.cmd.USER").empty());
    CHECK(slurp(lab.dir / "apop-fetch.json").find("ketchup") == std::string::npos);
    // POP3S.
    fs::create_directories(lab.dir / "pops");
    out = lab.fetch("pop3s://localhost:" + std::to_string(lab.pop3s), lab.ca() + " --save " + (lab.dir / "pops").string(), &st,
                    "pop3s-fetch");
    REQUIRE(st == 0);
    check_saved(lab.dir / "pops", {"1.eml", "2.eml"});
    // IMAP with STARTTLS and IMAPS: UIDs 1 and 2, as Dovecot numbered them.
    fs::create_directories(lab.dir / "imap");
    out = lab.fetch("imap://localhost:" + std::to_string(lab.imap),
                    "--starttls" + lab.ca() + " --save " + (lab.dir / "imap").string(), &st, "imap-fetch");
    INFO(out);
    REQUIRE(st == 0);
    check_saved(lab.dir / "imap", {"1.eml", "2.eml"});
    CHECK(out.find("系统.pdf") != std::string::npos);
    t = lab.trace("imap-fetch");
    for (auto key : {"imap.cmd.CAPABILITY", "imap.cmd.LOGIN", "imap.cmd.LIST", "imap.cmd.SELECT", "imap.cmd.LOGOUT"})
        CHECK(with_key(t, key).size() == 1);
    CHECK(with_key(t, "imap.cmd.UID").size() == 3);  // the sizes, then each message
    CHECK(slurp(lab.dir / "imap-fetch.json").find("ketchup") == std::string::npos);
    fs::create_directories(lab.dir / "imaps");
    out = lab.fetch("imaps://localhost:" + std::to_string(lab.imaps), lab.ca() + " --max 1 --save " + (lab.dir / "imaps").string(),
                    &st, "imaps-fetch");
    REQUIRE(st == 0);
    CHECK(out.find("1 message fetched") != std::string::npos);
    CHECK(slurp(lab.dir / "imaps/1.eml") == kCarolFirst);
    CHECK(!fs::exists(lab.dir / "imaps/2.eml"));
    // --delete really deletes: a second fetch finds nothing.
    out = lab.fetch(pop3, "--delete", &st, "delete");
    INFO(out);
    REQUIRE(st == 0);
    CHECK(with_key(lab.trace("delete"), "pop3.cmd.DELE").size() == 2);
    out = lab.fetch(pop3, "", &st, "after");
    REQUIRE(st == 0);
    CHECK(out.find("0 messages fetched") != std::string::npos);
    CHECK(with_key(lab.trace("after"), "pop3.cmd.RETR").empty());
    out = lab.fetch("imaps://localhost:" + std::to_string(lab.imaps), lab.ca(), &st, "imap-after");
    REQUIRE(st == 0);
    CHECK(out.find("0 messages fetched") != std::string::npos);
    // A wrong password: the server's answer, exit 1, nothing fetched.
    write(lab.dir / "pw", "mustard\n");
    out = lab.fetch(pop3, "", &st, "wrong");
    CHECK(st == 1);
    CHECK(out.find("messages fetched") == std::string::npos);
    // The samples under traces/ are sessions like these (MAILSIM_LIVE_TRACES=DIR keeps them).
    if (const char* keep = std::getenv("MAILSIM_LIVE_TRACES")) {
        fs::copy_file(lab.dir / "pop3-fetch.json", fs::path(keep) / "live-dovecot-pop3-fetch.json", fs::copy_options::overwrite_existing);
        fs::copy_file(lab.dir / "imap-fetch.json", fs::path(keep) / "live-dovecot-imap-fetch.json", fs::copy_options::overwrite_existing);
    }
}

TEST_CASE("mailsim connect --fetch names options that do not go together, before connecting", "[live]") {
    int st = -1;
    std::string out = sh(std::string(MAILSIM_CLI) + " connect smtp://localhost:1 --fetch --user u", &st);
    CHECK(st == 2);
    CHECK(out.find("--fetch goes with a pop3://") != std::string::npos);
    out = sh(std::string(MAILSIM_CLI) + " connect imap://localhost:1 --fetch --user u --delete", &st);
    CHECK(st == 2);
    CHECK(out.find("--delete goes with POP3") != std::string::npos);
    out = sh(std::string(MAILSIM_CLI) + " connect pop3://localhost:1 --fetch --user u --save /nonexistent/dir", &st);
    CHECK(st == 2);
    CHECK(out.find("--save /nonexistent/dir: not a directory") != std::string::npos);
    out = sh(std::string(MAILSIM_CLI) + " connect pop3://localhost:1 --delete", &st);
    CHECK(st == 2);
    CHECK(out.find("go with --fetch") != std::string::npos);
}

TEST_CASE("the committed Postfix trace loads and replays: STARTTLS, EHLO twice, the message, 221", "[live]") {
    const std::string path = std::string(MAILSIM_SOURCE_DIR) + "/traces/live-postfix-smtp-starttls.json";
    auto t = load_trace(path);
    REQUIRE(t);
    CHECK(with_key(*t, "live.tls.handshake").size() == 1);
    CHECK(with_key(*t, "smtp.cmd.EHLO").size() == 2);
    CHECK(with_key(*t, "smtp.message").size() == 1);
    int st = -1;
    const std::string out = sh(std::string(MAILSIM_CLI) + " replay " + path, &st);
    CHECK(st == 0);
    CHECK(out.find("220 mail.test ESMTP Postfix") != std::string::npos);  // its banner
}

TEST_CASE("the committed fetch traces load, replay, and hold no password", "[live]") {
    for (auto name : {"live-dovecot-pop3-fetch.json", "live-dovecot-imap-fetch.json"}) {
        const std::string path = std::string(MAILSIM_SOURCE_DIR) + "/traces/" + name;
        INFO(path);
        auto t = load_trace(path);
        REQUIRE(t);
        CHECK(t->source.kind == "live");
        CHECK(with_key(*t, "live.tls.handshake").size() == 1);
        CHECK(slurp(path).find("ketchup") == std::string::npos);
        CHECK(slurp(path).find("[redacted]") != std::string::npos);
        int st = -1;
        const std::string out = sh(std::string(MAILSIM_CLI) + " replay " + path, &st);
        CHECK(st == 0);
        CHECK(out.find(std::string(name).find("pop3") != std::string::npos ? "RETR 2" : "UID FETCH 2 BODY.PEEK[]") != std::string::npos);
    }
}

TEST_CASE("the committed Thunderbird session with serve loads and replays: IDLE's push, its own message, APPEND to Sent", "[live]") {
    const std::string path = std::string(MAILSIM_SOURCE_DIR) + "/traces/serve-thunderbird.json";
    auto t = load_trace(path);
    REQUIRE(t);
    CHECK(t->source.kind == "serve");
    for (auto secret : {"secret", "c2VjcmV0", "AGJvYgBzZWNyZXQ", "YgBzZWNyZXQ"})  // as typed, and in base64 at each offset
        CHECK(slurp(path).find(secret) == std::string::npos);
    CHECK(slurp(path).find("[redacted]") != std::string::npos);
    CHECK(with_key(*t, "smtp.message").size() == 3);  // two by swaks, one by Thunderbird
    int st = -1;
    const std::string out = sh(std::string(MAILSIM_CLI) + " replay " + path, &st);
    CHECK(st == 0);
    CHECK(out.find("ID (\"name\" \"Thunderbird\"") != std::string::npos);
    CHECK(out.find(" IDLE") != std::string::npos);
    CHECK(out.find("S: * 2 EXISTS") != std::string::npos);  // the message that came while it idled
    CHECK(out.find("append \"Sent\"") != std::string::npos);
    CHECK(out.find("Subject: =?UTF-8?B?") != std::string::npos);  // its Chinese subject, RFC 2047
    // Real clients wrote the mail, no simulated user agent: the summary
    // counts what the server delivered and has no line of zero mails written.
    CHECK(out.find("Summary: 3 delivered to mailboxes") != std::string::npos);
    CHECK(out.find("Mails written") == std::string::npos);
}

TEST_CASE("mailsim connect --send delivers through a real Postfix over STARTTLS, and AUTH PLAIN is checked by Dovecot", "[live]") {
    Lab lab;
    pid_t master = 0;
    {
        Postfix postfix(lab);
        master = postfix.master;
        REQUIRE(master > 0);
        write(lab.dir / "msg.eml", "From: alice@crepes.fr\nTo: carol@localhost\nSubject: via Postfix\n\n.starts with a dot\nbody\n");
        int st = -1;
        const std::string url = "smtp://localhost:" + std::to_string(postfix.port);
        std::string out = sh(std::string(MAILSIM_CLI) + " connect " + url + " --starttls" + lab.ca() + " --send " +
                                 (lab.dir / "msg.eml").string() + " --from alice@crepes.fr --to carol@localhost --trace " +
                                 (lab.dir / "postfix-send.json").string(),
                             &st);
        INFO(out << slurp(postfix.dir / "postfix.log"));
        REQUIRE(st == 0);
        CHECK(out.find("carol@localhost: accepted") != std::string::npos);
        auto box = postfix.mailbox(1);
        REQUIRE(box.size() == 1);
        // Postfix adds Return-Path, Delivered-To, Received, Message-Id and Date; it keeps the body (LF on disk).
        CHECK(body_of(box[0]) == ".starts with a dot\nbody\n");
        CHECK(box[0].find("Subject: via Postfix\n") != std::string::npos);
        CHECK(box[0].find("with ESMTPS id") != std::string::npos);  // it came over TLS
        auto loaded = load_trace((lab.dir / "postfix-send.json").string());
        REQUIRE(loaded);
        const Trace& t = *loaded;
        CHECK(with_key(t, "smtp.cmd.EHLO").size() == 2);
        CHECK(with_key(t, "live.tls.handshake").size() == 1);
        CHECK(with_key(t, "smtp.reply.221").size() == 1);
        if (const char* keep = std::getenv("MAILSIM_LIVE_TRACES"))
            fs::copy_file(lab.dir / "postfix-send.json", fs::path(keep) / "live-postfix-smtp-starttls.json",
                          fs::copy_options::overwrite_existing);

        // AUTH PLAIN inside TLS, checked by the Lab's Dovecot; a wrong password gets 535.
        out = lab.connect(url, "EHLO pc.test\nAUTH PLAIN {auth-plain}\nMAIL FROM:<alice@crepes.fr>\nRCPT TO:<carol@localhost>\n"
                          "DATA\nSubject: after AUTH\n\nauthenticated\n.\nQUIT\n",
                          "--starttls" + lab.ca(), &st, "postfix-auth");
        INFO(out);
        REQUIRE(st == 0);
        Trace a = lab.trace("postfix-auth");
        CHECK(with_key(a, "smtp.reply.235").size() == 1);
        CHECK(slurp(lab.dir / "postfix-auth.json").find("ketchup") == std::string::npos);
        box = postfix.mailbox(2);
        REQUIRE(box.size() == 2);
        CHECK((body_of(box[0]) == "authenticated\n" || body_of(box[1]) == "authenticated\n"));
        // Postfix refuses to relay, AUTH or not: nothing leaves 127.0.0.1.
        out = lab.connect(url, "EHLO pc.test\nAUTH PLAIN {auth-plain}\nMAIL FROM:<alice@crepes.fr>\nRCPT TO:<someone@example.com>\nQUIT\n",
                          "--starttls" + lab.ca(), &st, "relay");
        CHECK(out.find("554 5.7.1") != std::string::npos);
        // RFC 6531: Postfix offers SMTPUTF8, so a UTF-8 local part goes, with MAIL's SMTPUTF8.
        write(lab.dir / "utf8.eml", "From: alice@crepes.fr\nTo: 用户@localhost\nSubject: UTF-8\n\n你好\n");
        out = sh(std::string(MAILSIM_CLI) + " connect " + url + " --starttls" + lab.ca() + " --send " + (lab.dir / "utf8.eml").string() +
                     " --from alice@crepes.fr --to 用户@localhost --trace " + (lab.dir / "utf8.json").string(),
                 &st);
        INFO(out);
        REQUIRE(st == 0);
        CHECK(out.find("用户@localhost: accepted") != std::string::npos);
        auto utf8 = load_trace((lab.dir / "utf8.json").string());
        REQUIRE(utf8);
        REQUIRE(with_key(*utf8, "smtp.cmd.MAIL").size() == 1);
        CHECK(with_key(*utf8, "smtp.cmd.MAIL")[0].bytes.find(" SMTPUTF8\r\n") != std::string_view::npos);
        box = postfix.mailbox(3);
        REQUIRE(box.size() == 3);
        bool utf8_delivered = false;
        for (const auto& m : box)
            utf8_delivered = utf8_delivered || (m.find("Delivered-To: 用户@localhost\n") != std::string::npos && body_of(m) == "你好\n");
        CHECK(utf8_delivered);
        write(lab.dir / "pw", "mustard\n");
        out = lab.connect(url, "EHLO pc.test\nAUTH PLAIN {auth-plain}\nQUIT\n", "--starttls" + lab.ca(), &st, "wrong");
        CHECK(out.find("535") != std::string::npos);
    }
    // Stopped: the master process is gone.
    CHECK(::kill(master, 0) != 0);
}
