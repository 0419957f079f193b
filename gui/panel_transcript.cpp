// panel_transcript.cpp — C:/S: lines, one tab a connection, an "all" tab.
//
// Replies are coloured by class (2xx green, 3xx blue, 4xx amber, 5xx red);
// hovering a line shows the catalog's explanation of its command or reply;
// "wire bytes" shows CR and LF as they travel. Each event's first line
// starts with its number (#57), small and dim, as lesson hints name it. Lines come from TraceIndex
// and are drawn through ImGuiListClipper, so a million lines scroll freely.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "ui.hpp"

namespace mailsim::gui {

namespace {

// The event's number (#57), small and dim, before the first line of each
// event: lesson hints and `mailsim lesson` name events by it. Later lines of
// the same event keep the column empty.
void draw_event_number(const Trace& trace, const Event& e, const TranscriptLine& line) {
    constexpr float kScale = 0.8f;
    const float full = ImGui::GetTextLineHeight();
    const ImVec2 at = ImGui::GetCursorPos();
    ImGui::SetWindowFontScale(kScale);
    const std::string widest = "#" + std::to_string(trace.size() > 0 ? trace.size() - 1 : 0);
    const float column = ImGui::CalcTextSize(widest.c_str()).x + ImGui::GetStyle().ItemSpacing.x;
    if (line.offset == 0 || line.cls == LineClass::tcp) {
        ImGui::SetCursorPos({at.x, at.y + (full - ImGui::GetTextLineHeight()) * 0.75f});  // on the line's baseline
        ImGui::TextDisabled("#%llu", static_cast<unsigned long long>(e.seq));
    }
    ImGui::SetWindowFontScale(1.0f);
    ImGui::SetCursorPos({at.x + column, at.y});
}

void draw_line(App& app, const TranscriptLine& line, bool show_conn) {
    const Trace& trace = app.session.trace();
    const Event e = trace.at(line.seq);
    const bool selected = app.session.selected && *app.session.selected == line.seq;
    ImGui::PushID(static_cast<int>(line.seq));
    ImGui::PushID(static_cast<int>(line.offset));
    std::string prefix = show_conn ? fmt::format("[{}] ", line.conn) : std::string{};  // the connection, as the Sequence diagram names it
    std::string text;
    switch (line.cls) {
    case LineClass::tcp:
        text = fmt::format("{}{} {}  {} {}", prefix, format_seconds(e.time), to_string(e.kind), e.host,
                           e.args.empty() ? std::string_view{} : e.args);
        break;
    case LineClass::more:
        text = prefix + "   " + TF(app, "gui.transcript.more", {{"lines", std::to_string(line.offset)}});
        break;
    default: {
        std::string_view body = line_text(trace, line);
        std::string shown(body);
        if (app.wire_bytes) {
            shown.clear();
            for (char c : body) shown += c == '\t' ? std::string("\\t") : std::string(1, c);
            shown += "\\r\\n";
        }
        text = fmt::format("{}{} {}: {}", prefix, line.offset == 0 ? format_seconds(e.time) : std::string(9, ' '),
                           line.from_client ? "C" : "S", shown);
    }
    }
    draw_event_number(trace, e, line);
    // A line wider than the panel ends in "…"; hovering shows it whole (and the catalog's word on it).
    ImGui::PushStyleColor(ImGuiCol_Text, line_colour_vec(line.cls));
    if (FitSelectable(app, text, selected)) app.session.select(line.seq);
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered() && line.cls != LineClass::tcp) CatalogTooltip(app, e.key);
    ImGui::PopID();
    ImGui::PopID();
}

// `height` 0: the rest of the tab.
void draw_lines(App& app, const std::vector<TranscriptLine>& lines, bool show_conn, float height = 0) {
    const size_t n = TraceIndex::lines_before(lines, app.session.cursor());
    ImGui::BeginChild("lines", {0, height}, false);
    if (app.mono) ImGui::PushFont(app.mono);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(n));
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) draw_line(app, lines[static_cast<size_t>(i)], show_conn);
    if (app.mono) ImGui::PopFont();
    // Follow the cursor: keep the newest line in view while stepping and playing.
    // ImGui clamps a scroll request to last frame's content height, so the
    // request is repeated for a frame after the lines grew.
    static size_t last_n = 0;
    static float last_font = 0;  // the UI scale changed the lines' height: follow again
    static float last_height = 0;  // ...or the list's own height (the typed-command box grew)
    static int pending = 0;
    if (n != last_n || ImGui::GetFontSize() != last_font || ImGui::GetWindowHeight() != last_height) pending = 2;
    last_n = n;
    last_font = ImGui::GetFontSize();
    last_height = ImGui::GetWindowHeight();
    app.scroll_max = ImGui::GetScrollMaxY();
    app.view_h = ImGui::GetWindowHeight();
    if (app.force_scroll >= 0) ImGui::SetScrollY(app.force_scroll);
    else if (app.follow_cursor && pending > 0) {
        ImGui::SetScrollHereY(1.0f);
        --pending;
    }
    ImGui::EndChild();
}

}  // namespace

void ShowTranscriptPanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::transcript).c_str(), p_open)) {
        ImGui::End();
        return;
    }
    const TraceIndex& index = app.session.index();
    // The options and the legend (the colours of the reply classes), wrapping where the panel is narrow.
    ImGui::Checkbox(T(app, "gui.transcript.wire"), &app.wire_bytes);
    ImGui::SameLine();
    HelpMarker(T(app, "gui.transcript.wire.help"));
    SameLineIfFits(CheckboxWidth(T(app, "gui.transcript.follow")));
    ImGui::Checkbox(T(app, "gui.transcript.follow"), &app.follow_cursor);
    const LineClass legend[] = {LineClass::command, LineClass::reply2, LineClass::reply3, LineClass::reply4, LineClass::reply5};
    const char* legend_keys[] = {"gui.legend.command", "gui.legend.2xx", "gui.legend.3xx", "gui.legend.4xx", "gui.legend.5xx"};
    for (size_t i = 0; i < std::size(legend); ++i) {
        SameLineIfFits(ImGui::CalcTextSize(T(app, legend_keys[i])).x);
        ImGui::TextColored(line_colour_vec(legend[i]), "%s", T(app, legend_keys[i]));
    }

    const size_t begun = index.connections_begun(app.session.cursor());
    const auto& conns = index.connections();
    // Tabs shrink to the panel, their names ending in "…" (ImGui shows the
    // whole name on hover); the list button at the left reaches any of them.
    if (ImGui::BeginTabBar("connections", ImGuiTabBarFlags_FittingPolicyResizeDown | ImGuiTabBarFlags_TabListPopupButton)) {
        // (A stable id: the tab, and the scroll of its lines, survive a change of language.)
        if (ImGui::BeginTabItem((std::string(T(app, "gui.transcript.all")) + "###all").c_str())) {
            draw_lines(app, index.all_lines(), true);
            ImGui::EndTabItem();
        }
        // One tab a connection begun before the cursor; with very many, the last 16.
        const size_t first = begun > 16 ? begun - 16 : 0;
        for (size_t i = 0; i < conns.size(); ++i) {
            const ConnectionInfo& c = conns[i];
            if (c.first_seq >= app.session.cursor() || i < first) continue;
            std::string label = fmt::format("#{} {} {}→{}###conn{}", c.id, c.protocol, c.client, c.server, c.id);
            ImGuiTabItemFlags flags = 0;
            if (app.transcript_tab == c.id) {
                flags |= ImGuiTabItemFlags_SetSelected;
            }
            if (ImGui::BeginTabItem(label.c_str(), nullptr, flags)) {
                if (app.transcript_tab == c.id) app.transcript_tab = 0;
                FitTextDisabled(app, TF(app, "gui.transcript.conn",
                                        {{"client", c.client}, {"server", c.server}, {"port", c.port}, {"protocol", c.protocol}}));
                // A simulated SMTP session takes typed commands in a box under its lines.
                if (c.protocol == "smtp" && app.session.is_scenario()) {
                    const ImGuiStyle& st = ImGui::GetStyle();
                    const float avail = ImGui::GetContentRegionAvail().y;
                    float box = st.ItemSpacing.y * 2 + ImGui::GetTextLineHeightWithSpacing() + ImGui::GetFrameHeightWithSpacing();
                    const bool answers = app.typed.conn == c.id && !app.typed.lines.empty();
                    if (answers) box += std::max(avail * 0.45f, ImGui::GetTextLineHeightWithSpacing() * 4);
                    draw_lines(app, c.lines, false, std::max(ImGui::GetTextLineHeightWithSpacing() * 3, avail - box));
                    DrawTypedCommands(app, c);
                } else {
                    draw_lines(app, c.lines, false);
                }
                ImGui::EndTabItem();
            }
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace mailsim::gui
