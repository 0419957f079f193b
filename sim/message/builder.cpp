// builder.cpp — see builder.hpp.
#include "message/builder.hpp"

#include "codec/base64.hpp"
#include "codec/encoded_word.hpp"
#include "codec/quoted_printable.hpp"
#include "core/ascii.hpp"
#include "core/str_cat.hpp"

namespace mailsim::message {

namespace {

// LF → CRLF (a LF already after a CR stays), and a line end at the end.
// Copied a line at a time rather than a byte at a time: every message
// composed passes here.
std::string crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    size_t i = 0;
    for (size_t lf; (lf = text.find('\n', i)) != std::string_view::npos; i = lf + 1) {
        out.append(text.substr(i, lf - i));
        if (lf == 0 || text[lf - 1] != '\r') out += '\r';
        out += '\n';
    }
    out.append(text.substr(i));
    if (!out.empty() && out.back() != '\n') out += "\r\n";
    return out;
}

struct Leaf {
    std::string headers;
    std::string body;
};

Leaf text_leaf(std::string_view subtype, std::string_view text, bool alone) {
    std::string t = crlf(text);
    Leaf l;
    bool eight_bit = has_8bit(t);
    l.headers = str_cat({"Content-Type: text/", subtype, "; charset=", eight_bit ? "UTF-8" : "us-ascii", "\r\n",
                         !eight_bit ? "Content-Transfer-Encoding: 7bit\r\n"
                         : alone    ? "Content-Transfer-Encoding: 8bit\r\n"
                                    : ""});
    if (!eight_bit || alone) {
        l.body = std::move(t);
    } else if (seven_bit_encoding_for(t) == "quoted-printable") {
        l.headers += "Content-Transfer-Encoding: quoted-printable\r\n";
        l.body = codec::qp_encode(t);
        if (!l.body.empty() && l.body.back() != '\n') l.body += "\r\n";
    } else {
        l.headers += "Content-Transfer-Encoding: base64\r\n";
        l.body = codec::base64_encode(t);
    }
    return l;
}

// A forwarded message (message/rfc822): its own lines, never base64 (RFC
// 2046 §5.2.1). In a digest its Content-Type is the default and it goes with
// no header at all.
Leaf message_leaf(const Attachment& a, bool in_digest) {
    Leaf l;
    l.body = crlf(a.data);
    const bool eight_bit = has_8bit(l.body);
    if (!in_digest) {
        auto word = codec::encode_words(a.filename, "UTF-8", 'B');
        l.headers = "Content-Type: message/rfc822\r\nContent-Disposition: " +
                    std::string(a.inline_part ? "inline" : "attachment") + "; filename=\"" + (word ? *word : a.filename) + "\"\r\n";
    }
    if (eight_bit) l.headers += "Content-Transfer-Encoding: 8bit\r\n";
    return l;
}

// `number`: the part's number in the mixed body (2, 3, ...), for its Content-ID.
Leaf attachment_leaf(const Attachment& a, size_t number, const std::string& seed) {
    auto word = codec::encode_words(a.filename, "UTF-8", 'B');
    std::string name = word ? *word : a.filename;
    Leaf l;
    l.headers = "Content-Type: " + a.content_type + "; name=\"" + name + "\"\r\n" +
                "Content-Transfer-Encoding: base64\r\n" + "Content-Disposition: " +
                (a.inline_part ? "inline" : "attachment") + "; filename=\"" + name + "\"\r\n";
    // msg-id = "<" id-left "@" id-right ">" (RFC 2045 §7 by RFC 5322 §3.6.4)
    if (a.inline_part) l.headers += "Content-ID: <part" + std::to_string(number) + "." + seed + "@mailsim>\r\n";
    if (!a.description.empty()) {
        auto d = codec::encode_words(a.description, "UTF-8", 'Q');
        append_folded_field(l.headers, "Content-Description", d ? *d : a.description);
    }
    l.body = codec::base64_encode(a.data);
    return l;
}

std::string multipart(std::string_view subtype, const std::string& boundary, const std::vector<Leaf>& parts, Leaf* out) {
    out->headers = "Content-Type: multipart/" + std::string(subtype) + "; boundary=\"" + boundary + "\"\r\n";
    std::string body = "This is a multi-part message in MIME format.\r\n";
    // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1),
    // so one more follows each body, whose own last line break is content.
    for (const auto& p : parts) body += "--" + boundary + "\r\n" + p.headers + "\r\n" + p.body + "\r\n";
    body += "--" + boundary + "--\r\n";
    out->body = body;
    return body;
}

}  // namespace

void append_folded_field(std::string& out, std::string_view name, std::string_view value) {
    constexpr size_t kLine = 78;  // RFC 5322 §2.1.1: SHOULD be no more than 78 characters
    constexpr size_t kNone = std::string::npos;
    out.reserve(out.size() + name.size() + value.size() + value.size() / 32 + 4);
    size_t line_start = out.size();
    out += name;
    out += ": ";
    size_t content = out.size();  // a fold goes after some text, never right after the colon
    size_t fold_at = kNone;       // the last space or tab after text on this line
    for (size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\n' && out.size() > line_start && out.back() == '\r') {  // an existing fold
            out += c;
            line_start = content = out.size();
            fold_at = kNone;
            continue;
        }
        if ((c == ' ' || c == '\t') && out.size() > content && out.back() != ' ' && out.back() != '\t') fold_at = out.size();
        out += c;
        if (out.size() - line_start > kLine && fold_at != kNone) {
            out.insert(fold_at, "\r\n");
            line_start = fold_at + 2;
            content = line_start + 1;  // the continuation line starts with the white space
            fold_at = kNone;  // it was the last place to fold: none is past it yet
        }
    }
    out += "\r\n";
}

std::string seven_bit_encoding_for(std::string_view text) {
    size_t high = 0;
    for (unsigned char c : text) high += c >= 0x80;
    return high * 5 <= text.size() ? "quoted-printable" : "base64";
}

bool is_attachment_multipart(std::string_view subtype) {
    return subtype == "mixed" || subtype == "parallel" || subtype == "digest";
}

BuiltBody build_body(const BodySpec& spec, const std::string& seed) {
    return build_body(spec.text, spec.html, spec.attachments, seed, spec.multipart);
}

BuiltBody build_body(std::string_view text, std::string_view html, const std::vector<Attachment>& attachments,
                     const std::string& seed, std::string_view subtype) {
    bool alone = html.empty() && attachments.empty();
    Leaf content = text_leaf("plain", text, alone);
    if (!html.empty()) {
        Leaf alt;
        multipart("alternative", "=_alt_" + seed, {content, text_leaf("html", html, false)}, &alt);
        content = std::move(alt);
    }
    if (!attachments.empty()) {
        if (!is_attachment_multipart(subtype)) subtype = "mixed";
        std::vector<Leaf> parts{content};
        for (const auto& a : attachments)
            parts.push_back(a.content_type == "message/rfc822" ? message_leaf(a, subtype == "digest")
                                                               : attachment_leaf(a, parts.size() + 1, seed));
        Leaf outer;
        multipart(subtype, "=_" + std::string(subtype) + "_" + seed, parts, &outer);
        content = std::move(outer);
    }
    BuiltBody b;
    if (!alone || has_8bit(content.body)) b.headers = "MIME-Version: 1.0\r\n" + content.headers;  // plain ASCII needs none
    b.body = std::move(content.body);
    return b;
}

}  // namespace mailsim::message
