// test_gui_typed.cpp — mailsim-gui under Xvfb: the transcript's "type your
// own command" box shows the engine's replies, and Ctrl + / Ctrl - / Ctrl 0
// change the UI scale with the layout audit still passing (issue 16).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <string>

#include "support.hpp"

namespace {

std::string run_gui(const std::string& script, int* status) {
    return test::run_command(test::xvfb_run() + std::string(MAILSIM_GUI_BIN) +
                                 " --width 1280 --height 800 --script '" + script + "'",
                             status);
}

}  // namespace

TEST_CASE("a command typed under an SMTP transcript is answered by the server's engine (Xvfb)", "[gui]") {
    if (!test::have_xvfb()) {
        WARN("xvfb-run is not installed: the typed-command box is not run");
        return;
    }
    // Connection #2 of the default scenario, mail.crepes.fr → mail.hamburger.edu, after its MAIL FROM (event 48).
    const std::string script =
        "cursor 49; solo transcript; tab 2; wait 2"
        "; type-command VRFY bob; wait 1; expect-typed 250 2.1.5 Bob <bob@hamburger.edu>"
        "; type-command VRFY nobody; wait 1; expect-typed 550"
        "; type-command HELP; wait 1; expect-typed 214"
        "; type-command NOOP; wait 1; expect-typed 250"
        "; type-command DATA; wait 1; expect-typed 503"
        "; type-command RCPT TO:<bob@hamburger.edu>; wait 1; expect-typed 250 2.1.5 Recipient <bob@hamburger.edu> OK"
        "; type-command BOGUS; wait 1; expect-typed 500"
        "; lang zh; wait 1; check-labels; quit";
    int status = 0;
    const std::string out = run_gui(script, &status);
    INFO(out);
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(out.find("typed box: 250 2.1.5 Bob <bob@hamburger.edu>") != std::string::npos);
    CHECK(out.find("typed box: 503") != std::string::npos);
    CHECK(out.find("0 cut without one") != std::string::npos);

    // A wrong expectation fails the run and says what the box showed.
    const std::string wrong = run_gui("cursor 49; solo transcript; tab 2; wait 2; type-command NOOP; wait 1; expect-typed 550; quit", &status);
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(wrong.find("expected it to begin \"550\"") != std::string::npos);

    // No SMTP tab shown: nothing to type into, and the run says so.
    const std::string none = run_gui("type-command NOOP; quit", &status);
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(none.find("no SMTP connection's tab is shown") != std::string::npos);
}

TEST_CASE("Ctrl + and Ctrl - step the UI scale and Ctrl 0 resets it, the layout audit passing (Xvfb)", "[gui]") {
    if (!test::have_xvfb()) {
        WARN("xvfb-run is not installed: the scale keys are not pressed");
        return;
    }
    const std::string lesson = std::string(MAILSIM_SOURCE_DIR) + "/lessons/01-smtp-alice-to-bob.json";
    const std::string script = "open " + lesson +
                               "; lesson-step 11; answer-teacher; wait 1; expect-scale 1"
                               "; key ctrl =; wait 1; expect-scale 1.25; wait 2; check-labels"
                               "; key ctrl =; wait 1; expect-scale 1.5; wait 2; check-labels"
                               "; key ctrl -; wait 1; expect-scale 1.25"
                               "; key ctrl 0; wait 1; expect-scale 1; wait 2; check-labels"
                               "; key ctrl kp+; wait 1; expect-scale 1.25; key ctrl kp-; wait 1; expect-scale 1"
                               // Without Ctrl the same key changes nothing.
                               "; key =; wait 1; expect-scale 1; quit";
    int status = 0;
    const std::string out = run_gui(script, &status);
    INFO(out);
    CHECK(WEXITSTATUS(status) == 0);
    size_t checks = 0;
    for (size_t pos = 0; (pos = out.find(", 0 cut without one", pos)) != std::string::npos; ++pos) ++checks;
    CHECK(checks == 3);
    CHECK(out.find("scale 1.50") != std::string::npos);

    // The check can fail: a scale the keys did not reach.
    const std::string wrong = run_gui("key ctrl =; wait 1; expect-scale 2; quit", &status);
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(wrong.find("scale 1.25, expected 2.00") != std::string::npos);
    // A key the script does not know is refused before any window opens.
    const std::string bad = test::run_command(std::string(MAILSIM_GUI_BIN) + " --script 'key ctrl banana; quit'", &status);
    CHECK(WEXITSTATUS(status) != 0);
    CHECK(bad.find("expected key [ctrl]") != std::string::npos);
}
