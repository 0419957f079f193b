// mail_store.hpp — one user's IMAP folders, in memory.
//
// RFC 3501 §2.3 (message attributes: UID, flags, internal date, size),
// §5.1 (mailbox naming: hierarchy delimiter "/", INBOX case-insensitive),
// §6.3 (CREATE, DELETE, RENAME, SUBSCRIBE, LIST and LSUB semantics).
//
// A folder holds messages in UID order; UIDs only grow (UIDNEXT), and a
// folder that is deleted and created again gets a new UIDVALIDITY, so a
// client's cached UIDs become invalid. UIDVALIDITY values come from a
// counter, never from a clock: the store is deterministic.
//
// The simulation's mail server owns one MailStore per user: SMTP delivery
// calls deliver() (INBOX, flagged \Recent), POP3 deletion calls
// remove_uids(). IMAP sessions on the same store see those changes the
// next time they compare their view with the store (ImapServerSession).
//
// \Recent is kept as a flag in the store until a read-write session selects
// the folder and claims it (claim_recent), as RFC 3501 §2.3.2 says: only one
// session sees a message as recent.
//
// Not done here: quotas, ACLs, per-message MODSEQ (RFC 7162), persistence.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::imap {

struct StoredMessage {
    std::uint32_t uid = 0;
    std::set<std::string> flags;                 // "\Seen", "\Deleted", keywords, "\Recent"
    std::int64_t internaldate = 0;               // seconds since the epoch, UTC
    std::shared_ptr<const std::string> content;  // CRLF lines
    size_t size() const { return content ? content->size() : 0; }
};

struct Folder {
    std::string name;             // full name, "INBOX/Courses/Networks"
    std::uint32_t uidvalidity = 1;
    std::uint32_t uidnext = 1;
    bool noselect = false;        // \Noselect: holds no messages, only children
    std::vector<StoredMessage> messages;  // ascending UID
    const StoredMessage* find(std::uint32_t uid) const;
    StoredMessage* find(std::uint32_t uid);
};

struct ListEntry {
    std::string name;
    std::vector<std::string> attributes;  // "\Noselect", "\HasChildren", "\HasNoChildren"
};

class MailStore {
public:
    static constexpr char kDelimiter = '/';

    enum class Result { ok, exists, no_such_folder, bad_name, is_inbox, has_children };

    // INBOX always exists. UIDVALIDITY values count up from `first_uidvalidity`.
    explicit MailStore(std::uint32_t first_uidvalidity = 1);

    // "inbox" in any case names INBOX (RFC 3501 §5.1), also as the first level.
    static std::string canonical(std::string_view name);

    const Folder* folder(std::string_view name) const;
    Folder* folder(std::string_view name);
    std::vector<std::string> folder_names() const;  // sorted

    // CREATE: missing parents are created too; a trailing "/" is dropped.
    Result create(std::string_view name);
    // DELETE: a folder with children becomes \Noselect (its messages go);
    // a \Noselect folder with children cannot be deleted.
    Result remove(std::string_view name);
    // RENAME: inferiors move too. Renaming INBOX moves its messages to the
    // new folder and leaves INBOX empty (§6.3.5).
    Result rename(std::string_view from, std::string_view to);
    Result subscribe(std::string_view name);
    Result unsubscribe(std::string_view name);
    bool subscribed(std::string_view name) const;

    // LIST / LSUB: names matching reference + pattern; "*" matches anything,
    // "%" anything but the delimiter (§6.3.8).
    std::vector<ListEntry> list(std::string_view reference, std::string_view pattern, bool subscribed_only) const;
    static bool matches(std::string_view pattern, std::string_view name);

    // APPEND: the new UID, or nullopt when the folder is missing or \Noselect.
    std::optional<std::uint32_t> append(std::string_view folder, std::shared_ptr<const std::string> content,
                                        std::set<std::string> flags, std::int64_t internaldate);
    // SMTP delivery: into INBOX, flagged \Recent.
    std::uint32_t deliver(std::shared_ptr<const std::string> content, std::int64_t internaldate);
    // POP3 deletion (or any outside removal); how many were removed.
    size_t remove_uids(std::string_view folder, const std::vector<std::uint32_t>& uids);
    // EXPUNGE: removes the messages flagged \Deleted; their UIDs, ascending.
    std::vector<std::uint32_t> expunge(std::string_view folder);
    // COPY: the new UIDs in `to`, one per copied message (missing UIDs are skipped).
    std::optional<std::vector<std::uint32_t>> copy(std::string_view from, const std::vector<std::uint32_t>& uids,
                                                   std::string_view to);
    // \Recent flags of a folder, taken by the session that selects it.
    std::set<std::uint32_t> claim_recent(std::string_view folder);

    // Counts every change, so that a session can tell cheaply whether to look.
    std::uint64_t version() const { return version_; }

private:
    Folder& make(const std::string& name);
    bool has_children(const std::string& name) const;

    std::map<std::string, Folder> folders_;
    std::set<std::string> subscriptions_;
    std::uint32_t next_uidvalidity_;
    std::uint64_t version_ = 0;
};

}  // namespace mailsim::imap
