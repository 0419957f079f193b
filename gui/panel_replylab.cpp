// panel_replylab.cpp — the reply-code lab: edit the scenario's reply
// overrides, run it again from the start to the same point, see what changed.
//
// Each row says: this server answers this command (optionally only when its
// argument contains MATCH) with this reply. "Run" re-runs the scenario and
// the table below compares each recipient's fate (delivered, queued for
// retry, bounced...) before and after, and the first transcript lines where
// the two runs part. A bad row gets the scenario reader's error, naming it.
#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "model/outcome.hpp"
#include "protocol/annotate.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

struct Preset {
    const char* key;
    const char* protocol;
    const char* command;
    const char* match;
    const char* reply;
};
constexpr Preset kPresets[] = {
    {"gui.lab.preset.rcpt550", "smtp", "RCPT", "bob", "550 5.1.1 No such user here"},
    {"gui.lab.preset.connect421", "smtp", "CONNECT", "", "421 Service not available, closing transmission channel"},
    {"gui.lab.preset.mail452", "smtp", "MAIL", "", "452 4.3.1 Insufficient system storage"},
    {"gui.lab.preset.data554", "smtp", "END-OF-DATA", "", "554 5.6.0 Transaction failed"},
    {"gui.lab.preset.pass_err", "pop3", "PASS", "", "-ERR invalid password"},
};

std::vector<std::string> mail_servers(const Trace& t) {
    std::vector<std::string> out;
    for (const auto& h : t.hosts)
        if (h.role == "mail-server") out.push_back(h.name);
    return out;
}

void outcome_diff(App& app) {
    const Session& s = app.session;
    const auto& before = s.previous_outcome();
    if (!before) return;
    auto after = outcomes_at(s.trace(), s.cursor());
    ImGui::Separator();
    FitText(app, TF(app, "gui.lab.compare", {{"time", format_seconds(s.cursor_time())}}));
    if (ImGui::BeginTable("diff", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_Resizable)) {
        ImGui::TableSetupColumn(T(app, "gui.lab.col.rcpt"), ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn(T(app, "gui.lab.col.subject"), ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn(T(app, "gui.lab.col.before"));
        ImGui::TableSetupColumn(T(app, "gui.lab.col.after"));
        ImGui::TableHeadersRow();
        auto fate_colour = [](Fate f) {
            switch (f) {
            case Fate::delivered: return line_colour_vec(LineClass::reply2);
            case Fate::bounced: return line_colour_vec(LineClass::reply5);
            case Fate::deferred: return line_colour_vec(LineClass::reply4);
            default: return ImVec4{0.85f, 0.85f, 0.85f, 1.0f};
            }
        };
        auto row = [&](const RecipientOutcome* b, const RecipientOutcome* a) {
            const RecipientOutcome& any = a ? *a : *b;
            ImGui::TableNextRow();
            if (!a || !b || a->fate != b->fate) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(90, 70, 20, 170));
            ImGui::TableNextColumn();
            FitText(app, any.rcpt);
            ImGui::TableNextColumn();
            FitText(app, any.subject);
            for (const RecipientOutcome* o : {b, a}) {
                ImGui::TableNextColumn();
                if (!o) {
                    ImGui::TextDisabled("—");
                    continue;
                }
                const ImVec4 colour = fate_colour(o->fate);
                // The reply that decided it in a tooltip (after the whole word, if that was shortened).
                FitText(app, T(app, fate_key(o->fate)), 0, &colour);
                if (!o->reply.empty() && ImGui::IsItemHovered()) {
                    ImGui::BeginTooltip();
                    ImGui::TextUnformatted(o->reply.c_str());
                    ImGui::EndTooltip();
                }
            }
        };
        // Match by subject and recipient: Message-IDs differ between runs only if the seed does.
        std::vector<bool> used(after.size());
        for (const auto& b : *before) {
            const RecipientOutcome* match = nullptr;
            for (size_t i = 0; i < after.size(); ++i)
                if (!used[i] && after[i].rcpt == b.rcpt && after[i].subject == b.subject) {
                    used[i] = true;
                    match = &after[i];
                    break;
                }
            row(&b, match);
        }
        for (size_t i = 0; i < after.size(); ++i)
            if (!used[i]) row(nullptr, &after[i]);
        ImGui::EndTable();
    }
    // Where the transcripts part.
    const auto& old_lines = *s.previous_transcript();
    auto new_lines = wire_lines(s.trace(), s.cursor());
    size_t k = 0;
    while (k < old_lines.size() && k < new_lines.size() && old_lines[k] == new_lines[k]) ++k;
    if (k == old_lines.size() && k == new_lines.size()) {
        FitTextDisabled(app, T(app, "gui.lab.same_transcript"));
        return;
    }
    FitText(app, TF(app, "gui.lab.parts", {{"line", std::to_string(k + 1)}}));
    if (app.mono) ImGui::PushFont(app.mono);
    const ImVec4 removed{1.0f, 0.55f, 0.55f, 1}, added{0.55f, 1.0f, 0.55f, 1};
    for (size_t i = k; i < std::min(k + 3, old_lines.size()); ++i) FitText(app, "- " + old_lines[i], 0, &removed);
    for (size_t i = k; i < std::min(k + 3, new_lines.size()); ++i) FitText(app, "+ " + new_lines[i], 0, &added);
    if (app.mono) ImGui::PopFont();
}

}  // namespace

void ShowReplyLabPanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::replylab).c_str(), p_open)) {
        ImGui::End();
        return;
    }
    Session& s = app.session;
    if (!s.is_scenario()) {
        ImGui::TextWrapped("%s", T(app, "gui.lab.trace_only"));
        ImGui::End();
        return;
    }
    if (!app.lab_rows_loaded) {
        app.lab_rows = s.overrides();
        app.lab_rows_loaded = true;
    }
    ImGui::TextWrapped("%s", T(app, "gui.lab.intro"));
    const auto servers = mail_servers(s.trace());
    auto& rows = app.lab_rows;
    int remove = -1;
    if (ImGui::BeginTable("rules", 6, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_Resizable)) {
        ImGui::TableSetupColumn(T(app, "gui.lab.col.server"), ImGuiTableColumnFlags_WidthStretch, 1.4f);
        ImGui::TableSetupColumn(T(app, "gui.lab.col.protocol"), ImGuiTableColumnFlags_WidthStretch, 0.7f);
        ImGui::TableSetupColumn(T(app, "gui.lab.col.command"), ImGuiTableColumnFlags_WidthStretch, 0.9f);
        ImGui::TableSetupColumn(T(app, "gui.lab.col.match"), ImGuiTableColumnFlags_WidthStretch, 0.7f);
        ImGui::TableSetupColumn(T(app, "gui.lab.col.reply"), ImGuiTableColumnFlags_WidthStretch, 2.2f);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, ButtonWidth("x"));
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < rows.size(); ++i) {
            OverrideRow& r = rows[i];
            ImGui::PushID(static_cast<int>(i));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1);
            if (FitCombo(app, "##server", r.server)) {
                for (const auto& sv : servers)
                    if (ImGui::Selectable(sv.c_str(), sv == r.server)) r.server = sv;
                ImGui::EndCombo();
            }
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1);
            if (FitCombo(app, "##protocol", r.protocol)) {
                for (const char* p : {"smtp", "pop3"})
                    if (ImGui::Selectable(p, r.protocol == p)) r.protocol = p;
                ImGui::EndCombo();
            }
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1);
            ImGui::InputText("##command", &r.command, ImGuiInputTextFlags_CharsUppercase);
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1);
            ImGui::InputText("##match", &r.match);
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1);
            ImGui::InputText("##reply", &r.reply);
            if (ImGui::IsItemHovered() && r.reply.size() >= 3) {
                const protocol::Annotation a = protocol::annotate_reply(r.protocol, r.reply);
                if (!a.key.empty()) CatalogTooltip(app, std::string(a.key));
            }
            ImGui::TableNextColumn();
            if (ImGui::SmallButton("x")) remove = static_cast<int>(i);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (remove >= 0) rows.erase(rows.begin() + remove);
    if (ImGui::Button(T(app, "gui.lab.add"))) rows.push_back({servers.empty() ? "" : servers.back(), "smtp", "RCPT", "", "550 5.1.1 No such user here"});
    // The buttons in a row while it has room.
    const float preset_w = ImGui::CalcTextSize(T(app, "gui.lab.presets")).x + ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().FramePadding.x;
    SameLineIfFits(preset_w);
    ImGui::SetNextItemWidth(std::min(preset_w, ImGui::GetContentRegionAvail().x));
    if (FitCombo(app, "##preset", T(app, "gui.lab.presets"))) {
        for (const auto& p : kPresets)
            if (ImGui::Selectable(T(app, p.key)))
                rows.push_back({servers.empty() ? "" : servers.back(), p.protocol, p.command, p.match, p.reply});
        ImGui::EndCombo();
    }
    SameLineIfFits(ButtonWidth(T(app, "gui.lab.run")));
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(40, 120, 60, 255));
    if (ImGui::Button(T(app, "gui.lab.run"))) {
        if (auto err = s.rerun(rows)) app.status = err->message();
        else app.status.clear();
    }
    ImGui::PopStyleColor();
    SameLineIfFits(ImGui::CalcTextSize("(?)").x);
    HelpMarker(T(app, "gui.lab.run.help"));
    outcome_diff(app);
    ImGui::End();
}

}  // namespace mailsim::gui
