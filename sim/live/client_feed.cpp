// client_feed.cpp — the worker that runs a LiveSession for a viewer.
#include "live/client_feed.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codec/base64.hpp"
#include "codec/encoded_word.hpp"
#include "core/ascii.hpp"
#include "core/owned_event.hpp"
#include "core/time.hpp"
#include "message/builder.hpp"
#include "message/mime.hpp"
#include "protocol/smtp/path.hpp"

namespace mailsim::live {

namespace {

// The facts of a handshake from its note's detail (live_session.cpp writes them).
std::optional<TlsFacts> tls_facts(const Event& e) {
    if (e.kind != EventKind::note || (e.key != "live.tls.handshake" && e.key != "live.tls.failed")) return std::nullopt;
    const auto d = nlohmann::json::parse(e.detail, nullptr, false);
    if (!d.is_object()) return std::nullopt;
    TlsFacts f;
    f.version = d.value("version", "");
    f.cipher = d.value("cipher", "");
    f.subject = d.value("subject", "");
    f.issuer = d.value("issuer", "");
    f.verified = d.value("verified", false);
    f.verify_result = d.value("verify_result", "");
    return f;
}

FetchedSummary summarize(const FetchedMessage& m) {
    const message::Message parsed = message::parse(m.content);
    auto field = [&](std::string_view name) {
        const message::HeaderField* f = parsed.root ? parsed.root->header(name) : nullptr;
        return f ? codec::decode_words(f->value) : std::string();
    };
    size_t parts = 0;
    std::vector<const message::Part*> todo{parsed.root.get()};
    while (!todo.empty()) {
        const message::Part* p = todo.back();
        todo.pop_back();
        if (!p) continue;
        ++parts;
        for (const auto& c : p->children) todo.push_back(c.get());
    }
    return FetchedSummary{m.id, m.size, field("From"), field("Subject"), parts};
}

}  // namespace

struct ClientFeed::Shared {
    Shared(Target target, LiveOptions options, std::string u, std::string p)
        : session(std::move(target), std::move(options)), user(std::move(u)), password(std::move(p)) {}

    LiveSession session;  // the worker's alone once it runs
    const std::string user, password;

    std::mutex mutex;  // guards what follows
    std::condition_variable wake, stopped;
    std::deque<ClientRequest> queue;
    std::vector<OwnedEvent> pending;  // recorded, not yet in the viewer's trace
    ClientStatus status;
    bool stop = false;  // the feed is going away
    bool done = false;  // the worker has ended

    // One handler a request; true when it went as asked.
    bool operator()(const OpenRequest&) { return session.open(); }
    bool operator()(const CommandRequest& r) { return session.command(fill_credentials(r.line, user, password)); }
    bool operator()(const SendRequest& r) {
        auto result = session.send_message(r.from, r.to, r.content);
        const bool ok = result.has_value();
        std::lock_guard lock(mutex);
        status.sent = std::move(result);
        return ok;
    }
    bool operator()(const FetchRequest& r) {
        FetchOptions o;
        o.user = user;
        o.password = password;
        o.delete_after = r.delete_after;
        o.mailbox = r.mailbox;
        o.max_messages = r.max_messages;
        auto fetched = session.fetch_mail(o);
        std::optional<std::vector<FetchedSummary>> list;
        if (fetched) {
            list.emplace();
            for (const auto& m : *fetched) list->push_back(summarize(m));
        }
        std::lock_guard lock(mutex);
        status.fetched = std::move(list);
        return fetched.has_value();
    }
    bool operator()(const CloseRequest&) {
        session.close();
        return true;
    }

    void run() {
        for (;;) {
            ClientRequest r;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [this] { return stop || !queue.empty(); });
                if (stop) break;
                r = std::move(queue.front());
                queue.pop_front();
                status.phase = std::holds_alternative<OpenRequest>(r)    ? ClientStatus::Phase::connecting
                               : std::holds_alternative<CloseRequest>(r) ? ClientStatus::Phase::closing
                                                                         : ClientStatus::Phase::waiting;
            }
            const bool ok = std::visit(*this, r);
            std::lock_guard lock(mutex);
            --status.queued;
            // A close keeps the reason of the failure before it (a reply that never came).
            if (!ok) {
                status.error = session.error();
                status.failure = session.failure();
            } else if (!std::holds_alternative<CloseRequest>(r)) {
                status.error.clear();
                status.failure = {};
            }
            status.in_text = session.in_text();
            // (A Disconnect that cut a wait short, or a request after it, is closed, not failed;
            // a failure of its own while a Disconnect waits in the queue is still a failure.)
            const bool cut_short = session.failure().key == "live.error.interrupted";
            status.phase = session.connected() ? ClientStatus::Phase::connected
                           : ok || cut_short   ? ClientStatus::Phase::closed
                                               : ClientStatus::Phase::failed;
            // A connection that is over takes no more requests: the worker ends.
            if (!session.connected()) break;
        }
        session.close();
        std::lock_guard lock(mutex);
        if (status.phase != ClientStatus::Phase::failed) status.phase = ClientStatus::Phase::closed;
        status.queued = 0;
        queue.clear();
        done = true;
        stopped.notify_all();
    }
};

std::string fill_credentials(std::string line, const std::string& user, const std::string& password) {
    const std::pair<std::string_view, std::string> fills[] = {
        {"{auth-plain}", codec::base64_encode(std::string(1, '\0') + user + '\0' + password, false)},
        {"{password}", password},
        {"{user}", user},
    };
    // One pass from the left: what a value brings in is not filled again.
    std::string out;
    for (size_t at = 0; at < line.size();) {
        bool filled = false;
        for (const auto& [placeholder, value] : fills)
            if (std::string_view(line).substr(at).starts_with(placeholder)) {
                out += value;
                at += placeholder.size();
                filled = true;
                break;
            }
        if (!filled) out += line[at++];
    }
    return out;
}

std::string compose_message(const std::string& from, const std::vector<std::string>& to, const std::string& subject,
                            const std::string& text, std::int64_t epoch_seconds) {
    std::string out, recipients;
    message::append_folded_field(out, "From", from);
    for (const auto& a : to) recipients += (recipients.empty() ? "" : ", ") + a;
    message::append_folded_field(out, "To", recipients);
    // Header fields are ASCII: other text goes as RFC 2047 encoded words.
    auto words = has_8bit(subject) ? codec::encode_words(subject, "UTF-8", 'B') : Result<std::string>(subject);
    message::append_folded_field(out, "Subject", words ? *words : subject);
    out += "Date: " + rfc5322_date(epoch_seconds, 0) + "\r\n";
    std::random_device rd;
    const std::string domain = smtp::domain_of(from);
    out += fmt::format("Message-ID: <{}.{:08x}@{}>\r\n", epoch_seconds, rd(), domain.empty() ? "mailsim.invalid" : domain);
    const message::BuiltBody body = message::build_body(text, "", {}, "");
    out += body.headers;
    out += "\r\n";
    out += body.body;
    if (!out.ends_with("\r\n")) out += "\r\n";
    return out;
}

ClientFeed::ClientFeed(Target target, LiveOptions options, std::string user, std::string password)
    : target_(target), shared_(std::make_shared<Shared>(std::move(target), std::move(options), std::move(user), std::move(password))) {
    // The session names its hosts and source before it does anything.
    const Trace& t = shared_->session.trace();
    trace_.source = t.source;
    trace_.hosts = t.hosts;
    trace_.links = t.links;
    Shared* s = shared_.get();
    s->session.on_event = [s](const Event& e) {
        std::lock_guard lock(s->mutex);
        s->pending.emplace_back(e);
        if (e.kind == EventKind::bytes && e.dir == Direction::to_client) ++s->status.replies;
        if (auto f = tls_facts(e)) s->status.tls = std::move(f);
    };
    request(OpenRequest{});
    worker_ = std::thread([keep = shared_] {
        keep->run();
        end_link_thread();
    });
}

ClientFeed::~ClientFeed() {
    shared_->session.interrupt();  // a wait for a reply ends within a tenth of a second
    std::unique_lock lock(shared_->mutex);
    shared_->stop = true;
    shared_->wake.notify_all();
    // A worker inside a network wait ends when the wait does; it owns a share of the state.
    if (shared_->stopped.wait_for(lock, std::chrono::milliseconds(250), [this] { return shared_->done; })) {
        lock.unlock();
        worker_.join();
    } else {
        lock.unlock();
        worker_.detach();
    }
}

void ClientFeed::request(ClientRequest r) {
    std::lock_guard lock(shared_->mutex);
    if (shared_->done) return;  // the connection is over: nobody would do it
    if (std::holds_alternative<CloseRequest>(r)) {
        shared_->status.close_asked = true;
        shared_->session.interrupt();  // (only its atomic flag: the session is the worker's)
    }
    shared_->queue.push_back(std::move(r));
    ++shared_->status.queued;
    shared_->wake.notify_all();
}

bool ClientFeed::poll(size_t max_events) {
    if (finished_) return false;
    std::vector<OwnedEvent> got;
    bool done = false;
    {
        std::lock_guard lock(shared_->mutex);
        const size_t n = std::min(max_events, shared_->pending.size());
        got.assign(std::make_move_iterator(shared_->pending.begin()), std::make_move_iterator(shared_->pending.begin() + static_cast<std::ptrdiff_t>(n)));
        shared_->pending.erase(shared_->pending.begin(), shared_->pending.begin() + static_cast<std::ptrdiff_t>(n));
        done = shared_->done && shared_->pending.empty();
    }
    for (const auto& e : got) trace_.append(e.view());
    // The connection closed (by either side) and nothing more will be asked of it.
    finished_ = done;
    return !got.empty();
}

ClientStatus ClientFeed::status() const {
    std::lock_guard lock(shared_->mutex);
    ClientStatus s = shared_->status;
    s.unread = shared_->pending.size();
    return s;
}

}  // namespace mailsim::live
