// import_job.hpp — a capture or log imported on a worker thread, so the
// window keeps drawing a progress bar (and a Cancel button) while a large
// file is read. The worker owns its Trace until it is done; then the GUI
// takes it whole (sim/import does the work; nothing here parses).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include "import/import_file.hpp"

namespace mailsim::gui {

// Whether the file at `path` is a capture or a log (by its first bytes).
bool is_importable(const std::string& path);

class ImportJob {
public:
    explicit ImportJob(std::string path);
    ~ImportJob();  // cancels and waits
    ImportJob(const ImportJob&) = delete;
    ImportJob& operator=(const ImportJob&) = delete;

    const std::string& path() const { return path_; }
    // From 0 to 1.
    float progress() const;
    std::uint64_t bytes_read() const { return done_.load(); }
    bool finished() const { return finished_.load(); }
    void cancel() { cancel_ = true; }
    bool cancelled() const { return cancel_.load(); }
    // Once finished: the result (an Error when the file could not be read at all).
    Result<import::ImportResult> take();

private:
    std::string path_;
    std::atomic<std::uint64_t> done_{0}, total_{0};
    std::atomic<bool> cancel_{false}, finished_{false};
    std::optional<Result<import::ImportResult>> result_;
    std::thread worker_;
};

}  // namespace mailsim::gui
