// app.hpp — mailsim-gui's window, frame loop and headless modes.
//
// One GLFW window with an OpenGL 3 context; ImGui draws the panels each
// frame. Headless use (tests, handouts, figures): --screenshot after
// --frames, a --script of actions run one a frame, --bench printing frame
// times. The layout is one function (ImGui 1.86 has no docking).
#pragma once

#include <string>
#include <vector>

namespace mailsim::gui {

struct Options {
    std::string file;             // a scenario or trace; "" = the default scenario
    std::string screenshot;       // PNG written after `frames` frames, then exit
    int frames = 3;
    std::string script;           // actions, ';' or newline separated, or @FILE
    std::string lang = "en";
    float scale = 1.0f;           // the UI scale (fonts and sizes), 0.5 to 3
    int width = 1280, height = 800;
    std::string handout;          // write a handout of the trace into this folder, then exit
    bool bench = false;
    long bench_lines = 1000000;
    bool hidden = false;          // no visible window (under Xvfb it makes no difference)
};

int run_app(const Options& options);

}  // namespace mailsim::gui
