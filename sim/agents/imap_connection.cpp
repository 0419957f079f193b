// imap_connection.cpp — IMAP engines on the simulated network.
#include "agents/imap_connection.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "agents/mail_server.hpp"
#include "agents/user_agent.hpp"
#include "agents/world.hpp"

namespace mailsim::agents {

// The server's users, their folders and the scenario's IMAP overrides.
class ImapServerConnection::Access : public imap::ImapBackend {
public:
    Access(MailServer& s, ConnectionId id) : server_(s), id_(id) {}
    std::optional<std::string> override_for(std::string_view command, std::string_view args) override {
        return server_.override_response("imap", command, args, id_);
    }
    bool check_login(const std::string& user, const std::string& password) override {
        return server_.password_matches(user, password);
    }
    imap::MailStore* store(const std::string& user) override {
        const UserConfig* u = server_.find_user(user);
        if (!u) return nullptr;
        user_ = u->name;
        return &server_.mailboxes().folders(u->name);
    }
    std::int64_t now() override { return server_.world().start_epoch() + server_.world().now() / kSecond; }
    const std::string& user() const { return user_; }

private:
    MailServer& server_;
    ConnectionId id_;
    std::string user_;  // whose folders the session opened
};

ImapServerConnection::ImapServerConnection(World& world, MailServer& server)
    : SessionConnection(world, Side::server, "imap"), server_(server) {}

ImapServerConnection::~ImapServerConnection() { server_.remove_imap_session(this); }

void ImapServerConnection::opened() {
    access_ = std::make_unique<Access>(server_, id_);
    imap::ImapSettings s;
    s.hostname = server_.host();
    s.literal_limit = server_.config().imap_literal_limit;
    const TransportSecurity tls = world_.network().security(id_);
    s.starttls = tls.can_start_tls;
    s.tls_active = tls.tls_active;
    session_.emplace(s, *access_);
    server_.add_imap_session(this);
    session_->start();
    pump();
}

void ImapServerConnection::closed(CloseReason) { server_.remove_imap_session(this); }

void ImapServerConnection::mail_changed(const std::string& user) {
    if (!session_ || closed_ || access_->user() != user) return;
    session_->notify_changes();
    pump();
}

// What this session did to INBOX (EXPUNGE, APPEND, COPY) reaches the
// mailbox POP3 and the webmail read, and the user's other sessions.
void ImapServerConnection::after_output() {
    if (access_->user().empty()) return;
    const imap::MailStore& store = server_.mailboxes().folders(access_->user());
    if (store.version() != seen_version_) {
        seen_version_ = store.version();
        server_.mailboxes().sync_inbox(access_->user());
        server_.mail_changed(access_->user(), this);
    }
}

void ImapServerConnection::closing() {
    closed_ = true;
    server_.remove_imap_session(this);
}

ImapClientConnection::ImapClientConnection(World& world, UserAgent& agent, imap::ImapClientSettings settings,
                                           SimTime idle_for)
    : SessionConnection(world, Side::client, "imap"), agent_(agent), idle_for_(idle_for) {
    session_.emplace(std::move(settings));
}

void ImapClientConnection::closed(CloseReason why) {
    *alive_ = false;
    if (over_) return;
    over_ = true;
    agent_.imap_over(*session_, false, fmt::format("connection {}", to_string(why)));
}

void ImapClientConnection::on_event(Event& e) {
    using T = Event::Type;
    switch (e.type) {
    case T::state_change:
        // The first IDLE starts the clock: after idle_for the agent stops waiting (DONE).
        if (e.to == imap::ImapClientSession::State::Idle && !idle_scheduled_) {
            idle_scheduled_ = true;
            world_.scheduler().after(idle_for_, [this, alive = alive_] {
                if (!*alive) return;
                session_->stop_idle();
                pump();
            });
        }
        break;
    case T::fetched: agent_.imap_fetched(e); break;
    case T::idle_notice:
        world_.emit(EventKind::note, agent_.host(), "IDLE",
                    fmt::format(FMT_COMPILE("the server says the folder now holds {} message(s): the agent "
                                            "ends IDLE to fetch the new mail"),
                                e.exists),
                    "agent.ua.idle_notice", {{"exists", e.exists}}, world_.network().host_of(id_, Side::server), id_,
                    "imap");
        break;
    case T::finished:
        if (!over_) {
            over_ = true;
            agent_.imap_over(*session_, e.ok, e.error);
        }
        break;
    }
}

}  // namespace mailsim::agents
