// panel_timeline.cpp — step, play, jump and scrub through the trace.
//
// ← and → step one event, space plays and pauses, Home and End go to either
// end. The jump buttons go to the next (or previous) connection, queue scan,
// deferral, delivery or bounce. Below, the event just shown, as the
// terminal prints it, and its explanation.
#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "ui.hpp"
#include "view/transcript.hpp"

namespace mailsim::gui {

namespace {

struct Jump {
    EventKind kind;
    const char* key;
};
constexpr Jump kJumps[] = {
    {EventKind::connect, "gui.timeline.connection"}, {EventKind::queue_scan, "gui.timeline.scan"},
    {EventKind::queue_defer, "gui.timeline.defer"},   {EventKind::delivery, "gui.timeline.delivery"},
    {EventKind::bounce, "gui.timeline.bounce"},
};

}  // namespace

void ShowTimelinePanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::timeline).c_str(), p_open,
                      ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoScrollbar)) {
        ImGui::End();
        return;
    }
    Session& s = app.session;
    const size_t n = s.trace().size();
    if (ImGui::Button("|<")) s.set_cursor(0);
    ImGui::SameLine();
    if (ImGui::Button("<")) s.step(-1);
    ImGui::SameLine();
    if (ImGui::Button(s.playing ? T(app, "gui.timeline.pause") : T(app, "gui.timeline.play"))) {
        if (s.cursor() >= n) s.set_cursor(0);
        s.playing = !s.playing;
    }
    ImGui::SameLine();
    if (ImGui::Button(">")) s.step(1);
    ImGui::SameLine();
    if (ImGui::Button(">|")) s.set_cursor(n);
    SameLineIfFits(Px(app, 120));
    ImGui::SetNextItemWidth(Px(app, 120));
    ImGui::SliderFloat("##speed", &s.speed, 0.5f, 50.0f, T(app, "gui.timeline.speed"), ImGuiSliderFlags_Logarithmic);
    // The jumps follow on the same row while it has room, then on the next.
    for (const Jump& j : kJumps) {
        SameLineIfFits(2 * ImGui::GetFrameHeight() + 4 + ImGui::CalcTextSize(T(app, j.key)).x);
        ImGui::PushID(j.key);
        if (ImGui::ArrowButton("prev", ImGuiDir_Left)) s.jump_prev(j.kind);
        ImGui::SameLine(0, 2);
        ImGui::TextUnformatted(T(app, j.key));
        ImGui::SameLine(0, 2);
        if (ImGui::ArrowButton("next", ImGuiDir_Right)) s.jump_next(j.kind);
        ImGui::PopID();
    }
    int cursor = static_cast<int>(s.cursor());
    ImGui::SetNextItemWidth(-1);
    std::string label = fmt::format("{} / {}  ({})", cursor, n, format_seconds(s.cursor_time()));
    if (ImGui::SliderInt("##scrub", &cursor, 0, static_cast<int>(n), label.c_str())) s.set_cursor(static_cast<size_t>(cursor));

    // The event just shown.
    if (s.cursor() > 0) {
        const Event e = s.trace().at(s.cursor() - 1);
        view::TranscriptOptions o;
        o.lang = app.lang;
        o.states = true;
        o.message_lines = 1;
        std::string line = view::format_event(e, o);
        if (auto nl = line.find('\n'); nl != std::string::npos) line.resize(nl);
        if (line.empty()) line = fmt::format("{} {} {} {}", format_seconds(e.time), to_string(e.kind), e.host, e.args);
        // The line, and the name of its command or reply after it: both fitted to the row.
        std::string name;
        if (!e.key.empty())
            if (auto t = text::find(app.lang, std::string(e.key) + ".name")) name = "— " + std::string(*t);
        const float name_w = name.empty() ? 0 : ImGui::CalcTextSize(name.c_str()).x + ImGui::GetStyle().ItemSpacing.x;
        const float avail = ImGui::GetContentRegionAvail().x;
        if (app.mono) ImGui::PushFont(app.mono);
        FitText(app, line, std::max(avail * 0.6f, avail - name_w));
        if (app.mono) ImGui::PopFont();
        if (ImGui::IsItemHovered()) CatalogTooltip(app, e.key);
        if (!name.empty()) {
            ImGui::SameLine();
            FitTextDisabled(app, name);
        }
    } else {
        FitTextDisabled(app, T(app, "gui.timeline.start"));
    }
    // The panel's height is what it holds: at a large scale the buttons take
    // two rows, and the panels above make room (app.cpp's layout).
    const float needed = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y - ImGui::GetStyle().ItemSpacing.y;
    if (std::abs(needed - app.timeline_height) > 1.0f) app.timeline_height = needed;
    ImGui::End();
}

}  // namespace mailsim::gui
