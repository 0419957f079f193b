// panel_timeline.cpp — step, play, jump and scrub through the trace.
//
// ← and → step one event, space plays and pauses, Home and End go to either
// end. The jump buttons go to the next (or previous) connection, queue scan,
// deferral, delivery or bounce. Below, the event just shown, as the
// terminal prints it, and its explanation.
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
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120);
    ImGui::SliderFloat("##speed", &s.speed, 0.5f, 50.0f, T(app, "gui.timeline.speed"), ImGuiSliderFlags_Logarithmic);
    for (const Jump& j : kJumps) {
        ImGui::SameLine();
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
        if (app.mono) ImGui::PushFont(app.mono);
        ImGui::TextUnformatted(line.c_str());
        if (app.mono) ImGui::PopFont();
        if (ImGui::IsItemHovered()) CatalogTooltip(app, e.key);
        if (!e.key.empty()) {
            ImGui::SameLine();
            if (auto t = text::find(app.lang, std::string(e.key) + ".name")) ImGui::TextDisabled("— %s", t->data());
        }
    } else {
        ImGui::TextDisabled("%s", T(app, "gui.timeline.start"));
    }
    ImGui::End();
}

}  // namespace mailsim::gui
