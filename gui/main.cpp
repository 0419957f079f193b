// main.cpp — mailsim-gui: the desktop front end.
//
//   mailsim-gui [FILE]            a scenario or a trace (the default scenario when none)
//   mailsim-gui --screenshot a.png --frames 5
//   mailsim-gui --script "step 20; lang zh; screenshot b.png; quit"
//   mailsim-gui --scale 1.5       fonts and sizes half as large again (a projector)
//   mailsim-gui --bench
#include <CLI/CLI.hpp>

#include "app.hpp"
#include "core/allocator.hpp"

int main(int argc, char** argv) {
    mailsim::configure_allocator();
    mailsim::gui::Options o;
    CLI::App cli{"mailsim-gui: see an e-mail exchange, step through it, change it"};
    cli.add_option("file", o.file, "A scenario or trace JSON file (default: the default scenario)");
    cli.add_option("--screenshot", o.screenshot, "Write a PNG of the window after --frames frames, then exit");
    cli.add_option("--frames", o.frames, "Frames to draw before --screenshot")->check(CLI::Range(1, 100000));
    cli.add_option("--script", o.script, "Actions run one a frame, ';'-separated, or @FILE (see gui/script.hpp)");
    cli.add_option("--lang", o.lang, "Language: en or zh")->check(CLI::IsMember({"en", "zh"}));
    cli.add_option("--scale", o.scale, "UI scale for a projector: fonts and sizes times F (0.5 to 3; Ctrl +/- in the window)")
        ->check(CLI::Range(0.5f, 3.0f));
    cli.add_option("--width", o.width, "Window width")->check(CLI::Range(640, 7680));
    cli.add_option("--height", o.height, "Window height")->check(CLI::Range(480, 4320));
    cli.add_option("--handout", o.handout, "Write the sequence diagram and transcript as PNG pages and handout.md into this folder, then exit");
    cli.add_flag("--bench", o.bench, "Generate a long trace and print load and frame-time figures");
    cli.add_option("--bench-lines", o.bench_lines, "Transcript lines of the --bench trace")->check(CLI::Range(1000L, 20000000L));
    CLI11_PARSE(cli, argc, argv);
    return mailsim::gui::run_app(o);
}
