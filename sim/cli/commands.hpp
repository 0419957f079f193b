// commands.hpp — the subcommands of `mailsim`, one function each.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::cli {

// Writes to standard output as it is, NUL bytes included.
inline void out(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

struct CommonOptions {
    std::string lang = "en";
    bool no_color = false;
    bool color = false;
    bool states = false;
};

struct RunOptions {
    std::string scenario;
    std::string trace_out;
    std::string until;
    std::optional<std::uint64_t> seed;
    bool quiet = false;
    bool print_scenario = false;
    bool keep_secrets = false;  // passwords and cookies in clear in the trace (redacted by default)
};

struct ReplayOptions {
    std::string trace;
};

struct ExplainOptions {
    std::string what;
    std::string protocol = "smtp";
};

struct CodecOptions {
    std::string encoding;  // base64 | qp | word
    std::string word_encoding = "B";
    std::string text;
    std::string file;
    std::string charset;   // encode: convert the UTF-8 text to it first; decode: read the bytes as it
    bool explain = false;
};

struct MimeOptions {
    std::string file;
    bool json = false;
};

struct LessonOptions {
    std::vector<std::string> files;  // one to play; one or more to check
    bool check = false;
    bool pause = false;
    bool teacher = false;
    std::string results;
    std::string student;  // a name for the results file
};

struct ConnectOptions {
    std::string url;            // smtp://host[:port], pop3s://..., imaps://...
    bool starttls = false;
    std::string user;
    std::string password_file;
    std::string script;
    std::string trace_out;
    std::string cafile;
    bool insecure = false;
    bool keep_secrets = false;
    int timeout_seconds = 30;
    int max_reply_mib = 64;
    // A standard session by mailsim's own SMTP client engine instead of commands.
    std::string send_file;             // the message (RFC 5322 text)
    std::string from;
    std::vector<std::string> to;
    // A standard POP3 or IMAP session by mailsim's own client engine: list and fetch mail.
    bool fetch = false;
    bool delete_after = false;         // POP3: DELE each message fetched
    std::string mailbox = "INBOX";     // IMAP
    std::size_t max_messages = 50;
    std::string save_dir;              // each message to DIR/N.eml, atomically
    bool apop = false;
};

struct ServeOptions {
    std::string scenario;       // "" = the default scenario
    std::string server;         // the simulated host to serve
    std::string bind = "127.0.0.1";
    int smtp = -1, submission = -1, pop3 = -1, imap = -1, http = -1;  // -1: not served; 0: any free port
    int smtps = -1, pop3s = -1, imaps = -1;
    std::string trace_out;
    std::string cert, key;
    bool no_tls = false;
    bool play = false;
    bool no_record = false;
    bool keep_secrets = false;
    bool quiet = false;
    double seconds = 0;         // stop after this long (0: at Ctrl-C or end of input)
    std::string ready_file;     // written (atomically) with the bound ports once listening
    size_t max_connections = 1000, max_per_address = 50;
    int idle_timeout = 300;
};

int cmd_serve(const ServeOptions& o, const CommonOptions& c);
struct ImportOptions {
    std::string file;       // a capture (pcap, pcapng) or a transcript log (swaks, curl -v)
    std::string trace_out;
};

int cmd_import(const ImportOptions& o, const CommonOptions& c);
int cmd_connect(const ConnectOptions& o, const CommonOptions& c);
int cmd_mime(const MimeOptions& o, const CommonOptions& c);
int cmd_lesson(const LessonOptions& o, const CommonOptions& c);
int cmd_encode(const CodecOptions& o, const CommonOptions& c);
int cmd_decode(const CodecOptions& o, const CommonOptions& c);
int cmd_run(const RunOptions& o, const CommonOptions& c);
int cmd_replay(const ReplayOptions& o, const CommonOptions& c);
int cmd_explain(const ExplainOptions& o, const CommonOptions& c);

}  // namespace mailsim::cli
