// test_lesson.cpp — lesson files: steps resolved against the trace, and
// every mistake named by its JSON path; `mailsim lesson` plays one.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>

#include "scenario/lesson.hpp"

using namespace mailsim;

namespace {

std::string lesson_with_step(const std::string& step) {
    return R"({"title": {"en": "T", "zh": "课"}, "scenario": "default", "steps": [)" + step + "]}";
}

std::string lesson_error_of(const std::string& json_text) {
    auto l = scenario::parse_lesson(json_text, "l.json");
    REQUIRE_FALSE(l);
    return l.error().message();
}

}  // namespace

TEST_CASE("every lesson in lessons/ reads, and each step stops after its event", "[lesson]") {
    size_t lessons = 0;
    for (const auto& f : std::filesystem::directory_iterator(std::string(MAILSIM_SOURCE_DIR) + "/lessons")) {
        if (f.path().extension() != ".json") continue;
        INFO(f.path());
        auto l = scenario::load_lesson(f.path().string());
        if (!l) FAIL(l.error().message());
        ++lessons;
        CHECK_FALSE(l->title.en.empty());
        CHECK_FALSE(l->title.zh.empty());
        for (const auto& s : l->steps) {
            CHECK_FALSE(s.text.zh.empty());
            CHECK(s.cursor > 0);
        }
    }
    CHECK(lessons >= 1);
}

TEST_CASE("a step's event: the nth match of kind, verb, host and contained text", "[lesson]") {
    auto l = scenario::parse_lesson(lesson_with_step(R"(
        {"title": "a", "text": "b", "at": {"kind": "bytes", "verb": "550", "nth": 1}, "panel": "transcript"},
        {"title": "c", "text": "d", "at": {"kind": "bytes", "verb": "RCPT", "contains": "nobody", "nth": 2}},
        {"title": "e", "text": "f"})"),
                                    "l.json");
    REQUIRE(l);
    auto w = scenario::run_to_end(*scenario::parse_scenario(l->scenario_json));
    const Trace& t = w->trace();
    const Event e550 = t.at(l->steps[0].cursor - 1);
    CHECK(e550.verb == "550");
    const Event rcpt = t.at(l->steps[1].cursor - 1);
    CHECK(rcpt.verb == "RCPT");
    CHECK(rcpt.host == "mail.crepes.fr");  // the second RCPT for nobody: the relay's
    CHECK(l->steps[2].cursor == l->steps[1].cursor);  // no "at": stays
    CHECK(l->steps[0].title.in(text::Lang::zh) == "a");  // no Chinese given: English shown
}

TEST_CASE("bad lessons are refused with the place named", "[lesson]") {
    CHECK(lesson_error_of(lesson_with_step(R"({"title": "a", "text": "b", "at": {"verb": "999"}})")) ==
          "l.json: steps[0].at: no event of the scenario's trace matches {verb: \"999\"} (occurrence 1)");
    CHECK(lesson_error_of(lesson_with_step(R"({"title": "a", "text": "b", "at": {"verb": "550", "nth": 5}})"))
              .find("only 1 do") != std::string::npos);
    CHECK(lesson_error_of(lesson_with_step(R"({"title": "a", "text": "b", "panel": "transcrpt"})")) ==
          "l.json: steps[0].panel: no panel \"transcrpt\"; did you mean \"transcript\"?");
    CHECK(lesson_error_of(lesson_with_step(R"({"title": "a", "text": "b", "at": {"kind": "warp"}})")).find("steps[0].at.kind") !=
          std::string::npos);
    CHECK(lesson_error_of(lesson_with_step(R"({"title": "a"})")).find("steps[0]") != std::string::npos);
    CHECK(lesson_error_of(R"({"title": "T", "scenario": 7, "steps": []})").find("scenario") != std::string::npos);
    CHECK(lesson_error_of(R"({"title": "T", "scenario": "default", "steps": []})").find("at least one step") != std::string::npos);
    CHECK(lesson_error_of(R"({"title": "T", "scenario": {"servers": 3}, "steps": [{"title": "a", "text": "b"}]})")
              .find("servers") != std::string::npos);
    CHECK(lesson_error_of(R"({"title": "T", "scenario": "default", "steps": [)").find("byte") != std::string::npos);
}

TEST_CASE("mailsim lesson plays the first lesson in the terminal, in Chinese too", "[lesson]") {
    const std::string file = std::string(MAILSIM_SOURCE_DIR) + "/lessons/01-smtp-alice-to-bob.json";
    for (const char* lang : {"en", "zh"}) {
        std::string cmd = std::string(MAILSIM_CLI) + " lesson --no-color --lang " + lang + " " + file + " 2>&1";
        FILE* p = ::popen(cmd.c_str(), "r");
        REQUIRE(p);
        std::string out;
        char buf[4096];
        while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
        CHECK(::pclose(p) == 0);
        if (std::string(lang) == "en") {
            CHECK(out.find("── Step 1 of 18: Alice writes a message ──") != std::string::npos);
            CHECK(out.find("S: 550 5.1.1 <nobody@hamburger.edu>: No such user here") != std::string::npos);
        } else {
            CHECK(out.find("第 1 步（共 18 步）：Alice 写了一封邮件") != std::string::npos);
        }
    }
}
