// dialog_open.cpp — File ▸ Open… (Ctrl O): an in-app file browser.
//
// Debian 12 has no small portable native file dialog, so this one is drawn
// with ImGui over the panels: the folder's entries (std::filesystem, through
// model/file_browser), Up, a path field, and a filter by kind. The filter is
// a convenience by file name only: the file is opened by OpenFile, exactly
// as the command line opens it, so its format is found by its content (a
// capture or log goes through the import job, with its progress and Cancel).
// What a loader says about a file it cannot open is shown here, in red.
// Keys: Enter opens (or enters a folder), Esc cancels.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>  // ImGui::ClearActiveID: the path field takes up a text set from outside

#include "ui.hpp"

namespace mailsim::gui {

namespace {

namespace fs = std::filesystem;

// "812 B", "12.3 KiB", "4.0 MiB", "1.2 GiB".
std::string size_text(std::uintmax_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " B";
    const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes) / 1024.0;
    size_t u = 0;
    while (v >= 1024.0 && u + 1 < std::size(units)) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string trimmed(const char* s) {
    std::string_view v(s);
    const size_t b = v.find_first_not_of(" \t\r\n"), e = v.find_last_not_of(" \t\r\n");
    return b == std::string_view::npos ? std::string{} : std::string(v.substr(b, e - b + 1));
}

void set_path_field(OpenDialogState& d, std::string_view text) {
    const size_t n = std::min(text.size(), sizeof d.path - 1);
    std::copy_n(text.data(), n, d.path);
    d.path[n] = '\0';
    d.path_set = true;
}

bool key_pressed(int glfw_key) { return ImGui::IsKeyPressed(glfw_key, false); }

}  // namespace

void OpenDialogClick(App& app, size_t i) {
    OpenDialogState& d = app.open_dialog;
    const FileEntry e = d.browser.entries()[i];
    if (e.directory) {
        if (d.browser.go_to(d.browser.path_of(e))) {
            d.selected = -1;
            set_path_field(d, {});
        }
        return;
    }
    d.selected = static_cast<int>(i);
    set_path_field(d, e.name);
}

void OpenDialogShow(App& app, const std::string& dir) {
    OpenDialogState& d = app.open_dialog;
    std::string target = dir;
    if (target.empty()) target = d.browser.dir();
    if (target.empty()) target = FindSourceDir("traces");
    if (target.empty()) target = ".";
    if (!d.browser.go_to(target) && d.browser.dir().empty()) {
        const std::string error = d.browser.error();  // the folder asked for; show the working one
        d.browser.go_to(".");
        d.browser.set_error(error);
    }
    d.shown = true;
    d.appearing = true;
    d.importing = false;
    d.selected = -1;
    set_path_field(d, {});
}

void OpenDialogCancel(App& app) {
    app.open_dialog.shown = false;
    app.open_dialog.browser.set_error({});
}

bool OpenDialogAccept(App& app) {
    OpenDialogState& d = app.open_dialog;
    const std::string typed = trimmed(d.path);
    if (typed.empty()) {
        d.browser.set_error(T(app, "gui.open.nothing"));
        return false;
    }
    const std::string path = d.browser.resolve(typed);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        if (d.browser.go_to(path)) {
            d.selected = -1;
            set_path_field(d, {});
        }
        return false;
    }
    if (!fs::exists(path, ec)) {
        d.browser.set_error(TF(app, "gui.open.no_file", {{"path", path}}));
        return false;
    }
    if (auto error = OpenFile(app, path)) {
        d.browser.set_error(*error);
        return false;
    }
    // Opened (or being imported): the dialog starts in this folder next time.
    d.browser.go_to(fs::path(path).parent_path().string());
    d.importing = app.import_job != nullptr;
    d.shown = false;
    d.selected = -1;
    set_path_field(d, {});
    return true;
}

void OpenDialogImportEnded(App& app, const std::string* error) {
    OpenDialogState& d = app.open_dialog;
    d.importing = false;
    if (!error) return;
    d.shown = true;
    d.appearing = true;
    d.browser.set_error(*error);
}

void ShowOpenDialog(App& app) {
    OpenDialogState& d = app.open_dialog;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const ImGuiCond when = d.appearing ? ImGuiCond_Always : ImGuiCond_Appearing;
    ImGui::SetNextWindowPos({display.x * 0.5f, display.y * 0.5f}, when, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({std::min(display.x * 0.9f, Px(app, 760.0f)), std::min(display.y * 0.85f, Px(app, 540.0f))}, when);
    if (d.appearing) ImGui::SetNextWindowFocus();
    const std::string title = std::string(T(app, "gui.open.title")) + "###" + std::string(kOpenDialogId);
    bool open = true;
    // Opaque: the panels' texts must not show through the list.
    ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    bg.w = 1.0f;
    ImGui::PushStyleColor(ImGuiCol_WindowBg, bg);
    const bool drawn = ImGui::Begin(title.c_str(), &open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings);
    ImGui::PopStyleColor();
    if (!drawn) {
        ImGui::End();
        if (!open) OpenDialogCancel(app);
        return;
    }
    const ImGuiStyle& style = ImGui::GetStyle();

    // Up, the folder shown, and the filter.
    ImGui::BeginDisabled(fs::path(d.browser.dir()).parent_path() == fs::path(d.browser.dir()));
    const bool up = ImGui::Button(T(app, "gui.open.up"));
    ImGui::EndDisabled();
    if (up && d.browser.go_up()) {
        d.selected = -1;
        set_path_field(d, {});
    }
    ImGui::SameLine();
    const float combo_w = std::min(Px(app, 280.0f), ImGui::GetContentRegionAvail().x * 0.45f);
    FitText(app, d.browser.dir(), std::max(1.0f, ImGui::GetContentRegionAvail().x - combo_w - style.ItemSpacing.x));
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - combo_w);
    ImGui::SetNextItemWidth(combo_w);
    const auto kind_key = [](FileKind k) { return "gui.open.kind." + std::string(kFileKindNames[static_cast<size_t>(k)]); };
    if (FitCombo(app, "##kind", T(app, kind_key(d.browser.kind())))) {
        for (size_t k = 0; k < static_cast<size_t>(FileKind::count); ++k) {
            const auto kind = static_cast<FileKind>(k);
            if (ImGui::Selectable(T(app, kind_key(kind)), kind == d.browser.kind())) {
                d.browser.set_kind(kind);
                d.selected = -1;
            }
        }
        ImGui::EndCombo();
    }

    // Below the list: the filter's count, the path field, the error, the buttons.
    const std::string& error = d.browser.error();
    const float wrap_w = ImGui::GetContentRegionAvail().x;
    float footer = ImGui::GetTextLineHeightWithSpacing() + 2 * ImGui::GetFrameHeightWithSpacing();
    if (!error.empty()) footer += ImGui::CalcTextSize(error.c_str(), nullptr, false, wrap_w).y + style.ItemSpacing.y;
    bool open_now = false;
    if (ImGui::BeginChild("##entries", {0, -footer}, true)) {
        const auto& entries = d.browser.entries();
        if (entries.empty()) ImGui::TextDisabled("%s", T(app, "gui.open.empty"));
        const float size_w = ImGui::CalcTextSize("1023.9 MiB").x + style.CellPadding.x * 2;
        if (!entries.empty() && ImGui::BeginTable("##files", 2, ImGuiTableFlags_RowBg)) {
            ImGui::TableSetupColumn(T(app, "gui.open.name"), ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableSetupColumn(T(app, "gui.open.size"), ImGuiTableColumnFlags_WidthFixed, size_w);
            std::optional<size_t> clicked;
            ImGuiListClipper clipper;
            clipper.Begin(static_cast<int>(entries.size()));
            while (clipper.Step())
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                    const FileEntry& e = entries[static_cast<size_t>(i)];
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::PushID(i);
                    if (FitSelectable(app, e.directory ? e.name + "/" : e.name, d.selected == i)) clicked = static_cast<size_t>(i);
                    if (!e.directory && ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) open_now = true;
                    ImGui::PopID();
                    ImGui::TableNextColumn();
                    if (!e.directory) ImGui::TextDisabled("%s", size_text(e.size).c_str());
                }
            ImGui::EndTable();
            if (clicked) OpenDialogClick(app, *clicked);  // after the table: a folder entered lists anew
        }
    }
    ImGui::EndChild();

    if (d.browser.hidden_by_filter() > 0)
        FitTextDisabled(app, TF(app, "gui.open.hidden", {{"count", std::to_string(d.browser.hidden_by_filter())}}));
    else
        FitTextDisabled(app, T(app, "gui.open.hint"));

    const char* path_label = T(app, "gui.open.path");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(path_label);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    // A field being edited keeps its own copy of the text: one written from
    // outside is taken up by focusing the field afresh.
    if (d.path_set && ImGui::GetActiveID() == ImGui::GetID("##path")) ImGui::ClearActiveID();
    if (d.appearing || d.path_set) ImGui::SetKeyboardFocusHere();
    d.path_set = false;
    ImGui::InputText("##path", d.path, sizeof d.path);
    d.appearing = false;

    if (!error.empty()) {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap_w);
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{1.0f, 0.45f, 0.45f, 1.0f});
        ImGui::TextUnformatted(error.c_str());
        ImGui::PopStyleColor();
        ImGui::PopTextWrapPos();
    }

    if (ImGui::Button(T(app, "gui.open.open"))) open_now = true;
    ImGui::SameLine();
    const bool cancel = ImGui::Button(T(app, "gui.open.cancel"));

    const bool focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
    if (focused && (key_pressed(GLFW_KEY_ENTER) || key_pressed(GLFW_KEY_KP_ENTER))) open_now = true;
    const bool escape = focused && key_pressed(GLFW_KEY_ESCAPE);
    ImGui::End();

    if (cancel || escape || !open) OpenDialogCancel(app);
    else if (open_now) OpenDialogAccept(app);
}

}  // namespace mailsim::gui
