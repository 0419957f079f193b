// command_probe.cpp — replay a connection into a fresh server engine, then the typed lines.
#include "scenario/command_probe.hpp"

#include <charconv>

#include "agents/mail_server.hpp"
#include "agents/smtp_receiver.hpp"
#include "agents/world.hpp"
#include "protocol/smtp/server_session.hpp"

namespace mailsim::scenario {

namespace {

ProbeResult fail(std::string key, text::Params params = {}) {
    ProbeResult r;
    r.error_key = std::move(key);
    r.error_params = std::move(params);
    return r;
}

// The port of an accept event: its args read "port 25".
int accepted_port(const Event& e) {
    std::string_view a = e.args;
    if (a.rfind("port ", 0) != 0) return 0;
    int port = 0;
    std::from_chars(a.data() + 5, a.data() + a.size(), port);
    return port;
}

// Runs `world` up to and including the step that accepts `connection`; the
// server's override rules are left with the use counts they had before that
// step, for the fresh engine to use them as the recorded run's engine did.
// False when the run never accepts it (the trace is not this scenario's).
bool run_to_accept(agents::World& world, agents::MailServer& server, std::uint32_t connection, std::uint64_t seq) {
    const Trace& t = world.trace();
    size_t seen = t.size();
    std::vector<int> used;
    for (;;) {
        used.clear();
        for (const auto& rule : server.config().overrides) used.push_back(rule.used);
        if (!world.step()) return false;
        for (; seen < t.size(); ++seen) {
            const Event e = t.at(seen);
            if (e.kind != EventKind::accept || e.conn != connection) continue;
            if (e.seq != seq) return false;
            auto& rules = server.config().overrides;
            for (size_t i = 0; i < rules.size() && i < used.size(); ++i) rules[i].used = used[i];
            return true;
        }
        if (seen > seq) return false;
    }
}

ProbeAnswer send_line(smtp::ServerSession& session, const std::string& line) {
    ProbeAnswer a;
    a.typed = line;
    a.state_before = smtp::ServerSession::state_name(session.state());
    if (session.wants_close()) {
        a.closed = true;
        a.state_after = a.state_before;
        return a;
    }
    session.receive(line + "\r\n");
    for (auto& o : session.take_output()) {
        ProbeReply r;
        r.bytes = std::move(o.bytes);
        r.code = std::string(o.verb);
        r.key = std::string(o.key);
        r.cls = catalog::reply_class("smtp", r.code);
        a.replies.push_back(std::move(r));
    }
    a.state_after = smtp::ServerSession::state_name(session.state());
    a.reading_text = a.replies.empty() && session.state() == smtp::ServerSession::State::Data;
    return a;
}

}  // namespace

ProbeResult probe_smtp_commands(const Scenario& s, const Trace& trace, size_t cursor, std::uint32_t connection,
                                const std::vector<std::string>& typed) {
    const std::string conn_text = std::to_string(connection);
    cursor = std::min(cursor, trace.size());
    // The connection as the trace has it before the cursor: accepted, by which host, on which port, still open.
    std::optional<Event> accept;
    for (size_t i = 0; i < cursor; ++i) {
        const Event e = trace.at(i);
        if (e.conn != connection) continue;
        if (e.kind == EventKind::accept && !accept) accept = e;
        if (e.kind == EventKind::close || e.kind == EventKind::refuse)
            return fail("probe.error.closed", {{"conn", conn_text}});
    }
    if (!accept) return fail("probe.error.not_open", {{"conn", conn_text}});
    const int port = accepted_port(*accept);
    if (port != 25 && port != 587) return fail("probe.error.not_smtp", {{"conn", conn_text}, {"port", std::to_string(port)}});
    for (const auto& line : typed)
        if (line.find_first_of("\r\n") != std::string::npos) return fail("probe.error.line_break", {});

    auto world = build_world(s, true);
    agents::MailServer* server = world->server(std::string(accept->host));
    if (!server) return fail("probe.error.no_server", {{"host", std::string(accept->host)}});
    if (!run_to_accept(*world, *server, connection, accept->seq)) return fail("probe.error.diverged", {{"conn", conn_text}});

    // A fresh engine, made as SmtpConnection::on_open makes the recorded one.
    smtp::ServerSettings settings = server->smtp_settings();
    const TransportSecurity tls = world->network().security(connection);
    settings.starttls = tls.can_start_tls;
    settings.tls_active = tls.tls_active;
    agents::SmtpReceiver policy(*server, connection, port == 587);
    smtp::ServerSession session(std::move(settings), policy);
    session.report_state_changes(false);
    session.start();
    session.take_output();
    for (size_t i = accept->seq + 1; i < cursor; ++i) {
        const Event e = trace.at(i);
        if (e.conn != connection || e.kind != EventKind::bytes || e.dir != Direction::to_server) continue;
        session.receive(e.bytes);
        session.take_output();
        if (session.state() == smtp::ServerSession::State::Turned) return fail("probe.error.turned", {{"conn", conn_text}});
    }

    ProbeResult result;
    for (const auto& line : typed) result.answers.push_back(send_line(session, line));
    return result;
}

}  // namespace mailsim::scenario
