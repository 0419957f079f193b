// fuzz_builder.cpp — building messages from arbitrary texts: the body
// builder (text, HTML, attachments), header folding, RFC 2047 encoding and
// charset conversion. Never a crash; what is built parses back; folding and
// encoded words give the text back; charset round trips are lossless.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "codec/charset.hpp"
#include "codec/encoded_word.hpp"
#include "message/builder.hpp"
#include "message/mime.hpp"

using namespace mailsim;

namespace {

// The value back from a folded "name: value" CRLF field: each CRLF before white space removed.
std::string unfold(std::string_view field, size_t name_size) {
    std::string out;
    std::string_view v = field.substr(name_size + 2, field.size() - name_size - 4);
    for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\r' && i + 1 < v.size() && v[i + 1] == '\n') {
            ++i;
            continue;
        }
        out += v[i];
    }
    return out;
}

bool wsp(char c) { return c == ' ' || c == '\t'; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    // Three texts from one input: text | html | attachment bytes.
    const size_t a = in.find('|'), b = a == std::string_view::npos ? a : in.find('|', a + 1);
    std::string_view text = in.substr(0, a);
    std::string_view html = a == std::string_view::npos ? std::string_view{} : in.substr(a + 1, b - a - 1);
    std::vector<message::Attachment> attachments;
    if (b != std::string_view::npos) {
        message::Attachment att;
        att.filename = std::string(text.substr(0, 40));
        att.data = std::string(in.substr(b + 1));
        att.inline_part = size % 2;
        attachments.push_back(att);
    }
    auto body = message::build_body(text, html, attachments, "fuzz");
    auto m = message::parse(body.headers + "\r\n" + body.body);
    if (m.root->span.end > m.raw.size()) std::abort();

    // Folding: lines of printable text fold and unfold to the same value.
    std::string value;
    for (char c : in)
        if (c >= ' ' && c < 127) value += c;
    while (!value.empty() && value.back() == ' ') value.pop_back();  // trailing white space is not kept by a fold
    std::string field;
    message::append_folded_field(field, "To", value);
    if (unfold(field, 2) != value) std::abort();
    // A line over 78 characters has nowhere it could have been folded (white space after text).
    for (size_t begin = 0, first = 1; begin < field.size(); first = 0) {
        const size_t end = field.find("\r\n", begin);
        std::string_view line = std::string_view(field).substr(begin, end - begin);
        if (line.size() > 78)
            for (size_t k = first ? 5 : 2; k < line.size(); ++k)
                if (wsp(line[k]) && !wsp(line[k - 1])) std::abort();
        begin = end + 2;
    }

    // RFC 2047: what is encoded decodes back (UTF-8 input only).
    for (char enc : {'B', 'Q'}) {
        auto w = codec::encode_words(in, "UTF-8", enc);
        if (w && codec::decode_words(*w) != in) std::abort();
    }
    codec::decode_words(in);

    // Charsets: from each to UTF-8 and back gives the bytes back when both ways succeed.
    for (const char* cs : {"ISO-8859-1", "GB2312", "Shift_JIS", "UTF-16", "KOI8-R"}) {
        auto u = codec::convert_charset(in, cs, "UTF-8");
        if (!u) continue;
        auto back = codec::convert_charset(*u, "UTF-8", cs);
        if (back && std::string_view(cs) == "ISO-8859-1" && *back != in) std::abort();
    }
    codec::convert_charset(in, "UTF-8", "GBK");
    codec::convert_charset(in, "no-such-charset", "UTF-8");
    return 0;
}
