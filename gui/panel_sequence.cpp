// panel_sequence.cpp — the textbook picture: a lifeline per host, an arrow
// per command, reply, connection event and DNS query, in order, labelled.
//
// Rows are drawn only where the panel shows them (a million arrows scroll
// freely); the zoom slider (or Ctrl + wheel) changes the row height.
// Clicking an arrow selects its event in every panel.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "model/topology.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

std::string arrow_label(const App& app, const Event& e) {
    switch (e.kind) {
    case EventKind::bytes: {
        if (e.verb.empty()) return T(app, "gui.topology.message");
        std::string_view b = e.bytes;
        std::string_view first = b.substr(0, b.find('\n'));
        if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
        return std::string(first);  // fitted to the row where it is drawn
    }
    case EventKind::dns: return fmt::format("DNS {} {}", e.verb, e.args);
    case EventKind::connect: return fmt::format("TCP SYN ({})", e.args);
    case EventKind::accept: return "TCP SYN+ACK";
    case EventKind::refuse: return fmt::format("TCP {}", e.args.empty() ? std::string_view("RST") : e.args);
    case EventKind::close: return "TCP FIN";
    default: return std::string(to_string(e.kind));
    }
}

}  // namespace

void ShowSequencePanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::sequence).c_str(), p_open)) {
        ImGui::End();
        return;
    }
    Session& s = app.session;
    const Trace& trace = s.trace();
    const TraceIndex& index = s.index();
    // Lifelines in the topology's left-to-right order.
    static std::uint64_t placed_for = 0;
    static size_t hosts_placed = 0;  // a serve session adds a client host when a new address connects
    static std::vector<std::string> hosts;
    if (placed_for != s.generation() || hosts_placed != trace.hosts.size()) {
        hosts_placed = trace.hosts.size();
        auto places = place_hosts(trace);
        // Left to right as in the topology; DNS and other helpers at the right end.
        std::stable_sort(places.begin(), places.end(), [](const HostPlace& a, const HostPlace& b) {
            const bool ha = a.role == "dns" || a.y < 0.3f, hb = b.role == "dns" || b.y < 0.3f;
            return ha != hb ? hb : a.x < b.x;
        });
        hosts.clear();
        // A large network: a lifeline for each host that takes part in an arrow, not a thousand.
        std::vector<std::string_view> taking_part;
        if (places.size() > kTextbookHosts) {
            for (std::uint32_t seq : index.arrows()) {
                const Event e = trace.at(seq);
                taking_part.push_back(e.host);
                if (!e.peer.empty()) taking_part.push_back(e.peer);
            }
            std::sort(taking_part.begin(), taking_part.end());
        }
        for (const auto& p : places)
            if (taking_part.empty() || std::binary_search(taking_part.begin(), taking_part.end(), std::string_view(p.name)))
                hosts.push_back(p.name);
        placed_for = s.generation();
    }
    ImGui::SetNextItemWidth(std::min(Px(app, 140), ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("(?)").x -
                                                       ImGui::GetStyle().ItemSpacing.x));
    ImGui::SliderFloat("##zoom", &app.sequence_zoom, 0.5f, 2.5f, T(app, "gui.sequence.zoom"));
    ImGui::SameLine();
    HelpMarker(T(app, "gui.sequence.help"));

    const float time_w = ImGui::CalcTextSize("000.000s").x + Px(app, 10);
    // The rows below always keep room for their scrollbar, so that the header's lifelines meet theirs.
    const float width = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize;
    const float col = hosts.empty() ? 1.0f : (width - time_w) / static_cast<float>(hosts.size());
    auto x_of = [&](std::string_view h, float left) {
        for (size_t i = 0; i < hosts.size(); ++i)
            if (hosts[i] == h) return left + time_w + col * (static_cast<float>(i) + 0.5f);
        return left + time_w;
    };
    // Header: host names above their lifelines, on two staggered rows so
    // that each name may be two columns wide.
    {
        ImVec2 o = ImGui::GetCursorScreenPos();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float line_h = ImGui::GetTextLineHeight() + 4;
        for (size_t i = 0; i < hosts.size(); ++i) {
            const std::string& h = hosts[i];
            // Two columns less the gaps to the neighbours' labels, and never
            // past the panel's edges (the header has no times: the first may
            // reach over their column).
            const float x = x_of(h, o.x), y = o.y + (i % 2) * line_h;
            const float edge = 2 * std::min(x - o.x, o.x + width - x) - 8;
            const float room = std::max(1.0f, std::min(2 * col - 8, edge));
            const float tw = std::min(ImGui::CalcTextSize(h.c_str()).x, room);
            dl->AddLine({x, y + line_h - 2}, {x, o.y + 2 * line_h}, IM_COL32(90, 90, 100, 255));
            dl->AddRectFilled({x - tw / 2 - 3, y}, {x + tw / 2 + 3, y + line_h - 2}, IM_COL32(50, 60, 80, 255), 3.0f);
            FitTextAt(app, dl, {x - tw / 2, y + 1}, IM_COL32_WHITE, h, room);
        }
        ImGui::Dummy({width, 2 * line_h + 2});
    }

    const auto& arrows = index.arrows();
    const size_t n = static_cast<size_t>(std::lower_bound(arrows.begin(), arrows.end(), s.cursor()) - arrows.begin());
    const float row_h = (ImGui::GetTextLineHeight() + Px(app, 8.0f)) * app.sequence_zoom;
    ImGui::BeginChild("rows", {0, 0}, false, ImGuiWindowFlags_AlwaysVerticalScrollbar);
    if (ImGui::IsWindowHovered() && ImGui::GetIO().KeyCtrl && ImGui::GetIO().MouseWheel != 0)
        app.sequence_zoom = std::clamp(app.sequence_zoom + ImGui::GetIO().MouseWheel * 0.1f, 0.5f, 2.5f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float scroll = ImGui::GetScrollY();
    const float view_h = ImGui::GetWindowHeight();
    const size_t first = static_cast<size_t>(std::max(0.0f, scroll / row_h - 1));
    const size_t last = std::min(n, static_cast<size_t>((scroll + view_h) / row_h) + 2);
    // Lifelines over the visible height.
    const float top = o.y + scroll, bottom = o.y + scroll + view_h;
    for (const auto& h : hosts) dl->AddLine({x_of(h, o.x), top}, {x_of(h, o.x), bottom}, IM_COL32(90, 90, 100, 255), 1.0f);
    for (size_t r = first; r < last; ++r) {
        const std::uint32_t seq = arrows[r];
        const Event e = trace.at(seq);
        const float y = o.y + static_cast<float>(r) * row_h;
        const bool sel = s.selected && *s.selected == seq;
        if (sel) dl->AddRectFilled({o.x, y}, {o.x + width, y + row_h}, IM_COL32(80, 80, 40, 160));
        const LineClass cls = s.index().event_class(seq);
        ImU32 colour = line_colour(cls);
        FitTextAt(app, dl, {o.x + 2, y + 2}, IM_COL32(150, 150, 150, 255), format_seconds(e.time), time_w - 4);
        float x1 = x_of(e.host, o.x), x2 = x_of(e.peer.empty() ? e.host : e.peer, o.x);
        const float y1 = y + row_h * 0.55f, y2 = y + row_h * 0.95f;  // slanted: it takes time to arrive
        if (x1 == x2) {
            dl->AddCircleFilled({x1, y1}, 4.0f, colour);
        } else {
            dl->AddLine({x1, y1}, {x2, y2}, colour, 1.6f);
            const float dir = x2 > x1 ? -1.0f : 1.0f;
            const float head = Px(app, 8.0f);
            dl->AddTriangleFilled({x2, y2}, {x2 + dir * head, y2 - head * 0.6f}, {x2 + dir * head, y2 + head * 0.25f}, colour);
        }
        std::string label = arrow_label(app, e);
        ImVec2 ts = ImGui::CalcTextSize(label.c_str());
        // Centred on the arrow when it fits, else from the arrow's left end on.
        const float left = std::min(x1, x2), span = std::abs(x2 - x1);
        // Too long for the room to the panel's right edge (the label sits
        // above the arrow from its left end on): shortened, whole in a tooltip.
        float lx = ts.x + 8 < span ? left + (span - ts.x) / 2 : left + 4;
        if (lx + ts.x > o.x + width - 4) lx = std::max(o.x + time_w + 4, o.x + width - 4 - ts.x);
        // On a backing of the panel's colour: the lifelines it crosses pass under the text, not through it.
        const float room = o.x + width - 4 - lx, ly = y + row_h * 0.55f - ts.y;
        const ImU32 backing = sel ? IM_COL32(60, 60, 34, 255) : IM_COL32(15, 15, 18, 230);  // the row highlight, or the panel's dark
        dl->AddRectFilled({lx - 2, ly}, {lx + std::min(ts.x, room) + 2, ly + ts.y - 1}, backing, 2.0f);
        FitTextAt(app, dl, {lx, ly}, colour, label, room);
        ImGui::SetCursorScreenPos({o.x + time_w, y});
        ImGui::PushID(static_cast<int>(seq));
        if (ImGui::InvisibleButton("arrow", {std::max(1.0f, width - time_w), row_h})) s.select(seq);
        if (ImGui::IsItemHovered()) CatalogTooltip(app, e.key);
        ImGui::PopID();
    }
    ImGui::SetCursorScreenPos(o);
    ImGui::Dummy({width, static_cast<float>(n) * row_h + 4});
    static size_t last_n = 0;
    static float last_row_h = 0;  // the zoom or the UI scale changed it: follow again
    static int pending = 0;  // repeated a frame: ImGui clamps to last frame's height
    if (n != last_n || row_h != last_row_h) pending = 2;
    last_n = n;
    last_row_h = row_h;
    app.scroll_max = ImGui::GetScrollMaxY();
    app.view_h = view_h;
    if (app.force_scroll >= 0) {
        ImGui::SetScrollY(app.force_scroll);
    } else if (app.follow_cursor && pending > 0) {
        ImGui::SetScrollY(std::max(0.0f, static_cast<float>(n) * row_h - view_h + row_h));
        --pending;
    }
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace mailsim::gui
