// smtp_connection.cpp — engines on the simulated network.
#include "agents/smtp_connection.hpp"

#include <array>
#include <memory>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "agents/world.hpp"

namespace mailsim::agents {

SmtpConnection::SmtpConnection(World& world, std::unique_ptr<smtp::ClientSession> client, SmtpClientOwner* owner,
                               SmtpServerOwner* server_owner)
    : world_(world), tcp_side_(Side::client), client_(std::move(client)), client_owner_(owner),
      server_owner_(server_owner) {
    client_->report_state_changes(world_.trace().recording());  // only a trace shows them
}

SmtpConnection::SmtpConnection(World& world, SmtpServerOwner& server_owner, bool submission)
    : world_(world), tcp_side_(Side::server), server_owner_(&server_owner), submission_(submission) {}

SmtpConnection::~SmtpConnection() = default;

void SmtpConnection::on_open(Network&, ConnectionId id) {
    id_ = id;
    if (tcp_side_ == Side::server) {
        smtp::ServerSettings settings = server_owner_->smtp_settings();
        const TransportSecurity tls = world_.network().security(id);
        settings.starttls = tls.can_start_tls;
        settings.tls_active = tls.tls_active;
        server_ = std::make_unique<smtp::ServerSession>(std::move(settings), server_owner_->policy_for(id, submission_));
        server_->report_state_changes(world_.trace().recording());
        server_->start();
        pump();
    }
}

void SmtpConnection::on_data(Network&, ConnectionId, std::string_view bytes) {
    if (over_) return;
    if (client_) {
        greeted_ = true;
        client_->receive(bytes);
    } else if (server_) {
        server_->receive(bytes);
    }
    pump();
}

void SmtpConnection::on_close(Network&, ConnectionId, CloseReason why) {
    if (over_) return;
    over_ = true;
    if (client_) {
        client_->connection_failed(
            smtp::Reply(421, "4.4.2",
                        why == CloseReason::refused     ? "Connection refused"
                        : why == CloseReason::timed_out ? "No answer from host (connection timed out)"
                        : why == CloseReason::lost      ? "Connection lost"
                                                        : "Connection closed by the server"),
            greeted_ ? "CONNECTION" : "CONNECT");
        pump();
        if (client_owner_) client_owner_->on_conversation_over(greeted_, why);
    }
    if (server_owner_) server_owner_->conversation_closed(id_);
}

namespace {

// The texts of one state change, made once per (role, from, to) and kept:
// every state change of every session passes here.
struct StateTexts {
    std::string key, args, detail;
    StateTexts(std::string_view role, std::string_view from, std::string_view to)
        : key("smtp.state." + std::string(to)), args(std::string(from) + " → " + std::string(to)),
          // State names are plain identifiers: no JSON escapes needed.
          detail(fmt::format(FMT_COMPILE(R"({{"from":"{}","role":"{}","to":"{}"}})"), from, role, to)) {}
};

// One table per engine, indexed by the states' enum values.
template <class Session, size_t N>
const StateTexts& state_texts(std::string_view role, typename Session::State from, typename Session::State to) {
    static std::array<std::array<std::unique_ptr<StateTexts>, N>, N> made;
    auto& slot = made[static_cast<size_t>(from)][static_cast<size_t>(to)];
    if (!slot) slot = std::make_unique<StateTexts>(role, Session::state_name(from), Session::state_name(to));
    return *slot;
}

constexpr size_t kServerStates = static_cast<size_t>(smtp::ServerSession::State::Turned) + 1;
constexpr size_t kClientStates = static_cast<size_t>(smtp::ClientSession::State::Done) + 1;

}  // namespace

void SmtpConnection::state_event(smtp::ServerSession::State from, smtp::ServerSession::State to) {
    if (!world_.trace().recording()) return;
    const StateTexts& t = state_texts<smtp::ServerSession, kServerStates>("server", from, to);
    emit_state(smtp::ServerSession::state_name(to), t.args, t.key, t.detail);
}

void SmtpConnection::state_event(smtp::ClientSession::State from, smtp::ClientSession::State to) {
    if (!world_.trace().recording()) return;
    const StateTexts& t = state_texts<smtp::ClientSession, kClientStates>("client", from, to);
    emit_state(smtp::ClientSession::state_name(to), t.args, t.key, t.detail);
}

void SmtpConnection::emit_state(std::string_view to, std::string_view args, std::string_view key,
                                std::string_view detail) {
    Network& net = world_.network();
    Event e;
    e.time = world_.now();
    e.kind = EventKind::state_change;
    e.host = net.host_of(id_, tcp_side_);
    e.peer = net.host_of(id_, other(tcp_side_));
    e.conn = id_;
    e.protocol = "smtp";
    e.verb = to;
    e.args = args;
    e.key = key;
    e.detail = detail;
    world_.trace().append(e);
}

void SmtpConnection::send(protocol::Outgoing& o) { world_.send_outgoing(id_, tcp_side_, "smtp", o); }

void SmtpConnection::pump() {
    Network& net = world_.network();
    // Events first: a state change happens before the bytes that announce it travel.
    for (bool again = true; again;) {
        again = false;
        if (server_) {
            while (auto e = server_->next_event()) {
                if (e->type == smtp::ServerSession::SessionEvent::Type::state_change) state_event(e->from, e->to);
            }
            server_->take_output(out_);
            for (auto& o : out_) send(o);
            if (server_->state() == smtp::ServerSession::State::Turned) {
                become_client();
                again = true;
                continue;
            }
            if (server_->wants_close()) {
                net.close(id_, tcp_side_);
                return;
            }
        }
        if (client_) {
            bool turned = false;
            while (auto e = client_->next_event()) {
                using T = smtp::ClientSession::SessionEvent::Type;
                if (e->type == T::state_change) {
                    state_event(e->from, e->to);
                } else if (e->type == T::transaction_done) {
                    if (client_owner_) client_owner_->on_transaction_done(std::move(e->result));
                } else if (e->type == T::turned) {
                    turned = true;
                }
            }
            client_->take_output(out_);
            for (auto& o : out_) send(o);
            if (turned && server_owner_) {
                become_server();
                again = true;
                continue;
            }
            if (client_->wants_close()) {
                net.close(id_, tcp_side_);
                return;
            }
        }
    }
}

// RFC 821 §3.8: after 250 to TURN, the old receiver is the sender. We were
// the client; now we answer, starting with a greeting.
void SmtpConnection::become_server() {
    std::string rest = client_->take_unread();
    if (client_owner_) client_owner_->on_conversation_over(true, CloseReason::peer_closed);
    client_owner_ = nullptr;
    client_.reset();
    server_ = std::make_unique<smtp::ServerSession>(server_owner_->smtp_settings(),
                                                    server_owner_->policy_for(id_, false));
    server_->report_state_changes(world_.trace().recording());
    world_.emit(EventKind::note, world_.network().host_of(id_, tcp_side_), "TURN", "now the receiver-SMTP",
                "smtp.turn.now_server", nullptr, world_.network().host_of(id_, other(tcp_side_)), id_, "smtp");
    server_->start();
    if (!rest.empty()) server_->receive(rest);
}

// We were the server and said 250 to TURN: now we send, waiting first for
// the new server's greeting.
void SmtpConnection::become_client() {
    std::string peer_name = server_->envelope().client_name;
    std::string rest = server_->take_unread();
    smtp::ClientSettings cs;
    cs.helo_name = server_owner_->smtp_settings().hostname;
    client_ = std::make_unique<smtp::ClientSession>(cs);
    client_->report_state_changes(world_.trace().recording());
    server_.reset();
    world_.emit(EventKind::note, world_.network().host_of(id_, tcp_side_), "TURN", "now the sender-SMTP",
                "smtp.turn.now_client", nullptr, world_.network().host_of(id_, other(tcp_side_)), id_, "smtp");
    client_owner_ = server_owner_->turn_to_client(peer_name, *client_);
    if (!rest.empty()) {
        greeted_ = true;
        client_->receive(rest);
    }
}

}  // namespace mailsim::agents
