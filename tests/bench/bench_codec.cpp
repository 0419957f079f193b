// bench_codec.cpp — mailsim's codecs and MIME parser beside OpenSSL, GMime
// and Python, on the same buffers, in one run.
//
//   bench_codec [--messages N] [--repeat R] [--quick]
//
// A corpus of N realistic messages (default 10,000, ~30 KB each) is made
// with a seeded generator: multipart/alternative text + HTML in
// quoted-printable, multipart/mixed with base64 attachments up to 128 KiB,
// nested message/rfc822. Then, each the median of R runs:
//   base64 encode (76-column CRLF lines)  vs OpenSSL EVP_EncodeBlock (one unbroken line)
//   base64 decode of 76-column CRLF text   vs OpenSSL EVP_DecodeUpdate/Final
//   quoted-printable encode / decode       vs Python's binascii.b2a_qp / a2b_qp (C)
//   MIME parse + decoding every leaf       vs GMime 3, and vs Python's email package
// and prints MiB/s (or messages/s), the ratio and the issue's target.
// Figures, not verdicts: run on demand, never by CTest.
#include <openssl/evp.h>

#include <gmime/gmime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "codec/base64.hpp"
#include "codec/quoted_printable.hpp"
#include "core/allocator.hpp"
#include "message/mime.hpp"

using namespace mailsim;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double median_seconds(int repeat, const std::function<void()>& f) {
    std::vector<double> s;
    for (int i = 0; i < repeat; ++i) {
        auto t0 = Clock::now();
        f();
        s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(s.begin(), s.end());
    return s[s.size() / 2];
}

// ---- the corpus ---------------------------------------------------------

struct Gen {
    std::mt19937_64 rng{20261124};
    size_t below(size_t n) { return static_cast<size_t>(rng() % n); }
    std::string bytes(size_t n) {
        std::string s(n, '\0');
        for (auto& c : s) c = static_cast<char>(rng());
        return s;
    }
    // Prose, mostly ASCII, now and then a word in Chinese or with accents.
    std::string text(size_t n) {
        static const char* words[] = {"mail", "server", "the", "queue", "SMTP", "delivers", "message", "to", "Bob",
                                      "and", "Alice", "reply", "code", "250", "crêpes", "naïve", "系统", "网络",
                                      "protocol", "header", "body", "of", "a", "MIME", "part", "=", "tab\there"};
        std::string s;
        size_t col = 0;
        while (s.size() < n) {
            std::string w = words[below(std::size(words))];
            s += w;
            col += w.size() + 1;
            if (col > 60 + below(30)) {
                s += "\r\n";
                col = 0;
            } else {
                s += ' ';
            }
        }
        return s + "\r\n";
    }
};

std::string leaf(const std::string& type, const std::string& cte, const std::string& body, const std::string& extra = "") {
    return "Content-Type: " + type + "\r\nContent-Transfer-Encoding: " + cte + "\r\n" + extra + "\r\n" + body;
}

std::string multipart(const std::string& subtype, const std::string& boundary, const std::vector<std::string>& parts) {
    std::string s = "Content-Type: multipart/" + subtype + "; boundary=\"" + boundary + "\"\r\n\r\nThis is a multi-part message in MIME format.\r\n";
    for (const auto& p : parts) s += "--" + boundary + "\r\n" + p + "\r\n";
    return s + "--" + boundary + "--\r\n";
}

std::string alternative(Gen& g, size_t n, const std::string& b) {
    std::string t = g.text(n);
    std::string html = "<html><body><p>" + g.text(n) + "</p></body></html>\r\n";
    return multipart("alternative", b, {leaf("text/plain; charset=UTF-8", "quoted-printable", codec::qp_encode(t)),
                                        leaf("text/html; charset=UTF-8", "quoted-printable", codec::qp_encode(html))});
}

std::string headers(size_t i, const std::string& subject) {
    return fmt::format("From: Alice <alice@crepes.fr>\r\nTo: Bob <bob@hamburger.edu>\r\nSubject: {} {}\r\n"
                       "Date: Tue, 24 Nov 2026 09:00:00 +0000\r\nMessage-ID: <{}.bench@crepes.fr>\r\nMIME-Version: 1.0\r\n",
                       subject, i, i);
}

std::vector<std::string> make_corpus(size_t n) {
    Gen g;
    std::vector<std::string> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const std::string b = fmt::format("=_b{}_", i);
        switch (i % 5) {
        case 0:
        case 1:  // text and HTML, quoted-printable
            out.push_back(headers(i, "alternative") + alternative(g, 6000 + g.below(8000), b + "a"));
            break;
        case 2:
        case 3: {  // text and base64 attachments, most small, some up to 128 KiB
            std::vector<std::string> parts = {leaf("text/plain; charset=UTF-8", "quoted-printable", codec::qp_encode(g.text(2000)))};
            const size_t k = 1 + g.below(2);
            for (size_t a = 0; a < k; ++a) {
                size_t size = g.below(10) == 0 ? 32768 + g.below(98304) : 4096 + g.below(16384);
                parts.push_back(leaf("application/octet-stream; name=\"f.bin\"", "base64", codec::base64_encode(g.bytes(size)),
                                     "Content-Disposition: attachment; filename=\"f.bin\"\r\n"));
            }
            out.push_back(headers(i, "attachments") + multipart("mixed", b + "m", parts));
            break;
        }
        default: {  // a forwarded message inside
            std::string inner = headers(i + 1000000, "inner") + alternative(g, 5000, b + "i");
            std::vector<std::string> parts = {leaf("text/plain; charset=UTF-8", "quoted-printable", codec::qp_encode(g.text(3000))),
                                              "Content-Type: message/rfc822\r\n\r\n" + inner,
                                              leaf("image/png", "base64", codec::base64_encode(g.bytes(8000 + g.below(8000))))};
            out.push_back(headers(i, "forward") + multipart("mixed", b + "f", parts));
        }
        }
    }
    return out;
}

// ---- the contestants ------------------------------------------------------

size_t mailsim_parse_all(const std::vector<std::string>& corpus) {
    size_t bytes = 0;
    std::function<void(const message::Message&, const message::Part&)> walk = [&](const message::Message& m, const message::Part& p) {
        if (p.children.empty()) bytes += message::decoded_body(m, p).size();
        for (const auto& c : p.children) walk(m, *c);
    };
    for (const auto& raw : corpus) {
        message::Message m = message::parse(raw);
        if (m.root) walk(m, *m.root);
    }
    return bytes;
}

void gmime_walk(GMimeObject* parent, GMimeObject* part, gpointer data);

void gmime_leaf(GMimeObject* part, size_t* bytes) {
    if (GMIME_IS_MESSAGE_PART(part)) {
        GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
        if (inner) g_mime_message_foreach(inner, gmime_walk, bytes);
        return;
    }
    if (!GMIME_IS_PART(part)) return;
    GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
    if (!content) return;
    GMimeStream* sink = g_mime_stream_null_new();
    g_mime_data_wrapper_write_to_stream(content, sink);  // decodes the transfer encoding
    *bytes += static_cast<size_t>(GMIME_STREAM_NULL(sink)->written);
    g_object_unref(sink);
}

void gmime_walk(GMimeObject*, GMimeObject* part, gpointer data) { gmime_leaf(part, static_cast<size_t*>(data)); }

size_t gmime_parse_all(const std::vector<std::string>& corpus) {
    size_t bytes = 0;
    for (const auto& raw : corpus) {
        GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
        GMimeParser* parser = g_mime_parser_new_with_stream(stream);
        GMimeMessage* msg = g_mime_parser_construct_message(parser, nullptr);
        if (msg) {
            g_mime_message_foreach(msg, gmime_walk, &bytes);
            g_object_unref(msg);
        }
        g_object_unref(parser);
        g_object_unref(stream);
    }
    return bytes;
}

// ---- Python -----------------------------------------------------------------

const char* kPythonQp = R"PY(
import binascii, sys, time
data = open(sys.argv[1], 'rb').read(); enc = open(sys.argv[2], 'rb').read(); repeat = int(sys.argv[3])
def median(f):
    s = []
    for _ in range(repeat):
        t0 = time.perf_counter(); f(); s.append(time.perf_counter() - t0)
    return sorted(s)[len(s) // 2]
e = median(lambda: binascii.b2a_qp(data))
d = median(lambda: binascii.a2b_qp(enc))
print(len(data) / e / 2**20, len(enc) / d / 2**20)
)PY";

const char* kPythonEmail = R"PY(
import email, email.policy, struct, sys, time
blob = open(sys.argv[1], 'rb').read(); repeat = int(sys.argv[2])
msgs = []; i = 0
while i < len(blob):
    (n,) = struct.unpack('<I', blob[i:i+4]); msgs.append(blob[i+4:i+4+n]); i += 4 + n
def run():
    for raw in msgs:
        m = email.message_from_bytes(raw, policy=email.policy.default)
        for part in m.walk():
            if not part.is_multipart():
                part.get_payload(decode=True)
s = []
for _ in range(repeat):
    t0 = time.perf_counter(); run(); s.append(time.perf_counter() - t0)
print(len(msgs) / sorted(s)[len(s) // 2])
)PY";

std::string run_python(const std::string& script, const std::string& args) {
    const fs::path file = fs::temp_directory_path() / "mailsim-bench.py";
    std::ofstream(file) << script;
    std::string cmd = "python3 " + file.string() + " " + args + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return {};
    std::string out;
    char buf[512];
    while (size_t k = std::fread(buf, 1, sizeof buf, p)) out.append(buf, k);
    if (::pclose(p) != 0) {
        std::fprintf(stderr, "bench_codec: python3 failed: %s\n", out.c_str());
        return {};
    }
    return out;
}

void write(const fs::path& path, const std::string& data) { std::ofstream(path, std::ios::binary) << data; }

struct Row {
    std::string what, unit;
    double ours, theirs;
    std::string against;
    double target;
};

}  // namespace

int main(int argc, char** argv) {
    mailsim::configure_allocator();
    size_t n = 10000;
    int repeat = 3;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--messages" && i + 1 < argc) n = std::strtoul(argv[++i], nullptr, 10);
        else if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
        else if (a == "--quick") n = 1000;
        else {
            std::fprintf(stderr, "usage: bench_codec [--messages N] [--repeat R] [--quick]\n");
            return 2;
        }
    }
    auto corpus = make_corpus(n);
    size_t corpus_bytes = 0;
    for (const auto& m : corpus) corpus_bytes += m.size();
    std::printf("corpus: %zu messages, %.1f MiB (%.1f KB each on average); median of %d run(s)\n", n,
                static_cast<double>(corpus_bytes) / (1 << 20), static_cast<double>(corpus_bytes) / static_cast<double>(n) / 1000, repeat);

    // The shared buffers: binary for base64 (64 MiB), text for quoted-printable (32 MiB).
    Gen g;
    const std::string binary = g.bytes(64 << 20);
    const std::string b64 = codec::base64_encode(binary);
    std::string text;
    while (text.size() < (32u << 20)) text += g.text(1 << 20);
    const std::string qp = codec::qp_encode(text);
    const double mib_bin = static_cast<double>(binary.size()) / (1 << 20);
    const double mib_b64 = static_cast<double>(b64.size()) / (1 << 20);
    const double mib_text = static_cast<double>(text.size()) / (1 << 20);
    const double mib_qp = static_cast<double>(qp.size()) / (1 << 20);
    std::vector<Row> rows;
    volatile size_t sink = 0;

    // Each side writes into a buffer of its own, reused from run to run (as
    // OpenSSL's calls require), so no run pays for fresh pages.
    std::string buf;
    // base64 encode
    double ours = median_seconds(repeat, [&] {
        codec::base64_encode_into(binary, buf);
        sink = sink + buf.size();
    });
    std::string ossl_out(binary.size() / 3 * 4 + 8, '\0');
    double theirs = median_seconds(repeat, [&] {
        sink = sink + static_cast<size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(ossl_out.data()),
                                                          reinterpret_cast<const unsigned char*>(binary.data()),
                                                          static_cast<int>(binary.size())));
    });
    rows.push_back({"base64 encode, 76-col CRLF", "MiB/s", mib_bin / ours, mib_bin / theirs, "OpenSSL EVP_EncodeBlock", 1.0});

    // base64 decode
    ours = median_seconds(repeat, [&] {
        codec::base64_decode_into(b64, buf);
        sink = sink + buf.size();
    });
    std::string dec(b64.size(), '\0');
    theirs = median_seconds(repeat, [&] {
        EVP_ENCODE_CTX* ctx = EVP_ENCODE_CTX_new();
        EVP_DecodeInit(ctx);
        int len = 0, total = 0;
        EVP_DecodeUpdate(ctx, reinterpret_cast<unsigned char*>(dec.data()), &len,
                         reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
        total += len;
        EVP_DecodeFinal(ctx, reinterpret_cast<unsigned char*>(dec.data()) + total, &len);
        EVP_ENCODE_CTX_free(ctx);
        sink = sink + static_cast<size_t>(total + len);
    });
    rows.push_back({"base64 decode, 76-col CRLF", "MiB/s", mib_b64 / ours, mib_b64 / theirs, "OpenSSL EVP_DecodeUpdate", 3.0});

    // quoted-printable, against Python's binascii on the same bytes
    double qp_enc = median_seconds(repeat, [&] {
        codec::qp_encode_into(text, buf);
        sink = sink + buf.size();
    });
    double qp_dec = median_seconds(repeat, [&] {
        codec::qp_decode_into(qp, buf);
        sink = sink + buf.size();
    });
    const fs::path dir = fs::temp_directory_path();
    write(dir / "mailsim-bench-text", text);
    write(dir / "mailsim-bench-qp", qp);
    double py_enc = 0, py_dec = 0;
    std::string py = run_python(kPythonQp, (dir / "mailsim-bench-text").string() + " " + (dir / "mailsim-bench-qp").string() +
                                               " " + std::to_string(repeat));
    if (std::sscanf(py.c_str(), "%lf %lf", &py_enc, &py_dec) != 2) std::printf("python3 is missing or failed: no Python figures\n");
    rows.push_back({"quoted-printable encode", "MiB/s", mib_text / qp_enc, py_enc, "Python binascii.b2a_qp", 5.0});
    rows.push_back({"quoted-printable decode", "MiB/s", mib_qp / qp_dec, py_dec, "Python binascii.a2b_qp", 5.0});

    // MIME parse + every leaf decoded
    double ms = median_seconds(repeat, [&] { sink = sink + mailsim_parse_all(corpus); });
    g_mime_init();
    double gm = median_seconds(repeat, [&] { sink = sink + gmime_parse_all(corpus); });
    rows.push_back({"MIME parse + decode leaves", "msg/s", static_cast<double>(n) / ms, static_cast<double>(n) / gm, "GMime 3", 1.0});
    std::string blob;
    for (const auto& m : corpus) {
        auto len = static_cast<std::uint32_t>(m.size());
        blob.append(reinterpret_cast<const char*>(&len), 4);
        blob += m;
    }
    write(dir / "mailsim-bench-corpus", blob);
    double py_msgs = 0;
    py = run_python(kPythonEmail, (dir / "mailsim-bench-corpus").string() + " " + std::to_string(std::max(1, repeat / 3)));
    if (std::sscanf(py.c_str(), "%lf", &py_msgs) != 1) std::printf("python3 is missing or failed: no Python email figure\n");
    rows.push_back({"MIME parse + decode leaves", "msg/s", static_cast<double>(n) / ms, py_msgs, "Python email (policy.default)", 20.0});
    for (const char* f : {"mailsim-bench-text", "mailsim-bench-qp", "mailsim-bench-corpus", "mailsim-bench.py"}) fs::remove(dir / f);

    std::printf("\n%-28s %12s %12s  %-30s %7s %7s  %s\n", "what", "mailsim", "reference", "reference is", "ratio", "target", "");
    for (const auto& r : rows) {
        const double ratio = r.theirs > 0 ? r.ours / r.theirs : 0;
        std::printf("%-28s %8.0f %-5s %8.0f %-5s %-28s %6.2fx %6.1fx  %s\n", r.what.c_str(), r.ours, r.unit.c_str(), r.theirs,
                    r.unit.c_str(), r.against.c_str(), ratio, r.target, r.theirs <= 0 ? "n/a" : ratio >= r.target ? "PASS" : "MISS");
    }
    return 0;
}
