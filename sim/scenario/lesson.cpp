// lesson.cpp — reading lessons and resolving their steps against the trace.
#include "scenario/lesson.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/json_input.hpp"
#include "core/trace_json.hpp"

namespace mailsim::scenario {

namespace ji = json_input;
using nlohmann::json;

namespace {

// Reads a lesson; with `all` set, a mistake in one step is noted there and
// reading goes on with the next, so that every mistake is found at once.
Result<Lesson> read_lesson(std::string_view json_text, const std::string& file_name, std::vector<Error>* all,
                           std::vector<std::string>* missing_zh) {
    auto root = ji::parse(json_text, file_name);
    if (!root) return root.error();
    auto located = [&](const InputError& e) {
        return Error{file_name + ": " + (e.where.empty() ? "(top level)" : e.where), e.what()};
    };
    try {
        const json& r = *root;
        ji::expect_object(r, "");
        ji::check_keys(r, "", {"title", "scenario", "trace", "steps", "description"});
        Lesson lesson;
        lesson.title = read_bilingual(r, "", "title", true, missing_zh);
        const json* sc = ji::find(r, "scenario");
        const json* tr = ji::find(r, "trace");
        if (sc && tr) ji::fail("trace", "give a \"scenario\" or a \"trace\", not both");
        if (tr) {
            // A recorded trace (a real server's session): played as it is, nothing run.
            const std::string given = ji::as_string(*tr, "trace");
            if (given.empty()) ji::fail("trace", "expected a trace file's path, relative to the lesson file");
            lesson.trace_file = resolve_beside(file_name, given);
            std::error_code ec;  // a device or a pipe (/dev/zero) would be read for ever
            if (std::filesystem::exists(lesson.trace_file, ec) && !std::filesystem::is_regular_file(lesson.trace_file, ec))
                ji::fail("trace", lesson.trace_file + " is not a file");
            auto loaded = load_trace(lesson.trace_file);
            if (!loaded) ji::fail("trace", loaded.error().message());
            if (loaded->empty()) ji::fail("trace", "the trace " + lesson.trace_file + " has no events");
            lesson.recorded = std::make_shared<const Trace>(std::move(*loaded));
        } else {
            const json& scj = sc ? *sc : ji::require(r, "", "scenario");
            if (scj.is_string() && scj.get<std::string>() == "default") lesson.scenario_json = std::string(default_scenario_json());
            else if (scj.is_object()) lesson.scenario_json = scj.dump(1);
            else ji::fail("scenario", "expected \"default\" or a scenario object, found " + ji::describe(scj));
            auto parsed = parse_scenario(lesson.scenario_json, file_name + ": scenario");
            if (!parsed) return parsed.error();
            lesson.world = run_to_end(*parsed);
        }
        const Trace& t = lesson.trace();
        const json& steps = ji::as_array(ji::require(r, "", "steps"), "steps");
        if (steps.empty()) ji::fail("steps", "a lesson needs at least one step");
        size_t last_cursor = 0;
        for (size_t i = 0; i < steps.size(); ++i) {
            try {
                const std::string p = ji::index("steps", i);
                const json& s = steps[i];
                ji::check_keys(s, p, {"title", "text", "at", "panel", "checkpoints"});
                LessonStep step;
                step.title = read_bilingual(s, p, "title", true, missing_zh);
                step.text = read_bilingual(s, p, "text", true, missing_zh);
                if (const json* v = ji::find(s, "panel")) {
                    step.panel = ji::as_string(*v, ji::child(p, "panel"));
                    const auto& panels = lesson_panels();
                    if (std::find(panels.begin(), panels.end(), step.panel) == panels.end()) {
                        std::string hint = ji::nearest(step.panel, panels);
                        ji::fail(ji::child(p, "panel"), "no panel \"" + step.panel + "\"" +
                                                            (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
                    }
                }
                step.previous = last_cursor;
                if (const json* at = ji::find(s, "at")) {
                    step.cursor = find_event(t, read_selector(*at, ji::child(p, "at")), ji::child(p, "at")) + 1;
                    if (step.cursor <= last_cursor && ji::find(s, "checkpoints"))
                        for (const auto& c : ji::as_array(s["checkpoints"], ji::child(p, "checkpoints")))
                            if (c.is_object() && c.value("kind", "") == "predict")
                                ji::fail(ji::child(p, "at"), "this step stops before the step before it, so it "
                                                             "reveals nothing to predict");
                } else {
                    step.cursor = last_cursor;  // a step without "at" stays where the last one stopped
                }
                last_cursor = step.cursor;
                if (const json* cps = ji::find(s, "checkpoints")) {
                    const std::string cp = ji::child(p, "checkpoints");
                    const json& arr = ji::as_array(*cps, cp);
                    if (step.cursor == 0 && !arr.empty()) ji::fail(p, "a step with checkpoints needs an \"at\"");
                    for (size_t k = 0; k < arr.size(); ++k) {
                        try {
                            step.checkpoints.push_back(read_checkpoint(arr[k], ji::index(cp, k), t, step.previous,
                                                                       step.cursor, step.panel, missing_zh));
                        } catch (const InputError& e) {
                            if (!all) throw;
                            all->push_back(located(e));
                        }
                    }
                }
                lesson.steps.push_back(std::move(step));
            } catch (const InputError& e) {
                if (!all) throw;
                all->push_back(located(e));
            }
        }
        return lesson;
    } catch (const InputError& e) {
        return located(e);
    }
}

}  // namespace

std::string resolve_beside(const std::string& file_name, const std::string& path) {
    namespace fs = std::filesystem;
    fs::path p(path);
    if (p.is_absolute()) return path;
    return (fs::path(file_name).parent_path() / p).lexically_normal().string();
}

const std::vector<std::string_view>& lesson_panels() {
    static const std::vector<std::string_view> p = {"topology", "sequence", "transcript", "timeline",
                                                    "queue",    "message",  "encoding",   "replylab"};
    return p;
}

bool looks_like_lesson(std::string_view json_text) {
    json j = ji::parse_or_discard(json_text);
    return j.is_object() && j.contains("steps");
}

std::unique_ptr<agents::World> run_to_end(const Scenario& s) {
    auto world = build_world(s, true);
    world->run(s.until > 0 ? s.until : 30 * kDay);
    return world;
}

Result<Lesson> parse_lesson(std::string_view json_text, const std::string& file_name) {
    return read_lesson(json_text, file_name, nullptr, nullptr);
}

std::vector<Error> check_lesson(std::string_view json_text, const std::string& file_name) {
    std::vector<Error> all;
    std::vector<std::string> missing_zh;
    auto l = read_lesson(json_text, file_name, &all, &missing_zh);
    if (!l) all.push_back(l.error());
    for (const auto& p : missing_zh) all.push_back(Error{file_name + ": " + p, "no Chinese text (\"zh\")"});
    return all;
}

size_t checkpoint_count(const Lesson& l) {
    size_t n = 0;
    for (const auto& s : l.steps) n += s.checkpoints.size();
    return n;
}

Result<Lesson> load_lesson(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    return parse_lesson(*text, path);
}

}  // namespace mailsim::scenario
