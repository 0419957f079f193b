// user_agent.cpp — composing and submitting mail.
#include "agents/user_agent.hpp"

#include <algorithm>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "agents/http_connection.hpp"
#include "agents/imap_connection.hpp"
#include "agents/pop3_connection.hpp"
#include "codec/base64.hpp"
#include "codec/encoded_word.hpp"
#include "codec/quoted_printable.hpp"
#include "agents/world.hpp"
#include "core/ascii.hpp"
#include "core/json_text.hpp"
#include "message/builder.hpp"
#include "message/seven_bit.hpp"
#include "protocol/smtp/path.hpp"

namespace mailsim::agents {

namespace {

// "Name <address>"; a display name with specials must be a quoted-string
// (RFC 5322 §3.2.4).
void append_mailbox(std::string& out, const std::string& name, const std::string& address) {
    if (name.empty()) {
        out += address;
        return;
    }
    if (name.find_first_of("()<>[]:;@\\,.\"") == std::string::npos) {
        out += name;
    } else {
        out += '"';
        for (char c : name) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += " <";
    out += address;
    out += '>';
}

void append_joined(std::string& out, const std::vector<std::string>& v) {
    for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out += ", ";
        out += v[i];
    }
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    append_joined(s, v);
    return s;
}

// Header fields are ASCII: other text goes as RFC 2047 encoded words. (An
// encoded word holds no specials, so it is never quoted.)
void append_header_text(std::string& out, const std::string& s) {
    if (!has_8bit(s)) {
        out += s;
        return;
    }
    auto w = codec::encode_words(s, "UTF-8", 'B');
    out += w ? *w : s;
}

}  // namespace

UserAgent::UserAgent(World& world, UserAgentConfig config) : world_(world), config_(std::move(config)) {}

std::string UserAgent::compose(const OutgoingMail& mail, std::string& message_id) {
    const std::string domain = smtp::domain_of(config_.address);
    message_id = fmt::format(FMT_COMPILE("<{}.{}@{}>"), world_.now() / kMillisecond, world_.make_id(10), domain);
    bool structured = !mail.html.empty() || !mail.attachments.empty();
    message::BuiltBody body =
        message::build_body(mail.body, mail.html, mail.attachments, structured ? world_.make_id(12) : std::string{},
                            mail.multipart);
    std::string out;
    out.reserve(256 + mail.subject.size() + body.headers.size() + body.body.size());
    // Every field is folded (RFC 5322 §2.2.3): a To: of many addresses would
    // otherwise make a line longer than SMTP's 1000 octets.
    std::string value, name;
    append_header_text(name, config_.display_name);
    append_mailbox(value, name, config_.address);
    message::append_folded_field(out, "From", value);
    if (!mail.to.empty()) {
        value.clear();
        append_joined(value, mail.to);
        message::append_folded_field(out, "To", value);
    }
    if (!mail.cc.empty()) {
        value.clear();
        append_joined(value, mail.cc);
        message::append_folded_field(out, "Cc", value);
    }
    value.clear();
    append_header_text(value, mail.subject);
    message::append_folded_field(out, "Subject", value);
    out += "Date: ";
    out += world_.date_now();
    out += "\r\nMessage-ID: ";
    out += message_id;
    out += "\r\n";
    out += body.headers;
    for (const auto& [field, text] : mail.headers) message::append_folded_field(out, field, text);
    out += "\r\n";
    out += body.body;
    return out;
}

void UserAgent::send(const OutgoingMail& mail) {
    smtp::Transaction t;
    t.id = next_id_++;
    t.mode = mail.mode;
    t.reverse_path = config_.address;
    t.commands = mail.commands;
    for (const auto* list : {&mail.to, &mail.cc, &mail.bcc})
        for (const auto& a : *list) t.recipients.push_back(a);
    std::string message_id;
    t.content = std::make_shared<const std::string>(compose(mail, message_id));
    message_ids_.emplace(t.id, message_id);
    if (world_.trace().recording()) {
        std::string rcpts = "[";
        for (const auto& r : t.recipients) {
            if (rcpts.size() > 1) rcpts += ',';
            append_json_string(rcpts, r);
        }
        rcpts += ']';
        world_.emit_json_text(EventKind::note, config_.host, "compose",
                              fmt::format(FMT_COMPILE("{} writes \"{}\" to {} ({} bytes, {})"), config_.address,
                                          mail.subject, join(t.recipients), t.content->size(), message_id),
                              "agent.compose",
                              JsonObject()
                                  .str("from", config_.address)
                                  .str("message_id", message_id)
                                  .raw("rcpts", rcpts)
                                  .num("size", static_cast<std::int64_t>(t.content->size()))
                                  .str("subject", mail.subject)
                                  .done());
    }
    if (session_ && (session_->state() == smtp::ClientSession::State::Connect ||
                     session_->state() == smtp::ClientSession::State::Ehlo ||
                     session_->state() == smtp::ClientSession::State::Helo)) {
        // Still greeting: this mail rides on the same connection.
        in_flight_.emplace(t.id, t);
        session_->add(std::move(t));
        return;
    }
    outbox_.push_back(std::move(t));
    if (!session_) submit();
}

// RFC 6152 / RFC 2045: the server takes only 7-bit text, so the body is
// re-encoded (message/seven_bit.hpp); the trace says which and why.
Result<std::string> UserAgent::to_7bit(const std::string& content) {
    auto r = message::to_seven_bit(content);
    if (!r) return r.error();
    const bool qp = r->encoding == "quoted-printable";
    const double share = r->body_size == 0 ? 0.0 : static_cast<double>(r->eight_bit) / static_cast<double>(r->body_size);
    world_.emit(EventKind::note, config_.host, r->encoding,
                fmt::format(FMT_COMPILE("{}: the server offers no 8BITMIME and {} of the body's {} bytes are not ASCII "
                                        "({:.0f} %): the body goes as {}"),
                            config_.host, r->eight_bit, r->body_size, share * 100, r->encoding),
                qp ? "agent.ua.seven_bit.qp" : "agent.ua.seven_bit.base64",
                {{"encoding", r->encoding}, {"eight_bit", r->eight_bit}, {"size", r->body_size}});
    return std::move(r->content);
}

void UserAgent::submit() {
    if (outbox_.empty() || session_) return;
    smtp::ClientSettings cs;
    cs.helo_name = config_.host;
    cs.to_7bit = [this](const std::string& content) { return to_7bit(content); };
    auto client = std::make_unique<smtp::ClientSession>(cs);
    session_ = client.get();
    while (!outbox_.empty()) {
        in_flight_.emplace(outbox_.front().id, outbox_.front());
        client->add(std::move(outbox_.front()));
        outbox_.pop_front();
    }
    world_.network().connect(config_.host, config_.server, config_.port,
                             std::make_unique<SmtpConnection>(world_, std::move(client), this));
}

void UserAgent::fetch(const Retrieval& how) {
    if (fetching_) return;  // one retrieval at a time
    fetching_ = true;
    const std::string user = smtp::local_part_of(config_.address);
    if (how.protocol == "imap") {
        imap::ImapClientSettings s;
        s.user = user;
        s.password = config_.password;
        s.partial = how.partial;
        s.seen_uids = imap_seen_;
        s.uidvalidity = imap_uidvalidity_;
        s.file_into = how.file_into;
        s.idle = how.idle > 0;
        s.commands = how.commands;
        world_.emit(EventKind::note, config_.host, "fetch",
                    fmt::format(FMT_COMPILE("{} reads mail with IMAP: it stays on the server{}{}"), config_.address,
                                how.partial ? "; only the text part is fetched" : "",
                                how.idle > 0 ? fmt::format("; then IDLE for {}", format_duration(how.idle)) : ""),
                    "agent.ua.fetch_imap", {{"partial", how.partial}, {"protocol", "imap"}});
        world_.network().connect(config_.host, config_.server, 143,
                                 std::make_unique<ImapClientConnection>(world_, *this, std::move(s), how.idle));
        return;
    }
    if (how.protocol == "http") {
        http::HttpClientSettings s;
        s.host = config_.server;
        s.user = user;
        s.password = config_.password;
        s.seen = web_seen_;
        s.requests = how.commands;
        world_.emit(EventKind::note, config_.host, "fetch",
                    fmt::format(FMT_COMPILE("{} opens the webmail at http://{}/ in a browser"), config_.address,
                                config_.server),
                    "agent.ua.fetch_http", {{"protocol", "http"}});
        world_.network().connect(config_.host, config_.server, 80,
                                 std::make_unique<HttpClientConnection>(world_, *this, std::move(s)));
        return;
    }
    pop3::Pop3ClientSettings s;
    s.user = user;
    s.password = config_.password;
    s.apop = how.apop;
    s.mode = how.keep ? pop3::RetrievalMode::keep : pop3::RetrievalMode::remove;
    s.seen = seen_uids_;
    world_.emit(EventKind::note, config_.host, "fetch",
                fmt::format(FMT_COMPILE("{} checks for mail with POP3 ({})"), config_.address,
                            how.keep ? "download-and-keep" : "download-and-delete"),
                "agent.ua.fetch", {{"mode", how.keep ? "keep" : "delete"}, {"protocol", how.protocol}});
    world_.network().connect(config_.host, config_.server, 110,
                             std::make_unique<Pop3ClientConnection>(world_, *this, std::move(s)));
}

void UserAgent::retrieved(const std::string& uid, std::string content) {
    seen_uids_.insert(uid);
    world_.emit(EventKind::note, config_.host, "inbox",
                fmt::format(FMT_COMPILE("downloaded message {} ({} bytes) into the local inbox"), uid, content.size()),
                "agent.ua.retrieved", {{"size", content.size()}, {"uid", uid}});
    inbox_.push_back(std::move(content));
}

void UserAgent::retrieval_over(bool ok, const std::string& error) {
    fetching_ = false;
    if (!ok) fetch_failed("POP3", error);
}

void UserAgent::fetch_failed(std::string_view protocol, const std::string& error) {
    std::string msg = fmt::format(FMT_COMPILE("could not read mail ({}): {}"), protocol, error);
    errors_.push_back(msg);
    world_.emit(EventKind::notice, config_.host, "fetch", msg, "agent.ua.fetch_failed", {{"error", error}});
}

void UserAgent::imap_fetched(const imap::ImapClientSession::SessionEvent& e) {
    if (e.uid) imap_seen_.insert(e.uid);
    const bool part = !e.section.empty();
    std::string what =
        part && e.size > 0
            ? fmt::format(FMT_COMPILE("fetched part {} of message UID {} in {}: {} of its {} bytes; the rest stays on the server"),
                          e.section, e.uid, e.folder, e.octets, e.size)
            : fmt::format(FMT_COMPILE("fetched message UID {} in {} ({} bytes); the mail stays on the server"), e.uid,
                          e.folder, e.octets);
    world_.emit(EventKind::note, config_.host, "fetched", what, part ? "agent.ua.imap_part" : "agent.ua.imap_fetched",
                {{"folder", e.folder}, {"octets", e.octets}, {"section", e.section}, {"size", e.size}, {"uid", e.uid}});
    inbox_.push_back(e.content);
}

void UserAgent::imap_over(const imap::ImapClientSession& session, bool ok, const std::string& error) {
    fetching_ = false;
    // What this device has seen, for next time (while UIDVALIDITY holds).
    imap_seen_ = session.seen_uids();
    imap_uidvalidity_ = session.uidvalidity();
    if (!ok) fetch_failed("IMAP", error);
}

void UserAgent::webmail_read(const std::string& id, std::string page) {
    web_seen_.insert(id);
    world_.emit(EventKind::note, config_.host, "read",
                fmt::format(FMT_COMPILE("the browser shows message {} ({} bytes of HTML)"), id, page.size()),
                "agent.ua.webmail_read", {{"id", id}, {"size", page.size()}});
    pages_.push_back(std::move(page));
}

void UserAgent::webmail_over(bool ok, const std::string& error) {
    fetching_ = false;
    if (!ok) fetch_failed("HTTP", error);
}

void UserAgent::on_transaction_done(smtp::TransactionResult&& r) {
    auto it = in_flight_.find(r.id);
    if (it == in_flight_.end()) return;
    smtp::Transaction t = std::move(it->second);
    in_flight_.erase(it);
    const std::string message_id = message_ids_[t.id];
    std::vector<std::string> retry;
    for (const auto& rr : r.recipients) {
        if (rr.outcome == smtp::RecipientResult::Outcome::transient) {
            retry.push_back(rr.mailbox);
        } else if (rr.outcome == smtp::RecipientResult::Outcome::permanent) {
            std::string msg = fmt::format(FMT_COMPILE("your server refused <{}>: {}"), rr.mailbox, rr.reply.summary());
            errors_.push_back(msg);
            world_.emit(EventKind::notice, config_.host, "refused", msg, "agent.ua.refused",
                        {{"message_id", message_id}, {"rcpt", rr.mailbox}, {"reply", rr.reply.summary()}});
        }
    }
    if (!retry.empty()) {
        had_transient_ = true;
        t.recipients = std::move(retry);
        outbox_.push_back(std::move(t));
    } else {
        message_ids_.erase(t.id);
    }
}

std::vector<std::string> UserAgent::outbox_ids() const {
    std::vector<std::string> ids;
    for (const auto& t : outbox_)
        if (auto it = message_ids_.find(t.id); it != message_ids_.end()) ids.push_back(it->second);
    return ids;
}

void UserAgent::on_conversation_over(bool, CloseReason) {
    session_ = nullptr;
    bool failed = had_transient_;
    had_transient_ = false;
    if (outbox_.empty() || retry_scheduled_) return;
    if (!failed) {  // mails written while the last conversation was busy: send them now
        world_.scheduler().after(0, [this] { submit(); });
        return;
    }
    retry_scheduled_ = true;
    world_.emit(EventKind::note, config_.host, "outbox",
                fmt::format(FMT_COMPILE("{} message(s) stay in the outbox; trying again in {}"), outbox_.size(),
                            format_duration(config_.retry)),
                "agent.ua.retry", {{"count", outbox_.size()}, {"message_ids", outbox_ids()}, {"retry", format_duration(config_.retry)}});
    world_.scheduler().after(config_.retry, [this] {
        retry_scheduled_ = false;
        submit();
    });
}

}  // namespace mailsim::agents
