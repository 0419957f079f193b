// test_gui_live.cpp — the Live panel's "connect to a real server" mode
// under Xvfb, against aiosmtpd on 127.0.0.1 with a test CA (LiveLab,
// tests/support.hpp): a session typed command by command over STARTTLS,
// and a certificate that does not verify, refused with its reason, then
// taken with "insecure" and the warning. The GUI's script saves the trace
// it followed; the test reads that.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "support.hpp"

namespace gui_live_test {

// False, with a warning, where xvfb-run is not installed (the test is then skipped).
bool have_xvfb() {
    if (!test::have_xvfb()) WARN("xvfb-run is not installed: the Live panel test is skipped");
    return test::have_xvfb();
}

// Runs mailsim-gui at 1280x800 with `script` (a file in the lab); its output and exit status.
std::string run_gui(test::LiveLab& lab, const std::string& script, int* status) {
    const auto file = lab.dir / "gui-script.txt";
    test::write(file, script + "quit\n");
    return test::sh(test::xvfb_run() + std::string(MAILSIM_GUI_BIN) +
                        " --width 1280 --height 800 --script @" + file.string(),
                    status);
}

// The script's line that connects to the lab's SMTP port with STARTTLS, trusting the lab's CA.
std::string connect_verified(const test::LiveLab& lab) {
    return "connect smtp://localhost:" + std::to_string(lab.smtp) + " starttls cafile " + (lab.dir / "ca.crt").string();
}

mailsim::Trace load(const test::fs::path& p) {
    auto t = mailsim::load_trace(p.string());
    REQUIRE(t);
    return std::move(*t);
}

}  // namespace gui_live_test

TEST_CASE("GUI: the Live panel types a message to a real SMTP server over STARTTLS, and its trace has TLS verified and the 250 (Xvfb)",
          "[gui][live]") {
    using namespace mailsim;
    if (!gui_live_test::have_xvfb()) return;
    test::LiveLab lab(false);  // aiosmtpd alone
    const auto trace = lab.dir / "gui.json";
    const std::string script = gui_live_test::connect_verified(lab) + " user bob password ketchup\n"
                               "live-wait-reply\n"
                               "live-command EHLO gui.test\n"
                               "live-command AUTH PLAIN {auth-plain}\n"
                               "live-command MAIL FROM:<alice@crepes.fr>\n"
                               "live-command RCPT TO:<bob@localhost>\n"
                               "live-command DATA\n"
                               "live-wait-reply\n"
                               "live-command Subject: typed in the GUI\n"
                               "live-command\n"
                               "live-command Hello Bob.\n"
                               "live-command .\n"
                               "live-wait-reply\n"
                               "live-command QUIT\n"
                               "live-wait-reply\n"
                               "live-disconnect\n"
                               "live-wait-closed\n"
                               "save-trace " + trace.string() + "\n";
    int status = -1;
    const std::string out = gui_live_test::run_gui(lab, script, &status);
    INFO(out);
    REQUIRE(WEXITSTATUS(status) == 0);
    CHECK(out.find("live-wait-closed: closed") != std::string::npos);
    // The server got the text as typed.
    CHECK(test::slurp(lab.dir / "out/1.eml") == "Subject: typed in the GUI\r\n\r\nHello Bob.\r\n");
    const Trace t = gui_live_test::load(trace);
    CHECK(t.source.kind == "live");
    const auto tls = test::with_key(t, "live.tls.handshake");
    REQUIRE(tls.size() == 1);
    const auto facts = nlohmann::json::parse(tls[0].detail);
    CHECK(facts["verified"] == true);
    CHECK(facts["subject"].get<std::string>().find("localhost") != std::string::npos);
    // The 250 that answers the text, after it.
    const auto text = test::with_key(t, "smtp.message");
    REQUIRE(text.size() == 1);
    std::string after;
    for (size_t i = text[0].seq + 1; i < t.size() && after.empty(); ++i)
        if (t.at(i).kind == EventKind::bytes && t.at(i).dir == Direction::to_client) after = std::string(t.at(i).verb);
    CHECK(after == "250");
    // The password went in by {auth-plain} and stayed out of the trace.
    const std::string json = test::slurp(trace);
    CHECK(json.find("AGJvYgBrZXRjaHVw") == std::string::npos);  // base64 of NUL bob NUL ketchup
    CHECK(json.find("[redacted]") != std::string::npos);
    CHECK(test::with_key(t, "smtp.reply.235").size() == 1);
    CHECK(test::events_of(t, EventKind::close).size() == 1);
}

TEST_CASE("GUI: the Live panel refuses a certificate that does not verify with the reason, and takes it only when insecure, with the warning (Xvfb)",
          "[gui][live]") {
    using namespace mailsim;
    if (!gui_live_test::have_xvfb()) return;
    test::LiveLab lab(false);  // aiosmtpd alone
    const auto refused = lab.dir / "refused.json", insecure = lab.dir / "insecure.json";
    // No CA file: the lab's CA is not among the system's, so the certificate does not verify.
    const std::string url = "smtp://localhost:" + std::to_string(lab.smtp);
    const std::string script = "connect " + url + " starttls\n"
                               "live-wait-closed\n"
                               "save-trace " + refused.string() + "\n"
                               "connect " + url + " starttls insecure\n"
                               "live-wait-reply\n"
                               "live-command QUIT\n"
                               "live-wait-reply\n"
                               "live-disconnect\n"
                               "live-wait-closed\n"
                               "save-trace " + insecure.string() + "\n";
    int status = -1;
    const std::string out = gui_live_test::run_gui(lab, script, &status);
    INFO(out);
    REQUIRE(WEXITSTATUS(status) == 0);
    // What the panel shows in red: the state and LiveSession's reason.
    CHECK(out.find("live-wait-closed: failed: the server's certificate does not verify (unable to get local issuer certificate)") !=
          std::string::npos);
    const Trace r = gui_live_test::load(refused);
    CHECK(test::with_key(r, "live.tls.failed").size() == 1);
    CHECK(test::with_key(r, "smtp.cmd.MAIL").empty());
    const Trace i = gui_live_test::load(insecure);
    const auto tls = test::with_key(i, "live.tls.handshake");
    REQUIRE(tls.size() == 1);
    CHECK(nlohmann::json::parse(tls[0].detail)["verified"] == false);
    CHECK(test::with_key(i, "live.tls.insecure").size() == 1);
    CHECK(test::with_key(i, "smtp.reply.221").size() == 1);
}

TEST_CASE("GUI: the Live panel's Send a message form has mailsim's SMTP engine send a message with a Chinese subject (Xvfb)",
          "[gui][live]") {
    using namespace mailsim;
    if (!gui_live_test::have_xvfb()) return;
    test::LiveLab lab(false);  // aiosmtpd alone
    const auto trace = lab.dir / "sent.json";
    const std::string script = gui_live_test::connect_verified(lab) + "\n"
                               "live-wait-reply\n"
                               "live-send alice@crepes.fr|bob@localhost, carol@localhost|你好|Hi Bob,\\n.a line with a dot\n"
                               "live-wait-closed\n"
                               "save-trace " + trace.string() + "\n";
    int status = -1;
    const std::string out = gui_live_test::run_gui(lab, script, &status);
    INFO(out);
    REQUIRE(WEXITSTATUS(status) == 0);
    CHECK(out.find("live-wait-closed: closed") != std::string::npos);
    const std::string got = test::slurp(lab.dir / "out/1.eml");
    CHECK(got.starts_with("From: alice@crepes.fr\r\nTo: bob@localhost, carol@localhost\r\nSubject: =?UTF-8?B?5L2g5aW9?=\r\n"));
    CHECK(got.ends_with("\r\n\r\nHi Bob,\r\n.a line with a dot\r\n"));  // dot-stuffed on the wire, not in the mail
    const Trace t = gui_live_test::load(trace);
    CHECK(test::with_key(t, "smtp.cmd.EHLO").size() == 2);  // before STARTTLS, and again inside TLS
    CHECK(test::with_key(t, "smtp.cmd.RCPT").size() == 2);
    CHECK(test::with_key(t, "smtp.reply.221").size() == 1);
}

TEST_CASE("GUI: the Live panel's List and fetch mail has mailsim's POP3 and IMAP engines fetch from Dovecot, with the password redacted (Xvfb)",
          "[gui][live]") {
    using namespace mailsim;
    if (!gui_live_test::have_xvfb()) return;
    test::LiveLab lab;  // with Dovecot: bob (password ketchup) has one message, Subject "hello"
    const std::string ca = (lab.dir / "ca.crt").string();
    const auto pop3_trace = lab.dir / "pop3.json", imap_trace = lab.dir / "imap.json";
    const std::string script =
        "connect pop3://localhost:" + std::to_string(lab.pop3) + " starttls cafile " + ca + " user bob password ketchup\n"
        "live-wait-reply\n"
        "live-fetch\n"
        "live-wait-closed\n"
        "save-trace " + pop3_trace.string() + "\n"
        "connect imaps://localhost:" + std::to_string(lab.imaps) + " cafile " + ca + " user bob password ketchup\n"
        "live-wait-reply\n"
        "live-fetch mailbox INBOX max 5\n"
        "live-wait-closed\n"
        "save-trace " + imap_trace.string() + "\n";
    int status = -1;
    const std::string out = gui_live_test::run_gui(lab, script, &status);
    INFO(out);
    REQUIRE(WEXITSTATUS(status) == 0);
    // Each fetch lists the one message, From and Subject decoded, and the session ends (QUIT, LOGOUT).
    CHECK(test::count(out, "fetched: 1\n") == 2);
    CHECK(test::count(out, "From Alice <alice@crepes.fr>, Subject hello") == 2);
    CHECK(test::count(out, "live-wait-closed: closed") == 2);
    const Trace pop3 = gui_live_test::load(pop3_trace);
    CHECK(test::with_key(pop3, "pop3.cmd.STLS").size() == 1);
    CHECK(test::with_key(pop3, "pop3.cmd.RETR").size() == 1);
    CHECK(test::with_key(pop3, "pop3.cmd.QUIT").size() == 1);
    const Trace imap = gui_live_test::load(imap_trace);
    CHECK(test::with_key(imap, "imap.cmd.LOGOUT").size() == 1);
    for (const auto* t : {&pop3, &imap}) {
        bool body = false;
        for (size_t i = 0; i < t->size(); ++i) {
            CHECK(t->at(i).bytes.find("ketchup") == std::string_view::npos);
            body = body || t->at(i).bytes.find("Hi Bob.") != std::string_view::npos;
        }
        CHECK(body);  // the message itself came back
    }
}

TEST_CASE("GUI: serving, the panels follow a real client's session as it comes, and the title changes language with the window (Xvfb)",
          "[gui][serve]") {
    if (!gui_live_test::have_xvfb()) return;
    const int smtp = test::free_port();  // (the script's "serve" with one port serves SMTP only)
    // The client: Python's smtplib, once the GUI listens (a port probe first).
    const std::string client =
        "import smtplib, socket, time\n"
        "for _ in range(900):\n"
        "    try:\n"
        "        socket.create_connection(('127.0.0.1', " + std::to_string(smtp) + "), timeout=1).close(); break\n"
        "    except OSError: time.sleep(0.1)\n"
        "time.sleep(1)\n"
        "with smtplib.SMTP('127.0.0.1', " + std::to_string(smtp) + ", timeout=20, local_hostname='client.test') as s:\n"
        "    s.sendmail('alice@crepes.fr', ['bob@hamburger.edu'], b'Subject: hi\\r\\n\\r\\nhello\\r\\n')\n"
        "print('client: sent')\n";
    const std::string script = "serve " + std::to_string(smtp) + "; serve-wait 2; status; lang zh; status; quit";
    int status = 0;
    const std::string stem = (test::fs::temp_directory_path() / ("mailsim-gui-serve-client-" + std::to_string(::getpid()))).string();
    test::write(stem + ".py", client);
    // The client's output goes to a file: a background process holding the
    // command's pipe would keep the test waiting after the GUI has ended.
    std::string out = test::run_command("/usr/bin/python3 '" + stem + ".py' > '" + stem + ".out' 2>&1 & " + test::xvfb_run() +
                                            std::string(MAILSIM_GUI_BIN) + " --width 1280 --height 800 --script '" + script + "'",
                                        &status);
    for (int i = 0; i < 100 && test::slurp(stem + ".out").find("client:") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // (it has sent; it may still be ending)
    out += "\n" + test::slurp(stem + ".out");
    test::fs::remove(stem + ".py");
    test::fs::remove(stem + ".out");
    INFO(out);
    REQUIRE(WEXITSTATUS(status) == 0);
    // The port probe and smtplib's session, both shown as they came: the
    // cursor is at the end, well past serve's LISTEN line.
    const size_t at = out.find("cursor: ");
    REQUIRE(at != std::string::npos);
    size_t cursor = 0, total = 0;
    REQUIRE(std::sscanf(out.c_str() + at, "cursor: %zu of %zu", &cursor, &total) == 2);
    CHECK(total > 15);
    CHECK(out.find("client: sent") != std::string::npos);
    CHECK(cursor == total);
    CHECK(out.find("title: Serving default to real clients\n") != std::string::npos);
    CHECK(out.find("title: 把 default 提供给真实客户端\n") != std::string::npos);
}
