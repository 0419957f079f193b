// bench.cpp — the long trace, its load time, and frame times.
#include "bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <GLFW/glfw3.h>
#include <fmt/format.h>

#include "core/trace_json.hpp"
#include "ui.hpp"

namespace mailsim::gui {

namespace {

constexpr int kScrollFrames = 600, kPlayFrames = 300;

// One SMTP session as the simulation records it; returns transcript lines added.
size_t add_session(Trace& t, std::uint32_t conn, SimTime& now, size_t n) {
    const SimTime lat = 20 * kMillisecond;
    size_t lines = 0;
    auto ev = [&](EventKind kind, bool to_server, std::string_view verb, std::string_view bytes, std::string_view key) {
        Event e;
        e.time = now;
        e.until = now + lat;
        e.kind = kind;
        e.conn = conn;
        e.dir = kind == EventKind::bytes ? (to_server ? Direction::to_server : Direction::to_client) : Direction::none;
        e.host = to_server ? "mail.crepes.fr" : "mail.hamburger.edu";
        e.peer = to_server ? "mail.hamburger.edu" : "mail.crepes.fr";
        e.protocol = kind == EventKind::bytes ? "smtp" : "tcp";
        e.verb = verb;
        e.key = key;
        e.bytes = bytes;
        e.args = kind == EventKind::connect ? "port 25" : "";
        t.append(e);
        now += lat;
        for (char c : bytes) lines += c == '\n';
        if (kind != EventKind::bytes && kind != EventKind::accept) ++lines;
    };
    const std::string rcpt = fmt::format("RCPT TO:<user{}@hamburger.edu>\r\n", n % 997);
    std::string message = fmt::format("From: alice@crepes.fr\r\nTo: user{}@hamburger.edu\r\nSubject: message {}\r\n\r\n", n % 997, n);
    for (int i = 0; i < 8; ++i) message += fmt::format("Line {} of message {}: the quick brown fox.\r\n", i, n);
    message += ".\r\n";
    ev(EventKind::connect, true, "", "", "");
    ev(EventKind::accept, false, "", "", "");
    ev(EventKind::bytes, false, "220", "220 mail.hamburger.edu ESMTP mailsim\r\n", "smtp.reply.220");
    ev(EventKind::bytes, true, "EHLO", "EHLO mail.crepes.fr\r\n", "smtp.cmd.EHLO");
    ev(EventKind::bytes, false, "250",
       "250-mail.hamburger.edu\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n", "smtp.reply.250");
    ev(EventKind::bytes, true, "MAIL", "MAIL FROM:<alice@crepes.fr>\r\n", "smtp.cmd.MAIL");
    ev(EventKind::bytes, false, "250", "250 2.1.0 Ok\r\n", "smtp.reply.250");
    ev(EventKind::bytes, true, "RCPT", rcpt, "smtp.cmd.RCPT");
    ev(EventKind::bytes, false, n % 7 == 0 ? "550" : "250",
       n % 7 == 0 ? "550 5.1.1 No such user here\r\n" : "250 2.1.5 Ok\r\n", n % 7 == 0 ? "smtp.reply.550" : "smtp.reply.250");
    ev(EventKind::bytes, true, "DATA", "DATA\r\n", "smtp.cmd.DATA");
    ev(EventKind::bytes, false, "354", "354 End data with <CR><LF>.<CR><LF>\r\n", "smtp.reply.354");
    ev(EventKind::bytes, true, "", message, "smtp.message");
    ev(EventKind::bytes, false, "250", "250 2.0.0 Ok: queued\r\n", "smtp.reply.250");
    ev(EventKind::bytes, true, "QUIT", "QUIT\r\n", "smtp.cmd.QUIT");
    ev(EventKind::bytes, false, "221", "221 2.0.0 Bye\r\n", "smtp.reply.221");
    ev(EventKind::close, true, "", "", "");
    return lines;
}

double now_ms() { return glfwGetTime() * 1000.0; }

void print_phase(const char* name, std::vector<double> ms) {
    if (ms.empty()) return;
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))]; };
    std::printf("%-28s frames %4zu   p50 %6.2f ms   p99 %6.2f ms   worst %6.2f ms\n", name, ms.size(), pct(0.50), pct(0.99),
                ms.back());
}

}  // namespace

std::optional<Error> Bench::load(Session& session) {
    Trace t;
    t.source.name = "bench";
    t.hosts = {{"mail.crepes.fr", "mail-server", "crepes.fr", ""}, {"mail.hamburger.edu", "mail-server", "hamburger.edu", ""}};
    t.links = {{"mail.crepes.fr", "mail.hamburger.edu", 20 * kMillisecond}};
    SimTime now = 0;
    size_t lines = 0;
    for (std::uint32_t conn = 1; lines < static_cast<size_t>(lines_); ++conn) lines += add_session(t, conn, now, conn);
    const std::string path = (std::filesystem::temp_directory_path() / "mailsim-gui-bench.json").string();
    if (auto err = save_trace(t, path)) return err;
    const auto size = std::filesystem::file_size(path);
    using SteadyClock = std::chrono::steady_clock;
    auto ms_since = [](SteadyClock::time_point t) {
        return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
    };
    // The parts, once: parsing the JSON into a Trace, and indexing it.
    auto t0 = SteadyClock::now();
    auto parsed = load_trace(path);
    if (!parsed) return parsed.error();
    const double parse_ms = ms_since(t0);
    t0 = SteadyClock::now();
    TraceIndex index(*parsed);
    const double index_ms = ms_since(t0);
    // Then as the user does it: Session::open (read, parse, index).
    t0 = SteadyClock::now();
    if (auto err = session.open(path)) return err;
    const double ms = ms_since(t0);
    std::printf("trace: %zu events, %zu transcript lines, %.1f MiB of JSON\n", session.trace().size(),
                session.index().total_lines(), static_cast<double>(size) / (1 << 20));
    std::printf("load (read + parse + index): %.0f ms  (read + parse %.0f ms, index %.0f ms)\n", ms, parse_ms, index_ms);
    std::filesystem::remove(path);
    session.set_cursor(session.trace().size());
    return std::nullopt;
}

void Bench::before_frame(App& app) {
    if (!on_) return;
    frame_start_ = now_ms();
    if (phase_ == 1) {
        // From top to bottom of the "all" tab in kScrollFrames steps.
        const float line_h = 18.0f;
        app.force_scroll = static_cast<float>(app.session.index().total_lines()) * line_h * static_cast<float>(frame_) / kScrollFrames;
    } else {
        app.force_scroll = -1.0f;
    }
}

bool Bench::after_frame(App& app) {
    if (!on_) return false;
    const double ms = now_ms() - frame_start_;
    ++frame_;
    switch (phase_) {
    case 0:
        if (frame_ >= 10) {  // warm-up: fonts uploaded, windows laid out
            phase_ = 1;
            frame_ = 0;
        }
        break;
    case 1:
        scroll_ms_.push_back(ms);
        if (frame_ >= kScrollFrames) {
            phase_ = 2;
            frame_ = 0;
            app.session.set_cursor(app.session.trace().size() / 2);
            app.session.speed = 240.0f;  // events a second: several a frame
            app.session.playing = true;
        }
        break;
    case 2:
        play_ms_.push_back(ms);
        if (frame_ >= kPlayFrames) {
            phase_ = 3;
            return true;
        }
        break;
    default: return true;
    }
    return false;
}

void Bench::report() const {
    if (!on_) return;
    print_phase("scrolling the transcript", scroll_ms_);
    print_phase("playing", play_ms_);
}

}  // namespace mailsim::gui
