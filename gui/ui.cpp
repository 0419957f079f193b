// ui.cpp — texts, colours and small widgets shared by the panels.
#include "ui.hpp"

namespace mailsim::gui {

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
