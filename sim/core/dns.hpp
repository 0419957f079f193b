// dns.hpp — the Domain Name System as mail uses it: MX records (RFC 5321 §5.1).
//
// A mail server that must relay to `hamburger.edu` asks for its MX records,
// then tries the hosts in order of preference. A domain without MX records
// falls back to its address record (the "implicit MX"); a domain with
// neither does not exist (NXDOMAIN), which is a permanent failure. When the
// scenario has a DNS server host, the query and answer cross the network
// with its latency and appear in the trace; if that host is down the query
// times out, a temporary failure.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/ascii.hpp"
#include "core/network.hpp"

namespace mailsim {

struct MxRecord {
    int preference = 10;
    std::string host;
};

struct MxAnswer {
    enum class Status { ok, nxdomain, timed_out } status = Status::ok;
    bool implicit = false;         // no MX: the domain's own address record
    std::vector<MxRecord> records;  // sorted by preference
};

class Dns {
public:
    Dns(Network& net) : net_(net) {}

    void set_server(const std::string& host) { server_ = host; }
    const std::string& server() const { return server_; }
    void set_timeout(SimTime t) { timeout_ = t; }
    void add_mx(const std::string& domain, int preference, const std::string& host);
    void add_address(const std::string& name) { addresses_.insert(to_lower(name)); }
    bool has_mx(const std::string& domain) const { return mx_.count(to_lower(domain)) != 0; }

    // Answer from the tables, without the network.
    MxAnswer resolve_mx(const std::string& domain) const;

    // Asks over the network (if there is a DNS server), then calls `done`.
    void lookup_mx(const std::string& from_host, const std::string& domain, std::function<void(const MxAnswer&)> done);


private:
    Network& net_;
    std::string server_;
    SimTime timeout_ = 5 * kSecond;
    std::map<std::string, std::vector<MxRecord>> mx_;
    std::set<std::string> addresses_;
};

}  // namespace mailsim
