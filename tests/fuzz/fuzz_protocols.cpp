// fuzz_protocols.cpp — the SMTP and POP3 server engines and the SMTP client
// fed arbitrary bytes from a peer: they answer and go on, never crash.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

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
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    smtp::ServerSettings ss;
    ss.rfc821_mode = size % 3 == 0;
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
