// test_serve.cpp — real clients against `mailsim serve` (issue 12), on
// 127.0.0.1 only. The clients are Debian's: Python's smtplib, poplib,
// imaplib and urllib, and curl; tests/serve/interop.py drives them and
// prints a line a check, which a failure shows here.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "support.hpp"

namespace {

// Runs interop.py's part `what` in a fresh folder; its output and exit status.
std::pair<int, std::string> interop(const std::string& what) {
    char dir[] = "/tmp/mailsim-serve-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    const std::string cmd = std::string("/usr/bin/python3 ") + MAILSIM_SOURCE_DIR + "/tests/serve/interop.py " + MAILSIM_CLI +
                            " " + dir + " " + what + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int status = ::pclose(p);
    std::system((std::string("rm -rf ") + dir).c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST_CASE("serve: smtplib, curl, poplib, imaplib and the webmail get a Chinese-named attachment back byte-identical",
          "[serve][interop]") {
    auto [code, out] = interop("clients");
    INFO(out);
    CHECK(code == 0);
    CHECK(out.find("all checks passed") != std::string::npos);
}

TEST_CASE("serve: every limit broken by a peer, and a good session after each completes", "[serve][limits]") {
    auto [code, out] = interop("limits");
    INFO(out);
    CHECK(code == 0);
    CHECK(out.find("all checks passed") != std::string::npos);
}

TEST_CASE("serve: 500 clients at once with a slow one and an unended line, no message lost", "[serve][load]") {
    auto [code, out] = interop("load");
    INFO(out);
    CHECK(code == 0);
    CHECK(out.find("all checks passed") != std::string::npos);
}

TEST_CASE("serve says at the start which faults and reply overrides of the scenario real clients will meet", "[serve]") {
    int status = -1;
    std::string out = test::run_command(std::string(MAILSIM_CLI) + " serve --smtp 0 --no-tls --seconds 0.2 2>&1", &status);
    CHECK(status == 0);
    CHECK(out.find("  fault from the scenario: greeting-421 from 45 s to 75 s\n") != std::string::npos);
    CHECK(out.find("reply override: smtp CONNECT") == std::string::npos);  // (the fault's own rule, said once)
    // A teacher's 550 on RCPT, from a scenario file.
    char path[] = "/tmp/mailsim-serve-scenario-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    out = test::run_command(std::string(MAILSIM_CLI) + " run --print-scenario | /usr/bin/python3 -c 'import json,sys; "
                            "s=json.load(sys.stdin); s[\"faults\"]=[]; s.setdefault(\"overrides\",[]).append({\"server\":"
                            "\"mail.hamburger.edu\",\"command\":\"RCPT\",\"match\":\"alice\",\"reply\":\"550 5.1.1 no\","
                            "\"times\":2}); json.dump(s,open(\"" + std::string(path) + "\",\"w\"))'", &status);
    REQUIRE(status == 0);
    out = test::run_command(std::string(MAILSIM_CLI) + " serve " + path + " --smtp 0 --no-tls --seconds 0.2 2>&1", &status);
    ::unlink(path);
    CHECK(status == 0);
    CHECK(out.find("  reply override: smtp RCPT matching \"alice\" → 550 5.1.1 no (2 times)\n") != std::string::npos);
    CHECK(out.find("fault from the scenario") == std::string::npos);
}
