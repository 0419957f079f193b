// world.cpp — building and running a World.
#include "agents/world.hpp"

#include <algorithm>
#include <optional>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "agents/mail_server.hpp"
#include "agents/user_agent.hpp"
#include "core/ascii.hpp"
#include "protocol/annotate.hpp"
#include "protocol/redact.hpp"

namespace mailsim::agents {

World::World(std::uint64_t seed, std::int64_t start_epoch) : rng_(seed), start_epoch_(start_epoch) {
    trace_.source.seed = seed;
    trace_.source.start_epoch = start_epoch;
}

World::~World() = default;

const std::string& World::date_now() const {
    SimTime second = sched_.now() / kSecond;
    if (second != date_second_) {
        date_second_ = second;
        date_text_ = rfc5322_date(start_epoch_, sched_.now());
    }
    return date_text_;
}

MailServer& World::add_server(MailServerConfig config) {
    net_.add_host(config.host);
    dns_.add_address(config.host);
    if (!config.domain.empty() && !dns_.has_mx(config.domain)) dns_.add_mx(config.domain, 10, config.host);
    trace_.hosts.push_back({config.host, "mail-server", config.domain, ""});
    servers_.push_back(std::make_unique<MailServer>(*this, std::move(config)));
    servers_.back()->start();
    return *servers_.back();
}

UserAgent& World::add_agent(UserAgentConfig config) {
    net_.add_host(config.host);
    trace_.hosts.push_back({config.host, "user-agent", "", config.address});
    agents_.push_back(std::make_unique<UserAgent>(*this, std::move(config)));
    return *agents_.back();
}

void World::add_dns_server(const std::string& host) {
    net_.add_host(host);
    dns_.set_server(host);
    trace_.hosts.push_back({host, "dns", "", ""});
}

MailServer* World::server(const std::string& host) {
    for (auto& s : servers_)
        if (s->host() == host) return s.get();
    return nullptr;
}

UserAgent* World::agent(const std::string& host) {
    for (auto& a : agents_)
        if (a->host() == host) return a.get();
    return nullptr;
}

void World::schedule_mail(OutgoingMail mail) {
    SimTime at = mail.at;
    size_t index = mails_.size();
    mails_.push_back(std::move(mail));
    sched_.at(at, [this, index] {
        OutgoingMail m = std::move(mails_[index]);
        if (UserAgent* a = agent(m.agent)) a->send(m);
    });
}

void World::schedule_fetch(Retrieval how) {
    sched_.at(how.at, [this, how] {
        if (UserAgent* a = agent(how.agent)) a->fetch(how);
    });
}

SimTime World::run(SimTime limit) {
    while (!sched_.empty() && sched_.next_time() <= limit) sched_.step();
    return sched_.now();
}

void World::state_change(ConnectionId id, Side side, std::string_view protocol, std::string_view role,
                         std::string_view from, std::string_view to) {
    if (!trace_.recording()) return;
    emit(EventKind::state_change, net_.host_of(id, side), to, std::string(from) + " → " + std::string(to),
         std::string(protocol) + ".state." + std::string(to), {{"from", from}, {"role", role}, {"to", to}},
         net_.host_of(id, other(side)), id, protocol);
}

void World::emit(EventKind kind, std::string_view host, std::string_view verb, std::string_view args,
                 std::string_view key, const nlohmann::json& detail, std::string_view peer, std::uint32_t conn,
                 std::string_view protocol) {
    if (!trace_.recording()) return;
    std::string d = detail.is_null() ? std::string{} : detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    emit_json_text(kind, host, verb, args, key, d, peer, conn, protocol);
}

void World::emit_json_text(EventKind kind, std::string_view host, std::string_view verb, std::string_view args,
                           std::string_view key, std::string_view d, std::string_view peer, std::uint32_t conn,
                           std::string_view protocol) {
    if (!trace_.recording()) return;
    Event e;
    e.time = sched_.now();
    e.kind = kind;
    e.host = host;
    e.peer = peer;
    e.conn = conn;
    e.protocol = protocol;
    e.verb = verb;
    e.args = args;
    e.key = key;
    e.detail = d;
    trace_.append(e);
}

void World::send_outgoing(ConnectionId id, Side side, std::string_view proto, protocol::Outgoing& o) {
    if (!trace_.recording()) {
        net_.send(id, side, std::move(o.bytes), Annotation{proto, o.verb, {}, o.key, nullptr, {}});
        return;
    }
    // A password or a session cookie goes over the wire as it is, and into
    // the trace as "[redacted]" unless the scenario's run keeps secrets.
    std::optional<std::string> redacted;
    if (!keep_secrets_) redacted = protocol::redact_secrets(proto, o.verb, o.key, o.bytes, side == Side::client);
    if (!redacted) {
        std::string args = protocol::outgoing_args(o);
        net_.send(id, side, std::move(o.bytes), Annotation{proto, o.verb, args, o.key, nullptr, {}});
        return;
    }
    std::string args = protocol::unit_args(*redacted, o.verb);
    net_.send(id, side, std::move(o.bytes), Annotation{proto, o.verb, args, o.key, &*redacted, R"({"redacted":true})"});
}

std::string World::make_id(size_t hex_digits) {
    // The first digits of the 64-bit value in 16 upper-case hex digits:
    // written straight, as "{:016X}" then a cut would give them.
    const std::uint64_t v = rng_.next();
    std::string s(std::min<size_t>(hex_digits, 16), '0');
    for (size_t i = 0; i < s.size(); ++i) s[i] = kHexDigits[(v >> (60 - 4 * i)) & 15];
    return s;
}

}  // namespace mailsim::agents
