// smtp_receiver.hpp — a mail server's decisions while it receives SMTP.
//
// One per connection (it knows whether the peer came in on the submission
// port 587, RFC 6409, where the server's own users may send anywhere, or on
// port 25, where it takes mail only for its own domain: no open relay,
// unless the client logged in with AUTH as one of the server's users).
// It applies the scenario's reply overrides, checks recipients against the
// server's users, lists and forwards, and at the end of DATA stores the
// message in mailboxes or queues it onward, adding a Received line.
#pragma once

#include <string>

#include "core/network.hpp"
#include "protocol/smtp/server_session.hpp"

namespace mailsim::agents {

class MailServer;

class SmtpReceiver : public smtp::ServerPolicy {
public:
    SmtpReceiver(MailServer& server, ConnectionId id, bool submission);

    std::optional<smtp::Reply> override_for(std::string_view command, std::string_view args) override;
    smtp::Reply check_sender(const smtp::Envelope& env, const std::string& reverse_path) override;
    smtp::Reply check_recipient(const smtp::Envelope& env, const std::string& mailbox) override;
    smtp::Reply accept_message(const smtp::Envelope& env, const std::string& content) override;
    bool authenticate(const std::string& user, const std::string& password) override;
    smtp::Reply verify(const std::string& argument) override;
    smtp::Reply expand(const std::string& argument) override;
    std::vector<std::string> status_lines() override;

private:
    void deliver_local(const smtp::Envelope& env, const std::string& rcpt, const std::string& content,
                       const std::string& queue_id, std::vector<std::string>& onward, int depth);
    void notify_terminal(const smtp::Envelope& env, const std::string& rcpt, const std::string& content);

    MailServer& server_;
    ConnectionId id_;
    bool submission_;
};

}  // namespace mailsim::agents
