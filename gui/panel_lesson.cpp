// panel_lesson.cpp — a lesson's steps: narration in the chosen language,
// previous/next, and the panel to look at outlined.
//
// Each step moves the cursor to its event (lessons/*.json, read by
// sim/scenario/lesson). The student may step freely in between; "Back to
// the step" returns to where the lesson stands.
#include <string>

#include <fmt/format.h>

#include "ui.hpp"

namespace mailsim::gui {

void ShowLessonPanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::lesson).c_str(), p_open)) {
        ImGui::End();
        return;
    }
    Session& s = app.session;
    if (!s.lesson()) {
        ImGui::TextWrapped("%s", T(app, "gui.lesson.none"));
        ImGui::End();
        return;
    }
    const scenario::Lesson& lesson = *s.lesson();
    const size_t n = lesson.steps.size(), i = s.lesson_step();
    const auto& step = lesson.steps[i];
    ImGui::TextColored({1.0f, 0.85f, 0.45f, 1.0f}, "%s", lesson.title.in(app.lang).c_str());
    if (ImGui::ArrowButton("prev", ImGuiDir_Left) && i > 0) s.go_to_step(i - 1);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-ImGui::GetFrameHeight() - ImGui::GetStyle().ItemSpacing.x);
    std::string current = fmt::format("{}/{}  {}", i + 1, n, step.title.in(app.lang));
    if (ImGui::BeginCombo("##step", current.c_str())) {
        for (size_t k = 0; k < n; ++k) {
            std::string label = fmt::format("{}. {}", k + 1, lesson.steps[k].title.in(app.lang));
            if (ImGui::Selectable(label.c_str(), k == i)) s.go_to_step(k);
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::ArrowButton("next", ImGuiDir_Right) && i + 1 < n) s.go_to_step(i + 1);
    ImGui::Separator();
    ImGui::BeginChild("narration", {0, -ImGui::GetFrameHeightWithSpacing()});
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(step.text.in(app.lang).c_str());
    ImGui::PopTextWrapPos();
    if (!step.panel.empty()) {
        ImGui::Spacing();
        ImGui::TextColored({1.0f, 0.8f, 0.3f, 1.0f}, "%s",
                           TF(app, "gui.lesson.look", {{"panel", T(app, "gui.panel." + step.panel)}}).c_str());
    }
    ImGui::EndChild();
    if (s.cursor() != step.cursor) {
        if (ImGui::Button(T(app, "gui.lesson.back"))) s.go_to_step(i);
        ImGui::SameLine();
    }
    if (i + 1 < n && ImGui::Button(T(app, "gui.lesson.next"))) s.go_to_step(i + 1);
    ImGui::End();
}

}  // namespace mailsim::gui
