// mail_server.cpp — receive, queue, scan, deliver, bounce.
#include "agents/mail_server.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "agents/bouncer.hpp"
#include "agents/deliverer.hpp"
#include "agents/http_connection.hpp"
#include "agents/imap_connection.hpp"
#include "agents/pop3_connection.hpp"
#include "agents/smtp_receiver.hpp"
#include "agents/world.hpp"
#include "codec/sha256.hpp"
#include "core/ascii.hpp"
#include "core/json_text.hpp"
#include "protocol/smtp/path.hpp"

namespace mailsim::agents {

std::string_view header_value(std::string_view content, std::string_view name) {
    size_t pos = 0;
    while (pos < content.size()) {
        size_t eol = content.find("\r\n", pos);
        if (eol == pos || eol == std::string_view::npos) break;
        if (eol > pos + name.size() && content[pos + name.size()] == ':' && iequals(content.substr(pos, name.size()), name)) {
            std::string_view v = content.substr(pos + name.size() + 1, eol - pos - name.size() - 1);
            while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
            return v;
        }
        pos = eol + 2;
    }
    return {};
}

namespace {
}  // namespace

MailServer::MailServer(World& world, MailServerConfig config)
    : world_(world), config_(std::move(config)), mailboxes_(world.start_epoch()),
      deliverer_(std::make_unique<Deliverer>(*this)) {
    if (config_.smtp.hostname == "mail.example" || config_.smtp.hostname.empty()) config_.smtp.hostname = config_.host;
}

MailServer::~MailServer() = default;

const std::string& MailServer::webmail_secret() {
    if (!webmail_secret_.empty()) return webmail_secret_;
    const std::uint64_t seed = world_.trace().source.seed;
    webmail_secret_ = codec::sha256_hex(fmt::format("mailsim webmail cookie secret\n{}\n{}", seed, config_.host));
    world_.emit(EventKind::note, config_.host, "webmail",
                fmt::format("session cookies are signed with a secret derived from the seed ({}): the run stays "
                            "deterministic, and anyone with the scenario could forge a session",
                            seed),
                "agent.http.secret_from_seed", {{"secret", "derived from the seed"}, {"seed", seed}});
    return webmail_secret_;
}

void MailServer::start() {
    Network& net = world_.network();
    for (std::uint16_t port : {std::uint16_t{25}, std::uint16_t{587}}) {
        bool submission = port == 587;
        net.listen(config_.host, port, [this, submission](ConnectionId) {
            return std::make_unique<SmtpConnection>(world_, *this, submission);
        });
    }
    // RFC 1939 §3: POP3 on port 110, for the server's own users.
    net.listen(config_.host, 110, [this](ConnectionId) { return std::make_unique<Pop3ServerConnection>(world_, *this); });
    // RFC 3501 §2.1: IMAP on port 143; RFC 9110 §4.2.1: the webmail on port 80.
    net.listen(config_.host, 143, [this](ConnectionId) { return std::make_unique<ImapServerConnection>(world_, *this); });
    net.listen(config_.host, 80, [this](ConnectionId) { return std::make_unique<HttpServerConnection>(world_, *this); });
}

bool MailServer::idle() const { return queue_.empty() && !deliverer_->busy() && receivers_.empty(); }

const UserConfig* MailServer::find_user(const std::string& local_part) const {
    for (const auto& u : config_.users)
        if (iequals(u.name, local_part)) return &u;
    return nullptr;
}

std::optional<std::string> MailServer::override_response(std::string_view protocol, std::string_view command,
                                                          std::string_view args, ConnectionId id) {
    const SimTime now = world_.now();
    for (auto& rule : config_.overrides) {
        if (rule.protocol != protocol || !iequals(rule.command, command)) continue;
        if (now < rule.from || now >= rule.until || (rule.times > 0 && rule.used >= rule.times)) continue;
        if (!rule.match.empty() && !icontains(args, rule.match)) continue;
        ++rule.used;
        world_.emit(EventKind::note, config_.host, std::string(command), rule.response, "agent.override.applied",
                    {{"command", std::string(command)}, {"match", rule.match}, {"reply", rule.response}},
                    world_.network().host_of(id, Side::client), id, protocol);
        return rule.response;
    }
    return std::nullopt;
}

void MailServer::mail_changed(const std::string& user, const ImapServerConnection* by) {
    // A copy: a session told of the change may end and leave the set.
    const std::vector<ImapServerConnection*> sessions = imap_sessions_;
    for (ImapServerConnection* c : sessions)
        if (c != by && std::find(imap_sessions_.begin(), imap_sessions_.end(), c) != imap_sessions_.end()) c->mail_changed(user);
}

bool MailServer::is_local_domain(const std::string& domain) const {
    return !domain.empty() && iequals(domain, config_.domain);
}

std::string MailServer::new_queue_id() {
    // Postfix-like short hex ids, unique per server, deterministic for the seed.
    ++id_counter_;
    return fmt::format(FMT_COMPILE("{}{:X}"), world_.make_id(5), id_counter_);
}

smtp::ServerPolicy& MailServer::policy_for(ConnectionId id, bool submission) {
    auto& slot = receivers_[id];
    slot = std::make_unique<SmtpReceiver>(*this, id, submission);
    return *slot;
}

void MailServer::conversation_closed(ConnectionId id) {
    // The session that used this policy may still be unwinding: drop it later.
    world_.scheduler().at(world_.now(), [this, id] { receivers_.erase(id); });
}

SmtpClientOwner* MailServer::turn_to_client(const std::string& peer_name, smtp::ClientSession& client) {
    return deliverer_->deliver_on_turn(peer_name, client);
}

void MailServer::store_locally(const std::string& user, const std::string& rcpt, const std::string& sender,
                               const std::string& content, const std::string& queue_id, bool bounce) {
    StoredMessage m;
    m.id = queue_id;
    m.sender = sender;
    m.recipient = rcpt;
    m.content.reserve(content.size() + sender.size() + 18);
    m.content.append("Return-Path: <").append(sender).append(">\r\n").append(content);
    m.arrived = world_.now();
    m.bounce = bounce;
    if (world_.trace().recording()) {
        std::string_view mid = header_value(content, "Message-ID");
        std::string_view subject = header_value(content, "Subject");
        std::string detail = JsonObject()
                                 .boolean("bounce", bounce)
                                 .str("from", sender)
                                 .str("mailbox", user)
                                 .str("message_id", mid)
                                 .str("queue_id", queue_id)
                                 .str("rcpt", rcpt)
                                 .num("size", static_cast<std::int64_t>(m.content.size()))
                                 .str("subject", subject)
                                 .done();
        world_.emit_json_text(EventKind::delivery, config_.host, user,
                              fmt::format(FMT_COMPILE("<{}> stored in {}'s mailbox (from <{}>{})"), rcpt, user, sender,
                                          bounce ? ", a bounce" : ""),
                              bounce ? "agent.delivery.bounce" : "agent.delivery.mailbox", detail);
    }
    mailboxes_.store(user, std::move(m));
    mail_changed(user);
}

std::string MailServer::enqueue(std::string sender, std::vector<std::string> rcpts, std::string content,
                                std::string queue_id, smtp::MailMode mode) {
    QueuedMessage m;
    m.mode = mode;
    m.id = queue_id.empty() || queue_.find(queue_id) ? new_queue_id() : std::move(queue_id);
    m.sender = std::move(sender);
    if (world_.trace().recording()) m.message_id = header_value(content, "Message-ID");  // shown in queue events
    m.content = std::make_shared<const std::string>(std::move(content));
    for (auto& r : rcpts) m.rcpts.push_back({std::move(r), QueuedRecipient::State::pending, "", "", "", false});
    m.arrived = world_.now();
    QueuedMessage& q = queue_.add(std::move(m));
    if (world_.trace().recording())
        world_.emit_json_text(EventKind::queue_enqueue, config_.host, q.id,
                              fmt::format(FMT_COMPILE("{} from <{}> to {} recipient(s), waits for the next queue scan"), q.id,
                                          q.sender, q.rcpts.size()),
                              "agent.queue.enqueue", OutgoingQueue::entry_json(q));
    // Scans happen every queue_run_delay, on that grid; only while there is
    // something to scan, so an idle world comes to rest.
    if (!scan_scheduled_) {
        SimTime d = config_.queue.queue_run_delay > 0 ? config_.queue.queue_run_delay : kSecond;
        SimTime next = (world_.now() / d + 1) * d;
        scan_scheduled_ = true;
        world_.scheduler().at(next, [this] { scan(); });
    }
    return q.id;
}

void MailServer::scan() {
    scan_scheduled_ = false;
    if (queue_.empty()) return;  // the last message left since this scan was set
    if (world_.trace().recording()) {
        size_t due = 0;
        for (const auto& [k, m] : queue_.messages())
            due += m.queue == QueuedMessage::Queue::incoming ||
                   (m.queue == QueuedMessage::Queue::deferred && m.next_attempt <= world_.now());
        world_.emit_json_text(EventKind::queue_scan, config_.host, "scan",
                    fmt::format(FMT_COMPILE("{} message(s) queued: incoming {}, active {}, deferred {}; {} due now"), queue_.size(),
                                queue_.count(QueuedMessage::Queue::incoming), queue_.count(QueuedMessage::Queue::active),
                                queue_.count(QueuedMessage::Queue::deferred), due),
                    "agent.queue.scan", queue_.snapshot(due));
    }
    std::vector<std::string> due = queue_.take_due(world_.now());
    if (!due.empty()) deliverer_->deliver(due);
    if (!queue_.empty() && !scan_scheduled_) {
        scan_scheduled_ = true;
        world_.scheduler().after(config_.queue.queue_run_delay > 0 ? config_.queue.queue_run_delay : kSecond,
                                 [this] { scan(); });
    }
}

void MailServer::recipient_result(const std::string& queue_id, const std::string& rcpt, bool delivered,
                                  bool permanent, const std::string& reply, const std::string& remote_host,
                                  const std::string& stage) {
    QueuedMessage* m = queue_.find(queue_id);
    if (!m) return;
    for (auto& r : m->rcpts) {
        if (r.address != rcpt || r.state != QueuedRecipient::State::pending) continue;
        r.last_reply = reply;
        r.remote_host = remote_host;
        r.stage = stage;
        if (delivered) r.state = QueuedRecipient::State::sent;
        else if (permanent) r.state = QueuedRecipient::State::failed;
        break;
    }
}

void MailServer::attempt_over(const std::string& queue_id) {
    QueuedMessage* m = queue_.find(queue_id);
    if (!m) return;
    if (m->outstanding > 0) --m->outstanding;
    if (m->outstanding == 0) finalize(queue_id);
}

void MailServer::finalize(const std::string& queue_id) {
    QueuedMessage& m = *queue_.find(queue_id);
    bool any_failed = false, any_pending = false;
    for (const auto& r : m.rcpts) {
        if (r.state == QueuedRecipient::State::failed && !r.reported) any_failed = true;
        if (r.state == QueuedRecipient::State::pending) any_pending = true;
    }
    if (any_failed) bounce(m, false);
    if (!any_pending) {
        if (world_.trace().recording())
            world_.emit_json_text(EventKind::note, config_.host, m.id,
                                  fmt::format(FMT_COMPILE("{} leaves the queue: every recipient is done"), m.id), "agent.queue.done",
                                  OutgoingQueue::entry_json(m));
        queue_.remove(queue_id);
        return;
    }
    SimTime waited = world_.now() - m.arrived;
    if (waited >= config_.queue.maximal_queue_lifetime) {
        for (auto& r : m.rcpts)
            if (r.state == QueuedRecipient::State::pending) r.state = QueuedRecipient::State::failed;
        bounce(m, true);
        queue_.remove(queue_id);
        return;
    }
    m.queue = QueuedMessage::Queue::deferred;
    m.next_attempt = world_.now() + OutgoingQueue::backoff(config_.queue, m.attempts);
    if (world_.trace().recording()) {
        std::string why;
        for (const auto& r : m.rcpts)
            if (r.state == QueuedRecipient::State::pending) why += (why.empty() ? "" : "; ") + r.address + ": " + r.last_reply;
        world_.emit_json_text(EventKind::queue_defer, config_.host, m.id,
                              fmt::format(FMT_COMPILE("{} deferred after attempt {}; next attempt not before {} ({})"), m.id,
                                          m.attempts, format_seconds(m.next_attempt), why),
                              "agent.queue.defer", OutgoingQueue::entry_json(m));
    }
    if (!scan_scheduled_) {
        scan_scheduled_ = true;
        SimTime d = config_.queue.queue_run_delay > 0 ? config_.queue.queue_run_delay : kSecond;
        world_.scheduler().at((world_.now() / d + 1) * d, [this] { scan(); });
    }
}

void MailServer::bounce(QueuedMessage& m, bool expired) {
    BounceReport report;
    report.from_host = config_.host;
    report.from_domain = config_.domain;
    report.to = m.sender;
    report.date = world_.date_now();
    report.expired = expired;
    report.waited = format_duration(world_.now() - m.arrived);
    for (auto& r : m.rcpts) {
        if (r.state != QueuedRecipient::State::failed || r.reported) continue;
        r.reported = true;
        std::string reply = r.last_reply.empty() ? "no delivery attempt succeeded" : r.last_reply;
        if (expired) reply = "delivery time expired (" + report.waited + "); last answer: " + reply;
        report.items.push_back({r.address, r.remote_host, reply, r.stage});
    }
    if (report.items.empty()) return;
    std::string names;
    for (const auto& i : report.items) names += (names.empty() ? "" : ", ") + i.recipient;
    if (m.sender.empty()) {
        // Never bounce a bounce (RFC 5321 §6.1): it would loop.
        world_.emit(EventKind::note, config_.host, m.id,
                    fmt::format(FMT_COMPILE("{}: undeliverable bounce to {} dropped (a bounce is never bounced)"), m.id, names),
                    "agent.bounce.dropped", nullptr);
        return;
    }
    report.message_id = fmt::format(FMT_COMPILE("<{}.{}@{}>"), world_.make_id(8), m.id, config_.host);
    std::string text = Bouncer::compose(report, *m.content);
    world_.emit(EventKind::bounce, config_.host, m.id,
                fmt::format(FMT_COMPILE("{} → non-delivery report to <{}> for {}{}"), m.id, m.sender, names,
                            expired ? " (gave up: queue lifetime over)" : ""),
                expired ? "agent.bounce.expired" : "agent.bounce.failed",
                {{"queue_id", m.id}, {"to", m.sender}, {"rcpts", names}, {"expired", expired}});
    std::string sender_domain = smtp::domain_of(m.sender);
    if (is_local_domain(sender_domain)) {
        store_locally(to_lower(smtp::local_part_of(m.sender)), m.sender, "", text, new_queue_id(), true);
    } else {
        enqueue("", {m.sender}, text);
    }
}

}  // namespace mailsim::agents
