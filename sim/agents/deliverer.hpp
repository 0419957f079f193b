// deliverer.hpp — relaying queued messages to the next server (RFC 5321 §5).
//
// For each destination domain of what a queue scan found due: look up its
// MX records, connect to the most preferred host on port 25, and if that
// host refuses or does not answer, the next one; then carry every message
// for that domain over the one connection. Each recipient's fate goes back
// to the MailServer. A domain that does not exist is a permanent failure; a
// DNS time-out or no reachable host is a temporary one.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agents/smtp_connection.hpp"
#include "core/dns.hpp"

namespace mailsim::agents {

class MailServer;

class Deliverer {
public:
    explicit Deliverer(MailServer& server);
    ~Deliverer();

    // Starts delivery attempts for these queue entries (already active).
    void deliver(const std::vector<std::string>& queue_ids);
    // After the peer said 250 to our TURN... no: after WE said 250 to a
    // peer's TURN, we send it what we hold for its domain on `client`.
    SmtpClientOwner* deliver_on_turn(const std::string& peer_host, smtp::ClientSession& client);
    bool busy() const { return !attempts_.empty(); }

private:
    struct Item {
        std::string queue_id;
        std::vector<std::string> rcpts;
    };
    class Attempt;
    void finished(std::uint64_t attempt_id);

    MailServer& server_;
    std::map<std::uint64_t, std::unique_ptr<Attempt>> attempts_;
    std::uint64_t next_id_ = 1;
};

}  // namespace mailsim::agents
