// checkpoint.hpp — a lesson's questions, answered from facts of the trace.
//
// A step of a lesson (lesson.hpp) may carry checkpoints:
//
//   "checkpoints": [
//     {"kind": "type",    "question": {"en","zh"}, "answer": {"fact": "verb"}},
//     {"kind": "choice",  "question": ..., "choices": ["250", "421", "550"],
//                         "answer": {"fact": "verb", "at": {"verb": "RCPT", "nth": 2}}},
//     {"kind": "predict", "question": ..., "choices": [...], "answer": {"fact": "verb"}},
//     {"kind": "click",   "question": ..., "answer": {"at": {"kind": "bytes", "verb": "354"}}},
//     {"kind": "choice",  "question": ..., "choices": [...], "answer": {"choice": 2}}   // no trace fact decides it
//   ]
//
// The answer is a fact of one event of the trace: the step's own event, or
// the one `answer.at` selects (a selector like a step's "at"). Facts: verb
// (a command or a reply code), args, line (the first line of the wire bytes),
// host, peer, protocol, port (of a connect), header (`"name": "Subject"`, in
// the message text of the event), text (the wire bytes between `"after"` and
// `"before"`, the first pair past `"from"` if given; the description of an
// event without bytes), detail (`"key"`, a field of the event's detail), count (how
// many events up to the step's stop match `"of"`). A choice is right when its
// text is that fact (exactly one choice must be); a typed answer when it is
// the fact, ignoring case and repeated spaces; a click when it is the event.
// Only where no fact of the trace can decide does a lesson give the answer
// itself: `{"choice": N}` (from 1) or `{"text": "..."}`.
//
// "predict" is asked before the step's events are shown and graded by the
// event the step then stops at; every other kind is asked after, and its
// event must already be on screen. A wrong answer gets a hint that names the
// panel to look at and the event (#seq) that shows the right one, before the
// lesson's own hint if it has one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/trace.hpp"
#include "text/text.hpp"

namespace mailsim::scenario {

struct Bilingual {
    std::string en, zh;
    const std::string& in(text::Lang l) const { return l == text::Lang::zh && !zh.empty() ? zh : en; }
};

// Picks one event out of a trace: the nth whose kind, verb, host and bytes (or args) match.
struct EventSelector {
    std::optional<EventKind> kind;
    std::string verb, host, contains;
    long nth = 1;
    bool matches(const Event& e) const;
    std::string describe() const;  // {kind: "bytes", verb: "550"} (occurrence 1)
};
EventSelector read_selector(const nlohmann::json& o, const std::string& path);
// The index of the selected event in trace[from, end); throws InputError at `path` when there is none.
size_t find_event(const Trace& t, const EventSelector& s, const std::string& path, size_t from = 0);

enum class CheckpointKind { choice, type, predict, click };

struct Checkpoint {
    CheckpointKind kind = CheckpointKind::choice;
    Bilingual question;
    std::vector<Bilingual> choices;  // choice; predict when it offers choices
    Bilingual hint;                  // the lesson's own hint (optional)
    std::string panel;               // where the answer shows (the step's panel unless given)
    // Where the answer comes from.
    std::string fact;                // "" when the lesson gives the answer itself
    std::string fact_arg;            // header name, detail key, text's "after"
    std::string fact_arg2;           // text's "before"
    std::string fact_from;           // text: look for "after" only past this
    std::optional<EventSelector> count_of;
    size_t event = 0;                // index of the answer's event in the trace
    size_t count_until = 0;          // count: events [0, count_until) are counted
    int given_choice = -1;           // {"choice": N}, from 0
    std::vector<std::string> given_text;  // {"text": ...}
};

// What the trace says the answer is: the fact's value (for a click, the event's seq).
std::string fact_value(const Checkpoint& c, const Trace& t);
// The index of the right choice, or -1 (no choices); -2 when none or several match (a lesson error).
int right_choice(const Checkpoint& c, const Trace& t);
// What a teacher would answer: the right choice's number (from 1), the text, or the event's seq.
std::string teacher_answer(const Checkpoint& c, const Trace& t);
// The right answer, as shown to a teacher or after a correct answer.
std::string shown_answer(const Checkpoint& c, const Trace& t, text::Lang lang);

struct Grade {
    bool correct = false;
    std::string feedback;  // "Right: 250." or the hint: the panel, the event, the lesson's hint
};
// Grades a student's answer: a choice by its number (1, 2, …), its letter or
// its text; a typed answer by text; a click by the event's number (#57 or 57).
Grade grade(const Checkpoint& c, const Trace& t, std::string_view answer, text::Lang lang);

// A one-line description of an event, for hints: "#57 mail.hamburger.edu → mail.crepes.fr: 550 5.1.1 …".
std::string describe_event(const Event& e);

std::string_view to_string(CheckpointKind k);

// Reads one checkpoint of a step whose event is trace[stop - 1] and whose
// previous step stopped at `previous_stop`; every mistake throws InputError
// at its path. `missing_zh` collects the paths of texts without Chinese.
Checkpoint read_checkpoint(const nlohmann::json& o, const std::string& path, const Trace& t, size_t previous_stop,
                           size_t stop, const std::string& step_panel, std::vector<std::string>* missing_zh);

Bilingual read_bilingual(const nlohmann::json& o, const std::string& path, std::string_view key, bool required,
                         std::vector<std::string>* missing_zh);

}  // namespace mailsim::scenario
