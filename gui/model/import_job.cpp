// import_job.cpp — the worker thread and its progress.
#include "model/import_job.hpp"

#include <cstdio>

namespace mailsim::gui {

bool is_importable(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    std::string head(64 * 1024, '\0');
    head.resize(std::fread(head.data(), 1, head.size(), f));
    std::fclose(f);
    return !import::detect_format(head).empty();
}

ImportJob::ImportJob(std::string path) : path_(std::move(path)) {
    worker_ = std::thread([this] {
        import::ImportOptions o;
        o.progress = [this](std::uint64_t done, std::uint64_t total) {
            done_ = done;
            total_ = total;
            return !cancel_.load();
        };
        result_.emplace(import::import_file(path_, o));
        finished_ = true;
    });
}

ImportJob::~ImportJob() {
    cancel_ = true;
    if (worker_.joinable()) worker_.join();
}

float ImportJob::progress() const {
    const std::uint64_t total = total_.load();
    return total == 0 ? 0.0f : static_cast<float>(static_cast<double>(done_.load()) / static_cast<double>(total));
}

Result<import::ImportResult> ImportJob::take() {
    if (worker_.joinable()) worker_.join();
    if (!result_) return Error{path_, "the import did not finish"};
    auto r = std::move(*result_);
    result_.reset();
    return r;
}

}  // namespace mailsim::gui
