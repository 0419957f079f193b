// test_cli_exit.cpp — the `mailsim` command as a class meets it (issue 16,
// point 4): exit status 0 done, 1 bad input, 2 bad usage for every
// subcommand (never CLI11's 105-109); `run LESSON` runs the lesson's
// scenario; Chinese narration never breaks inside an English word; each
// step's narration comes before the events of its own step.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

namespace cli_exit_test {

struct Ran {
    int status = -1;
    std::string out;
};

Ran mailsim(const std::string& args, const std::string& input = "") {
    Ran r;
    const std::string cmd = "cd " + std::string(MAILSIM_SOURCE_DIR) + " && " +
                            (input.empty() ? std::string() : "printf '" + input + "' | ") + MAILSIM_CLI + " " + args +
                            (input.empty() ? " </dev/null" : "") + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    for (size_t a = 0, b; a < s.size(); a = b + 1) {
        b = s.find('\n', a);
        if (b == std::string::npos) b = s.size();
        out.push_back(s.substr(a, b - a));
    }
    return out;
}

std::string file(const std::string& path) {
    std::string out;
    FILE* f = std::fopen((std::string(MAILSIM_SOURCE_DIR) + "/" + path).c_str(), "rb");
    REQUIRE(f);
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
    std::fclose(f);
    return out;
}

bool ascii_word_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace cli_exit_test

TEST_CASE("every subcommand exits 0 when done, 1 on bad input, 2 on bad usage") {
    using cli_exit_test::mailsim;
    // 0: done, help and version included.
    for (const auto& ok : {"--help", "--version", "run --help", "run --quiet", "replay traces/default.json",
                           "explain 550", "encode base64 hi", "decode base64 aGk=", "lesson --help", "connect --help"})
        CHECK(mailsim(ok).status == 0);
    // 2: bad usage, whatever CLI11 calls it.
    for (const auto& usage : {"", "nonsense", "run --no-such-option", "run --seed", "run --seed x", "replay",
                              "explain", "explain 550 --protocol gopher", "encode", "encode rot13 hi",
                              "mime", "lesson", "lesson check", "connect", "connect smtp://x --timeout 0",
                              "run --until soon", "run a.json b.json"}) {
        INFO("mailsim " << usage);
        CHECK(mailsim(usage).status == 2);
    }
    // 1: bad input, the file named.
    for (const auto& input : {"run no-such.json", "replay no-such.json", "mime no-such.eml", "lesson no-such.json",
                              "lesson check no-such.json", "encode base64 --file no-such.txt", "replay lessons",
                              "explain 999", "run README.md"}) {
        INFO("mailsim " << input);
        const auto r = mailsim(input);
        CHECK(r.status == 1);
        if (std::string(input).find("no-such") != std::string::npos) CHECK(r.out.find("no-such") != std::string::npos);
    }
}

TEST_CASE("mailsim run LESSON runs the lesson's scenario and says where its steps are played") {
    const auto r = cli_exit_test::mailsim("run --no-color lessons/04-smtp-reply-codes.json");
    CHECK(r.status == 0);
    CHECK(r.out.find("is a lesson: this runs its scenario; `mailsim lesson lessons/04-smtp-reply-codes.json`") !=
          std::string::npos);
    CHECK(r.out.find("S: 452") != std::string::npos);  // the lesson's own scenario, not the default
    CHECK(r.out.find("Summary:") != std::string::npos);
    const auto zh = cli_exit_test::mailsim("run --no-color --lang zh lessons/01-smtp-alice-to-bob.json --quiet");
    CHECK(zh.status == 0);
    CHECK(zh.out.find("是一节课") != std::string::npos);
}

TEST_CASE("Chinese narration wraps between characters, never inside an English word") {
    for (const char* lesson : {"lessons/01-smtp-alice-to-bob.json", "lessons/02-mime-parts-and-encodings.json",
                               "lessons/03-reading-mail-pop3-imap-http.json"}) {
        const auto r = cli_exit_test::mailsim(std::string("lesson --no-color --teacher --lang zh ") + lesson);
        REQUIRE(r.status == 0);
        const auto ls = cli_exit_test::lines(r.out);
        const std::string source = cli_exit_test::file(lesson);
        size_t narration = 0;
        for (size_t i = 0; i + 1 < ls.size(); ++i) {
            // Two narration lines in a row (indented two spaces, not an answer or a panel line).
            const std::string& a = ls[i];
            const std::string& b = ls[i + 1];
            if (a.size() < 3 || b.size() < 3 || a.rfind("  ", 0) != 0 || b.rfind("  ", 0) != 0 || a[2] == ' ' || b[2] == ' ')
                continue;
            ++narration;
            if (!cli_exit_test::ascii_word_char(a.back()) || !cli_exit_test::ascii_word_char(b[2])) continue;
            // Two ASCII words met at the break: fine where the lesson has a space between them.
            size_t x = a.size();
            while (x > 0 && cli_exit_test::ascii_word_char(a[x - 1])) --x;
            size_t y = 2;
            while (y < b.size() && cli_exit_test::ascii_word_char(b[y])) ++y;
            const std::string tail = a.substr(x), head = b.substr(2, y - 2);
            INFO(lesson << ":\n" << a << "\n" << b);
            CHECK(source.find(tail + " " + head) != std::string::npos);
        }
        CHECK(narration > 20);
    }
}

TEST_CASE("a lesson step's narration comes before its own events, and --pause waits between steps") {
    const auto r = cli_exit_test::mailsim("lesson --no-color --teacher --pause lessons/01-smtp-alice-to-bob.json",
                                          "\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n");
    REQUIRE(r.status == 0);
    // Step 3 says the server greets with 220, and the 220 is among its own events, before step 4 begins.
    const size_t step3 = r.out.find("── Step 3 of 18");
    const size_t narration = r.out.find("the server greets with reply code 220", step3);
    const size_t greeting = r.out.find("S: 220 mail.crepes.fr", step3);
    const size_t step4 = r.out.find("── Step 4 of 18");
    REQUIRE(step3 != std::string::npos);
    REQUIRE(greeting != std::string::npos);
    CHECK(step3 < narration);
    CHECK(narration < greeting);
    CHECK(greeting < step4);
    // The pause prompt sits between the steps, after the step's events.
    const size_t pause = r.out.find("Press Enter for the next step", greeting);
    CHECK(pause < step4);
}

TEST_CASE("Chinese output translates the events' own texts too, not only their labels") {
    const auto en = cli_exit_test::mailsim("run --no-color --until 31s");
    const auto zh = cli_exit_test::mailsim("run --no-color --until 31s --lang zh");
    REQUIRE(en.status == 0);
    REQUIRE(zh.status == 0);
    CHECK(en.out.find("alice@crepes.fr writes \"Do you like ketchup?\"") != std::string::npos);
    CHECK(zh.out.find("alice@crepes.fr 写了一封邮件「Do you like ketchup?」") != std::string::npos);
    CHECK(zh.out.find(" writes ") == std::string::npos);
    CHECK(zh.out.find("waits for the next queue scan") == std::string::npos);
    CHECK(zh.out.find("等待下一次队列扫描") != std::string::npos);
    CHECK(zh.out.find("存入 bob 的邮箱") != std::string::npos);
    CHECK(zh.out.find("给 <alice@crepes.fr> 的未投递报告") != std::string::npos);
}
