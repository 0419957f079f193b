// script.hpp — a small language of actions for headless runs: tests,
// screenshots for the README and handouts.
//
//   step 5; jump scan; lang zh; solo transcript; wait 2; screenshot a.png; quit
//
// Actions are separated by ';' or new lines ("@FILE" reads them from a
// file) and run one a frame, so each frame shows what the last one did.
// A lesson's checkpoint is answered with `answer 2` (a choice), `answer 250`
// (typed) or `answer #57` (a click on event 57), `answer-teacher` answers the
// step's questions as the teacher would; `expect-score N` fails the run
// unless the score is N. `scale 1.5` sets the UI scale (fonts rebuilt before
// the next frame); `check-labels` prints the frame's label figures and fails
// the run when a label was cut without an ellipsis and a tooltip.
// `topology-zoom 4 0.3 0.6` zooms the topology four times about the
// picture's point (0.3, 0.6); `topology-zoom 1` shows it whole.
// `connect smtp://127.0.0.1:2525 starttls cafile ca.crt` connects the Live
// panel to a real server; `live-command EHLO me` types a command,
// `live-send FROM|TO|SUBJECT|TEXT` sends a message by mailsim's engine,
// `live-wait-reply [N]` waits until what was asked is done (and N replies
// came), `live-disconnect` closes, `live-wait-closed` waits for the end;
// `save-trace FILE` writes the session's trace.
// `type-command VRFY bob` types a line into the transcript's box of the SMTP
// connection whose tab is shown (`tab 2` first); `expect-typed 250` fails the
// run unless the box's last line, as drawn, begins with the text.
// `key ctrl =` presses keys for a frame through ImGui's IO, as a keyboard
// would (modifiers ctrl shift alt; = - 0-9 kp+ kp- kp0 left right home end
// space enter); `expect-scale 1.25` fails the run unless the UI scale is that.
// A mistake is reported with the action's number before any window opens.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"

namespace mailsim::gui {

struct App;

struct Action {
    std::string verb;
    std::string arg;
    size_t number = 0;  // 1-based, for error messages
};

class Script {
public:
    static Result<Script> parse(const std::string& text_or_file);
    bool empty() const { return next_ >= actions_.size(); }
    // Runs the next action. A screenshot action puts its path in `shot`;
    // returns false on "quit" (or a failed "expect", with exit_code 1).
    bool run_next(App& app, std::string& shot, int& exit_code);

private:
    std::vector<Action> actions_;
    size_t next_ = 0;
    int waiting_ = 0;
    long serve_deadline_ = 0;  // serve-wait gives up then (Unix seconds)
    long live_deadline_ = 0;   // live-wait-reply and live-wait-closed give up then
};

}  // namespace mailsim::gui
