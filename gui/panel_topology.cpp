// panel_topology.cpp — hosts and links; what is in flight moves along its link.
//
// User agents, mail servers and the DNS server as boxes, links as lines
// labelled with their latency. A command or reply on its way is a dot with
// its verb ("MAIL", "250") part of the way from sender to receiver; the host
// of the event just shown is outlined. Clicking a dot selects its event.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <imgui_internal.h>  // ImRect

#include "model/topology.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

ImU32 role_colour(const std::string& role) {
    if (role == "mail-server") return IM_COL32(70, 110, 170, 255);
    if (role == "user-agent") return IM_COL32(70, 140, 90, 255);
    if (role == "dns") return IM_COL32(140, 100, 60, 255);
    return IM_COL32(100, 100, 100, 255);
}

const char* role_key(const std::string& role) {
    if (role == "mail-server") return "gui.role.mail_server";
    if (role == "user-agent") return "gui.role.user_agent";
    if (role == "dns") return "gui.role.dns";
    return "gui.role.other";
}

}  // namespace

void ShowTopologyPanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::topology).c_str(), p_open)) {
        ImGui::End();
        return;
    }
    Session& s = app.session;
    const Trace& trace = s.trace();
    static std::uint64_t placed_for = 0;
    static std::vector<HostPlace> places;
    if (placed_for != s.generation()) {
        places = place_hosts(trace);
        placed_for = s.generation();
    }
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 size = ImGui::GetContentRegionAvail();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    auto at = [&](const std::string& host) -> ImVec2 {
        for (const auto& p : places)
            if (p.name == host) return {origin.x + p.x * size.x, origin.y + p.y * size.y};
        return {origin.x + size.x / 2, origin.y + size.y / 2};
    };
    // The host of the event shown last.
    std::string active;
    if (s.cursor() > 0) active = std::string(trace.at(s.cursor() - 1).host);
    const float box_h = 44.0f;
    auto box_of = [&](const HostPlace& p) {
        const float box_w = std::min(170.0f, size.x * p.width);
        const ImVec2 c = at(p.name);
        return ImRect({c.x - box_w / 2, c.y - box_h / 2}, {c.x + box_w / 2, c.y + box_h / 2});
    };
    // Links under the boxes; a link may pass behind a box on its way.
    for (const auto& l : trace.links) dl->AddLine(at(l.a), at(l.b), IM_COL32(120, 120, 130, 255), 2.0f);
    // Each link's latency goes where it covers no box and no other label.
    std::vector<ImRect> taken;
    for (const auto& p : places) {
        const ImRect r = box_of(p);
        taken.push_back(r);
        const ImVec2 c = r.GetCenter();
        dl->AddRectFilled(r.Min, r.Max, role_colour(p.role), 6.0f);
        if (p.name == active) dl->AddRect({r.Min.x - 3, r.Min.y - 3}, {r.Max.x + 3, r.Max.y + 3}, IM_COL32(255, 220, 90, 255), 8.0f, 0, 2.5f);
        const char* role = T(app, role_key(p.role));
        ImVec2 ns = ImGui::CalcTextSize(p.name.c_str()), rs = ImGui::CalcTextSize(role);
        ImGui::PushClipRect(r.Min, r.Max, true);
        dl->AddText({c.x - ns.x / 2, c.y - ns.y + 1}, IM_COL32_WHITE, p.name.c_str());
        dl->AddText({c.x - rs.x / 2, c.y + 1}, IM_COL32(220, 220, 220, 255), role);
        ImGui::PopClipRect();
    }
    // Each link's latency, over the boxes: at its middle, or the nearest
    // point along it where the label covers no box and no other label; where
    // there is none (a small panel), not at all rather than over a name.
    for (const auto& l : trace.links) {
        const ImVec2 a = at(l.a), b = at(l.b);
        const std::string lat = format_duration(l.latency);
        const ImVec2 ts = ImGui::CalcTextSize(lat.c_str());
        auto label_at = [&](float t) {
            const ImVec2 m{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
            return ImRect({m.x - ts.x / 2 - 2, m.y + 2}, {m.x + ts.x / 2 + 2, m.y + 3 + ts.y});
        };
        std::optional<ImRect> free;
        for (float t : {0.5f, 0.4f, 0.6f, 0.3f, 0.7f, 0.2f, 0.8f}) {
            const ImRect r = label_at(t);
            if (std::none_of(taken.begin(), taken.end(), [&](const ImRect& o) { return o.Overlaps(r); })) {
                free = r;
                break;
            }
        }
        if (!free) continue;
        const ImRect best = *free;
        taken.push_back(best);
        dl->AddRectFilled(best.Min, best.Max, IM_COL32(16, 16, 20, 200), 3.0f);
        dl->AddText({best.Min.x + 2, best.Min.y + 1}, IM_COL32(170, 170, 180, 255), lat.c_str());
    }
    // What is on its way.
    SimTime now = s.cursor_time();
    if (s.playing && s.cursor() < trace.size()) {
        SimTime next = trace.at(s.cursor()).time;
        now += static_cast<SimTime>(static_cast<double>(next - now) * s.phase);
    }
    auto flights = in_flight(trace, s.cursor(), now, !s.playing);
    for (const auto& f : flights) {
        ImVec2 a = at(f.from), b = at(f.to);
        ImVec2 p{a.x + (b.x - a.x) * f.fraction, a.y + (b.y - a.y) * f.fraction};
        const Event e = trace.at(f.seq);
        const LineClass cls = s.index().event_class(f.seq);
        const bool sel = s.selected && *s.selected == f.seq;
        dl->AddCircleFilled(p, sel ? 9.0f : 7.0f, line_colour(cls));
        std::string label = e.kind == EventKind::bytes ? (e.verb.empty() ? std::string(T(app, "gui.topology.message"))
                                                                         : std::string(e.verb))
                                                       : std::string(to_string(e.kind));
        ImVec2 ls = ImGui::CalcTextSize(label.c_str());
        dl->AddRectFilled({p.x - ls.x / 2 - 3, p.y - 26}, {p.x + ls.x / 2 + 3, p.y - 10}, IM_COL32(20, 20, 25, 220), 3.0f);
        dl->AddText({p.x - ls.x / 2, p.y - 26}, line_colour(cls), label.c_str());
        ImGui::SetCursorScreenPos({p.x - 9, p.y - 9});
        ImGui::PushID(static_cast<int>(f.seq));
        if (ImGui::InvisibleButton("dot", {18, 18})) s.select(f.seq);
        if (ImGui::IsItemHovered()) CatalogTooltip(app, e.key);
        ImGui::PopID();
    }
    ImGui::SetCursorScreenPos({origin.x, origin.y + size.y - ImGui::GetTextLineHeightWithSpacing()});
    ImGui::TextDisabled("%s", TF(app, "gui.topology.status", {{"time", format_seconds(now)},
                                                              {"flying", std::to_string(flights.size())}})
                                  .c_str());
    ImGui::End();
}

}  // namespace mailsim::gui
