// panel_live_connect.cpp — the Live panel's other mode: mailsim as a client
// of a real mail server, as `mailsim connect` does in a terminal.
//
// The form gives the URL (smtp, pop3, imap and their implicit-TLS forms),
// STARTTLS, the credentials, a CA file and "insecure"; Connect hands them to
// a ClientFeed (sim/live/client_feed.hpp), whose worker does every network
// wait, and the Session follows its trace, so the transcript, the sequence
// diagram and the message panel grow as replies come. Then a command line
// (Enter sends, Up/Down walk the history; after 354 the lines are message
// text until "."), a "send a message" form for mailsim's own SMTP client
// engine, the connection's state and its TLS facts. The panel sends
// requests and reads the feed's status; it knows no protocol.
#include <ctime>
#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "live/client_feed.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

const char* phase_key(live::ClientStatus::Phase p) {
    switch (p) {
    case live::ClientStatus::Phase::connecting: return "gui.live.connect.phase.connecting";
    case live::ClientStatus::Phase::connected: return "gui.live.connect.phase.connected";
    case live::ClientStatus::Phase::waiting: return "gui.live.connect.phase.waiting";
    case live::ClientStatus::Phase::closing: return "gui.live.connect.phase.closing";
    case live::ClientStatus::Phase::closed: return "gui.live.connect.phase.closed";
    case live::ClientStatus::Phase::failed: return "gui.live.connect.phase.failed";
    }
    return "gui.live.connect.phase.failed";
}

// A field's name in a column of its own, the field to the right edge.
void field_label(App& app, const char* key) {
    const float label_w = ImGui::GetFontSize() * 6.5f;
    ImGui::AlignTextToFramePadding();
    FitText(app, T(app, key), label_w);
    ImGui::SameLine(label_w + ImGui::GetStyle().ItemSpacing.x);
    ImGui::SetNextItemWidth(-FLT_MIN);
}

void error_text(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, line_colour_vec(LineClass::reply5));
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

void warning_text(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{1.0f, 0.75f, 0.3f, 1.0f});
    ImGui::TextWrapped("%s", text);
    ImGui::PopStyleColor();
}

// Up and Down in the command line bring back the lines sent before.
int history_callback(ImGuiInputTextCallbackData* data) {
    auto& live = *static_cast<LiveState*>(data->UserData);
    if (data->EventFlag != ImGuiInputTextFlags_CallbackHistory || live.history.empty()) return 0;
    const int n = static_cast<int>(live.history.size());
    if (data->EventKey == ImGuiKey_UpArrow) live.history_pos = live.history_pos < 0 ? n - 1 : std::max(0, live.history_pos - 1);
    else if (data->EventKey == ImGuiKey_DownArrow && live.history_pos >= 0) live.history_pos = live.history_pos + 1 < n ? live.history_pos + 1 : -1;
    data->DeleteChars(0, data->BufTextLen);
    if (live.history_pos >= 0) data->InsertChars(0, live.history[static_cast<size_t>(live.history_pos)].c_str());
    return 0;
}

void show_form(App& app) {
    LiveState& l = app.live;
    ImGui::TextWrapped("%s", T(app, "gui.live.connect.intro"));
    field_label(app, "gui.live.connect.url");
    ImGui::InputText("##url", l.url, sizeof l.url);
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", T(app, "gui.live.connect.url_hint"));
    ImGui::PopTextWrapPos();
    ImGui::Checkbox("##starttls", &l.starttls);
    ImGui::SameLine();
    FitText(app, T(app, "gui.live.connect.starttls"));
    field_label(app, "gui.live.connect.user");
    ImGui::InputText("##user", l.user, sizeof l.user);
    field_label(app, "gui.live.connect.password");
    ImGui::InputText("##password", l.password, sizeof l.password, ImGuiInputTextFlags_Password);
    field_label(app, "gui.live.connect.cafile");
    ImGui::InputTextWithHint("##cafile", T(app, "gui.live.connect.cafile_hint"), l.cafile, sizeof l.cafile);
    field_label(app, "gui.live.connect.timeout");
    ImGui::InputInt("##timeout", &l.timeout_s, 0, 0);
    l.timeout_s = std::clamp(l.timeout_s, 1, 3600);
    ImGui::Checkbox("##insecure", &l.insecure);
    ImGui::SameLine();
    FitText(app, T(app, "gui.live.connect.insecure"));
    if (l.insecure) warning_text(T(app, "gui.live.connect.insecure_warning"));
    ImGui::Checkbox("##keep", &l.keep_secrets);
    ImGui::SameLine();
    FitText(app, T(app, "gui.live.connect.keep_secrets"));
    if (FitButton(app, T(app, "gui.live.connect.connect"))) ConnectLive(app);
    if (!l.connect_error.empty()) error_text(l.connect_error);
}

void show_tls(App& app, const live::TlsFacts& f) {
    if (f.version.empty()) {  // the handshake failed before it agreed on anything
        if (!f.subject.empty()) ImGui::TextWrapped("%s", TF(app, "gui.live.connect.tls.subject", {{"subject", f.subject}}).c_str());
        return;
    }
    ImGui::TextWrapped("%s", TF(app, "gui.live.connect.tls.session", {{"version", f.version}, {"cipher", f.cipher}}).c_str());
    ImGui::TextWrapped("%s", TF(app, "gui.live.connect.tls.subject", {{"subject", f.subject}}).c_str());
    ImGui::TextWrapped("%s", TF(app, "gui.live.connect.tls.issuer", {{"issuer", f.issuer}}).c_str());
    if (f.verified) {
        ImGui::PushStyleColor(ImGuiCol_Text, line_colour_vec(LineClass::reply2));
        ImGui::TextWrapped("%s", T(app, "gui.live.connect.tls.verified"));
        ImGui::PopStyleColor();
    } else {
        warning_text(TF(app, "gui.live.connect.tls.not_verified", {{"reason", f.verify_result}}).c_str());
    }
}

void show_send_form(App& app) {
    LiveState& l = app.live;
    if (!ImGui::CollapsingHeader(T(app, "gui.live.connect.send"))) return;
    ImGui::PushID("send");
    ImGui::TextWrapped("%s", T(app, "gui.live.connect.send_hint"));
    field_label(app, "gui.live.connect.from");
    ImGui::InputText("##from", l.mail_from, sizeof l.mail_from);
    field_label(app, "gui.live.connect.to");
    ImGui::InputTextWithHint("##to", T(app, "gui.live.connect.to_hint"), l.mail_to, sizeof l.mail_to);
    field_label(app, "gui.live.connect.subject");
    ImGui::InputText("##subject", l.mail_subject, sizeof l.mail_subject);
    ImGui::InputTextMultiline("##text", l.mail_text, sizeof l.mail_text, {-FLT_MIN, ImGui::GetTextLineHeight() * 5});
    if (FitButton(app, T(app, "gui.live.connect.send_button"))) LiveSendMessage(app);
    ImGui::PopID();
}

void show_fetch_form(App& app, bool imap) {
    LiveState& l = app.live;
    if (!ImGui::CollapsingHeader(T(app, "gui.live.connect.fetch"))) return;
    ImGui::PushID("fetch");
    ImGui::TextWrapped("%s", T(app, imap ? "gui.live.connect.fetch_hint_imap" : "gui.live.connect.fetch_hint_pop3"));
    if (imap) {
        field_label(app, "gui.live.connect.mailbox");
        ImGui::InputText("##mailbox", l.fetch_mailbox, sizeof l.fetch_mailbox);
    }
    field_label(app, "gui.live.connect.fetch_max");
    ImGui::InputInt("##max", &l.fetch_max, 0, 0);
    l.fetch_max = std::clamp(l.fetch_max, 1, 10000);
    if (!imap) {
        ImGui::Checkbox("##delete", &l.fetch_delete);
        ImGui::SameLine();
        FitText(app, T(app, "gui.live.connect.fetch_delete"));
        if (l.fetch_delete) warning_text(T(app, "gui.live.connect.fetch_delete_warning"));
    }
    if (FitButton(app, T(app, "gui.live.connect.fetch_button"))) LiveFetchMail(app);
    ImGui::PopID();
}

void show_fetched(App& app, const std::vector<live::FetchedSummary>& list) {
    ImGui::TextWrapped("%s", TF(app, "gui.live.connect.fetched", {{"count", std::to_string(list.size())}}).c_str());
    for (const auto& m : list)
        ImGui::TextWrapped("%s", TF(app, "gui.live.connect.fetched_one",
                                    {{"id", m.id}, {"size", std::to_string(m.size)}, {"from", m.from}, {"subject", m.subject},
                                     {"parts", std::to_string(m.parts)}})
                                     .c_str());
}

void show_connection(App& app, live::ClientFeed& feed) {
    LiveState& l = app.live;
    const live::ClientStatus st = feed.status();
    const live::Target& t = feed.target();
    const std::string url = fmt::format("{}{}://{}:{}", t.protocol, t.implicit_tls ? "s" : "", t.host, t.port);
    ImGui::TextWrapped("%s", TF(app, phase_key(st.phase), {{"url", url}}).c_str());
    // Disconnect cuts a wait for a reply short, not a connection attempt (connect, TLS handshake).
    if (st.close_asked && st.phase == live::ClientStatus::Phase::connecting)
        warning_text(T(app, "gui.live.connect.close_pending"));
    if (st.tls) show_tls(app, *st.tls);
    if (!st.failure.key.empty()) error_text(TF(app, st.failure.key, st.failure.params));
    if (st.sent) {
        for (const auto& r : st.sent->recipients) {
            const bool ok = r.outcome == smtp::RecipientResult::Outcome::accepted;
            const std::string line = TF(app, ok ? "gui.live.connect.sent.accepted" : "gui.live.connect.sent.refused",
                                        {{"mailbox", r.mailbox}, {"reply", r.reply.summary()}});
            if (ok) ImGui::TextWrapped("%s", line.c_str());
            else error_text(line);
        }
    }
    if (st.fetched) show_fetched(app, *st.fetched);
    if (feed.finished() || st.phase == live::ClientStatus::Phase::closed || st.phase == live::ClientStatus::Phase::failed) {
        ImGui::Separator();
        show_form(app);
        return;
    }
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", T(app, st.in_text ? "gui.live.connect.text_hint" : "gui.live.connect.command_hint"));
    if (!st.in_text) ImGui::TextDisabled("%s", T(app, "gui.live.connect.placeholders"));
    ImGui::PopTextWrapPos();
    if (app.mono) ImGui::PushFont(app.mono);
    ImGui::SetNextItemWidth(-FLT_MIN);
    const bool enter = ImGui::InputTextWithHint("##command", st.in_text ? "." : "EHLO mailsim", l.line, sizeof l.line,
                                                ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_CallbackHistory,
                                                history_callback, &l);
    if (app.mono) ImGui::PopFont();
    if (enter) {
        // An empty line is message text (a blank line) only after 354.
        if (l.line[0] != '\0' || st.in_text) LiveCommand(app, l.line);
        l.line[0] = '\0';
        ImGui::SetKeyboardFocusHere(-1);
    }
    if (t.protocol == "smtp") show_send_form(app);
    else if (!st.in_text) show_fetch_form(app, t.protocol == "imap");
    if (!l.connect_error.empty()) error_text(l.connect_error);
    if (FitButton(app, T(app, "gui.live.connect.disconnect"))) DisconnectLive(app);
}

}  // namespace

live::ClientFeed* LiveClient(const App& app) {
    return app.live.client && app.live.client_generation == app.session.generation() ? app.live.client : nullptr;
}

bool ConnectLive(App& app) {
    LiveState& l = app.live;
    l.connect_error.clear();
    live::Failure bad_url;
    auto target = live::parse_target(l.url, &bad_url);
    if (!target) {
        l.connect_error = std::string(l.url) + ": " + TF(app, bad_url.key, bad_url.params);
        return false;
    }
    live::LiveOptions o;
    o.starttls = l.starttls && !target->implicit_tls;
    o.tls.cafile = l.cafile;
    o.tls.insecure = l.insecure;
    o.keep_secrets = l.keep_secrets;
    o.timeout_ms = l.timeout_s * 1000;
    auto feed = std::make_unique<live::ClientFeed>(*target, o, l.user, l.password);
    live::ClientFeed* raw = feed.get();
    app.session.follow(std::move(feed), l.url, "");  // the title: the URL, the same in every language
    l.client = raw;
    l.client_generation = app.session.generation();
    l.mode = LiveState::Mode::connect;
    l.history_pos = -1;
    // A connection has no mail queue to show: the Live panel takes its place too.
    app.open[static_cast<size_t>(PanelId::live)] = true;
    app.open[static_cast<size_t>(PanelId::queue)] = false;
    app.relayout = true;
    return true;
}

void LiveCommand(App& app, const std::string& line) {
    live::ClientFeed* feed = LiveClient(app);
    if (!feed) return;
    feed->command(line);
    if (!line.empty() && (app.live.history.empty() || app.live.history.back() != line)) app.live.history.push_back(line);
    app.live.history_pos = -1;
}

bool LiveSendMessage(App& app) {
    LiveState& l = app.live;
    live::ClientFeed* feed = LiveClient(app);
    if (!feed) return false;
    std::vector<std::string> to;
    for (std::string_view rest = l.mail_to; !rest.empty();) {
        const size_t comma = rest.find(',');
        std::string_view a = rest.substr(0, comma);
        while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
        while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
        if (!a.empty()) to.emplace_back(a);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    if (l.mail_from[0] == '\0' || to.empty()) {
        l.connect_error = T(app, "gui.live.connect.send_missing");
        return false;
    }
    l.connect_error.clear();
    feed->request(live::SendRequest{l.mail_from, to,
                                    live::compose_message(l.mail_from, to, l.mail_subject, l.mail_text, std::time(nullptr))});
    return true;
}

bool LiveFetchMail(App& app) {
    LiveState& l = app.live;
    live::ClientFeed* feed = LiveClient(app);
    if (!feed || feed->target().protocol == "smtp") return false;
    if (l.user[0] == '\0') {
        l.connect_error = T(app, "gui.live.connect.fetch_no_user");
        return false;
    }
    l.connect_error.clear();
    feed->request(live::FetchRequest{l.fetch_delete && feed->target().protocol == "pop3", l.fetch_mailbox,
                                     static_cast<std::size_t>(l.fetch_max)});
    return true;
}

void DisconnectLive(App& app) {
    if (live::ClientFeed* feed = LiveClient(app)) feed->close();
}

void ShowLiveConnect(App& app) {
    if (live::ClientFeed* feed = LiveClient(app)) show_connection(app, *feed);
    else show_form(app);
}

}  // namespace mailsim::gui
