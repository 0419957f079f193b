// outgoing_queue.hpp — the sender's server's mail queue (Kurose & Ross §2.3:
// the message waits in the queue; the server tries again later).
//
// Postfix's queue names: a message arrives in `incoming`, a queue scan moves
// it to `active` while delivery is tried, and what could not be delivered yet
// waits in `deferred` until its next retry time. Each recipient has its own
// state, because one message to two domains can half succeed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "agents/config.hpp"
#include "protocol/smtp/server_session.hpp"
#include "core/time.hpp"

namespace mailsim::agents {

struct QueuedRecipient {
    enum class State { pending, sent, failed };
    std::string address;
    State state = State::pending;
    std::string last_reply;     // what the last attempt got, "550 5.1.1 ..." or "connection refused"
    std::string remote_host;    // who said it
    std::string stage;          // in reply to which command
    bool reported = false;      // a failure already told to the sender
};

struct QueuedMessage {
    enum class Queue { incoming, active, deferred };
    std::string id;             // queue id, "4F2A1C"
    std::string sender;         // reverse-path; "" for a bounce
    std::string message_id;     // the Message-ID header, for the transcript
    std::shared_ptr<const std::string> content;  // shared with the sessions that carry it
    smtp::MailMode mode = smtp::MailMode::mail;  // RFC 821 SEND/SOML/SAML travel on as such
    std::vector<QueuedRecipient> rcpts;
    Queue queue = Queue::incoming;
    int attempts = 0;
    SimTime arrived = 0;
    SimTime next_attempt = 0;
    int outstanding = 0;        // delivery attempts still running for it
};

std::string_view to_string(QueuedMessage::Queue q);
std::string_view to_string(QueuedRecipient::State s);

class OutgoingQueue {
public:
    QueuedMessage& add(QueuedMessage m);
    QueuedMessage* find(const std::string& id);
    void remove(const std::string& id);
    // Oldest first, keyed by arrival order.
    const std::map<std::uint64_t, QueuedMessage>& messages() const { return messages_; }
    bool empty() const { return messages_.empty(); }
    size_t size() const { return messages_.size(); }
    size_t count(QueuedMessage::Queue q) const;

    // Moves what is due (incoming, and deferred whose time has come) to
    // active and returns their ids, oldest first.
    std::vector<std::string> take_due(SimTime now);

    // The delay before the next attempt after `attempts` tries.
    static SimTime backoff(const QueueSettings& s, int attempts);

    // The queue as the Queue panel shows it, as JSON text: {"due", "messages",
    // "total"}; at most `limit` messages are listed (the oldest first).
    std::string snapshot(size_t due, size_t limit = 100) const;
    static std::string entry_json(const QueuedMessage& m);

private:
    std::map<std::uint64_t, QueuedMessage> messages_;
    // Queue id → its entry (map iterators stay valid): find() is asked for
    // every message several times, and need not walk the tree as well.
    std::unordered_map<std::string, std::map<std::uint64_t, QueuedMessage>::iterator> by_id_;
    std::uint64_t next_ = 0;
};

}  // namespace mailsim::agents
