// pop3_connection.cpp — POP3 engines on the simulated network.
#include "agents/pop3_connection.hpp"

#include <fmt/format.h>

#include "agents/mail_server.hpp"
#include "agents/user_agent.hpp"
#include "agents/world.hpp"

namespace mailsim::agents {

// The server's mailboxes, users and POP3 overrides, for one session.
class Pop3ServerConnection::Access : public pop3::Pop3Backend {
public:
    Access(MailServer& s, ConnectionId id) : server_(s), id_(id) {}
    std::optional<std::string> override_for(std::string_view command, std::string_view args) override {
        return server_.override_response("pop3", command, args, id_);
    }
    bool user_exists(const std::string& user) override { return server_.find_user(user) != nullptr; }
    bool check_password(const std::string& user, const std::string& password) override {
        return server_.password_matches(user, password);
    }
    std::optional<std::string> secret(const std::string& user) override {
        const UserConfig* u = server_.find_user(user);
        return u ? std::optional<std::string>(u->password) : std::nullopt;
    }
    std::vector<pop3::MaildropMessage> open_maildrop(const std::string& user) override {
        std::vector<pop3::MaildropMessage> drop;
        for (const auto& m : server_.mailboxes().of(mailbox(user)))
            drop.push_back({m.uid, std::make_shared<const std::string>(m.content)});
        return drop;
    }
    void remove(const std::string& user, const std::vector<std::string>& uids) override {
        size_t n = server_.mailboxes().remove(mailbox(user), uids);
        server_.mail_changed(mailbox(user));
        server_.world().emit(EventKind::note, server_.host(), "UPDATE",
                             fmt::format("{} message(s) removed from {}'s mailbox", n, mailbox(user)),
                             "agent.pop3.update", {{"mailbox", mailbox(user)}, {"removed", n}},
                             server_.world().network().host_of(id_, Side::client), id_, "pop3");
    }

private:
    std::string mailbox(const std::string& user) {
        const UserConfig* u = server_.find_user(user);
        return u ? u->name : user;
    }
    MailServer& server_;
    ConnectionId id_;
};

Pop3ServerConnection::Pop3ServerConnection(World& world, MailServer& server)
    : SessionConnection(world, Side::server, "pop3"), server_(server) {}
Pop3ServerConnection::~Pop3ServerConnection() = default;

void Pop3ServerConnection::opened() {
    access_ = std::make_unique<Access>(server_, id_);
    pop3::Pop3Settings s;
    s.hostname = server_.host();
    s.timestamp = fmt::format("<{}.{}@{}>", id_, world_.now() / kMillisecond, server_.host());
    const TransportSecurity tls = world_.network().security(id_);
    s.stls = tls.can_start_tls;
    s.tls_active = tls.tls_active;
    session_.emplace(s, *access_);
    session_->start();
    pump();
}

void Pop3ServerConnection::closed(CloseReason why) {
    // A connection that ends without QUIT never reaches UPDATE: nothing is removed.
    if (session_ && session_->state() == pop3::Pop3ServerSession::State::Transaction)
        world_.emit(EventKind::note, server_.host(), "no UPDATE",
                    fmt::format("connection {} without QUIT: the messages marked by DELE stay", to_string(why)),
                    "agent.pop3.no_update", nullptr, world_.network().host_of(id_, Side::client), id_, "pop3");
}

Pop3ClientConnection::Pop3ClientConnection(World& world, UserAgent& agent, pop3::Pop3ClientSettings settings)
    : SessionConnection(world, Side::client, "pop3"), agent_(agent) {
    session_.emplace(std::move(settings));
}

void Pop3ClientConnection::closed(CloseReason why) {
    if (over_) return;
    over_ = true;
    if (session_->state() != pop3::Pop3ClientSession::State::Done)
        agent_.retrieval_over(false, fmt::format("connection {}", to_string(why)));
}

void Pop3ClientConnection::on_event(Event& e) {
    using T = Event::Type;
    if (e.type == T::retrieved) {
        agent_.retrieved(e.uid, std::move(e.content));
    } else if (e.type == T::finished && !over_) {
        over_ = true;
        agent_.retrieval_over(e.ok, e.error);
    }
}

}  // namespace mailsim::agents
