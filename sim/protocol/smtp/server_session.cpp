// server_session.cpp — the receiver-SMTP: one handler per command, reached
// from one table; one state, changed only by set_state().
#include "protocol/smtp/server_session.hpp"

#include <array>
#include <cctype>
#include <utility>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "codec/base64.hpp"
#include "core/ascii.hpp"
#include "protocol/catalog.hpp"
#include "protocol/sasl.hpp"
#include "protocol/smtp/path.hpp"

namespace mailsim::smtp {

std::string_view to_string(MailMode m) {
    switch (m) {
        case MailMode::mail: return "MAIL";
        case MailMode::send: return "SEND";
        case MailMode::soml: return "SOML";
        case MailMode::saml: return "SAML";
    }
    return "?";
}

namespace {

using State = ServerSession::State;
constexpr unsigned bit(State s) { return 1u << static_cast<unsigned>(s); }
constexpr unsigned kAny = bit(State::Greeting) | bit(State::Ready) | bit(State::Mail) | bit(State::Rcpt);
constexpr unsigned kIdentified = bit(State::Ready) | bit(State::Mail) | bit(State::Rcpt);

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

// verb, handler, states it is allowed in, RFC 821 mode only
const ServerSession::CommandRow ServerSession::kCommands[] = {
    {"HELO", &ServerSession::on_helo, kAny, false},
    {"EHLO", &ServerSession::on_ehlo, kAny, false},
    {"MAIL", &ServerSession::on_mail, bit(State::Ready), false},
    {"RCPT", &ServerSession::on_rcpt, bit(State::Mail) | bit(State::Rcpt), false},
    {"DATA", &ServerSession::on_data, bit(State::Mail) | bit(State::Rcpt), false},
    {"RSET", &ServerSession::on_rset, kAny, false},
    {"NOOP", &ServerSession::on_noop, kAny, false},
    {"QUIT", &ServerSession::on_quit, kAny, false},
    {"VRFY", &ServerSession::on_vrfy, kAny, false},
    {"EXPN", &ServerSession::on_expn, kAny, false},
    {"HELP", &ServerSession::on_help, kAny, false},
    {"SEND", &ServerSession::on_send, bit(State::Ready), true},
    {"SOML", &ServerSession::on_soml, bit(State::Ready), true},
    {"SAML", &ServerSession::on_saml, bit(State::Ready), true},
    {"TURN", &ServerSession::on_turn, bit(State::Ready), true},
};

// The row of a verb, case-insensitively (RFC 5321 §2.4). Every verb in the
// table has four letters, so a command line's verb is compared as one
// 32-bit word instead of by string compares against each row.
const ServerSession::CommandRow* ServerSession::find_row(std::string_view verb) {
    static const auto words = [] {  // the table's verbs as words, made once
        std::array<std::uint32_t, std::size(kCommands)> a{};
        for (size_t i = 0; i < a.size(); ++i) a[i] = upper_word(kCommands[i].verb);
        return a;
    }();
    if (verb.size() != 4) return nullptr;
    std::uint32_t w = upper_word(verb);
    for (size_t i = 0; i < words.size(); ++i)
        if (words[i] == w) return &kCommands[i];
    return nullptr;
}

std::string_view ServerSession::state_name(State s) {
    static constexpr std::string_view names[] = {"Greeting", "Ready", "Mail", "Rcpt", "Data", "Quit", "Turned"};
    static_assert(std::size(names) == static_cast<size_t>(State::Turned) + 1);
    return names[static_cast<size_t>(s)];
}

ServerSession::ServerSession(ServerSettings settings, ServerPolicy& policy)
    : settings_(std::move(settings)), policy_(policy), framer_(settings_.command_line_limit) {
    framer_.set_lf_ends_line(settings_.accept_bare_lf_commands);
}

void ServerSession::set_state(State s) {
    if (!outbox_.change_state(state_, s)) return;
    bool text = s == State::Data;
    framer_.set_max_length(text ? settings_.text_line_limit : settings_.command_line_limit);
    framer_.set_lf_ends_line(!text && settings_.accept_bare_lf_commands);
}

void ServerSession::reply(const Reply& r) {
    outbox_.send(r.outgoing(enhanced()));
    if (r.code == 421) {  // RFC 5321 §3.8: the server closes after 421
        close_ = true;
        set_state(State::Quit);
    }
}

// A reply of the server's own, written straight to the wire: the same bytes
// as reply(Reply(code, enh, text)) without building a Reply.
void ServerSession::reply(int code, std::string_view enh, std::string_view text) {
    outbox_.send(smtp::one_line_outgoing(code, enhanced() ? enh : std::string_view{}, text));
    if (code == 421) {  // RFC 5321 §3.8: the server closes after 421
        close_ = true;
        set_state(State::Quit);
    }
}

void ServerSession::start() {
    if (auto o = policy_.override_for("CONNECT", "")) {
        Reply r = *o;
        if (r.code == 554) {  // "No SMTP service here": the client should QUIT (§3.1)
            outbox_.send(r.outgoing(false));
            return;
        }
        if (!r.positive()) {
            outbox_.send(r.outgoing(false));
            close_ = true;
            set_state(State::Quit);
            return;
        }
        outbox_.send(r.outgoing(false));
        return;
    }
    reply(220, "", fmt::format(FMT_COMPILE("{} {}"), settings_.hostname, settings_.greeting_text));
}

void ServerSession::receive(std::string_view bytes) {
    if (close_ || state_ == State::Turned) return;
    while (!close_ && state_ != State::Turned) {
        if (state_ == State::Data) {
            auto run = framer_.next_text(bytes);
            if (!run) break;
            on_text(*run);
        } else {
            auto line = framer_.next(bytes);
            if (!line) break;
            on_command_line(*line);
        }
    }
    framer_.feed(bytes);  // what was not read waits (after TURN, for take_unread)
}

// command = verb [SP arguments] CRLF   (RFC 5321 §4.1.1)
void ServerSession::on_command_line(const protocol::Line& line) {
    if (line.too_long) {
        auth_step_ = AuthStep::none;  // (an AUTH response too long ends the exchange)
        login_user_.clear();
        reply(500, "5.5.2", fmt::format(FMT_COMPILE("Line too long (a command line is at most {} octets, RFC 5321 4.5.3.1.4)"),
                                        settings_.command_line_limit));
        return;
    }
    // After a 334 challenge the line is the client's answer, not a command.
    if (auth_step_ != AuthStep::none) return on_auth_line(line.text);
    std::string_view text = line.text;
    size_t sp = text.find(' ');
    std::string_view args = sp == std::string_view::npos ? std::string_view{} : text.substr(sp + 1);
    const CommandRow* row = find_row(text.substr(0, sp));
    // Commands outside a transaction (NOOP, VRFY, RSET, HELP, unknown ones...) are counted.
    if (!(row && (row->verb == "MAIL" || row->verb == "RCPT" || row->verb == "DATA")) &&
        ++commands_since_mail_ > settings_.commands_before_transaction_limit) {
        reply(421, "4.7.0", fmt::format(FMT_COMPILE("{} Error: too many commands without a transaction ({}), closing"),
                                        settings_.hostname, settings_.commands_before_transaction_limit));
        return;
    }
    if (iequals(text.substr(0, sp), "STARTTLS")) return on_starttls(args);
    if (settings_.auth && iequals(text.substr(0, sp), "AUTH")) return on_auth(args);
    // Found, the verb is the row's (upper case, static); else only the reply needs it.
    std::string_view verb = row ? row->verb : std::string_view{};
    if (!row || (verb == "EHLO" && !settings_.esmtp)) {
        // An RFC 821 server does not know EHLO either: the client falls back to HELO.
        std::string upper = to_upper(text.substr(0, sp));
        // A server that takes passwords names back only verbs it knows of:
        // a line it does not know may be a password pasted at the wrong time.
        const bool say = !settings_.auth || catalog::find_command("smtp", upper) != nullptr;
        reply(500, "5.5.2", upper.empty() ? std::string("Error: bad syntax, empty command")
                            : say         ? fmt::format(FMT_COMPILE("Error: command not recognized: {}"), upper.substr(0, 20))
                                          : std::string("Error: command not recognized"));
        return;
    }
    std::optional<Reply> forced;
    if (auto o = policy_.override_for(verb, args)) {
        if (!o->positive()) {
            reply(*o);
            if (o->code == 221) {
                close_ = true;
                set_state(State::Quit);
            }
            return;
        }
        forced = *o;
    }
    if (row->rfc821_only && !settings_.rfc821_mode) {
        reply(502, "5.5.1", fmt::format(FMT_COMPILE("{} command not implemented"), verb));
        return;
    }
    if (!(row->allowed & bit(state_)) && !forced) {
        std::string why;
        if (state_ == State::Greeting && (row->allowed & kIdentified)) why = "Error: send HELO/EHLO first";
        else if (verb == "RCPT") why = "Error: need MAIL command";
        else if (verb == "DATA") why = "Error: need RCPT command";
        else if (verb == "MAIL" || row->rfc821_only) why = "Error: nested MAIL command";
        else why = "Bad sequence of commands";
        reply(503, "5.5.1", why);
        return;
    }
    (this->*(row->handler))(args, forced);
}

// Message text, a run of lines at a time: the framer has found the lines,
// removed the stuffed dots and seen the end. 8-bit text is looked for in
// what is kept only: a line not kept is over the size limit, and 552 comes
// before 554 (end_of_data).
void ServerSession::on_text(const protocol::TextRun& run) {
    if (run.too_long) data_too_long_line_ = true;
    std::string_view kept = data_over_size_ ? std::string_view{} : run.text;
    const std::uint64_t before = data_size_;
    data_size_ += run.text.size();
    if (!data_over_size_ && settings_.size && data_size_ > settings_.message_size_limit) {
        data_over_size_ = true;
        // The whole lines that still fit are kept; the line over the limit and the rest are not.
        size_t room = static_cast<size_t>(settings_.message_size_limit - before);
        bool one_line = run.too_long || run.bare_lf;
        kept = one_line || room == 0 ? std::string_view{} : kept.substr(0, kept.rfind('\n', room - 1) + 1);
    }
    if (!data_8bit_) data_8bit_ = has_8bit(kept);
    data_.append(kept);
    if (run.end) end_of_data();
}

void ServerSession::end_of_data() {
    Reply r;
    std::optional<Reply> forced = policy_.override_for("END-OF-DATA", "");
    if (forced && !forced->positive()) {
        r = *forced;
    } else if (data_too_long_line_) {
        r = Reply(500, "5.5.2",
                  fmt::format(FMT_COMPILE("Line too long (a text line is at most {} octets, RFC 5321 4.5.3.1.6); message refused"),
                              settings_.text_line_limit));
    } else if (data_over_size_) {
        r = Reply(552, "5.3.4", fmt::format(FMT_COMPILE("Message size exceeds fixed maximum message size ({} bytes)"),
                                            settings_.message_size_limit));
    } else if (data_8bit_ && !settings_.eightbitmime) {
        r = Reply(554, "5.6.7", "Message contains 8-bit data, but this server does not offer 8BITMIME");
    } else {
        r = policy_.accept_message(env_, data_);
        if (forced) r = *forced;
    }
    reply(r);
    if (r.code != 421) {
        reset_transaction();
        set_state(State::Ready);
    }
}

void ServerSession::reset_transaction() {
    // Field by field (client name and ESMTP kept): the strings and the
    // recipient list keep their buffers for the next transaction.
    env_.mode = MailMode::mail;
    env_.reverse_path.clear();
    env_.forward_paths.clear();
    env_.body_8bit = false;
    env_.declared_size = 0;
    env_.smtputf8 = false;
    rcpt_attempts_ = 0;
    data_.clear();
    data_size_ = 0;
    data_too_long_line_ = data_over_size_ = data_8bit_ = false;
}

// helo = "HELO" SP Domain CRLF
void ServerSession::on_helo(std::string_view args, const std::optional<Reply>& forced) {
    args = trim(args);
    if (args.empty()) {
        reply(501, "5.5.4", "Syntax: HELO hostname");
        return;
    }
    reset_transaction();
    env_.client_name = std::string(args);
    env_.esmtp = false;
    identified_ = true;
    reply(forced ? *forced : Reply(250, "", fmt::format(FMT_COMPILE("{} Hello {}"), settings_.hostname, args)));
    set_state(State::Ready);
}

// ehlo = "EHLO" SP ( Domain / address-literal ) CRLF
void ServerSession::on_ehlo(std::string_view args, const std::optional<Reply>& forced) {
    args = trim(args);
    if (args.empty()) {
        reply(501, "5.5.4", "Syntax: EHLO hostname");
        return;
    }
    reset_transaction();
    env_.client_name = std::string(args);
    env_.esmtp = true;
    identified_ = true;
    Reply r(250, "", fmt::format(FMT_COMPILE("{} Hello {}"), settings_.hostname, args));
    if (settings_.size) r.lines.push_back(fmt::format(FMT_COMPILE("SIZE {}"), settings_.message_size_limit));
    if (settings_.eightbitmime) r.lines.push_back("8BITMIME");
    if (settings_.pipelining) r.lines.push_back("PIPELINING");
    if (settings_.enhancedstatuscodes) r.lines.push_back("ENHANCEDSTATUSCODES");
    if (settings_.smtputf8) r.lines.push_back("SMTPUTF8");
    if (settings_.starttls && !settings_.tls_active) r.lines.push_back("STARTTLS");
    if (auth_offered()) r.lines.push_back("AUTH PLAIN LOGIN");
    if (settings_.vrfy) r.lines.push_back("VRFY");
    if (settings_.expn) r.lines.push_back("EXPN");
    r.lines.push_back("HELP");
    if (forced) r.lines.front() = forced->first_line();
    // EHLO's reply carries no enhanced code (RFC 2034 §3)
    outbox_.send(r.outgoing(false));
    set_state(State::Ready);
}

// starttls = "STARTTLS" CRLF   (RFC 3207 §4)
void ServerSession::on_starttls(std::string_view args) {
    if (!trim(args).empty()) return reply(501, "5.5.4", "Syntax: STARTTLS");
    if (settings_.tls_active) return reply(503, "5.5.1", "Error: TLS already active");
    if (!settings_.starttls) return reply(502, "5.5.1", "Error: command not implemented: STARTTLS is not offered here");
    if (state_ == State::Mail || state_ == State::Rcpt) return reply(503, "5.5.1", "Error: MAIL transaction in progress");
    reply(220, "2.0.0", "Ready to start TLS");
    // §4.2: nothing the client sent after STARTTLS counts (no plaintext
    // injection); the session starts over, as if just connected.
    framer_.take_rest();
    settings_.tls_active = true;
    reset_transaction();
    auth_user_.clear();  // RFC 3207 §4.2: nothing from before TLS carries over (a teacher's 2xx AUTH rule may have let one in)
    env_.client_name.clear();
    env_.esmtp = false;
    identified_ = false;
    set_state(State::Greeting);
}

// auth = "AUTH" SP sasl-mech [SP initial-response] CRLF   (RFC 4954 §4)
void ServerSession::on_auth(std::string_view args) {
    // A teacher's rule answers instead of the exchange; a 2xx from it lets
    // the client in (as a test server that takes any password does).
    if (auto o = policy_.override_for("AUTH", args)) {
        if (o->code / 100 == 2) auth_user_ = "(a reply override)";
        return reply(*o);
    }
    if (!identified_ || !env_.esmtp) return reply(503, "5.5.1", "Error: send EHLO first");
    if (!auth_offered()) return reply(530, "5.7.0", "Must issue a STARTTLS command first");
    if (state_ == State::Mail || state_ == State::Rcpt) return reply(503, "5.5.1", "Error: MAIL transaction in progress");
    if (!auth_user_.empty()) return reply(503, "5.5.1", "Error: already authenticated");
    args = trim(args);
    const size_t sp = args.find(' ');
    const std::string_view mech = args.substr(0, sp);
    if (mech.empty()) return reply(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    // "=" is an initial response of no bytes (§4).
    const std::optional<std::string_view> initial =
        sp == std::string_view::npos ? std::nullopt : std::optional(trim(args.substr(sp + 1)));
    if (iequals(mech, "PLAIN")) {
        if (initial) return auth_plain(*initial == "=" ? std::string_view{} : *initial);
        auth_step_ = AuthStep::plain;
        return reply(334, "", "");  // PLAIN's challenge is empty (RFC 4616)
    }
    if (iequals(mech, "LOGIN")) {
        auth_step_ = AuthStep::login_user;
        if (initial) return on_auth_line(*initial);  // the user name came with the command
        return reply(334, "", "VXNlcm5hbWU6");        // "Username:"
    }
    // Echoed only when it is a mechanism's name: a client that left the
    // mechanism out put its credentials here.
    if (!protocol::sasl_mechanism_name(mech)) return reply(504, "5.5.4", "Unrecognized authentication type");
    reply(504, "5.5.4", fmt::format(FMT_COMPILE("Unrecognized authentication type: {}"), to_upper(mech)));
}

void ServerSession::on_auth_line(std::string_view text) {
    const AuthStep step = std::exchange(auth_step_, AuthStep::none);
    const std::string user = std::exchange(login_user_, {});  // LOGIN's, when the password comes
    if (text == "*") return reply(501, "5.0.0", "Authentication aborted");  // §4: the client cancels
    if (step == AuthStep::plain) return auth_plain(text);
    std::vector<codec::CodecError> errors;
    std::string decoded = codec::base64_decode(text, &errors);
    if (!errors.empty()) return reply(501, "5.5.2", "Cannot decode response (not base64)");
    if (step == AuthStep::login_user) {
        login_user_ = std::move(decoded);
        auth_step_ = AuthStep::login_password;
        return reply(334, "", "UGFzc3dvcmQ6");  // "Password:"
    }
    auth_finish(user, decoded);
}

void ServerSession::auth_plain(std::string_view response) {
    const protocol::SaslPlain p = protocol::decode_sasl_plain(response);
    if (!p.base64) return reply(501, "5.5.2", "Cannot decode response (not base64)");
    if (!p.whole) return reply(501, "5.5.2", "Invalid PLAIN response: authzid NUL authcid NUL password");
    if (!p.authzid.empty() && p.authzid != p.authcid)  // acting for someone else: not here
        return reply(535, "5.7.8", "Error: authentication failed: may not act as another user");
    auth_finish(p.authcid, p.password);
}

void ServerSession::auth_finish(const std::string& user, const std::string& password) {
    if (!policy_.authenticate(user, password))
        return reply(535, "5.7.8", "Error: authentication failed: invalid user name or password");
    auth_user_ = user;
    reply(235, "2.7.0", "Authentication successful");
}

void ServerSession::begin_transaction(MailMode mode, std::string_view args, const std::optional<Reply>& forced) {
    commands_since_mail_ = 0;
    env_.tls = settings_.tls_active;
    env_.auth_user = auth_user_;
    if (!identified_) {
        reply(503, "5.5.1", "Error: send HELO/EHLO first");
        return;
    }
    auto p = parse_path_argument(args, "FROM:", true);
    if (p.status != PathArgument::Status::ok) {
        reply(501, "5.5.4", fmt::format(FMT_COMPILE("Syntax: {} FROM:<address> ({})"), to_string(mode), p.error));
        return;
    }
    // Checked into a copy of the (still empty) transaction, kept only if accepted.
    Envelope env;
    env.client_name = env_.client_name;
    env.esmtp = env_.esmtp;
    env.tls = env_.tls;
    env.auth_user = env_.auth_user;
    env.mode = mode;
    for (const auto& [kw, value] : p.params) {
        if (kw == "SIZE" && settings_.size && env_.esmtp) {
            char* end = nullptr;
            unsigned long long n = std::strtoull(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0') {
                reply(501, "5.5.4", "Bad SIZE parameter: " + value);
                return;
            }
            if (settings_.message_size_limit > 0 && n > settings_.message_size_limit) {
                reply(552, "5.3.4",
                      fmt::format(FMT_COMPILE("Message size exceeds fixed maximum message size ({} bytes declared, limit {})"),
                                  n, settings_.message_size_limit));
                return;
            }
            env.declared_size = n;
        } else if (kw == "BODY" && settings_.eightbitmime && env_.esmtp) {
            std::string v = to_upper(value);
            if (v == "8BITMIME") env.body_8bit = true;
            else if (v != "7BIT") {
                reply(504, "5.5.4", fmt::format(FMT_COMPILE("BODY={} not implemented"), value));
                return;
            }
        } else if (kw == "SMTPUTF8" && settings_.smtputf8 && env_.esmtp && value.empty()) {
            env.smtputf8 = true;  // RFC 6531 §3.4: the keyword has no value
        } else if (kw == "AUTH" && auth_offered() && env_.esmtp && !value.empty()) {
            // RFC 4954 §5: who submitted the message, as a relaying client
            // says; this server does not pass it on, so it is taken and dropped.
        } else {
            reply(555, "5.5.4", fmt::format(FMT_COMPILE("Unsupported option: {}"), kw));
            return;
        }
    }
    // RFC 6531 §3.7.4.1: a UTF-8 reverse-path needs MAIL's SMTPUTF8 (and so the server's offer).
    if (!env.smtputf8 && has_8bit(p.mailbox)) {
        reply(553, "5.6.7", "Non-ASCII addresses not permitted for that sender");
        return;
    }
    Reply r = forced ? *forced : policy_.check_sender(env, p.mailbox);
    if (!r.positive()) {
        reply(r);
        return;
    }
    // Kept: what the checks filled, and no recipients (an override may
    // have let SEND in mid-transaction). Client name and ESMTP are env_'s own.
    env_.mode = env.mode;
    env_.forward_paths.clear();
    env_.body_8bit = env.body_8bit;
    env_.declared_size = env.declared_size;
    env_.smtputf8 = env.smtputf8;
    env_.reverse_path = std::move(p.mailbox);
    reply(r);
    set_state(State::Mail);
}

// mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF
void ServerSession::on_mail(std::string_view args, const std::optional<Reply>& forced) {
    if (state_ != State::Ready) {  // only reachable when an override forced it
        reply(forced ? *forced : Reply(503, "5.5.1", "Error: nested MAIL command"));
        return;
    }
    begin_transaction(MailMode::mail, args, forced);
}
void ServerSession::on_send(std::string_view args, const std::optional<Reply>& forced) {
    begin_transaction(MailMode::send, args, forced);
}
void ServerSession::on_soml(std::string_view args, const std::optional<Reply>& forced) {
    begin_transaction(MailMode::soml, args, forced);
}
void ServerSession::on_saml(std::string_view args, const std::optional<Reply>& forced) {
    begin_transaction(MailMode::saml, args, forced);
}

// rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path ) [SP Rcpt-parameters] CRLF
void ServerSession::on_rcpt(std::string_view args, const std::optional<Reply>& forced) {
    if (state_ != State::Mail && state_ != State::Rcpt) {
        reply(forced ? *forced : Reply(503, "5.5.1", "Error: need MAIL command"));
        return;
    }
    auto p = parse_path_argument(args, "TO:", false);
    if (p.status == PathArgument::Status::syntax) {
        reply(501, "5.5.4", fmt::format(FMT_COMPILE("Syntax: RCPT TO:<address> ({})"), p.error));
        return;
    }
    if (p.status == PathArgument::Status::bad_mailbox) {
        reply(553, "5.1.3", fmt::format(FMT_COMPILE("Requested action not taken: mailbox name not allowed ({})"), p.error));
        return;
    }
    if (!p.params.empty()) {
        reply(555, "5.5.4", fmt::format(FMT_COMPILE("Unsupported option: {}"), p.params.front().first));
        return;
    }
    // RFC 6531 §3.7.4.2: a UTF-8 forward-path only in a transaction MAIL began with SMTPUTF8.
    if (!env_.smtputf8 && has_8bit(p.mailbox)) {
        reply(553, "5.6.7", "Non-ASCII addresses not permitted for that recipient");
        return;
    }
    if (env_.forward_paths.size() >= settings_.recipient_limit) {
        reply(452, "4.5.3", fmt::format(FMT_COMPILE("Error: too many recipients (limit {})"), settings_.recipient_limit));
        return;
    }
    ++rcpt_attempts_;
    Reply r = forced ? *forced : policy_.check_recipient(env_, p.mailbox);
    if (r.positive()) {
        env_.forward_paths.push_back(std::move(p.mailbox));
        reply(r);
        set_state(State::Rcpt);
    } else {
        reply(r);
    }
}

// data = "DATA" CRLF
void ServerSession::on_data(std::string_view args, const std::optional<Reply>& forced) {
    if (!trim(args).empty()) {
        reply(501, "5.5.4", "Syntax: DATA (no arguments)");
        return;
    }
    if (env_.forward_paths.empty() && !forced) {
        // After pipelined RCPTs that all failed (RFC 2920 §3.1)
        reply(rcpt_attempts_ > 0 ? Reply(554, "5.5.1", "Error: no valid recipients")
                                 : Reply(503, "5.5.1", "Error: need RCPT command"));
        return;
    }
    if (forced) reply(*forced);
    else reply(354, "", "End data with <CR><LF>.<CR><LF>");
    data_.clear();
    if (env_.declared_size > 0 && env_.declared_size <= settings_.message_size_limit)
        data_.reserve(env_.declared_size + 2);
    data_size_ = 0;
    set_state(State::Data);
}

// rset = "RSET" CRLF
void ServerSession::on_rset(std::string_view args, const std::optional<Reply>& forced) {
    if (!trim(args).empty()) {
        reply(501, "5.5.4", "Syntax: RSET (no arguments)");
        return;
    }
    reset_transaction();
    reply(forced ? *forced : Reply(250, "2.0.0", "Ok"));
    set_state(identified_ ? State::Ready : State::Greeting);
}

// noop = "NOOP" [ SP String ] CRLF
void ServerSession::on_noop(std::string_view, const std::optional<Reply>& forced) {
    reply(forced ? *forced : Reply(250, "2.0.0", "Ok"));
}

// quit = "QUIT" CRLF
void ServerSession::on_quit(std::string_view args, const std::optional<Reply>& forced) {
    if (!trim(args).empty()) {
        reply(501, "5.5.4", "Syntax: QUIT (no arguments)");
        return;
    }
    if (forced) reply(*forced);
    else reply(221, "2.0.0", fmt::format(FMT_COMPILE("{} Service closing transmission channel"), settings_.hostname));
    close_ = true;
    set_state(State::Quit);
}

// vrfy = "VRFY" SP String CRLF
void ServerSession::on_vrfy(std::string_view args, const std::optional<Reply>& forced) {
    args = trim(args);
    if (args.empty()) {
        reply(501, "5.5.4", "Syntax: VRFY address");
        return;
    }
    if (forced) return reply(*forced);
    if (!settings_.vrfy) {
        reply(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery");
        return;
    }
    reply(policy_.verify(std::string(args)));
}

// expn = "EXPN" SP String CRLF
void ServerSession::on_expn(std::string_view args, const std::optional<Reply>& forced) {
    args = trim(args);
    if (args.empty()) {
        reply(501, "5.5.4", "Syntax: EXPN mailing-list");
        return;
    }
    if (forced) return reply(*forced);
    if (!settings_.expn) {
        reply(502, "5.5.1", "EXPN command not implemented");
        return;
    }
    reply(policy_.expand(std::string(args)));
}

// help = "HELP" [ SP String ] CRLF
void ServerSession::on_help(std::string_view args, const std::optional<Reply>& forced) {
    if (forced) return reply(*forced);
    std::string topic = to_upper(trim(args));
    if (topic.empty()) {
        Reply r(214, "2.0.0", "Commands:");
        std::string list;
        for (const auto& c : kCommands) {
            if (c.rfc821_only && !settings_.rfc821_mode) continue;
            if (c.verb == "EHLO" && !settings_.esmtp) continue;
            list += (list.empty() ? "" : " ") + std::string(c.verb);
        }
        r.lines.push_back(list);
        r.lines.push_back("HELP <command> describes one; HELP STATUS gives the system status (211)");
        reply(r);
        return;
    }
    if (topic == "STATUS") {
        Reply r(211, "2.0.0", fmt::format(FMT_COMPILE("{} system status"), settings_.hostname));
        for (auto& l : policy_.status_lines()) r.lines.push_back(std::move(l));
        reply(r);
        return;
    }
    const catalog::CommandRow* row = catalog::find_command("smtp", topic);
    bool known = false;
    for (const auto& c : kCommands) known = known || c.verb == topic;
    if (!row || !known) {
        reply(504, "5.5.4", fmt::format(FMT_COMPILE("HELP topic \"{}\" not implemented"), topic.substr(0, 20)));
        return;
    }
    reply(214, "2.0.0", fmt::format(FMT_COMPILE("{} ({})"), row->syntax, row->rfc));
}

// turn = "TURN" CRLF   (RFC 821 §4.1.1; removed by RFC 5321)
void ServerSession::on_turn(std::string_view args, const std::optional<Reply>& forced) {
    if (!trim(args).empty()) {
        reply(501, "5.5.4", "Syntax: TURN (no arguments)");
        return;
    }
    reply(forced ? *forced : Reply(250, "2.0.0", "OK, turning around: I am now the sender"));
    outbox_.report({SessionEvent::Type::turn, state_, State::Turned, env_.client_name});
    set_state(State::Turned);
}

}  // namespace mailsim::smtp
