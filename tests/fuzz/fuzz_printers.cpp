// fuzz_printers.cpp — the printers on arbitrary bytes: the MIME report of
// `mailsim mime` (text and streamed JSON), the trace JSON writer and the
// terminal transcript. The JSON parses and reads back the same; nothing a
// terminal would act on (C0, DEL, C1 controls) gets through uncoloured.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "core/json_text.hpp"
#include "core/trace_json.hpp"
#include "message/mime.hpp"
#include "view/mime_report.hpp"
#include "view/transcript.hpp"

using namespace mailsim;

namespace {

bool terminal_safe(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) return false;
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(s[i + 1]) < 0xA0)
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto m = message::parse(std::string(in));
    std::string text, json;
    view::mime_report(m, false, text::Lang::en, [&](std::string_view s) { text += s; });
    if (!terminal_safe(text)) std::abort();
    view::mime_report(m, true, text::Lang::zh, [&](std::string_view s) { json += s; });
    const auto j = nlohmann::json::parse(json, nullptr, false);
    if (j.is_discarded()) std::abort();
    if (json.size() < (64 << 10) && j.dump(2) + "\n" != json) std::abort();  // nlohmann's layout, byte for byte

    // The JSON string writer under every trace and detail: it reads back as
    // the input when that is UTF-8 (else with U+FFFD in place, as nlohmann writes).
    std::string quoted;
    append_json_string(quoted, in);
    const auto q = nlohmann::json::parse(quoted, nullptr, false);
    if (!q.is_string()) std::abort();
    if (q.get<std::string>() != in && nlohmann::json(std::string(in)).dump(-1, ' ', false,
                                                                          nlohmann::json::error_handler_t::replace) != quoted)
        std::abort();

    Event e;
    e.kind = EventKind::note;
    e.host = in.substr(0, size / 3);
    e.args = in.substr(size / 3);
    view::TranscriptOptions o;
    if (!terminal_safe(view::format_event(e, o))) std::abort();
    Event b = e;
    b.kind = EventKind::bytes;
    b.dir = Direction::to_client;
    b.bytes = in;
    b.verb = in.substr(0, 3);
    if (!terminal_safe(view::format_event(b, o))) std::abort();
    // A whole trace now and then: each Trace maps fresh 2 MiB pages
    // (core/trace.hpp), which costs far more than the rest of a run.
    if (size % 16 == 0) {
        Trace t;
        t.source.name = std::string(in.substr(0, 16));
        t.append(e);
        t.append(b);
        auto back = trace_from_json(trace_to_json(t), "fuzz");
        if (!back || back->size() != 2 || back->at(1).bytes != in) std::abort();
    }
    return 0;
}
