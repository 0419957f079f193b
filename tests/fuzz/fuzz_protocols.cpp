// fuzz_protocols.cpp — the SMTP, POP3, IMAP and HTTP server engines and the
// SMTP, IMAP and HTTP clients fed arbitrary bytes from a peer: they answer and
// go on, never crash.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "protocol/http/client_session.hpp"
#include "protocol/http/server_session.hpp"
#include "protocol/imap/client_session.hpp"
#include "protocol/imap/server_session.hpp"
#include "protocol/pop3/server_session.hpp"
#include "protocol/smtp/client_session.hpp"
#include "protocol/smtp/server_session.hpp"

using namespace mailsim;

namespace {
struct Policy : smtp::ServerPolicy {
    std::optional<smtp::Reply> override_for(std::string_view, std::string_view) override { return std::nullopt; }
    smtp::Reply check_sender(const smtp::Envelope&, const std::string&) override { return {250, "2.1.0", "Ok"}; }
    smtp::Reply check_recipient(const smtp::Envelope&, const std::string& m) override {
        return m.size() % 2 ? smtp::Reply(250, "2.1.5", "Ok") : smtp::Reply(550, "5.1.1", "No");
    }
    smtp::Reply accept_message(const smtp::Envelope&, const std::string&) override { return {250, "2.0.0", "Ok"}; }
    bool authenticate(const std::string& u, const std::string& p) override { return u == "u" && p == "x"; }
    smtp::Reply verify(const std::string&) override { return {252, "2.0.0", "?"}; }
    smtp::Reply expand(const std::string&) override { return {550, "5.1.1", "No"}; }
    std::vector<std::string> status_lines() override { return {"ok"}; }
};
struct Backend : pop3::Pop3Backend {
    std::optional<std::string> override_for(std::string_view, std::string_view) override { return std::nullopt; }
    bool user_exists(const std::string&) override { return true; }
    bool check_password(const std::string&, const std::string& p) override { return p == "x"; }
    std::optional<std::string> secret(const std::string&) override { return "x"; }
    std::vector<pop3::MaildropMessage> open_maildrop(const std::string&) override {
        return {{"u1", std::make_shared<const std::string>("Subject: a\r\n\r\n.b\r\n")}};
    }
    void remove(const std::string&, const std::vector<std::string>&) override {}
};
struct ImapAccess : imap::ImapBackend {
    imap::MailStore folders;
    ImapAccess() {
        folders.deliver(std::make_shared<const std::string>(
                            "From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n"),
                        0);
        folders.create("INBOX/Sub");
    }
    std::optional<std::string> override_for(std::string_view, std::string_view) override { return std::nullopt; }
    bool check_login(const std::string&, const std::string& p) override { return p == "x"; }
    imap::MailStore* store(const std::string&) override { return &folders; }
    std::int64_t now() override { return 0; }
};
struct Webmail : http::WebmailBackend {
    std::optional<std::string> override_for(std::string_view, std::string_view p) override {
        return p == "/x" ? std::optional<std::string>("503 Service Unavailable") : std::nullopt;
    }
    bool check_login(const std::string&, const std::string& p) override { return p == "x"; }
    std::vector<http::InboxMessage> inbox(const std::string&) override {
        return {{"a", std::make_shared<const std::string>(
                          "Subject: =?UTF-8?B?5byg?=\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n"
                          "t\r\n--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBO\r\n--b--\r\n"),
                 0, false}};
    }
    void mark_seen(const std::string&, const std::string&) override {}
    void remove(const std::string&, const std::string&) override {}
    std::int64_t now() override { return 0; }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    smtp::ServerSettings ss;
    ss.rfc821_mode = size % 3 == 0;
    ss.auth = size % 2 == 0;  // AUTH's exchanges too
    ss.message_size_limit = 200;
    Policy policy;
    smtp::ServerSession server(ss, policy);
    server.start();
    server.receive(in.substr(0, size / 3));
    server.receive(in.substr(size / 3));
    server.take_output();
    Backend backend;
    pop3::Pop3ServerSession pop({}, backend);
    pop.start();
    pop.receive(in);
    pop.take_output();
    // IMAP: logged in with a folder selected, so that FETCH, SEARCH and STORE are reached.
    ImapAccess access;
    imap::ImapSettings is;
    is.literal_limit = 4096;
    is.command_line_limit = size % 2 ? 8192 : 64;
    imap::ImapServerSession imap_server(is, access);
    imap_server.start();
    imap_server.receive("a LOGIN u x\r\nb SELECT INBOX\r\n");
    imap_server.receive(in.substr(0, size / 2));
    access.folders.deliver(std::make_shared<const std::string>("Subject: new\r\n\r\nnew\r\n"), 0);
    imap_server.notify_changes();
    imap_server.receive(in.substr(size / 2));
    imap_server.take_output();
    while (imap_server.next_event()) {
    }
    imap::ImapClientSettings ic;
    ic.user = "u";
    ic.password = "x";
    ic.partial = size % 2 == 0;
    ic.file_into = "INBOX/Sub";
    ic.idle = true;
    imap::ImapClientSession imap_client(ic);
    imap_client.receive(in);
    imap_client.stop_idle();
    imap_client.take_output();
    while (imap_client.next_event()) {
    }
    // The webmail: the input's first bytes as a path below /message/ in a
    // logged-in request (the routes behind the cookie), then the input as requests.
    Webmail webmail;
    http::HttpSettings hs;
    hs.field_section_limit = 512;
    hs.body_limit = 256;
    http::HttpServerSession web(hs, webmail);
    std::string path;
    for (char c : in.substr(0, 40))
        if (c > ' ' && c < 127) path += c;
    web.receive("GET /message/" + path + " HTTP/1.1\r\nHost: h\r\nCookie: session=" + web.session_token("u") + "\r\n\r\n");
    web.receive(in.substr(0, size / 2));
    web.receive(in.substr(size / 2));
    web.take_output();
    while (web.next_event()) {
    }
    http::HttpClientSettings hc;
    hc.user = "u";
    hc.password = "x";
    http::HttpClientSession browser(hc);
    browser.start();
    browser.receive(in);
    browser.peer_closed();
    browser.take_output();
    while (browser.next_event()) {
    }
    smtp::ClientSession client({});
    smtp::Transaction t;
    t.id = 1;
    t.reverse_path = "a@b.c";
    t.recipients = {"d@e.f"};
    client.add(t);
    client.receive(in);
    client.take_output();
    while (client.next_event()) {
    }
    return 0;
}
