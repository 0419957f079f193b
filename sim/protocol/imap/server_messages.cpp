// server_messages.cpp — the IMAP server's commands on the selected folder
// (RFC 3501 §6.4): CHECK, CLOSE, EXPUNGE, SEARCH, FETCH, STORE, COPY and
// their UID forms. Message sequence numbers index the session's view;
// UIDs are the store's.
#include <fmt/format.h>

#include "core/ascii.hpp"
#include "protocol/imap/search.hpp"
#include "protocol/imap/server_session.hpp"

namespace mailsim::imap {

bool ImapServerSession::valid_set(const SequenceSet& set, bool uid) const {
    if (uid) return true;  // UIDs that do not exist are simply not there (§6.4.8)
    for (const auto& r : set)
        if (view_.empty() || r.lo > view_.size() || r.hi > view_.size()) return false;
    return true;
}

std::vector<size_t> ImapServerSession::picked(const SequenceSet& set, bool uid) const {
    std::vector<size_t> out;
    std::uint32_t max_uid = view_.empty() ? 0 : view_.back();
    for (size_t i = 0; i < view_.size(); ++i)
        if (uid ? contains(set, view_[i], max_uid) : contains(set, static_cast<std::uint32_t>(i + 1),
                                                              static_cast<std::uint32_t>(view_.size())))
            out.push_back(i);
    return out;
}

std::set<std::string> ImapServerSession::flags_of(const StoredMessage& m) const {
    std::set<std::string> f = m.flags;
    f.erase("\\Recent");
    if (recent_.count(m.uid)) f.insert("\\Recent");
    return f;
}

void ImapServerSession::on_check(Command& c) { tagged(c.tag, "OK", "CHECK completed"); }

// close = "CLOSE": the \Deleted messages are removed without EXPUNGE responses (§6.4.2)
void ImapServerSession::on_close(Command& c) {
    if (!read_only_) store_->expunge(selected_);
    deselect();
    tagged(c.tag, "OK", "CLOSE completed");
}

// expunge = "EXPUNGE"; message-data = nz-number SP "EXPUNGE"
void ImapServerSession::on_expunge(Command& c) {
    if (read_only_) return tagged(c.tag, "NO", "EXPUNGE failed: the folder was opened read-only (EXAMINE)");
    report_changes(true);  // first bring the view up to date, so the numbers below are right
    for (auto uid : store_->expunge(selected_)) {
        for (size_t i = 0; i < view_.size(); ++i)
            if (view_[i] == uid) {
                untagged("EXPUNGE", "imap.data.EXPUNGE", fmt::format("{} EXPUNGE", i + 1));
                view_.erase(view_.begin() + static_cast<std::ptrdiff_t>(i));
                recent_.erase(uid);
                break;
            }
    }
    seen_version_ = store_->version();
    tagged(c.tag, "OK", "EXPUNGE completed");
}

// search: see search.hpp; mailbox-data = "SEARCH" *(SP nz-number)
void ImapServerSession::on_search(Command& c) {
    std::string error;
    auto key = parse_search(c.args, &error);
    if (!key) return bad_syntax(c.tag, c.uid ? "UID SEARCH" : "SEARCH", error);
    const Folder* f = selected();
    std::string line = "SEARCH";
    SearchTarget t;
    t.max_seq = static_cast<std::uint32_t>(view_.size());
    t.max_uid = view_.empty() ? 0 : view_.back();
    for (size_t i = 0; f && i < view_.size(); ++i) {
        const StoredMessage* m = f->find(view_[i]);
        if (!m) continue;
        t.seq = static_cast<std::uint32_t>(i + 1);
        t.uid = m->uid;
        t.recent = recent_.count(m->uid) != 0;
        t.message = m;
        if (search_matches(*key, t)) line += fmt::format(" {}", c.uid ? m->uid : t.seq);
    }
    untagged("SEARCH", "imap.data.SEARCH", line);
    tagged(c.tag, "OK", c.uid ? "UID SEARCH completed" : "SEARCH completed");
}

// fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")
// message-data = nz-number SP "FETCH" SP msg-att
void ImapServerSession::on_fetch(Command& c) {
    std::string_view verb = c.uid ? "UID FETCH" : "FETCH";
    auto set = parse_sequence_set(c.args.take_until(" "));
    if (!set || !c.args.space()) return bad_syntax(c.tag, verb, "FETCH sequence-set items");
    std::string error;
    auto items = parse_fetch_items(c.args, &error);
    if (!items) return bad_syntax(c.tag, verb, error);
    if (!valid_set(*set, c.uid)) return tagged(c.tag, "BAD", fmt::format("{} failed: no such message number", verb));
    bool has_uid = false, has_flags = false, sets_seen = false;
    for (const auto& it : *items) {
        has_uid = has_uid || it.kind == FetchItem::Kind::uid;
        has_flags = has_flags || it.kind == FetchItem::Kind::flags;
        sets_seen = sets_seen || it.sets_seen();
    }
    // §6.4.8: UID FETCH always tells the UID. §6.4.5: BODY[] sets \Seen, and the new FLAGS are told.
    if (c.uid && !has_uid) items->insert(items->begin(), FetchItem::of(FetchItem::Kind::uid));
    sets_seen = sets_seen && !read_only_;
    Folder* f = selected();
    for (size_t i : picked(*set, c.uid)) {
        StoredMessage* m = f ? f->find(view_[i]) : nullptr;
        if (!m) continue;  // removed meanwhile; its EXPUNGE comes later
        auto its = *items;
        if (sets_seen && !m->flags.count("\\Seen")) {
            m->flags.insert("\\Seen");
            if (!has_flags) its.push_back(FetchItem::of(FetchItem::Kind::flags));
        }
        auto flags = flags_of(*m);
        FetchSource src{m->uid, &flags, m->internaldate, m->content.get()};
        untagged("FETCH", "imap.data.FETCH", fmt::format("{} FETCH {}", i + 1, fetch_data(src, its)));
    }
    tagged(c.tag, "OK", fmt::format("{} completed", verb));
}

// store = "STORE" SP sequence-set SP store-att-flags
// store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
void ImapServerSession::on_store(Command& c) {
    std::string_view verb = c.uid ? "UID STORE" : "STORE";
    auto set = parse_sequence_set(c.args.take_until(" "));
    if (!set || !c.args.space()) return bad_syntax(c.tag, verb, "STORE sequence-set [+|-]FLAGS[.SILENT] (flags)");
    std::string what = to_upper(c.args.take_until(" "));
    char mode = !what.empty() && (what[0] == '+' || what[0] == '-') ? what[0] : '=';
    if (mode != '=') what.erase(0, 1);
    bool silent = what == "FLAGS.SILENT";
    if (!(what == "FLAGS" || silent) || !c.args.space())
        return bad_syntax(c.tag, verb, "FLAGS, +FLAGS or -FLAGS, with .SILENT if no answer is wanted");
    std::set<std::string> flags;
    bool parens = c.args.peek('(');
    for (;;) {
        auto f = read_flags(c.args, false);
        if (!f) return bad_syntax(c.tag, verb, "bad flag list");
        flags.insert(f->begin(), f->end());
        if (parens || c.args.done() || !c.args.space()) break;
    }
    if (!c.args.done()) return bad_syntax(c.tag, verb, "unexpected text after the flags");
    flags.erase("\\Recent");  // §2.3.2: a client cannot set or clear \Recent
    if (read_only_) return tagged(c.tag, "NO", fmt::format("{} failed: the folder was opened read-only (EXAMINE)", verb));
    if (!valid_set(*set, c.uid)) return tagged(c.tag, "BAD", fmt::format("{} failed: no such message number", verb));
    Folder* f = selected();
    for (size_t i : picked(*set, c.uid)) {
        StoredMessage* m = f ? f->find(view_[i]) : nullptr;
        if (!m) continue;
        bool recent = m->flags.count("\\Recent") != 0;
        if (mode == '=') m->flags = flags;
        else if (mode == '+') m->flags.insert(flags.begin(), flags.end());
        else
            for (const auto& fl : flags) m->flags.erase(fl);
        if (recent) m->flags.insert("\\Recent");  // still unclaimed in the store (read-only sessions)
        if (silent) continue;
        std::string uid = c.uid ? fmt::format("UID {} ", m->uid) : std::string{};
        untagged("FETCH", "imap.data.FETCH", fmt::format("{} FETCH ({}FLAGS {})", i + 1, uid, flag_list(flags_of(*m))));
    }
    tagged(c.tag, "OK", fmt::format("{} completed", verb));
}

// copy = "COPY" SP sequence-set SP mailbox
void ImapServerSession::on_copy(Command& c) {
    std::string_view verb = c.uid ? "UID COPY" : "COPY";
    auto set = parse_sequence_set(c.args.take_until(" "));
    auto name = set && c.args.space() ? c.args.astring() : std::nullopt;
    if (!name || !c.args.done()) return bad_syntax(c.tag, verb, "COPY sequence-set folder");
    if (!valid_set(*set, c.uid)) return tagged(c.tag, "BAD", fmt::format("{} failed: no such message number", verb));
    const Folder* target = store_->folder(*name);
    if (!target)
        return tagged(c.tag, "NO", fmt::format("[TRYCREATE] {} failed: no such folder (create it first)", verb),
                      "imap.code.TRYCREATE");
    std::vector<std::uint32_t> uids;
    for (size_t i : picked(*set, c.uid)) uids.push_back(view_[i]);
    if (!store_->copy(selected_, uids, *name))
        return tagged(c.tag, "NO", fmt::format("{} failed: the folder cannot hold messages (\\Noselect)", verb));
    tagged(c.tag, "OK", fmt::format("{} completed", verb));
}

// uid = "UID" SP (copy / fetch / search / store)
void ImapServerSession::on_uid(Command& c) {
    std::string sub = to_upper(c.args.take_until(" "));
    Command inner{c.tag, sub, c.args, true};
    if (!inner.args.space()) return bad_syntax(c.tag, "UID", "UID FETCH, UID STORE, UID COPY or UID SEARCH");
    if (sub == "FETCH") return on_fetch(inner);
    if (sub == "STORE") return on_store(inner);
    if (sub == "COPY") {
        allow_expunge_ = true;  // COPY may report expunges; FETCH, STORE and SEARCH may not
        return on_copy(inner);
    }
    if (sub == "SEARCH") return on_search(inner);
    tagged(c.tag, "BAD", fmt::format("UID {} is not a UID command (FETCH, STORE, COPY, SEARCH)", sub.substr(0, 20)));
}

}  // namespace mailsim::imap
