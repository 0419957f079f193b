// cmd_lesson.cpp — `mailsim lesson FILE`: a lesson played in the terminal,
// for machines without a display. Each step: its title, its "predict"
// questions (before the narration, which would give them away), its
// narration, then the exchange from the previous step up to its
// event, as `mailsim run` prints it (each line after its event number #N),
// then its other questions. Answers are read a line each from standard
// input; a wrong one gets the hint and one more try; the score counts the
// answers right at the first try. At the end of input the lesson plays on
// without asking. --teacher prints the answers instead of asking;
// --results OUT.json saves the answers (atomically) for the teacher.
//
// `mailsim lesson check FILE…` names every mistake of each file by its path.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "scenario/lesson.hpp"
#include "view/transcript.hpp"

namespace mailsim::cli {

namespace {

// Wraps text at `width` columns (counting a CJK character as two), for the
// narration. A line may break between two CJK characters, never inside an
// ASCII word ("SMTP", "RCPT TO:<bob@hamburger.edu>"), even one written
// straight after a CJK character with no space between.
std::string wrap(const std::string& text, size_t width) {
    std::string out, line;
    size_t cols = 0;
    bool after_wide = false;  // the last character on the line is a CJK (multi-byte) one
    auto flush = [&] {
        out += "  " + line + "\n";
        line.clear();
        cols = 0;
        after_wide = false;
    };
    auto word_char = [&](size_t at) { return text[at] != ' ' && static_cast<unsigned char>(text[at]) < 0x80; };
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        std::string ch = text.substr(i, n);
        size_t w = n >= 3 ? 2 : 1;
        i += n;
        if (ch == "\n") {  // the lesson's own line break
            flush();
            continue;
        }
        if (ch == " " && cols + 1 > width) {
            flush();
            continue;
        }
        // Break before an ASCII word that would not fit; anywhere else for CJK.
        if (n == 1 && ch != " " && cols > 0 && (after_wide || line.back() == ' ')) {
            size_t end = i;
            while (end < text.size() && word_char(end)) ++end;
            if (cols + (end - i + 1) > width) flush();
        } else if (cols + w > width) {
            flush();
        }
        line += ch;
        cols += w;
        after_wide = n > 1;
    }
    if (!line.empty()) flush();
    return out;
}

// Asks a lesson's questions at the prompt and keeps the answers for --results.
struct Asker {
    text::Lang lang;
    const Trace& t;
    bool teacher;
    bool eof = false;
    int score = 0;
    nlohmann::json answers = nlohmann::json::array();

    // A line of input, or nullopt at its end (then nothing more is asked).
    std::optional<std::string> read(std::string_view prompt_key) {
        if (eof) return std::nullopt;
        std::fputs(text::get(lang, prompt_key).c_str(), stdout);
        std::fflush(stdout);
        std::string line;
        if (!std::getline(std::cin, line)) {
            eof = true;
            std::fputs(("\n  " + text::get(lang, "cli.checkpoint.no_answer") + "\n").c_str(), stdout);
            return std::nullopt;
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
    }

    void show_question(const scenario::Checkpoint& c, size_t n, bool predicting) {
        std::string q = text::get(lang, predicting ? "cli.checkpoint.predict" : "cli.checkpoint.question",
                                  {{"n", std::to_string(n)}, {"question", c.question.in(lang)}});
        std::fputs(("? " + q + "\n").c_str(), stdout);
        for (size_t i = 0; i < c.choices.size(); ++i)
            std::fputs(fmt::format("    {}. {}\n", i + 1, c.choices[i].in(lang)).c_str(), stdout);
        if (teacher)
            std::fputs(("  " + text::get(lang, "cli.checkpoint.teacher", {{"answer", scenario::shown_answer(c, t, lang)}}) + "\n").c_str(),
                       stdout);
    }

    const char* prompt_key(const scenario::Checkpoint& c) {
        if (!c.choices.empty()) return "cli.checkpoint.prompt_choice";
        if (c.kind == scenario::CheckpointKind::click) return "cli.checkpoint.prompt_click";
        return "cli.checkpoint.prompt_type";
    }

    // One question's entry in the results: what was answered, and whether the first try was right.
    void record(size_t step, size_t k, const scenario::Checkpoint& c, const std::vector<std::string>& tries, bool first_right) {
        answers.push_back({{"step", step + 1},
                           {"checkpoint", k + 1},
                           {"kind", std::string(scenario::to_string(c.kind))},
                           {"question", c.question.in(lang)},
                           {"answers", tries},
                           {"correct", first_right},
                           {"right_answer", scenario::teacher_answer(c, t)}});
    }
};

// `mailsim lesson check`: every file's mistakes, each at its path; 1 if any.
int check_files(const LessonOptions& o) {
    int bad = 0;
    for (const auto& f : o.files) {
        auto text = read_file(f);
        std::vector<Error> errors;
        if (!text) errors.push_back(text.error());
        else errors = scenario::check_lesson(*text, f);
        if (errors.empty()) {
            auto l = scenario::parse_lesson(*text, f);
            std::printf("%s\n", text::get(text::Lang::en, "cli.lesson.check_ok",
                                          {{"file", f},
                                           {"steps", std::to_string(l->steps.size())},
                                           {"checkpoints", std::to_string(scenario::checkpoint_count(*l))}})
                                    .c_str());
            continue;
        }
        ++bad;
        std::printf("%s\n", text::get(text::Lang::en, "cli.lesson.check_bad", {{"file", f}, {"n", std::to_string(errors.size())}}).c_str());
        for (const auto& e : errors) std::printf("  %s\n", e.message().c_str());
    }
    return bad ? 1 : 0;
}

}  // namespace

int cmd_lesson(const LessonOptions& o, const CommonOptions& c) {
    if (o.check) return check_files(o);
    if (o.files.size() != 1) {
        std::fprintf(stderr, "mailsim: lesson: give one lesson file to play (or `mailsim lesson check FILE…`)\n");
        return 2;
    }
    const std::string& file = o.files.front();
    auto lesson = scenario::load_lesson(file);
    if (!lesson) {
        std::fprintf(stderr, "mailsim: %s\n", lesson.error().message().c_str());
        return 1;
    }
    const text::Lang lang = *text::parse_lang(c.lang);
    const Trace& t = lesson->trace();
    view::TranscriptOptions opts;
    opts.lang = lang;
    opts.color = c.color;
    opts.states = c.states;
    const char* bold = c.color ? "\033[1m" : "";
    const char* reset = c.color ? "\033[0m" : "";
    std::printf("%s%s%s\n", bold, view::visible(lesson->title.in(lang)).c_str(), reset);
    const size_t total = scenario::checkpoint_count(*lesson);
    if (total) std::printf("%s\n", text::get(lang, "cli.checkpoint.events").c_str());
    std::printf("\n");
    Asker asker{lang, t, o.teacher};
    size_t shown = 0, asked = 0;
    const size_t n = lesson->steps.size();
    auto ask = [&](size_t i, size_t k, bool predicting) {
        const auto& cp = lesson->steps[i].checkpoints[k];
        asker.show_question(cp, ++asked, predicting);
        std::vector<std::string> tries;
        bool first = false;
        if (o.teacher) {
            tries.push_back(scenario::teacher_answer(cp, t));
            first = true;
        } else if (auto a = asker.read(asker.prompt_key(cp))) {
            tries.push_back(*a);
            first = scenario::grade(cp, t, *a, lang).correct;
        }
        return std::make_pair(tries, first);
    };
    // Shows a grade; after a wrong one asks once more (not for a prediction: the step has played).
    auto settle = [&](size_t i, size_t k, std::vector<std::string> tries, bool first, bool again) {
        const auto& cp = lesson->steps[i].checkpoints[k];
        if (!tries.empty() && !o.teacher) {
            auto g = scenario::grade(cp, t, tries.back(), lang);
            std::fputs(("  " + g.feedback + "\n").c_str(), stdout);
            if (!g.correct && again)
                if (auto a = asker.read("cli.checkpoint.again")) {
                    tries.push_back(*a);
                    std::fputs(("  " + scenario::grade(cp, t, *a, lang).feedback + "\n").c_str(), stdout);
                }
        }
        asker.score += first;
        asker.record(i, k, cp, tries, first);
    };
    for (size_t i = 0; i < n; ++i) {
        const auto& step = lesson->steps[i];
        std::printf("%s── %s ──%s\n", bold,
                    text::get(lang, "cli.lesson.step", {{"n", std::to_string(i + 1)}, {"of", std::to_string(n)},
                                                        {"title", view::visible(step.title.in(lang))}})
                        .c_str(),
                    reset);
        // Predictions first: the narration would give their answers away.
        std::vector<std::pair<std::vector<std::string>, bool>> predictions(step.checkpoints.size());
        std::vector<size_t> numbers(step.checkpoints.size());
        for (size_t k = 0; k < step.checkpoints.size(); ++k)
            if (step.checkpoints[k].kind == scenario::CheckpointKind::predict) {
                predictions[k] = ask(i, k, true);
                numbers[k] = asked;
            }
        if (asked && numbers != std::vector<size_t>(step.checkpoints.size())) std::fputs("\n", stdout);
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
            const std::string text = view::format_event(t.at(shown), opts);
            if (text.empty()) continue;  // an event the transcript does not show (a state change)
            std::string line = fmt::format("#{:<4} ", shown) + text;
            std::fwrite(line.data(), 1, line.size(), stdout);
        }
        std::fputs("\n", stdout);
        for (size_t k = 0; k < step.checkpoints.size(); ++k) {
            if (step.checkpoints[k].kind != scenario::CheckpointKind::predict) continue;
            std::fputs(("  " + text::get(lang, "cli.checkpoint.predicted", {{"n", std::to_string(numbers[k])}}) + "\n").c_str(), stdout);
            settle(i, k, predictions[k].first, predictions[k].second, false);
        }
        for (size_t k = 0; k < step.checkpoints.size(); ++k) {
            if (step.checkpoints[k].kind == scenario::CheckpointKind::predict) continue;
            auto [tries, first] = ask(i, k, false);
            settle(i, k, tries, first, true);
        }
        if (!step.checkpoints.empty()) std::fputs("\n", stdout);
        if (o.pause && i + 1 < n && !asker.eof) {
            std::fputs(text::get(lang, "cli.lesson.pause").c_str(), stdout);
            std::fflush(stdout);
            std::string ignored;
            if (!std::getline(std::cin, ignored)) asker.eof = true;
        }
    }
    std::fputs(view::format_summary(view::summarize(t), opts).c_str(), stdout);
    if (total)
        std::printf("%s%s%s\n", bold,
                    text::get(lang, "cli.checkpoint.score", {{"score", std::to_string(asker.score)}, {"of", std::to_string(total)}}).c_str(),
                    reset);
    if (!o.results.empty()) {
        nlohmann::json r = {{"lesson", file},
                            {"student", o.student},
                            {"title", lesson->title.in(lang)},
                            {"lang", c.lang},
                            {"teacher", o.teacher},
                            {"score", asker.score},
                            {"checkpoints", total},
                            {"answers", asker.answers}};
        if (auto err = write_file_atomically(o.results, r.dump(1) + "\n")) {
            std::fprintf(stderr, "mailsim: %s\n", err->message().c_str());
            return 1;
        }
        std::printf("%s\n", text::get(lang, "cli.checkpoint.saved", {{"file", o.results}}).c_str());
    }
    return 0;
}

}  // namespace mailsim::cli
