// session.cpp — opening scenarios and traces, the cursor, play, re-runs.
#include "model/session.hpp"

#include <algorithm>

#include "agents/world_feed.hpp"
#include "core/json_input.hpp"
#include "core/trace_json.hpp"
#include "scenario/scenario.hpp"

namespace mailsim::gui {

using nlohmann::json;

void Session::adopt(std::unique_ptr<TraceFeed> feed, std::string title, std::string path) {
    feed_ = std::move(feed);
    index_ = TraceIndex(feed_->trace());
    title_ = std::move(title);
    path_ = std::move(path);
    // A trace that is still growing (a live or served session) is followed
    // from what it already holds (serve's LISTEN lines): the student sees
    // each exchange as it comes. A whole one starts at its beginning.
    cursor_ = feed_->finished() ? 0 : feed_->trace().size();
    ++generation_;
    phase = 0;
    playing = false;
    selected.reset();
}

void Session::follow(std::unique_ptr<TraceFeed> feed, std::string title, std::string path) {
    adopt(std::move(feed), std::move(title), std::move(path));
    lesson_.reset();
    scenario_json_ = json();
    overrides_.clear();
    previous_outcome_.reset();
    previous_transcript_.reset();
}

bool Session::poll(size_t max_events) {
    if (feed_->finished()) return false;
    const bool at_end = cursor_ >= index_.indexed();
    if (!feed_->poll(max_events)) return false;
    index_.extend(feed_->trace());
    if (at_end) cursor_ = feed_->trace().size();
    return true;
}

std::optional<Error> Session::open(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    // A trace names its format in its first line (traces/FORMAT.md); traces
    // are big, so they are not parsed twice to find that out.
    const std::string_view head = std::string_view(*text).substr(0, 256);
    json j;
    if (head.find("\"mailsim-trace\"") == std::string_view::npos) j = json_input::parse_or_discard(*text);
    if (head.find("\"mailsim-trace\"") != std::string_view::npos ||
        (j.is_object() && j.value("format", std::string{}) == "mailsim-trace")) {
        auto t = trace_from_json(*text, path);
        if (!t) return t.error();
        std::string title = t->source.name.empty() ? path : t->source.name;
        follow(std::make_unique<WholeTrace>(std::move(*t)), std::move(title), path);
        return std::nullopt;
    }
    if (j.is_object() && j.contains("steps")) {
        auto lesson = scenario::parse_lesson(*text, path);
        if (!lesson) return lesson.error();
        if (lesson->recorded) {  // a lesson on a recorded trace: that trace, read again for the viewer
            auto t = load_trace(lesson->trace_file);
            if (!t) return t.error();
            std::string title = t->source.name.empty() ? path : t->source.name;
            follow(std::make_unique<WholeTrace>(std::move(*t)), std::move(title), path);
        } else if (auto err = open_scenario_text(lesson->scenario_json, path)) {
            return err;
        }
        path_ = path;
        lesson_ = std::move(*lesson);
        go_to_step(0);
        return std::nullopt;
    }
    // Anything else is read as a scenario, whose reader names what is wrong.
    if (auto err = open_scenario_text(*text, path)) return err;
    path_ = path;
    return std::nullopt;
}

void Session::open_default() {
    open_scenario_text(std::string(scenario::default_scenario_json()), "default scenario");
}

std::optional<Error> Session::open_scenario_text(const std::string& json_text, const std::string& name) {
    json j = json_input::parse_or_discard(json_text);
    if (!j.is_object()) {  // let the scenario reader say where the JSON breaks
        auto parsed = scenario::parse_scenario(json_text, name);
        if (!parsed) return parsed.error();
        return Error{name, "expected a JSON object"};
    }
    previous_outcome_.reset();
    previous_transcript_.reset();
    lesson_.reset();
    return load_scenario_json(std::move(j), name);
}

std::optional<Error> Session::load_scenario_json(json j, const std::string& name) {
    auto parsed = scenario::parse_scenario(j.dump(), name);
    if (!parsed) return parsed.error();
    scenario::Scenario& s = *parsed;
    // Run to its end at once: a lesson's steps and the lab's re-runs need the whole trace.
    auto feed = std::make_unique<agents::WorldFeed>(scenario::build_world(s, true), s.until > 0 ? s.until : 30 * kDay);
    drain(*feed);
    adopt(std::move(feed), s.name.empty() ? name : s.name, name);
    overrides_.clear();
    for (const auto& o : s.overrides)
        overrides_.push_back({o.server, o.rule.protocol, o.rule.command, o.rule.match, o.reply_text});
    scenario_json_ = std::move(j);
    return std::nullopt;
}

void Session::go_to_step(size_t i) {
    if (!lesson_ || lesson_->steps.empty()) return;
    lesson_step_ = std::min(i, lesson_->steps.size() - 1);
    playing = false;
    set_cursor(lesson_->steps[lesson_step_].cursor);
    if (cursor_ > 0) selected = static_cast<std::uint32_t>(cursor_ - 1);
}

void Session::set_cursor(size_t c) {
    cursor_ = std::min(c, trace().size());
    phase = 0;
}

SimTime Session::cursor_time() const { return cursor_ == 0 ? 0 : trace().at(cursor_ - 1).time; }

bool Session::jump_next(EventKind kind) {
    auto seq = index_.next_of(kind, cursor_);
    if (!seq) return false;
    set_cursor(*seq + 1);
    selected = *seq;
    return true;
}

bool Session::jump_prev(EventKind kind) {
    if (cursor_ == 0) return false;
    auto seq = index_.prev_of(kind, cursor_ - 1);  // before the one shown last
    if (!seq) return false;
    set_cursor(*seq + 1);
    selected = *seq;
    return true;
}

void Session::select(std::uint32_t seq) {
    if (seq >= trace().size()) return;
    selected = seq;
    if (seq >= cursor_) set_cursor(seq + 1);
}

void Session::advance(double seconds) {
    if (!playing) return;
    if (cursor_ >= trace().size()) {
        playing = false;
        phase = 0;
        return;
    }
    phase += static_cast<float>(seconds * speed);
    while (phase >= 1.0f && cursor_ < trace().size()) {
        phase -= 1.0f;
        ++cursor_;
    }
    if (cursor_ >= trace().size()) {
        playing = false;
        phase = 0;
    }
}

std::optional<Error> Session::rerun(const std::vector<OverrideRow>& rows) {
    if (!is_scenario()) return Error{path_, "a recorded trace cannot be run again; open a scenario"};
    json j = scenario_json_;
    json list = json::array();
    for (const auto& r : rows) {
        json o = {{"server", r.server}, {"protocol", r.protocol}, {"command", r.command}, {"reply", r.reply}};
        if (!r.match.empty()) o["match"] = r.match;
        list.push_back(std::move(o));
    }
    j["overrides"] = std::move(list);
    const SimTime at = cursor_time();
    const size_t old_cursor = cursor_;
    auto before = outcomes_at(trace(), cursor_);
    auto before_lines = wire_lines(trace(), cursor_);
    if (auto err = load_scenario_json(std::move(j), path_.empty() ? "scenario" : path_)) return err;
    // The same point: every event up to the same virtual time.
    size_t c = 0;
    if (old_cursor > 0)
        while (c < trace().size() && trace().at(c).time <= at) ++c;
    set_cursor(c);
    previous_outcome_ = std::move(before);
    previous_transcript_ = std::move(before_lines);
    return std::nullopt;
}

}  // namespace mailsim::gui
