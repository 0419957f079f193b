// mailbox.hpp — users' mailboxes on a mail server: where SMTP's push ends
// and POP3/IMAP/HTTP's pull begins.
//
// Each user's mailbox is a list of delivered messages (what SMTP stored,
// what POP3 downloads and deletes). IMAP and the webmail see the same mail
// as folders with flags (an imap::MailStore, INBOX being the mailbox): the
// folders are made the first time a user reads mail that way, and from then
// on delivery and POP3 deletion change both, and what IMAP or the webmail
// did to INBOX (EXPUNGE, APPEND, COPY) is brought back by sync_inbox().
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "protocol/imap/mail_store.hpp"

namespace mailsim::agents {

struct StoredMessage {
    std::string id;            // the server's queue id for it
    std::string uid;           // unique in its mailbox, for ever (POP3 UIDL)
    std::string sender;        // envelope reverse-path ("" for a bounce)
    std::string recipient;     // envelope forward-path it was delivered for
    std::string content;       // with Return-Path and Received prepended
    SimTime arrived = 0;
    bool bounce = false;       // a non-delivery report
    std::uint32_t imap_uid = 0;  // its UID in the user's IMAP INBOX, once there are folders
};

class Mailboxes {
public:
    // `epoch` is the simulation's t = 0 in seconds since 1970 (IMAP's INTERNALDATE).
    explicit Mailboxes(std::int64_t epoch = 0) : epoch_(epoch) {}

    void store(const std::string& user, StoredMessage m) {
        m.uid = std::to_string(++next_uid_) + "." + m.id;
        bytes_ += m.content.size();
        used_[user] += m.content.size();
        if (auto f = folders_.find(user); f != folders_.end())
            m.imap_uid = f->second.deliver(std::make_shared<const std::string>(m.content), internaldate(m));
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
                if (auto f = folders_.find(user); f != folders_.end() && m->imap_uid)
                    f->second.remove_uids("INBOX", {m->imap_uid});
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

    // The user's IMAP folders; made on first use with INBOX holding the mailbox.
    imap::MailStore& folders(const std::string& user) {
        auto [f, made] = folders_.try_emplace(user);
        if (made)
            for (auto& m : boxes_[user])
                m.imap_uid = f->second.deliver(std::make_shared<const std::string>(m.content), internaldate(m));
        return f->second;
    }
    bool has_folders(const std::string& user) const { return folders_.count(user) != 0; }

    // After IMAP or the webmail changed INBOX: messages expunged from it
    // leave the mailbox, messages appended or copied into it join it.
    void sync_inbox(const std::string& user) {
        auto f = folders_.find(user);
        if (f == folders_.end()) return;
        const imap::Folder* inbox = f->second.folder("INBOX");
        auto& box = boxes_[user];
        std::set<std::uint32_t> known;
        for (auto m = box.begin(); m != box.end();) {
            if (m->imap_uid && inbox && inbox->find(m->imap_uid)) {
                known.insert(m->imap_uid);
                ++m;
                continue;
            }
            used_[user] -= m->content.size();
            bytes_ -= m->content.size();
            m = box.erase(m);
        }
        if (!inbox) return;
        for (const auto& im : inbox->messages) {
            if (known.count(im.uid) || !im.content) continue;
            StoredMessage m;
            m.id = "imap";
            m.uid = std::to_string(++next_uid_) + ".imap";
            m.recipient = user;
            m.content = *im.content;
            m.arrived = (im.internaldate - epoch_) * kSecond;
            m.imap_uid = im.uid;
            bytes_ += m.content.size();
            used_[user] += m.content.size();
            box.push_back(std::move(m));
        }
    }

private:
    std::int64_t internaldate(const StoredMessage& m) const { return epoch_ + m.arrived / kSecond; }

    std::int64_t epoch_;
    std::map<std::string, imap::MailStore> folders_;
    std::map<std::string, std::deque<StoredMessage>> boxes_;
    std::map<std::string, std::uint64_t> used_;
    std::uint64_t bytes_ = 0;
    std::uint64_t next_uid_ = 0;
};

}  // namespace mailsim::agents
