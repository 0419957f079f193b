// topology.cpp — host places (the textbook picture, or domains grouped in
// frames for a large network) and units in flight.
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

std::vector<HostPlace> textbook_places(const Trace& trace) {
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

// Domains in a grid of frames, as near square as the picture allows; in each
// frame the mail server centred on top and the agents in rows below it.
TopologyLayout grouped_layout(const Trace& trace) {
    TopologyLayout out;
    std::vector<std::string> domains;
    std::vector<std::vector<size_t>> members;  // per domain: hosts (the server first)
    std::vector<size_t> others;
    for (const auto& h : trace.hosts) {
        out.hosts.push_back({h.name, h.role, domain_of(h)});
        const size_t i = out.hosts.size() - 1;
        const std::string& d = out.hosts[i].domain;
        if (d.empty() || (h.role != "mail-server" && h.role != "user-agent")) {
            others.push_back(i);
            continue;
        }
        auto it = std::find(domains.begin(), domains.end(), d);
        if (it == domains.end()) {
            domains.push_back(d);
            members.emplace_back();
            it = domains.end() - 1;
        }
        auto& m = members[static_cast<size_t>(it - domains.begin())];
        if (h.role == "mail-server") m.insert(m.begin(), i);
        else m.push_back(i);
    }
    const float top = others.empty() ? 0.0f : 0.10f;
    for (size_t k = 0; k < others.size(); ++k) {
        auto& p = out.hosts[others[k]];
        const float cell = 1.0f / static_cast<float>(others.size());
        p.x = (static_cast<float>(k) + 0.5f) * cell;
        p.y = 0.05f;
        p.width = std::min(0.25f, cell * 0.9f);
        p.height = 0.07f;
    }
    const size_t G = domains.size();
    if (G == 0) return out;
    const size_t cols = static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(G))));
    const size_t rows = (G + cols - 1) / cols;
    const float cw = 1.0f / static_cast<float>(cols), ch = (1.0f - top) / static_cast<float>(rows);
    for (size_t g = 0; g < G; ++g) {
        DomainGroup frame{domains[g], static_cast<float>(g % cols) * cw + cw * 0.03f,
                          top + static_cast<float>(g / cols) * ch + ch * 0.03f, cw * 0.94f, ch * 0.94f, members[g].size()};
        // A title band, then the hosts: the server alone on the first row when
        // it is one, the agents in a near-square grid below.
        const auto& m = members[g];
        const bool server_first = out.hosts[m.front()].role == "mail-server";
        const size_t agents = m.size() - (server_first ? 1 : 0);
        const size_t acols = std::max<size_t>(1, static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(agents)))));
        const size_t arows = (agents + acols - 1) / acols + (server_first ? 1 : 0);
        const float title = frame.h * 0.16f;
        const float cell_w = frame.w / static_cast<float>(acols);
        const float cell_h = (frame.h - title) / static_cast<float>(std::max<size_t>(1, arows));
        for (size_t k = 0; k < m.size(); ++k) {
            auto& p = out.hosts[m[k]];
            size_t row, col;
            float row_w = cell_w;
            if (server_first && k == 0) {
                row = 0;
                col = 0;
                row_w = frame.w;
            } else {
                const size_t a = k - (server_first ? 1 : 0);
                row = a / acols + (server_first ? 1 : 0);
                col = a % acols;
            }
            p.x = frame.x + (static_cast<float>(col) + 0.5f) * row_w;
            p.y = frame.y + title + (static_cast<float>(row) + 0.5f) * cell_h;
            p.width = (server_first && k == 0 ? std::min(frame.w, cell_w * 2.0f) : cell_w) * 0.88f;
            p.height = cell_h * 0.80f;
        }
        out.groups.push_back(std::move(frame));
    }
    return out;
}

}  // namespace

TopologyLayout layout_topology(const Trace& trace) {
    if (trace.hosts.size() > kTextbookHosts) return grouped_layout(trace);
    return {textbook_places(trace), {}};
}

std::vector<HostPlace> place_hosts(const Trace& trace) { return layout_topology(trace).hosts; }


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
