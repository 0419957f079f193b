// test_determinism.cpp — same scenario and seed, same trace bytes; a saved
// trace replays to the same transcript; the CLI behaves.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "agents/user_agent.hpp"
#include "support.hpp"
#include "view/transcript.hpp"

using namespace mailsim;

namespace {

struct CommandResult {
    int status = -1;
    std::string out;
};

CommandResult sh(const std::string& cmd) {
    CommandResult r;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string cli() { return MAILSIM_CLI; }

std::string tmp(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("mailsim-test-" + name)).string();
}

}  // namespace

TEST_CASE("the same scenario twice gives byte-identical traces") {
    auto a = test::run_scenario(scenario::default_scenario_json());
    auto b = test::run_scenario(scenario::default_scenario_json());
    REQUIRE(trace_to_json(a->trace()) == trace_to_json(b->trace()));
    REQUIRE(a->trace().size() > 100);
}

TEST_CASE("another seed changes ids, not the story") {
    auto s = scenario::parse_scenario(scenario::default_scenario_json());
    auto a = scenario::build_world(*s);
    a->run(30 * kDay);
    s->seed = 99;
    auto b = scenario::build_world(*s);
    b->run(30 * kDay);
    REQUIRE(trace_to_json(a->trace()) != trace_to_json(b->trace()));
    REQUIRE(a->trace().size() == b->trace().size());
}

TEST_CASE("the default scenario tells its story: delivered, bounced, retried") {
    auto w = test::run_scenario(scenario::default_scenario_json());
    auto o = view::summarize(w->trace());
    REQUIRE(o.delivered == 5);  // mail 1 to bob, the bounce to alice, mail 2, the slides, the room change
    REQUIRE(o.bounces == 1);
    REQUIRE(o.deferrals == 1);
    REQUIRE(o.still_queued == 0);
    // bob-pc pulled the first two with POP3 in download-and-delete mode
    REQUIRE(w->agent("bob-pc")->inbox().size() == 2);
    // the laptop read the other two's text parts with IMAP, the browser both pages,
    // the phone both whole, then filed them away: INBOX is empty, the folder holds them
    REQUIRE(w->agent("bob-laptop")->inbox().size() == 2);
    REQUIRE(w->agent("bob-browser")->pages().size() == 2);
    REQUIRE(w->agent("bob-phone")->inbox().size() == 2);
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().of("bob").empty());
    REQUIRE(w->server("mail.hamburger.edu")->mailboxes().folders("bob").folder("INBOX/Courses/Networks")->messages.size() == 2);
    REQUIRE(w->server("mail.crepes.fr")->mailboxes().of("alice").size() == 1);
    REQUIRE(!test::replies_with(w->trace(), "421").empty());
    REQUIRE(!test::replies_with(w->trace(), "550").empty());
}

TEST_CASE("mailsim run writes the same trace twice, and replay prints what run printed") {
    std::string t1 = tmp("run1.json"), t2 = tmp("run2.json");
    auto r1 = sh(cli() + " run --no-color --trace " + t1);
    auto r2 = sh(cli() + " run --no-color --trace " + t2);
    REQUIRE(r1.status == 0);
    REQUIRE(r2.status == 0);
    auto a = read_file(t1), b = read_file(t2);
    REQUIRE(a);
    REQUIRE(*a == *b);
    auto rp = sh(cli() + " replay --no-color " + t1);
    REQUIRE(rp.status == 0);
    // run adds one last line: where the trace was saved.
    std::string run_out = r1.out.substr(0, r1.out.rfind("Trace saved"));
    REQUIRE(rp.out == run_out);
    REQUIRE(run_out.find("S: 250 2.0.0 Ok: queued as") != std::string::npos);
    REQUIRE(run_out.find("C: RCPT TO:<nobody@hamburger.edu>") != std::string::npos);
    std::filesystem::remove(t1);
    std::filesystem::remove(t2);
}

TEST_CASE("mailsim run prints a readable transcript in Chinese too") {
    auto r = sh(cli() + " run --no-color --lang zh --quiet");
    REQUIRE(r.status == 0);
    REQUIRE(r.out.find("小结") != std::string::npos);
}

TEST_CASE("mailsim run --until stops on the virtual clock") {
    auto r = sh(cli() + " run --no-color --until 35s");
    REQUIRE(r.status == 0);
    REQUIRE(r.out.find("   45.") == std::string::npos);
    REQUIRE(r.out.find("queue scan") != std::string::npos);
}

TEST_CASE("mailsim run names the broken place of a bad scenario and exits 1") {
    std::string f = tmp("bad.json");
    {
        FILE* fp = std::fopen(f.c_str(), "w");
        std::fputs(R"({"servers": [], "mails": [ {"from": "x"} ]})", fp);
        std::fclose(fp);
    }
    auto r = sh(cli() + " run " + f);
    REQUIRE(r.status == 1);
    REQUIRE(r.out.find("mails[0].from: expected an address") != std::string::npos);
    std::filesystem::remove(f);
}

TEST_CASE("mailsim replay of a broken trace says where, exits 1, prints no transcript") {
    std::string f = tmp("broken-trace.json");
    {
        FILE* fp = std::fopen(f.c_str(), "w");
        std::fputs("{\"format\":\"mailsim-trace\",\"version\":1,\"events\":[{\"seq\":0,\"t\":0,\"kind\":\"bytes\"", fp);
        std::fclose(fp);
    }
    auto r = sh(cli() + " replay " + f);
    REQUIRE(r.status == 1);
    REQUIRE(r.out.find("byte ") != std::string::npos);
    REQUIRE(r.out.find("C:") == std::string::npos);
    std::filesystem::remove(f);
}

TEST_CASE("mailsim explain prints catalog entries in English and Chinese") {
    auto e = sh(cli() + " explain 550 --no-color");
    REQUIRE(e.status == 0);
    REQUIRE(e.out.find("550") == 0);
    REQUIRE(e.out.find("RFC 821") != std::string::npos);
    auto z = sh(cli() + " explain RCPT --lang zh --no-color");
    REQUIRE(z.status == 0);
    REQUIRE(z.out.find("RCPT TO") != std::string::npos);
    REQUIRE(z.out.find("语法") != std::string::npos);
    auto x = sh(cli() + " explain 5.1.1 --no-color");
    REQUIRE(x.status == 0);
    auto u = sh(cli() + " explain 999");
    REQUIRE(u.status == 1);
    auto s = sh(cli() + " explain settings --no-color");
    REQUIRE(s.out.find("queue_run_delay") != std::string::npos);
}

TEST_CASE("every subcommand has --help") {
    for (std::string sub : {"", " run", " replay", " explain"}) {
        auto r = sh(cli() + sub + " --help");
        INFO(sub);
        REQUIRE(r.status == 0);
        REQUIRE(r.out.find("Usage") != std::string::npos);
    }
}
