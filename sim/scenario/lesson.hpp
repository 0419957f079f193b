// lesson.hpp — a lesson: a scenario, and the steps a teacher walks through.
//
// A lesson file is JSON with Chinese and English side by side:
//
//   { "title": {"en": "...", "zh": "..."},
//     "scenario": "default" | { ...a scenario... },
//     "steps": [ { "title": {"en","zh"}, "text": {"en","zh"},
//                  "at": {"kind": "bytes", "verb": "RCPT", "contains": "nobody", "nth": 1},
//                  "panel": "transcript" } ] }
//
// Each step stops the cursor just after the event its "at" picks out (the
// nth event of that kind whose verb, host and wire bytes match), says what
// to see, and names the panel to look at. Reading checks everything: a step
// whose "at" matches no event of the scenario's trace is an error naming the
// step (`steps[3].at: no event matches ...`), like every other mistake.
//
// Not done yet: checkpoints (questions answered from facts of the trace).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agents/world.hpp"
#include "core/error.hpp"
#include "scenario/scenario.hpp"
#include "text/text.hpp"

namespace mailsim::scenario {

struct Bilingual {
    std::string en, zh;
    const std::string& in(text::Lang l) const { return l == text::Lang::zh && !zh.empty() ? zh : en; }
};

struct LessonStep {
    Bilingual title, text;
    std::string panel;      // topology, sequence, transcript, timeline, queue, message, encoding, replylab
    size_t cursor = 0;      // events shown at this step (the matched event and all before it)
};

struct Lesson {
    Bilingual title;
    std::string scenario_json;  // the scenario, as JSON text (the GUI's reply-code lab edits it)
    std::vector<LessonStep> steps;
};

// The panels a step may name.
const std::vector<std::string_view>& lesson_panels();

// Reads a lesson and runs its scenario to resolve each step's event.
Result<Lesson> parse_lesson(std::string_view json_text, const std::string& file_name);
Result<Lesson> load_lesson(const std::string& path);
// True when the JSON text looks like a lesson (has "steps").
bool looks_like_lesson(std::string_view json_text);

// The trace of a scenario run to its end (what a lesson's steps point into).
std::unique_ptr<agents::World> run_to_end(const Scenario& s);

}  // namespace mailsim::scenario
