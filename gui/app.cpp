// app.cpp — the window, fonts, layout, menus, keys, scripts, screenshots.
#include "app.hpp"

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_internal.h>  // ImGui::FindWindowByName: a panel's rectangle of the last frame

#include "bench.hpp"
#include "handout.hpp"
#include "png.hpp"
#include "script.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char* const kFontPaths[] = {
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
};

// Glyphs are drawn at their own size on whole pixels, so nearest-texel
// sampling of the font atlas shows the same glyphs as the backend's linear
// filter, and a software renderer (llvmpipe) shades each fragment with one
// texel fetch instead of four. (Anti-aliased lines, drawn from the atlas
// too, differ by a shade at their edges.) The atlas is made once, by the
// first NewFrame.
void nearest_font_sampling(ImGuiIO& io) {
    const auto tex = static_cast<GLuint>(reinterpret_cast<std::uintptr_t>(io.Fonts->TexID));
    if (tex == 0) return;
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
}

// Glyphs for every text of both languages, the common Chinese characters
// (what a student types into the encoding lab, and what a real client's
// subject line or a message's text shows in the wire font) and the symbols
// we draw; at 16 px (the wire font 15 px) times the UI scale. Called again
// when the scale changes: the atlas is cleared and built anew at the new
// size.
void load_fonts(App& app, float scale) {
    ImGuiIO& io = ImGui::GetIO();
    static ImVector<ImWchar> ranges;  // must outlive the atlas build
    if (ranges.empty()) {
        ImFontGlyphRangesBuilder b;
        b.AddRanges(io.Fonts->GetGlyphRangesDefault());
        for (text::Lang l : {text::Lang::en, text::Lang::zh})
            for (const auto& [key, value] : text::all(l)) b.AddText(value.c_str(), value.c_str() + value.size());
        b.AddText("→←↑↓…✓✗▶■●◀·×—“”‘’「」『』（）：；，。、？！");
        b.AddRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
        b.BuildRanges(&ranges);  // for the wire font too: it shows the messages' text
    }
    io.Fonts->Clear();
    const char* path = nullptr;
    for (const char* p : kFontPaths)
        if (fs::exists(p)) {
            path = p;
            break;
        }
    if (!path) {
        static bool told = false;
        if (!told) std::fprintf(stderr, "mailsim-gui: no CJK font found (install fonts-wqy-microhei); Chinese will show as boxes\n");
        told = true;
        ImFontConfig cfg;
        cfg.SizePixels = std::round(13.0f * scale);
        io.Fonts->AddFontDefault(&cfg);
        app.mono = io.Fonts->Fonts[0];
        return;
    }
    ImFontConfig cfg;
    cfg.OversampleH = 1;  // the CJK atlas is large; no horizontal oversampling keeps it small
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    cfg.FontNo = 0;  // WenQuanYi Micro Hei
    io.Fonts->AddFontFromFileTTF(path, std::round(16.0f * scale), &cfg, ranges.Data);
    ImFontConfig mono = cfg;
    mono.FontNo = 1;  // WenQuanYi Micro Hei Mono, for wire bytes, hex and bits
    app.mono = io.Fonts->AddFontFromFileTTF(path, std::round(15.0f * scale), &mono, ranges.Data);
    if (!app.mono) app.mono = io.Fonts->Fonts[0];
}

// Fonts and the style's sizes at app.scale, when it changed since the last
// frame (before the frame begins: the atlas may not change inside one). The
// panels go back to their places, which are fractions of the window.
void apply_scale(App& app, const ImGuiStyle& base_style, bool device_ready) {
    if (app.font_scale == app.scale) return;
    app.scale = std::clamp(app.scale, kMinScale, kMaxScale);
    load_fonts(app, app.scale);
    ImGui::GetStyle() = base_style;
    ImGui::GetStyle().ScaleAllSizes(app.scale);
    if (device_ready) {  // else the backend's first NewFrame uploads the atlas
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
        nearest_font_sampling(ImGui::GetIO());
    }
    app.font_scale = app.scale;
    app.relayout = true;
}

// Where each panel goes by default: fractions of the area between the menu
// bar and the timeline, which runs along the bottom.
struct Place {
    float x, y, w, h;
};
// With a lesson open, the Lesson panel takes the left column below the
// topology (room for narration and a question), and the Queue panel shares
// the middle's lower half with the encoding lab and the reply-code lab
// (lesson_or_lab shows the one a step needs). Connected to a real server,
// the Live panel takes the queue's place too (a connection has no queue).
Place default_place(PanelId id, bool lesson, bool connect) {
    if (lesson && id == PanelId::lesson) return {0.00f, 0.40f, 0.30f, 0.60f};
    if (connect && id == PanelId::live) return {0.00f, 0.40f, 0.30f, 0.60f};
    if (lesson && (id == PanelId::queue || id == PanelId::replylab)) return {0.30f, 0.62f, 0.34f, 0.38f};
    switch (id) {
    case PanelId::topology: return {0.00f, 0.00f, 0.30f, 0.40f};
    case PanelId::queue: return {0.00f, 0.40f, 0.30f, 0.25f};
    case PanelId::replylab:
    case PanelId::live:  // serving real clients takes the lab's place too
    case PanelId::lesson: return {0.00f, 0.65f, 0.30f, 0.35f};  // a lesson takes the lab's place
    case PanelId::sequence: return {0.30f, 0.00f, 0.34f, 0.62f};
    case PanelId::encoding: return {0.30f, 0.62f, 0.34f, 0.38f};
    case PanelId::transcript: return {0.64f, 0.00f, 0.36f, 0.55f};
    case PanelId::message: return {0.64f, 0.55f, 0.36f, 0.45f};
    default: return {0, 0, 1, 1};
    }
}

// Places the next window: at its default spot, or over everything when solo.
void place_next(const App& app, PanelId id, float top, float bottom) {
    const ImVec2 d = ImGui::GetIO().DisplaySize;
    if (app.solo >= 0) {
        ImGui::SetNextWindowPos({0, top});
        ImGui::SetNextWindowSize({d.x, d.y - top});
        return;
    }
    // On a relayout every panel goes to its spot; otherwise only one that
    // appears (a lesson opened later, a panel shown again), so that it never
    // lands on ImGui's default spot on top of another.
    const ImGuiCond when = app.relayout ? ImGuiCond_Always : ImGuiCond_Appearing;
    if (id == PanelId::timeline) {
        ImGui::SetNextWindowPos({0, d.y - bottom}, when);
        ImGui::SetNextWindowSize({d.x, bottom}, when);
        return;
    }
    const Place p = default_place(id, app.session.lesson().has_value(), app.live.mode == LiveState::Mode::connect);
    const float h = d.y - top - bottom;
    ImGui::SetNextWindowPos({p.x * d.x, top + p.y * h}, when);
    ImGui::SetNextWindowSize({p.w * d.x, p.h * h}, when);
}

}  // namespace

std::string FindSourceDir(const char* name) {
    for (fs::path base : {fs::current_path(), fs::path(MAILSIM_SOURCE_DIR)})
        if (fs::is_directory(base / name)) return (base / name).string();
    return {};
}

std::optional<std::string> OpenFile(App& app, const std::string& path) {
    // A capture or a transcript log is read on a worker (import_progress shows it).
    if (is_importable(path)) {
        app.import_job = std::make_unique<ImportJob>(path);
        return std::nullopt;
    }
    if (auto err = app.session.open(path)) {
        app.status = err->message();
        std::fprintf(stderr, "mailsim-gui: %s\n", app.status.c_str());
        return app.status;
    }
    SetStatus(app, "gui.status.opened", {{"path", path}, {"events", std::to_string(app.session.trace().size())}});
    app.lab_rows_loaded = false;
    return std::nullopt;
}

namespace {

// While a capture or log is imported: a window with its progress and a
// Cancel button; when it is done, its trace is opened like a saved one.
void import_progress(App& app) {
    ImportJob& job = *app.import_job;
    const std::string name = fs::path(job.path()).filename().string();
    if (job.finished()) {
        auto r = job.take();
        if (app.open_dialog.importing) {
            const std::string error = r || job.cancelled() ? std::string{} : r.error().message();
            OpenDialogImportEnded(app, error.empty() ? nullptr : &error);
        }
        if (job.cancelled()) {
            SetStatus(app, "gui.import.cancelled", {{"path", name}});
        } else if (!r) {
            app.status = r.error().message();
            std::fprintf(stderr, "mailsim-gui: %s\n", app.status.c_str());
        } else {
            const std::string stopped = r->stopped, at = std::to_string(r->stopped_at);
            const std::string title = r->trace.source.name.empty() ? name : r->trace.source.name;
            app.session.follow(std::make_unique<WholeTrace>(std::move(r->trace)), title, job.path());
            app.session.set_cursor(0);
            app.lab_rows_loaded = false;
            if (stopped.empty())
                SetStatus(app, "gui.status.opened", {{"path", job.path()}, {"events", std::to_string(app.session.trace().size())}});
            else
                SetStatus(app, "gui.import.stopped", {{"path", name}, {"offset", at}, {"reason", stopped}});
        }
        app.import_job.reset();
        return;
    }
    const ImVec2 d = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos({d.x * 0.5f, d.y * 0.4f}, ImGuiCond_Always, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({std::min(d.x * 0.8f, 520.0f), 0});
    ImGui::Begin(T(app, "gui.import.title"), nullptr,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings);
    ImGui::TextUnformatted(name.c_str());
    const std::string read = TF(app, "gui.import.read", {{"mib", std::to_string(job.bytes_read() >> 20)}});
    ImGui::ProgressBar(job.progress(), {-1, 0}, read.c_str());
    if (ImGui::Button(T(app, "gui.import.cancel"))) job.cancel();
    ImGui::End();
}

void drop_callback(GLFWwindow* window, int count, const char** paths) {
    auto* app = static_cast<App*>(glfwGetWindowUserPointer(window));
    if (count > 0) OpenFile(*app, paths[0]);
}

std::vector<std::string> files_in(const char* dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".json" || (e.is_regular_file() && is_importable(e.path().string()))) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

void menu_bar(App& app) {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu(T(app, "gui.menu.file"))) {
        if (ImGui::MenuItem(T(app, "gui.menu.open_dialog"), "Ctrl O")) OpenDialogShow(app);
        if (ImGui::MenuItem(T(app, "gui.menu.default"))) {
            app.session.open_default();
            app.lab_rows_loaded = false;
        }
        for (const char* dir : {"lessons", "traces"}) {
            std::string d = FindSourceDir(dir);
            if (d.empty()) continue;
            ImGui::Separator();
            ImGui::TextDisabled("%s/", dir);
            for (const auto& f : files_in(d.c_str()))
                if (ImGui::MenuItem(fs::path(f).filename().string().c_str())) OpenFile(app, f);
        }
        ImGui::Separator();
        if (ImGui::MenuItem(T(app, "gui.menu.handout"))) app.handout_requested = true;
        if (ImGui::MenuItem(T(app, "gui.menu.quit"))) app.want_quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(T(app, "gui.menu.view"))) {
        for (size_t i = 0; i < app.open.size(); ++i)
            ImGui::MenuItem(T(app, "gui.panel." + std::string(kPanelNames[i])), nullptr, &app.open[i]);
        ImGui::Separator();
        if (ImGui::BeginMenu(T(app, "gui.menu.scale"))) {
            if (ImGui::MenuItem(T(app, "gui.menu.scale.larger"), "Ctrl +")) app.scale = next_scale(app.scale, +1);
            if (ImGui::MenuItem(T(app, "gui.menu.scale.smaller"), "Ctrl -")) app.scale = next_scale(app.scale, -1);
            if (ImGui::MenuItem(T(app, "gui.menu.scale.reset"), "Ctrl 0")) app.scale = 1.0f;
            ImGui::Separator();
            for (float step : kScaleSteps) {
                const std::string pct = std::to_string(static_cast<int>(std::lround(step * 100))) + " %";
                if (ImGui::MenuItem(pct.c_str(), nullptr, std::abs(app.scale - step) < 0.01f)) app.scale = step;
            }
            ImGui::EndMenu();
        }
        if (ImGui::MenuItem(T(app, "gui.menu.reset_layout"))) {
            app.open.fill(true);
            app.open[static_cast<size_t>(PanelId::live)] = false;  // View ▸ Live opens it
            app.solo = -1;
            app.relayout = true;
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(T(app, "gui.menu.language"))) {
        if (ImGui::MenuItem("English", nullptr, app.lang == text::Lang::en)) SetLanguage(app, text::Lang::en);
        if (ImGui::MenuItem("中文", nullptr, app.lang == text::Lang::zh)) SetLanguage(app, text::Lang::zh);
        ImGui::EndMenu();
    }
    ImGui::Separator();
    // The title, the cursor and the last notice share what is left of the bar.
    const std::string cursor = TF(app, "gui.status.cursor", {{"cursor", std::to_string(app.session.cursor())},
                                                             {"events", std::to_string(app.session.trace().size())},
                                                             {"time", format_seconds(app.session.cursor_time())}});
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float title_w = std::min(ImGui::CalcTextSize(app.session.title().c_str()).x, ImGui::GetContentRegionAvail().x * 0.4f);
    FitText(app, app.session.title(), std::max(1.0f, title_w));
    ImGui::SameLine(0, gap);
    const float cursor_w = ImGui::CalcTextSize(cursor.c_str()).x;
    FitTextDisabled(app, cursor, std::max(1.0f, app.status.empty() ? ImGui::GetContentRegionAvail().x - gap
                                                                    : std::min(cursor_w, ImGui::GetContentRegionAvail().x * 0.5f)));
    if (!app.status.empty()) {
        ImGui::SameLine(0, gap);
        ImGui::Separator();
        ImGui::SameLine(0, gap);
        const ImVec4 notice{1.0f, 0.8f, 0.4f, 1.0f};
        FitText(app, app.status, std::max(1.0f, ImGui::GetContentRegionAvail().x - gap), &notice);
    }
    ImGui::EndMainMenuBar();
}

// A script's `key` action: the keys go down for one frame and up the next,
// through the same io.KeysDown[] the GLFW backend fills, so keys() sees a
// press exactly as from a keyboard (ImGui 1.86: modifiers follow the keys).
void inject_keys(App& app, ImGuiIO& io) {
    if (app.keys_held.empty() && app.keys_to_press.empty()) return;
    for (int k : app.keys_held) io.KeysDown[k] = false;
    app.keys_held = std::move(app.keys_to_press);
    app.keys_to_press.clear();
    for (int k : app.keys_held) io.KeysDown[k] = true;
    io.KeyCtrl = io.KeysDown[GLFW_KEY_LEFT_CONTROL] || io.KeysDown[GLFW_KEY_RIGHT_CONTROL];
    io.KeyShift = io.KeysDown[GLFW_KEY_LEFT_SHIFT] || io.KeysDown[GLFW_KEY_RIGHT_SHIFT];
    io.KeyAlt = io.KeysDown[GLFW_KEY_LEFT_ALT] || io.KeysDown[GLFW_KEY_RIGHT_ALT];
}

void keys(App& app) {
    ImGuiIO& io = ImGui::GetIO();
    // The UI scale, also while typing: Ctrl + (or Ctrl =), Ctrl -, Ctrl 0.
    if (io.KeyCtrl && !io.KeyAlt) {
        if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD)) app.scale = next_scale(app.scale, +1);
        if (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT)) app.scale = next_scale(app.scale, -1);
        if (ImGui::IsKeyPressed(GLFW_KEY_0, false) || ImGui::IsKeyPressed(GLFW_KEY_KP_0, false)) app.scale = 1.0f;
        if (ImGui::IsKeyPressed(GLFW_KEY_O, false) && !app.open_dialog.shown && !app.import_job) OpenDialogShow(app);
    }
    // The Open dialog takes Enter and Esc; the cursor does not move under it.
    if (io.WantTextInput || app.open_dialog.shown) return;
    Session& s = app.session;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) s.step(1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) s.step(-1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false)) s.set_cursor(0);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End), false)) s.set_cursor(s.trace().size());
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) {
        if (s.cursor() >= s.trace().size()) s.set_cursor(0);
        s.playing = !s.playing;
    }
}

// A lesson takes the reply-code lab's place; without one its panel is hidden.
void lesson_or_lab(App& app) {
    static bool had_lesson = false;
    static int lower_middle = -1;  // with a lesson: 1 the encoding lab is shown there, 2 the reply-code lab, 0 the queue
    const bool has = app.session.lesson().has_value();
    static bool had_live = false;
    const bool live = app.open[static_cast<size_t>(PanelId::live)];
    if (live != had_live) {  // the Live panel and the lab share a place
        app.open[static_cast<size_t>(PanelId::replylab)] = !live && !has;
        had_live = live;
    }
    if (has && !had_lesson && live) {  // a lesson opened: it takes the place the Live panel had
        app.open[static_cast<size_t>(PanelId::live)] = false;
        had_live = false;
    }
    if (has != had_lesson || app.relayout) {
        app.open[static_cast<size_t>(PanelId::lesson)] = has;
        app.open[static_cast<size_t>(PanelId::replylab)] = !has && !app.open[static_cast<size_t>(PanelId::live)];
        if (has != had_lesson) {
            app.relayout = true;  // the panels move to the lesson's places, or back
            lower_middle = -1;
            if (!has) app.open[static_cast<size_t>(PanelId::queue)] = app.open[static_cast<size_t>(PanelId::encoding)] = true;
        }
        had_lesson = has;
    }
    app.highlight = -1;
    if (has) {
        const auto& step = app.session.lesson()->steps[app.session.lesson_step()];
        for (size_t i = 0; i < kPanelNames.size(); ++i)
            if (kPanelNames[i] == step.panel) app.highlight = static_cast<int>(i);
        if (app.progress.look >= 0) app.highlight = app.progress.look;  // a hint points elsewhere
        const int want = app.highlight == static_cast<int>(PanelId::encoding)   ? 1
                         : app.highlight == static_cast<int>(PanelId::replylab) ? 2
                                                                                 : 0;
        if (want != lower_middle) {
            app.open[static_cast<size_t>(PanelId::encoding)] = want == 1;
            app.open[static_cast<size_t>(PanelId::replylab)] = want == 2;
            app.open[static_cast<size_t>(PanelId::queue)] = want == 0;
            lower_middle = want;
        }
    }
}

// The colour a panel's background gives over the cleared frame. The frame is
// cleared to it, so a panel that overlaps no other needs no background of
// its own: that saves a software renderer (llvmpipe under Xvfb) a whole
// screen of blended pixels a frame, about a third of its work.
ImVec4 panel_background_over(ImVec4 clear) {
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    auto mix = [&](float b, float c) { return b * bg.w + c * (1.0f - bg.w); };
    return {mix(bg.x, clear.x), mix(bg.y, clear.y), mix(bg.z, clear.z), 1.0f};
}

void draw_panels(App& app, float top, float bottom) {
    lesson_or_lab(app);
    using Fn = void (*)(App&, bool*);
    static const Fn fns[] = {ShowTopologyPanel, ShowSequencePanel, ShowTranscriptPanel,
                             ShowTimelinePanel, ShowQueuePanel,    ShowMessagePanel,
                             ShowEncodingPanel, ShowReplyLabPanel, ShowLessonPanel,
                             ShowLivePanel};
    static_assert(std::size(fns) == static_cast<size_t>(PanelId::count));
    auto shown = [&](size_t i) { return app.solo >= 0 ? static_cast<size_t>(app.solo) == i : app.open[i]; };
    // Where each shown panel was last frame. While the mouse is held (a
    // panel may be dragged or resized) and after a relayout, every panel
    // draws its background.
    std::array<ImRect, std::size(fns)> rects{};
    std::array<bool, std::size(fns)> known{};
    const bool settled = !ImGui::GetIO().MouseDown[0] && !app.relayout;
    for (size_t i = 0; settled && i < std::size(fns); ++i)
        if (shown(i))
            if (const ImGuiWindow* w = ImGui::FindWindowByName(panel_title(app, static_cast<PanelId>(i)).c_str())) {
                rects[i] = w->Rect();
                known[i] = true;
            }
    auto alone = [&](size_t i) {
        if (!known[i]) return false;
        for (size_t j = 0; j < std::size(fns); ++j)
            if (j != i && shown(j) && (!known[j] || rects[j].Overlaps(rects[i]))) return false;
        return true;
    };
    for (size_t i = 0; i < std::size(fns); ++i) {
        if (app.solo >= 0 && static_cast<size_t>(app.solo) == i) ImGui::SetNextWindowFocus();
        if (!shown(i)) continue;
        bool open = true;
        // (A transparent fill is not drawn at all: ImDrawList skips it.)
        const bool no_background = alone(i);
        if (no_background) ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(0, 0, 0, 0));
        place_next(app, static_cast<PanelId>(i), top, bottom);
        // The panel a lesson's step points at gets a bright, thick border.
        const bool lit = app.highlight == static_cast<int>(i) && app.solo < 0;
        if (lit) {
            ImGui::PushStyleColor(ImGuiCol_Border, IM_COL32(255, 200, 60, 255));
            ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 3.0f);
        }
        fns[i](app, &open);
        if (lit) {
            ImGui::PopStyleVar();
            ImGui::PopStyleColor();
        }
        if (no_background) ImGui::PopStyleColor();
        if (!open) app.open[i] = false;
    }
}

}  // namespace

int run_app(const Options& options) {
    const auto t0 = Clock::now();
    App app;
    app.open.fill(true);
    app.open[static_cast<size_t>(PanelId::live)] = false;  // View ▸ Live, or a script's `serve`, opens it
    if (auto l = text::parse_lang(options.lang)) app.lang = *l;
    else {
        std::fprintf(stderr, "mailsim-gui: --lang: expected en or zh, found \"%s\"\n", options.lang.c_str());
        return 2;
    }
    Script script;
    if (!options.script.empty()) {
        auto parsed = Script::parse(options.script);
        if (!parsed) {
            std::fprintf(stderr, "mailsim-gui: %s\n", parsed.error().message().c_str());
            return 2;
        }
        script = std::move(*parsed);
    }

    if (!glfwInit()) {
        std::fprintf(stderr, "mailsim-gui: cannot open a window (no display? try xvfb-run, or `mailsim run` in a terminal)\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    if (options.hidden) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    GLFWwindow* window = glfwCreateWindow(options.width, options.height, "mailsim", nullptr, nullptr);
    if (!window) {
        std::fprintf(stderr, "mailsim-gui: cannot create an OpenGL 3 window\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(options.bench || !options.screenshot.empty() || !script.empty() ? 0 : 1);
    glfwSetWindowUserPointer(window, &app);
    glfwSetDropCallback(window, drop_callback);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // the layout is ours; nothing is written beside the program
    ImGui::StyleColorsDark();
    ImGui::GetStyle().WindowRounding = 3.0f;
    const ImGuiStyle base_style = ImGui::GetStyle();  // the sizes at scale 1
    app.scale = options.scale;
    apply_scale(app, base_style, false);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");

    Bench bench(options.bench, options.bench_lines);
    if (options.bench) {
        if (auto err = bench.load(app.session)) {
            std::fprintf(stderr, "mailsim-gui: %s\n", err->message().c_str());
            return 1;
        }
    } else if (!options.file.empty()) {
        OpenFile(app, options.file);
        if (!app.import_job && app.session.trace().empty() && app.session.title().empty()) app.session.open_default();
    } else {
        app.session.open_default();
    }

    Handout handout;
    if (!options.handout.empty()) app.handout_requested = true;
    int frame = 0;
    int exit_code = 0;
    auto last = Clock::now();
    bool first_frame = true;
    while (!glfwWindowShouldClose(window) && !app.want_quit) {
        glfwPollEvents();
        bench.before_frame(app);  // a frame's time includes moving the cursor
        auto now = Clock::now();
        double dt = std::chrono::duration<double>(now - last).count();
        last = now;
        app.session.poll();  // a trace that grows (live, serve) brings in what has come
        app.session.advance(dt);

        apply_scale(app, base_style, !first_frame);  // a scale asked for last frame (menu, keys, script)
        ImGui_ImplOpenGL3_NewFrame();
        if (first_frame) nearest_font_sampling(io);
        ImGui_ImplGlfw_NewFrame();
        // Headless runs: wherever Xvfb's pointer is, it hovers nothing (no stray tooltips).
        if (!script.empty() || !options.screenshot.empty() || options.bench || handout.active() || app.handout_requested)
            io.MousePos = {-FLT_MAX, -FLT_MAX};
        inject_keys(app, io);
        ImGui::NewFrame();
        app.labels.begin_frame();
        keys(app);
        menu_bar(app);
        const float top = ImGui::GetFrameHeight();
        const float bottom = app.timeline_height > 0 ? app.timeline_height : Px(app, 96.0f);
        draw_panels(app, top, bottom);
        if (app.open_dialog.shown) ShowOpenDialog(app);
        AuditCutContent(app);
        if (app.import_job) import_progress(app);
        // The timeline asked for another height: the panels take their places again next frame.
        app.relayout = app.timeline_height > 0 && app.timeline_height != bottom;
        ImGui::Render();

        int w, h;
        glfwGetFramebufferSize(window, &w, &h);
        glViewport(0, 0, w, h);
        const ImVec4 clear = panel_background_over({0.10f, 0.11f, 0.13f, 1.0f});
        glClearColor(clear.x, clear.y, clear.z, clear.w);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

        if (first_frame) {
            glFinish();
            if (options.bench || std::getenv("MAILSIM_GUI_TIMING"))
                std::printf("start-up to first frame: %.0f ms\n",
                            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            first_frame = false;
        }
        ++frame;
        // Script actions run one a frame, after the frame that shows the last one.
        std::string shot;
        // (A script waits while a capture is being imported.)
        if (!script.empty() && !app.import_job && !script.run_next(app, shot, exit_code)) app.want_quit = true;
        if (!shot.empty()) {
            if (!write_png(shot, w, h)) {
                std::fprintf(stderr, "mailsim-gui: cannot write %s\n", shot.c_str());
                exit_code = 1;
            } else std::printf("screenshot %s (%dx%d)\n", shot.c_str(), w, h);
        }
        if (app.handout_requested && !handout.active()) {
            app.handout_requested = false;
            std::string name = app.session.title().empty() ? "trace" : app.session.title();
            for (char& ch : name)
                if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') ch = '-';
            handout.start(app, options.handout.empty() ? "handout-" + name : options.handout);
        } else if (handout.active() && !handout.after_render(app, w, h)) {
            exit_code = 1;
            if (!options.handout.empty()) app.want_quit = true;
        } else if (!options.handout.empty() && !handout.active() && frame > 1) {
            app.want_quit = true;  // --handout: done
        }
        if (!options.screenshot.empty() && frame >= options.frames && script.empty()) {
            if (!write_png(options.screenshot, w, h)) {
                std::fprintf(stderr, "mailsim-gui: cannot write %s\n", options.screenshot.c_str());
                exit_code = 1;
            } else std::printf("screenshot %s (%dx%d)\n", options.screenshot.c_str(), w, h);
            app.want_quit = true;
        }
        glfwSwapBuffers(window);
        if (bench.after_frame(app)) app.want_quit = true;
    }
    bench.report();

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return exit_code;
}

}  // namespace mailsim::gui
