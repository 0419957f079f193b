// cmd_lesson.cpp — `mailsim lesson FILE`: a lesson played in the terminal,
// for machines without a display. Each step: its title and narration, then
// the exchange from the previous step up to its event, as `mailsim run`
// prints it.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "scenario/lesson.hpp"
#include "view/transcript.hpp"

namespace mailsim::cli {

namespace {

// Wraps text at `width` columns (counting a CJK character as two), for the narration.
std::string wrap(const std::string& text, size_t width) {
    std::string out, line;
    size_t cols = 0;
    auto flush = [&] {
        out += "  " + line + "\n";
        line.clear();
        cols = 0;
    };
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        std::string ch = text.substr(i, n);
        size_t w = n >= 3 ? 2 : 1;
        i += n;
        if (ch == " " && cols + 1 > width) {
            flush();
            continue;
        }
        // Break before a word that would not fit (ASCII words), or anywhere for CJK.
        if (n == 1 && ch != " " && cols > 0 && (line.empty() || line.back() == ' ')) {
            size_t end = text.find(' ', i);
            size_t word = (end == std::string::npos ? text.size() : end) - i + 1;
            if (cols + word > width) flush();
        } else if (cols + w > width) {
            flush();
        }
        line += ch;
        cols += w;
    }
    if (!line.empty()) flush();
    return out;
}

}  // namespace

int cmd_lesson(const LessonOptions& o, const CommonOptions& c) {
    auto lesson = scenario::load_lesson(o.file);
    if (!lesson) {
        std::fprintf(stderr, "mailsim: %s\n", lesson.error().message().c_str());
        return 1;
    }
    const text::Lang lang = *text::parse_lang(c.lang);
    auto s = scenario::parse_scenario(lesson->scenario_json, o.file);
    if (!s) {
        std::fprintf(stderr, "mailsim: %s\n", s.error().message().c_str());
        return 1;
    }
    auto world = scenario::run_to_end(*s);
    const Trace& t = world->trace();
    view::TranscriptOptions opts;
    opts.lang = lang;
    opts.color = c.color;
    opts.states = c.states;
    const char* bold = c.color ? "\033[1m" : "";
    const char* reset = c.color ? "\033[0m" : "";
    std::printf("%s%s%s\n\n", bold, view::visible(lesson->title.in(lang)).c_str(), reset);
    size_t shown = 0;
    const size_t n = lesson->steps.size();
    for (size_t i = 0; i < n; ++i) {
        const auto& step = lesson->steps[i];
        std::printf("%s── %s ──%s\n", bold,
                    text::get(lang, "cli.lesson.step", {{"n", std::to_string(i + 1)}, {"of", std::to_string(n)},
                                                        {"title", view::visible(step.title.in(lang))}})
                        .c_str(),
                    reset);
        std::string narration;  // a lesson file's text: its line breaks kept, any other control byte shown
        for (size_t a = 0, b; a <= step.text.in(lang).size(); a = b + 1) {
            const std::string& text = step.text.in(lang);
            b = std::min(text.find('\n', a), text.size());
            narration += view::visible(std::string_view(text).substr(a, b - a)) + (b < text.size() ? "\n" : "");
        }
        std::fputs(wrap(narration, 76).c_str(), stdout);
        if (!step.panel.empty())
            std::fputs(("  " + text::get(lang, "cli.lesson.panel", {{"panel", text::get(lang, "gui.panel." + step.panel)}}) + "\n").c_str(), stdout);
        std::fputs("\n", stdout);
        for (; shown < step.cursor && shown < t.size(); ++shown) {
            std::string line = view::format_event(t.at(shown), opts);
            std::fwrite(line.data(), 1, line.size(), stdout);
        }
        std::fputs("\n", stdout);
        if (o.pause && i + 1 < n) {
            std::fputs(text::get(lang, "cli.lesson.pause").c_str(), stdout);
            std::fflush(stdout);
            std::string ignored;
            if (!std::getline(std::cin, ignored)) break;
        }
    }
    std::fputs(view::format_summary(view::summarize(t), opts).c_str(), stdout);
    return 0;
}

}  // namespace mailsim::cli
