// bench_mime.cpp — peak memory of `mailsim mime` on a hostile message: a
// multipart body of nothing but empty parts ("--b" lines), the input that
// once cost 575 bytes of memory per byte (issue 17).
//
//   bench_mime [--mb N] [--mailsim PATH]
//
// Writes an N MB message (default 15) to a temporary file, runs `mailsim
// mime FILE` and `mailsim mime --json FILE` each as a child process with
// stdout to /dev/null, and prints each one's peak resident memory (the
// child's ru_maxrss) and its ratio to the input size. Prints figures, not
// verdicts; run on demand, never by CTest.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

std::string sibling_mailsim() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("mailsim") : (self.parent_path() / "mailsim").string();
}

struct Run {
    bool ok = false;
    long peak_kib = 0;
    double seconds = 0;
};

Run run(const std::string& mailsim, const std::vector<std::string>& args) {
    Run r;
    const auto start = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("fork");
        return r;
    }
    if (pid == 0) {
        int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) ::dup2(null, 1);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(mailsim.c_str()));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(mailsim.c_str(), argv.data());
        std::perror("execv");
        ::_exit(127);
    }
    int status = 0;
    struct rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0)
        if (errno != EINTR) return r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    r.peak_kib = usage.ru_maxrss;
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    double mb = 15;
    std::string mailsim = sibling_mailsim();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--mb" && i + 1 < argc) mb = std::atof(argv[++i]);
        else if (a == "--mailsim" && i + 1 < argc) mailsim = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench_mime [--mb N] [--mailsim PATH]\n");
            return 2;
        }
    }
    const size_t size = static_cast<size_t>(mb * 1e6);
    std::string msg = "From: a@b.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n";
    while (msg.size() + 12 < size) msg += "--b\r\n";
    msg += "--b--\r\n";
    const std::string file = (std::filesystem::temp_directory_path() / "mailsim-bench-mime.eml").string();
    std::ofstream(file, std::ios::binary) << msg;
    const double in_mb = static_cast<double>(msg.size()) / 1e6;
    std::printf("input: %.1f MB, %zu empty parts (%s)\n", in_mb, (msg.size() - 90) / 5, file.c_str());
    for (bool json : {false, true}) {
        std::vector<std::string> args = {"mime"};
        if (json) args.push_back("--json");
        args.push_back(file);
        Run r = run(mailsim, args);
        const double peak_mb = static_cast<double>(r.peak_kib) * 1024 / 1e6;
        std::printf("mailsim mime%-7s %s  peak %.1f MB (%.2f bytes a byte of input)  %.2f s\n", json ? " --json" : "",
                    r.ok ? "ok    " : "FAILED", peak_mb, peak_mb / in_mb, r.seconds);
    }
    std::filesystem::remove(file);
    return 0;
}
