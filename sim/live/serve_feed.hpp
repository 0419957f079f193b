// serve_feed.hpp — a serve session as a growing Trace for a viewer (the GUI):
// each poll() runs one round of the server without waiting, so a frame
// stays short, and the trace grows as real clients talk.
#pragma once

#include <memory>

#include "core/trace_feed.hpp"
#include "live/serve.hpp"

namespace mailsim::live {

class ServeFeed final : public TraceFeed {
public:
    explicit ServeFeed(std::unique_ptr<Server> server) : server_(std::move(server)) {}
    const Trace& trace() const override { return server_->world().trace(); }
    bool poll(size_t) override {
        if (stopped_) return false;
        const size_t before = trace().size();
        server_->poll(0);
        return trace().size() != before;
    }
    bool finished() const override { return stopped_; }

    // Closes every connection and port; the trace stays, whole.
    void stop() {
        if (stopped_) return;
        server_->close();
        stopped_ = true;
    }
    const Server& server() const { return *server_; }

private:
    std::unique_ptr<Server> server_;
    bool stopped_ = false;
};

}  // namespace mailsim::live
