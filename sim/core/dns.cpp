// dns.cpp — MX lookups, with the query and the answer as trace events.
#include "core/dns.hpp"

#include "core/ascii.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mailsim {

void Dns::add_mx(const std::string& domain, int preference, const std::string& host) {
    auto& v = mx_[to_lower(domain)];
    v.push_back({preference, host});
    std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.preference < b.preference; });
}

MxAnswer Dns::resolve_mx(const std::string& domain) const {
    MxAnswer a;
    std::string d = to_lower(domain);
    if (auto it = mx_.find(d); it != mx_.end()) {
        a.records = it->second;
    } else if (addresses_.count(d)) {
        a.implicit = true;
        a.records.push_back({0, d});
    } else {
        a.status = MxAnswer::Status::nxdomain;
    }
    return a;
}

static std::string describe(const MxAnswer& a) {
    switch (a.status) {
        case MxAnswer::Status::nxdomain: return "NXDOMAIN (no such domain)";
        case MxAnswer::Status::timed_out: return "no answer (timed out)";
        case MxAnswer::Status::ok: break;
    }
    std::string s;
    for (const auto& r : a.records) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", r.preference, r.host);
    if (a.implicit) s += " (no MX: the domain's own address)";
    return s;
}

void Dns::lookup_mx(const std::string& from_host, const std::string& domain,
                    std::function<void(const MxAnswer&)> done) {
    Trace& trace = net_.trace();
    Scheduler& sched = net_.scheduler();
    SimTime rtt = server_.empty() ? 0 : 2 * net_.latency(from_host, server_);
    bool reachable = server_.empty() || (net_.host_up(server_) && net_.link_up(from_host, server_));
    MxAnswer answer = reachable ? resolve_mx(domain) : MxAnswer{MxAnswer::Status::timed_out, false, {}};
    SimTime answer_at = sched.now() + (reachable ? rtt : timeout_);
    if (trace.recording()) {
        Event q;
        q.time = sched.now();
        q.until = sched.now() + rtt / 2;
        q.kind = EventKind::dns;
        q.host = from_host;
        q.peer = server_;
        q.protocol = "dns";
        q.verb = "MX";
        q.args = domain;
        q.key = "dns.query.mx";
        trace.append(q);
    }
    // The server answers half a round trip after the query left; the answer
    // reaches the asker half a round trip later. A timed-out query has only
    // the asker's giving up.
    SimTime reply_at = reachable ? sched.now() + rtt / 2 : answer_at;
    sched.at(reply_at, [this, from_host, domain, answer, done = std::move(done), rtt, reachable]() mutable {
        Trace& trace = net_.trace();
        if (trace.recording()) {
            nlohmann::json d;
            d["status"] = answer.status == MxAnswer::Status::ok         ? "ok"
                          : answer.status == MxAnswer::Status::nxdomain ? "nxdomain"
                                                                        : "timeout";
            d["implicit"] = answer.implicit;
            d["records"] = nlohmann::json::array();
            for (const auto& r : answer.records)
                d["records"].push_back({{"preference", r.preference}, {"host", r.host}});
            std::string detail = d.dump();
            std::string args = fmt::format("{} → {}", domain, describe(answer));
            Event e;
            e.time = net_.now();
            e.until = reachable && rtt > 0 ? net_.now() + rtt / 2 : 0;
            e.kind = EventKind::dns;
            e.host = reachable && !server_.empty() ? std::string_view(server_) : std::string_view(from_host);
            e.peer = reachable && !server_.empty() ? std::string_view(from_host) : std::string_view(server_);
            e.protocol = "dns";
            e.verb = "MX";
            e.args = args;
            e.key = answer.status == MxAnswer::Status::ok         ? "dns.answer.mx"
                    : answer.status == MxAnswer::Status::nxdomain ? "dns.answer.nxdomain"
                                                                  : "dns.answer.timeout";
            e.detail = detail;
            trace.append(e);
        }
        SimTime rest = reachable ? rtt - rtt / 2 : 0;
        net_.scheduler().after(rest, [answer = std::move(answer), done = std::move(done)] { done(answer); });
    });
}

}  // namespace mailsim
