// seven_bit.cpp — see seven_bit.hpp.
#include "message/seven_bit.hpp"

#include "codec/base64.hpp"
#include "codec/quoted_printable.hpp"
#include "core/ascii.hpp"
#include "message/builder.hpp"

namespace mailsim::message {

namespace {

// A header field as it stands in the header: where it starts and ends
// (folded lines included, CRLF included), and its unfolded value.
struct Field {
    size_t begin = std::string_view::npos, end = 0;
    std::string value;
};

Field find_field(std::string_view header, std::string_view name) {
    Field f;
    for (size_t pos = 0; pos < header.size();) {
        size_t eol = header.find("\r\n", pos);
        eol = eol == std::string_view::npos ? header.size() : eol + 2;
        const std::string_view line = header.substr(pos, eol - pos);
        if (f.begin != std::string_view::npos) {
            if (line.empty() || (line[0] != ' ' && line[0] != '\t')) return f;  // the field ended
            f.value.append(line.substr(0, line.find_last_not_of("\r\n") + 1));
            f.end = eol;
        } else if (line.size() > name.size() && line[name.size()] == ':' && istarts_with(line, name)) {
            f.begin = pos;
            f.end = eol;
            f.value = std::string(line.substr(name.size() + 1, line.find_last_not_of("\r\n") - name.size()));
        }
        pos = eol;
    }
    return f;
}

std::string trimmed_lower(std::string_view v) {
    const size_t b = v.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    const size_t e = v.find_last_not_of(" \t");
    return to_lower(v.substr(b, e - b + 1));
}

}  // namespace

Result<SevenBit> to_seven_bit(std::string_view content) {
    const size_t split = content.find("\r\n\r\n");
    const std::string_view header = split == std::string_view::npos ? content : content.substr(0, split + 2);
    const std::string_view body = split == std::string_view::npos ? std::string_view{} : content.substr(split + 4);
    if (has_8bit(header))
        return Error{"", "the header has 8-bit bytes, which no transfer encoding of the body can carry"};
    const Field type = find_field(header, "Content-Type");
    const std::string media = trimmed_lower(type.value.substr(0, type.value.find(';')));
    if (istarts_with(media, "multipart/") || istarts_with(media, "message/"))
        return Error{"", "8-bit text inside a " + media + " body: each of its parts would need re-encoding"};
    SevenBit out;
    out.body_size = body.size();
    for (unsigned char c : body) out.eight_bit += c >= 0x80;
    out.encoding = seven_bit_encoding_for(body);
    const bool qp = out.encoding == "quoted-printable";
    std::string encoded = qp ? codec::qp_encode(body) : codec::base64_encode(body);
    if (!encoded.empty() && encoded.back() != '\n') encoded += "\r\n";
    const std::string cte = "Content-Transfer-Encoding: " + out.encoding + "\r\n";
    std::string h(header);
    if (const Field f = find_field(header, "Content-Transfer-Encoding"); f.begin != std::string_view::npos)
        h.replace(f.begin, f.end - f.begin, cte);
    else
        h += (find_field(header, "MIME-Version").begin == std::string_view::npos ? "MIME-Version: 1.0\r\n" : "") + cte;
    out.content = h + "\r\n" + encoded;
    return out;
}

}  // namespace mailsim::message
