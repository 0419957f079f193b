// bench.hpp — `mailsim-gui --bench`: frame-time figures on a long trace.
//
// It generates a trace of N transcript lines (SMTP sessions between two
// servers, 1,000,000 lines by default), saves it as JSON, times opening it
// (read, parse, index), then scrolls the transcript from top to bottom and
// plays through it, and prints the 50th/99th percentile and worst frame
// times of each phase. Figures, not verdicts: it is run on demand.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace mailsim::gui {

struct App;
class Session;

class Bench {
public:
    Bench(bool on, long lines) : on_(on), lines_(lines) {}
    std::optional<Error> load(Session& session);
    void before_frame(App& app);
    bool after_frame(App& app);  // true when done
    void report() const;

private:
    bool on_;
    long lines_;
    int phase_ = 0;  // 0 warm-up, 1 scrolling, 2 playing, 3 done
    int frame_ = 0;
    double frame_start_ = 0;
    std::vector<double> scroll_ms_, play_ms_;
};

}  // namespace mailsim::gui
