// handout.hpp — a trace as a handout: the sequence diagram and the
// transcript as PNG pages, and a Markdown file that shows them beside the
// transcript's text and the outcome.
//
//   mailsim-gui traces/default.json --handout out/    (headless, then exit)
//   Open ▸ Export handout                              (into ./handout-NAME/)
//
// It pages the Sequence and Transcript panels alone in the window, from top
// to bottom, one frame at a time; the text comes from sim/view, as
// `mailsim replay` prints it.
#pragma once

#include <string>
#include <vector>

namespace mailsim::gui {

struct App;

class Handout {
public:
    void start(App& app, std::string dir);
    bool active() const { return phase_ != Phase::idle; }
    // After a frame is drawn: takes the page if it is time; false when done.
    bool after_render(App& app, int w, int h);

private:
    enum class Phase { idle, sequence, transcript } phase_ = Phase::idle;
    void begin_panel(App& app, Phase p);
    bool finish(App& app);

    std::string dir_;
    int page_ = 0;
    int settle_ = 0;  // frames to wait after scrolling
    std::vector<std::string> sequence_pages_, transcript_pages_;
    int saved_solo_ = -1;
    bool saved_follow_ = true;
};

}  // namespace mailsim::gui
