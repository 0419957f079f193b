// topology.cpp — host places and units in flight.
#include "model/topology.hpp"

#include <algorithm>
#include <cmath>

namespace mailsim::gui {

namespace {

std::string domain_of(const TraceHost& h) {
    if (!h.domain.empty()) return h.domain;
    auto at = h.user.find('@');
    return at == std::string::npos ? std::string{} : h.user.substr(at + 1);
}

}  // namespace

std::vector<HostPlace> place_hosts(const Trace& trace) {
    std::vector<HostPlace> out;
    std::vector<std::string> domains;
    for (const auto& h : trace.hosts) {
        std::string d = domain_of(h);
        if (h.role == "mail-server" && std::find(domains.begin(), domains.end(), d) == domains.end()) domains.push_back(d);
        out.push_back({h.name, h.role, d});
    }
    const size_t D = domains.size();
    auto domain_index = [&](const std::string& d) {
        return static_cast<size_t>(std::find(domains.begin(), domains.end(), d) - domains.begin());
    };
    std::vector<HostPlace*> others;
    std::vector<std::vector<HostPlace*>> agents(D);
    for (auto& p : out) {
        size_t di = domain_index(p.domain);
        if (p.role == "mail-server" && di < D) {
            p.x = D == 2 ? (di == 0 ? 0.28f : 0.72f) : (static_cast<float>(di) + 0.5f) / static_cast<float>(D);
            p.y = 0.45f;
        } else if (p.role == "user-agent" && di < D) {
            agents[di].push_back(&p);
        } else {
            others.push_back(&p);
        }
    }
    for (size_t di = 0; di < D; ++di) {
        const auto& list = agents[di];
        if (D == 2) {  // sender's agents below left, receiver's below right, two to a row going inwards
            const size_t rows = (list.size() + 1) / 2;
            for (size_t k = 0; k < list.size(); ++k) {
                const float inward = static_cast<float>(k % 2) * 0.25f;
                list[k]->x = di == 0 ? 0.14f + inward : 0.86f - inward;
                list[k]->y = (rows > 1 ? 0.72f : 0.80f) + static_cast<float>(k / 2) * 0.19f;
            }
            continue;
        }
        for (size_t k = 0; k < list.size(); ++k) {
            const float off = (static_cast<float>(k) - (static_cast<float>(list.size()) - 1) / 2) * 0.26f;
            list[k]->x = (static_cast<float>(di) + 0.5f) / static_cast<float>(D) + off * 0.5f;
            list[k]->y = 0.85f;
        }
    }
    for (size_t k = 0; k < others.size(); ++k) {  // DNS and anything else: across the top
        others[k]->x = (static_cast<float>(k) + 0.5f) / static_cast<float>(others.size());
        others[k]->y = 0.14f;
    }
    for (auto& p : out) {
        p.x = std::clamp(p.x, 0.06f, 0.94f);
        p.y = std::clamp(p.y, 0.10f, 0.92f);
    }
    // Boxes as wide as their row allows: a little less than the distance to
    // the nearest host beside them.
    for (auto& p : out)
        for (const auto& q : out)
            if (&p != &q && std::abs(p.y - q.y) < 0.12f) p.width = std::min(p.width, std::abs(p.x - q.x) * 0.92f);
    return out;
}

std::vector<InFlight> in_flight(const Trace& trace, size_t cursor, SimTime time, bool midway) {
    std::vector<InFlight> out;
    const size_t end = std::min(cursor, trace.size());
    // Look back over recent events only: latencies are short beside a trace.
    size_t looked = 0;
    for (size_t i = end; i-- > 0 && looked < 400; ++looked) {
        const Event e = trace.at(i);
        if (e.until <= e.time || e.peer.empty()) continue;
        if (e.kind != EventKind::bytes && e.kind != EventKind::connect && e.kind != EventKind::accept &&
            e.kind != EventKind::dns && e.kind != EventKind::close)
            continue;
        float f;
        if (midway && i + 1 == end) f = std::max(0.5f, static_cast<float>(time - e.time) / static_cast<float>(e.until - e.time));
        else if (time >= e.time && time < e.until) f = static_cast<float>(time - e.time) / static_cast<float>(e.until - e.time);
        else continue;
        out.push_back({static_cast<std::uint32_t>(i), std::string(e.host), std::string(e.peer), std::min(f, 1.0f)});
    }
    std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace mailsim::gui
