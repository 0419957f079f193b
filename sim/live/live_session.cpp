// live_session.cpp — connect, greet, command and reply, TLS, redaction.
#include "live/live_session.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/ascii.hpp"
#include "message/seven_bit.hpp"
#include "protocol/imap/client_session.hpp"
#include "protocol/pop3/client_session.hpp"
#include "protocol/redact.hpp"

namespace mailsim::live {

namespace {

struct Scheme {
    std::string_view name, protocol;
    std::uint16_t port;
    bool tls;
};
constexpr Scheme kSchemes[] = {
    {"smtp", "smtp", 25, false}, {"smtps", "smtp", 465, true}, {"pop3", "pop3", 110, false},
    {"pop3s", "pop3", 995, true}, {"imap", "imap", 143, false}, {"imaps", "imap", 993, true},
};

std::int64_t wall_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Result<Target> parse_target(std::string_view url, Failure* why) {
    auto fail = [&](std::string key, text::Params params) -> Result<Target> {
        Failure f{std::move(key), std::move(params)};
        Error e{std::string(url), f.message()};
        if (why) *why = std::move(f);
        return e;
    };
    const size_t sep = url.find("://");
    if (sep == std::string_view::npos) return fail("live.error.url_scheme", {});
    const std::string scheme = to_lower(url.substr(0, sep));
    const Scheme* s = nullptr;
    for (const auto& k : kSchemes)
        if (k.name == scheme) s = &k;
    if (!s) return fail("live.error.url_unknown_scheme", {{"scheme", scheme}});
    std::string_view rest = url.substr(sep + 3);
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    Target t{std::string(s->protocol), std::string(rest), s->port, s->tls};
    if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
        t.host = std::string(rest.substr(0, colon));
        const std::string_view digits = rest.substr(colon + 1);
        unsigned long port = 0;
        for (char c : digits) port = ascii_digit(c) && port < 65536 ? port * 10 + static_cast<unsigned long>(c - '0') : 70000;
        if (digits.empty() || port == 0 || port > 65535) return fail("live.error.url_port", {});
        t.port = static_cast<std::uint16_t>(port);
    }
    if (t.host.empty()) return fail("live.error.url_no_host", {});
    for (char c : t.host)
        if (!ascii_alnum(c) && c != '.' && c != '-' && c != '_') return fail("live.error.url_host", {});
    return t;
}

LiveSession::LiveSession(Target target, LiveOptions options)
    : target_(std::move(target)), options_(std::move(options)), annotator_(target_.protocol) {
    start_us_ = wall_us();
    trace_.source.kind = "live";
    trace_.source.clock = "wall";
    trace_.source.name = fmt::format("{}{}://{}:{}", target_.protocol, target_.implicit_tls ? "s" : "", target_.host, target_.port);
    trace_.source.start_epoch = start_us_ / 1000000;
    trace_.hosts.push_back({options_.client_name, "client", "", ""});
    trace_.hosts.push_back({target_.host, "server", "", ""});
    trace_.links.push_back({options_.client_name, target_.host, 0});
}

LiveSession::~LiveSession() = default;

SimTime LiveSession::now() const { return wall_us() - (start_us_ / 1000000) * 1000000; }

void LiveSession::note(std::string_view verb, std::string_view args, std::string_view key, const std::string& detail) {
    Event e;
    e.time = now();
    e.kind = EventKind::note;
    e.conn = conn_;
    e.host = options_.client_name;
    e.peer = target_.host;
    e.protocol = "tls";
    e.verb = verb;
    e.args = args;
    e.key = key;
    e.detail = detail;
    trace_.append(e);
    if (on_event) on_event(trace_.at(trace_.size() - 1));
}

bool LiveSession::open() {
    if (cut_short()) return false;
    tcp_event(EventKind::connect, true, fmt::format("port {}", target_.port));
    Failure why;
    link_ = Link::open(target_.host, target_.port, &why);
    if (!link_) {
        fail(std::move(why));
        tcp_event(EventKind::refuse, false, error_);
        return false;
    }
    if (cut_short()) return false;  // (a Disconnect during the connect: no ClientHello, no wait)
    sent();                         // the greeting is the first reply
    if (target_.implicit_tls && !upgrade(false)) return false;
    if (!await_reply(true)) return false;
    if (!options_.starttls || target_.implicit_tls) return true;
    if (target_.protocol == "smtp" && !command("EHLO " + options_.client_name)) return false;
    const std::string starttls = target_.protocol == "pop3" ? "STLS" : target_.protocol == "imap" ? "S1 STARTTLS" : "STARTTLS";
    if (!command(starttls)) return false;
    if (!link_->tls_on()) {
        return fail({"live.error.starttls_refused", {{"command", starttls}}});
    }
    return true;
}

std::string LiveSession::redact(const protocol::Unit& u, bool* redacted) const {
    *redacted = false;
    if (options_.keep_secrets) return u.bytes;
    auto r = protocol::redact_secrets(target_.protocol, u.a.verb, u.a.key, u.bytes, u.a.from_client);
    if (!r) return u.bytes;
    *redacted = true;
    return std::move(*r);
}

void LiveSession::record(const protocol::Unit& u) {
    if (u.a.dir == Direction::to_client && greeting_.empty()) greeting_ = u.bytes;
    bool redacted = false;
    const std::string bytes = redact(u, &redacted);
    const std::string args = redacted ? protocol::unit_args(bytes, u.a.verb) : u.a.args;
    Event e;
    e.time = now();
    e.kind = EventKind::bytes;
    e.dir = u.a.dir;
    e.conn = conn_;
    const bool from_client = u.a.dir == Direction::to_server;
    e.host = from_client ? std::string_view(options_.client_name) : std::string_view(target_.host);
    e.peer = from_client ? std::string_view(target_.host) : std::string_view(options_.client_name);
    e.protocol = target_.protocol;
    e.verb = u.a.verb;
    e.args = args;
    e.key = u.a.key;
    e.bytes = bytes;
    const std::string detail = redacted ? R"({"redacted":true})" : std::string();
    e.detail = detail;
    trace_.append(e);
    if (on_event) on_event(trace_.at(trace_.size() - 1));
}

bool LiveSession::send_line(const std::string& line) {
    if (cut_short()) return false;
    if (!link_) return fail({"live.error.not_connected", {}});
    const std::string wire = line + "\r\n";
    for (const auto& u : annotator_.feed(Direction::to_server, wire)) record(u);
    if (!link_->send(wire)) return fail({"live.error.gone", {}});
    sent();  // (after: a long upload does not eat into the reply's time)
    return true;
}

void LiveSession::sent() {
    reply_start_ = std::chrono::steady_clock::now();
    reply_from_ = link_ ? link_->bytes_received() : 0;
    reply_plain_ = 0;
}

std::optional<std::string> LiveSession::receive_bytes() {
    using clock = std::chrono::steady_clock;
    using ms = std::chrono::milliseconds;
    const ms timeout(options_.timeout_ms);
    clock::time_point heard = clock::now();  // silence is counted from here
    std::uint64_t seen = link_->bytes_received();
    // Waited for in slices, so that interrupt() is seen within one.
    for (;;) {
        if (cut_short()) return std::nullopt;
        // The reply's bytes as the protocol sees them: TLS's own records
        // after a send (TLS 1.3's session tickets) are no part of it, unless
        // there are more of them than a handshake's leftovers ever are.
        // (Part of a record held, sent a byte at a time, is a reply coming too.)
        const std::uint64_t raw = link_->bytes_received() - reply_from_;
        const std::uint64_t reply_bytes =
            raw > kTlsLeftovers || (raw > 0 && link_->tls_holds_part()) ? std::max(reply_plain_, raw) : reply_plain_;
        const auto now = clock::now();
        const auto allowed = timeout + ms(reply_bytes * 1000 / kMinReplyRate);
        // (Nothing at all yet is silence, the time-out's: the connection stays.)
        if (reply_bytes > 0 && now - reply_start_ >= allowed) {
            give_up_reply({"live.error.reply_slow",
                           {{"bytes", std::to_string(reply_bytes)},
                            {"seconds", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - reply_start_).count())},
                            {"rate", std::to_string(kMinReplyRate)}}});
            return std::nullopt;
        }
        if (now - heard >= timeout) {
            // Silence after part of a reply: what is left of it may yet
            // come and be taken for the next one's, so the session ends.
            if (reply_bytes > 0) {
                give_up_reply({"live.error.reply_stalled",
                               {{"bytes", std::to_string(reply_bytes)}, {"seconds", std::to_string(options_.timeout_ms / 1000)}}});
                return std::nullopt;
            }
            fail({"live.error.timeout", {{"seconds", std::to_string(options_.timeout_ms / 1000)}}});
            return std::nullopt;
        }
        auto left = timeout - (now - heard);
        if (reply_bytes > 0) left = std::min(left, allowed - (now - reply_start_));
        const int slice = static_cast<int>(std::clamp<long long>(std::chrono::ceil<ms>(left).count(), 1, kWaitSliceMs));
        auto got = link_->receive(slice);
        if (link_->bytes_received() != seen) {  // (ciphertext too: a record on its way is not silence)
            seen = link_->bytes_received();
            heard = clock::now();
        }
        if (seen - reply_from_ > options_.max_reply_bytes) {
            if (got) for (const auto& u : annotator_.feed(Direction::to_client, *got)) record(u);
            give_up_reply({"live.error.reply_long", {{"bytes", std::to_string(options_.max_reply_bytes)}}});
            return std::nullopt;
        }
        if (!got) continue;
        reply_plain_ += got->size();
        if (got->empty()) {
            for (const auto& u : annotator_.finish(Direction::to_client)) record(u);
            fail({"live.error.server_closed", {}});
            tcp_event(EventKind::close, false, "FIN");
            link_.reset();
            return std::nullopt;
        }
        return got;
    }
}

void LiveSession::give_up_reply(Failure why) {
    // What the server sent of the reply is kept, cut where it stopped.
    for (const auto& u : annotator_.finish(Direction::to_client)) record(u);
    fail(std::move(why));
    close();
}

void LiveSession::interrupt() { interrupted_.store(true); }

bool LiveSession::cut_short() {
    if (!interrupted_.load()) return false;
    fail({"live.error.interrupted", {}});
    close();
    return true;
}

bool LiveSession::fail(Failure why) {
    failure_ = std::move(why);
    error_ = failure_.message();
    return false;
}

bool LiveSession::await_reply(bool greeting) {
    last_was_final_ = false;
    while (!last_was_final_) {
        auto got = receive_bytes();
        if (!got) return false;
        for (const auto& u : annotator_.feed(Direction::to_client, *got)) {
            record(u);
            // IMAP's untagged data comes before the answer: a tagged line or "+" ends the exchange.
            if (!greeting && target_.protocol == "imap" && u.bytes.starts_with("* ")) continue;
            last_was_final_ = true;
            last_positive_ = u.a.cls == catalog::ReplyClass::completion;
            last_verb_ = u.a.verb;
        }
    }
    return true;
}

bool LiveSession::command(const std::string& line) {
    fail({});  // (a failure before this call is not this one's)
    if (!send_line(line)) return false;
    // After 354 the lines are the message: sent as they come, and only the
    // "." that ends them gets a reply (RFC 5321 §4.1.1.4).
    if (in_text_ && line != ".") return true;
    in_text_ = false;
    if (!await_reply(false)) return false;
    in_text_ = target_.protocol == "smtp" && last_verb_ == "354";
    const auto w = protocol::command_words(line);
    const std::string verb = to_upper(w.empty() ? std::string_view{} : w[target_.protocol == "imap" && w.size() > 1 ? 1 : 0]);
    if ((verb == "STARTTLS" || verb == "STLS") && last_positive_) return upgrade(true);
    return true;
}

std::optional<smtp::TransactionResult> LiveSession::send_message(const std::string& from, const std::vector<std::string>& to,
                                                                 const std::string& content) {
    fail({});  // (a failure before this call is not this one's)
    if (!link_ || target_.protocol != "smtp") {
        fail({link_ ? "live.error.smtp_only" : "live.error.not_connected", {}});
        return std::nullopt;
    }
    smtp::ClientSettings cs;
    cs.helo_name = options_.client_name;
    cs.to_7bit = [](const std::string& c) -> Result<std::string> {
        auto r = message::to_seven_bit(c);
        if (!r) return r.error();
        return std::move(r->content);
    };
    smtp::ClientSession engine(std::move(cs));
    smtp::Transaction t;
    t.id = 1;
    t.reverse_path = from;
    t.recipients = to;
    t.content = std::make_shared<const std::string>(content);
    engine.add(std::move(t));
    // The engine starts from the greeting; after STARTTLS it says EHLO again,
    // as RFC 3207 §4.2 asks.
    engine.receive(greeting_);
    std::optional<smtp::TransactionResult> result;
    drive(engine, [&] {
        while (auto e = engine.next_event())
            if (e->type == smtp::ClientSession::SessionEvent::Type::transaction_done) result = std::move(e->result);
    });
    if (result) fail({});
    return result;
}

template <class Engine, class Events>
bool LiveSession::drive(Engine& engine, Events events) {
    for (;;) {
        for (auto& o : engine.take_output()) {
            if (cut_short()) return false;
            for (const auto& u : annotator_.feed(Direction::to_server, o.bytes)) record(u);
            if (!link_->send(o.bytes)) return fail({"live.error.gone", {}});
            sent();
        }
        events();
        if (engine.wants_close()) {
            close();
            return true;
        }
        auto got = receive_bytes();
        if (!got) return false;
        for (const auto& u : annotator_.feed(Direction::to_client, *got)) record(u);
        engine.receive(*got);
    }
}

std::optional<std::vector<FetchedMessage>> LiveSession::fetch_mail(const FetchOptions& options) {
    fail({});  // (a failure before this call is not this one's)
    if (!link_ || (target_.protocol != "pop3" && target_.protocol != "imap")) {
        fail({link_ ? "live.error.fetch_only" : "live.error.not_connected", {}});
        return std::nullopt;
    }
    std::vector<FetchedMessage> messages;
    bool ok = false;
    std::string why;
    if (target_.protocol == "pop3") {
        pop3::Pop3ClientSettings ps;
        ps.user = options.user;
        ps.password = options.password;
        ps.apop = options.apop;
        ps.mode = options.delete_after ? pop3::RetrievalMode::remove : pop3::RetrievalMode::keep;
        ps.survey = true;
        ps.max_messages = options.max_messages;
        pop3::Pop3ClientSession engine(std::move(ps));
        engine.receive(greeting_);  // the engine starts from the greeting (after STLS: the same one)
        using Type = pop3::Pop3ClientSession::SessionEvent::Type;
        drive(engine, [&] {
            while (auto e = engine.next_event()) {
                if (e->type == Type::retrieved) messages.push_back({std::to_string(e->number), e->size, std::move(e->content)});
                if (e->type == Type::finished) {
                    ok = e->ok;
                    why = e->error;
                }
            }
        });
        if (ok) return messages;
    } else {
        imap::ImapClientSettings is;
        is.user = options.user;
        is.password = options.password;
        is.folder = options.mailbox;
        is.survey = true;
        is.max_messages = options.max_messages;
        imap::ImapClientSession engine(std::move(is));
        engine.receive(greeting_);
        using Type = imap::ImapClientSession::SessionEvent::Type;
        auto events = [&] {
            while (auto e = engine.next_event()) {
                if (e->type == Type::fetched) messages.push_back({std::to_string(e->uid), e->size, std::move(e->content)});
                if (e->type == Type::finished) {
                    ok = e->ok;
                    why = e->error;
                }
            }
        };
        if (!drive(engine, events) && !link_ && failure_.key == "live.error.server_closed") {
            engine.peer_closed();  // a server that closes after LOGOUT's answer has ended the session
            events();
        }
        if (ok) return messages;
    }
    if (!why.empty()) fail({"live.error.session", {{"reason", why}}});
    if (error_.empty()) fail({"live.error.fetch_ended", {}});
    return std::nullopt;
}

bool LiveSession::upgrade(bool after_command) {
    // Bytes that came in the clear after the answer to STARTTLS are not part
    // of the TLS session (an injection, RFC 3207 §4.2): dropped, and said.
    if (const size_t stray = annotator_.pending(Direction::to_client)) {
        note("discard", fmt::format("{} bytes received in the clear before the handshake were dropped", stray),
             "live.tls.discarded", "");
    }
    Failure why;
    if (!link_->start_tls(target_.host, options_.tls, options_.timeout_ms, &why, &interrupted_)) {
        if (why.key == "live.error.interrupted") {
            fail(std::move(why));
            close();  // the user's Disconnect, not a handshake that failed
            return false;
        }
        fail(std::move(why));
        const auto& f = link_->tls();
        nlohmann::json d = {{"error", error_}, {"verify_result", f.verify_result}, {"subject", f.subject}, {"issuer", f.issuer}};
        note("TLS", error_, "live.tls.failed", d.dump());
        link_.reset();
        return false;
    }
    const TlsFacts& f = link_->tls();
    nlohmann::json d = {{"version", f.version}, {"cipher", f.cipher}, {"subject", f.subject},
                        {"issuer", f.issuer},   {"verified", f.verified}, {"verify_result", f.verify_result}};
    note("TLS", fmt::format("{} {}; certificate {}; issued by {}; verified: {}", f.version, f.cipher, f.subject, f.issuer,
                            f.verify_result),
         "live.tls.handshake", d.dump());
    if (!f.verified)
        note("insecure", fmt::format("the certificate did not verify ({}); going on because of --insecure", f.verify_result),
             "live.tls.insecure", "");
    // The protocol starts again inside TLS: after STARTTLS without a new greeting.
    annotator_ = protocol::Annotator(target_.protocol);
    if (after_command) annotator_.observe(Direction::to_client, {}, {}, {});
    sent();  // (implicit TLS: the greeting's time starts after the handshake)
    return true;
}

void LiveSession::close() {
    if (!link_) return;
    tcp_event(EventKind::close, true, "FIN");
    link_.reset();
}

void LiveSession::tcp_event(EventKind kind, bool by_client, std::string_view args) {
    Event e;
    e.time = now();
    e.kind = kind;
    if (kind == EventKind::close) e.dir = by_client ? Direction::to_server : Direction::to_client;
    e.conn = conn_;
    e.host = by_client ? std::string_view(options_.client_name) : std::string_view(target_.host);
    e.peer = by_client ? std::string_view(target_.host) : std::string_view(options_.client_name);
    e.protocol = "tcp";
    e.args = args;
    trace_.append(e);
    if (on_event) on_event(trace_.at(trace_.size() - 1));
}

}  // namespace mailsim::live
