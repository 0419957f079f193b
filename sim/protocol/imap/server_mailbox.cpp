// server_mailbox.cpp — the IMAP server's folder commands (RFC 3501 §6.3):
// SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST,
// LSUB, STATUS and APPEND, and keeping the selected folder's view in step
// with the store (EXISTS, RECENT, EXPUNGE; §7.3, §7.4).
#include <fmt/format.h>

#include "core/ascii.hpp"
#include "protocol/imap/server_session.hpp"

namespace mailsim::imap {

namespace {

std::string_view why(MailStore::Result r) {
    switch (r) {
        case MailStore::Result::ok: return "done";
        case MailStore::Result::exists: return "a folder with that name exists already";
        case MailStore::Result::no_such_folder: return "no such folder";
        case MailStore::Result::bad_name: return "that folder name is not valid";
        case MailStore::Result::is_inbox: return "INBOX cannot be deleted";
        case MailStore::Result::has_children: return "the folder has subfolders and holds no messages (\\Noselect)";
    }
    return "failed";
}

}  // namespace

Folder* ImapServerSession::selected() {
    return state_ == State::Selected && store_ ? store_->folder(selected_) : nullptr;
}

void ImapServerSession::deselect() {
    selected_.clear();
    view_.clear();
    recent_.clear();
    highest_uid_ = 0;
    expunge_withheld_ = false;
    if (state_ == State::Selected) set_state(State::Authenticated);
}

// Compare the view with the store: messages gone are told as "* n EXPUNGE"
// (when allowed), new ones as "* n EXISTS" and "* n RECENT".
void ImapServerSession::report_changes(bool allow_expunge) {
    if (!store_ || state_ != State::Selected) return;
    if (store_->version() == seen_version_ && !(allow_expunge && expunge_withheld_)) return;
    Folder* f = store_->folder(selected_);
    bool gone = !f || f->uidvalidity != uidvalidity_;  // deleted (or deleted and made again)
    expunge_withheld_ = false;
    for (size_t i = 0; i < view_.size();) {
        if (!gone && f->find(view_[i])) {
            ++i;
            continue;
        }
        if (!allow_expunge) {
            expunge_withheld_ = true;
            ++i;
            continue;
        }
        untagged("EXPUNGE", "imap.data.EXPUNGE", fmt::format("{} EXPUNGE", i + 1));
        recent_.erase(view_[i]);
        view_.erase(view_.begin() + static_cast<std::ptrdiff_t>(i));
    }
    size_t added = 0;
    if (!gone)
        for (auto& m : f->messages) {
            if (m.uid <= highest_uid_) continue;
            view_.push_back(m.uid);
            highest_uid_ = m.uid;
            ++added;
            // A read-write session claims \Recent (§2.3.2: one session sees it).
            if (read_only_ ? m.flags.count("\\Recent") != 0 : m.flags.erase("\\Recent") != 0) recent_.insert(m.uid);
        }
    seen_version_ = store_->version();
    if (added) {
        untagged("EXISTS", "imap.data.EXISTS", fmt::format("{} EXISTS", view_.size()));
        untagged("RECENT", "imap.data.RECENT", fmt::format("{} RECENT", recent_.size()));
    }
}

// select = "SELECT" SP mailbox      examine = "EXAMINE" SP mailbox
void ImapServerSession::on_select(Command& c) {
    bool examine = c.verb == "EXAMINE";
    auto name = c.args.astring();
    if (!name || !c.args.done()) return bad_syntax(c.tag, c.verb, c.verb + " folder");
    deselect();  // §6.3.1: even a failed SELECT leaves no folder selected
    Folder* f = store_->folder(*name);
    if (!f) return tagged(c.tag, "NO", fmt::format("{} failed: no such folder", c.verb));
    if (f->noselect) return tagged(c.tag, "NO", fmt::format("{} failed: {} cannot be selected (\\Noselect)", c.verb, f->name));
    selected_ = f->name;
    read_only_ = examine;
    uidvalidity_ = f->uidvalidity;
    for (auto& m : f->messages) {
        view_.push_back(m.uid);
        if (examine ? m.flags.count("\\Recent") != 0 : m.flags.erase("\\Recent") != 0) recent_.insert(m.uid);
    }
    highest_uid_ = f->uidnext - 1;
    seen_version_ = store_->version();
    std::set<std::string> keywords;
    size_t unseen = 0;
    for (size_t i = 0; i < f->messages.size(); ++i) {
        for (const auto& fl : f->messages[i].flags)
            if (!fl.empty() && fl.front() != '\\') keywords.insert(fl);
        if (!unseen && !f->messages[i].flags.count("\\Seen")) unseen = i + 1;
    }
    std::string flags = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";
    for (const auto& k : keywords) flags += " " + k;
    untagged("FLAGS", "imap.data.FLAGS", fmt::format("FLAGS ({})", flags));
    untagged("EXISTS", "imap.data.EXISTS", fmt::format("{} EXISTS", view_.size()));
    untagged("RECENT", "imap.data.RECENT", fmt::format("{} RECENT", recent_.size()));
    if (unseen)
        untagged("OK", "imap.code.UNSEEN", fmt::format("OK [UNSEEN {}] message {} is the first unseen", unseen, unseen));
    untagged("OK", "imap.code.PERMANENTFLAGS",
             examine ? "OK [PERMANENTFLAGS ()] read-only: no flags can be changed"
                     : fmt::format("OK [PERMANENTFLAGS ({} \\*)] flags that can be changed for good", flags));
    untagged("OK", "imap.code.UIDVALIDITY", fmt::format("OK [UIDVALIDITY {}] UIDs valid", f->uidvalidity));
    untagged("OK", "imap.code.UIDNEXT", fmt::format("OK [UIDNEXT {}] the next UID", f->uidnext));
    set_state(State::Selected);
    outbox_.report({SessionEvent::Type::selected, state_, state_, selected_});
    if (examine) tagged(c.tag, "OK", "[READ-ONLY] EXAMINE completed", "imap.code.READ-ONLY");
    else tagged(c.tag, "OK", "[READ-WRITE] SELECT completed", "imap.code.READ-WRITE");
}

// create = "CREATE" SP mailbox
void ImapServerSession::on_create(Command& c) {
    auto name = c.args.astring();
    if (!name || !c.args.done()) return bad_syntax(c.tag, "CREATE", "CREATE folder");
    if (MailStore::canonical(*name) == "INBOX") return tagged(c.tag, "NO", "CREATE failed: INBOX always exists");
    auto r = store_->create(*name);
    if (r != MailStore::Result::ok) return tagged(c.tag, "NO", fmt::format("CREATE failed: {}", why(r)));
    tagged(c.tag, "OK", "CREATE completed");
}

// delete = "DELETE" SP mailbox
void ImapServerSession::on_delete(Command& c) {
    auto name = c.args.astring();
    if (!name || !c.args.done()) return bad_syntax(c.tag, "DELETE", "DELETE folder");
    auto r = store_->remove(*name);
    if (r != MailStore::Result::ok) return tagged(c.tag, "NO", fmt::format("DELETE failed: {}", why(r)));
    tagged(c.tag, "OK", "DELETE completed");
}

// rename = "RENAME" SP mailbox SP mailbox
void ImapServerSession::on_rename(Command& c) {
    auto from = c.args.astring();
    auto to = from && c.args.space() ? c.args.astring() : std::nullopt;
    if (!to || !c.args.done()) return bad_syntax(c.tag, "RENAME", "RENAME old-name new-name");
    auto r = store_->rename(*from, *to);
    if (r != MailStore::Result::ok) return tagged(c.tag, "NO", fmt::format("RENAME failed: {}", why(r)));
    // The selected folder moved: keep following it under its new name.
    std::string old = MailStore::canonical(*from);
    if (state_ == State::Selected && old != "INBOX" &&
        (selected_ == old || selected_.rfind(old + MailStore::kDelimiter, 0) == 0))
        selected_ = MailStore::canonical(*to) + selected_.substr(old.size());
    tagged(c.tag, "OK", "RENAME completed");
}

// subscribe = "SUBSCRIBE" SP mailbox      unsubscribe = "UNSUBSCRIBE" SP mailbox
void ImapServerSession::on_subscribe(Command& c) {
    auto name = c.args.astring();
    if (!name || !c.args.done()) return bad_syntax(c.tag, c.verb, c.verb + " folder");
    auto r = c.verb == "SUBSCRIBE" ? store_->subscribe(*name) : store_->unsubscribe(*name);
    if (r != MailStore::Result::ok)
        return tagged(c.tag, "NO", fmt::format("{} failed: {}", c.verb, c.verb == "SUBSCRIBE" ? why(r) : "not subscribed"));
    tagged(c.tag, "OK", c.verb + " completed");
}

// list = "LIST" SP mailbox SP list-mailbox      lsub = "LSUB" SP mailbox SP list-mailbox
// mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
void ImapServerSession::on_list(Command& c) {
    bool lsub = c.verb == "LSUB";
    auto reference = c.args.astring();
    auto pattern = reference && c.args.space() ? c.args.list_mailbox() : std::nullopt;
    if (!pattern || !c.args.done()) return bad_syntax(c.tag, c.verb, c.verb + " reference pattern");
    std::string_view verb = lsub ? "LSUB" : "LIST";
    std::string_view key = lsub ? "imap.data.LSUB" : "imap.data.LIST";
    if (pattern->empty() && !lsub) {  // §6.3.8: the delimiter and the root
        untagged(verb, key, "LIST (\\Noselect) \"/\" \"\"");
        return tagged(c.tag, "OK", "LIST completed");
    }
    for (const auto& e : store_->list(*reference, *pattern, lsub)) {
        std::string attrs;
        for (const auto& a : e.attributes) attrs += (attrs.empty() ? "" : " ") + a;
        untagged(verb, key, fmt::format("{} ({}) \"/\" {}", verb, attrs, astring_out(e.name)));
    }
    tagged(c.tag, "OK", c.verb + " completed");
}

// status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
// status-att = "MESSAGES" / "RECENT" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN"
void ImapServerSession::on_status(Command& c) {
    auto name = c.args.astring();
    if (!name || !c.args.space() || !c.args.eat('('))
        return bad_syntax(c.tag, "STATUS", "STATUS folder (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)");
    const Folder* f = store_->folder(*name);
    std::string items;
    while (!c.args.eat(')')) {
        if (!items.empty() && !c.args.space()) return bad_syntax(c.tag, "STATUS", "items are separated by spaces");
        auto att = c.args.atom();
        if (!att) return bad_syntax(c.tag, "STATUS", "a status item is missing");
        std::string up = to_upper(*att);
        size_t count = 0;
        if (f)
            for (const auto& m : f->messages)
                count += up == "RECENT" ? (m.flags.count("\\Recent") || (f->name == selected_ && recent_.count(m.uid)))
                                        : up == "UNSEEN" ? !m.flags.count("\\Seen") : 1;
        if (up == "MESSAGES" || up == "RECENT" || up == "UNSEEN") items += fmt::format("{}{} {}", items.empty() ? "" : " ", up, count);
        else if (up == "UIDNEXT") items += fmt::format("{}UIDNEXT {}", items.empty() ? "" : " ", f ? f->uidnext : 0);
        else if (up == "UIDVALIDITY") items += fmt::format("{}UIDVALIDITY {}", items.empty() ? "" : " ", f ? f->uidvalidity : 0);
        else return bad_syntax(c.tag, "STATUS", fmt::format("unknown status item {}", up.substr(0, 20)));
    }
    if (!c.args.done()) return bad_syntax(c.tag, "STATUS", "unexpected text after the list");
    if (!f || f->noselect) return tagged(c.tag, "NO", "STATUS failed: no such folder");
    untagged("STATUS", "imap.data.STATUS", fmt::format("STATUS {} ({})", astring_out(f->name), items));
    tagged(c.tag, "OK", "STATUS completed");
}

// append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal
void ImapServerSession::on_append(Command& c) {
    auto name = c.args.astring();
    if (!name || !c.args.space()) return bad_syntax(c.tag, "APPEND", "APPEND folder [(flags)] [\"date-time\"] {size}");
    std::set<std::string> flags;
    if (c.args.peek('(')) {
        auto f = read_flags(c.args, true);
        if (!f || !c.args.space()) return bad_syntax(c.tag, "APPEND", "bad flag list");
        flags = std::move(*f);
        flags.erase("\\Recent");
    }
    std::int64_t date = backend_.now();
    if (c.args.peek('"')) {
        auto text = c.args.string();
        auto parsed = text ? parse_date_time(*text) : std::nullopt;
        if (!parsed || !c.args.space()) return bad_syntax(c.tag, "APPEND", "the date is like \"17-Jul-1996 02:44:25 -0700\"");
        date = *parsed;
    }
    if (!c.args.peek('{')) return bad_syntax(c.tag, "APPEND", "the message must be a literal {size}");
    auto content = c.args.string();
    if (!content) return bad_syntax(c.tag, "APPEND", "the message must be a literal {size}");
    if (!c.args.done()) return bad_syntax(c.tag, "APPEND", "unexpected text after the message");
    if (content->empty()) return tagged(c.tag, "NO", "APPEND failed: an empty message");
    const Folder* f = store_->folder(*name);
    if (!f) return tagged(c.tag, "NO", "[TRYCREATE] APPEND failed: no such folder (create it first)", "imap.code.TRYCREATE");
    flags.insert("\\Recent");
    if (!store_->append(*name, std::make_shared<const std::string>(std::move(*content)), std::move(flags), date))
        return tagged(c.tag, "NO", "APPEND failed: the folder cannot hold messages (\\Noselect)");
    tagged(c.tag, "OK", "APPEND completed");
}

}  // namespace mailsim::imap
