// bench_relay.cpp — relays N messages end to end (user agent → sender's
// server → queue → receiver's server → mailbox) and prints transactions per
// second and peak memory, with trace recording off and on.
//
//   bench_relay [--messages N] [--mode off|on|both] [--repeat R] [--no-json]
//
// Each run is its own child process so that its peak memory (VmHWM) is its
// own. Each mode runs R times (default 5); with two or more, the median,
// best and worst rate of the runs that delivered every message are printed
// as well: on a shared virtual machine one run can be slowed by a
// neighbour, and the median of several is the figure to judge by. A "transaction" is one message carried all the way: two SMTP mail
// transactions (submission and relay), one queue pass, one store.
// Prints figures, not verdicts; run on demand, never by CTest.
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "agents/mail_server.hpp"
#include "agents/world.hpp"
#include "core/allocator.hpp"
#include "core/trace_json.hpp"

using namespace mailsim;

namespace {

long vm_kib(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
    return 0;
}

bool g_json = true;
double* g_rate = nullptr;  // shared with the parent: the child's transactions per second

int run(size_t n, bool record) {
    long rss_before = vm_kib("VmRSS:");
    agents::World w(1);
    w.trace().set_recording(record);
    agents::MailServerConfig crepes;
    crepes.host = "mail.crepes.fr";
    crepes.domain = "crepes.fr";
    crepes.users.push_back({"alice", "Alice", false, "", "", false, 0});
    crepes.queue.queue_run_delay = 60 * kSecond;
    crepes.smtp.recipient_limit = 100;
    agents::MailServerConfig hamburger;
    hamburger.host = "mail.hamburger.edu";
    hamburger.domain = "hamburger.edu";
    hamburger.users.push_back({"bob", "Bob", false, "", "", false, 0});
    w.add_server(crepes);
    w.add_server(hamburger);
    w.add_agent({"alice-pc", "alice@crepes.fr", "Alice", "mail.crepes.fr", 587, 60 * kSecond});
    for (size_t i = 0; i < n; ++i) {
        agents::OutgoingMail m;
        m.at = kSecond;
        m.agent = "alice-pc";
        m.to = {"bob@hamburger.edu"};
        m.subject = "Message " + std::to_string(i);
        m.body = "Do you like ketchup?\nHow about pickles?\n";
        w.schedule_mail(std::move(m));
    }
    auto t0 = std::chrono::steady_clock::now();
    w.run(30 * kDay);
    auto t1 = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(t1 - t0).count();
    size_t stored = w.server("mail.hamburger.edu")->mailboxes().of("bob").size();
    long peak = vm_kib("VmHWM:");
    if (g_rate) *g_rate = stored / secs;
    std::printf("recording %-3s  messages %zu  delivered %zu  wall %.3f s  %.0f transactions/s\n", record ? "on" : "off",
                n, stored, secs, stored / secs);
    std::printf("               peak RSS %.1f MiB (%.1f MiB above start)", peak / 1024.0, (peak - rss_before) / 1024.0);
    if (record && !g_json) std::printf("\n               trace: %zu events, %.1f MiB in memory\n", w.trace().size(), w.trace().memory_bytes() / 1048576.0);
    if (record && g_json) {
        size_t events = w.trace().size();
        auto t2 = std::chrono::steady_clock::now();
        std::string json = trace_to_json(w.trace());
        auto t3 = std::chrono::steady_clock::now();
        std::printf("\n               trace: %zu events, %.1f MiB in memory, %.1f MiB as JSON (written in %.2f s)\n", events,
                    w.trace().memory_bytes() / 1048576.0, json.size() / 1048576.0,
                    std::chrono::duration<double>(t3 - t2).count());
        // Peak memory of the run, before the JSON text existed, against the trace's size.
        std::printf("               run's peak above start / trace JSON size = %.2f\n",
                    (peak - rss_before) * 1024.0 / static_cast<double>(json.size()));
    } else if (!record) {
        std::printf("\n");
    }
    return stored == n ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    mailsim::configure_allocator();
    size_t n = 100000;
    int repeat = 5;
    std::string mode = "both";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--messages" && i + 1 < argc) n = std::stoul(argv[++i]);
        else if (a == "--mode" && i + 1 < argc) mode = argv[++i];
        else if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::stoi(argv[++i]));
        else if (a == "--no-json") g_json = false;
        else {
            std::fprintf(stderr, "usage: bench_relay [--messages N] [--mode off|on|both] [--repeat R] [--no-json]\n");
            return 2;
        }
    }
    g_rate = static_cast<double*>(::mmap(nullptr, sizeof(double), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    if (g_rate == MAP_FAILED) g_rate = nullptr;
    int status = 0;
    for (bool record : {false, true}) {
        if ((mode == "off" && record) || (mode == "on" && !record)) continue;
        std::vector<double> rates;
        for (int k = 0; k < repeat; ++k) {
            std::fflush(stdout);
            if (g_rate) *g_rate = 0;
            pid_t pid = ::fork();
            if (pid < 0) {
                std::perror("bench_relay: fork");
                return 1;
            }
            if (pid == 0) {
                int rc = run(n, record);
                std::fflush(stdout);
                _exit(rc);
            }
            int st = 0;
            pid_t got;
            while ((got = ::waitpid(pid, &st, 0)) < 0 && errno == EINTR) {
            }
            if (got != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) status = 1;
            else if (g_rate) rates.push_back(*g_rate);
        }
        if (static_cast<int>(rates.size()) < repeat)
            std::printf("recording %-3s  %d of %d runs failed\n", record ? "on" : "off", repeat - static_cast<int>(rates.size()), repeat);
        if (rates.size() > 1) {
            std::sort(rates.begin(), rates.end());
            double median = rates.size() % 2 ? rates[rates.size() / 2]
                                             : (rates[rates.size() / 2 - 1] + rates[rates.size() / 2]) / 2;
            std::printf("recording %-3s  %zu runs: median %.0f transactions/s, best %.0f, worst %.0f\n\n", record ? "on" : "off",
                        rates.size(), median, rates.back(), rates.front());
        }
    }
    return status;
}
