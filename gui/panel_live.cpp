// panel_live.cpp — the Live panel, in two modes. "Serve real clients": the
// GUI runs serve mode (live/serve.hpp), and real clients (swaks, curl,
// Thunderbird, Python) talk to the open scenario's server while every other
// panel grows with the session. "Connect to a real server": mailsim is the
// client (panel_live_connect.cpp).
//
// In serve mode the panel only starts and stops the server and shows what it is: the
// ports, the certificate's fingerprint, the users, the connections so far,
// and commands a student can paste into a terminal. All protocol work is in
// sim/live; the Session follows the server's trace like any growing one.
#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "agents/mail_server.hpp"
#include "live/serve_feed.hpp"
#include "scenario/scenario.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

constexpr const char* kProtocols[4] = {"smtp", "pop3", "imap", "http"};

bool serving(const App& app) {
    return app.live.serving && app.live.generation == app.session.generation() && !app.live.serving->finished();
}

// A line a student can copy into a terminal, in the wire font.
void command_line(const App& app, const std::string& line) {
    ImGui::PushID(line.c_str());
    if (app.mono) ImGui::PushFont(app.mono);
    ImGui::TextWrapped("%s", line.c_str());
    if (app.mono) ImGui::PopFont();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", T(app, "gui.live.copy_hint"));
    if (ImGui::IsItemClicked()) ImGui::SetClipboardText(line.c_str());
    ImGui::PopID();
}

}  // namespace

bool StartServing(App& app) {
    app.live.error.clear();
    const nlohmann::json& j = app.session.scenario_json();
    auto parsed = j.is_null() ? scenario::parse_scenario(scenario::default_scenario_json(), "default scenario")
                              : scenario::parse_scenario(j.dump(), app.session.title());
    if (!parsed) {
        app.live.error = parsed.error().message();
        return false;
    }
    live::ServeOptions o;
    o.tls = app.live.tls;
    for (int i = 0; i < 4; ++i)
        if (app.live.ports[i] >= 0 && app.live.ports[i] <= 65535)
            o.ports.push_back({kProtocols[i], static_cast<std::uint16_t>(app.live.ports[i]), false});
    const std::string title = parsed->name;
    auto server = std::make_unique<live::Server>(std::move(*parsed), o);
    std::string error;
    if (!server->open(&error)) {
        app.live.error = error;
        return false;
    }
    auto feed = std::make_unique<live::ServeFeed>(std::move(server));
    live::ServeFeed* raw = feed.get();
    app.session.follow(std::move(feed), TF(app, "gui.live.title", {{"name", title}}), "");
    app.live.serving = raw;
    app.live.generation = app.session.generation();
    app.live.served_name = title;
    return true;
}

long ServedConnections(const App& app) {
    if (!app.live.serving || app.live.generation != app.session.generation()) return -1;
    return static_cast<long>(app.live.serving->server().accepted());
}

void StopServing(App& app) {
    if (app.live.serving && app.live.generation == app.session.generation()) app.live.serving->stop();
}

bool ServeIdle(const App& app) {
    return !app.live.serving || app.live.generation != app.session.generation() || app.live.serving->server().open_connections() == 0;
}

void ShowLivePanel(App& app, bool* p_open) {
    if (!ImGui::Begin(panel_title(app, PanelId::live).c_str(), p_open)) {
        ImGui::End();
        return;
    }
    // Two modes: real clients to the simulated server, or mailsim a client of a real server.
    for (LiveState::Mode m : {LiveState::Mode::serve, LiveState::Mode::connect}) {
        const char* label = T(app, m == LiveState::Mode::serve ? "gui.live.mode.serve" : "gui.live.mode.connect");
        if (m == LiveState::Mode::connect) SameLineIfFits(CheckboxWidth(label));
        ImGui::PushID(static_cast<int>(m));
        if (ImGui::RadioButton("##mode", app.live.mode == m)) app.live.mode = m;
        ImGui::PopID();
        ImGui::SameLine();
        FitText(app, label);
    }
    ImGui::Separator();
    if (app.live.mode == LiveState::Mode::connect) {
        ShowLiveConnect(app);
        ImGui::End();
        return;
    }
    if (!serving(app)) {
        ImGui::TextWrapped("%s", T(app, "gui.live.intro"));
        ImGui::Spacing();
        static const char* kLabels[4] = {"gui.live.port.smtp", "gui.live.port.pop3", "gui.live.port.imap", "gui.live.port.http"};
        for (int i = 0; i < 4; ++i) {
            ImGui::PushID(i);
            ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
            ImGui::InputInt("##port", &app.live.ports[i], 0, 0);
            if (app.live.ports[i] > 65535) app.live.ports[i] = 65535;
            if (app.live.ports[i] < -1) app.live.ports[i] = -1;
            ImGui::SameLine();
            FitText(app, T(app, kLabels[i]));
            ImGui::PopID();
        }
        ImGui::PushTextWrapPos(0);
        ImGui::TextDisabled("%s", T(app, "gui.live.port_hint"));
        ImGui::PopTextWrapPos();
        ImGui::Checkbox("##tls", &app.live.tls);
        ImGui::SameLine();
        FitText(app, T(app, "gui.live.tls"));
        if (FitButton(app, T(app, "gui.live.start"))) StartServing(app);
        if (app.live.serving && app.live.generation == app.session.generation())
            ImGui::TextWrapped("%s", TF(app, "gui.live.stopped", {{"n", std::to_string(app.live.serving->server().accepted())}}).c_str());
        if (!app.live.error.empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, line_colour_vec(LineClass::reply5));
            ImGui::TextWrapped("%s", app.live.error.c_str());
            ImGui::PopStyleColor();
        }
        ImGui::End();
        return;
    }
    live::ServeFeed& feed = *app.live.serving;
    const live::Server& server = feed.server();
    auto& world = const_cast<live::Server&>(server).world();
    const agents::MailServer* ms = world.server(server.served_host());
    ImGui::TextWrapped("%s", TF(app, "gui.live.serving", {{"host", server.served_host()}, {"domain", ms->domain()}}).c_str());
    if (ImGui::BeginTable("ports", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn(T(app, "gui.live.col.protocol"));
        ImGui::TableSetupColumn(T(app, "gui.live.col.real"));
        ImGui::TableSetupColumn(T(app, "gui.live.col.simulated"));
        ImGui::TableHeadersRow();
        for (const auto& p : server.bound()) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            FitText(app, p.protocol);
            ImGui::TableNextColumn();
            FitText(app, fmt::format("127.0.0.1:{}", p.port));
            ImGui::TableNextColumn();
            FitText(app, fmt::format("{}:{}", server.served_host(), live::simulated_port(p.protocol)));
        }
        ImGui::EndTable();
    }
    ImGui::Text("%s", TF(app, "gui.live.connections", {{"open", std::to_string(server.open_connections())},
                                                       {"served", std::to_string(server.accepted())}})
                          .c_str());
    std::string users;
    for (const auto& u : ms->config().users) users += fmt::format("{}{} / {}", users.empty() ? "" : ", ", u.name, u.password);
    ImGui::TextWrapped("%s", TF(app, "gui.live.users", {{"users", users}}).c_str());
    if (const auto* cert = server.certificate()) {
        ImGui::TextWrapped("%s", TF(app, "gui.live.cert", {{"file", cert->cert_file()}}).c_str());
        if (app.mono) ImGui::PushFont(app.mono);
        ImGui::TextWrapped("SHA-256 %s", cert->fingerprint().c_str());
        if (app.mono) ImGui::PopFont();
    }
    ImGui::Separator();
    ImGui::TextUnformatted(T(app, "gui.live.try"));
    const std::string user = ms->config().users.empty() ? "bob" : ms->config().users.front().name;
    const std::string pass = ms->config().users.empty() ? "secret" : ms->config().users.front().password;
    for (const auto& p : server.bound()) {
        if (p.protocol == "smtp")
            command_line(app, fmt::format("swaks --server 127.0.0.1:{} --from alice@crepes.fr --to {}@{} --attach @FILE", p.port,
                                          user, ms->domain()));
        else if (p.protocol == "pop3")
            command_line(app, fmt::format("curl pop3://{}:{}@127.0.0.1:{}/1", user, pass, p.port));
        else if (p.protocol == "imap")
            command_line(app, fmt::format("curl 'imap://{}:{}@127.0.0.1:{}/INBOX;UID=1'", user, pass, p.port));
        else if (p.protocol == "http")
            command_line(app, fmt::format("http://127.0.0.1:{}/", p.port));
    }
    ImGui::Separator();
    if (FitButton(app, T(app, "gui.live.stop"))) StopServing(app);
    ImGui::End();
}

}  // namespace mailsim::gui
