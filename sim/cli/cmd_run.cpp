// cmd_run.cpp — `mailsim run` and `mailsim replay`.
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/trace_json.hpp"
#include "scenario/lesson.hpp"
#include "scenario/scenario.hpp"
#include "view/transcript.hpp"

namespace mailsim::cli {

namespace {

view::TranscriptOptions transcript_options(const CommonOptions& c) {
    view::TranscriptOptions o;
    o.lang = *text::parse_lang(c.lang);
    o.color = c.color;
    o.states = c.states;
    return o;
}

void print_header(const Trace& t, const view::TranscriptOptions& o) {
    std::string hosts;
    for (const auto& h : t.hosts) hosts += (hosts.empty() ? "" : ", ") + view::visible(h.name) + " (" + view::visible(h.role) + ")";
    std::fputs(text::get(o.lang, "cli.header", {{"name", t.source.name.empty() ? "?" : view::visible(t.source.name)},
                                                {"kind", view::visible(t.source.kind)},
                                                {"seed", std::to_string(t.source.seed)},
                                                {"hosts", hosts}})
                   .c_str(),
               stdout);
    std::fputs("\n", stdout);
}

}  // namespace

int cmd_run(const RunOptions& r, const CommonOptions& c) {
    if (r.print_scenario) {
        std::fputs(std::string(scenario::default_scenario_json()).c_str(), stdout);
        return 0;
    }
    const text::Lang lang = *text::parse_lang(c.lang);
    Result<scenario::Scenario> parsed = Error{"", ""};
    if (r.scenario.empty()) {
        parsed = scenario::parse_scenario(scenario::default_scenario_json(), "default scenario");
    } else if (auto file = read_file(r.scenario); !file) {
        parsed = file.error();
    } else if (scenario::looks_like_lesson(*file)) {
        // A lesson holds a scenario: run that, and say where its steps are played.
        auto lesson = scenario::parse_lesson(*file, r.scenario);
        if (!lesson) {
            std::fprintf(stderr, "mailsim: %s\n", lesson.error().message().c_str());
            return 1;
        }
        std::fprintf(stderr, "%s\n", text::get(lang, "cli.run.lesson", {{"file", r.scenario}}).c_str());
        parsed = scenario::parse_scenario(lesson->scenario_json, r.scenario + ": scenario");
    } else {
        parsed = scenario::parse_scenario(*file, r.scenario);
    }
    if (!parsed) {
        std::fprintf(stderr, "mailsim: %s\n", parsed.error().message().c_str());
        return 1;
    }
    scenario::Scenario s = std::move(*parsed);
    if (r.seed) s.seed = *r.seed;
    SimTime until = s.until > 0 ? s.until : 30 * kDay;
    if (!r.until.empty()) {
        auto u = parse_duration(r.until);
        if (!u) {
            std::fprintf(stderr, "mailsim: --until: expected a duration such as 90s or 5m, found \"%s\"\n", r.until.c_str());
            return 2;
        }
        until = *u;
    }
    auto world = scenario::build_world(s, true);
    world->set_keep_secrets(r.keep_secrets);
    auto opts = transcript_options(c);
    if (!r.quiet) {
        print_header(world->trace(), opts);
        world->trace().on_append = [&opts](const Event& e) {
            std::string line = view::format_event(e, opts);
            std::fwrite(line.data(), 1, line.size(), stdout);
        };
    }
    world->run(until);
    world->trace().on_append = nullptr;
    std::fputs(view::format_summary(view::summarize(world->trace()), opts).c_str(), stdout);
    if (!r.trace_out.empty()) {
        if (auto err = save_trace(world->trace(), r.trace_out)) {
            std::fprintf(stderr, "mailsim: %s\n", err->message().c_str());
            return 1;
        }
        std::fputs(text::get(opts.lang, "cli.trace_saved",
                             {{"path", r.trace_out}, {"events", std::to_string(world->trace().size())}})
                       .c_str(),
                   stdout);
        std::fputs("\n", stdout);
    }
    return 0;
}

int cmd_replay(const ReplayOptions& r, const CommonOptions& c) {
    auto t = load_trace(r.trace);
    if (!t) {
        std::fprintf(stderr, "mailsim: %s\n", t.error().message().c_str());
        return 1;
    }
    auto opts = transcript_options(c);
    print_header(*t, opts);
    std::string out;
    for (size_t i = 0; i < t->size(); ++i) {
        out += view::format_event(t->at(i), opts);
        if (out.size() > 1 << 16) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fputs(view::format_summary(view::summarize(*t), opts).c_str(), stdout);
    return 0;
}

}  // namespace mailsim::cli
