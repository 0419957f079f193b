// lesson.hpp — a lesson: a scenario, and the steps a teacher walks through.
//
// A lesson file is JSON with Chinese and English side by side:
//
//   { "title": {"en": "...", "zh": "..."},
//     "scenario": "default" | { ...a scenario... },   (or, instead,)
//     "trace": "../traces/live-smtp-starttls-auth.json",
//     "steps": [ { "title": {"en","zh"}, "text": {"en","zh"},
//                  "at": {"kind": "bytes", "verb": "RCPT", "contains": "nobody", "nth": 1},
//                  "panel": "transcript",
//                  "checkpoints": [ ...questions, see checkpoint.hpp... ] } ] }
//
// Each step stops the cursor just after the event its "at" picks out (the
// nth event of that kind whose verb, host and wire bytes match), says what
// to see, and names the panel to look at. Reading checks everything: a step
// whose "at" matches no event of the scenario's trace is an error naming the
// step (`steps[3].at: no event matches ...`), like every other mistake.
//
// A lesson on a recorded trace (a real server, a real client) names the
// trace file instead of a scenario; nothing is run, and the steps and
// checkpoints point into that trace alike.
//
// Checkpoints are questions whose answers are facts of that trace
// (checkpoint.hpp). `check_lesson` is what `mailsim lesson check` runs: every
// mistake of a file at once, each at its path, and every text without its
// Chinese (or English) side.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agents/world.hpp"
#include "core/error.hpp"
#include "scenario/checkpoint.hpp"
#include "scenario/scenario.hpp"
#include "text/text.hpp"

namespace mailsim::scenario {

struct LessonStep {
    Bilingual title, text;
    std::string panel;      // topology, sequence, transcript, timeline, queue, message, encoding, replylab
    size_t cursor = 0;      // events shown at this step (the matched event and all before it)
    size_t previous = 0;    // where the step before stopped (a "predict" checkpoint is asked there)
    std::vector<Checkpoint> checkpoints;
};

struct Lesson {
    Bilingual title;
    std::string scenario_json;  // the scenario, as JSON text (the GUI's reply-code lab edits it); "" for a trace
    std::vector<LessonStep> steps;
    // The scenario run to its end: the trace the steps stop in and the checkpoints are graded against.
    std::shared_ptr<agents::World> world;
    // Or, for a lesson on a recorded trace ("trace": a file beside the lesson), that trace.
    std::string trace_file;     // the path, resolved against the lesson file's folder
    std::shared_ptr<const Trace> recorded;
    const Trace& trace() const { return world ? world->trace() : *recorded; }
    // Tells one reading of a lesson from another (the GUI resets its answers on a new one).
    const void* run_id() const { return world ? static_cast<const void*>(world.get()) : recorded.get(); }
};

// `path` as written in `file_name` (a lesson): relative paths start at the lesson's folder.
std::string resolve_beside(const std::string& file_name, const std::string& path);

// The panels a step may name.
const std::vector<std::string_view>& lesson_panels();

// Reads a lesson and runs its scenario to resolve each step's event.
Result<Lesson> parse_lesson(std::string_view json_text, const std::string& file_name);
Result<Lesson> load_lesson(const std::string& path);
// Every mistake of a lesson file, each at its path; empty when it is good.
// Stricter than reading: every text needs both languages.
std::vector<Error> check_lesson(std::string_view json_text, const std::string& file_name);
// The number of checkpoints in a lesson.
size_t checkpoint_count(const Lesson& l);
// True when the JSON text looks like a lesson (has "steps").
bool looks_like_lesson(std::string_view json_text);

// The trace of a scenario run to its end (what a lesson's steps point into).
std::unique_ptr<agents::World> run_to_end(const Scenario& s);

}  // namespace mailsim::scenario
