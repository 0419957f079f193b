// world.hpp — everything one simulation runs: clock, network, DNS, hosts.
//
// A World owns its scheduler, its seeded generator and its Trace, so two
// Worlds never share state and the same scenario and seed give the same
// trace bytes. Stepping the World runs one scheduled action; views read the
// Trace it grows.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/config.hpp"
#include "core/dns.hpp"
#include "core/network.hpp"
#include "core/scheduler.hpp"
#include "core/trace.hpp"
#include "protocol/outgoing.hpp"

namespace mailsim::agents {

class MailServer;
class UserAgent;

class World {
public:
    explicit World(std::uint64_t seed = 1, std::int64_t start_epoch = 1795338000 /* 2026-11-22T09:00:00Z */);
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    Scheduler& scheduler() { return sched_; }
    Trace& trace() { return trace_; }
    Network& network() { return net_; }
    Dns& dns() { return dns_; }
    Rng& rng() { return rng_; }
    SimTime now() const { return sched_.now(); }
    std::int64_t start_epoch() const { return start_epoch_; }
    const std::string& date_now() const;  // RFC 5322 date of the current simulated time

    MailServer& add_server(MailServerConfig config);
    UserAgent& add_agent(UserAgentConfig config);
    void add_dns_server(const std::string& host);
    MailServer* server(const std::string& host);
    UserAgent* agent(const std::string& host);
    const std::vector<std::unique_ptr<MailServer>>& servers() const { return servers_; }
    const std::vector<std::unique_ptr<UserAgent>>& agents() const { return agents_; }

    // Schedules a user agent to compose and send a mail.
    void schedule_mail(OutgoingMail mail);
    // Schedules a user agent to fetch its user's mail.
    void schedule_fetch(Retrieval how);

    bool step() { return sched_.step(); }
    void run_until(SimTime t) { sched_.run_until(t); }
    // Runs until nothing is left to do or `limit`; returns the time reached.
    SimTime run(SimTime limit);

    // An event that is not bytes on a connection (queue, delivery, note...).
    // `detail` is dumped with sorted keys, so the trace stays deterministic.
    void emit(EventKind kind, std::string_view host, std::string_view verb, std::string_view args,
              std::string_view key, const nlohmann::json& detail = nullptr, std::string_view peer = {},
              std::uint32_t conn = 0, std::string_view protocol = {});

    // The same with the detail already JSON text (see core/json_text.hpp).
    void emit_json_text(EventKind kind, std::string_view host, std::string_view verb, std::string_view args,
                        std::string_view key, std::string_view detail_json, std::string_view peer = {},
                        std::uint32_t conn = 0, std::string_view protocol = {});

    // A session's state change on a connection, as its own event: key
    // "<protocol>.state.<to>", role "client" or "server".
    void state_change(ConnectionId id, Side side, std::string_view protocol, std::string_view role,
                      std::string_view from, std::string_view to);

    // Sends what an engine handed out on a connection, with its annotation;
    // the trace's args are worked out only when recording.
    // Credentials in it (protocol/redact.hpp) are recorded as "[redacted]"
    // unless keep_secrets is set: traces and handouts get passed around.
    void send_outgoing(ConnectionId id, Side side, std::string_view proto, protocol::Outgoing& o);
    void set_keep_secrets(bool keep) { keep_secrets_ = keep; }
    bool keep_secrets() const { return keep_secrets_; }

    // A fresh queue or message id, deterministic for the seed.
    std::string make_id(size_t hex_digits);

private:
    Scheduler sched_;
    Trace trace_;
    Network net_{sched_, trace_};
    Dns dns_{net_};
    Rng rng_;
    std::int64_t start_epoch_;
    bool keep_secrets_ = false;
    mutable SimTime date_second_ = -1;  // date_now() is asked often; a second's text is made once
    mutable std::string date_text_;
    std::vector<std::unique_ptr<MailServer>> servers_;
    std::vector<std::unique_ptr<UserAgent>> agents_;
    std::deque<OutgoingMail> mails_;  // scheduled mails wait here; the scheduler holds their index
};

}  // namespace mailsim::agents
