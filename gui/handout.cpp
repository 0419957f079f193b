// handout.cpp — paging panels into PNGs and writing the Markdown.
#include "handout.hpp"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "png.hpp"
#include "ui.hpp"
#include "view/transcript.hpp"

namespace mailsim::gui {

namespace fs = std::filesystem;

void Handout::start(App& app, std::string dir) {
    dir_ = std::move(dir);
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) {
        app.status = fmt::format("{}: {}", dir_, ec.message());
        return;
    }
    saved_solo_ = app.solo;
    saved_follow_ = app.follow_cursor;
    sequence_pages_.clear();
    transcript_pages_.clear();
    app.session.playing = false;
    app.session.set_cursor(app.session.trace().size());  // the whole trace
    app.follow_cursor = false;
    begin_panel(app, Phase::sequence);
}

void Handout::begin_panel(App& app, Phase p) {
    phase_ = p;
    page_ = 0;
    settle_ = 3;
    app.solo = static_cast<int>(p == Phase::sequence ? PanelId::sequence : PanelId::transcript);
    app.transcript_tab = 0;
    app.force_scroll = 0;
}

bool Handout::after_render(App& app, int w, int h) {
    if (phase_ == Phase::idle) return true;
    if (settle_-- > 0) return true;
    const char* name = phase_ == Phase::sequence ? "sequence" : "transcript";
    const std::string file = fmt::format("{}-{}.png", name, page_ + 1);
    if (!write_png((fs::path(dir_) / file).string(), w, h)) {
        app.status = "cannot write " + (fs::path(dir_) / file).string();
        phase_ = Phase::idle;
        return false;
    }
    (phase_ == Phase::sequence ? sequence_pages_ : transcript_pages_).push_back(file);
    // The next page overlaps the last by a little, so no line is cut in two unseen.
    const float step = std::max(100.0f, app.view_h - 60.0f);
    if (static_cast<float>(page_ + 1) * step <= app.scroll_max && page_ < 200) {
        ++page_;
        app.force_scroll = static_cast<float>(page_) * step;
        settle_ = 2;
        return true;
    }
    if (phase_ == Phase::sequence) {
        begin_panel(app, Phase::transcript);
        return true;
    }
    return finish(app);
}

bool Handout::finish(App& app) {
    phase_ = Phase::idle;
    app.force_scroll = -1;
    app.solo = saved_solo_;
    app.follow_cursor = saved_follow_;
    app.relayout = true;
    const Trace& t = app.session.trace();
    view::TranscriptOptions o;
    o.lang = app.lang;
    std::string md;
    const std::string title = app.session.lesson() ? app.session.lesson()->title.in(app.lang) : app.session.title();
    md += fmt::format("# {}\n\n", title);
    md += TF(app, "gui.handout.source", {{"kind", t.source.kind}, {"name", t.source.name}, {"seed", std::to_string(t.source.seed)},
                                         {"events", std::to_string(t.size())}}) + "\n\n";
    md += fmt::format("## {}\n\n", T(app, "gui.panel.sequence"));
    for (const auto& p : sequence_pages_) md += fmt::format("![{}]({})\n", p, p);
    md += fmt::format("\n## {}\n\n", T(app, "gui.panel.transcript"));
    for (const auto& p : transcript_pages_) md += fmt::format("![{}]({})\n", p, p);
    md += "\n```text\n";
    for (size_t i = 0; i < t.size(); ++i) md += view::format_event(t.at(i), o);
    md += "```\n\n";
    md += fmt::format("## {}\n\n{}", T(app, "gui.handout.outcome"), view::format_summary(view::summarize(t), o));
    const std::string path = (fs::path(dir_) / "handout.md").string();
    if (auto err = write_file_atomically(path, md)) {
        app.status = err->message();
        return false;
    }
    SetStatus(app, "gui.handout.done", {{"path", path}, {"pages", std::to_string(sequence_pages_.size() + transcript_pages_.size())}});
    std::printf("%s\n", app.status.c_str());
    return true;
}

}  // namespace mailsim::gui
