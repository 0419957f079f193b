// bench_serve.cpp — serve mode's SMTP throughput against Postfix's smtp-sink
// and aiosmtpd, all loaded by Postfix's smtp-source in the same run (issue 12).
//
//   bench_serve [--messages 20000] [--sessions 20] [--size 2048] [--rounds 1]
//               [--server-cpu N --load-cpu M] [--load-processes N]
//
// Each server listens on a free 127.0.0.1 port; smtp-source sends
// --messages messages of --size bytes over --sessions parallel sessions,
// once with connection reuse (-d) and once with one connection a message.
// Prints messages/s for each and the ratios that issue 12 sets as targets:
// mailsim serve with the trace recording ≥ 0.7 × smtp-sink and ≥ 3 ×
// aiosmtpd; with recording off ≥ 1.0 × smtp-sink. Needs Debian's postfix
// (smtp-source, smtp-sink) and python3-aiosmtpd; run on demand, not by CTest.
//
// Beside messages/s it prints the CPU time each server and smtp-source
// spent a message (the server's from /proc/PID/stat, smtp-source's from
// wait4). On a small machine the load shares the CPUs with the server:
// when smtp-source's own time a message is close to the wall time a
// message, the load, not the server, sets the rate, and the CPU time is
// the figure that compares the servers. --server-cpu and --load-cpu pin
// every server to one CPU and smtp-source to another, the same for all.
// --load-processes N shares the same load (sessions and messages) among N
// smtp-source processes, so that on a machine where one smtp-source
// process is slower than the server the load can use every CPU.
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
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

// Starts `argv` with its output to /dev/null, `env` ("NAME=value") added
// to its environment, and on CPU `cpu` only when it is not -1; its pid.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env = {}, int cpu = -1) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
        if (cpu >= 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            if (::sched_setaffinity(0, sizeof set, &set) != 0) std::_Exit(126);
        }
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
    std::vector<std::string> env;   // added to its environment
};

// CPU seconds (user + system) that process `pid` has used so far; the
// bench stops when /proc cannot tell.
double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t close = stat.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) {
        std::fprintf(stderr, "bench_serve: cannot read /proc/%d/stat (the server ended?)\n", static_cast<int>(pid));
        std::exit(1);
    }
    std::vector<std::string> field;
    size_t at = close + 2;
    while (at < stat.size() && field.size() < 13) {
        size_t end = stat.find(' ', at);
        if (end == std::string::npos) end = stat.size();
        field.push_back(stat.substr(at, end - at));
        at = end + 1;
    }
    if (field.size() < 13) {  // fields 3.. after the name: utime is 14th, stime 15th
        std::fprintf(stderr, "bench_serve: /proc/%d/stat is short\n", static_cast<int>(pid));
        std::exit(1);
    }
    return (std::stod(field[11]) + std::stod(field[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct Run {
    double rate = 0;        // messages/s
    double load_cpu_s = 0;  // smtp-source's CPU seconds
};

// Runs the load: `processes` smtp-source processes at once, sharing out
// `messages` and `sessions` between them (the first ones take the
// remainders), each on CPU `cpu` when it is not -1. One process is the
// load as issue 12 gives it; more let the load use more than one CPU, so
// that a server, not smtp-source, sets the pace.
Run run_load(int port, int messages, int sessions, int size, bool reuse, int cpu, int processes) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<pid_t> pids;
    for (int p = 0; p < processes; ++p) {
        const int m = messages / processes + (p < messages % processes ? 1 : 0);
        const int s = sessions / processes + (p < sessions % processes ? 1 : 0);
        std::vector<std::string> argv = {"smtp-source", "-s", std::to_string(s), "-m", std::to_string(m),
                                         "-l", std::to_string(size), "-f", "alice@crepes.fr", "-t", "bob@hamburger.edu"};
        if (reuse) argv.push_back("-d");
        argv.push_back("127.0.0.1:" + std::to_string(port));
        pids.push_back(spawn(argv, {}, cpu));
    }
    const auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    double cpu_s = 0;
    bool failed = false;
    for (const pid_t pid : pids) {
        int status = 0;
        rusage use{};
        ::wait4(pid, &status, 0, &use);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            std::fprintf(stderr, "bench_serve: smtp-source failed (status %d)\n", status);
            failed = true;
        }
        cpu_s += secs(use.ru_utime) + secs(use.ru_stime);
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (failed) return {};
    return {messages / s, cpu_s};
}

}  // namespace

int main(int argc, char** argv) {
    int messages = 20000, sessions = 20, size = 2048, rounds = 1, server_cpu = -1, load_cpu = -1, processes = 1;
    std::string mailsim = "build/mailsim";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const int v = std::atoi(argv[i + 1]);
        if (k == "--messages") messages = v;
        else if (k == "--sessions") sessions = v;
        else if (k == "--size") size = v;
        else if (k == "--rounds") rounds = v;
        else if (k == "--server-cpu") server_cpu = v;
        else if (k == "--load-cpu") load_cpu = v;
        else if (k == "--load-processes") processes = v;
        else if (k == "--mailsim") mailsim = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: bench_serve [--messages N] [--sessions N] [--size BYTES] [--rounds N] [--mailsim PATH] "
                                 "[--server-cpu N --load-cpu M] [--load-processes N]\n");
            return 2;
        }
    }
    if (sessions < 1 || messages < 1 || rounds < 1 || size < 1) {
        std::fprintf(stderr, "bench_serve: --messages, --sessions, --rounds and --size must be at least 1\n");
        return 2;
    }
    if (processes < 1 || processes > std::min(sessions, messages)) {  // each process has a session and a message
        std::fprintf(stderr, "bench_serve: --load-processes must be from 1 to the smaller of --sessions and --messages (%d)\n",
                     std::min(sessions, messages));
        return 2;
    }
    if (std::system("command -v smtp-source >/dev/null && command -v smtp-sink >/dev/null") != 0) {
        std::fprintf(stderr, "bench_serve: needs Postfix's smtp-source and smtp-sink: apt-get install postfix\n");
        return 1;
    }
    // aiosmtpd gets PYTHONUNBUFFERED=1 whatever the caller's environment:
    // measured here, without it glibc's malloc maps, remaps and unmaps the
    // 256 KiB buffer of every read (strace: an mmap, mremap and munmap a
    // recv) and aiosmtpd runs at half its speed. The comparison is with
    // aiosmtpd at its faster.
    const std::vector<Target> targets = {
        {"mailsim serve (recording)", {mailsim, "serve", "--smtp", "{port}", "--no-tls", "--quiet", "--max-per-address", "10000"}, {}},
        {"mailsim serve (no recording)",
         {mailsim, "serve", "--smtp", "{port}", "--no-tls", "--quiet", "--no-record", "--max-per-address", "10000"}, {}},
        {"smtp-sink", {"smtp-sink", "-u", "nobody", "127.0.0.1:{port}", "1000"}, {}},
        {"aiosmtpd", {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"},
         {"PYTHONUNBUFFERED=1"}},
    };
    std::printf("smtp-source: %d messages of %d bytes, %d sessions, %d round(s), %ld CPU(s)", messages, size, sessions, rounds,
                ::sysconf(_SC_NPROCESSORS_ONLN));
    if (server_cpu >= 0) std::printf("; servers on CPU %d", server_cpu);
    if (load_cpu >= 0) std::printf("; smtp-source on CPU %d", load_cpu);
    if (processes > 1) std::printf("; the load shared by %d smtp-source processes", processes);
    std::printf("\n");
    std::fflush(stdout);  // before the forks
    // Averages over the rounds: [target][mode], mode 0 reuse, 1 a connection a message.
    struct Figures {
        double rate = 0, server_us = 0, load_us = 0;
    };
    std::vector<std::vector<Figures>> avg(targets.size(), std::vector<Figures>(2));
    for (int round = 0; round < rounds; ++round)
        for (size_t t = 0; t < targets.size(); ++t) {
            const int port = free_port();
            std::vector<std::string> a = targets[t].argv;
            for (auto& s : a)
                if (auto at = s.find("{port}"); at != std::string::npos) s.replace(at, 6, std::to_string(port));
            const pid_t pid = spawn(a, targets[t].env, server_cpu);
            for (int i = 0; i < 200 && !port_open(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
            for (int reuse = 1; reuse >= 0; --reuse) {
                const double cpu0 = cpu_seconds(pid);
                const Run r = run_load(port, messages, sessions, size, reuse == 1, load_cpu, processes);
                const double server_us = (cpu_seconds(pid) - cpu0) / messages * 1e6;
                const double load_us = r.load_cpu_s / messages * 1e6;
                Figures& f = avg[t][reuse == 1 ? 0 : 1];
                f.rate += r.rate / rounds;
                f.server_us += server_us / rounds;
                f.load_us += load_us / rounds;
                std::printf("  %-30s %-22s %8.0f messages/s  server %4.0f µs a message, smtp-source %4.0f µs\n",
                            targets[t].name.c_str(), reuse ? "reuse (-d)" : "a connection a message", r.rate, server_us, load_us);
                std::fflush(stdout);
            }
            ::kill(pid, SIGTERM);
            ::waitpid(pid, nullptr, 0);
        }
    const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0; };
    for (int mode = 0; mode < 2; ++mode) {
        const Figures &rec = avg[0][mode], &norec = avg[1][mode], &sink = avg[2][mode], &aio = avg[3][mode];
        std::printf("%s:\n", mode == 0 ? "reuse" : "a connection a message");
        std::printf("  messages/s: recording %.2f × smtp-sink (target 0.7), %.2f × aiosmtpd (target 3); "
                    "no recording %.2f × smtp-sink (target 1.0); smtp-sink %.2f × aiosmtpd\n",
                    ratio(rec.rate, sink.rate), ratio(rec.rate, aio.rate), ratio(norec.rate, sink.rate), ratio(sink.rate, aio.rate));
        std::printf("  server CPU a message: recording %.0f µs, no recording %.0f µs, smtp-sink %.0f µs, aiosmtpd %.0f µs "
                    "(aiosmtpd ÷ recording %.2f, smtp-sink ÷ recording %.2f, smtp-sink ÷ no recording %.2f)\n",
                    rec.server_us, norec.server_us, sink.server_us, aio.server_us, ratio(aio.server_us, rec.server_us),
                    ratio(sink.server_us, rec.server_us), ratio(sink.server_us, norec.server_us));
        std::printf("  smtp-source's own CPU a message: %.0f µs against mailsim (recording), %.0f µs against smtp-sink; "
                    "wall time a message %.0f µs and %.0f µs\n",
                    rec.load_us, sink.load_us, ratio(1e6, rec.rate), ratio(1e6, sink.rate));
    }
    return 0;
}
