// cmd_import.cpp — `mailsim import FILE [--trace OUT.json]`: a capture
// (pcap, pcapng) or a transcript log (swaks, curl -v) becomes a trace,
// printed as `mailsim run` prints one. What the file is comes from its
// bytes, never its name.
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/trace_json.hpp"
#include "import/import_file.hpp"
#include "view/transcript.hpp"

namespace mailsim::cli {

int cmd_import(const ImportOptions& o, const CommonOptions& c) {
    view::TranscriptOptions to;
    to.lang = text::parse_lang(c.lang).value_or(text::Lang::en);
    to.color = c.color;
    to.states = c.states;
    auto got = import::import_file(o.file);
    if (!got) {
        std::fprintf(stderr, "mailsim: %s\n", got.error().message().c_str());
        return 1;
    }
    import::ImportResult& r = *got;
    const Trace& t = r.trace;
    std::string hosts;
    for (const auto& h : t.hosts) hosts += (hosts.empty() ? "" : ", ") + view::visible(h.name) + " (" + h.role + ")";
    out(text::get(to.lang, "cli.import.header", {{"name", view::visible(t.source.name)}, {"format", r.format}, {"hosts", hosts}}) + "\n");
    std::string text;
    for (size_t i = 0; i < t.size(); ++i) {
        text += view::format_event(t.at(i), to);
        if (text.size() > 1 << 16) {
            out(text);
            text.clear();
        }
    }
    out(text);
    const auto& s = r.stats;
    if (r.format == "pcap" || r.format == "pcapng")
        out(text::get(to.lang, "cli.import.summary",
                      {{"packets", std::to_string(s.packets)},
                       {"connections", std::to_string(s.connections)},
                       {"shown", std::to_string(s.mail_connections)},
                       {"retransmitted", std::to_string(s.retransmitted_bytes)},
                       {"gaps", std::to_string(s.gaps)},
                       {"missing", std::to_string(s.gap_bytes)}}) +
            "\n");
    if (!r.stopped.empty())
        out(text::get(to.lang, "cli.import.stopped", {{"offset", std::to_string(r.stopped_at)}, {"reason", view::visible(r.stopped)}}) +
            "\n");
    if (!o.trace_out.empty()) {
        if (auto err = save_trace(t, o.trace_out)) {
            std::fprintf(stderr, "mailsim: %s\n", err->message().c_str());
            return 1;
        }
        out(text::get(to.lang, "cli.trace_saved", {{"path", o.trace_out}, {"events", std::to_string(t.size())}}) + "\n");
    }
    // A file cut short still gives its trace, and says so in the exit status.
    return r.stopped.empty() ? 0 : 1;
}

}  // namespace mailsim::cli
