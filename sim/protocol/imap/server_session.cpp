// server_session.cpp — the IMAP server's core: reading commands, the
// command table, states, responses, login (LOGIN, AUTHENTICATE PLAIN) and
// IDLE. The folder commands are in server_mailbox.cpp, the message
// commands in server_messages.cpp.
#include "protocol/imap/server_session.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/printable.hpp"
#include "protocol/sasl.hpp"

namespace mailsim::imap {

namespace {

using State = ImapServerSession::State;
constexpr unsigned bit(State s) { return 1u << static_cast<unsigned>(s); }
constexpr unsigned kNotAuth = bit(State::NotAuthenticated);
constexpr unsigned kAuth = bit(State::Authenticated);
constexpr unsigned kSel = bit(State::Selected);
constexpr unsigned kAny = kNotAuth | kAuth | kSel;

// tag = 1*<any ASTRING-CHAR except "+">
std::optional<std::string> read_tag(std::string_view text) {
    size_t end = 0;
    while (end < text.size() && (is_atom_char(text[end]) || text[end] == ']') && text[end] != '+') ++end;
    if (end == 0 || (end < text.size() && text[end] != ' ')) return std::nullopt;
    return std::string(text.substr(0, end));
}

}  // namespace

const ImapServerSession::CommandRow ImapServerSession::kCommands[] = {
    {"CAPABILITY", &ImapServerSession::on_capability, kAny},
    {"STARTTLS", &ImapServerSession::on_starttls, kNotAuth},
    {"ID", &ImapServerSession::on_id, kAny},
    {"NAMESPACE", &ImapServerSession::on_namespace, kAuth | kSel},
    {"NOOP", &ImapServerSession::on_noop, kAny},
    {"LOGOUT", &ImapServerSession::on_logout, kAny},
    {"LOGIN", &ImapServerSession::on_login, kNotAuth},
    {"AUTHENTICATE", &ImapServerSession::on_authenticate, kNotAuth},
    {"SELECT", &ImapServerSession::on_select, kAuth | kSel},
    {"EXAMINE", &ImapServerSession::on_select, kAuth | kSel},
    {"CREATE", &ImapServerSession::on_create, kAuth | kSel},
    {"DELETE", &ImapServerSession::on_delete, kAuth | kSel},
    {"RENAME", &ImapServerSession::on_rename, kAuth | kSel},
    {"SUBSCRIBE", &ImapServerSession::on_subscribe, kAuth | kSel},
    {"UNSUBSCRIBE", &ImapServerSession::on_subscribe, kAuth | kSel},
    {"LIST", &ImapServerSession::on_list, kAuth | kSel},
    {"LSUB", &ImapServerSession::on_list, kAuth | kSel},
    {"STATUS", &ImapServerSession::on_status, kAuth | kSel},
    {"APPEND", &ImapServerSession::on_append, kAuth | kSel},
    {"IDLE", &ImapServerSession::on_idle, kAuth | kSel},
    {"CHECK", &ImapServerSession::on_check, kSel},
    {"CLOSE", &ImapServerSession::on_close, kSel},
    {"EXPUNGE", &ImapServerSession::on_expunge, kSel},
    {"SEARCH", &ImapServerSession::on_search, kSel},
    {"FETCH", &ImapServerSession::on_fetch, kSel},
    {"STORE", &ImapServerSession::on_store, kSel},
    {"COPY", &ImapServerSession::on_copy, kSel},
    {"UID", &ImapServerSession::on_uid, kSel},
};

std::string_view ImapServerSession::state_name(State s) {
    static constexpr std::string_view names[] = {"NotAuthenticated", "Authenticated", "Selected", "Logout"};
    static_assert(std::size(names) == static_cast<size_t>(State::Logout) + 1);
    return names[static_cast<size_t>(s)];
}

ImapServerSession::ImapServerSession(ImapSettings settings, ImapBackend& backend)
    : settings_(std::move(settings)), backend_(backend),
      reader_(settings_.command_line_limit, settings_.literal_limit) {}

void ImapServerSession::set_state(State s) { outbox_.change_state(state_, s); }

void ImapServerSession::emit(std::string bytes, std::string_view verb, std::string_view key) {
    outbox_.send({std::move(bytes), verb, key});
}

// response-tagged = tag SP resp-cond-state CRLF
// resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text
void ImapServerSession::tagged(const std::string& tag, std::string_view status, std::string_view text,
                               std::string_view key) {
    // New mail (and, outside FETCH/STORE/SEARCH, removed mail) is told before the command completes.
    if (state_ == State::Selected && !idling_) report_changes(allow_expunge_);
    if (key.empty()) key = status == "OK" ? "imap.reply.OK" : status == "NO" ? "imap.reply.NO" : "imap.reply.BAD";
    std::string_view verb = status == "OK" ? "OK" : status == "NO" ? "NO" : "BAD";
    // The text may quote the client (an unknown verb): none of its control bytes go back.
    emit(fmt::format("{} {} {}\r\n", tag, verb, without_controls(text)), verb, key);
}

// response-data = "*" SP (resp-cond-state / resp-cond-bye / mailbox-data / message-data / capability-data) CRLF
void ImapServerSession::untagged(std::string_view verb, std::string_view key, std::string_view line) {
    emit(fmt::format("* {}\r\n", line), verb, key);
}

void ImapServerSession::bad_syntax(const std::string& tag, std::string_view verb, std::string_view why) {
    tagged(tag, "BAD", fmt::format("{} syntax error: {}", verb, why));
}

std::string ImapServerSession::capabilities() const {
    if (settings_.starttls && !settings_.tls_active && state_ == State::NotAuthenticated)
        return "IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN IDLE ID NAMESPACE STARTTLS";
    return "IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN IDLE ID NAMESPACE";
}

void ImapServerSession::start() {
    if (auto o = backend_.override_for("CONNECT", "")) {
        if (istarts_with(*o, "BYE")) {
            untagged("BYE", "imap.reply.BYE", *o);
            close_ = true;
            set_state(State::Logout);
            return;
        }
        untagged("OK", "imap.reply.greeting", istarts_with(*o, "OK") ? *o : "OK " + *o);
        return;
    }
    if (!settings_.preauth_user.empty() && login(settings_.preauth_user, {})) {
        untagged("PREAUTH", "imap.reply.PREAUTH",
                 fmt::format("PREAUTH [CAPABILITY {}] {} logged in as {}", capabilities(), settings_.hostname, user_));
        return;
    }
    untagged("OK", "imap.reply.greeting",
             fmt::format("OK [CAPABILITY {}] {} IMAP4rev1 server ready", capabilities(), settings_.hostname));
}

void ImapServerSession::receive(std::string_view bytes) {
    if (close_) return;
    reader_.feed(bytes);
    while (!close_) {
        auto item = reader_.next();
        if (!item) break;
        switch (item->kind) {
            case CommandReader::Item::Kind::command:
                if (idling_) on_idle_line(item->text);
                else if (!auth_tag_.empty()) on_auth_response(item->text);
                else on_command(item->text);
                break;
            case CommandReader::Item::Kind::literal_wanted: on_literal_wanted(*item); break;
            case CommandReader::Item::Kind::too_long:
            case CommandReader::Item::Kind::too_large: on_refused(*item); break;
        }
    }
}

void ImapServerSession::notify_changes() {
    if (idling_ && state_ == State::Selected) report_changes(true);
}

const ImapServerSession::CommandRow* ImapServerSession::find(std::string_view verb) const {
    for (const auto& r : kCommands)
        if (iequals(r.verb, verb)) return &r;
    return nullptr;
}

// A synchronizing literal is coming: "+" if the command may go on, else BAD
// now, so the client need not send octets that would be thrown away.
void ImapServerSession::on_literal_wanted(const CommandReader::Item& item) {
    auto tag = read_tag(item.text);
    std::string verb = tag ? to_upper(Args(item.text, tag->size() + 1).take_until(" ")) : std::string{};
    const CommandRow* row = find(verb);
    if (idling_ || !auth_tag_.empty() || !tag || !row || !(row->states & bit(state_))) {
        reader_.refuse_literal();
        if (tag) tagged(*tag, "BAD", "literal refused: the command cannot go on here");
        else untagged("BAD", "imap.reply.BAD", "BAD literal refused: no tag");
        return;
    }
    emit("+ Ready for literal data\r\n", "+", "imap.reply.continue");
}

void ImapServerSession::on_refused(const CommandReader::Item& item) {
    bool too_long = item.kind == CommandReader::Item::Kind::too_long;
    std::string why = too_long
                          ? fmt::format("line too long (at most {} octets)", settings_.command_line_limit)
                          : fmt::format("literal refused: at most {} octets", settings_.literal_limit);
    if (idling_) {  // IDLE ends on any line; this one was not DONE
        idling_ = false;
        outbox_.report({SessionEvent::Type::idle_end, state_, state_, {}});
        tagged(idle_tag_, "BAD", "expected DONE: " + why);
        return;
    }
    if (!auth_tag_.empty()) {
        std::string tag = std::move(auth_tag_);
        auth_tag_.clear();
        tagged(tag, "BAD", "AUTHENTICATE response " + why);
        return;
    }
    if (auto tag = read_tag(item.text)) tagged(*tag, "BAD", why);
    else untagged("BAD", "imap.reply.BAD", "BAD " + why);
}

// command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF
void ImapServerSession::on_command(const std::string& text) {
    if (text.empty()) return untagged("BAD", "imap.reply.BAD", "BAD empty command line");
    auto tag = read_tag(text);
    if (!tag) return untagged("BAD", "imap.reply.BAD", "BAD a command must begin with a tag, such as A001");
    Args a(text, tag->size());
    if (!a.space() || a.done()) return tagged(*tag, "BAD", "a command must follow the tag");
    std::string verb = to_upper(a.take_until(" "));
    const CommandRow* row = find(verb);
    if (!row) return tagged(*tag, "BAD", fmt::format("unknown command: {}", verb.substr(0, 20)));
    if (!(row->states & bit(state_)))
        return tagged(*tag, "BAD", fmt::format("{} is not allowed in the {} state", verb, state_name(state_)));
    Command c{*tag, verb, Args(text, a.pos()), false};
    if (!c.args.done() && !c.args.space()) return bad_syntax(*tag, verb, "a space must follow the command");
    if (auto o = backend_.override_for(verb, c.args.rest())) {
        if (istarts_with(*o, "BYE")) {
            untagged("BYE", "imap.reply.BYE", *o);
            close_ = true;
            return set_state(State::Logout);
        }
        if (istarts_with(*o, "NO") || istarts_with(*o, "BAD")) {
            bool no = istarts_with(*o, "NO");
            std::string_view rest = std::string_view(*o).substr(no ? 2 : 3);
            if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
            return tagged(*tag, no ? "NO" : "BAD", rest);
        }
    }
    allow_expunge_ = !(verb == "FETCH" || verb == "STORE" || verb == "SEARCH" || verb == "UID");
    (this->*(row->handler))(c);
    allow_expunge_ = true;
}

bool ImapServerSession::login(const std::string& user, const std::string& password) {
    if (settings_.preauth_user != user && !backend_.check_login(user, password)) return false;
    MailStore* store = backend_.store(user);
    if (!store) return false;
    user_ = user;
    store_ = store;
    set_state(State::Authenticated);
    return true;
}

void ImapServerSession::on_capability(Command& c) {
    untagged("CAPABILITY", "imap.data.CAPABILITY", "CAPABILITY " + capabilities());
    tagged(c.tag, "OK", "CAPABILITY completed");
}

// starttls = "STARTTLS"   (RFC 3501 §6.2.1)
void ImapServerSession::on_starttls(Command& c) {
    if (!c.args.done()) return bad_syntax(c.tag, "STARTTLS", "STARTTLS takes no argument");
    if (settings_.tls_active) return tagged(c.tag, "BAD", "TLS already active");
    if (!settings_.starttls) return tagged(c.tag, "BAD", "STARTTLS is not offered here");
    tagged(c.tag, "OK", "Begin TLS negotiation now");
    // Nothing sent before the handshake counts (no plaintext injection).
    reader_ = CommandReader(settings_.command_line_limit, settings_.literal_limit);
    settings_.tls_active = true;
}

// id = "ID" SP id-params-list   (RFC 2971 §3.1): the client says who it is; the server answers in kind
void ImapServerSession::on_id(Command& c) {
    untagged("ID", "imap.data.ID", "ID (\"name\" \"mailsim\" \"vendor\" \"mailsim\" \"support-url\" NIL)");
    tagged(c.tag, "OK", "ID completed");
}

// namespace = "NAMESPACE"   (RFC 2342 §5): personal folders at the root, "/" between levels, no others
void ImapServerSession::on_namespace(Command& c) {
    if (!c.args.done()) return bad_syntax(c.tag, "NAMESPACE", "NAMESPACE takes no argument");
    untagged("NAMESPACE", "imap.data.NAMESPACE", "NAMESPACE ((\"\" \"/\")) NIL NIL");
    tagged(c.tag, "OK", "NAMESPACE completed");
}

void ImapServerSession::on_noop(Command& c) { tagged(c.tag, "OK", "NOOP completed"); }

void ImapServerSession::on_logout(Command& c) {
    untagged("BYE", "imap.reply.BYE", fmt::format("BYE {} IMAP4rev1 server logging out", settings_.hostname));
    set_state(State::Logout);
    tagged(c.tag, "OK", "LOGOUT completed");
    close_ = true;
}

// login = "LOGIN" SP userid SP password       userid = astring, password = astring
void ImapServerSession::on_login(Command& c) {
    auto user = c.args.astring();
    auto password = user && c.args.space() ? c.args.astring() : std::nullopt;
    if (!password || !c.args.done()) return bad_syntax(c.tag, "LOGIN", "LOGIN user-name password");
    if (!login(*user, *password)) return tagged(c.tag, "NO", "LOGIN failed: invalid user name or password");
    tagged(c.tag, "OK", fmt::format("[CAPABILITY {}] LOGIN completed, logged in as {}", capabilities(), user_),
           "imap.code.CAPABILITY");
}

// authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")] *(CRLF base64)   (RFC 4959)
void ImapServerSession::on_authenticate(Command& c) {
    auto mech = c.args.atom();
    if (!mech) return bad_syntax(c.tag, "AUTHENTICATE", "AUTHENTICATE mechanism [initial-response]");
    if (!iequals(*mech, "PLAIN"))  // (named back only when it is a name: not a credential sent in its place)
        return tagged(c.tag, "NO", protocol::sasl_mechanism_name(*mech) ? fmt::format("unsupported mechanism {}", *mech)
                                                                         : std::string("unsupported mechanism"));
    if (c.args.space()) {  // SASL-IR: the response comes with the command
        auth_tag_ = c.tag;
        return on_auth_response(std::string(c.args.rest()));
    }
    if (!c.args.done()) return bad_syntax(c.tag, "AUTHENTICATE", "AUTHENTICATE mechanism [initial-response]");
    auth_tag_ = c.tag;
    emit("+ \r\n", "+", "imap.reply.continue");  // PLAIN's challenge is empty
}

// RFC 4616: message = [authzid] UTF8NUL authcid UTF8NUL passwd, in base64; "*" cancels.
void ImapServerSession::on_auth_response(const std::string& text) {
    std::string tag = std::move(auth_tag_);
    auth_tag_.clear();
    if (text == "*") return tagged(tag, "BAD", "AUTHENTICATE cancelled");
    const protocol::SaslPlain p = protocol::decode_sasl_plain(text == "=" ? std::string_view{} : std::string_view(text));
    if (!p.base64) return tagged(tag, "BAD", "AUTHENTICATE: the response is not valid base64");
    if (!p.whole) return tagged(tag, "BAD", "AUTHENTICATE PLAIN: authzid NUL authcid NUL password");
    if ((!p.authzid.empty() && p.authzid != p.authcid) || !login(p.authcid, p.password))
        return tagged(tag, "NO", "AUTHENTICATE failed: invalid user name or password");
    tagged(tag, "OK", fmt::format("[CAPABILITY {}] AUTHENTICATE completed, logged in as {}", capabilities(), user_),
           "imap.code.CAPABILITY");
}

// idle = "IDLE" CRLF "DONE"    (RFC 2177 §3)
void ImapServerSession::on_idle(Command& c) {
    if (!c.args.done()) return bad_syntax(c.tag, "IDLE", "IDLE takes no arguments");
    if (state_ == State::Selected) report_changes(true);
    idling_ = true;
    idle_tag_ = c.tag;
    outbox_.report({SessionEvent::Type::idle_begin, state_, state_, selected_});
    emit("+ idling\r\n", "+", "imap.reply.continue");
}

void ImapServerSession::on_idle_line(const std::string& text) {
    idling_ = false;
    outbox_.report({SessionEvent::Type::idle_end, state_, state_, selected_});
    if (!iequals(text, "DONE")) return tagged(idle_tag_, "BAD", "expected DONE to end IDLE");
    tagged(idle_tag_, "OK", "IDLE terminated");
}

}  // namespace mailsim::imap
