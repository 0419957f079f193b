// bench_serve.cpp — serve mode's SMTP throughput against Postfix's smtp-sink
// and aiosmtpd, all loaded by Postfix's smtp-source in the same run (issue 12).
//
//   bench_serve [--messages 20000] [--sessions 20] [--size 2048] [--rounds 1]
//
// Each server listens on a free 127.0.0.1 port; smtp-source sends
// --messages messages of --size bytes over --sessions parallel sessions,
// once with connection reuse (-d) and once with one connection a message.
// Prints messages/s for each and the ratios that issue 12 sets as targets:
// mailsim serve with the trace recording ≥ 0.7 × smtp-sink and ≥ 3 ×
// aiosmtpd; with recording off ≥ 1.0 × smtp-sink. Needs Debian's postfix
// (smtp-source, smtp-sink) and python3-aiosmtpd; run on demand, not by CTest.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

bool port_open(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

// Starts `argv` with its output to /dev/null; its pid.
pid_t spawn(const std::vector<std::string>& argv) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        std::freopen("/dev/null", "w", stdout);
        std::freopen("/dev/null", "w", stderr);
        ::execvp(args[0], args.data());
        std::_Exit(127);
    }
    return pid;
}

struct Target {
    std::string name;
    std::vector<std::string> argv;  // "{port}" is replaced
};

double run_load(int port, int messages, int sessions, int size, bool reuse) {
    std::vector<std::string> argv = {"smtp-source", "-s", std::to_string(sessions), "-m", std::to_string(messages),
                                     "-l", std::to_string(size), "-f", "alice@crepes.fr", "-t", "bob@hamburger.edu"};
    if (reuse) argv.push_back("-d");
    argv.push_back("127.0.0.1:" + std::to_string(port));
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = spawn(argv);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "bench_serve: smtp-source failed (status %d)\n", status);
        return 0;
    }
    return messages / s;
}

}  // namespace

int main(int argc, char** argv) {
    int messages = 20000, sessions = 20, size = 2048, rounds = 1;
    std::string mailsim = "build/mailsim";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const int v = std::atoi(argv[i + 1]);
        if (k == "--messages") messages = v;
        else if (k == "--sessions") sessions = v;
        else if (k == "--size") size = v;
        else if (k == "--rounds") rounds = v;
        else if (k == "--mailsim") mailsim = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: bench_serve [--messages N] [--sessions N] [--size BYTES] [--rounds N] [--mailsim PATH]\n");
            return 2;
        }
    }
    if (std::system("command -v smtp-source >/dev/null && command -v smtp-sink >/dev/null") != 0) {
        std::fprintf(stderr, "bench_serve: needs Postfix's smtp-source and smtp-sink: apt-get install postfix\n");
        return 1;
    }
    const std::vector<Target> targets = {
        {"mailsim serve (recording)", {mailsim, "serve", "--smtp", "{port}", "--no-tls", "--quiet", "--max-per-address", "10000"}},
        {"mailsim serve (no recording)",
         {mailsim, "serve", "--smtp", "{port}", "--no-tls", "--quiet", "--no-record", "--max-per-address", "10000"}},
        {"smtp-sink", {"smtp-sink", "-u", "nobody", "127.0.0.1:{port}", "1000"}},
        {"aiosmtpd", {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"}},
    };
    std::printf("smtp-source: %d messages of %d bytes, %d sessions, %d round(s)\n", messages, size, sessions, rounds);
    std::fflush(stdout);  // before the forks
    std::vector<std::vector<double>> rate(targets.size(), std::vector<double>(2, 0));
    for (int round = 0; round < rounds; ++round)
        for (size_t t = 0; t < targets.size(); ++t) {
            const int port = free_port();
            std::vector<std::string> a = targets[t].argv;
            for (auto& s : a)
                if (auto at = s.find("{port}"); at != std::string::npos) s.replace(at, 6, std::to_string(port));
            const pid_t pid = spawn(a);
            for (int i = 0; i < 200 && !port_open(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
            for (int reuse = 1; reuse >= 0; --reuse) {
                const double r = run_load(port, messages, sessions, size, reuse == 1);
                rate[t][reuse == 1 ? 0 : 1] += r / rounds;
                std::printf("  %-30s %-22s %10.0f messages/s\n", targets[t].name.c_str(),
                            reuse ? "reuse (-d)" : "a connection a message", r);
                std::fflush(stdout);
            }
            ::kill(pid, SIGTERM);
            ::waitpid(pid, nullptr, 0);
        }
    for (int mode = 0; mode < 2; ++mode) {
        const double sink = rate[2][mode], aio = rate[3][mode];
        std::printf("%s: recording %.2f × smtp-sink (target 0.7), %.2f × aiosmtpd (target 3); no recording %.2f × smtp-sink (target 1.0)\n",
                    mode == 0 ? "reuse" : "a connection a message", sink > 0 ? rate[0][mode] / sink : 0,
                    aio > 0 ? rate[0][mode] / aio : 0, sink > 0 ? rate[1][mode] / sink : 0);
    }
    return 0;
}
