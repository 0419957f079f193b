// cmd_serve.cpp — `mailsim serve [SCENARIO]`: the scenario's mail server on
// real ports for real clients, each exchange printed as it happens and the
// whole saved as a trace when serving ends (Ctrl-C, SIGTERM or --seconds).
#include <csignal>
#include <cstdio>
#include <limits>

#include <fmt/format.h>

#include "agents/mail_server.hpp"
#include "cli/commands.hpp"
#include "core/trace_json.hpp"
#include "live/serve.hpp"
#include "scenario/scenario.hpp"
#include "view/transcript.hpp"

namespace mailsim::cli {

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

bool loopback(const std::string& a) { return a.starts_with("127.") || a == "::1" || a == "localhost"; }

}  // namespace

int cmd_serve(const ServeOptions& o, const CommonOptions& c) {
    auto parsed = o.scenario.empty() ? scenario::parse_scenario(scenario::default_scenario_json(), "default scenario")
                                     : scenario::load_scenario(o.scenario);
    if (!parsed) {
        std::fprintf(stderr, "mailsim: %s\n", parsed.error().message().c_str());
        return 1;
    }
    live::ServeOptions so;
    so.bind = o.bind == "localhost" ? "127.0.0.1" : o.bind;
    so.server = o.server;
    so.tls = !o.no_tls;
    so.cert_file = o.cert;
    so.key_file = o.key;
    if (o.cert.empty() != o.key.empty()) {
        std::fprintf(stderr, "mailsim: --cert and --key go together\n");
        return 2;
    }
    so.play = o.play;
    so.record = !o.no_record;
    so.keep_secrets = o.keep_secrets;
    so.limits.max_connections = o.max_connections;
    so.limits.max_per_address = o.max_per_address;
    so.limits.idle_timeout_s = o.idle_timeout;
    auto add = [&](const char* protocol, int port, bool tls) {
        if (port >= 0) so.ports.push_back({protocol, static_cast<std::uint16_t>(port), tls});
    };
    add("smtp", o.smtp, false);
    add("submission", o.submission, false);
    add("pop3", o.pop3, false);
    add("imap", o.imap, false);
    add("http", o.http, false);
    add("smtp", o.smtps, true);
    add("pop3", o.pop3s, true);
    add("imap", o.imaps, true);
    for (int p : {o.smtp, o.submission, o.pop3, o.imap, o.http, o.smtps, o.pop3s, o.imaps})
        if (p > 65535) {
            std::fprintf(stderr, "mailsim: port %d: a port is at most 65535\n", p);
            return 2;
        }
    if (so.ports.empty()) {
        // Nothing asked: the usual services on unprivileged ports.
        so.ports = {{"smtp", 2525, false}, {"pop3", 1110, false}, {"imap", 1143, false}, {"http", 8080, false}};
    }
    const auto lang = text::parse_lang(c.lang).value_or(text::Lang::en);
    view::TranscriptOptions to;
    to.lang = lang;
    to.color = c.color;
    to.states = c.states;

    // (Said at the start: real clients meet them too.)
    const std::vector<scenario::FaultSpec> faults = parsed->faults;
    const std::vector<scenario::OverrideSpec> overrides = parsed->overrides;
    live::Server server(std::move(*parsed), so);
    std::string error;
    if (!server.open(&error)) {
        std::fprintf(stderr, "mailsim: %s\n", error.c_str());
        return 1;
    }
    if (!loopback(so.bind))
        std::fprintf(stderr,
                     "mailsim: warning: listening on %s, not only on this machine (127.0.0.1): anyone who can reach it can "
                     "talk to the simulated server\n",
                     so.bind.c_str());
    const agents::MailServer* ms = server.world().server(server.served_host());
    std::string out = fmt::format("mailsim serve: {} ({}) for real clients\n", server.served_host(), ms->domain());
    for (const auto& p : server.bound())
        out += fmt::format("  {:<10} {}:{}{}  → its port {}\n", p.protocol, so.bind, p.port, p.implicit_tls ? " (TLS)" : "",
                           live::simulated_port(p.protocol));
    out += "  users:";
    for (const auto& u : ms->config().users) out += fmt::format(" {}@{} (password {})", u.name, ms->domain(), u.password);
    out += "\n";
    // The scenario's faults and reply overrides apply to real clients, timed
    // from the start of serving: said here, so that a 421 or a 550 is not a
    // surprise (the default scenario answers its greeting with 421 from 45 s to 75 s).
    const auto secs = [](SimTime t) {
        return t % kSecond == 0 ? fmt::format("{} s", t / kSecond) : fmt::format("{:.3f} s", static_cast<double>(t) / kSecond);
    };
    for (const auto& f : faults) {
        // (A link between simulated hosts is not on a real client's way.)
        if (f.type == scenario::FaultSpec::Type::link_down || f.host != server.served_host()) continue;
        out += fmt::format("  fault from the scenario: {} from {} {}\n", scenario::to_string(f.type), secs(f.from),
                           f.until ? "to " + secs(f.until) : std::string("on"));
    }
    // (The scenario's own rules: the server's also hold the CONNECT rule a greeting-421 fault became, said above.)
    for (const auto& spec : overrides) {
        if (spec.server != server.served_host()) continue;
        const agents::OverrideRule& r = spec.rule;
        const std::string reply = r.protocol == "smtp" ? r.reply.summary() : r.response;
        std::string when;
        if (r.from > 0) when += " from " + secs(r.from);
        if (r.until != std::numeric_limits<SimTime>::max()) when += " to " + secs(r.until);
        if (r.times > 0) when += fmt::format(" ({} time{})", r.times, r.times == 1 ? "" : "s");
        out += fmt::format("  reply override: {} {}{} → {}{}\n", r.protocol, r.command,
                           r.match.empty() ? std::string() : " matching \"" + r.match + "\"", reply, when);
    }
    if (const auto* cert = server.certificate())
        out += fmt::format("  TLS certificate {}{}\n    SHA-256 {}\n", cert->cert_file(),
                           server.made_certificate() ? " (made now)" : "", cert->fingerprint());
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
    if (!o.ready_file.empty()) {
        std::string ports;
        for (const auto& p : server.bound())
            ports += fmt::format("{}{} {}\n", p.protocol, p.implicit_tls ? "s" : "", p.port);
        if (auto err = write_file_atomically(o.ready_file, ports)) {
            std::fprintf(stderr, "mailsim: %s\n", err->message().c_str());
            return 1;
        }
    }
    if (!o.quiet && server.world().trace().recording())
        server.world().trace().on_append = [&to](const Event& e) {
            std::string line = view::format_event(e, to);
            std::fwrite(line.data(), 1, line.size(), stdout);
            std::fflush(stdout);
        };
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    const auto start = std::chrono::steady_clock::now();
    while (!g_stop) {
        server.poll(200);
        if (o.seconds > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= o.seconds) break;
    }
    server.close();
    server.world().trace().on_append = nullptr;
    std::fputs(fmt::format("mailsim serve: {} connection(s) served\n", server.accepted()).c_str(), stdout);
    if (server.world().trace().recording())
        std::fputs(view::format_summary(view::summarize(server.world().trace()), to).c_str(), stdout);
    if (!o.trace_out.empty()) {
        if (auto err = save_trace(server.world().trace(), o.trace_out)) {
            std::fprintf(stderr, "mailsim: %s\n", err->message().c_str());
            return 1;
        }
        std::fputs(text::get(lang, "cli.trace_saved", {{"path", o.trace_out}, {"events", std::to_string(server.world().trace().size())}})
                       .c_str(),
                   stdout);
        std::fputs("\n", stdout);
    }
    return 0;
}

}  // namespace mailsim::cli
