// transcript_typed.cpp — "type your own command" under an SMTP connection's transcript.
//
// The student types a line (VRFY bob, EXPN staff, HELP, a malformed one) and
// the simulated server's own engine answers it, in the state it had at the
// cursor (scenario/command_probe.hpp does the work; no protocol logic here).
// It is a side exploration: the typed lines and their replies are drawn in a
// box of their own under the recorded lines, each typed line marked as the
// student's, and never enter the Trace. Moving the cursor, changing the
// connection or opening another scenario starts the box afresh.
#include <string>

#include <fmt/format.h>

#include "scenario/command_probe.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

const ImVec4 kTypedColour{0.95f, 0.6f, 0.95f, 1.0f};  // the student's own lines: none of the legend's colours

// Runs every typed line again from the cursor's state: the engine is made
// afresh each time, so the answers depend only on the trace and the lines.
void probe_typed(App& app) {
    TypedCommands& t = app.typed;
    t.shown.clear();
    auto parsed = scenario::parse_scenario(app.session.scenario_json().dump(), app.session.path());
    if (!parsed) {
        t.result = {};
        t.result.error_key = "probe.error.scenario";
        t.result.error_params = {{"error", parsed.error().message()}};
        return;
    }
    t.result = scenario::probe_smtp_commands(*parsed, app.session.trace(), t.cursor, t.conn, t.lines);
}

// One line of a reply, in its class's colour; hovering shows the catalog's word on the code.
void draw_typed_reply(App& app, const scenario::ProbeReply& r, std::vector<std::string>& shown) {
    const ImVec4 colour = line_colour_vec(line_class(r.cls));
    std::string_view bytes = r.bytes;
    while (!bytes.empty()) {
        const size_t eol = bytes.find("\r\n");
        std::string_view line = bytes.substr(0, eol);
        const std::string text = fmt::format("   S: {}", line);
        FitText(app, text, 0, &colour);
        if (ImGui::IsItemHovered()) CatalogTooltip(app, r.key);
        shown.push_back(std::string(line));
        if (eol == std::string_view::npos) break;
        bytes.remove_prefix(eol + 2);
    }
    const std::string name_key = r.key + ".name";
    if (text::find(app.lang, name_key)) {
        FitTextDisabled(app, fmt::format("      {} {}", r.code, T(app, name_key)));
        if (ImGui::IsItemHovered()) CatalogTooltip(app, r.key);
    }
}

// The exploration belongs to one connection at one cursor of one trace: else it starts afresh.
void keep_or_reset(App& app, std::uint32_t conn) {
    TypedCommands& t = app.typed;
    if (t.conn == conn && t.cursor == app.session.cursor() && t.generation == app.session.generation()) return;
    t = TypedCommands{};
    t.conn = conn;
    t.cursor = app.session.cursor();
    t.generation = app.session.generation();
}

}  // namespace

bool TypeCommand(App& app, const std::string& line) {
    TypedCommands& t = app.typed;
    if (t.conn == 0 || !app.session.is_scenario()) return false;
    keep_or_reset(app, t.conn);
    t.lines.push_back(line);
    probe_typed(app);
    return true;
}

void DrawTypedCommands(App& app, const ConnectionInfo& c) {
    keep_or_reset(app, c.id);
    TypedCommands& t = app.typed;
    ImGui::Separator();
    FitText(app, TF(app, "gui.typed.title", {{"server", c.server}}));
    ImGui::SameLine();
    HelpMarker(T(app, "gui.typed.help"));
    const float send_w = ButtonWidth(T(app, "gui.typed.send")) + ButtonWidth(T(app, "gui.typed.clear")) +
                         2 * ImGui::GetStyle().ItemSpacing.x;
    ImGui::SetNextItemWidth(std::max(Px(app, 80), ImGui::GetContentRegionAvail().x - send_w));
    if (t.refocus) ImGui::SetKeyboardFocusHere();
    t.refocus = false;
    bool send = ImGui::InputTextWithHint("##typed", T(app, "gui.typed.hint"), t.input, sizeof t.input,
                                         ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    send |= FitButton(app, T(app, "gui.typed.send"));
    ImGui::SameLine();
    if (FitButton(app, T(app, "gui.typed.clear"))) {
        t.lines.clear();
        t.result = {};
        t.shown.clear();
    }
    if (send && t.input[0] != '\0') {
        TypeCommand(app, t.input);
        t.input[0] = '\0';
        t.refocus = true;  // the next line goes in the same box
    }
    if (t.lines.empty()) return;
    if (!t.result.error_key.empty()) {
        const ImVec4 red = line_colour_vec(LineClass::reply5);
        ImGui::PushStyleColor(ImGuiCol_Text, red);
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(TF(app, t.result.error_key, t.result.error_params).c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
        return;
    }
    FitTextDisabled(app, TF(app, "gui.typed.at", {{"event", std::to_string(t.cursor)}}));
    ImGui::BeginChild("typed-lines", {0, 0}, true);
    if (app.mono) ImGui::PushFont(app.mono);
    std::vector<std::string> shown;
    for (const auto& a : t.result.answers) {
        // The student's line, marked as theirs, with the state it met.
        FitText(app, TF(app, "gui.typed.you", {{"line", a.typed}, {"state", a.state_before}}), 0, &kTypedColour);
        shown.push_back("> " + a.typed);
        const char* note = a.closed ? T(app, "gui.typed.closed") : a.reading_text ? T(app, "gui.typed.text") : nullptr;
        if (note) {
            FitTextDisabled(app, std::string("   ") + note);
            shown.push_back(note);
        }
        for (const auto& r : a.replies) draw_typed_reply(app, r, shown);
    }
    if (app.mono) ImGui::PopFont();
    if (shown.size() != t.shown.size()) ImGui::SetScrollHereY(1.0f);  // the newest answer in view
    t.shown = std::move(shown);
    ImGui::EndChild();
}

}  // namespace mailsim::gui
