// script.cpp — parsing and running --script actions.
#include "script.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>

#include <GLFW/glfw3.h>

#include "core/ascii.hpp"
#include "core/trace_json.hpp"
#include "live/client_feed.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

const std::set<std::string, std::less<>> kVerbs = {
    "step",  "back",   "cursor", "home",   "end",      "jump",   "lang",  "solo",   "layout", "hide",
    "show",  "select", "play",   "pause",  "speed",    "wire",   "tab",   "open",   "override", "clear-overrides",
    "rerun", "encode", "charset", "mode",  "decode",   "wait",   "screenshot", "quit", "zoom", "lesson-step", "part", "part-to-lab", "answer", "answer-teacher", "expect-score",
    "scale", "check-labels", "topology-zoom", "serve", "serve-wait", "serve-stop",
    "type-command", "expect-typed", "key", "expect-scale", "connect", "live-command",
    "live-send", "live-fetch", "live-wait-reply", "live-wait-closed", "live-disconnect", "save-trace",
    "open-dialog", "open-dialog-kind", "open-dialog-select", "open-dialog-path", "open-dialog-ok", "open-dialog-cancel", "status"};

std::string trim(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string_view::npos ? std::string{} : std::string(s.substr(b, e - b + 1));
}

long number(const Action& a, long fallback) {
    long v = fallback;
    if (!a.arg.empty()) std::from_chars(a.arg.data(), a.arg.data() + a.arg.size(), v);
    return v;
}

int panel_index(std::string_view name) {
    for (size_t i = 0; i < kPanelNames.size(); ++i)
        if (kPanelNames[i] == name) return static_cast<int>(i);
    return -1;
}

std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> words;
    for (size_t pos = 0; pos < s.size();) {
        const size_t b = s.find_first_not_of(' ', pos);
        if (b == std::string::npos) break;
        const size_t e = s.find(' ', b);
        words.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
        pos = e == std::string::npos ? s.size() : e;
    }
    return words;
}

// live-send's fields, split at '|'.
std::vector<std::string> bar_fields(const std::string& s) {
    std::vector<std::string> out;
    for (size_t pos = 0;;) {
        const size_t bar = s.find('|', pos);
        out.push_back(trim(s.substr(pos, bar == std::string::npos ? std::string::npos : bar - pos)));
        if (bar == std::string::npos) return out;
        pos = bar + 1;
    }
}

// A wait of the live actions, checked once a frame for up to 60 s.
enum class Wait { pending, done, timed_out };
Wait wait_for(bool done, long& deadline) {
    if (deadline == 0) deadline = std::time(nullptr) + 60;
    if (!done && std::time(nullptr) < deadline) return Wait::pending;
    deadline = 0;
    return done ? Wait::done : Wait::timed_out;
}

const char* live_phase_name(live::ClientStatus::Phase p) {
    switch (p) {
    case live::ClientStatus::Phase::connecting: return "connecting";
    case live::ClientStatus::Phase::connected: return "connected";
    case live::ClientStatus::Phase::waiting: return "waiting";
    case live::ClientStatus::Phase::closing: return "closing";
    case live::ClientStatus::Phase::closed: return "closed";
    case live::ClientStatus::Phase::failed: return "failed";
    }
    return "failed";
}

std::optional<EventKind> jump_kind(std::string_view name) {
    if (name == "connect") return EventKind::connect;
    if (name == "scan") return EventKind::queue_scan;
    if (name == "delivery") return EventKind::delivery;
    if (name == "bounce") return EventKind::bounce;
    if (name == "defer") return EventKind::queue_defer;
    return std::nullopt;
}

// `key ctrl =`: the GLFW key codes of the names, modifiers first; empty when a name is unknown.
std::vector<int> key_codes(std::string_view spec) {
    static const std::pair<std::string_view, int> kNames[] = {
        {"ctrl", GLFW_KEY_LEFT_CONTROL}, {"shift", GLFW_KEY_LEFT_SHIFT}, {"alt", GLFW_KEY_LEFT_ALT},
        {"=", GLFW_KEY_EQUAL},           {"-", GLFW_KEY_MINUS},          {"kp+", GLFW_KEY_KP_ADD},
        {"kp-", GLFW_KEY_KP_SUBTRACT},   {"kp0", GLFW_KEY_KP_0},         {"left", GLFW_KEY_LEFT},
        {"right", GLFW_KEY_RIGHT},       {"home", GLFW_KEY_HOME},        {"end", GLFW_KEY_END},
        {"space", GLFW_KEY_SPACE},       {"enter", GLFW_KEY_ENTER}};
    std::vector<int> codes;
    size_t pos = 0;
    while (pos < spec.size()) {
        const size_t sp = std::min(spec.find(' ', pos), spec.size());
        const std::string_view name = spec.substr(pos, sp - pos);
        pos = sp + 1;
        if (name.empty()) continue;
        int code = -1;
        if (name.size() == 1 && name[0] >= '0' && name[0] <= '9') code = GLFW_KEY_0 + (name[0] - '0');
        for (const auto& [n, c] : kNames)
            if (n == name) code = c;
        if (code < 0) return {};
        codes.push_back(code);
    }
    return codes;
}

std::optional<FileKind> file_kind(std::string_view name) {
    for (size_t k = 0; k < kFileKindNames.size(); ++k)
        if (kFileKindNames[k] == name) return static_cast<FileKind>(k);
    return std::nullopt;
}

}  // namespace

Result<Script> Script::parse(const std::string& text_or_file) {
    std::string text = text_or_file;
    std::string where = "--script";
    if (!text.empty() && text[0] == '@') {
        where = text.substr(1);
        auto f = read_file(where);
        if (!f) return f.error();
        text = *f;
    }
    Script s;
    size_t n = 0;
    for (size_t pos = 0; pos <= text.size();) {
        size_t end = text.find_first_of(";\n", pos);
        if (end == std::string::npos) end = text.size();
        std::string item = trim(std::string_view(text).substr(pos, end - pos));
        pos = end + 1;
        if (item.empty() || item[0] == '#') continue;
        ++n;
        Action a;
        a.number = n;
        size_t sp = item.find(' ');
        a.verb = item.substr(0, sp);
        if (sp != std::string::npos) a.arg = trim(item.substr(sp + 1));
        if (!kVerbs.count(a.verb))
            return Error{where, "action " + std::to_string(n) + ": unknown action \"" + a.verb +
                                    "\" (known: step back cursor home end jump lang solo layout hide show select play "
                                    "pause speed wire tab open override clear-overrides rerun encode charset mode "
                                    "decode wait zoom lesson-step answer answer-teacher expect-score part part-to-lab scale check-labels topology-zoom "
                                    "serve serve-wait serve-stop type-command expect-typed key expect-scale "
                                    "open-dialog open-dialog-kind open-dialog-select open-dialog-path open-dialog-ok open-dialog-cancel status "
                                    "connect live-command live-send live-fetch live-wait-reply live-wait-closed "
                                    "live-disconnect save-trace "
                                    "screenshot quit)"};
        if ((a.verb == "solo" || a.verb == "hide" || a.verb == "show") && panel_index(a.arg) < 0)
            return Error{where, "action " + std::to_string(n) + ": no panel \"" + a.arg +
                                    "\" (topology sequence transcript timeline queue message encoding replylab lesson)"};
        if (a.verb == "jump" && !jump_kind(a.arg))
            return Error{where, "action " + std::to_string(n) + ": jump to what? expected connect, scan, delivery, bounce or defer"};
        if (a.verb == "scale") {
            char* end = nullptr;
            const float f = std::strtof(a.arg.c_str(), &end);
            if (a.arg.empty() || *end != '\0' || !(f >= kMinScale && f <= kMaxScale))
                return Error{where, "action " + std::to_string(n) + ": expected scale F with F from 0.5 to 3, found \"" + a.arg + "\""};
        }
        if (a.verb == "topology-zoom") {
            float z = 0, x = 0.5f, y = 0.5f;
            const int got = std::sscanf(a.arg.c_str(), "%f %f %f", &z, &x, &y);
            if ((got != 1 && got != 3) || !(z >= 1 && z <= 64))
                return Error{where, "action " + std::to_string(n) + ": expected topology-zoom Z [X Y], Z from 1 to 64, X and Y "
                                        "the picture's point to centre (0 to 1), found \"" + a.arg + "\""};
        }
        if (a.verb == "key" && key_codes(a.arg).empty())
            return Error{where, "action " + std::to_string(n) + ": expected key [ctrl] [shift] [alt] KEY with KEY one of = - "
                                    "0-9 kp+ kp- kp0 left right home end space enter, found \"" + a.arg + "\""};
        if (a.verb == "expect-scale") {
            char* end = nullptr;
            const float f = std::strtof(a.arg.c_str(), &end);
            if (a.arg.empty() || *end != '\0' || !(f >= kMinScale && f <= kMaxScale))
                return Error{where, "action " + std::to_string(n) + ": expected expect-scale F with F from 0.5 to 3, found \"" + a.arg + "\""};
        }
        if (a.verb == "lang" && !text::parse_lang(a.arg))
            return Error{where, "action " + std::to_string(n) + ": expected lang en or lang zh"};
        if (a.verb == "open-dialog-kind" && !file_kind(a.arg))
            return Error{where, "action " + std::to_string(n) + ": expected open-dialog-kind all, mail, json, capture or log, found \"" +
                                    a.arg + "\""};
        if ((a.verb == "screenshot" || a.verb == "open" || a.verb == "encode" || a.verb == "type-command" ||
             a.verb == "expect-typed" || a.verb == "open-dialog-select" || a.verb == "open-dialog-path" ||
             a.verb == "connect" || a.verb == "save-trace") &&
            a.arg.empty())
            return Error{where, "action " + std::to_string(n) + ": " + a.verb + " needs an argument"};
        if (a.verb == "connect") {
            const auto words = split_words(a.arg);
            for (size_t i = 1; i < words.size(); ++i) {
                const bool valued = words[i] == "cafile" || words[i] == "user" || words[i] == "password" || words[i] == "timeout";
                if (valued && i + 1 < words.size()) ++i;
                else if (valued || (words[i] != "starttls" && words[i] != "insecure" && words[i] != "keep-secrets"))
                    return Error{where, "action " + std::to_string(n) + ": expected connect URL [starttls] [insecure] "
                                            "[keep-secrets] [cafile PATH] [user U] [password P] [timeout S], found \"" + words[i] + "\""};
            }
        }
        if (a.verb == "live-fetch") {
            const auto words = split_words(a.arg);
            for (size_t i = 0; i < words.size(); ++i) {
                const bool valued = words[i] == "mailbox" || words[i] == "max";
                if (valued && i + 1 < words.size()) ++i;
                else if (valued || words[i] != "delete")
                    return Error{where, "action " + std::to_string(n) + ": expected live-fetch [delete] [mailbox M] [max N], found \"" +
                                            words[i] + "\""};
            }
        }
        if (a.verb == "live-send" && std::count(a.arg.begin(), a.arg.end(), '|') != 3)
            return Error{where, "action " + std::to_string(n) + ": expected live-send FROM|TO,TO|SUBJECT|TEXT (\\n in TEXT starts a new line)"};
        if (a.verb == "override" && std::count(a.arg.begin(), a.arg.end(), '|') != 4)
            return Error{where, "action " + std::to_string(n) +
                                    ": expected override SERVER|PROTOCOL|COMMAND|MATCH|REPLY, e.g. "
                                    "mail.hamburger.edu|smtp|RCPT|bob|550 5.1.1 No such user here"};
        s.actions_.push_back(std::move(a));
    }
    return s;
}

bool Script::run_next(App& app, std::string& shot, int& exit_code) {
    if (waiting_ > 0) {
        --waiting_;
        return true;
    }
    if (empty()) return true;
    const Action& a = actions_[next_++];
    Session& s = app.session;
    const std::string& v = a.verb;
    if (v == "step") s.step(number(a, 1));
    else if (v == "back") s.step(-number(a, 1));
    else if (v == "cursor") s.set_cursor(static_cast<size_t>(number(a, 0)));
    else if (v == "home") s.set_cursor(0);
    else if (v == "end") s.set_cursor(s.trace().size());
    else if (v == "jump") {
        if (!s.jump_next(*jump_kind(a.arg))) app.status = "no further " + a.arg;
    } else if (v == "lang") SetLanguage(app, *text::parse_lang(a.arg));
    else if (v == "solo") app.solo = panel_index(a.arg);
    else if (v == "layout") {
        app.solo = -1;
        app.relayout = true;
    } else if (v == "hide") app.open[panel_index(a.arg)] = false;
    else if (v == "show") app.open[panel_index(a.arg)] = true;
    else if (v == "select") s.select(static_cast<std::uint32_t>(number(a, 0)));
    else if (v == "play") s.playing = true;
    else if (v == "pause") s.playing = false;
    else if (v == "speed") s.speed = static_cast<float>(number(a, 2));
    else if (v == "zoom") app.sequence_zoom = static_cast<float>(number(a, 100)) / 100.0f;
    else if (v == "wire") app.wire_bytes = a.arg != "off";
    else if (v == "tab") app.transcript_tab = static_cast<std::uint32_t>(number(a, 0));
    else if (v == "open") {
        if (auto err = s.open(a.arg)) {
            std::fprintf(stderr, "mailsim-gui: %s\n", err->message().c_str());
            exit_code = 1;
            return false;
        }
        app.lab_rows_loaded = false;
    } else if (v == "override" || v == "clear-overrides") {
        if (!app.lab_rows_loaded) {
            app.lab_rows = s.overrides();
            app.lab_rows_loaded = true;
        }
        if (v == "clear-overrides") app.lab_rows.clear();
        else {
            OverrideRow r;
            std::string* fields[] = {&r.server, &r.protocol, &r.command, &r.match, &r.reply};
            size_t pos = 0;
            for (auto* f : fields) {
                size_t bar = a.arg.find('|', pos);
                *f = trim(a.arg.substr(pos, bar == std::string::npos ? std::string::npos : bar - pos));
                pos = bar == std::string::npos ? a.arg.size() : bar + 1;
            }
            app.lab_rows.push_back(std::move(r));
        }
    } else if (v == "rerun") {
        if (auto err = s.rerun(app.lab_rows)) {
            app.status = err->message();
            std::fprintf(stderr, "mailsim-gui: %s\n", app.status.c_str());
        }
    } else if (v == "encode") {
        std::snprintf(app.lab.input, sizeof app.lab.input, "%s", a.arg.c_str());
        app.lab.source.clear();
    } else if (v == "charset") app.lab.charset = std::max(0, encoding_charset_index(a.arg));
    else if (v == "mode") app.lab.mode = iequals(a.arg, "qp") ? 1 : 0;
    else if (v == "decode") app.lab.decode = a.arg != "off";
    else if (v == "lesson-step") s.go_to_step(static_cast<size_t>(std::max(1L, number(a, 1)) - 1));
    else if (v == "answer") {
        // The open checkpoint of the lesson's step: a choice's number, a typed text, or
        // (a click question) an event's number, selected first as a click would.
        if (!a.arg.empty() && a.arg[0] == '#') s.select(static_cast<std::uint32_t>(std::strtoul(a.arg.c_str() + 1, nullptr, 10)));
        if (!AnswerCheckpoint(app, a.arg[0] == '#' ? std::string_view{} : std::string_view(a.arg))) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: no open checkpoint to answer\n", a.number);
            exit_code = 1;
            return false;
        }
        std::printf("answer %s: %s\n", a.arg.c_str(), LessonFeedback(app).c_str());
        std::fflush(stdout);
    } else if (v == "answer-teacher") {
        // Every open checkpoint of the step, with the teacher's answers.
        while (auto t = TeacherAnswer(app)) AnswerCheckpoint(app, *t);
    } else if (v == "expect-score") {
        if (LessonScore(app) != number(a, -1)) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: score %d, expected %s\n", a.number, LessonScore(app), a.arg.c_str());
            exit_code = 1;
            return false;
        }
    } else if (v == "part" || v == "part-to-lab") {
        app.select_part = a.arg.empty() ? "1" : a.arg;
        app.part_to_lab = v == "part-to-lab";
    } else if (v == "serve") {
        // Serve the open scenario for real clients: `serve 2525,1110,1143,8080` (0 = any free port).
        app.open[static_cast<size_t>(PanelId::live)] = true;
        if (!a.arg.empty()) {
            size_t pos = 0;
            for (int i = 0; i < 4; ++i) {
                const size_t comma = a.arg.find(',', pos);
                app.live.ports[i] = std::atoi(a.arg.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos).c_str());
                if (comma == std::string::npos) {
                    for (int j = i + 1; j < 4; ++j) app.live.ports[j] = -1;
                    break;
                }
                pos = comma + 1;
            }
        }
        if (!StartServing(app)) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: %s\n", a.number, app.live.error.c_str());
            exit_code = 1;
            return false;
        }
    } else if (v == "serve-wait") {
        // Waits (up to 60 s) until N connections have been served and closed.
        const long want = number(a, 1);
        if (serve_deadline_ == 0) serve_deadline_ = std::time(nullptr) + 60;
        if (ServedConnections(app) < 0) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: nothing is being served\n", a.number);
            exit_code = 1;
            return false;
        }
        const bool done = ServedConnections(app) >= want && ServeIdle(app);
        if (!done && std::time(nullptr) < serve_deadline_) {
            --next_;  // again next frame
            return true;
        }
        serve_deadline_ = 0;
        if (!done) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: %ld connection(s) served in 60 s, expected %ld\n", a.number,
                         ServedConnections(app), want);
            exit_code = 1;
            return false;
        }
    } else if (v == "serve-stop") {
        StopServing(app);
    } else if (v.rfind("open-dialog", 0) == 0) {
        // File ▸ Open… as a student uses it: `open-dialog [FOLDER]`, then a kind, a click on an entry
        // or a typed path, and Open (Enter) or Cancel (Esc).
        OpenDialogState& d = app.open_dialog;
        if (v != "open-dialog" && !d.shown) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: %s, but the Open dialog is not shown\n", a.number, v.c_str());
            exit_code = 1;
            return false;
        }
        if (v == "open-dialog") OpenDialogShow(app, a.arg);
        else if (v == "open-dialog-kind") d.browser.set_kind(*file_kind(a.arg));
        else if (v == "open-dialog-path") {
            std::snprintf(d.path, sizeof d.path, "%s", a.arg.c_str());
            d.path_set = true;
        }
        else if (v == "open-dialog-ok") OpenDialogAccept(app);
        else if (v == "open-dialog-cancel") OpenDialogCancel(app);
        else if (v == "open-dialog-select") {
            const auto& entries = d.browser.entries();
            const auto it = std::find_if(entries.begin(), entries.end(), [&](const FileEntry& e) { return e.name == a.arg; });
            if (it == entries.end()) {
                std::fprintf(stderr, "mailsim-gui: --script action %zu: no entry \"%s\" in %s\n", a.number, a.arg.c_str(),
                             d.browser.dir().c_str());
                exit_code = 1;
                return false;
            }
            OpenDialogClick(app, static_cast<size_t>(it - entries.begin()));
        }
    } else if (v == "status") {
        // What a student reads: the status bar's notice, the session's title
        // and where its cursor is, and the Open dialog with its error.
        std::printf("status: %s\n", app.status.c_str());
        std::printf("open-dialog: %s%s%s\n", app.open_dialog.shown ? "shown" : "closed",
                    app.open_dialog.browser.error().empty() ? "" : ": ", app.open_dialog.browser.error().c_str());
        std::printf("title: %s\n", app.session.title().c_str());
        std::printf("cursor: %zu of %zu\n", app.session.cursor(), app.session.trace().size());
        std::fflush(stdout);
    } else if (v == "connect") {
        // connect URL [starttls] [insecure] [keep-secrets] [cafile PATH] [user U] [password P] [timeout S]
        const auto words = split_words(a.arg);
        LiveState& l = app.live;
        std::snprintf(l.url, sizeof l.url, "%s", words[0].c_str());
        l.starttls = l.insecure = l.keep_secrets = false;
        l.cafile[0] = '\0';
        for (size_t i = 1; i < words.size(); ++i) {
            if (words[i] == "starttls") l.starttls = true;
            else if (words[i] == "insecure") l.insecure = true;
            else if (words[i] == "keep-secrets") l.keep_secrets = true;
            else if (words[i] == "cafile") std::snprintf(l.cafile, sizeof l.cafile, "%s", words[++i].c_str());
            else if (words[i] == "user") std::snprintf(l.user, sizeof l.user, "%s", words[++i].c_str());
            else if (words[i] == "password") std::snprintf(l.password, sizeof l.password, "%s", words[++i].c_str());
            else if (words[i] == "timeout") l.timeout_s = std::clamp(std::atoi(words[++i].c_str()), 1, 3600);
        }
        l.mode = LiveState::Mode::connect;
        if (!ConnectLive(app)) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: %s\n", a.number, l.connect_error.c_str());
            exit_code = 1;
            return false;
        }
    } else if (v == "live-command" || v == "live-send" || v == "live-fetch" || v == "live-disconnect") {
        if (!LiveClient(app)) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: not connected (connect URL first)\n", a.number);
            exit_code = 1;
            return false;
        }
        if (v == "live-command") LiveCommand(app, a.arg);
        else if (v == "live-disconnect") DisconnectLive(app);
        else if (v == "live-fetch") {
            // live-fetch [delete] [mailbox M] [max N]: the Fetch form's fields, then Fetch.
            LiveState& l = app.live;
            const auto words = split_words(a.arg);
            l.fetch_delete = false;
            for (size_t i = 0; i < words.size(); ++i) {
                if (words[i] == "delete") l.fetch_delete = true;
                else if (words[i] == "mailbox") std::snprintf(l.fetch_mailbox, sizeof l.fetch_mailbox, "%s", words[++i].c_str());
                else if (words[i] == "max") l.fetch_max = std::clamp(std::atoi(words[++i].c_str()), 1, 10000);
            }
            if (!LiveFetchMail(app)) {
                std::fprintf(stderr, "mailsim-gui: --script action %zu: %s\n", a.number,
                             l.connect_error.empty() ? "not a POP3 or IMAP connection" : l.connect_error.c_str());
                exit_code = 1;
                return false;
            }
        } else {
            const auto f = bar_fields(a.arg);
            LiveState& l = app.live;
            std::snprintf(l.mail_from, sizeof l.mail_from, "%s", f[0].c_str());
            std::snprintf(l.mail_to, sizeof l.mail_to, "%s", f[1].c_str());
            std::snprintf(l.mail_subject, sizeof l.mail_subject, "%s", f[2].c_str());
            std::string text = f[3];
            for (size_t at; (at = text.find("\\n")) != std::string::npos;) text.replace(at, 2, "\n");
            std::snprintf(l.mail_text, sizeof l.mail_text, "%s", text.c_str());
            if (!LiveSendMessage(app)) {
                std::fprintf(stderr, "mailsim-gui: --script action %zu: %s\n", a.number, l.connect_error.c_str());
                exit_code = 1;
                return false;
            }
        }
    } else if (v == "live-wait-reply" || v == "live-wait-closed") {
        // live-wait-reply [N]: every request queued so far is done (and at
        // least N replies have come); live-wait-closed: the connection is
        // over. Both print the connection's state for tests.
        live::ClientFeed* feed = LiveClient(app);
        if (!feed) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: not connected (connect URL first)\n", a.number);
            exit_code = 1;
            return false;
        }
        s.poll();
        const live::ClientStatus st = feed->status();
        const bool done = v == "live-wait-closed" ? feed->finished()
                                                  : st.queued == 0 && st.unread == 0 && st.replies >= static_cast<size_t>(number(a, 0));
        const Wait w = wait_for(done, live_deadline_);
        if (w == Wait::pending) {
            --next_;  // again next frame
            return true;
        }
        std::printf("%s: %s%s%s (%zu replies)\n", v.c_str(), live_phase_name(st.phase), st.error.empty() ? "" : ": ",
                    st.error.c_str(), st.replies);
        if (st.fetched) {
            std::printf("fetched: %zu\n", st.fetched->size());
            for (const auto& m : *st.fetched)
                std::printf("fetched %s %zu octets, %zu parts, From %s, Subject %s\n", m.id.c_str(), m.size, m.parts, m.from.c_str(),
                            m.subject.c_str());
        }
        std::fflush(stdout);
        if (w == Wait::timed_out) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: %s not reached in 60 s\n", a.number, v.c_str());
            exit_code = 1;
            return false;
        }
    } else if (v == "save-trace") {
        if (auto err = save_trace(s.trace(), a.arg)) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: %s\n", a.number, err->message().c_str());
            exit_code = 1;
            return false;
        }
    } else if (v == "scale") app.scale = std::strtof(a.arg.c_str(), nullptr);
    else if (v == "topology-zoom") {
        float z = 1, x = 0.5f, y = 0.5f;
        std::sscanf(a.arg.c_str(), "%f %f %f", &z, &x, &y);
        app.topology_zoom = z;
        app.topology_centre_x = x;
        app.topology_centre_y = y;
    } else if (v == "check-labels") {
        // The frame just drawn: every label cut at its room has an ellipsis and a tooltip.
        std::printf("check-labels: %s\n", app.labels.report().c_str());
        std::fflush(stdout);
        if (!app.labels.without_tooltip().empty()) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: labels cut without a tooltip\n", a.number);
            exit_code = 1;
            return false;
        }
    } else if (v == "type-command") {
        // As if typed in the box of the transcript tab shown (an SMTP connection of a scenario).
        if (!TypeCommand(app, a.arg)) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: no SMTP connection's tab is shown to type into "
                                 "(open a scenario, then `tab N` of an SMTP connection)\n", a.number);
            exit_code = 1;
            return false;
        }
    } else if (v == "expect-typed") {
        // The typed box as the last frame drew it: its last line begins with the text.
        const auto& shown = app.typed.shown;
        std::printf("typed box: %s\n", shown.empty() ? "(empty)" : shown.back().c_str());
        std::fflush(stdout);
        if (shown.empty() || shown.back().rfind(a.arg, 0) != 0) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: the typed box's last line is \"%s\", expected it to begin \"%s\"\n",
                         a.number, shown.empty() ? "" : shown.back().c_str(), a.arg.c_str());
            exit_code = 1;
            return false;
        }
    } else if (v == "key") {
        app.keys_to_press = key_codes(a.arg);  // down next frame, up the one after
    } else if (v == "expect-scale") {
        const float want = std::strtof(a.arg.c_str(), nullptr);
        std::printf("scale %.2f\n", app.scale);
        std::fflush(stdout);
        if (std::abs(app.scale - want) > 0.001f) {
            std::fprintf(stderr, "mailsim-gui: --script action %zu: scale %.2f, expected %.2f\n", a.number, app.scale, want);
            exit_code = 1;
            return false;
        }
    } else if (v == "wait") waiting_ = static_cast<int>(number(a, 1));
    else if (v == "screenshot") shot = a.arg;
    else if (v == "quit") return false;
    return true;
}

}  // namespace mailsim::gui
