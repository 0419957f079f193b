// fuzz_mime.cpp — the MIME parser and leaf decoding on arbitrary bytes:
// never a crash, every offset inside the message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "message/mime.hpp"

namespace {
void walk(const mailsim::message::Message& m, const mailsim::message::Part& p) {
    if (p.span.end > m.raw.size() || p.body_span.begin > p.body_span.end) std::abort();
    std::vector<mailsim::message::Damage> d;
    if (p.children.empty()) mailsim::message::decoded_body(m, p, &d);
    for (const auto& c : p.children) walk(m, *c);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto m = mailsim::message::parse(std::string(reinterpret_cast<const char*>(data), size));
    walk(m, *m.root);
    for (const auto& d : m.damage)
        if (d.offset > m.raw.size()) std::abort();
    return 0;
}
