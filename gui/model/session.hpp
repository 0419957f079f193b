// session.hpp — what the front end has open: a Trace, its index and a cursor.
//
// DESIGN.md: the GUI is a viewer of a Trace with a cursor. A Session opens a
// scenario (run at once to its end: the simulation is deterministic, so the
// whole trace is known), a saved trace, or nothing (the default scenario).
// Panels draw trace[0..cursor); stepping moves the cursor, playing moves it
// one event per tick, and the `phase` of the tick lets the topology show a
// packet part of the way along its link.
//
// The reply-code lab edits the scenario's "overrides" and runs it again from
// the start to the same point; the Session keeps the outcome of the run
// before, so the lab can say what changed. No ImGui here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/trace.hpp"
#include "core/trace_feed.hpp"
#include "model/outcome.hpp"
#include "model/trace_index.hpp"
#include "scenario/lesson.hpp"

namespace mailsim::gui {

// One row of the reply-code lab, as the scenario file writes an override.
struct OverrideRow {
    std::string server;
    std::string protocol = "smtp";
    std::string command;
    std::string match;
    std::string reply;
};

class Session {
public:
    // Opens a lesson, a scenario or a trace file (told apart by content); on error the
    // session is unchanged and the error names the file and the place.
    std::optional<Error> open(const std::string& path);
    void open_default();
    // Opens a scenario given as JSON text (the lab's re-runs, tests).
    std::optional<Error> open_scenario_text(const std::string& json_text, const std::string& name);

    const Trace& trace() const { return feed_->trace(); }
    const TraceIndex& index() const { return index_; }
    const std::string& title() const { return title_; }
    void set_title(std::string title) { title_ = std::move(title); }
    const std::string& path() const { return path_; }
    bool is_scenario() const { return !scenario_json_.is_null(); }
    // The open scenario as JSON (null when a trace is open).
    const nlohmann::json& scenario_json() const { return scenario_json_; }
    // Grows each time another trace is adopted: what panels key their caches on
    // (a new Trace may well live at the address of the old one).
    std::uint64_t generation() const { return generation_; }

    // Follows a trace that grows (a live or serve connection, a World run as
    // it goes): the view starts empty and poll() brings in what has come.
    void follow(std::unique_ptr<TraceFeed> feed, std::string title, std::string path);
    // Lets the feed add what it has (bounded work, once a frame) and extends
    // the index; when the cursor sat at the end, it stays at the new end.
    // True when the trace grew.
    bool poll(size_t max_events = 20000);
    bool growing() const { return !feed_->finished(); }

    // Events [0, cursor) are shown.
    size_t cursor() const { return cursor_; }
    void set_cursor(size_t c);
    void step(long delta) { set_cursor(delta < 0 && static_cast<size_t>(-delta) > cursor_ ? 0 : cursor_ + delta); }
    // Time of the last shown event (0 before the first).
    SimTime cursor_time() const;
    // The cursor to the event after the next one of `kind` at or after the cursor; false if none.
    bool jump_next(EventKind kind);
    bool jump_prev(EventKind kind);

    // Selection shared by every panel (an event seq), set by clicking an arrow or a line.
    std::optional<std::uint32_t> selected;
    // Selecting also brings the cursor to the event if it is not shown yet.
    void select(std::uint32_t seq);

    // Playing: one event per 1/speed seconds; phase in [0,1) within the tick.
    bool playing = false;
    float speed = 2.0f;  // events a second
    float phase = 0.0f;
    void advance(double seconds);

    // A lesson, when one is open: its steps move the cursor.
    const std::optional<scenario::Lesson>& lesson() const { return lesson_; }
    size_t lesson_step() const { return lesson_step_; }
    void go_to_step(size_t i);

    // The reply-code lab.
    const std::vector<OverrideRow>& overrides() const { return overrides_; }
    // Re-runs the scenario with these overrides, the cursor kept at the same
    // virtual time. On error (a bad row) nothing changes and the error names
    // the row: "overrides[1].reply: expected a reply line ...".
    std::optional<Error> rerun(const std::vector<OverrideRow>& rows);
    // Outcomes per recipient at the cursor before the last re-run, if any.
    const std::optional<std::vector<RecipientOutcome>>& previous_outcome() const { return previous_outcome_; }
    const std::optional<std::vector<std::string>>& previous_transcript() const { return previous_transcript_; }

private:
    std::optional<Error> load_scenario_json(nlohmann::json j, const std::string& name);
    void adopt(std::unique_ptr<TraceFeed> feed, std::string title, std::string path);

    std::unique_ptr<TraceFeed> feed_ = std::make_unique<WholeTrace>(Trace{});
    TraceIndex index_;
    std::string title_, path_;
    nlohmann::json scenario_json_;  // null when a trace is open
    std::vector<OverrideRow> overrides_;
    size_t cursor_ = 0;
    std::uint64_t generation_ = 0;
    std::optional<scenario::Lesson> lesson_;
    size_t lesson_step_ = 0;
    std::optional<std::vector<RecipientOutcome>> previous_outcome_;
    std::optional<std::vector<std::string>> previous_transcript_;
};

}  // namespace mailsim::gui
