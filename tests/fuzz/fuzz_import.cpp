// fuzz_import.cpp — the capture and log importers on arbitrary bytes: a
// trace of what could be read, or an error that says where; never a crash,
// a hang or a trace that does not save and load again.
//
// The first byte picks the way in: libpcap's reader on the bytes as a file
// (pcap, pcapng), the transcript-log reader, or frames handed straight to
// the packet importer (each a 2-byte length and that many bytes, of a link
// type the first byte also picks), so that the fuzzer reaches the TCP/IP
// decoding and the reassembly without first finding libpcap's framing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/trace_json.hpp"
#include "import/capture_import.hpp"
#include "import/transcript_log.hpp"

namespace {

void check(const mailsim::Trace& t) {
    const std::string json = mailsim::trace_to_json(t);
    auto back = mailsim::trace_from_json(json, "fuzz");
    if (!back) __builtin_trap();  // what the importer makes must load again
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 3) {
    case 0: {
        auto r = mailsim::import::import_capture("fuzz.pcap", {}, in);
        if (r) check(r->trace);
        break;
    }
    case 1: {
        auto r = mailsim::import::import_log(in, "fuzz.log");
        if (r) check(r->trace);
        break;
    }
    default: {
        static constexpr int kLinks[] = {1, 0, 12, 113, 276, 229};
        mailsim::Trace t;
        {
            mailsim::import::PacketImporter p(t);
            const int link = kLinks[(data[0] / 3) % 6];
            std::int64_t time = 1795338000000000;
            for (size_t at = 0; at + 2 <= in.size();) {
                const size_t n = static_cast<std::uint8_t>(in[at]) << 8 | static_cast<std::uint8_t>(in[at + 1]);
                at += 2;
                p.packet(time, link, in.substr(at, n));
                time += 1000;
                at += n;
            }
            p.finish();
        }
        check(t);
        break;
    }
    }
    return 0;
}
