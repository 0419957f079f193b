// bench_import.cpp — importing a large capture of mail traffic: speed
// beside tshark and tcpflow on the same file, and peak memory beside the
// largest stream.
//
//   bench_import [--mib N] [--keep FILE]
//
// Writes a pcap of about N MiB (default 1024) of its own: SMTP sessions
// sending messages of 20 KiB to 16 MiB, POP3 sessions fetching them and
// IMAP sessions with FETCH literals, eight connections at a time with their
// segments interleaved, 1448 bytes a segment, a few retransmitted. Then,
// each in a child process so that each peak resident memory (ru_maxrss) is
// its own:
//
//   import, streaming   sim/import's PacketImporter over the file, the
//                       trace's events counted and dropped as they come
//                       (the trace keeps its first blocks, 4 MiB of them
//                       in memory): what the importer itself holds,
//                       reassembly and the units being gathered
//   import, whole trace import_capture as `mailsim import` and the GUI run
//                       it: the trace holds every byte of every stream
//   tshark              tshark -r FILE -q -z follow,tcp,raw,0 -z follow,tcp,raw,N
//                       (the first stream and the largest, N; tshark
//                       dissects the whole file for them), stopped after
//                       --tshark-timeout seconds (default 3600)
//   tcpflow             tcpflow -r FILE -o DIR (every stream to a file)
//
// and prints MB/s of the capture file for each, with the peak memory, and
// how many times faster the streaming import is than tshark and tcpflow.
// --import-only leaves the tools out. --streaming FILE runs only the
// streaming import of FILE, in this process (for a profiler or heaptrack). tshark and tcpflow are not in
// .ci/packages (only this program uses them; each is skipped, saying so,
// when it is not installed); install them to compare:
//   apt-get install --no-install-recommends tshark tcpflow
// Prints figures, not verdicts; run on demand, never by CTest.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../capture_builder.hpp"
#include "import/capture_file.hpp"
#include "import/capture_import.hpp"

namespace {

using Clock = std::chrono::steady_clock;

void le32(std::FILE* f, std::uint32_t v) {
    const unsigned char b[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
                                static_cast<unsigned char>(v >> 16), static_cast<unsigned char>(v >> 24)};
    std::fwrite(b, 1, 4, f);
}

struct Writer {
    std::FILE* f;
    std::int64_t time_us = 1795338000000000;
    std::uint64_t bytes = 24;
    void packet(const std::string& frame) {
        time_us += 20;
        le32(f, static_cast<std::uint32_t>(time_us / 1000000));
        le32(f, static_cast<std::uint32_t>(time_us % 1000000));
        le32(f, static_cast<std::uint32_t>(frame.size()));
        le32(f, static_cast<std::uint32_t>(frame.size()));
        std::fwrite(frame.data(), 1, frame.size(), f);
        bytes += 16 + frame.size();
    }
};

// A message of about `size` bytes: headers, a text part and a base64 attachment in 76-column lines.
std::string message(size_t size, std::mt19937& rng) {
    std::string m = "From: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\nSubject: bench\r\nMIME-Version: 1.0\r\n"
                    "Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\nHello.\r\n"
                    "--BB\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string line(76, 'A');
    while (m.size() < size) {
        for (char& c : line) c = b64[rng() & 63];
        m += line;
        m += "\r\n";
    }
    return m + "--BB--\r\n";
}

// One session's units, (from_client, bytes), of one of three kinds.
std::vector<std::pair<bool, std::string>> session(int kind, size_t size, std::mt19937& rng) {
    const std::string text = message(size, rng);
    switch (kind) {
    case 0:
        return {{false, "220 mx.hamburger.edu ESMTP\r\n"}, {true, "EHLO crepes.fr\r\n"},
                {false, "250-mx.hamburger.edu\r\n250 8BITMIME\r\n"}, {true, "MAIL FROM:<alice@crepes.fr>\r\n"},
                {false, "250 Ok\r\n"}, {true, "RCPT TO:<bob@hamburger.edu>\r\n"}, {false, "250 Ok\r\n"},
                {true, "DATA\r\n"}, {false, "354 go ahead\r\n"}, {true, text + ".\r\n"}, {false, "250 Ok: queued\r\n"},
                {true, "QUIT\r\n"}, {false, "221 Bye\r\n"}};
    case 1:
        return {{false, "+OK POP3 ready\r\n"}, {true, "USER bob\r\n"}, {false, "+OK\r\n"}, {true, "PASS ketchup\r\n"},
                {false, "+OK\r\n"}, {true, "RETR 1\r\n"}, {false, "+OK message follows\r\n" + text + ".\r\n"},
                {true, "QUIT\r\n"}, {false, "+OK bye\r\n"}};
    default:
        return {{false, "* OK IMAP4rev1 ready\r\n"}, {true, "a1 LOGIN bob ketchup\r\n"}, {false, "a1 OK\r\n"},
                {true, "a2 SELECT INBOX\r\n"}, {false, "* 1 EXISTS\r\na2 OK\r\n"}, {true, "a3 FETCH 1 BODY[]\r\n"},
                {false, "* 1 FETCH (BODY[] {" + std::to_string(text.size()) + "}\r\n" + text + ")\r\na3 OK\r\n"},
                {true, "a4 LOGOUT\r\n"}, {false, "* BYE\r\na4 OK\r\n"}};
    }
}

struct Made {
    std::uint64_t largest = 0;  // the largest stream's bytes (both ways)
    size_t largest_index = 0;   // its connection, counted from 0 in the order they start
    std::uint64_t in_flight = 0;  // the most bytes of units in flight at once (each open session's largest)
};

// Writes the capture.
Made make_capture(const std::string& path, std::uint64_t target) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
        std::perror(path.c_str());
        std::exit(1);
    }
    le32(f, 0xa1b2c3d4), le32(f, 0x00040002), le32(f, 0), le32(f, 0), le32(f, 262144), le32(f, 1);
    Writer w{f};
    std::mt19937 rng(1);
    Made made;
    struct Live {
        capture::Conversation c;
        std::vector<std::string> frames;
        size_t next = 0;
        size_t largest_unit = 0;
    };
    std::vector<Live> live;
    std::uint16_t port = 10000;
    const std::uint16_t server_ports[] = {25, 110, 143};
    size_t sessions = 0;
    bool want_large = false;
    auto start = [&]() {
        Live l;
        const int kind = static_cast<int>(sessions % 3);
        l.c.client = capture::v4(10, 0, static_cast<std::uint8_t>(sessions % 200), 2);
        l.c.server = capture::v4(10, 1, 0, static_cast<std::uint8_t>(kind + 1));
        l.c.client_port = port++;
        if (port < 10000) port = 10000;
        l.c.server_port = server_ports[kind];
        l.c.client_isn = static_cast<std::uint32_t>(rng());
        l.c.server_isn = static_cast<std::uint32_t>(rng());
        // Mostly small messages, now and then a large one: one in 50
        // sessions, and never two at once (a large one lasts while some
        // two hundred small ones come and go beside it), so that the
        // importer's peak is set by the largest stream, not by several
        // of them in flight together.
        if (sessions % 50 == 7) want_large = true;
        size_t large_live = 0;
        for (const auto& other : live) large_live += other.largest_unit >= (16u << 20);
        const bool large = want_large && large_live == 0;
        if (large) want_large = false;
        const size_t size = large ? (16u << 20) : (20u << 10) + (rng() % (600u << 10));
        const auto units = session(kind, size, rng);
        std::uint64_t total = 0;
        l.frames = l.c.handshake();
        for (const auto& [client, bytes] : units) {
            total += bytes.size();
            l.largest_unit = std::max(l.largest_unit, bytes.size());
            for (auto& s : l.c.send(client, bytes, 1448)) l.frames.push_back(std::move(s));
            if (rng() % 8 == 0) l.frames.push_back(l.frames.back());  // a retransmission
        }
        l.frames.push_back(l.c.fin(true));
        l.frames.push_back(l.c.fin(false));
        if (total > made.largest) {
            made.largest = total;
            made.largest_index = sessions;
        }
        ++sessions;
        live.push_back(std::move(l));
        std::uint64_t in_flight = 0;
        for (const auto& other : live) in_flight += other.largest_unit;
        made.in_flight = std::max(made.in_flight, in_flight);
    };
    while (w.bytes < target || !live.empty()) {
        while (live.size() < 8 && w.bytes < target) start();
        for (size_t i = 0; i < live.size();) {
            // A few segments of each connection in turn.
            for (int k = 0; k < 4 && live[i].next < live[i].frames.size(); ++k) w.packet(live[i].frames[live[i].next++]);
            if (live[i].next == live[i].frames.size()) {
                live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
            } else {
                ++i;
            }
        }
    }
    std::fclose(f);
    std::printf("capture: %s, %.1f MiB, %zu sessions, largest stream %.1f MiB, at most %.1f MiB of units in flight at once\n",
                path.c_str(), static_cast<double>(w.bytes) / (1 << 20), sessions, static_cast<double>(made.largest) / (1 << 20),
                static_cast<double>(made.in_flight) / (1 << 20));
    return made;
}

struct Figures {
    double seconds = 0;      // wall clock
    double cpu_seconds = 0;  // user + system, of the child and what it waited for
    long max_rss_kib = 0;
    int status = 0;
};

// Runs `work` in a child process: its time and its own peak memory.
template <class F>
Figures in_child(F work) {
    const auto t0 = Clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int rc = work();
        std::fflush(stdout);
        ::_exit(rc);
    }
    int status = 0;
    rusage ru{};
    ::wait4(pid, &status, 0, &ru);
    auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return {std::chrono::duration<double>(Clock::now() - t0).count(), secs(ru.ru_utime) + secs(ru.ru_stime), ru.ru_maxrss,
            WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

int run_command(const std::string& cmd) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    return 127;
}

// The resident memory now, in MiB (/proc/self/statm's second field, in pages).
double resident_mib() {
    long pages = 0, resident = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1 << 20);
}

bool have(const char* program) {
    return std::system((std::string("command -v ") + program + " >/dev/null 2>&1").c_str()) == 0;
}

// The streaming import of `path`: the trace's events counted and dropped as they come.
int stream_import(const std::string& path) {
    std::printf("  resident before the import: %.1f MiB\n", resident_mib());
    mailsim::import::CaptureFile file;
    if (!file.open_path(path)) return 1;
    mailsim::Trace trace;
    std::uint64_t events = 0;
    mailsim::import::PacketImporter importer(trace);
    while (auto p = file.next()) {
        importer.packet(p->time_us, file.link_type(), p->data);
        // (Clearing is cheap: the trace keeps its first blocks.)
        if (trace.size() > 0) {
            events += trace.size();
            trace.clear();
        }
    }
    importer.finish();
    events += trace.size();
    const auto& s = importer.stats();
    std::printf("  %llu packets, %llu connections shown, %llu events, %.1f MiB of streams, %llu gaps\n",
                static_cast<unsigned long long>(s.packets), static_cast<unsigned long long>(s.mail_connections),
                static_cast<unsigned long long>(events), static_cast<double>(s.stream_bytes) / (1 << 20),
                static_cast<unsigned long long>(s.gaps));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t mib = 1024;
    std::string keep;
    bool import_only = false;
    int tshark_timeout = 3600;  // seconds
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--mib") && i + 1 < argc) mib = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(argv[i], "--keep") && i + 1 < argc) keep = argv[++i];
        else if (!std::strcmp(argv[i], "--import-only")) import_only = true;
        else if (!std::strcmp(argv[i], "--tshark-timeout") && i + 1 < argc) tshark_timeout = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--streaming") && i + 1 < argc) return stream_import(argv[++i]);
        else {
            std::fprintf(stderr, "usage: bench_import [--mib N] [--keep FILE] [--import-only] [--tshark-timeout S] | --streaming FILE\n");
            return 2;
        }
    }
    const auto dir = std::filesystem::temp_directory_path() / ("bench-import-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = keep.empty() ? (dir / "mail.pcap").string() : keep;
    // Made in a child too, so that none of its memory is counted in the children after it.
    const std::string largest_file = (dir / "largest").string();
    in_child([&] {
        const Made made = make_capture(path, mib << 20);
        std::ofstream(largest_file) << made.largest << ' ' << made.largest_index;
        return 0;
    });
    std::uint64_t largest = 1;
    size_t largest_index = 0;
    std::ifstream(largest_file) >> largest >> largest_index;
    const double file_mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    auto report = [&](const char* what, const Figures& f) {
        std::printf("%-22s %7.2f s (CPU %.2f s)  %8.1f MB/s  peak %8.1f MiB (%.2f× the largest stream)%s\n", what,
                    f.seconds, f.cpu_seconds, file_mb / f.seconds, f.max_rss_kib / 1024.0,
                    static_cast<double>(f.max_rss_kib) * 1024.0 / static_cast<double>(largest),
                    f.status == 0 ? "" : "  [failed]");
        std::fflush(stdout);
    };
    const Figures streaming = in_child([&] { return stream_import(path); });
    report("import, streaming", streaming);
    report("import, whole trace", in_child([&] {
               auto r = mailsim::import::import_capture(path);
               if (!r) return 1;
               std::printf("  %zu events, trace %.1f MiB\n", r->trace.size(),
                           static_cast<double>(r->trace.memory_bytes()) / (1 << 20));
               return 0;
           }));
    if (import_only) {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        return 0;
    }
    // tshark follows the first stream and the largest (tcp.stream numbers
    // connections in the order they first appear, as make_capture starts them).
    auto compare = [&](const char* what, const Figures& f) {
        if (f.status != 0 || streaming.status != 0) return;
        std::printf("  import (streaming) / %s: %.1f× by the clock, %.1f× by CPU time\n", what, f.seconds / streaming.seconds,
                    f.cpu_seconds / streaming.cpu_seconds);
    };
    if (have("tshark")) {
        const std::string follow = "-z follow,tcp,raw,0 -z follow,tcp,raw," + std::to_string(largest_index);
        const std::string what = "tshark " + follow;
        const Figures f = in_child([&] {
            return run_command("timeout " + std::to_string(tshark_timeout) + " tshark -r '" + path + "' -q " + follow + " >/dev/null 2>&1");
        });
        if (f.status == 124) {
            // Not done in time: its speed is at most the file over the time allowed.
            std::printf("%-22s did not finish in %d s (under %.2f MB/s): import (streaming) over %.0f× tshark\n", what.c_str(),
                        tshark_timeout, file_mb / f.seconds, f.seconds / streaming.seconds);
        } else {
            report(what.c_str(), f);
            compare("tshark", f);
        }
    } else {
        std::printf("tshark: not installed, skipped (apt-get install --no-install-recommends tshark)\n");
    }
    if (have("tcpflow")) {
        const std::string out = (dir / "tcpflow").string();
        std::filesystem::create_directories(out);
        const Figures f = in_child([&] { return run_command("tcpflow -r '" + path + "' -o '" + out + "' >/dev/null 2>&1"); });
        report("tcpflow", f);
        compare("tcpflow", f);
    } else {
        std::printf("tcpflow: not installed, skipped (apt-get install --no-install-recommends tcpflow)\n");
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return 0;
}
