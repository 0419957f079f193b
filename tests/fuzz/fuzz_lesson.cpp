// fuzz_lesson.cpp — the lesson reader (and the JSON reader under every file
// reader) on arbitrary bytes: a located error or a lesson; never a crash,
// however deep the nesting (issue 17).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/json_input.hpp"
#include "scenario/lesson.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto j = mailsim::json_input::parse(in, "fuzz");
    if (!j && j.error().where.rfind("fuzz", 0) != 0) std::abort();  // every error names the file
    mailsim::scenario::looks_like_lesson(in);
    auto l = mailsim::scenario::parse_lesson(in, "fuzz");
    if (!l && l.error().message().empty()) std::abort();
    return 0;
}
