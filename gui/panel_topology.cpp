// panel_topology.cpp — hosts and links; what is in flight moves along its link.
//
// User agents, mail servers and the DNS server as boxes, links as lines
// labelled with their latency. A command or reply on its way is a dot with
// its verb ("MAIL", "250") part of the way from sender to receiver, its
// label put where it covers no host; the host of the event just shown is
// outlined. Clicking a dot selects its event.
//
// A large network (a class of a thousand hosts) is drawn grouped by domain
// (model/topology.hpp). The mouse wheel zooms about the pointer, dragging
// pans, a double click or "Reset view" shows the whole picture again. Boxes
// too small for their names show them in a tooltip; a name that does not
// fit its box ends in "…" (FitTextAt).
#include <algorithm>
#include <cfloat>
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

// The picture point under a screen point and back, for the view's zoom and centre.
struct View {
    ImVec2 origin, size;
    float zoom;
    ImVec2 centre;
    ImVec2 to_screen(float x, float y) const {
        return {origin.x + ((x - centre.x) * zoom + 0.5f) * size.x, origin.y + ((y - centre.y) * zoom + 0.5f) * size.y};
    }
    ImVec2 to_picture(ImVec2 s) const {
        return {centre.x + ((s.x - origin.x) / size.x - 0.5f) / zoom, centre.y + ((s.y - origin.y) / size.y - 0.5f) / zoom};
    }
};

void host_tooltip(App& app, const HostPlace& p) {
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(p.name.c_str());
    ImGui::TextDisabled("%s%s%s", T(app, role_key(p.role)), p.domain.empty() ? "" : " · ", p.domain.c_str());
    ImGui::EndTooltip();
}

}  // namespace

void ShowTopologyPanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::topology).c_str(), p_open,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        ImGui::End();
        return;
    }
    Session& s = app.session;
    const Trace& trace = s.trace();
    static std::uint64_t placed_for = 0;
    static size_t hosts_placed = 0;  // a serve session adds a client host when a new address connects
    static TopologyLayout layout;
    if (placed_for != s.generation() || hosts_placed != trace.hosts.size()) {
        layout = layout_topology(trace);
        hosts_placed = trace.hosts.size();
        if (placed_for != s.generation()) {
            app.topology_zoom = 1.0f;
            app.topology_centre_x = app.topology_centre_y = 0.5f;
        }
        placed_for = s.generation();
    }
    const float line_h = ImGui::GetTextLineHeight();
    const float pad = Px(app, 4.0f);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 size{std::max(1.0f, avail.x), std::max(1.0f, avail.y - ImGui::GetFrameHeightWithSpacing())};
    const ImRect canvas(origin, {origin.x + size.x, origin.y + size.y});
    ImGuiIO& io = ImGui::GetIO();
    View view{origin, size, app.topology_zoom, {app.topology_centre_x, app.topology_centre_y}};
    std::vector<const HostPlace*> by_name;  // for at(): hosts sorted by name
    for (const auto& p : layout.hosts) by_name.push_back(&p);
    std::sort(by_name.begin(), by_name.end(), [](const HostPlace* a, const HostPlace* b) { return a->name < b->name; });
    auto find = [&](std::string_view host) -> const HostPlace* {
        auto it = std::lower_bound(by_name.begin(), by_name.end(), host, [](const HostPlace* a, std::string_view h) { return a->name < h; });
        return it != by_name.end() && (*it)->name == host ? *it : nullptr;
    };
    auto at = [&](std::string_view host) -> ImVec2 {
        if (const HostPlace* p = find(host)) return view.to_screen(p->x, p->y);
        return {origin.x + size.x / 2, origin.y + size.y / 2};
    };
    // A box: the textbook picture's as wide as its name needs (up to what its
    // neighbours leave), two lines high; the grouped picture's scaled with
    // the zoom, up to that.
    const float two_lines = 2 * line_h + 2 * pad;
    auto box_of = [&](const HostPlace& p) {
        const char* role = T(app, role_key(p.role));
        const float need = std::max(ImGui::CalcTextSize(p.name.c_str()).x, ImGui::CalcTextSize(role).x) + 2 * pad;
        float w = std::min(need, p.width * size.x * view.zoom);
        float h = two_lines;
        if (layout.grouped()) h = std::min(two_lines, p.height * size.y * view.zoom);
        w = std::max(w, std::min(h, Px(app, 6.0f)));
        const ImVec2 c = at(p.name);
        return ImRect({c.x - w / 2, c.y - h / 2}, {c.x + w / 2, c.y + h / 2});
    };
    // What is on its way: computed first, so that its dots take the mouse before the canvas does.
    SimTime now = s.cursor_time();
    if (s.playing && s.cursor() < trace.size()) {
        SimTime next = trace.at(s.cursor()).time;
        now += static_cast<SimTime>(static_cast<double>(next - now) * s.phase);
    }
    const auto flights = in_flight(trace, s.cursor(), now, !s.playing);
    // A dot travels between the two boxes' edges, never over a host's name:
    // leaving, it sits just outside its sender's box; arriving, just outside the receiver's.
    auto dot_of = [&](const InFlight& f) {
        const ImVec2 a = at(f.from), b = at(f.to);
        const float dx = std::abs(b.x - a.x), dy = std::abs(b.y - a.y), r = Px(app, 8.0f);
        // Where the line from a box's centre leaves it (box half-sizes hw, hh), as a share of the link.
        auto leaves = [&](std::string_view host) {
            const HostPlace* h = find(host);
            if (!h) return 0.0f;
            const ImRect box = box_of(*h);
            const float hw = box.GetWidth() / 2 + r, hh = box.GetHeight() / 2 + r;
            return std::min(dx > 0 ? hw / dx : FLT_MAX, dy > 0 ? hh / dy : FLT_MAX);
        };
        float t0 = leaves(f.from), t1 = 1.0f - leaves(f.to);
        if (!(t0 < t1)) t0 = 0, t1 = 1;  // boxes that touch: centre to centre
        const float t = t0 + (t1 - t0) * f.fraction;
        return ImVec2{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
    };
    auto flight_label = [&](const Event& e) {
        return e.kind == EventKind::bytes ? (e.verb.empty() ? std::string(T(app, "gui.topology.message")) : std::string(e.verb))
                                          : std::string(to_string(e.kind));
    };
    const float dot_r = Px(app, 9.0f);
    for (const auto& f : flights) {
        const ImVec2 p = dot_of(f);
        if (!canvas.Contains(p)) continue;
        ImGui::SetCursorScreenPos({p.x - dot_r, p.y - dot_r});
        ImGui::PushID(static_cast<int>(f.seq));
        if (ImGui::InvisibleButton("dot", {2 * dot_r, 2 * dot_r})) s.select(f.seq);
        if (ImGui::IsItemHovered()) {
            const Event e = trace.at(f.seq);
            ImGui::BeginTooltip();
            ImGui::TextUnformatted(fmt::format("{}  {} → {}", flight_label(e), f.from, f.to).c_str());
            ImGui::EndTooltip();
            CatalogTooltip(app, e.key);
        }
        ImGui::PopID();
    }
    // The canvas: wheel zooms about the pointer, drag pans, double click resets.
    ImGui::SetCursorScreenPos(origin);
    ImGui::InvisibleButton("canvas", size);
    if (ImGui::IsItemHovered() && io.MouseWheel != 0) {
        const ImVec2 under = view.to_picture(io.MousePos);
        const float z = std::clamp(view.zoom * std::pow(1.25f, io.MouseWheel), 1.0f, 64.0f);
        app.topology_zoom = z;
        app.topology_centre_x = under.x - ((io.MousePos.x - origin.x) / size.x - 0.5f) / z;
        app.topology_centre_y = under.y - ((io.MousePos.y - origin.y) / size.y - 0.5f) / z;
    }
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
        app.topology_centre_x -= io.MouseDelta.x / size.x / view.zoom;
        app.topology_centre_y -= io.MouseDelta.y / size.y / view.zoom;
    }
    if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
        app.topology_zoom = 1.0f;
        app.topology_centre_x = app.topology_centre_y = 0.5f;
    }
    const bool canvas_hovered = ImGui::IsItemHovered();

    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(canvas.Min, canvas.Max, true);
    // The host of the event shown last.
    std::string active;
    if (s.cursor() > 0) active = std::string(trace.at(s.cursor() - 1).host);
    std::vector<ImRect> boxes(layout.hosts.size());
    std::vector<bool> named(layout.hosts.size());  // big enough to show its name
    for (size_t i = 0; i < layout.hosts.size(); ++i) boxes[i] = box_of(layout.hosts[i]);
    // Rows closer than two lines of text (a small panel, a large UI scale):
    // a box there is as high as the gap to the box above or below allows,
    // with its name alone, or nothing (the tooltip tells).
    const float gap = Px(app, 3.0f);
    std::vector<float> high(boxes.size());
    for (size_t i = 0; i < boxes.size(); ++i) {
        high[i] = boxes[i].GetHeight();
        for (size_t j = 0; j < boxes.size(); ++j) {
            const ImVec2 a = boxes[i].GetCenter(), b = boxes[j].GetCenter();
            if (i != j && std::abs(a.x - b.x) < (boxes[i].GetWidth() + boxes[j].GetWidth()) / 2 + gap)
                high[i] = std::min(high[i], std::abs(a.y - b.y) - gap);
        }
    }
    for (size_t i = 0; i < boxes.size(); ++i) {
        const ImVec2 c = boxes[i].GetCenter();
        const float h = std::max(high[i], Px(app, 6.0f)), w = boxes[i].GetWidth();
        boxes[i] = ImRect({c.x - w / 2, c.y - h / 2}, {c.x + w / 2, c.y + h / 2});
        named[i] = h >= line_h;
    }
    auto index_of = [&](std::string_view host) { return find(host) ? static_cast<size_t>(find(host) - layout.hosts.data()) : SIZE_MAX; };
    // Links between domains (and to DNS) first: the frames cover them, so
    // that they show between frames, not over the hosts.
    std::vector<bool> link_shown(trace.links.size());
    auto same_group = [&](size_t ia, size_t ib) {
        return layout.grouped() && ia < named.size() && ib < named.size() && !layout.hosts[ia].domain.empty() &&
               layout.hosts[ia].domain == layout.hosts[ib].domain;
    };
    for (size_t li = 0; li < trace.links.size(); ++li) {
        const auto& l = trace.links[li];
        if (!layout.grouped() || same_group(index_of(l.a), index_of(l.b))) continue;
        dl->AddLine(at(l.a), at(l.b), IM_COL32(110, 110, 125, 160), Px(app, 1.5f));
    }
    // Domain frames, each titled with its domain (and its count in a tooltip).
    std::vector<ImRect> taken;
    for (const auto& g : layout.groups) {
        const ImVec2 a = view.to_screen(g.x, g.y), b = view.to_screen(g.x + g.w, g.y + g.h);
        if (!canvas.Overlaps(ImRect(a, b))) continue;
        dl->AddRectFilled(a, b, IM_COL32(40, 44, 56, 255), Px(app, 4.0f));
        dl->AddRect(a, b, IM_COL32(90, 96, 120, 255), Px(app, 4.0f));
        const float title_h = (b.y - a.y) * 0.16f;
        if (title_h < line_h * 0.8f) continue;
        const ImVec2 t{a.x + pad, a.y + std::max(0.0f, (title_h - line_h) / 2)};
        FitTextAt(app, dl, t, IM_COL32(200, 205, 230, 255), g.domain, b.x - a.x - 2 * pad);
        const ImRect title(t, {b.x - pad, t.y + line_h});
        taken.push_back(title);
        if (canvas_hovered && title.Contains(io.MousePos)) {
            ImGui::BeginTooltip();
            ImGui::TextUnformatted(TF(app, "gui.topology.domain", {{"domain", g.domain}, {"hosts", std::to_string(g.hosts)}}).c_str());
            ImGui::EndTooltip();
        }
    }
    // The other links (all of them in the textbook picture), under the
    // boxes; inside a domain's frame a link shows once its ends show their names.
    for (size_t li = 0; li < trace.links.size(); ++li) {
        const auto& l = trace.links[li];
        const size_t ia = index_of(l.a), ib = index_of(l.b);
        if (layout.grouped()) {
            if (!same_group(ia, ib)) {
                link_shown[li] = ia < named.size() && ib < named.size() && named[ia] && named[ib];  // its latency, once zoomed in
                continue;
            }
            if (!(named[ia] && named[ib])) continue;
        }
        link_shown[li] = true;
        dl->AddLine(at(l.a), at(l.b), IM_COL32(120, 120, 130, 255), Px(app, 2.0f));
    }
    // Boxes, and each host's name and role where they fit.
    for (size_t i = 0; i < layout.hosts.size(); ++i) {
        const HostPlace& p = layout.hosts[i];
        const ImRect r = boxes[i];
        if (!canvas.Overlaps(r)) continue;
        taken.push_back(r);
        dl->AddRectFilled(r.Min, r.Max, role_colour(p.role), std::min(Px(app, 6.0f), r.GetHeight() / 3));
        if (p.name == active)
            dl->AddRect({r.Min.x - 3, r.Min.y - 3}, {r.Max.x + 3, r.Max.y + 3}, IM_COL32(255, 220, 90, 255), Px(app, 8.0f), 0, Px(app, 2.5f));
        const float room = r.GetWidth() - 2 * pad;
        if (named[i] && room > 0) {
            const char* role = T(app, role_key(p.role));
            const bool two = r.GetHeight() >= 2 * line_h;
            const float y = two ? r.GetCenter().y - line_h : r.GetCenter().y - line_h / 2;
            const float nw = std::min(ImGui::CalcTextSize(p.name.c_str()).x, room);
            FitTextAt(app, dl, {r.GetCenter().x - nw / 2, y}, IM_COL32_WHITE, p.name, room);
            if (two) {
                const float rw = std::min(ImGui::CalcTextSize(role).x, room);
                FitTextAt(app, dl, {r.GetCenter().x - rw / 2, y + line_h}, IM_COL32(220, 220, 220, 255), role, room);
            } else if (canvas_hovered && r.Contains(io.MousePos)) {
                host_tooltip(app, p);  // the role has no room: it shows on hover
            }
        } else if (canvas_hovered && r.Contains(io.MousePos)) {
            host_tooltip(app, p);  // no room for the name: it shows on hover
        }
    }
    // Each link's latency, over the boxes: at its middle, or the nearest
    // point along it where the label covers no box and no other label; where
    // there is none (a small panel), not at all rather than over a name.
    for (size_t li = 0; li < trace.links.size(); ++li) {
        if (!link_shown[li]) continue;
        const auto& l = trace.links[li];
        const ImVec2 a = at(l.a), b = at(l.b);
        if (!canvas.Contains(a) && !canvas.Contains(b)) continue;
        const std::string lat = format_duration(l.latency);
        const ImVec2 ts = ImGui::CalcTextSize(lat.c_str());
        auto label_at = [&](float t) {
            const ImVec2 m{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
            return ImRect({m.x - ts.x / 2 - 2, m.y + 2}, {m.x + ts.x / 2 + 2, m.y + 3 + ts.y});
        };
        std::optional<ImRect> free;
        for (float t : {0.5f, 0.4f, 0.6f, 0.3f, 0.7f, 0.2f, 0.8f}) {
            const ImRect r = label_at(t);
            if (canvas.Contains(r) && std::none_of(taken.begin(), taken.end(), [&](const ImRect& o) { return o.Overlaps(r); })) {
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
    // What is on its way: a dot, and its label above, below or beside it
    // where it covers no host's box or other label (else only the dot: its
    // tooltip names it).
    for (const auto& f : flights) {
        const ImVec2 p = dot_of(f);
        if (!canvas.Contains(p)) continue;
        const Event e = trace.at(f.seq);
        const LineClass cls = s.index().event_class(f.seq);
        const bool sel = s.selected && *s.selected == f.seq;
        dl->AddCircleFilled(p, Px(app, sel ? 9.0f : 7.0f), line_colour(cls));
        const std::string label = flight_label(e);
        const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
        const float gap = Px(app, 9.0f);
        // Near the dot first, then further up or down (a dot inside a box: past its edge).
        const float far = 2 * line_h + gap;
        const ImVec2 spots[] = {{p.x - ls.x / 2, p.y - gap - ls.y},       {p.x - ls.x / 2, p.y + gap},
                                {p.x + gap, p.y - ls.y / 2},             {p.x - gap - ls.x, p.y - ls.y / 2},
                                {p.x - ls.x / 2, p.y - far - ls.y},       {p.x - ls.x / 2, p.y + far},
                                {p.x - ls.x / 2, p.y - 2 * far - ls.y},   {p.x - ls.x / 2, p.y + 2 * far}};
        for (size_t k = 0; k < std::size(spots); ++k) {
            const ImVec2 at_spot = spots[k];
            const ImRect r({at_spot.x - 3, at_spot.y}, {at_spot.x + ls.x + 3, at_spot.y + ls.y});
            if (!canvas.Contains(r) || std::any_of(taken.begin(), taken.end(), [&](const ImRect& o) { return o.Overlaps(r); }))
                continue;
            taken.push_back(r);
            if (k >= 4)  // away from its dot: a thin line leads back to it
                dl->AddLine({p.x, r.Min.y > p.y ? r.Min.y : r.Max.y}, p, line_colour(cls), 1.0f);
            dl->AddRectFilled(r.Min, r.Max, IM_COL32(20, 20, 25, 220), 3.0f);
            dl->AddText(at_spot, line_colour(cls), label.c_str());
            break;
        }
    }
    dl->PopClipRect();
    // Below the picture: the time and what flies; the zoom, and a reset when zoomed or moved.
    ImGui::SetCursorScreenPos({origin.x, canvas.Max.y + ImGui::GetStyle().ItemSpacing.y});
    const bool moved = app.topology_zoom != 1.0f || app.topology_centre_x != 0.5f || app.topology_centre_y != 0.5f;
    const std::string reset = T(app, "gui.topology.reset");
    const float reset_w = moved ? ImGui::CalcTextSize(reset.c_str()).x + 2 * ImGui::GetStyle().FramePadding.x +
                                      ImGui::GetStyle().ItemSpacing.x
                                : 0.0f;
    const float help_w = ImGui::CalcTextSize("(?)").x + ImGui::GetStyle().ItemSpacing.x;
    ImGui::AlignTextToFramePadding();
    FitTextDisabled(app,
                    TF(app, "gui.topology.status", {{"time", format_seconds(now)}, {"flying", std::to_string(flights.size())}}) +
                        (moved ? fmt::format("  ×{:.1f}", app.topology_zoom) : std::string{}),
                    std::max(1.0f, ImGui::GetContentRegionAvail().x - reset_w - help_w));
    if (moved) {
        ImGui::SameLine();
        if (ImGui::SmallButton(reset.c_str())) {
            app.topology_zoom = 1.0f;
            app.topology_centre_x = app.topology_centre_y = 0.5f;
        }
    }
    ImGui::SameLine();
    HelpMarker(T(app, "gui.topology.help"));
    ImGui::End();
}

}  // namespace mailsim::gui
