// test_gui_open.cpp — File ▸ Open…: the folder listing and its filter
// (model/file_browser), and the dialog in mailsim-gui under Xvfb opening a
// capture through the import job, and naming what it cannot open.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "import/capture_import.hpp"
#include "model/file_browser.hpp"
#include "support.hpp"

using namespace mailsim;
using namespace mailsim::gui;

namespace gui_open_test {

namespace fs = std::filesystem;

// A folder of every kind of file, a sub-folder and a hidden file.
fs::path make_folder() {
    const fs::path dir = fs::temp_directory_path() / ("mailsim-open-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    fs::create_directories(dir / "lessons");
    for (const char* name : {"trace.json", "session.PCAP", "wire.pcapng", "swaks.log", "curl.txt", "notes.md", ".hidden.json"})
        std::ofstream(dir / name) << "x";
    return dir;
}

std::vector<std::string> names(const FileBrowser& b) {
    std::vector<std::string> out;
    for (const auto& e : b.entries()) out.push_back(e.directory ? e.name + "/" : e.name);
    return out;
}

}  // namespace gui_open_test

TEST_CASE("the Open dialog lists folders first, then the files of the kind chosen, by name", "[gui]") {
    using gui_open_test::names;
    const auto dir = gui_open_test::make_folder();
    FileBrowser b;
    REQUIRE(b.go_to(dir.string()));
    CHECK(b.kind() == FileKind::mail);
    CHECK(names(b) == std::vector<std::string>{"lessons/", "curl.txt", "session.PCAP", "swaks.log", "trace.json", "wire.pcapng"});
    CHECK(b.hidden_by_filter() == 1);  // notes.md; .hidden.json is not counted, it is hidden
    b.set_kind(FileKind::capture);
    CHECK(names(b) == std::vector<std::string>{"lessons/", "session.PCAP", "wire.pcapng"});
    b.set_kind(FileKind::log);
    CHECK(names(b) == std::vector<std::string>{"lessons/", "curl.txt", "swaks.log"});
    b.set_kind(FileKind::json);
    CHECK(names(b) == std::vector<std::string>{"lessons/", "trace.json"});
    b.set_kind(FileKind::all);
    CHECK(names(b).size() == 7);
    CHECK(b.hidden_by_filter() == 0);
    CHECK(b.resolve("trace.json") == (dir / "trace.json").string());
    CHECK(b.resolve("/etc/hostname") == "/etc/hostname");

    REQUIRE(b.go_to((dir / "lessons").string()));
    CHECK(b.entries().empty());
    REQUIRE(b.go_up());
    CHECK(b.dir() == dir.string());
    std::filesystem::remove_all(dir);
}

TEST_CASE("the Open dialog names a folder it cannot list and stays where it was", "[gui]") {
    const auto dir = gui_open_test::make_folder();
    FileBrowser b;
    REQUIRE(b.go_to(dir.string()));
    CHECK_FALSE(b.go_to((dir / "no-such-folder").string()));
    CHECK(b.error().find("no-such-folder") != std::string::npos);
    CHECK(b.dir() == dir.string());
    CHECK_FALSE(b.go_to((dir / "trace.json").string()));
    CHECK(b.error().find("trace.json: not a folder") != std::string::npos);
    REQUIRE(b.go_to(dir.string()));
    CHECK(b.error().empty());
    FileBrowser root;
    REQUIRE(root.go_to("/"));
    CHECK_FALSE(root.go_up());
    std::filesystem::remove_all(dir);
}

TEST_CASE("GUI: the Open dialog opens a capture through the import job, and names a file it cannot open (Xvfb)", "[gui]") {
    int status = 0;
    test::run_command("command -v xvfb-run", &status);
    if (status != 0) {
        WARN("xvfb-run is not installed: the Open dialog test is skipped");
        return;
    }
    const std::string traces = std::string(MAILSIM_SOURCE_DIR) + "/traces";
    const std::string capture = traces + "/capture-smtplib-aiosmtpd.pcap";
    auto imported = import::import_capture(capture);
    REQUIRE(imported.ok());
    const auto dir = gui_open_test::make_folder();
    // Chosen by a click, opened by the dialog's Open; then a file that is no known format, typed.
    const std::string script = "open-dialog " + traces + "; open-dialog-kind capture; open-dialog-select capture-smtplib-aiosmtpd.pcap; "
                               "open-dialog-ok; status; lang zh; status; lang en; open-dialog " + dir.string() + "; open-dialog-kind all; "
                               "open-dialog-path notes.md; open-dialog-ok; status; check-labels; open-dialog-path nothing-here.pcap; "
                               "open-dialog-ok; status; open-dialog-cancel; status; quit";
    const std::string out = test::run_command(test::xvfb_run() +
                                                   std::string(MAILSIM_GUI_BIN) + " --width 1280 --height 800 --script '" + script + "'",
                                               &status);
    INFO(out);
    REQUIRE(WEXITSTATUS(status) == 0);
    // The import finished (the script waits for it) and the trace is the command line's.
    CHECK(out.find("status: Opened " + capture + " (" + std::to_string(imported->trace.size()) + " events)\nopen-dialog: closed\n") !=
          std::string::npos);
    // The status bar says it again in the language chosen after.
    CHECK(out.find("status: 已打开 " + capture + "（" + std::to_string(imported->trace.size()) + " 个事件）\n") != std::string::npos);
    // notes.md: the loader's message, in the dialog, which stays open.
    const size_t bad = out.find("open-dialog: shown: " + (dir / "notes.md").string() + ": ");
    CHECK(bad != std::string::npos);
    CHECK(out.find("open-dialog: shown: " + (dir / "nothing-here.pcap").string() + ": no such file or folder") != std::string::npos);
    CHECK(out.find("check-labels: ") != std::string::npos);
    CHECK(out.rfind("open-dialog: closed") > bad);
    std::filesystem::remove_all(dir);
}
