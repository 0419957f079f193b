// support.hpp — helpers the tests share: a scripted server policy, an SMTP
// server driven line by line, a client and a server joined in memory (like
// h11's ConnectionPair), and running scenarios.
#pragma once

#include <cstdio>
#include <map>
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

// Users: bob (local), carol (forwarded: 251), dave (moved: 551), erin (busy: 450).
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

// Runs a shell command; its stdout and stderr together, and its wait status.
inline std::string shell_output(const std::string& cmd, int* status) {
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

}  // namespace test
