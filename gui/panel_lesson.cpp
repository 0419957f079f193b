// panel_lesson.cpp — a lesson's steps: narration in the chosen language,
// previous/next, the panel to look at outlined, and the step's checkpoints.
//
// Each step moves the cursor to its event (lessons/*.json, read by
// sim/scenario/lesson). The student may step freely in between; "Back to
// the step" returns to where the lesson stands. A step's checkpoints
// (sim/scenario/checkpoint.hpp) are asked one at a time: choices as
// buttons, a typed answer in a box, a click question by the event selected
// in the Sequence diagram or the Transcript. A "predict" question holds the
// cursor where the step before stopped, and the narration back, until it is
// answered; then the step
// plays and the answer is graded by its event. A wrong answer shows the
// hint (scrolled into view under a long narration) and outlines the panel
// that shows the right one; the score counts answers right at the first try.
#include <charconv>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "ui.hpp"

namespace mailsim::gui {

namespace {

using scenario::CheckpointKind;

// A lesson opened (again) runs its scenario (or reads its trace) anew: the run tells it apart.
std::size_t lesson_id(const scenario::Lesson& l) { return reinterpret_cast<std::uintptr_t>(l.run_id()); }

// The answers of the open lesson, reset when another lesson is opened.
LessonProgress& progress(App& app) {
    LessonProgress& p = app.progress;
    const scenario::Lesson& l = *app.session.lesson();
    if (p.lesson_id != lesson_id(l) || p.steps.size() != l.steps.size()) {
        p = LessonProgress{};
        p.lesson_id = lesson_id(l);
        for (const auto& s : l.steps) p.steps.emplace_back(s.checkpoints.size());
    }
    return p;
}

// The first checkpoint of step i not yet answered right, or -1.
int open_checkpoint(const LessonProgress& p, std::size_t i) {
    for (std::size_t k = 0; k < p.steps[i].size(); ++k)
        if (!p.steps[i][k].right && !p.steps[i][k].settled) return static_cast<int>(k);
    return -1;
}

bool predicting(const scenario::Lesson& l, const LessonProgress& p, std::size_t i) {
    int k = open_checkpoint(p, i);
    return k >= 0 && l.steps[i].checkpoints[static_cast<std::size_t>(k)].kind == CheckpointKind::predict &&
           p.steps[i][static_cast<std::size_t>(k)].tries.empty();
}

// On arriving at a step: a prediction holds the cursor before it; a click
// question starts with nothing selected.
void arrive(App& app, LessonProgress& p, std::size_t i) {
    if (p.entered == i) return;
    p.entered = i;
    p.look = -1;
    p.input[0] = 0;
    Session& s = app.session;
    const auto& step = s.lesson()->steps[i];
    if (predicting(*s.lesson(), p, i)) {
        s.set_cursor(step.previous);
        s.selected.reset();
    }
    int k = open_checkpoint(p, i);
    if (k >= 0 && step.checkpoints[static_cast<std::size_t>(k)].kind == CheckpointKind::click) s.selected.reset();
}

int score(const LessonProgress& p) {
    int n = 0;
    for (const auto& s : p.steps)
        for (const auto& a : s) n += a.first_right;
    return n;
}

void ShowCheckpoint(App& app, LessonProgress& p, std::size_t i, std::size_t k) {
    Session& s = app.session;
    const scenario::Lesson& lesson = *s.lesson();
    const auto& cp = lesson.steps[i].checkpoints[k];
    const CheckpointAnswer& a = p.steps[i][k];
    ImGui::PushID(static_cast<int>(k));
    const ImVec4 title_colour{0.55f, 0.8f, 1.0f, 1.0f}, predict_colour{1.0f, 0.8f, 0.3f, 1.0f};
    FitText(app, TF(app, "gui.checkpoint.title", {{"n", std::to_string(k + 1)}, {"of", std::to_string(p.steps[i].size())}}), 0,
            &title_colour);
    if (cp.kind == CheckpointKind::predict && a.tries.empty()) {
        SameLineIfFits(std::min(ImGui::CalcTextSize(T(app, "gui.checkpoint.predict")).x, Px(app, 80)));
        FitText(app, T(app, "gui.checkpoint.predict"), 0, &predict_colour);
    }
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(cp.question.in(app.lang).c_str());
    ImGui::PopTextWrapPos();
    if (!a.right && !a.settled) {
        if (!cp.choices.empty()) {
            for (std::size_t c = 0; c < cp.choices.size(); ++c) {
                std::string label = fmt::format("{}. {}", c + 1, cp.choices[c].in(app.lang));
                if (ImGui::Button(label.c_str())) AnswerCheckpoint(app, std::to_string(c + 1));
                if (c + 1 < cp.choices.size()) {
                    float next = ImGui::CalcTextSize(fmt::format("{}. {}", c + 2, cp.choices[c + 1].in(app.lang)).c_str()).x +
                                 ImGui::GetStyle().FramePadding.x * 2;
                    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + next < ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
                        ImGui::SameLine();
                }
            }
        } else if (cp.kind == CheckpointKind::click) {
            ImGui::TextWrapped("%s", T(app, "gui.checkpoint.click"));
            if (s.selected && *s.selected < s.trace().size()) {
                ImGui::TextWrapped("%s", TF(app, "gui.checkpoint.selected",
                                            {{"event", scenario::describe_event(s.trace().at(*s.selected))}}).c_str());
                if (ImGui::Button(T(app, "gui.checkpoint.answer"))) AnswerCheckpoint(app, "");
            }
        } else {
            ImGui::SetNextItemWidth(-ImGui::CalcTextSize(T(app, "gui.checkpoint.answer")).x - 3 * ImGui::GetStyle().ItemSpacing.x);
            bool enter = ImGui::InputText("##answer", p.input, sizeof p.input, ImGuiInputTextFlags_EnterReturnsTrue);
            ImGui::SameLine();
            if ((ImGui::Button(T(app, "gui.checkpoint.answer")) || enter) && p.input[0]) AnswerCheckpoint(app, p.input);
        }
    }
    if (!a.tries.empty()) {
        const std::string feedback = scenario::grade(cp, lesson.trace(), a.last, app.lang).feedback;
        const ImVec4 amber{1.0f, 0.75f, 0.2f, 1.0f};
        if (!a.tries.empty() && !a.right) FitText(app, "> " + a.tries.back(), 0, &amber);
        ImGui::PushStyleColor(ImGuiCol_Text, a.right ? ImVec4{0.45f, 0.9f, 0.45f, 1.0f} : ImVec4{1.0f, 0.75f, 0.2f, 1.0f});
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(feedback.c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
        if (!a.right && ImGui::SmallButton(T(app, "gui.checkpoint.show_event"))) {
            if (cp.kind != CheckpointKind::click) s.select(static_cast<std::uint32_t>(s.lesson()->trace().at(cp.event).seq));
            else s.set_cursor(lesson.steps[i].cursor);
        }
    }
    ImGui::PopID();
}

}  // namespace

std::optional<std::string> TeacherAnswer(App& app) {
    Session& s = app.session;
    if (!s.lesson()) return std::nullopt;
    LessonProgress& p = progress(app);
    arrive(app, p, s.lesson_step());
    int k = open_checkpoint(p, s.lesson_step());
    if (k < 0) return std::nullopt;
    return scenario::teacher_answer(s.lesson()->steps[s.lesson_step()].checkpoints[static_cast<std::size_t>(k)], s.lesson()->trace());
}

int LessonScore(App& app) { return app.session.lesson() ? score(progress(app)) : 0; }

std::string LessonFeedback(const App& app) { return app.progress.last_feedback; }

bool AnswerCheckpoint(App& app, std::string_view answer) {
    Session& s = app.session;
    if (!s.lesson()) return false;
    LessonProgress& p = progress(app);
    const std::size_t i = s.lesson_step();
    arrive(app, p, i);
    int k = open_checkpoint(p, i);
    if (k < 0) return false;
    const auto& cp = s.lesson()->steps[i].checkpoints[static_cast<std::size_t>(k)];
    std::string given(answer);
    if (cp.kind == CheckpointKind::click && given.empty()) {
        if (!s.selected) return false;
        given = std::to_string(*s.selected);
    }
    auto g = scenario::grade(cp, s.lesson()->trace(), given, app.lang);
    CheckpointAnswer& a = p.steps[i][static_cast<std::size_t>(k)];
    const bool was_predicting = predicting(*s.lesson(), p, i);
    if (a.tries.empty()) a.first_right = g.correct;
    std::string shown = cp.kind == CheckpointKind::click ? "#" + given : given;
    int n = 0;
    if (!cp.choices.empty() && std::from_chars(given.data(), given.data() + given.size(), n).ec == std::errc{} && n >= 1 &&
        n <= static_cast<int>(cp.choices.size()))
        shown += ". " + cp.choices[static_cast<std::size_t>(n - 1)].in(app.lang);
    a.tries.push_back(shown);
    a.right = g.correct;
    a.last = given;
    p.last_feedback = g.feedback;
    p.reveal = 2;  // a long narration must not hide the hint below the fold
    p.input[0] = 0;
    p.look = -1;
    if (!g.correct)
        for (std::size_t n = 0; n < kPanelNames.size(); ++n)
            if (kPanelNames[n] == cp.panel) p.look = static_cast<int>(n);
    if (was_predicting) {
        // The step plays now; a prediction is settled by what happened.
        a.settled = true;
        s.go_to_step(i);
    }
    return true;
}

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
    LessonProgress& p = progress(app);
    const size_t n = lesson.steps.size(), i = s.lesson_step();
    arrive(app, p, i);
    const auto& step = lesson.steps[i];
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{1.0f, 0.85f, 0.45f, 1.0f});
    ImGui::TextWrapped("%s", lesson.title.in(app.lang).c_str());
    ImGui::PopStyleColor();
    const size_t total = scenario::checkpoint_count(lesson);
    FitTextDisabled(app, TF(app, "gui.checkpoint.progress",
                            {{"n", std::to_string(i + 1)}, {"of", std::to_string(n)},
                             {"score", std::to_string(score(p))}, {"total", std::to_string(total)}}));
    if (ImGui::ArrowButton("prev", ImGuiDir_Left) && i > 0) s.go_to_step(i - 1);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-ImGui::GetFrameHeight() - ImGui::GetStyle().ItemSpacing.x);
    // The step's title in the combo, fitted to it (the whole title in a tooltip).
    const std::string current = fmt::format("{}/{}  {}", i + 1, n, step.title.in(app.lang));
    const bool combo = FitCombo(app, "##step", current);
    if (combo) {
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
    // A prediction comes first: the narration would give its answer away.
    const bool hold = predicting(lesson, p, i);
    if (!hold) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(step.text.in(app.lang).c_str());
        ImGui::PopTextWrapPos();
    }
    if (!step.panel.empty() && !hold) {
        ImGui::Spacing();
        const ImVec4 look{1.0f, 0.8f, 0.3f, 1.0f};
        FitText(app, TF(app, "gui.lesson.look", {{"panel", T(app, "gui.panel." + step.panel)}}), 0, &look);
    }
    if (!step.checkpoints.empty()) {
        ImGui::Separator();
        const int open = open_checkpoint(p, i);
        // Questions answered so far, and the open one.
        for (size_t k = 0; k < step.checkpoints.size(); ++k) {
            if (open >= 0 && static_cast<int>(k) > open) break;
            ShowCheckpoint(app, p, i, k);
            ImGui::Spacing();
        }
        if (open < 0) FitTextDisabled(app, T(app, "gui.checkpoint.done"));
    }
    // After an answer, down to its feedback and the next question (the
    // content's height is last frame's, hence two frames).
    if (p.reveal > 0) {
        ImGui::SetScrollHereY(1.0f);
        --p.reveal;
    }
    ImGui::EndChild();
    // The buttons in a row, each on the row while it has room.
    bool first = true;
    auto button = [&](const char* key) {
        if (!first) SameLineIfFits(ButtonWidth(T(app, key)));
        first = false;
        return FitButton(app, T(app, key));
    };
    if (i > 0 && button("gui.checkpoint.back")) s.go_to_step(i - 1);
    if (s.cursor() != step.cursor && !predicting(lesson, p, i) && button("gui.lesson.back")) s.go_to_step(i);
    if (i + 1 < n && button("gui.lesson.next")) s.go_to_step(i + 1);
    ImGui::End();
}

}  // namespace mailsim::gui
