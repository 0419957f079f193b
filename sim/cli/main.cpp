// main.cpp — the `mailsim` command: run a scenario, replay a trace, explain
// a reply code or command.
//
//   mailsim run [SCENARIO] [--trace OUT.json] [--until T]
//   mailsim replay TRACE
//   mailsim explain CODE|COMMAND|settings [--lang zh|en]
//   mailsim encode|decode base64|qp|word [--charset CS] [--explain] (TEXT | --file F)
//   mailsim mime FILE [--json]
//   mailsim lesson FILE [--teacher] [--results OUT.json] | mailsim lesson check FILE…
//   mailsim import FILE [--trace OUT.json]
//
// Every subcommand has --help. Exit status: 0 done, 1 bad input (the error
// names the file, the place and what was expected), 2 bad usage.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/allocator.hpp"

int main(int argc, char** argv) {
    mailsim::configure_allocator();
    using namespace mailsim::cli;
    CLI::App app{"mailsim — a step-by-step simulator of Internet e-mail (SMTP, POP3, IMAP, webmail)", "mailsim"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "mailsim 0.1");

    // A file to read that is not there is bad input (1), not bad usage (2):
    // the check notes it, and it is reported after the command line parsed.
    std::vector<std::string> missing_inputs;
    const CLI::Validator input_file(
        [&missing_inputs](std::string& path) {
            std::error_code ec;
            if (!std::filesystem::exists(path, ec)) missing_inputs.push_back(path + ": no such file");
            else if (std::filesystem::is_directory(path, ec)) missing_inputs.push_back(path + ": a directory, not a file");
            return std::string();
        },
        "FILE");

    CommonOptions common;
    auto add_common = [&](CLI::App* sub) {
        sub->add_option("--lang", common.lang, "language of labels and explanations: en or zh")
            ->check(CLI::IsMember({"en", "zh"}));
        sub->add_flag("--no-color", common.no_color, "no ANSI colours, even on a terminal");
        sub->add_flag("--states", common.states, "also print protocol state changes");
    };

    RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "run a scenario and print the exchange as it happens");
    run_cmd->add_option("scenario", run.scenario, "scenario file (JSON); the default scenario when omitted")
        ->check(input_file);
    run_cmd->add_option("--trace", run.trace_out, "save the trace to this file (JSON, written atomically)");
    run_cmd->add_option("--until", run.until, "stop at this simulated time, e.g. 90s or 5m (default: when all is done)");
    run_cmd->add_option("--seed", run.seed, "override the scenario's seed");
    run_cmd->add_flag("--quiet", run.quiet, "print only the summary");
    run_cmd->add_flag("--print-scenario", run.print_scenario, "print the default scenario's JSON and exit");
    run_cmd->add_flag("--keep-secrets", run.keep_secrets,
                      "keep passwords, logins and session cookies in the output and the trace (redacted by default)");
    add_common(run_cmd);

    ReplayOptions replay;
    auto* replay_cmd = app.add_subcommand("replay", "print a saved trace as `run` printed it");
    replay_cmd->add_option("trace", replay.trace, "trace file (JSON)")->required()->check(input_file);
    add_common(replay_cmd);

    ExplainOptions explain;
    auto* explain_cmd = app.add_subcommand(
        "explain", "explain a reply code (550), a command (RCPT), an enhanced code (5.1.1), or list: codes, commands, settings");
    explain_cmd->add_option("what", explain.what, "reply code, command, enhanced status code, codes, commands or settings")
        ->required();
    explain_cmd->add_option("--protocol", explain.protocol, "protocol of the command or code")
        ->check(CLI::IsMember({"smtp", "pop3", "imap", "http"}));
    add_common(explain_cmd);

    CodecOptions encode, decode;
    auto add_codec = [&](CLI::App* sub, CodecOptions& o) {
        sub->add_option("encoding", o.encoding, "base64, qp (quoted-printable) or word (RFC 2047, for header fields)")
            ->required()
            ->check(CLI::IsMember({"base64", "qp", "word"}));
        sub->add_option("--word-encoding", o.word_encoding, "for word: B (base64) or Q (quoted-printable-like)")
            ->check(CLI::IsMember({"B", "Q", "b", "q"}));
        sub->add_option("text", o.text, "the text (or use --file)");
        sub->add_option("--file", o.file, "read the input from this file")->check(input_file);
        sub->add_option("--charset", o.charset, "charset of the bytes, e.g. gb2312, gbk, big5, iso-8859-1");
        sub->add_flag("--explain", o.explain, "show the steps: bytes, bits, 6-bit groups, =XX and why");
        add_common(sub);
    };
    auto* encode_cmd = app.add_subcommand("encode", "encode text with base64 or quoted-printable (RFC 2045)");
    add_codec(encode_cmd, encode);
    auto* decode_cmd = app.add_subcommand("decode", "decode base64 or quoted-printable; errors name their byte offset");
    add_codec(decode_cmd, decode);

    MimeOptions mime;
    auto* mime_cmd = app.add_subcommand("mime", "show a message's MIME tree: types, encodings, sizes, SHA-256, damage");
    mime_cmd->add_option("file", mime.file, "the message (RFC 5322 text)")->required()->check(input_file);
    mime_cmd->add_flag("--json", mime.json, "print JSON: content_type, charset, transfer_encoding, filename, size, sha256, parts");
    add_common(mime_cmd);

    LessonOptions lesson;
    auto* lesson_cmd = app.add_subcommand("lesson", "play a lesson in the terminal: each step's narration, then its exchange");
    lesson_cmd->add_option("lesson", lesson.files, "lesson file (JSON, in lessons/)")->check(input_file);
    lesson_cmd->add_flag("--pause", lesson.pause, "wait for Enter after each step");
    lesson_cmd->add_flag("--teacher", lesson.teacher, "show each checkpoint's answer instead of asking");
    lesson_cmd->add_option("--results", lesson.results, "save the answers and the score to this JSON file");
    lesson_cmd->add_option("--student", lesson.student, "the student's name, kept in the results file");
    add_common(lesson_cmd);
    auto* check_cmd = lesson_cmd->add_subcommand(
        "check", "check lessons: the scenario runs, every stop is reached, every checkpoint is answerable from the "
                 "trace with one answer, both languages are complete");
    check_cmd->add_option("files", lesson.files, "lesson files")->required()->check(input_file);

    ConnectOptions connect;
    auto* connect_cmd = app.add_subcommand(
        "connect", "talk to a real mail server, one command at a time, and record the session as a trace");
    connect_cmd->add_option("url", connect.url, "smtp|pop3|imap|smtps|pop3s|imaps://HOST[:PORT]")->required();
    connect_cmd->add_flag("--starttls", connect.starttls, "upgrade to TLS after the greeting (STARTTLS, STLS)");
    connect_cmd->add_option("--user", connect.user, "the user name {user} and {auth-plain} stand for in commands");
    connect_cmd->add_option("--password-file", connect.password_file, "a file whose first line is the password {password} stands for")
        ->check(input_file);
    connect_cmd->add_option("--script", connect.script, "commands to send, one a line (otherwise typed at a prompt)")
        ->check(input_file);
    connect_cmd->add_option("--trace", connect.trace_out, "save the session as a trace (JSON, written atomically)");
    connect_cmd->add_option("--cafile", connect.cafile, "trust this CA certificate (a lab's) instead of the system's")
        ->check(input_file);
    connect_cmd->add_flag("--insecure", connect.insecure, "go on when the certificate does not verify (a warning is recorded)");
    connect_cmd->add_flag("--keep-secrets", connect.keep_secrets, "keep passwords and AUTH lines in the trace (redacted by default)");
    connect_cmd->add_option("--timeout", connect.timeout_seconds, "seconds of silence before a reply is given up (default 30)")
        ->check(CLI::Range(1, 3600));
    connect_cmd->add_option("--max-reply", connect.max_reply_mib,
                            "MiB a server's reply may be, a message fetched whole included (default 64)")
        ->check(CLI::Range(1, 4096));
    connect_cmd->add_option("--send", connect.send_file,
                            "SMTP: send this message (RFC 5322 text) with mailsim's own client engine, then QUIT")
        ->check(input_file);
    connect_cmd->add_option("--from", connect.from, "with --send: the envelope's sender (MAIL FROM)");
    connect_cmd->add_option("--to", connect.to, "with --send: a recipient (RCPT TO); give it once a recipient");
    connect_cmd->add_flag("--fetch", connect.fetch,
                          "POP3/IMAP: log in with mailsim's own client engine, list and fetch the mail, print each message");
    connect_cmd->add_flag("--delete", connect.delete_after, "with --fetch over POP3: delete each message fetched (DELE)");
    connect_cmd->add_option("--mailbox", connect.mailbox, "with --fetch over IMAP: the mailbox to read (default INBOX)");
    connect_cmd->add_option("--max", connect.max_messages, "with --fetch: fetch at most this many messages (default 50)")
        ->check(CLI::Range(1, 100000));
    connect_cmd->add_option("--save", connect.save_dir, "with --fetch: write each message to DIR/N.eml (N: its number or UID)");
    connect_cmd->add_flag("--apop", connect.apop, "with --fetch over POP3: log in with APOP when the greeting has a timestamp");
    add_common(connect_cmd);

    ServeOptions serve;
    auto* serve_cmd = app.add_subcommand(
        "serve", "run a scenario's mail server for real clients (Thunderbird, swaks, curl, Python) and record the sessions");
    serve_cmd->add_option("scenario", serve.scenario, "scenario file (JSON); the default scenario when omitted")
        ->check(input_file);
    serve_cmd->add_option("--server", serve.server, "the simulated mail server to serve (default: where the scenario's mail goes)");
    serve_cmd->add_option("--bind", serve.bind, "address to listen on (default 127.0.0.1; any other gets a warning)");
    serve_cmd->add_option("--smtp", serve.smtp, "real port for SMTP (the server's port 25; 0 = any free port)");
    serve_cmd->add_option("--submission", serve.submission, "real port for submission (the server's port 587)");
    serve_cmd->add_option("--pop3", serve.pop3, "real port for POP3 (the server's port 110)");
    serve_cmd->add_option("--imap", serve.imap, "real port for IMAP (the server's port 143)");
    serve_cmd->add_option("--http", serve.http, "real port for the webmail (the server's port 80)");
    serve_cmd->add_option("--smtps", serve.smtps, "real port for SMTP over implicit TLS (RFC 8314)");
    serve_cmd->add_option("--pop3s", serve.pop3s, "real port for POP3 over implicit TLS");
    serve_cmd->add_option("--imaps", serve.imaps, "real port for IMAP over implicit TLS");
    serve_cmd->add_option("--trace", serve.trace_out, "save the sessions as a trace when serving ends (JSON, written atomically)");
    serve_cmd->add_option("--cert", serve.cert, "TLS certificate (PEM); default: one serve mode makes for itself on first use");
    serve_cmd->add_option("--key", serve.key, "the certificate's private key (PEM)");
    serve_cmd->add_flag("--no-tls", serve.no_tls, "offer no STARTTLS and serve no implicit-TLS port");
    serve_cmd->add_flag("--play", serve.play, "also send the scenario's own mails and fetches, in real time");
    serve_cmd->add_flag("--no-record", serve.no_record, "record no trace (for throughput measurements)");
    serve_cmd->add_flag("--keep-secrets", serve.keep_secrets, "keep passwords and cookies in the trace (redacted by default)");
    serve_cmd->add_flag("--quiet", serve.quiet, "print only the listening ports and the summary");
    serve_cmd->add_option("--seconds", serve.seconds, "stop after this many seconds (default: at Ctrl-C)")->check(CLI::Range(0.0, 1e7));
    serve_cmd->add_option("--ready-file", serve.ready_file, "write the bound ports to this file once listening (for scripts)");
    serve_cmd->add_option("--max-connections", serve.max_connections, "clients connected at once, in all (default 1000)")
        ->check(CLI::Range(1, 100000));
    serve_cmd->add_option("--max-per-address", serve.max_per_address, "clients connected at once from one address (default 50)")
        ->check(CLI::Range(1, 100000));
    serve_cmd->add_option("--idle-timeout", serve.idle_timeout, "seconds of silence before a client is cut off (default 300)")
        ->check(CLI::Range(1, 86400));
    add_common(serve_cmd);

    ImportOptions import_options;
    auto* import_cmd = app.add_subcommand(
        "import", "replay a capture (pcap, pcapng) or a transcript log (swaks, curl -v) as a trace");
    import_cmd->add_option("file", import_options.file, "the capture or log; what it is comes from its bytes")
        ->required()
        ->check(input_file);
    import_cmd->add_option("--trace", import_options.trace_out, "save the trace to this file (JSON, written atomically)");
    add_common(import_cmd);

    // Exit status as the README says: 0 done (--help, --version too), 2 bad
    // usage (an unknown option, a missing argument, a value out of range),
    // not CLI11's own codes (105-109).
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    if (!missing_inputs.empty()) {
        for (const auto& m : missing_inputs) std::fprintf(stderr, "mailsim: %s\n", m.c_str());
        return 1;
    }
    common.color = !common.no_color && ::isatty(STDOUT_FILENO);
    try {
        if (*run_cmd) return cmd_run(run, common);
        if (*replay_cmd) return cmd_replay(replay, common);
        if (*explain_cmd) return cmd_explain(explain, common);
        if (*encode_cmd) return cmd_encode(encode, common);
        if (*mime_cmd) return cmd_mime(mime, common);
        if (*decode_cmd) return cmd_decode(decode, common);
        if (*lesson_cmd) {
            lesson.check = check_cmd->parsed();
            return cmd_lesson(lesson, common);
        }
        if (*connect_cmd) return cmd_connect(connect, common);
        if (*serve_cmd) return cmd_serve(serve, common);
        if (*import_cmd) return cmd_import(import_options, common);
    } catch (const std::exception& e) {
        // Our own misuse, never the user's input: say so plainly.
        std::fprintf(stderr, "mailsim: internal error: %s\n", e.what());
        return 3;
    }
    return 2;
}
