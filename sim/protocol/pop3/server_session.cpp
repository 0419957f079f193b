// server_session.cpp — RFC 1939's server: one handler per command, reached
// from one table; one state, changed only by set_state().
#include "protocol/pop3/server_session.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "codec/md5.hpp"
#include "core/ascii.hpp"
#include "core/printable.hpp"
#include "protocol/catalog.hpp"

namespace mailsim::pop3 {

namespace {

using State = Pop3ServerSession::State;
constexpr unsigned bit(State s) { return 1u << static_cast<unsigned>(s); }
constexpr unsigned kAuth = bit(State::Authorization);
constexpr unsigned kTrans = bit(State::Transaction);

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

std::optional<size_t> number(std::string_view s) {
    size_t n = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
    return n;
}

}  // namespace

const Pop3ServerSession::CommandRow Pop3ServerSession::kCommands[] = {
    {"USER", &Pop3ServerSession::on_user, kAuth},           {"PASS", &Pop3ServerSession::on_pass, kAuth},
    {"APOP", &Pop3ServerSession::on_apop, kAuth},           {"STAT", &Pop3ServerSession::on_stat, kTrans},
    {"LIST", &Pop3ServerSession::on_list, kTrans},          {"RETR", &Pop3ServerSession::on_retr, kTrans},
    {"DELE", &Pop3ServerSession::on_dele, kTrans},          {"NOOP", &Pop3ServerSession::on_noop, kTrans},
    {"RSET", &Pop3ServerSession::on_rset, kTrans},          {"TOP", &Pop3ServerSession::on_top, kTrans},
    {"UIDL", &Pop3ServerSession::on_uidl, kTrans},          {"QUIT", &Pop3ServerSession::on_quit, kAuth | kTrans},
    {"CAPA", &Pop3ServerSession::on_capa, kAuth | kTrans},
    {"STLS", &Pop3ServerSession::on_stls, kAuth},
};

std::string_view Pop3ServerSession::state_name(State s) {
    static constexpr std::string_view names[] = {"Authorization", "Transaction", "Update", "Closed"};
    static_assert(std::size(names) == static_cast<size_t>(State::Closed) + 1);
    return names[static_cast<size_t>(s)];
}

Pop3ServerSession::Pop3ServerSession(Pop3Settings settings, Pop3Backend& backend)
    : settings_(std::move(settings)), backend_(backend), framer_(settings_.command_line_limit) {}

void Pop3ServerSession::set_state(State s) { outbox_.change_state(state_, s); }

void Pop3ServerSession::ok(std::string_view text) {
    protocol::Outgoing o;
    o.bytes = text.empty() ? std::string("+OK\r\n") : fmt::format("+OK {}\r\n", without_controls(text));
    o.verb = "+OK";
    o.key = "pop3.reply.OK";
    outbox_.send(std::move(o));
}

void Pop3ServerSession::err(std::string_view text) {
    protocol::Outgoing o;
    o.bytes = fmt::format("-ERR {}\r\n", without_controls(text));  // it may quote the client
    o.verb = "-ERR";
    o.key = "pop3.reply.ERR";
    outbox_.send(std::move(o));
}

// "+OK first" CRLF, then the body's lines dot-stuffed, then "." CRLF.
void Pop3ServerSession::multiline(std::string_view first, std::string_view body) {
    protocol::Outgoing o;
    o.bytes = fmt::format("+OK {}\r\n", first);
    o.bytes += protocol::dot_stuff(body);
    o.verb = "+OK";
    o.key = "pop3.reply.OK";
    outbox_.send(std::move(o));
}

void Pop3ServerSession::start() {
    if (auto o = backend_.override_for("CONNECT", "")) {
        outbox_.send({*o + "\r\n", o->rfind("-ERR", 0) == 0 ? "-ERR" : "+OK",
                        o->rfind("-ERR", 0) == 0 ? "pop3.reply.ERR" : "pop3.reply.OK"});
        if (o->rfind("-ERR", 0) == 0) {
            close_ = true;
            set_state(State::Closed);
        }
        return;
    }
    ok(fmt::format("POP3 server ready {}", settings_.timestamp));
}

// command = keyword *(SP argument) CRLF   (RFC 1939 §3; keywords are
// case-insensitive, 3 or 4 characters)
void Pop3ServerSession::receive(std::string_view bytes) {
    if (close_) return;
    while (!close_) {
        auto line = framer_.next(bytes);
        if (!line) break;
        if (line->too_long) {
            err(fmt::format("line too long (at most {} octets, RFC 2449 4)", settings_.command_line_limit));
            continue;
        }
        std::string_view text = line->text;
        size_t sp = text.find(' ');
        std::string verb = to_upper(text.substr(0, sp));
        std::string_view args = sp == std::string_view::npos ? std::string_view{} : text.substr(sp + 1);
        const CommandRow* row = nullptr;
        for (const auto& r : kCommands)
            if (r.verb == verb) row = &r;
        if (!row) {
            // Named back only when it looks like a verb (a few letters): a
            // line that is not one may be a password sent at the wrong time.
            const bool word = verb.size() <= 8 && std::all_of(verb.begin(), verb.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
            err(verb.empty() ? "empty command" : word ? fmt::format("unknown command: {}", verb) : std::string("unknown command"));
            continue;
        }
        if (!(row->states & bit(state_))) {
            err(fmt::format("{} is not allowed in the {} state", verb, state_name(state_)));
            continue;
        }
        if (auto o = backend_.override_for(verb, args); o && o->rfind("-ERR", 0) == 0) {
            outbox_.send({*o + "\r\n", "-ERR", "pop3.reply.ERR"});
            continue;
        }
        (this->*(row->handler))(args);
    }
}

void Pop3ServerSession::on_user(std::string_view args) {
    args = trim(args);
    if (args.empty()) return err("USER needs a name");
    user_ = std::string(args);
    user_given_ = true;
    // Saying whether the user exists helps attackers; RFC 1939 allows either.
    ok(fmt::format("{} is a valid mailbox", user_));
}

void Pop3ServerSession::on_pass(std::string_view args) {
    if (!user_given_) return err("send USER first");
    user_given_ = false;
    if (!backend_.user_exists(user_) || !backend_.check_password(user_, std::string(args)))
        return err("invalid user name or password");
    logged_in(user_);
}

// apop = "APOP" SP name SP digest, digest = MD5(timestamp + secret) in hex
void Pop3ServerSession::on_apop(std::string_view args) {
    args = trim(args);
    size_t sp = args.find(' ');
    if (sp == std::string_view::npos) return err("APOP needs a name and a digest");
    std::string name(args.substr(0, sp));
    std::string digest = to_lower(trim(args.substr(sp + 1)));
    auto secret = backend_.user_exists(name) ? backend_.secret(name) : std::nullopt;
    if (!secret || codec::md5_hex(settings_.timestamp + *secret) != digest) return err("permission denied");
    logged_in(name);
}

void Pop3ServerSession::logged_in(const std::string& user) {
    user_ = user;
    drop_ = backend_.open_maildrop(user);
    deleted_.assign(drop_.size(), false);
    size_t octets = 0;
    for (const auto& m : drop_) octets += m.content->size();
    ok(fmt::format("{}'s maildrop has {} messages ({} octets)", user, drop_.size(), octets));
    set_state(State::Transaction);
}

const MaildropMessage* Pop3ServerSession::message_arg(std::string_view arg, size_t* index) {
    auto n = number(trim(arg));
    if (!n) {
        err("a message number is needed");
        return nullptr;
    }
    if (*n == 0 || *n > drop_.size() || deleted_[*n - 1]) {
        err(fmt::format("no such message, only {} messages in maildrop", drop_.size()));
        return nullptr;
    }
    *index = *n - 1;
    return &drop_[*n - 1];
}

void Pop3ServerSession::on_stat(std::string_view) {
    size_t n = 0, octets = 0;
    for (size_t i = 0; i < drop_.size(); ++i)
        if (!deleted_[i]) ++n, octets += drop_[i].content->size();
    ok(fmt::format("{} {}", n, octets));
}

void Pop3ServerSession::on_list(std::string_view args) {
    if (!trim(args).empty()) {
        size_t i;
        if (const auto* m = message_arg(args, &i)) ok(fmt::format("{} {}", i + 1, m->content->size()));
        return;
    }
    std::string body;
    size_t n = 0, octets = 0;
    for (size_t i = 0; i < drop_.size(); ++i) {
        if (deleted_[i]) continue;
        ++n;
        octets += drop_[i].content->size();
        body += fmt::format("{} {}\r\n", i + 1, drop_[i].content->size());
    }
    multiline(fmt::format("{} messages ({} octets)", n, octets), body);
}

void Pop3ServerSession::on_retr(std::string_view args) {
    size_t i;
    if (const auto* m = message_arg(args, &i)) multiline(fmt::format("{} octets", m->content->size()), *m->content);
}

void Pop3ServerSession::on_dele(std::string_view args) {
    size_t i;
    if (!message_arg(args, &i)) return;
    deleted_[i] = true;
    ok(fmt::format("message {} marked for deletion (removed at QUIT)", i + 1));
}

void Pop3ServerSession::on_noop(std::string_view) { ok(""); }

void Pop3ServerSession::on_rset(std::string_view) {
    deleted_.assign(drop_.size(), false);
    ok(fmt::format("maildrop has {} messages", drop_.size()));
}

// top = "TOP" SP msg SP n: the header, the blank line and n body lines
void Pop3ServerSession::on_top(std::string_view args) {
    args = trim(args);
    size_t sp = args.find(' ');
    auto lines = sp == std::string_view::npos ? std::nullopt : number(trim(args.substr(sp + 1)));
    if (!lines) return err("TOP needs a message number and a line count");
    size_t i;
    const auto* m = message_arg(args.substr(0, sp), &i);
    if (!m) return;
    std::string_view c = *m->content;
    size_t end = c.find("\r\n\r\n");
    size_t pos = end == std::string_view::npos ? c.size() : end + 4;
    for (size_t k = 0; k < *lines && pos < c.size(); ++k) {
        size_t eol = c.find("\r\n", pos);
        pos = eol == std::string_view::npos ? c.size() : eol + 2;
    }
    multiline("top of message follows", c.substr(0, pos));
}

void Pop3ServerSession::on_uidl(std::string_view args) {
    if (!trim(args).empty()) {
        size_t i;
        if (const auto* m = message_arg(args, &i)) ok(fmt::format("{} {}", i + 1, m->uid));
        return;
    }
    std::string body;
    for (size_t i = 0; i < drop_.size(); ++i)
        if (!deleted_[i]) body += fmt::format("{} {}\r\n", i + 1, drop_[i].uid);
    multiline("unique-id listing follows", body);
}

void Pop3ServerSession::on_quit(std::string_view) {
    if (state_ == State::Transaction) {
        set_state(State::Update);
        std::vector<std::string> gone;
        for (size_t i = 0; i < drop_.size(); ++i)
            if (deleted_[i]) gone.push_back(drop_[i].uid);
        if (!gone.empty()) backend_.remove(user_, gone);
        ok(fmt::format("{} POP3 server signing off ({} messages deleted)", settings_.hostname, gone.size()));
    } else {
        ok(fmt::format("{} POP3 server signing off", settings_.hostname));
    }
    close_ = true;
    set_state(State::Closed);
}

void Pop3ServerSession::on_capa(std::string_view) {
    const bool stls = settings_.stls && !settings_.tls_active && state_ == State::Authorization;
    multiline("Capability list follows",
              stls ? "USER\r\nTOP\r\nUIDL\r\nSTLS\r\nIMPLEMENTATION mailsim\r\n" : "USER\r\nTOP\r\nUIDL\r\nIMPLEMENTATION mailsim\r\n");
}

// stls = "STLS" CRLF   (RFC 2595 §4): only in the AUTHORIZATION state
void Pop3ServerSession::on_stls(std::string_view args) {
    if (!args.empty()) return err("STLS takes no argument");
    if (settings_.tls_active) return err("TLS already active");
    if (!settings_.stls) return err("STLS is not offered here");
    ok("Begin TLS negotiation");
    framer_.take_rest();  // nothing sent before the handshake counts (no plaintext injection)
    settings_.tls_active = true;
    user_given_ = false;
    user_.clear();
}

}  // namespace mailsim::pop3
