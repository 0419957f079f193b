// mailbox.hpp — users' mailboxes on a mail server: where SMTP's push ends
// and POP3/IMAP/HTTP's pull begins.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace mailsim::agents {

struct StoredMessage {
    std::string id;            // the server's queue id for it
    std::string uid;           // unique in its mailbox, for ever (POP3 UIDL)
    std::string sender;        // envelope reverse-path ("" for a bounce)
    std::string recipient;     // envelope forward-path it was delivered for
    std::string content;       // with Return-Path and Received prepended
    SimTime arrived = 0;
    bool bounce = false;       // a non-delivery report
};

class Mailboxes {
public:
    void store(const std::string& user, StoredMessage m) {
        m.uid = std::to_string(++next_uid_) + "." + m.id;
        bytes_ += m.content.size();
        used_[user] += m.content.size();
        boxes_[user].push_back(std::move(m));
    }
    const std::deque<StoredMessage>& of(const std::string& user) const {
        static const std::deque<StoredMessage> none;
        auto it = boxes_.find(user);
        return it == boxes_.end() ? none : it->second;
    }
    std::deque<StoredMessage>& mutable_of(const std::string& user) { return boxes_[user]; }
    std::uint64_t used(const std::string& user) const {
        auto it = used_.find(user);
        return it == used_.end() ? 0 : it->second;
    }
    std::uint64_t total_bytes() const { return bytes_; }
    // Removes messages for good (POP3's UPDATE state).
    size_t remove(const std::string& user, const std::vector<std::string>& uids) {
        auto it = boxes_.find(user);
        if (it == boxes_.end()) return 0;
        size_t removed = 0;
        for (auto m = it->second.begin(); m != it->second.end();) {
            if (std::find(uids.begin(), uids.end(), m->uid) != uids.end()) {
                used_[user] -= m->content.size();
                bytes_ -= m->content.size();
                m = it->second.erase(m);
                ++removed;
            } else {
                ++m;
            }
        }
        return removed;
    }
    const std::map<std::string, std::deque<StoredMessage>>& all() const { return boxes_; }
    size_t count() const {
        size_t n = 0;
        for (auto& [u, v] : boxes_) n += v.size();
        return n;
    }

private:
    std::map<std::string, std::deque<StoredMessage>> boxes_;
    std::map<std::string, std::uint64_t> used_;
    std::uint64_t bytes_ = 0;
    std::uint64_t next_uid_ = 0;
};

}  // namespace mailsim::agents
