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
};

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
