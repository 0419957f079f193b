// label_audit.cpp — after the panels are drawn, what ImGui cut at an edge.
//
// The fitting helpers (ui.cpp) record the labels they shortened, each with
// its tooltip. This looks for the others: a panel (or a child of one) whose
// content reaches past its right edge with no horizontal scrollbar, and a
// table cell whose content reaches past its column. Each is a label cut
// without a tooltip, which `check-labels` and the GUI tests refuse.
#include <algorithm>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <imgui_internal.h>  // windows and tables of the frame

#include "ui.hpp"

namespace mailsim::gui {

namespace {

// The panel a window belongs to ("transcript"; the Open dialog too), or "" for ImGui's own windows.
std::string panel_of(const ImGuiWindow& w) {
    const std::string_view root = w.RootWindow ? w.RootWindow->Name : w.Name;
    if (root == "##MainMenuBar") return "menu bar";
    const size_t id = root.find("###");
    if (id == std::string_view::npos) return {};
    for (std::string_view name : kPanelNames)
        if (root.substr(id + 3) == name) return std::string(name);
    if (root.substr(id + 3) == kOpenDialogId) return std::string(kOpenDialogId);
    return {};
}

}  // namespace

void AuditCutContent(App& app) {
    ImGuiContext& g = *GImGui;
    for (ImGuiWindow* w : g.Windows) {
        if (!w->Active || w->Hidden || w->Collapsed || w->SkipItems) continue;
        if (w->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup | ImGuiWindowFlags_ChildMenu)) continue;
        if (w->Flags & (ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_AlwaysHorizontalScrollbar) || w->ScrollbarX) continue;
        const std::string where = panel_of(*w);
        if (where.empty()) continue;
        // A multi-line text field is ImGui's child window named "##...": its
        // text scrolls under the caret, it is not a label.
        const std::string_view name = w->Name;
        const size_t slash = name.rfind('/');
        if (slash != std::string_view::npos && name.compare(slash + 1, 2, "##") == 0) continue;
        const float over = w->DC.CursorMaxPos.x - w->InnerClipRect.Max.x;
        if (over > 1.0f)
            app.labels.cut({where == w->Name ? where : where + " (" + std::string(w->Name) + ")",
                            fmt::format("content {:.0f} px wider than the window", over),
                            w->DC.CursorMaxPos.x - w->DC.CursorStartPos.x, w->InnerClipRect.GetWidth(), false});
    }
    for (int i = 0; i < g.Tables.GetMapSize(); ++i) {
        ImGuiTable* t = g.Tables.TryGetMapData(i);
        if (!t || t->LastFrameActive != g.FrameCount || !t->OuterWindow) continue;
        const std::string where = panel_of(*t->OuterWindow);
        if (where.empty()) continue;
        for (int c = 0; c < t->ColumnsCount; ++c) {
            const ImGuiTableColumn& col = t->Columns[c];
            if (!col.IsEnabled || !col.IsVisibleX) continue;
            const float content = std::max(col.ContentMaxXFrozen, col.ContentMaxXUnfrozen);
            // (Against the column's own right edge: in a table that scrolls
            // sideways, a column partly out of view is not cut.)
            const float over = content - col.MaxX;
            if (over > 1.0f) {
                const char* name = ImGui::TableGetColumnName(t, c);
                app.labels.cut({where + ": " + (name ? name : std::to_string(c)),
                                fmt::format("a cell {:.0f} px wider than its column", over), content - col.MinX,
                                col.MaxX - col.MinX, false});
            }
        }
    }
}

}  // namespace mailsim::gui
