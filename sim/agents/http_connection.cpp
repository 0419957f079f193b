// http_connection.cpp — the webmail's HTTP engines on the simulated network.
#include "agents/http_connection.hpp"

#include <charconv>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "agents/mail_server.hpp"
#include "agents/user_agent.hpp"
#include "agents/world.hpp"

namespace mailsim::agents {

namespace {

std::uint32_t uid_of(const std::string& id) {
    std::uint32_t uid = 0;
    auto r = std::from_chars(id.data(), id.data() + id.size(), uid);
    return r.ec == std::errc{} && r.ptr == id.data() + id.size() ? uid : 0;
}

}  // namespace

// The webmail reads the user's IMAP INBOX: a message read in the browser is
// \Seen for IMAP too, and one deleted there is gone from every device.
class HttpServerConnection::Access : public http::WebmailBackend {
public:
    Access(MailServer& s, ConnectionId id) : server_(s), id_(id) {}
    std::optional<std::string> override_for(std::string_view method, std::string_view path) override {
        return server_.override_response("http", method, path, id_);
    }
    bool check_login(const std::string& user, const std::string& password) override {
        return server_.password_matches(user, password);
    }
    std::vector<http::InboxMessage> inbox(const std::string& user) override {
        std::vector<http::InboxMessage> out;
        const imap::Folder* f = inbox_of(user);
        if (!f) return out;
        for (const auto& m : f->messages)
            out.push_back({std::to_string(m.uid), m.content, m.internaldate, m.flags.count("\\Seen") != 0});
        return out;
    }
    void mark_seen(const std::string& user, const std::string& id) override {
        imap::Folder* f = inbox_of(user);
        if (imap::StoredMessage* m = f ? f->find(uid_of(id)) : nullptr) m->flags.insert("\\Seen");
    }
    void remove(const std::string& user, const std::string& id) override {
        const UserConfig* u = server_.find_user(user);
        if (!u || !inbox_of(user)) return;
        const size_t n = server_.mailboxes().folders(u->name).remove_uids("INBOX", {uid_of(id)});
        if (n == 0) return;
        server_.mailboxes().sync_inbox(u->name);
        server_.mail_changed(u->name);
        server_.world().emit(EventKind::note, server_.host(), "delete",
                             fmt::format(FMT_COMPILE("webmail: message {} removed from {}'s mailbox"), id, u->name),
                             "agent.http.deleted", {{"id", id}, {"mailbox", u->name}},
                             server_.world().network().host_of(id_, Side::client), id_, "http");
    }
    std::int64_t now() override { return server_.world().start_epoch() + server_.world().now() / kSecond; }

private:
    imap::Folder* inbox_of(const std::string& user) {
        const UserConfig* u = server_.find_user(user);
        return u ? server_.mailboxes().folders(u->name).folder("INBOX") : nullptr;
    }
    MailServer& server_;
    ConnectionId id_;
};

HttpServerConnection::HttpServerConnection(World& world, MailServer& server)
    : SessionConnection(world, Side::server, "http"), server_(server) {}
HttpServerConnection::~HttpServerConnection() = default;

void HttpServerConnection::opened() {
    access_ = std::make_unique<Access>(server_, id_);
    http::HttpSettings s;
    s.hostname = server_.host();
    s.cookie_secret = server_.webmail_secret();
    session_.emplace(s, *access_);
    pump();
}

HttpClientConnection::HttpClientConnection(World& world, UserAgent& agent, http::HttpClientSettings settings)
    : SessionConnection(world, Side::client, "http"), agent_(agent) {
    session_.emplace(std::move(settings));
}

// In HTTP the client speaks first.
void HttpClientConnection::opened() {
    session_->start();
    pump();
}

void HttpClientConnection::closed(CloseReason why) {
    if (over_) return;
    session_->peer_closed();
    pump();
    if (over_) return;
    over_ = true;
    agent_.webmail_over(false, fmt::format("connection {}", to_string(why)));
}

void HttpClientConnection::on_event(Event& e) {
    using T = Event::Type;
    switch (e.type) {
    case T::state_change: break;                 // traced already
    case T::response: break;                     // the response's bytes are in the trace already
    case T::message_read: agent_.webmail_read(e.id, std::move(e.page)); break;
    case T::finished:
        if (!over_) {
            over_ = true;
            agent_.webmail_over(e.ok, e.error);
        }
        break;
    }
}

}  // namespace mailsim::agents
