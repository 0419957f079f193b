// test_lesson.cpp — lesson files: steps resolved against the trace, and
// every mistake named by its JSON path; `mailsim lesson` plays one.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/trace_json.hpp"
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

namespace {

std::vector<std::string> lesson_files() {
    std::vector<std::string> files;
    for (const auto& f : std::filesystem::directory_iterator(std::string(MAILSIM_SOURCE_DIR) + "/lessons"))
        if (f.path().extension() == ".json") files.push_back(f.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::string run_cli(const std::string& args, int* status) {
    std::string out;
    FILE* p = ::popen((std::string(MAILSIM_CLI) + " " + args + " 2>&1").c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    *status = WEXITSTATUS(::pclose(p));
    return out;
}

// The answers in the order `mailsim lesson` asks them: a step's predictions first.
std::vector<std::string> teacher_answers(const scenario::Lesson& l) {
    std::vector<std::string> a;
    for (const auto& s : l.steps) {
        for (const auto& c : s.checkpoints)
            if (c.kind == scenario::CheckpointKind::predict) a.push_back(scenario::teacher_answer(c, l.trace()));
        for (const auto& c : s.checkpoints)
            if (c.kind != scenario::CheckpointKind::predict) a.push_back(scenario::teacher_answer(c, l.trace()));
    }
    return a;
}

std::string lesson_temp_file(const std::string& name, const std::string& content) {
    std::string path = (std::filesystem::temp_directory_path() / name).string();
    REQUIRE_FALSE(write_file_atomically(path, content));
    return path;
}

}  // namespace

TEST_CASE("every lesson in lessons/ passes `mailsim lesson check`, checkpoints and both languages included", "[lesson]") {
    auto files = lesson_files();
    REQUIRE(files.size() >= 3);
    size_t checkpoints = 0;
    std::string args = "lesson check";
    for (const auto& f : files) {
        INFO(f);
        auto text = read_file(f);
        REQUIRE(text);
        auto errors = scenario::check_lesson(*text, f);
        for (const auto& e : errors) FAIL_CHECK(e.message());
        auto l = scenario::load_lesson(f);
        REQUIRE(l);
        CHECK(scenario::checkpoint_count(*l) >= 5);
        checkpoints += scenario::checkpoint_count(*l);
        args += " " + f;
    }
    int status = 0;
    std::string out = run_cli(args, &status);
    INFO(out);
    CHECK(status == 0);
    CHECK(out.find(": good — ") != std::string::npos);
    CHECK(checkpoints >= 20);
}

TEST_CASE("each lesson, played with the teacher's answers, ends with full marks, and every kind is used", "[lesson]") {
    std::set<scenario::CheckpointKind> kinds;
    for (const auto& f : lesson_files()) {
        INFO(f);
        auto l = scenario::load_lesson(f);
        REQUIRE(l);
        // In the library: every teacher's answer is right, in either language.
        for (size_t i = 0; i < l->steps.size(); ++i)
            for (size_t k = 0; k < l->steps[i].checkpoints.size(); ++k) {
                const auto& c = l->steps[i].checkpoints[k];
                INFO("steps[" << i << "].checkpoints[" << k << "]");
                kinds.insert(c.kind);
                for (auto lang : {text::Lang::en, text::Lang::zh})
                    CHECK(scenario::grade(c, l->trace(), scenario::teacher_answer(c, l->trace()), lang).correct);
            }
        // At the terminal's prompt, answers on standard input, results saved.
        std::string answers;
        for (const auto& a : teacher_answers(*l)) answers += a + "\n";
        const std::string in = lesson_temp_file("mailsim-lesson-answers.txt", answers);
        const std::string results = (std::filesystem::temp_directory_path() / "mailsim-lesson-results.json").string();
        std::filesystem::remove(results);
        int status = 0;
        const std::string n = std::to_string(scenario::checkpoint_count(*l));
        std::string out = run_cli("lesson --no-color --lang zh " + f + " < " + in, &status);
        CHECK(status == 0);
        CHECK(out.find("得分：" + n + " 个问题中首次答对 " + n + " 个。") != std::string::npos);
        out = run_cli("lesson --no-color " + f + " --student Li --results " + results + " < " + in, &status);
        INFO(out);
        CHECK(status == 0);
        CHECK(out.find("Score: " + n + " of " + n + " checkpoints") != std::string::npos);
        CHECK(out.find("Not quite") == std::string::npos);
        auto saved = read_file(results);
        REQUIRE(saved);
        auto j = nlohmann::json::parse(*saved);
        CHECK(j["score"] == scenario::checkpoint_count(*l));
        CHECK(j["student"] == "Li");
        CHECK(j["answers"].size() == scenario::checkpoint_count(*l));
    }
    CHECK(kinds.size() == 4);  // choice, type, predict, click
}

TEST_CASE("a wrong answer in a lesson gets a hint naming the panel and the event, and the retry does not score", "[lesson]") {
    for (const auto& f : lesson_files()) {
        INFO(f);
        auto l = scenario::load_lesson(f);
        REQUIRE(l);
        auto answers = teacher_answers(*l);
        REQUIRE_FALSE(answers.empty());
        // The first question answered wrong, then right.
        answers.insert(answers.begin(), "no such answer");
        std::string text;
        for (const auto& a : answers) text += a + "\n";
        int status = 0;
        for (const char* lang : {"en", "zh"}) {
            std::string out = run_cli(std::string("lesson --no-color --lang ") + lang + " " + f + " < " +
                                          lesson_temp_file("mailsim-lesson-wrong.txt", text),
                                      &status);
            INFO(out);
            CHECK(status == 0);
            const std::string n = std::to_string(scenario::checkpoint_count(*l));
            if (std::string(lang) == "en") {
                CHECK((out.find("Not quite. Look at the ") != std::string::npos ||
                       out.find("That is not what happened. Look at the ") != std::string::npos));
                CHECK(out.find(" panel, event #") != std::string::npos);
                CHECK(out.find("Score: " + std::to_string(scenario::checkpoint_count(*l) - 1) + " of " + n) != std::string::npos);
            } else {
                CHECK(out.find("面板中的事件 #") != std::string::npos);
            }
        }
    }
    // In the library, the hint of a typed answer.
    auto l = scenario::load_lesson(std::string(MAILSIM_SOURCE_DIR) + "/lessons/01-smtp-alice-to-bob.json");
    REQUIRE(l);
    const auto& c354 = l->steps[5].checkpoints[0];
    CHECK(scenario::grade(c354, l->trace(), " 354 ", text::Lang::en).correct);
    auto g = scenario::grade(c354, l->trace(), "250", text::Lang::en);
    CHECK_FALSE(g.correct);
    // A choice is picked by its text before its number: "110" is the port, not the 110th choice.
    const auto& pop3_port = l->steps[16].checkpoints[0];
    CHECK(scenario::grade(pop3_port, l->trace(), "110", text::Lang::en).correct);
    CHECK(scenario::grade(pop3_port, l->trace(), "2", text::Lang::en).correct);
    CHECK(scenario::grade(pop3_port, l->trace(), "b", text::Lang::en).correct);
    CHECK_FALSE(scenario::grade(pop3_port, l->trace(), "1", text::Lang::en).correct);
    CHECK(g.feedback == "Not quite. Look at the Transcript panel, event #20 mail.crepes.fr → alice-pc: 354 End data with "
                        "<CR><LF>.<CR><LF>.");
}

TEST_CASE("at the end of input the lesson plays on without asking, and --teacher shows the answers", "[lesson]") {
    const std::string f = std::string(MAILSIM_SOURCE_DIR) + "/lessons/01-smtp-alice-to-bob.json";
    int status = 0;
    std::string out = run_cli("lesson --no-color " + f + " < /dev/null", &status);
    CHECK(status == 0);
    CHECK(out.find("(no answer: the input has ended)") != std::string::npos);
    CHECK(out.find("Score: 0 of ") != std::string::npos);
    CHECK(out.find("── Step 18 of 18") != std::string::npos);
    out = run_cli("lesson --no-color --teacher --lang zh " + f + " < /dev/null", &status);
    CHECK(status == 0);
    CHECK(out.find("答案：354") != std::string::npos);
    CHECK(out.find("答案：alice@crepes.fr") != std::string::npos);
}

TEST_CASE("lesson check names every mistake of a lesson by its path", "[lesson]") {
    const std::string bad = R"({"title": {"en": "T"}, "scenario": "default", "steps": [
        {"title": {"en": "a", "zh": "甲"}, "text": {"en": "b", "zh": "乙"}, "at": {"verb": "550"}, "panel": "transcript",
         "checkpoints": [
           {"kind": "choice", "question": {"en": "q", "zh": "问"}, "choices": ["250", "421"], "answer": {"fact": "verb"}},
           {"kind": "type", "question": {"en": "q", "zh": "问"}, "answer": {"fact": "verb", "at": {"verb": "221", "nth": 2}}},
           {"kind": "type", "question": {"en": "q", "zh": "问"}, "answer": {"fact": "vreb"}},
           {"kind": "predict", "question": {"en": "q", "zh": "问"}, "answer": {"fact": "verb", "at": {"verb": "221", "nth": 2}}},
           {"kind": "ask", "question": {"en": "q", "zh": "问"}},
           {"kind": "type", "question": {"en": "q"}, "answer": {"fact": "verb"}},
           {"kind": "choice", "question": {"en": "q", "zh": "问"}, "choices": ["2", "550"], "answer": {"fact": "verb"}}
         ]},
        {"title": {"en": "c", "zh": "丙"}, "text": {"en": "d", "zh": "丁"}, "at": {"verb": "999"}}]})";
    auto errors = scenario::check_lesson(bad, "bad.json");
    std::string all;
    for (const auto& e : errors) all += e.message() + "\n";
    INFO(all);
    CHECK(all.find("bad.json: steps[0].checkpoints[0].choices: the trace's answer \"550\"") != std::string::npos);
    CHECK(all.find("must be exactly one choice, but 0 are") != std::string::npos);
    CHECK(all.find("bad.json: steps[0].checkpoints[1].answer: the answer comes from #70") != std::string::npos);
    CHECK(all.find("the student cannot see it yet") != std::string::npos);
    CHECK(all.find("bad.json: steps[0].checkpoints[2].answer.fact: no fact \"vreb\"; did you mean \"verb\"?") != std::string::npos);
    CHECK(all.find("bad.json: steps[0].checkpoints[3].answer: a prediction is graded by an event the step reveals") !=
          std::string::npos);
    CHECK(all.find("bad.json: steps[0].checkpoints[4].kind: unknown checkpoint kind \"ask\"") != std::string::npos);
    CHECK(all.find("bad.json: steps[0].checkpoints[5].question: no Chinese text") != std::string::npos);
    CHECK(all.find("bad.json: steps[1].at: no event of the scenario's trace matches {verb: \"999\"}") != std::string::npos);
    CHECK(all.find("bad.json: title: no Chinese text") != std::string::npos);
    CHECK(all.find("bad.json: steps[0].checkpoints[6].choices[0]: \"2\" reads as the number of choice 2: ambiguous") !=
          std::string::npos);
    CHECK(errors.size() == 9);
    // The command says the same and fails.
    int status = 0;
    std::string out = run_cli("lesson check " + lesson_temp_file("mailsim-bad-lesson.json", bad), &status);
    CHECK(status == 1);
    CHECK(out.find("9 mistake(s)") != std::string::npos);
    CHECK(out.find("steps[0].checkpoints[2].answer.fact") != std::string::npos);
}

TEST_CASE("the worked example of lessons/README.md passes lesson check and plays to full marks", "[lesson]") {
    auto readme = read_file(std::string(MAILSIM_SOURCE_DIR) + "/lessons/README.md");
    REQUIRE(readme);
    size_t a = readme->find("## A worked example");
    REQUIRE(a != std::string::npos);
    size_t b = readme->find("```json\n", a);
    REQUIRE(b != std::string::npos);
    b += 8;
    size_t e = readme->find("```", b);
    const std::string example = readme->substr(b, e - b);
    auto errors = scenario::check_lesson(example, "example.json");
    for (const auto& err : errors) FAIL_CHECK(err.message());
    auto l = scenario::parse_lesson(example, "example.json");
    REQUIRE(l);
    REQUIRE(scenario::checkpoint_count(*l) == 2);
    for (const auto& c : l->steps[0].checkpoints)
        CHECK(scenario::grade(c, l->trace(), scenario::teacher_answer(c, l->trace()), text::Lang::en).correct);
    CHECK(scenario::teacher_answer(l->steps[0].checkpoints[0], l->trace()) == "452");
}

TEST_CASE("a lesson on a committed trace reads the trace beside the lesson file and runs nothing", "[lesson]") {
    const std::string dir = std::string(MAILSIM_SOURCE_DIR) + "/lessons/";
    auto l = scenario::load_lesson(dir + "08-real-smtp-server-and-tls.json");
    REQUIRE(l);
    CHECK_FALSE(l->world);
    REQUIRE(l->recorded);
    CHECK(l->scenario_json.empty());
    CHECK(std::filesystem::path(l->trace_file).lexically_normal() ==
          (std::filesystem::path(MAILSIM_SOURCE_DIR) / "traces/live-smtp-starttls-auth.json").lexically_normal());
    auto t = load_trace(l->trace_file);
    REQUIRE(t);
    REQUIRE(l->trace().size() == t->size());
    // Steps stop in the recording: step 3 after the TLS handshake, whose version a question asks.
    const auto& tls = l->steps[2];
    CHECK(l->trace().at(tls.cursor - 1).verb == "TLS");
    CHECK(scenario::teacher_answer(tls.checkpoints[1], l->trace()) == "TLSv1.3");
    CHECK(scenario::grade(tls.checkpoints[1], l->trace(), "tlsv1.3", text::Lang::en).correct);
    auto wrong = scenario::grade(tls.checkpoints[1], l->trace(), "TLSv1.2", text::Lang::zh);
    CHECK_FALSE(wrong.correct);
    CHECK(wrong.feedback.find("#6 mailsim: TLSv1.3") != std::string::npos);
}

TEST_CASE("lesson check names what is wrong with a lesson's trace", "[lesson]") {
    const std::string step =
        R"([{"title": {"en": "a", "zh": "甲"}, "text": {"en": "b", "zh": "乙"}, "at": {"verb": "220"}}])";
    auto errors_of = [&](const std::string& source) {
        const std::string text = R"({"title": {"en": "T", "zh": "课"}, )" + source + R"(, "steps": )" + step + "}";
        std::string all;
        for (const auto& e : scenario::check_lesson(text, (std::filesystem::temp_directory_path() / "t.json").string()))
            all += e.message() + "\n";
        return all;
    };
    CHECK(errors_of(R"("trace": "no-such-trace.json")").find("t.json: trace: ") != std::string::npos);
    CHECK(errors_of(R"("trace": "no-such-trace.json")").find("no-such-trace.json") != std::string::npos);
    CHECK(errors_of(R"("trace": "")").find("trace: expected a trace file's path") != std::string::npos);
    CHECK(errors_of(R"("scenario": "default", "trace": "x.json")").find("not both") != std::string::npos);
    CHECK(errors_of(R"("trace": "/dev/zero")").find("trace: /dev/zero is not a file") != std::string::npos);  // not read for ever
    CHECK(errors_of(R"("trace": "/")").find("trace: / is not a file") != std::string::npos);
    // A broken trace: the place in it is named.
    const std::string broken = lesson_temp_file("mailsim-broken-trace.json", "{\"format\":\"mailsim-trace\",\"version\":1,\"events\":[{\"seq\":0,");
    const std::string all = errors_of("\"trace\": \"" + broken + "\"");
    INFO(all);
    CHECK(all.find("mailsim-broken-trace.json") != std::string::npos);
    // A good trace given by its absolute path, a step that is not in it.
    const std::string good = std::string(MAILSIM_SOURCE_DIR) + "/traces/live-dovecot-pop3-stls.json";
    CHECK(errors_of("\"trace\": \"" + good + "\"").find("steps[0].at: no event") != std::string::npos);
}
