// lesson.cpp — reading lessons and resolving their steps against the trace.
#include "scenario/lesson.hpp"

#include <fmt/format.h>

#include "core/json_input.hpp"

namespace mailsim::scenario {

namespace ji = json_input;
using nlohmann::json;

namespace {

Bilingual bilingual(const json& o, const std::string& path, std::string_view key, bool required) {
    const json* v = ji::find(o, key);
    if (!v) {
        if (required) ji::require(o, path, key);
        return {};
    }
    const std::string p = ji::child(path, key);
    if (v->is_string()) return {v->get<std::string>(), {}};
    ji::check_keys(*v, p, {"en", "zh"});
    Bilingual b;
    b.en = ji::as_string(ji::require(*v, p, "en"), ji::child(p, "en"));
    if (const json* zh = ji::find(*v, "zh")) b.zh = ji::as_string(*zh, ji::child(p, "zh"));
    return b;
}

struct Anchor {
    std::optional<EventKind> kind;
    std::string verb, host, contains;
    long nth = 1;
};

Anchor read_anchor(const json& o, const std::string& p) {
    ji::check_keys(o, p, {"kind", "verb", "host", "contains", "nth"});
    Anchor a;
    if (const json* v = ji::find(o, "kind")) {
        std::string k = ji::as_string(*v, ji::child(p, "kind"));
        a.kind = parse_event_kind(k);
        if (!a.kind) {
            std::string all;
            for (auto n : kEventKindNames) all += (all.empty() ? "" : ", ") + std::string(n);
            ji::fail(ji::child(p, "kind"), "unknown event kind \"" + k + "\"; expected one of " + all);
        }
    }
    if (const json* v = ji::find(o, "verb")) a.verb = ji::as_string(*v, ji::child(p, "verb"));
    if (const json* v = ji::find(o, "host")) a.host = ji::as_string(*v, ji::child(p, "host"));
    if (const json* v = ji::find(o, "contains")) a.contains = ji::as_string(*v, ji::child(p, "contains"));
    if (const json* v = ji::find(o, "nth")) a.nth = static_cast<long>(ji::as_int(*v, ji::child(p, "nth"), 1, 1000000));
    return a;
}

bool matches(const Anchor& a, const Event& e) {
    if (a.kind && e.kind != *a.kind) return false;
    if (!a.verb.empty() && e.verb != a.verb) return false;
    if (!a.host.empty() && e.host != a.host) return false;
    if (!a.contains.empty() && e.bytes.find(a.contains) == std::string_view::npos &&
        e.args.find(a.contains) == std::string_view::npos)
        return false;
    return true;
}

std::string describe(const Anchor& a) {
    std::string s;
    auto add = [&](std::string_view k, std::string_view v) {
        if (!v.empty()) s += fmt::format("{}{}: \"{}\"", s.empty() ? "" : ", ", k, v);
    };
    add("kind", a.kind ? to_string(*a.kind) : std::string_view{});
    add("verb", a.verb);
    add("host", a.host);
    add("contains", a.contains);
    return fmt::format("{{{}}} (occurrence {})", s, a.nth);
}

}  // namespace

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
    auto root = ji::parse(json_text, file_name);
    if (!root) return root.error();
    try {
        const json& r = *root;
        ji::expect_object(r, "");
        ji::check_keys(r, "", {"title", "scenario", "steps", "description"});
        Lesson lesson;
        lesson.title = bilingual(r, "", "title", true);
        const json& sc = ji::require(r, "", "scenario");
        if (sc.is_string() && sc.get<std::string>() == "default") lesson.scenario_json = std::string(default_scenario_json());
        else if (sc.is_object()) lesson.scenario_json = sc.dump(1);
        else ji::fail("scenario", "expected \"default\" or a scenario object, found " + ji::describe(sc));
        auto parsed = parse_scenario(lesson.scenario_json, file_name + ": scenario");
        if (!parsed) return parsed.error();
        auto world = run_to_end(*parsed);
        const Trace& t = world->trace();
        const json& steps = ji::as_array(ji::require(r, "", "steps"), "steps");
        if (steps.empty()) ji::fail("steps", "a lesson needs at least one step");
        size_t last_cursor = 0;
        for (size_t i = 0; i < steps.size(); ++i) {
            const std::string p = ji::index("steps", i);
            const json& s = steps[i];
            ji::check_keys(s, p, {"title", "text", "at", "panel"});
            LessonStep step;
            step.title = bilingual(s, p, "title", true);
            step.text = bilingual(s, p, "text", true);
            if (const json* v = ji::find(s, "panel")) {
                step.panel = ji::as_string(*v, ji::child(p, "panel"));
                const auto& panels = lesson_panels();
                if (std::find(panels.begin(), panels.end(), step.panel) == panels.end()) {
                    std::string hint = ji::nearest(step.panel, panels);
                    ji::fail(ji::child(p, "panel"), "no panel \"" + step.panel + "\"" +
                                                        (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
                }
            }
            if (const json* at = ji::find(s, "at")) {
                Anchor a = read_anchor(*at, ji::child(p, "at"));
                long seen = 0;
                size_t found = SIZE_MAX;
                for (size_t k = 0; k < t.size() && found == SIZE_MAX; ++k)
                    if (matches(a, t.at(k)) && ++seen == a.nth) found = k;
                if (found == SIZE_MAX)
                    ji::fail(ji::child(p, "at"), "no event of the scenario's trace matches " + describe(a) +
                                                     (seen ? fmt::format("; only {} do", seen) : std::string{}));
                step.cursor = found + 1;
            } else {
                step.cursor = last_cursor;  // a step without "at" stays where the last one stopped
            }
            last_cursor = step.cursor;
            lesson.steps.push_back(std::move(step));
        }
        return lesson;
    } catch (const InputError& e) {
        return Error{file_name + ": " + (e.where.empty() ? "(top level)" : e.where), e.what()};
    }
}

Result<Lesson> load_lesson(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    return parse_lesson(*text, path);
}

}  // namespace mailsim::scenario
