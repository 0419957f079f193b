// cmd_codec.cpp — `mailsim encode` and `mailsim decode`: base64 and
// quoted-printable, optionally through a charset, with the teaching steps.
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "codec/base64.hpp"
#include "codec/charset.hpp"
#include "codec/encoded_word.hpp"
#include "codec/quoted_printable.hpp"
#include "core/error.hpp"
#include "text/text.hpp"

namespace mailsim::cli {

namespace {

std::string hex_bytes(std::string_view b) {
    std::string s;
    for (unsigned char c : b) s += fmt::format("{}{:02X}", s.empty() ? "" : " ", c);
    return s;
}

std::string bits_of(std::string_view b) {
    std::string s;
    for (unsigned char c : b) {
        if (!s.empty()) s += ' ';
        for (int i = 7; i >= 0; --i) s += (c >> i) & 1 ? '1' : '0';
    }
    return s;
}

// The input: TEXT or the file's bytes.
Result<std::string> input_of(const CodecOptions& o) {
    if (!o.file.empty()) return read_file(o.file);
    return o.text;
}

}  // namespace

int cmd_encode(const CodecOptions& o, const CommonOptions& c) {
    text::Lang lang = *text::parse_lang(c.lang);
    auto in = input_of(o);
    if (!in) {
        std::fprintf(stderr, "mailsim: %s\n", in.error().message().c_str());
        return 1;
    }
    if (o.encoding == "word") {
        auto w = codec::encode_words(*in, o.charset.empty() ? "UTF-8" : o.charset, o.word_encoding[0]);
        if (!w) {
            std::fprintf(stderr, "mailsim: %s\n", w.error().message().c_str());
            return 1;
        }
        if (o.explain) out(text::get(lang, "cli.codec.word_rule") + "\n\n");
        out(*w + "\n");
        return 0;
    }
    std::string bytes = *in;
    if (!o.charset.empty()) {
        auto conv = codec::convert_charset(bytes, "UTF-8", o.charset);
        if (!conv) {
            std::fprintf(stderr, "mailsim: %s\n", conv.error().message().c_str());
            return 1;
        }
        bytes = *conv;
    }
    if (o.explain) {
        out(text::get(lang, "cli.codec.input", {{"charset", o.charset.empty() ? "UTF-8" : o.charset},
                                                {"n", std::to_string(bytes.size())},
                                                {"hex", hex_bytes(bytes)}}) +
            "\n\n");
        if (o.encoding == "base64") {
            int n = 0;
            for (const auto& g : codec::explain_base64(bytes)) {
                std::string sextets;
                for (int k = 0; k < 4; ++k) {
                    if (g.sextets[k] < 0) {
                        sextets += "  (pad)  ";
                        continue;
                    }
                    std::string b;
                    for (int i = 5; i >= 0; --i) b += (g.sextets[k] >> i) & 1 ? '1' : '0';
                    sextets += fmt::format("{}({:>2}) ", b, g.sextets[k]);
                }
                out(fmt::format("{:>3}. {:<8}  {:<26}  {}→ {}\n", ++n, hex_bytes(g.bytes), bits_of(g.bytes), sextets,
                                g.chars));
            }
            out("\n" + text::get(lang, "cli.codec.base64_rule") + "\n\n");
        } else {
            for (const auto& s : codec::explain_qp(bytes)) {
                if (s.reason == "codec.qp.reason.kept") continue;
                std::string shown = s.output;
                for (auto pos = shown.find("\r\n"); pos != std::string::npos; pos = shown.find("\r\n")) shown.replace(pos, 2, "⏎");
                out(fmt::format("  {:02X}  → {:<8} {}\n", s.byte, shown, text::get(lang, s.reason)));
            }
            out("  " + text::get(lang, "codec.qp.reason.kept") + "\n\n");
        }
    }
    out(o.encoding == "base64" ? codec::base64_encode(bytes) : codec::qp_encode(bytes) + "\n");
    return 0;
}

int cmd_decode(const CodecOptions& o, const CommonOptions& c) {
    text::Lang lang = *text::parse_lang(c.lang);
    auto in = input_of(o);
    if (!in) {
        std::fprintf(stderr, "mailsim: %s\n", in.error().message().c_str());
        return 1;
    }
    std::vector<codec::CodecError> errors;
    if (o.encoding == "word") {  // the result is UTF-8 already
        out(codec::decode_words(*in, &errors) + "\n");
        for (const auto& e : errors)
            std::fprintf(stderr, "mailsim: %s\n",
                         text::get(lang, "cli.codec.error", {{"offset", std::to_string(e.offset)}, {"what", e.what}}).c_str());
        return errors.empty() ? 0 : 1;
    }
    std::string bytes = o.encoding == "base64" ? codec::base64_decode(*in, &errors) : codec::qp_decode(*in, &errors);
    if (o.explain)
        out(text::get(lang, "cli.codec.decoded", {{"n", std::to_string(bytes.size())}, {"hex", hex_bytes(bytes)}}) +
            "\n");
    std::string shown = bytes;
    if (!o.charset.empty()) {
        auto conv = codec::convert_charset(bytes, o.charset, "UTF-8");
        if (!conv) {
            std::fprintf(stderr, "mailsim: %s\n", conv.error().message().c_str());
            return 1;
        }
        shown = *conv;
    }
    out(shown);
    if (!shown.empty() && shown.back() != '\n') out("\n");
    for (const auto& e : errors)
        std::fprintf(stderr, "mailsim: %s\n",
                     text::get(lang, "cli.codec.error", {{"offset", std::to_string(e.offset)}, {"what", e.what}}).c_str());
    return errors.empty() ? 0 : 1;
}

}  // namespace mailsim::cli
