// test_gui_import.cpp — the GUI's import job: a capture read on a worker
// thread with its progress, and a Cancel that stops it.
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "capture_builder.hpp"
#include "model/import_job.hpp"
#include "model/trace_index.hpp"

using namespace mailsim;

namespace gui_import_test {

// A pcap of `sessions` SMTP sessions one after another, each with a 100 KiB message.
std::string many_sessions(int sessions) {
    std::vector<std::string> frames;
    const std::string text = "Subject: x\r\n\r\n" + std::string(100 * 1024, 'a') + "\r\n.\r\n";
    for (int i = 0; i < sessions; ++i) {
        capture::Conversation c;
        c.client = capture::v4(192, 0, 2, 10);
        c.server = capture::v4(198, 51, 100, 25);
        c.client_port = static_cast<std::uint16_t>(20000 + i);
        for (auto& f : c.handshake()) frames.push_back(f);
        for (const auto& [client, bytes] : std::vector<std::pair<bool, std::string>>{
                 {false, "220 hi\r\n"}, {true, "DATA\r\n"}, {false, "354 go\r\n"}, {true, text}, {false, "250 ok\r\n"}})
            for (auto& s : c.send(client, bytes)) frames.push_back(s);
        frames.push_back(c.fin(true));
        frames.push_back(c.fin(false));
    }
    return capture::pcap(capture::timed(frames));
}

}  // namespace gui_import_test

TEST_CASE("the GUI imports a capture on a worker with its progress, and Cancel stops it") {
    const auto dir = std::filesystem::temp_directory_path() / ("mailsim-gui-import-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "big.cap").string();
    {
        std::ofstream out(path, std::ios::binary);
        out << gui_import_test::many_sessions(60);  // about 6 MiB
    }
    REQUIRE(gui::is_importable(path));
    REQUIRE(!gui::is_importable(MAILSIM_SOURCE_DIR "/traces/default.json"));
    {
        gui::ImportJob job(path);
        while (!job.finished()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        REQUIRE(job.progress() == 1.0f);
        auto r = job.take();
        REQUIRE(r.ok());
        REQUIRE(r->stats.mail_connections == 60);
        // The Message panel's index finds each message in the imported trace.
        gui::TraceIndex index(r->trace);
        REQUIRE(index.messages().size() == 60);
    }
    {
        gui::ImportJob job(path);
        job.cancel();
        while (!job.finished()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        auto r = job.take();
        REQUIRE(job.cancelled());
        REQUIRE(r.ok());
        REQUIRE(r->cancelled);
        REQUIRE(r->stats.mail_connections < 60);
    }
    std::filesystem::remove_all(dir);
}
