// bouncer.hpp — non-delivery reports (bounces) for the sender.
//
// When a recipient is refused for good (a 5xx reply, a domain that does not
// exist) or the message has waited in the queue past maximal_queue_lifetime,
// the sender's server writes a report to the sender, naming each recipient
// and what the remote server said (RFC 5321 §4.5.5, §6.1). It comes from the
// null reverse-path <> so that it can never bounce back (no loops).
//
// Not done here: the RFC 3464 multipart/report form (sim/message builds MIME).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mailsim::agents {

struct BounceItem {
    std::string recipient;
    std::string remote_host;   // "" when no server was reached
    std::string reply;         // "550 5.1.1 No such user here"
    std::string stage;         // "RCPT", "MAIL", "END-OF-DATA", "CONNECT", "DNS"
};

struct BounceReport {
    std::string from_host;       // the reporting server
    std::string from_domain;
    std::string to;              // the original sender
    std::string date;
    std::string message_id;
    bool expired = false;        // gave up after the queue lifetime
    std::string waited;          // "5d", for an expired message
    std::vector<BounceItem> items;
};

class Bouncer {
public:
    // The full RFC 5322 message text of the report, original headers included.
    static std::string compose(const BounceReport& report, std::string_view original);
};

}  // namespace mailsim::agents
