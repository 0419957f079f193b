// test_golden.cpp — whole scenarios against golden traces in traces/ (ns-3's
// .reflog): any change to what the simulation does shows up here.
//
// When a change is meant, write the trace anew and read the diff:
//   build/mailsim run --trace traces/default.json
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace mailsim;

TEST_CASE("the default scenario still makes traces/default.json, byte for byte") {
    auto golden = read_file(std::string(MAILSIM_SOURCE_DIR) + "/traces/default.json");
    REQUIRE(golden);
    auto w = test::run_scenario(scenario::default_scenario_json());
    std::string now = trace_to_json(w->trace());
    if (now == *golden) return;
    // Name the first event that differs, so the failure reads as a story.
    auto old_trace = trace_from_json(*golden, "traces/default.json");
    REQUIRE(old_trace);
    auto line = [](const Event& e) {
        return std::string(format_seconds(e.time)) + " " + std::string(to_string(e.kind)) + " " + std::string(e.host) +
               " " + std::string(e.verb) + " " + std::string(e.args) + " " + std::string(e.detail);
    };
    size_t n = std::min(old_trace->size(), w->trace().size());
    size_t i = 0;
    while (i < n && line(old_trace->at(i)) == line(w->trace().at(i)) && old_trace->at(i).bytes == w->trace().at(i).bytes) ++i;
    std::string golden_line = i < old_trace->size() ? line(old_trace->at(i)) : "(end)";
    std::string now_line = i < w->trace().size() ? line(w->trace().at(i)) : "(end)";
    FAIL("traces/default.json differs at event " << i << "\n  golden: " << golden_line << "\n  now:    " << now_line
                                                 << "\nIf the change is meant: build/mailsim run --trace traces/default.json");
}

TEST_CASE("the golden trace replays: it reads back and writes the same bytes") {
    auto golden = read_file(std::string(MAILSIM_SOURCE_DIR) + "/traces/default.json");
    REQUIRE(golden);
    auto t = trace_from_json(*golden, "traces/default.json");
    REQUIRE(t);
    REQUIRE(trace_to_json(*t) == *golden);
}
