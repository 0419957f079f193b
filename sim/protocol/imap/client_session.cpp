// client_session.cpp — the user agent's IMAP conversation; see client_session.hpp.
#include "protocol/imap/client_session.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "codec/base64.hpp"
#include "core/ascii.hpp"
#include "protocol/catalog.hpp"
#include "protocol/imap/mail_store.hpp"

namespace mailsim::imap {

namespace {

std::string crlf_lines(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
        out += s[i];
    }
    return out;
}

// An explicit command → what to send first and after each "+":
// "APPEND INBOX {text}" → {"APPEND INBOX {4}", "text"}.
std::vector<std::string> split_literals(std::string_view command) {
    std::vector<std::string> pieces{""};
    size_t pos = 0;
    while (pos < command.size()) {
        size_t open = command.find('{', pos);
        size_t close = open == std::string_view::npos ? open : command.find('}', open + 1);
        if (close == std::string_view::npos) {
            pieces.back() += command.substr(pos);
            break;
        }
        std::string content = crlf_lines(command.substr(open + 1, close - open - 1));
        pieces.back() += fmt::format("{}{{{}}}", command.substr(pos, open - pos), content.size());
        pieces.push_back(std::move(content));
        pos = close + 1;
    }
    return pieces;
}

// body = "(" (body-type-1part / body-type-mpart) ")": the number of the first text/plain part.
std::optional<std::string> first_text_plain(const Value& body, const std::string& prefix) {
    if (!body.is_list() || body.items.empty()) return std::nullopt;
    if (body.items[0].is_list()) {  // multipart: 1*body SP media-subtype
        for (size_t i = 0; i < body.items.size() && body.items[i].is_list(); ++i) {
            std::string n = prefix.empty() ? std::to_string(i + 1) : prefix + "." + std::to_string(i + 1);
            if (auto found = first_text_plain(body.items[i], n)) return found;
        }
        return std::nullopt;
    }
    if (body.items.size() >= 2 && iequals(body.items[0].text, "TEXT") && iequals(body.items[1].text, "PLAIN"))
        return prefix.empty() ? std::string("1") : prefix;
    return std::nullopt;
}

std::optional<std::uint32_t> to_number(std::string_view s) {
    std::uint32_t n = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
    return n;
}

std::string uid_set(const std::vector<std::uint32_t>& uids) {
    std::string s;
    for (auto u : uids) s += (s.empty() ? "" : ",") + std::to_string(u);
    return s;
}

}  // namespace

std::string_view ImapClientSession::state_name(State s) {
    static constexpr std::string_view names[] = {"NotAuthenticated", "Authenticated", "Selected",
                                                 "Idle",             "Logout",        "Done"};
    static_assert(std::size(names) == static_cast<size_t>(State::Done) + 1);
    return names[static_cast<size_t>(s)];
}

ImapClientSession::ImapClientSession(ImapClientSettings settings)
    : settings_(std::move(settings)), reader_(1 << 20, 64u << 20) {}

void ImapClientSession::set_state(State s) { outbox_.change_state(state_, s); }

void ImapClientSession::send(Step step, std::string command) { send_pieces(step, {std::move(command)}); }

// The first piece goes now, tagged; the others each after a "+" continuation.
void ImapClientSession::send_pieces(Step step, std::vector<std::string> pieces) {
    step_ = step;
    tag_ = fmt::format("A{:03}", ++tag_counter_);
    verb_ = to_upper(std::string_view(pieces[0]).substr(0, pieces[0].find(' ')));
    const catalog::CommandRow* row = catalog::find_command("imap", verb_);
    protocol::Outgoing o;
    o.bytes = fmt::format("{} {}\r\n", tag_, pieces[0]);
    o.verb = row ? row->verb : std::string_view{};
    o.key = row ? row->key : std::string_view("imap.cmd.other");
    outbox_.send(std::move(o));
    pieces_.assign(pieces.begin() + 1, pieces.end());
}

void ImapClientSession::receive(std::string_view bytes) {
    if (state_ == State::Done) return;
    reader_.feed(bytes);
    while (state_ != State::Done) {
        auto item = reader_.next();
        if (!item) break;
        if (item->kind == CommandReader::Item::Kind::command) on_response(item->text);
        else if (item->kind != CommandReader::Item::Kind::literal_wanted)
            logout(false, "a response from the server was too large");
    }
}

// response = *(continue-req / response-data) response-done
void ImapClientSession::on_response(const std::string& text) {
    if (text.rfind("+", 0) == 0) return on_continue();
    if (text.rfind("* ", 0) == 0) return on_untagged(std::string_view(text).substr(2));
    size_t sp = text.find(' ');
    if (sp == std::string::npos || text.substr(0, sp) != tag_) return;  // not ours: ignore
    std::string_view rest = std::string_view(text).substr(sp + 1);
    std::string status = to_upper(rest.substr(0, rest.find(' ')));
    std::string_view why = rest.find(' ') == std::string_view::npos ? std::string_view{} : rest.substr(rest.find(' ') + 1);
    tag_.clear();
    on_tagged(status == "OK", why);
}

// continue-req = "+" SP (resp-text / base64) CRLF
void ImapClientSession::on_continue() {
    if (!pieces_.empty()) {  // the server is ready for a literal
        // Its octets, then the command's text up to the next literal (or the end).
        protocol::Outgoing o;
        o.bytes = std::move(pieces_.front());
        pieces_.pop_front();
        if (pieces_.empty()) o.bytes += "\r\n";
        o.key = "imap.literal";
        outbox_.send(std::move(o));
        return;
    }
    if (verb_ == "AUTHENTICATE") {
        std::string plain = std::string(1, '\0') + settings_.user + '\0' + settings_.password;
        outbox_.send({codec::base64_encode(plain, false) + "\r\n", {}, "imap.auth.response"});
        return;
    }
    if (verb_ == "IDLE") {
        idle_from_ = state_;
        set_state(State::Idle);
        if (stop_idle_) stop_idle();  // asked to stop before the server was ready
    }
}

void ImapClientSession::peer_closed() {
    if (state_ == State::Done) return;
    bool clean = state_ == State::Logout && step_ == Step::logout;
    finish(clean, clean ? std::string{} : "the connection closed before the session ended");
}

void ImapClientSession::stop_idle() {
    stop_idle_ = true;
    if (state_ != State::Idle || done_sent_) return;
    done_sent_ = true;
    outbox_.send({"DONE\r\n", "DONE", "imap.cmd.DONE"});
}

void ImapClientSession::on_untagged(std::string_view text) {
    Args a(text);
    if (auto n = a.number()) {  // message-data / mailbox-data with a number
        if (!a.space()) return;
        std::string what = to_upper(a.take_until(" "));
        if (what == "FETCH" && a.space()) return on_fetch_data(*n, a.rest());
        if (what == "EXISTS") exists_ = *n;
        if (what == "EXISTS" && state_ == State::Idle) {
            SessionEvent e;
            e.type = SessionEvent::Type::idle_notice;
            e.from = e.to = state_;
            e.exists = *n;
            outbox_.report(std::move(e));
            if (settings_.commands.empty() && !new_mail_) {  // the plan: leave IDLE and fetch
                new_mail_ = true;
                if (!done_sent_) {
                    done_sent_ = true;
                    outbox_.send({"DONE\r\n", "DONE", "imap.cmd.DONE"});
                }
            }
        }
        return;
    }
    std::string word = to_upper(a.take_until(" "));
    a.space();
    if (word == "BYE" && state_ != State::Logout) {
        finish(false, fmt::format("the server closed the session: {}", a.rest().substr(0, 200)));
        return;
    }
    if (word == "OK" && istarts_with(a.rest(), "[UIDVALIDITY ")) {
        Args code(a.rest(), 13);
        if (auto v = code.number()) uidvalidity_ = *v;
    }
    if (word == "PREAUTH" && step_ == Step::greeting) {
        set_state(State::Authenticated);
        on_step_done(true, a.rest());
        return;
    }
    if (word == "OK" && step_ == Step::greeting) return on_step_done(true, a.rest());
    if ((word == "NO" || word == "BAD") && step_ == Step::greeting) return on_step_done(false, a.rest());
    // capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev1" *(SP capability)
    if (word == "CAPABILITY" && step_ == Step::capability) {
        while (!a.done()) {
            if (iequals(a.take_until(" "), "LOGINDISABLED")) login_disabled_ = true;
            a.space();
        }
    }
    if (word == "SEARCH" && step_ == Step::search) {
        while (!a.done()) {
            auto uid = a.number();
            if (!uid) break;
            if (!settings_.seen_uids.count(*uid)) todo_.push_back(*uid);
            a.space();
        }
    }
    if (word == "LIST" && step_ == Step::list) {
        auto attrs = read_value(a);
        auto delim = attrs && a.space() ? read_value(a) : std::nullopt;
        auto name = delim && a.space() ? read_value(a) : std::nullopt;
        bool noselect = false;
        if (attrs)
            for (const auto& f : attrs->items) noselect = noselect || iequals(f.text, "\\Noselect");
        if (name && MailStore::canonical(name->text) == MailStore::canonical(settings_.file_into) && !noselect)
            folder_listed_ = true;
    }
}

// message-data = nz-number SP "FETCH" SP msg-att     msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP ...) ")"
void ImapClientSession::on_fetch_data(std::uint32_t, std::string_view text) {
    Args a(text);
    auto list = read_value(a);
    if (!list || !list->is_list()) return;
    std::uint32_t uid = 0;
    const Value* structure = nullptr;
    std::vector<std::pair<std::string, const Value*>> sections;
    for (size_t i = 0; i + 1 < list->items.size(); i += 2) {
        std::string name = to_upper(list->items[i].text);
        const Value& v = list->items[i + 1];
        if (name == "UID") uid = to_number(v.text).value_or(0);
        else if (name == "RFC822.SIZE") size_ = to_number(v.text).value_or(0);
        else if (name == "BODYSTRUCTURE") structure = &v;
        else if (name.rfind("BODY[", 0) == 0 || name == "RFC822" || name == "RFC822.TEXT" || name == "RFC822.HEADER")
            sections.emplace_back(name, &v);
    }
    if (step_ == Step::fetch_sizes && uid) sizes_.emplace_back(uid, size_);
    if (structure && step_ == Step::fetch_meta) part_ = first_text_plain(*structure, "").value_or("1");
    for (const auto& [name, v] : sections) {
        SessionEvent e;
        e.type = SessionEvent::Type::fetched;
        e.from = e.to = state_;
        e.uid = uid;
        e.folder = settings_.folder;
        if (name.rfind("BODY[", 0) == 0) e.section = name.substr(5, name.find(']') - 5);
        else if (name == "RFC822.TEXT") e.section = "TEXT";
        else if (name == "RFC822.HEADER") e.section = "HEADER";
        e.content = v->text;
        e.octets = e.content.size();
        e.size = size_;
        outbox_.report(std::move(e));
    }
}

void ImapClientSession::on_tagged(bool ok, std::string_view text) {
    if (!settings_.commands.empty() && step_ == Step::explicit_command) {
        // Explicit commands: follow the states, go on whatever the answer.
        if (ok && (verb_ == "LOGIN" || verb_ == "AUTHENTICATE")) set_state(State::Authenticated);
        if (verb_ == "SELECT" || verb_ == "EXAMINE") set_state(ok ? State::Selected : State::Authenticated);
        if (ok && verb_ == "CLOSE") set_state(State::Authenticated);
        if (verb_ == "IDLE" && state_ == State::Idle) set_state(idle_from_);
        if (!ok) error_ = std::string(text);
        return next_explicit();
    }
    on_step_done(ok, text);
}

void ImapClientSession::on_step_done(bool ok, std::string_view text) {
    switch (step_) {
        case Step::greeting:
            if (!ok) return finish(false, fmt::format("the server refused the connection: {}", text));
            if (!settings_.commands.empty()) return next_explicit();
            if (settings_.survey) return send(Step::capability, "CAPABILITY");
            if (state_ == State::Authenticated) return after_login();
            return log_in();
        case Step::capability:
            if (!ok) return logout(false, fmt::format("CAPABILITY failed: {}", text));
            if (state_ == State::Authenticated) return after_login();
            return log_in();
        case Step::login:
        case Step::authenticate:
            if (!ok) return logout(false, fmt::format("login failed: {}", text));
            set_state(State::Authenticated);
            return after_login();
        case Step::list_all:
            return send(Step::select, "SELECT " + astring_out(settings_.folder));
        case Step::select:
            if (!ok) return logout(false, fmt::format("SELECT {} failed: {}", settings_.folder, text));
            set_state(State::Selected);
            todo_.clear();
            if (settings_.survey) {
                sizes_.clear();
                if (exists_ == 0) return logout(true, {});  // nothing to fetch
                return send(Step::fetch_sizes, "UID FETCH 1:* (FLAGS RFC822.SIZE)");
            }
            if (settings_.uidvalidity && uidvalidity_ != settings_.uidvalidity) settings_.seen_uids.clear();  // stale
            settings_.uidvalidity = uidvalidity_;
            return send(Step::search, "UID SEARCH ALL");
        case Step::fetch_sizes:
            if (!ok) return logout(false, fmt::format("UID FETCH failed: {}", text));
            std::sort(sizes_.begin(), sizes_.end());
            for (const auto& entry : sizes_)
                if (!settings_.max_messages || todo_.size() < settings_.max_messages) todo_.push_back(entry.first);
            return next_message();
        case Step::search:
            if (!ok) return logout(false, fmt::format("SEARCH failed: {}", text));
            return next_message();
        case Step::fetch_meta:
            if (!ok) {
                todo_.erase(todo_.begin());
                return next_message();
            }
            return send(Step::fetch_body, fmt::format("UID FETCH {} (UID BODY.PEEK[{}])", todo_.front(), part_));
        case Step::fetch_body:
            if (ok) {
                settings_.seen_uids.insert(todo_.front());
                fetched_.push_back(todo_.front());
                if (settings_.partial)
                    return send(Step::store_seen, fmt::format("UID STORE {} +FLAGS.SILENT (\\Seen)", todo_.front()));
            }
            todo_.erase(todo_.begin());
            return next_message();
        case Step::store_seen:
            todo_.erase(todo_.begin());
            return next_message();
        case Step::list:
            if (folder_listed_) return send(Step::copy, fmt::format("UID COPY {} {}", uid_set(fetched_), astring_out(settings_.file_into)));
            return send(Step::create, "CREATE " + astring_out(settings_.file_into));
        case Step::create:
            if (!ok) return logout(false, fmt::format("CREATE {} failed: {}", settings_.file_into, text));
            return send(Step::copy, fmt::format("UID COPY {} {}", uid_set(fetched_), astring_out(settings_.file_into)));
        case Step::copy:
            if (!ok) return logout(false, fmt::format("COPY to {} failed: {}", settings_.file_into, text));
            return send(Step::store_deleted, fmt::format("UID STORE {} +FLAGS.SILENT (\\Deleted)", uid_set(fetched_)));
        case Step::store_deleted:
            if (!ok) return logout(false, fmt::format("STORE \\Deleted failed: {}", text));
            return send(Step::expunge, "EXPUNGE");
        case Step::expunge:
            fetched_.clear();
            return idle_or_logout();
        case Step::idle:
            if (state_ == State::Idle) set_state(idle_from_);
            done_sent_ = false;
            if (new_mail_ && !stop_idle_) {  // fetch what arrived, then idle again
                new_mail_ = false;
                todo_.clear();
                return send(Step::search, "UID SEARCH ALL");
            }
            return logout(ok, ok ? std::string{} : fmt::format("IDLE failed: {}", text));
        case Step::logout: return finish(!failed_, error_);
        case Step::explicit_command: return next_explicit();
    }
}

// login = "LOGIN" SP userid SP password; AUTHENTICATE PLAIN where LOGIN is disabled (RFC 3501 §6.2.3)
void ImapClientSession::log_in() {
    if (settings_.auth == ImapAuth::login && !login_disabled_)
        return send(Step::login, fmt::format("LOGIN {} {}", astring_out(settings_.user), astring_out(settings_.password)));
    if (settings_.auth == ImapAuth::plain_ir)
        return send(Step::authenticate,
                    "AUTHENTICATE PLAIN " +
                        codec::base64_encode(std::string(1, '\0') + settings_.user + '\0' + settings_.password, false));
    send(Step::authenticate, "AUTHENTICATE PLAIN");
}

void ImapClientSession::after_login() {
    if (settings_.survey) return send(Step::list_all, "LIST \"\" \"*\"");
    send(Step::select, "SELECT " + astring_out(settings_.folder));
}

void ImapClientSession::next_message() {
    if (todo_.empty()) return after_messages();
    size_ = 0;
    part_ = "1";  // if BODYSTRUCTURE cannot be read: the first part
    if (settings_.survey) {
        for (const auto& [uid, size] : sizes_)
            if (uid == todo_.front()) size_ = size;
        return send(Step::fetch_body, fmt::format("UID FETCH {} BODY.PEEK[]", todo_.front()));
    }
    if (settings_.partial)
        return send(Step::fetch_meta, fmt::format("UID FETCH {} (UID RFC822.SIZE ENVELOPE BODYSTRUCTURE)", todo_.front()));
    send(Step::fetch_body, fmt::format("UID FETCH {} (UID RFC822.SIZE BODY.PEEK[])", todo_.front()));
}

void ImapClientSession::after_messages() {
    if (!settings_.file_into.empty() && !fetched_.empty()) {
        folder_listed_ = false;
        return send(Step::list, "LIST \"\" " + astring_out(settings_.file_into));
    }
    fetched_.clear();
    idle_or_logout();
}

void ImapClientSession::idle_or_logout() {
    if (settings_.idle && !stop_idle_) {
        new_mail_ = false;
        done_sent_ = false;
        return send(Step::idle, "IDLE");
    }
    logout(true, {});
}

void ImapClientSession::next_explicit() {
    while (next_command_ < settings_.commands.size()) {
        const std::string& c = settings_.commands[next_command_++];
        if (iequals(c, "DONE")) continue;  // stop_idle() sends DONE
        if (istarts_with(c, "LOGOUT")) set_state(State::Logout);
        if (iequals(c, "IDLE")) {
            done_sent_ = false;
            new_mail_ = false;
        }
        return send_pieces(Step::explicit_command, split_literals(c));
    }
    if (verb_ == "LOGOUT") return finish(!failed_, error_);
    logout(true, {});
}

void ImapClientSession::logout(bool ok, std::string error) {
    if (!ok && !failed_) {
        failed_ = true;
        error_ = std::move(error);
    }
    set_state(State::Logout);
    send(Step::logout, "LOGOUT");
}

void ImapClientSession::finish(bool ok, std::string error) {
    set_state(State::Done);
    close_ = true;
    SessionEvent e;
    e.type = SessionEvent::Type::finished;
    e.from = e.to = State::Done;
    e.ok = ok && !failed_;
    e.error = failed_ ? error_ : std::move(error);
    outbox_.report(std::move(e));
}

}  // namespace mailsim::imap
