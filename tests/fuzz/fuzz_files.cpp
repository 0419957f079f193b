// fuzz_files.cpp — the scenario and trace readers on arbitrary bytes: an
// error that names a place, or a value; never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/trace_json.hpp"
#include "scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto s = mailsim::scenario::parse_scenario(in, "fuzz");
    if (s && s->mails.size() < 20 && s->servers.size() < 8) {
        auto w = mailsim::scenario::build_world(*s, true);
        w->run(10 * mailsim::kMinute);
    }
    auto t = mailsim::trace_from_json(in, "fuzz");
    if (t) mailsim::trace_to_json(*t);
    return 0;
}
