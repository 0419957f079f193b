// deliverer.cpp — MX lookup, connection attempts, SMTP client results.
#include "agents/deliverer.hpp"

#include <algorithm>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "agents/mail_server.hpp"
#include "agents/world.hpp"
#include "message/seven_bit.hpp"
#include "protocol/smtp/path.hpp"

namespace mailsim::agents {

class Deliverer::Attempt : public SmtpClientOwner {
public:
    Attempt(Deliverer& d, std::uint64_t id, std::string domain, std::vector<Item> items)
        : d_(d), id_(id), domain_(std::move(domain)), items_(std::move(items)) {}

    void start() {
        World& w = d_.server_.world();
        w.dns().lookup_mx(d_.server_.host(), domain_, [this](const MxAnswer& a) { on_mx(a); });
    }

    // Used for TURN: the connection exists already.
    void fill(smtp::ClientSession& client) {
        for (size_t i = 0; i < items_.size(); ++i) client.add(transaction(i));
        remote_ = "";
    }
    void set_remote(std::string host) { remote_ = std::move(host); }

    void on_transaction_done(smtp::TransactionResult&& r) override { results_.push_back(std::move(r)); }

    void on_conversation_over(bool reached, CloseReason why) override {
        if (!reached && mx_index_ + 1 < mx_.records.size()) {
            // That MX host refused or did not answer: try the next one (§5.1).
            results_.clear();
            World& w = d_.server_.world();
            w.emit(EventKind::note, d_.server_.host(), "MX", mx_.records[mx_index_ + 1].host, "agent.mx.next",
                   {{"failed", mx_.records[mx_index_].host},
                    {"reason", std::string(to_string(why))},
                    {"next", mx_.records[mx_index_ + 1].host}});
            connect(mx_index_ + 1);
            return;
        }
        commit();
    }

private:
    smtp::Transaction transaction(size_t i) {
        smtp::Transaction t;
        t.id = i;
        const QueuedMessage* m = d_.server_.queue().find(items_[i].queue_id);
        if (m) {
            t.reverse_path = m->sender;
            t.content = m->content;  // shared, not copied
            t.mode = m->mode;
        }
        t.recipients = items_[i].rcpts;
        return t;
    }

    void on_mx(const MxAnswer& a) {
        mx_ = a;
        if (a.status == MxAnswer::Status::nxdomain) {
            fail_all(true, fmt::format(FMT_COMPILE("550 5.4.4 Host or domain name not found (no MX or address record for {})"),
                                       domain_),
                     "DNS");
            return;
        }
        if (a.status == MxAnswer::Status::timed_out) {
            fail_all(false, fmt::format(FMT_COMPILE("451 4.4.3 DNS lookup of {} timed out"), domain_), "DNS");
            return;
        }
        connect(0);
    }

    void connect(size_t index) {
        mx_index_ = index;
        const std::string& target = mx_.records[index].host;
        remote_ = target;
        World& w = d_.server_.world();
        smtp::ClientSettings cs;
        cs.helo_name = d_.server_.host();
        cs.turn = d_.server_.config().queue.turn;
        // RFC 6152 §3: a relay that got 8-bit text over 8BITMIME and meets a
        // server without it re-encodes the text, or returns the message.
        cs.to_7bit = [this, target](const std::string& content) -> Result<std::string> {
            auto r = message::to_seven_bit(content);
            if (!r) return r.error();
            World& w = d_.server_.world();
            if (w.trace().recording())
                w.emit(EventKind::note, d_.server_.host(), r->encoding,
                       fmt::format(FMT_COMPILE("{} offers no 8BITMIME: {} of the body's {} bytes are not ASCII, so the "
                                               "relay re-encodes the body as {} (RFC 6152 §3)"),
                                   target, r->eight_bit, r->body_size, r->encoding),
                       r->encoding == "base64" ? "agent.relay.seven_bit.base64" : "agent.relay.seven_bit.qp",
                       {{"encoding", r->encoding}, {"eight_bit", r->eight_bit}, {"size", r->body_size}}, target);
            return std::move(r->content);
        };
        auto client = std::make_unique<smtp::ClientSession>(cs);
        for (size_t i = 0; i < items_.size(); ++i) client->add(transaction(i));
        w.network().connect(d_.server_.host(), target, 25,
                            std::make_unique<SmtpConnection>(w, std::move(client), this, &d_.server_));
    }

    void fail_all(bool permanent, const std::string& reply, const std::string& stage) {
        for (const auto& item : items_)
            for (const auto& r : item.rcpts)
                d_.server_.recipient_result(item.queue_id, r, false, permanent, reply, "", stage);
        done();
    }

    void commit() {
        std::vector<bool> reported(items_.size(), false);
        for (const auto& r : results_) {
            if (r.id >= items_.size()) continue;
            reported[r.id] = true;
            for (const auto& rr : r.recipients) {
                bool delivered = rr.outcome == smtp::RecipientResult::Outcome::accepted;
                bool permanent = rr.outcome == smtp::RecipientResult::Outcome::permanent;
                bool reached = rr.stage != "CONNECT" && rr.stage != "8BITMIME";  // (8BITMIME: refused here, unsent)
                static const std::string nobody;  // (a reference, so that remote_ is not copied)
                d_.server_.recipient_result(items_[r.id].queue_id, rr.mailbox, delivered, permanent,
                                            rr.reply.summary(), reached ? remote_ : nobody, rr.stage);
            }
        }
        for (size_t i = 0; i < items_.size(); ++i)
            if (!reported[i])
                for (const auto& r : items_[i].rcpts)
                    d_.server_.recipient_result(items_[i].queue_id, r, false, false,
                                                "421 4.4.2 Conversation ended before this message was sent",
                                                remote_, "CONNECTION");
        done();
    }

    void done() {
        for (const auto& item : items_) d_.server_.attempt_over(item.queue_id);
        d_.finished(id_);
    }

    Deliverer& d_;
    std::uint64_t id_;
    std::string domain_;
    std::vector<Item> items_;
    MxAnswer mx_;
    size_t mx_index_ = 0;
    std::string remote_;
    std::vector<smtp::TransactionResult> results_;
};

Deliverer::Deliverer(MailServer& server) : server_(server) {}
Deliverer::~Deliverer() = default;

void Deliverer::deliver(const std::vector<std::string>& queue_ids) {
    // Group pending recipients by destination domain, in a stable order.
    std::map<std::string, std::vector<Item>> by_domain;
    // One message's recipients by domain, in domain order as a std::map
    // would give them; a message has a recipient or two, so a short vector
    // searched from the front does it without a tree per message.
    std::vector<std::pair<std::string, std::vector<std::string>>> rcpts;
    for (const auto& qid : queue_ids) {
        QueuedMessage* m = server_.queue().find(qid);
        if (!m) continue;
        rcpts.clear();
        for (const auto& r : m->rcpts) {
            if (r.state != QueuedRecipient::State::pending) continue;
            std::string domain = smtp::domain_of(r.address);
            auto it = std::find_if(rcpts.begin(), rcpts.end(), [&](const auto& d) { return d.first == domain; });
            if (it == rcpts.end()) it = rcpts.insert(rcpts.end(), {std::move(domain), {}});
            it->second.push_back(r.address);
        }
        std::sort(rcpts.begin(), rcpts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [domain, list] : rcpts) {
            by_domain[domain].push_back({qid, std::move(list)});
            ++m->outstanding;
        }
        if (m->outstanding == 0) server_.attempt_over(qid);
    }
    for (auto& [domain, items] : by_domain) {
        std::uint64_t id = next_id_++;
        auto a = std::make_unique<Attempt>(*this, id, domain, std::move(items));
        Attempt* raw = a.get();
        attempts_.emplace(id, std::move(a));
        raw->start();
    }
}

SmtpClientOwner* Deliverer::deliver_on_turn(const std::string& peer_host, smtp::ClientSession& client) {
    World& w = server_.world();
    std::vector<Item> items;
    auto& q = server_.queue();
    std::vector<std::string> ids;
    for (const auto& [key, m] : q.messages()) {
        if (m.queue == QueuedMessage::Queue::active) continue;
        std::vector<std::string> rcpts;
        for (const auto& r : m.rcpts) {
            if (r.state != QueuedRecipient::State::pending) continue;
            MxAnswer a = w.dns().resolve_mx(smtp::domain_of(r.address));
            for (const auto& rec : a.records)
                if (rec.host == peer_host) {
                    rcpts.push_back(r.address);
                    break;
                }
        }
        if (!rcpts.empty()) {
            items.push_back({m.id, std::move(rcpts)});
            ids.push_back(m.id);
        }
    }
    for (const auto& id : ids) {
        QueuedMessage* m = q.find(id);
        m->queue = QueuedMessage::Queue::active;
        ++m->attempts;
        ++m->outstanding;
    }
    std::uint64_t id = next_id_++;
    auto a = std::make_unique<Attempt>(*this, id, "", std::move(items));
    Attempt* raw = a.get();
    attempts_.emplace(id, std::move(a));
    raw->fill(client);
    raw->set_remote(peer_host);
    return raw;
}

void Deliverer::finished(std::uint64_t attempt_id) {
    // The attempt may be inside its own callback: let it go once that is over.
    World& w = server_.world();
    w.scheduler().at(w.now(), [this, attempt_id] { attempts_.erase(attempt_id); });
}

}  // namespace mailsim::agents
