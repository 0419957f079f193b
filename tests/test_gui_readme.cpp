// test_gui_readme.cpp — the README's `--script` example, run as printed
// (issue 16, point 5): it must show the transcript with the 550 in it, not
// an empty panel.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <stb_image.h>

#include "support.hpp"

TEST_CASE("the README's --script example shows the transcript up to the 550 (Xvfb)", "[gui]") {
    int status = 0;
    test::run_command("command -v xvfb-run", &status);
    if (status != 0) {
        WARN("xvfb-run is not installed: the README example is not run");
        return;
    }
    std::ifstream in(std::string(MAILSIM_SOURCE_DIR) + "/README.md");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string readme = ss.str();
    // The example: the command, a backslash, then on the next line
    //     --script "lesson-step 11; ...; screenshot t.png; quit"
    const size_t cmd = readme.find("build/mailsim-gui lessons/01-smtp-alice-to-bob.json \\\n    --script \"");
    REQUIRE(cmd != std::string::npos);
    const size_t begin = readme.find('"', cmd) + 1, end = readme.find('"', begin);
    std::string script = readme.substr(begin, end - begin);
    INFO("the README's script: " << script);
    const size_t shot = script.find("screenshot t.png");
    REQUIRE(shot != std::string::npos);
    const std::string png = (std::filesystem::temp_directory_path() / "mailsim-readme-example.png").string();
    std::filesystem::remove(png);
    script.replace(shot, 16, "screenshot " + png);
    const std::string out = test::run_command(
        "cd " + std::string(MAILSIM_SOURCE_DIR) + " && " + test::xvfb_run() +
            std::string(MAILSIM_GUI_BIN) + " lessons/01-smtp-alice-to-bob.json --script \"" + script + "\"",
        &status);
    INFO(out);
    REQUIRE(WEXITSTATUS(status) == 0);
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(png.c_str(), &w, &h, &n, 3);
    REQUIRE(px);
    size_t red = 0, cyan = 0, green = 0;
    for (int i = 0; i < w * h; ++i) {
        const unsigned char* p = px + 3 * i;
        // 5xx: the 550 for nobody, below the colour legend (the selected line blends with its highlight)
        if (i / w > 120 && p[0] > 200 && p[1] < 150 && p[2] < 150) ++red;
        if (p[0] == 115 && p[1] == 204 && p[2] == 255) ++cyan;   // commands
        if (p[0] == 115 && p[1] == 230 && p[2] == 115) ++green;  // 2xx
    }
    stbi_image_free(px);
    std::filesystem::remove(png);
    CHECK(red > 20);
    CHECK(cyan > 50);
    CHECK(green > 50);
}
