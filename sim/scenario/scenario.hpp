// scenario.hpp — a JSON scenario: the world to build and what happens in it.
//
// A scenario names the domains' mail servers (users, lists, settings), the
// users' agents, link latencies, the mails to send and when, faults (a host
// down from t1 to t2, a service not listening, a link down, a server that
// answers 421 at connect) and reply overrides (server X answers COMMAND,
// optionally only when its argument contains MATCH, with a given reply).
// The format is documented in README.md ("Scenario files").
//
// Reading checks everything and never crashes: a mistake comes back as an
// Error naming the JSON path and what was expected there, e.g.
// `mails[2].to[0]: expected an address such as bob@hamburger.edu`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agents/config.hpp"
#include "agents/world.hpp"
#include "core/error.hpp"

namespace mailsim::scenario {

struct LinkSpec {
    std::string a, b;
    SimTime latency = 0;
};

struct FaultSpec {
    enum class Type { host_down, service_down, link_down, greeting_421 } type = Type::host_down;
    std::string host;       // host_down, service_down, greeting_421
    std::string a, b;       // link_down
    SimTime from = 0;
    SimTime until = 0;      // 0 = for ever
};
std::string_view to_string(FaultSpec::Type t);

struct OverrideSpec {
    std::string server;     // host of the mail server
    agents::OverrideRule rule;
    std::string reply_text; // as written
};

struct Scenario {
    std::string name;
    std::string title_en, title_zh;
    std::uint64_t seed = 1;
    std::int64_t start_epoch = 1795338000;  // 2026-11-22T09:00:00Z
    SimTime default_latency = 10 * kMillisecond;
    SimTime connect_timeout = 30 * kSecond;
    std::string dns_host;                   // "" = lookups without a DNS server on the network
    SimTime dns_timeout = 5 * kSecond;
    std::vector<std::pair<std::string, MxRecord>> mx;  // explicit MX records
    std::vector<agents::MailServerConfig> servers;
    std::vector<agents::UserAgentConfig> agents;
    std::vector<LinkSpec> links;
    std::vector<agents::OutgoingMail> mails;
    std::vector<agents::Retrieval> fetches;
    std::vector<FaultSpec> faults;
    std::vector<OverrideSpec> overrides;
    SimTime until = 0;                      // suggested end of the run, 0 = when all is done
};

// Reads a scenario from JSON text; `file_name` prefixes error locations.
Result<Scenario> parse_scenario(std::string_view json_text, const std::string& file_name = "scenario");
Result<Scenario> load_scenario(const std::string& path);

// The scenario that `mailsim run` runs with no file: alice@crepes.fr writes to
// bob@hamburger.edu across two servers, one recipient unknown (a bounce),
// one message through a retry.
std::string_view default_scenario_json();

// A World ready to run: hosts, links, DNS, servers, agents, mails and faults
// scheduled. Overrides are copied into the servers' configs.
std::unique_ptr<agents::World> build_world(const Scenario& s, bool record = true);

// The server settings a scenario may set, with their RFC and default, for
// `mailsim explain settings` and the README.
struct SettingInfo {
    std::string_view name;
    std::string_view rfc;
    std::string_view meaning;
};
const std::vector<SettingInfo>& server_settings();

}  // namespace mailsim::scenario
