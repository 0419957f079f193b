// test_rfc2231.cpp — MIME parameter values in any charset and in sections
// (RFC 2231): the shapes real mail programs write, and broken ones.
#include <catch2/catch.hpp>

#include <string>

#include "codec/rfc2231.hpp"
#include "message/mime.hpp"
#include "view/mime_report.hpp"

using namespace mailsim;

namespace {

// A part with the parameters written after "attachment", as a message the parser reads.
message::Message with_disposition(const std::string& params) {
    return message::parse("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                          "Content-Disposition: attachment;" + params + "\r\n\r\nYWJj\r\n");
}

bool mentions(const std::vector<codec::CodecError>& errors, const std::string& what) {
    for (const auto& e : errors)
        if (e.what.find(what) != std::string::npos) return true;
    return false;
}

}  // namespace

// Made by /usr/bin/python3's email package (EmailMessage.add_attachment with
// filename="系统.txt" and a 38-character Chinese name), bytes as it wrote them.
TEST_CASE("RFC 2231: the Chinese filenames Python's email package writes decode, in one section or six") {
    auto one = with_disposition(" filename*=utf-8''%E7%B3%BB%E7%BB%9F.txt");
    CHECK(one.damage.empty());
    CHECK(one.root->filename == "系统.txt");
    auto six = with_disposition(
        "\r\n filename*0*=utf-8''%E8%AE%A1%E7%AE%97%E6%9C%BA%E7%BD%91%E7%BB%9C%E8%87%AA;"
        "\r\n filename*1*=%E9%A1%B6%E5%90%91%E4%B8%8B%E6%96%B9%E6%B3%95%E7%AC%AC%E5%85%AB;"
        "\r\n filename*2*=%E7%89%88%E7%AC%AC%E4%BA%8C%E7%AB%A0%E5%BA%94%E7%94%A8%E5%B1%82;"
        "\r\n filename*3*=%E7%94%B5%E5%AD%90%E9%82%AE%E4%BB%B6%E7%B3%BB%E7%BB%9F%E7%9A%84;"
        "\r\n filename*4*=%E8%AF%BE%E5%A0%82%E7%BB%83%E4%B9%A0%E4%B8%8E%E7%AD%94%E6%A1%88.;"
        "\r\n filename*5*=pdf");
    CHECK(six.damage.empty());
    CHECK(six.root->filename == "计算机网络自顶向下方法第八版第二章应用层电子邮件系统的课堂练习与答案.pdf");
    // email.mime (compat32) with a language tag: filename=('utf-8', 'zh', '系统.txt')
    auto tagged = codec::decode_extended_value("utf-8'zh'%E7%B3%BB%E7%BB%9F.txt");
    CHECK(tagged.charset == "utf-8");
    CHECK(tagged.language == "zh");
    CHECK(tagged.text == "系统.txt");
    // GB2312, as an older Chinese mail program writes it; name= of Content-Type as well.
    auto gb = message::parse("Content-Type: text/plain; charset=gb2312; name*=gb2312''%CF%B5%CD%B3.txt\r\n\r\nx");
    CHECK(gb.damage.empty());
    CHECK(gb.root->filename == "系统.txt");
    CHECK(gb.root->charset == "gb2312");
}

TEST_CASE("RFC 2231 section 4's examples: a language tag, and sections both encoded and quoted") {
    std::map<std::string, std::string> p = {{"title*", "us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A"}};
    CHECK(codec::parameter_value(p, "title") == "This is ***fun***");
    auto m = message::parse(
        "Content-Type: application/x-stuff;\r\n title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n"
        " title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\"\r\n\r\n");
    CHECK(message::parameter(m.root->content_type.params, "title") == "This is even more ***fun*** isn't it!");
    // The parameters as written stay apart: IMAP's BODYSTRUCTURE sends them so.
    CHECK(m.root->content_type.params.count("title*1*") == 1);
    CHECK(codec::decoded_parameters(m.root->content_type.params) ==
          std::map<std::string, std::string>{{"title", "This is even more ***fun*** isn't it!"}});
}

TEST_CASE("RFC 2231: sections in any order, a character split between two, the extended value before the plain one") {
    // 系 is E7 B3 BB: its bytes are split between sections 0 and 1, which come in the wrong order.
    auto m = with_disposition(" filename*1*=%BB%E7%BB%9F.txt; filename*0*=UTF-8''%E7%B3");
    CHECK(m.damage.empty());
    CHECK(m.root->filename == "系统.txt");
    auto both = with_disposition(" filename=\"fallback.txt\"; filename*=UTF-8''%E7%B3%BB.txt");
    CHECK(both.root->filename == "系.txt");
    auto plain = with_disposition(" filename=\"notes.txt\"");
    CHECK(plain.root->filename == "notes.txt");
}

TEST_CASE("RFC 2231: broken values fall back to what is written and the damage says why") {
    std::vector<codec::CodecError> e;
    SECTION("a bad %-escape is kept as written") {
        CHECK(codec::parameter_value({{"filename*", "UTF-8''report%2.txt"}}, "filename", &e) == "report%2.txt");
        CHECK(mentions(e, "\"%2.\" at character 14 is not a %-escape"));
    }
    SECTION("a bad %-escape inside a character: not UTF-8 then, the value as written") {
        CHECK(codec::parameter_value({{"filename*", "UTF-8''%E7%B3%ZZ.txt"}}, "filename", &e) == "UTF-8''%E7%B3%ZZ.txt");
        CHECK(mentions(e, "\"%ZZ\""));
        CHECK(mentions(e, "UTF-8"));
    }
    SECTION("no charset'language' in front: read as UTF-8, and said") {
        CHECK(codec::parameter_value({{"filename*", "%E7%B3%BB.txt"}}, "filename", &e) == "系.txt");
        CHECK(mentions(e, "no charset'language'"));
    }
    SECTION("an empty charset is allowed: UTF-8 when the bytes are") {
        CHECK(codec::parameter_value({{"filename*", "''%E7%B3%BB"}}, "filename", &e) == "系");
        CHECK(e.empty());
        CHECK(codec::parameter_value({{"filename*", "''%FF%FE"}}, "filename", &e) == "''%FF%FE");
        CHECK(mentions(e, "not UTF-8"));
    }
    SECTION("an unknown charset: the value as written, the charset named") {
        CHECK(codec::parameter_value({{"filename*", "x-no-such-set''%41"}}, "filename", &e) == "x-no-such-set''%41");
        CHECK(mentions(e, "x-no-such-set"));
    }
    SECTION("a missing section: the others joined in order, the gap named") {
        CHECK(codec::parameter_value({{"filename*0", "a"}, {"filename*2", "c"}}, "filename", &e) == "ac");
        CHECK(mentions(e, "section 1 is missing"));
        e.clear();
        CHECK(codec::parameter_value({{"filename*1", "b"}, {"filename*2", "c"}}, "filename", &e) == "bc");
        CHECK(mentions(e, "section 0 is missing"));
    }
    SECTION("section numbers that are not: a leading zero, a huge one") {
        CHECK(codec::parameter_value({{"filename*01", "x"}}, "filename", &e).empty());
        CHECK(codec::parameter_value({{"filename*0", "a"}, {"filename*4000000000", "z"}}, "filename", &e) == "a");
        CHECK(mentions(e, "left out"));
    }
    SECTION("in a message: it still opens, and the damage is at the header field") {
        auto m = with_disposition(" filename*=UTF-8''%E7%B3%ZZ.txt");
        REQUIRE(m.damage.size() == 2);
        CHECK(m.damage[0].offset == m.root->header("Content-Disposition")->span.begin);
        CHECK(m.root->filename == "UTF-8''%E7%B3%ZZ.txt");
    }
    SECTION("junk never crashes") {
        for (std::string junk : {"*", "*=", "filename*=", "filename*0*=", "filename*=''", "filename*='", "filename*=%",
                                 "filename*=%%%", "filename*0*=a'b'c'%; filename*1*=%", "filename**=x", "filename*-1=x",
                                 "filename*0*=UTF-8''%E7; filename*999=%B3"})
            with_disposition(" " + junk);
    }
}

TEST_CASE("RFC 2231: `mailsim mime` shows the decoded filename") {
    auto m = message::parse(
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n"
        "Content-Type: text/plain\r\n\r\nhi\r\n--B\r\nContent-Type: application/octet-stream\r\n"
        "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename*=utf-8''%E7%B3%BB%E7%BB%9F.txt\r\n"
        "\r\nYWJj\r\n--B--\r\n");
    std::string text, json;
    view::mime_report(m, false, text::Lang::en, [&](std::string_view s) { text += s; });
    view::mime_report(m, true, text::Lang::en, [&](std::string_view s) { json += s; });
    CHECK(text.find("attachment \"系统.txt\"") != std::string::npos);
    CHECK(json.find("\"filename\": \"系统.txt\"") != std::string::npos);
}
