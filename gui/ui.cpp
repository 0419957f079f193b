// ui.cpp — texts, colours and small widgets shared by the panels.
#include "ui.hpp"

#include <algorithm>
#include <cmath>

#include <imgui_internal.h>  // the window and table a label is drawn in, for the audit

namespace mailsim::gui {

namespace {

float text_width(std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; }

// Where a label is: the panel's stable id (after "###"), and the table column it is in.
std::string label_place() {
    std::string where;
    if (const ImGuiWindow* w = ImGui::GetCurrentWindowRead()) {
        std::string_view name = w->RootWindow ? w->RootWindow->Name : w->Name;
        const size_t id = name.find("###");
        where = std::string(id == std::string_view::npos ? name : name.substr(id + 3));
    }
    if (ImGuiTable* t = ImGui::GetCurrentTable())
        if (const char* col = ImGui::TableGetColumnName(t, t->CurrentColumn)) where += std::string(": ") + col;
    return where;
}

FittedLabel fit(App& app, std::string_view text, float room) {
    FittedLabel f = fit_label(text, room, text_width);
    app.labels.fitted();
    if (f.shortened) app.labels.cut({label_place(), std::string(text), text_width(text), room, true});
    return f;
}

void whole_text_tooltip(std::string_view text) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40.0f);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

float room_or_rest(float room) { return room > 0 ? room : ImGui::GetContentRegionAvail().x; }

}  // namespace

float next_scale(float scale, int direction) {
    if (direction > 0) {
        for (float s : kScaleSteps)
            if (s > scale + 0.01f) return s;
        return kMaxScale;
    }
    for (auto it = std::rbegin(kScaleSteps); it != std::rend(kScaleSteps); ++it)
        if (*it < scale - 0.01f) return *it;
    return kMinScale;
}

bool FitButton(App& app, const char* label) {
    const float room = ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().FramePadding.x;
    const FittedLabel f = fit(app, label, std::max(1.0f, room));
    const bool clicked = ImGui::Button((f.shown + "###" + label).c_str());
    if (f.shortened && ImGui::IsItemHovered()) whole_text_tooltip(label);
    return clicked;
}

bool FitCombo(App& app, const char* id, std::string_view preview) {
    // The preview has the combo's width less its arrow button and padding.
    const float room = ImGui::CalcItemWidth() - ImGui::GetFrameHeight() - 2 * ImGui::GetStyle().FramePadding.x;
    const FittedLabel f = fit(app, preview, std::max(1.0f, room));
    const bool open = ImGui::BeginCombo(id, f.shown.c_str());
    if (!open && f.shortened && ImGui::IsItemHovered()) whole_text_tooltip(preview);
    return open;
}

void SameLineIfFits(float width) {
    const float x = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x;
    if (x + width <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

float ButtonWidth(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

float CheckboxWidth(const char* label) {
    return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

bool FitText(App& app, std::string_view text, float room, const ImVec4* colour) {
    const FittedLabel f = fit(app, text, room_or_rest(room));
    if (colour) ImGui::PushStyleColor(ImGuiCol_Text, *colour);
    ImGui::TextUnformatted(f.shown.data(), f.shown.data() + f.shown.size());
    if (colour) ImGui::PopStyleColor();
    if (f.shortened && ImGui::IsItemHovered()) whole_text_tooltip(text);
    return f.shortened;
}

bool FitTextDisabled(App& app, std::string_view text, float room) {
    const ImVec4 dim = ImGui::GetStyle().Colors[ImGuiCol_TextDisabled];
    return FitText(app, text, room, &dim);
}

bool FitTextAt(App& app, ImDrawList* dl, ImVec2 pos, ImU32 colour, std::string_view text, float room) {
    const FittedLabel f = fit(app, text, room);
    dl->AddText(pos, colour, f.shown.data(), f.shown.data() + f.shown.size());
    if (f.shortened) {
        const ImVec2 size = ImGui::CalcTextSize(f.shown.c_str());
        if (ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
            ImGui::IsMouseHoveringRect(pos, {pos.x + size.x, pos.y + size.y}))
            whole_text_tooltip(text);
    }
    return f.shortened;
}

bool FitSelectable(App& app, std::string_view text, bool selected, bool* shortened) {
    // The label is drawn by the Selectable; its room is the row less the frame's padding.
    const FittedLabel f = fit(app, text, ImGui::GetContentRegionAvail().x);
    // (Drawn beside an unnamed Selectable: a line of mail may hold "##" or "%".)
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const bool clicked = ImGui::Selectable("##fit", selected, 0, {0, ImGui::GetTextLineHeight()});
    ImGui::GetWindowDrawList()->AddText(pos, ImGui::GetColorU32(ImGuiCol_Text), f.shown.data(), f.shown.data() + f.shown.size());
    if (f.shortened && ImGui::IsItemHovered()) whole_text_tooltip(text);
    if (shortened) *shortened = f.shortened;
    return clicked;
}

const char* T(const App& app, std::string_view key) {
    if (auto t = text::find(app.lang, key)) return t->data();  // the map's strings end in '\0'
    if (auto t = text::find(text::Lang::en, key)) return t->data();
    static thread_local std::string missing;
    missing.assign(key);
    return missing.c_str();
}

std::string TF(const App& app, std::string_view key, const text::Params& params) {
    return text::get(app.lang, key, params);
}

void SetStatus(App& app, std::string_view key, text::Params params) {
    app.status = TF(app, key, params);
    app.status_key = key;
    app.status_params = std::move(params);
}

void SetLanguage(App& app, text::Lang lang) {
    const bool said = !app.status_key.empty() && app.status == TF(app, app.status_key, app.status_params);
    app.lang = lang;
    if (said) app.status = TF(app, app.status_key, app.status_params);
    // The title of a session being served is said in the new language too.
    if (app.live.serving && app.live.generation == app.session.generation())
        app.session.set_title(TF(app, "gui.live.title", {{"name", app.live.served_name}}));
}

ImVec4 line_colour_vec(LineClass c) {
    switch (c) {
    case LineClass::command: return {0.45f, 0.80f, 1.00f, 1.0f};   // client: cyan
    case LineClass::reply2: return {0.45f, 0.90f, 0.45f, 1.0f};    // 2xx: green
    case LineClass::reply3: return {0.55f, 0.65f, 1.00f, 1.0f};    // 3xx: blue
    case LineClass::reply4: return {1.00f, 0.75f, 0.25f, 1.0f};    // 4xx: amber
    case LineClass::reply5: return {1.00f, 0.40f, 0.40f, 1.0f};    // 5xx: red
    case LineClass::message: return {0.85f, 0.85f, 0.85f, 1.0f};
    case LineClass::more: return {0.60f, 0.60f, 0.60f, 1.0f};
    case LineClass::tcp: return {0.65f, 0.65f, 0.75f, 1.0f};
    }
    return {1, 1, 1, 1};
}

ImU32 line_colour(LineClass c) { return ImGui::ColorConvertFloat4ToU32(line_colour_vec(c)); }

void HelpMarker(const char* text) {
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
        ImGui::TextUnformatted(text);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

void CatalogTooltip(const App& app, std::string_view key) {
    if (key.empty()) return;
    std::string name_key = std::string(key) + ".name";
    auto name = text::find(app.lang, name_key);
    auto body = text::find(app.lang, key);
    if (!name && !body) return;
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
    if (name) ImGui::TextColored({1.0f, 0.9f, 0.5f, 1.0f}, "%s", name->data());
    if (body) ImGui::TextUnformatted(body->data(), body->data() + body->size());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

std::string panel_title(const App& app, PanelId id) {
    std::string key = "gui.panel." + std::string(kPanelNames[static_cast<size_t>(id)]);
    return std::string(T(app, key)) + "###" + std::string(kPanelNames[static_cast<size_t>(id)]);
}

}  // namespace mailsim::gui
