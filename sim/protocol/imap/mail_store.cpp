// mail_store.cpp — see mail_store.hpp.
#include "protocol/imap/mail_store.hpp"

#include <algorithm>

#include "core/ascii.hpp"

namespace mailsim::imap {

namespace {

bool is_inferior(std::string_view name, std::string_view parent) {
    return name.size() > parent.size() && name.compare(0, parent.size(), parent) == 0 &&
           name[parent.size()] == MailStore::kDelimiter;
}

}  // namespace

const StoredMessage* Folder::find(std::uint32_t uid) const {
    auto it = std::lower_bound(messages.begin(), messages.end(), uid,
                               [](const StoredMessage& m, std::uint32_t u) { return m.uid < u; });
    return it != messages.end() && it->uid == uid ? &*it : nullptr;
}

StoredMessage* Folder::find(std::uint32_t uid) {
    return const_cast<StoredMessage*>(static_cast<const Folder*>(this)->find(uid));
}

MailStore::MailStore(std::uint32_t first_uidvalidity) : next_uidvalidity_(first_uidvalidity) { make("INBOX"); }

std::string MailStore::canonical(std::string_view name) {
    while (!name.empty() && name.back() == kDelimiter) name.remove_suffix(1);
    std::string_view first = name.substr(0, name.find(kDelimiter));
    if (iequals(first, "INBOX")) return "INBOX" + std::string(name.substr(first.size()));
    return std::string(name);
}

Folder& MailStore::make(const std::string& name) {
    auto [it, fresh] = folders_.try_emplace(name);
    if (fresh) {
        it->second.name = name;
        it->second.uidvalidity = next_uidvalidity_++;
    }
    ++version_;
    return it->second;
}

const Folder* MailStore::folder(std::string_view name) const {
    auto it = folders_.find(canonical(name));
    return it == folders_.end() ? nullptr : &it->second;
}

Folder* MailStore::folder(std::string_view name) {
    auto it = folders_.find(canonical(name));
    return it == folders_.end() ? nullptr : &it->second;
}

std::vector<std::string> MailStore::folder_names() const {
    std::vector<std::string> names;
    for (const auto& [n, f] : folders_) names.push_back(n);
    return names;
}

bool MailStore::has_children(const std::string& name) const {
    for (auto it = folders_.upper_bound(name); it != folders_.end(); ++it) {
        if (is_inferior(it->first, name)) return true;
        if (it->first.compare(0, name.size(), name) != 0) break;
    }
    return false;
}

MailStore::Result MailStore::create(std::string_view raw) {
    std::string name = canonical(raw);
    if (name.empty() || name.find("//") != std::string::npos || name.front() == kDelimiter) return Result::bad_name;
    if (auto it = folders_.find(name); it != folders_.end()) {
        if (!it->second.noselect) return Result::exists;
        it->second.noselect = false;  // a \Noselect parent becomes a real folder again
        it->second.uidvalidity = next_uidvalidity_++;
        ++version_;
        return Result::ok;
    }
    // Intermediate parents first (§6.3.3: "create any superior hierarchical names").
    for (size_t slash = name.find(kDelimiter); slash != std::string::npos; slash = name.find(kDelimiter, slash + 1))
        make(name.substr(0, slash));
    make(name);
    return Result::ok;
}

MailStore::Result MailStore::remove(std::string_view raw) {
    std::string name = canonical(raw);
    if (name == "INBOX") return Result::is_inbox;
    auto it = folders_.find(name);
    if (it == folders_.end()) return Result::no_such_folder;
    if (has_children(name)) {
        if (it->second.noselect) return Result::has_children;
        it->second.messages.clear();
        it->second.noselect = true;
    } else {
        folders_.erase(it);
    }
    ++version_;
    return Result::ok;
}

MailStore::Result MailStore::rename(std::string_view raw_from, std::string_view raw_to) {
    std::string from = canonical(raw_from), to = canonical(raw_to);
    auto src = folders_.find(from);
    if (src == folders_.end()) return Result::no_such_folder;
    if (to.empty() || to.find("//") != std::string::npos || to.front() == kDelimiter) return Result::bad_name;
    if (folders_.count(to) || is_inferior(to, from)) return Result::exists;
    if (from == "INBOX") {
        // §6.3.5: the messages move to the new name; INBOX stays, empty,
        // and its inferiors are not renamed.
        Folder moved = std::move(src->second);
        Folder& inbox = src->second;
        inbox = Folder{};
        inbox.name = "INBOX";
        inbox.uidvalidity = moved.uidvalidity;
        inbox.uidnext = moved.uidnext;
        create(to);
        Folder& dst = folders_.at(to);
        dst.messages = std::move(moved.messages);
        dst.uidnext = moved.uidnext;
        ++version_;
        return Result::ok;
    }
    std::vector<std::string> names{from};
    for (const auto& [n, f] : folders_)
        if (is_inferior(n, from)) names.push_back(n);
    for (size_t slash = to.find(kDelimiter); slash != std::string::npos; slash = to.find(kDelimiter, slash + 1))
        if (!folders_.count(to.substr(0, slash))) make(to.substr(0, slash));
    for (const auto& n : names) {
        auto node = folders_.extract(n);
        std::string renamed = to + n.substr(from.size());
        node.key() = renamed;
        node.mapped().name = renamed;
        folders_.insert(std::move(node));
        if (subscriptions_.erase(n)) subscriptions_.insert(renamed);
    }
    ++version_;
    return Result::ok;
}

MailStore::Result MailStore::subscribe(std::string_view name) {
    // §6.3.6 lets a server refuse names that do not exist; this one does.
    if (!folder(name)) return Result::no_such_folder;
    subscriptions_.insert(canonical(name));
    return Result::ok;
}

MailStore::Result MailStore::unsubscribe(std::string_view name) {
    return subscriptions_.erase(canonical(name)) ? Result::ok : Result::no_such_folder;
}

bool MailStore::subscribed(std::string_view name) const { return subscriptions_.count(canonical(name)) != 0; }

// list-wildcards = "%" / "*"   (RFC 3501 §9)
bool MailStore::matches(std::string_view pattern, std::string_view name) {
    if (pattern.empty()) return name.empty();
    char p = pattern.front();
    if (p == '*' || p == '%') {
        for (size_t i = 0; i <= name.size(); ++i) {
            if (matches(pattern.substr(1), name.substr(i))) return true;
            if (i < name.size() && p == '%' && name[i] == kDelimiter) return false;
        }
        return false;
    }
    return !name.empty() && name.front() == p && matches(pattern.substr(1), name.substr(1));
}

std::vector<ListEntry> MailStore::list(std::string_view reference, std::string_view pattern,
                                       bool subscribed_only) const {
    std::vector<ListEntry> out;
    std::string full = std::string(reference) + std::string(pattern);
    // INBOX matches case-insensitively: compare with the canonical spelling.
    std::string_view first = std::string_view(full).substr(0, full.find(kDelimiter));
    if (iequals(first, "INBOX")) full = "INBOX" + full.substr(first.size());
    for (const auto& [name, f] : folders_) {
        if (subscribed_only && !subscriptions_.count(name)) continue;
        if (!matches(full, name)) continue;
        ListEntry e{name, {}};
        if (f.noselect) e.attributes.push_back("\\Noselect");
        e.attributes.push_back(has_children(name) ? "\\HasChildren" : "\\HasNoChildren");
        out.push_back(std::move(e));
    }
    return out;
}

std::optional<std::uint32_t> MailStore::append(std::string_view name, std::shared_ptr<const std::string> content,
                                               std::set<std::string> flags, std::int64_t internaldate) {
    Folder* f = folder(name);
    if (!f || f->noselect) return std::nullopt;
    StoredMessage m;
    m.uid = f->uidnext++;
    m.flags = std::move(flags);
    m.internaldate = internaldate;
    m.content = std::move(content);
    f->messages.push_back(std::move(m));
    ++version_;
    return f->messages.back().uid;
}

std::uint32_t MailStore::deliver(std::shared_ptr<const std::string> content, std::int64_t internaldate) {
    return *append("INBOX", std::move(content), {"\\Recent"}, internaldate);
}

size_t MailStore::remove_uids(std::string_view name, const std::vector<std::uint32_t>& uids) {
    Folder* f = folder(name);
    if (!f) return 0;
    std::set<std::uint32_t> gone(uids.begin(), uids.end());
    size_t n = std::erase_if(f->messages, [&](const StoredMessage& m) { return gone.count(m.uid) != 0; });
    if (n) ++version_;
    return n;
}

std::vector<std::uint32_t> MailStore::expunge(std::string_view name) {
    std::vector<std::uint32_t> gone;
    Folder* f = folder(name);
    if (!f) return gone;
    for (const auto& m : f->messages)
        if (m.flags.count("\\Deleted")) gone.push_back(m.uid);
    remove_uids(name, gone);
    return gone;
}

std::optional<std::vector<std::uint32_t>> MailStore::copy(std::string_view from, const std::vector<std::uint32_t>& uids,
                                                          std::string_view to) {
    const Folder* src = folder(from);
    Folder* dst = folder(to);
    if (!src || !dst || dst->noselect) return std::nullopt;
    // Collect first: `from` and `to` may be the same folder.
    std::vector<StoredMessage> picked;
    for (auto uid : uids)
        if (const auto* m = src->find(uid)) picked.push_back(*m);
    std::vector<std::uint32_t> fresh;
    for (auto& m : picked) {
        m.flags.insert("\\Recent");  // §6.4.7: the copy is \Recent in the target
        fresh.push_back(*append(to, m.content, m.flags, m.internaldate));
    }
    return fresh;
}

std::set<std::uint32_t> MailStore::claim_recent(std::string_view name) {
    std::set<std::uint32_t> recent;
    Folder* f = folder(name);
    if (!f) return recent;
    for (auto& m : f->messages)
        if (m.flags.erase("\\Recent")) recent.insert(m.uid);
    return recent;
}

}  // namespace mailsim::imap
