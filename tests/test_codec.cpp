// test_codec.cpp — base64, quoted-printable, charsets and MD5, with the
// course's own examples.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include <fmt/format.h>

#include "codec/base64.hpp"
#include "codec/charset.hpp"
#include "codec/md5.hpp"
#include "codec/quoted_printable.hpp"
#include "core/scheduler.hpp"

using namespace mailsim;
using namespace mailsim::codec;

namespace {
std::string random_bytes(Rng& rng, size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng.below(256));
    return s;
}
}  // namespace

TEST_CASE("the course's bits 010010 010011 000101 111001 are STF5 in base64") {
    auto groups = explain_base64("I1y");
    REQUIRE(groups.size() == 1);
    REQUIRE(groups[0].bits == "010010010011000101111001");
    REQUIRE(groups[0].sextets == std::array<int, 4>{18, 19, 5, 57});
    REQUIRE(groups[0].chars == "STF5");
    REQUIRE(base64_encode("I1y", false) == "STF5");
}

TEST_CASE("系统 in GB2312 is CF B5 CD B3, in quoted-printable =CF=B5=CD=B3") {
    auto gb = convert_charset("系统", "UTF-8", "GB2312");
    REQUIRE(gb);
    REQUIRE(*gb == "\xCF\xB5\xCD\xB3");
    REQUIRE(qp_encode(*gb) == "=CF=B5=CD=B3");
    auto back = convert_charset(qp_decode("=CF=B5=CD=B3"), "gb2312", "utf-8");
    REQUIRE(back);
    REQUIRE(*back == "系统");
}

TEST_CASE("base64 pads a final group of one byte with == and of two bytes with =") {
    REQUIRE(base64_encode("M", false) == "TQ==");
    REQUIRE(base64_encode("Ma", false) == "TWE=");
    REQUIRE(base64_encode("Man", false) == "TWFu");
    auto g = explain_base64("M");
    REQUIRE(g[0].padding == 2);
    REQUIRE(g[0].sextets[2] == -1);
}

TEST_CASE("base64 lines are 76 characters ending CRLF") {
    std::string data(200, 'x');
    std::string enc = base64_encode(data);
    size_t first = enc.find("\r\n");
    REQUIRE(first == 76);
    for (size_t pos = 0; pos < enc.size();) {
        size_t eol = enc.find("\r\n", pos);
        REQUIRE(eol != std::string::npos);
        REQUIRE(eol - pos <= 76);
        pos = eol + 2;
    }
}

TEST_CASE("base64 round trips random data, decoded whole or byte by byte") {
    Rng rng(2026);
    for (size_t n = 0; n < 300; n += 7) {
        std::string data = random_bytes(rng, n);
        std::string enc = base64_encode(data);
        std::vector<CodecError> errors;
        REQUIRE(base64_decode(enc, &errors) == data);
        REQUIRE(errors.empty());
        Base64Decoder d;
        for (char c : enc) d.feed(std::string_view(&c, 1));
        REQUIRE(d.finish() == data);
    }
}

TEST_CASE("bad base64 is reported at its byte offset and decoding goes on") {
    std::vector<CodecError> errors;
    std::string out = base64_decode("TW!Fu", &errors);
    REQUIRE(out == "Man");
    REQUIRE(errors.size() == 1);
    REQUIRE(errors[0].offset == 2);
    errors.clear();
    base64_decode("TWFuT", &errors);
    REQUIRE(errors.size() == 1);
    REQUIRE(errors[0].offset == 4);
    errors.clear();
    base64_decode("T===", &errors);
    REQUIRE(!errors.empty());
}

TEST_CASE("quoted-printable keeps ASCII, escapes '=', 8-bit bytes and trailing spaces") {
    REQUIRE(qp_encode("a=b") == "a=3Db");
    REQUIRE(qp_encode("caf\xC3\xA9") == "caf=C3=A9");
    REQUIRE(qp_encode("end \r\nnext") == "end=20\r\nnext");
    REQUIRE(qp_encode("tab\t") == "tab=09");
    REQUIRE(qp_encode("a\r\nb", true) == "a=0D=0Ab");
}

TEST_CASE("quoted-printable breaks long lines softly, and decoding removes the breaks") {
    std::string line(200, 'y');
    std::string enc = qp_encode(line);
    for (size_t pos = 0; pos < enc.size();) {
        size_t eol = enc.find("\r\n", pos);
        size_t end = eol == std::string::npos ? enc.size() : eol;
        REQUIRE(end - pos <= 76);
        if (eol == std::string::npos) break;
        REQUIRE(enc[eol - 1] == '=');
        pos = eol + 2;
    }
    REQUIRE(qp_decode(enc) == line);
}

TEST_CASE("quoted-printable round trips random text and binary data") {
    Rng rng(7);
    for (int i = 0; i < 100; ++i) {
        std::string bin = random_bytes(rng, rng.below(400));
        REQUIRE(qp_decode(qp_encode(bin, true)) == bin);
        std::string text;
        for (int k = 0; k < 300; ++k) {
            auto r = rng.below(20);
            text += r == 0 ? std::string("\r\n") : r == 1 ? std::string(" ") : r == 2 ? std::string("\xE7\xB3\xBB")
                                                                           : std::string(1, static_cast<char>('a' + r));
        }
        REQUIRE(qp_decode(qp_encode(text)) == text);
    }
}

TEST_CASE("a bad quoted-printable escape is kept and reported at its offset") {
    std::vector<CodecError> errors;
    REQUIRE(qp_decode("a=G1b=4", &errors) == "a=G1b=4");
    REQUIRE(errors.size() == 2);
    REQUIRE(errors[0].offset == 1);
    REQUIRE(errors[1].offset == 5);
    REQUIRE(qp_decode("soft=\r\nbreak") == "softbreak");
    REQUIRE(qp_decode("=c3=a9") == "\xC3\xA9");  // lower-case hex tolerated
}

TEST_CASE("charsets: an unknown one and an invalid sequence are errors that say where") {
    auto unknown = convert_charset("x", "UTF-8", "KLINGON-8");
    REQUIRE(!unknown);
    REQUIRE(unknown.error().what.find("KLINGON-8") != std::string::npos);
    auto bad = convert_charset("ab\xFF", "UTF-8", "GBK");
    REQUIRE(!bad);
    REQUIRE(bad.error().where == "byte 2");
    for (auto [text, cs] : std::vector<std::pair<std::string, std::string>>{
             {"系统", "GBK"}, {"系统", "GB18030"}, {"系統", "BIG5"}, {"caf\xC3\xA9", "ISO-8859-1"}}) {
        INFO(cs);
        auto s = convert_charset(text, "UTF-8", cs);
        REQUIRE(s);
        REQUIRE(*convert_charset(*s, cs, "UTF-8") == text);
    }
    // 统 is a simplified character: Big5 (traditional) has no form for it.
    auto simplified = convert_charset("系统", "UTF-8", "BIG5");
    REQUIRE(!simplified);
    REQUIRE(simplified.error().where == "byte 3");
}

TEST_CASE("MD5 gives RFC 1321's test digests and RFC 1939's APOP example") {
    REQUIRE(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
    REQUIRE(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
    REQUIRE(md5_hex("<1896.697170952@dbc.mtview.ca.us>tanstaaf") == "c4c9334bac560ecc979e58001b3e22fb");
}

#include "codec/encoded_word.hpp"

TEST_CASE("RFC 2047 section 8's examples decode as the RFC says") {
    REQUIRE(decode_words("(=?ISO-8859-1?Q?a?=)") == "(a)");
    REQUIRE(decode_words("(=?ISO-8859-1?Q?a?= b)") == "(a b)");
    REQUIRE(decode_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)") == "(ab)");
    REQUIRE(decode_words("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)") == "(ab)");
    REQUIRE(decode_words("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)") == "(ab)");
    REQUIRE(decode_words("(=?ISO-8859-1?Q?a_b?=)") == "(a b)");
    REQUIRE(decode_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)") == "(a b)");
    REQUIRE(decode_words("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=") == "Keld Jørn Simonsen");
}

TEST_CASE("encoded words: 系统 in GB2312, at most 75 characters a word, never splitting a character") {
    REQUIRE(*encode_words("系统", "GB2312", 'B') == "=?GB2312?B?z7XNsw==?=");
    REQUIRE(*encode_words("系统", "GB2312", 'Q') == "=?GB2312?Q?=CF=B5=CD=B3?=");
    REQUIRE(*encode_words("plain ASCII stays") == "plain ASCII stays");
    std::string long_text;
    for (int i = 0; i < 40; ++i) long_text += "计算机网络";
    for (char enc : {'B', 'Q'}) {
        auto words = encode_words(long_text, "UTF-8", enc);
        REQUIRE(words);
        size_t pos = 0, count = 0;
        while (pos < words->size()) {
            size_t end = words->find("\r\n ", pos);
            std::string_view word = std::string_view(*words).substr(pos, end == std::string::npos ? std::string::npos : end - pos);
            REQUIRE(word.size() <= 75);
            ++count;
            pos = end == std::string::npos ? words->size() : end + 3;
        }
        REQUIRE(count > 3);
        REQUIRE(decode_words(*words) == long_text);
    }
}

TEST_CASE("broken encoded words are kept and reported, never a crash") {
    std::vector<CodecError> errors;
    REQUIRE(decode_words("x =?UTF-8?X?abc?= y", &errors) == "x =?UTF-8?X?abc?= y");
    REQUIRE(errors.size() == 1);
    REQUIRE(errors[0].offset == 2);
    errors.clear();
    REQUIRE(decode_words("=?NO-SUCH-CHARSET?B?YQ==?=", &errors) == "=?NO-SUCH-CHARSET?B?YQ==?=");
    REQUIRE(errors.size() == 1);
    for (std::string junk : {"=?", "=?a?", "=?a?b?", "=?a?B?", "=?" "?B?" "?=", "?=?=", "=?UTF-8?B?!!!?="}) decode_words(junk);
    auto bad = encode_words("系统", "ISO-8859-1");
    REQUIRE(!bad);
}

TEST_CASE("the fast encoders write exactly what the explained steps say, on random and tricky input", "[codec]") {
    std::mt19937_64 rng(42);
    const std::string alphabet = std::string("ab =\t\r\n\r\n.xyz\x7f\x01") + "\xc3\xa9\xe7\xb3\xbb";
    for (int round = 0; round < 400; ++round) {
        std::string data;
        const size_t n = rng() % 300;
        for (size_t i = 0; i < n; ++i)
            data += round % 2 ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
        for (bool binary : {false, true}) {
            std::string joined;
            for (const auto& s : codec::explain_qp(data, binary)) joined += s.output;
            INFO("round " << round << " binary " << binary);
            REQUIRE(codec::qp_encode(data, binary) == joined);
            REQUIRE(codec::qp_decode(joined) == (binary ? data : codec::qp_decode(joined)));
        }
        // base64: the explained groups, in 76-column lines, decode back; fed in pieces too.
        std::string groups;
        for (const auto& g : codec::explain_base64(data)) groups += g.chars;
        std::string lines;
        for (size_t i = 0; i < groups.size(); i += 76) lines += groups.substr(i, 76) + "\r\n";
        REQUIRE(codec::base64_encode(data) == lines);
        REQUIRE(codec::base64_encode(data, false) == groups);
        REQUIRE(codec::base64_decode(lines) == data);
        codec::Base64Decoder d;
        for (size_t i = 0; i < lines.size();) {
            size_t k = 1 + rng() % 7;
            d.feed(std::string_view(lines).substr(i, k));
            i += k;
        }
        REQUIRE(d.finish() == data);
        REQUIRE(d.errors().empty());
    }
}

TEST_CASE("base64 decoding errors keep their offsets when fed in pieces", "[codec]") {
    const std::string text = "QUJD\r\nR!EV\r\nRg";
    std::vector<codec::CodecError> whole;
    std::string a = codec::base64_decode(text, &whole);
    codec::Base64Decoder d;
    for (char c : text) d.feed(std::string_view(&c, 1));
    std::string b = d.finish();
    CHECK(a == b);
    REQUIRE(whole.size() == d.errors().size());
    for (size_t i = 0; i < whole.size(); ++i) {
        CHECK(whole[i].offset == d.errors()[i].offset);
        CHECK(whole[i].what == d.errors()[i].what);
    }
    REQUIRE(whole.size() == 2);
    CHECK(whole[0].offset == 7);  // the '!'
}

namespace {

// RFC 2045 §6.7 read line by line, as plainly as it can be said: the
// reference the eight-bytes-at-a-time decoder is held to.
std::string qp_decode_by_lines(std::string_view text, std::vector<codec::CodecError>& errors) {
    auto hex = [](char c) {
        const char* digits = "0123456789ABCDEFabcdef";
        const char* at = c ? std::strchr(digits, c) : nullptr;
        return !at ? -1 : at - digits < 16 ? static_cast<int>(at - digits) : static_cast<int>(at - digits) - 6;
    };
    std::string out;
    for (size_t i = 0; i < text.size();) {
        const size_t eol = text.find('\n', i);
        const size_t line_end = eol == std::string_view::npos ? text.size() : eol;
        const size_t content_end = line_end > i && text[line_end - 1] == '\r' ? line_end - 1 : line_end;
        size_t trimmed = content_end;
        while (trimmed > i && (text[trimmed - 1] == ' ' || text[trimmed - 1] == '\t')) --trimmed;
        bool soft = false;
        for (size_t k = i; k < trimmed; ++k) {
            if (text[k] != '=') {
                out += text[k];
                continue;
            }
            if (k + 1 == trimmed) {
                soft = true;
                break;
            }
            const int hi = hex(text[k + 1]);
            const int lo = k + 2 < trimmed ? hex(text[k + 2]) : -1;
            if (hi < 0 || lo < 0) {
                errors.push_back({k, fmt::format("\"={}\" is not an =XX escape; kept as it is",
                                                 text.substr(k + 1, std::min<size_t>(2, trimmed - k - 1)))});
                out += '=';
                continue;
            }
            out += static_cast<char>(hi * 16 + lo);
            k += 2;
        }
        if (eol == std::string_view::npos) break;
        if (!soft) out += text.substr(content_end, line_end + 1 - content_end);
        i = eol + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("the fast quoted-printable decoder reads every input as RFC 2045 read line by line does", "[codec]") {
    std::mt19937_64 rng(7);
    // Escapes, broken escapes, soft breaks, trailing white space, bare CR and LF.
    const std::vector<std::string> pieces = {"a", "Bc", " ", "\t", "=", "=3D", "=C3=A9", "=c3", "=G1", "=4", "\r\n", "\n",
                                             "\r", "= \r\n", "=\r\n", "  \r\n", "xyzw1234", "\x80", "=\t\t"};
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        const size_t n = rng() % 40;
        for (size_t i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
        std::vector<codec::CodecError> ours, theirs;
        const std::string expected = qp_decode_by_lines(text, theirs);
        INFO("round " << round << ": " << text);
        REQUIRE(codec::qp_decode(text, &ours) == expected);
        REQUIRE(ours.size() == theirs.size());
        for (size_t i = 0; i < ours.size(); ++i) {
            CHECK(ours[i].offset == theirs[i].offset);
            CHECK(ours[i].what == theirs[i].what);
        }
    }
}
