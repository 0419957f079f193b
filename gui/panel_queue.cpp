// panel_queue.cpp — the sender server's outgoing queue at the cursor.
//
// Each message: its queue id, sender, recipients with their state and last
// reply, which queue it is in (incoming, active, deferred), attempts and the
// next retry. When the event just shown is a scan, the panel says so and
// marks the messages the scan sends now.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "model/outcome.hpp"
#include "ui.hpp"

namespace mailsim::gui {

void ShowQueuePanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::queue).c_str(), p_open)) {
        ImGui::End();
        return;
    }
    Session& s = app.session;
    const Trace& trace = s.trace();
    static std::uint64_t for_trace = 0;
    static std::vector<std::string> hosts;
    static int host = 0;
    if (for_trace != s.generation()) {
        hosts = queue_hosts(trace, s.index());
        host = 0;
        for_trace = s.generation();
    }
    if (hosts.empty()) {
        ImGui::TextWrapped("%s", T(app, "gui.queue.none"));
        ImGui::End();
        return;
    }
    if (hosts.size() > 1) {
        ImGui::SetNextItemWidth(std::min(Px(app, 200), ImGui::GetContentRegionAvail().x * 0.6f));
        if (FitCombo(app, "##host", hosts[static_cast<size_t>(host)])) {
            for (size_t i = 0; i < hosts.size(); ++i)
                if (ImGui::Selectable(hosts[i].c_str(), static_cast<int>(i) == host)) host = static_cast<int>(i);
            ImGui::EndCombo();
        }
        ImGui::SameLine();
    }
    static size_t cached_cursor = SIZE_MAX;
    static int cached_host = -1;
    static std::uint64_t cached_trace = 0;
    static QueueView view;
    if (cached_cursor != s.cursor() || cached_host != host || cached_trace != s.generation()) {
        view = queue_at(trace, s.index(), hosts[static_cast<size_t>(host)], s.cursor());
        cached_cursor = s.cursor();
        cached_host = host;
        cached_trace = s.generation();
    }
    const bool scanning = view.last_scan && *view.last_scan + 1 == s.cursor();
    FitText(app, hosts[static_cast<size_t>(host)],
            ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("(?)").x - ImGui::GetStyle().ItemSpacing.x);
    ImGui::SameLine();
    HelpMarker(T(app, "agent.queue.scan"));
    if (scanning) {
        const ImVec4 lit{1.0f, 0.85f, 0.3f, 1.0f};
        FitText(app, T(app, "gui.queue.scanning"), 0, &lit);
    } else {
        std::string last = view.last_scan ? format_seconds(trace.at(*view.last_scan).time) : std::string("—");
        std::string next = view.next_scan_hint ? format_seconds(view.next_scan_hint) : std::string("—");
        FitTextDisabled(app, TF(app, "gui.queue.scans", {{"last", last}, {"next", next}}));
    }
    if (view.entries.empty()) {
        FitTextDisabled(app, T(app, "gui.queue.empty"));
        ImGui::End();
        return;
    }
    const SimTime now = s.cursor_time();
    if (ImGui::BeginTable("queue", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_Resizable |
                                          ImGuiTableFlags_ScrollY)) {
        ImGui::TableSetupColumn(T(app, "gui.queue.id"), ImGuiTableColumnFlags_WidthStretch, 0.8f);
        ImGui::TableSetupColumn(T(app, "gui.queue.rcpts"), ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableSetupColumn(T(app, "gui.queue.queue"), ImGuiTableColumnFlags_WidthStretch, 0.8f);
        ImGui::TableSetupColumn(T(app, "gui.queue.attempts"), ImGuiTableColumnFlags_WidthStretch, 0.6f);
        ImGui::TableSetupColumn(T(app, "gui.queue.next"), ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableHeadersRow();
        for (const auto& q : view.entries) {
            const bool due = q.next_attempt == 0 || q.next_attempt <= now;
            ImGui::TableNextRow();
            if (scanning && due) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(110, 90, 20, 180));
            ImGui::TableNextColumn();
            if (!FitText(app, q.id) && ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s", q.from.c_str(), q.message_id.c_str());
            ImGui::TableNextColumn();
            for (const auto& r : q.rcpts) {
                ImVec4 c = r.state == "sent" ? line_colour_vec(LineClass::reply2)
                           : r.state == "failed" ? line_colour_vec(LineClass::reply5)
                                                 : ImVec4{0.9f, 0.9f, 0.9f, 1.0f};
                FitText(app, fmt::format("{} ({})", r.to, T(app, "gui.queue.state." + r.state)), 0, &c);
                if (!r.reply.empty()) {  // why: the last reply for this recipient
                    ImGui::PushTextWrapPos(0.0f);
                    ImGui::TextDisabled("  %s", r.reply.c_str());
                    ImGui::PopTextWrapPos();
                }
            }
            ImGui::TableNextColumn();
            FitText(app, T(app, "gui.queue.name." + q.queue));
            ImGui::TableNextColumn();
            FitText(app, std::to_string(q.attempts));
            ImGui::TableNextColumn();
            FitText(app, q.next_attempt ? format_seconds(q.next_attempt) : std::string(T(app, "gui.queue.next_scan")));
        }
        ImGui::EndTable();
    }
    ImGui::End();
}

}  // namespace mailsim::gui
