// test_mime.cpp — the MIME parser: structure, offsets, damage, and a
// generated corpus checked against Python's email package.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "codec/base64.hpp"
#include "codec/quoted_printable.hpp"
#include "codec/sha256.hpp"
#include "core/scheduler.hpp"
#include "message/mime.hpp"

using namespace mailsim;

namespace {

nlohmann::json tree(const message::Message& m, const message::Part& p) {
    nlohmann::json j;
    j["content_type"] = p.content_type.full();
    j["charset"] = p.charset.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.charset);
    j["transfer_encoding"] = p.transfer_encoding;
    j["filename"] = p.filename.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.filename);
    j["parts"] = nlohmann::json::array();
    if (p.children.empty() || p.content_type.full() == "message/rfc822") {
        if (p.content_type.full() == "message/rfc822") {
            for (const auto& c : p.children) j["parts"].push_back(tree(m, *c));
            j["size"] = nullptr;
            j["sha256"] = nullptr;
            return j;
        }
        std::string body = message::decoded_body(m, p);
        // Python's email package hands text out with LF line breaks where the
        // canonical form has CRLF (not always: it depends on the encoding);
        // text is compared with LF line breaks on both sides.
        if (p.content_type.type == "text")
            for (size_t at = body.find("\r\n"); at != std::string::npos; at = body.find("\r\n", at)) body.erase(at, 1);
        j["size"] = body.size();
        j["sha256"] = codec::sha256_hex(body);
    } else {
        j["size"] = nullptr;
        j["sha256"] = nullptr;
        for (const auto& c : p.children) j["parts"].push_back(tree(m, *c));
    }
    return j;
}

// A random but realistic message: nested multiparts, text in QP, binary in base64.
std::string make_part(Rng& rng, int depth, int& boundary_no) {
    auto r = rng.below(depth >= 3 ? 3 : 5);
    std::string text;
    for (int i = 0, n = static_cast<int>(rng.below(12)) + 1; i < n; ++i) {
        std::string line;
        for (int k = 0, w = static_cast<int>(rng.below(90)); k < w; ++k) {
            auto c = rng.below(30);
            line += c == 0 ? std::string("\xC3\xA9") : c == 1 ? std::string("=") : c == 2 ? std::string(" ")
                                                                              : std::string(1, static_cast<char>('a' + c % 26));
        }
        text += line + "\r\n";
    }
    if (r == 0) return "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
                       codec::qp_encode(text) + "\r\n";
    if (r == 1) {
        std::string bin;
        for (int i = 0, n = static_cast<int>(rng.below(3000)); i < n; ++i) bin += static_cast<char>(rng.below(256));
        // The filename as mail programs write it: plain, RFC 2231 in one
        // section (Python, Thunderbird), or in sections that split 系 between them.
        const auto n = rng.below(100);
        const std::string number = std::to_string(n);
        const std::string filename = n % 3 == 0 ? "filename=\"data.bin\""
                                     : n % 3 == 1 ? "filename*=utf-8''%E7%B3%BB%E7%BB%9F" + number + ".bin"
                                                  : "\r\n filename*1*=%BB%E7%BB%9F;\r\n filename*0*=utf-8'zh'%E7%B3;\r\n filename*2=\"" + number + ".bin\"";
        return "Content-Type: application/octet-stream; name=\"f" + number + ".bin\"\r\nContent-Disposition: attachment; " +
               filename + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + codec::base64_encode(bin);
    }
    if (r == 2) return "Content-Type: text/html; charset=\"us-ascii\"\r\n\r\n<p>hello</p>\r\n";
    std::string b = "b" + std::to_string(boundary_no++) + "_" + std::to_string(rng.below(1000000));
    std::string kind = r == 3 ? "mixed" : "alternative";
    std::string out = "Content-Type: multipart/" + kind + "; boundary=\"" + b + "\"\r\n\r\npreamble\r\n";
    for (int i = 0, n = static_cast<int>(rng.below(3)) + 1; i < n; ++i) out += "--" + b + "\r\n" + make_part(rng, depth + 1, boundary_no);
    out += "--" + b + "--\r\nepilogue\r\n";
    return out;
}

}  // namespace

TEST_CASE("MIME: a multipart message's tree, filenames, charsets and decoded bodies") {
    std::string raw =
        "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\npre\r\n"
        "--XYZ\r\nContent-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "=CF=B5=CD=B3\r\n--XYZ\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=\"logo.png\"\r\n\r\niVBORw0KGgo=\r\n--XYZ--\r\nepi\r\n";
    auto m = message::parse(raw);
    REQUIRE(m.damage.empty());
    REQUIRE(m.root->children.size() == 2);
    const auto& text = *m.root->children[0];
    REQUIRE(text.charset == "gb2312");
    REQUIRE(message::decoded_body(m, text) == "\xCF\xB5\xCD\xB3");
    const auto& png = *m.root->children[1];
    REQUIRE(png.filename == "logo.png");
    REQUIRE(png.disposition == "attachment");
    REQUIRE(message::decoded_body(m, png) == "\x89PNG\r\n\x1a\n");
    REQUIRE(m.raw.substr(m.root->boundaries[0].begin, 5) == "--XYZ");
    REQUIRE(m.raw.substr(m.root->preamble.begin, 3) == "pre");
    REQUIRE(m.raw.substr(m.root->epilogue.begin, 3) == "epi");
}

TEST_CASE("MIME: in multipart/digest a part's default type is message/rfc822") {
    auto m = message::parse("Content-Type: multipart/digest; boundary=D\r\n\r\n--D\r\n\r\nSubject: inner\r\n\r\nbody\r\n--D--\r\n");
    REQUIRE(m.root->children.at(0)->content_type.full() == "message/rfc822");
    REQUIRE(m.root->children[0]->children.at(0)->header("Subject")->value == "inner");
}

TEST_CASE("MIME: damaged messages still open and the damage says where") {
    auto no_close = message::parse("Content-Type: multipart/mixed; boundary=Q\r\n\r\n--Q\r\n\r\nhello\r\n");
    REQUIRE(no_close.root->children.size() == 1);
    REQUIRE(no_close.damage.size() == 1);
    REQUIRE(no_close.damage[0].what.find("closing boundary") != std::string::npos);
    auto no_colon = message::parse("Subject: a\r\nthis line has no colon\r\n\r\nbody");
    REQUIRE(no_colon.damage.size() == 1);
    REQUIRE(no_colon.damage[0].offset == 12);
    auto bad64 = message::parse("Content-Transfer-Encoding: base64\r\n\r\nTW!Fu\r\n");
    std::vector<message::Damage> d;
    REQUIRE(message::decoded_body(bad64, *bad64.root, &d) == "Man");
    REQUIRE(d.size() == 1);
    REQUIRE(d[0].offset == 39);
    for (std::string junk : {"", "\r\n", ":", "Content-Type: multipart/mixed\r\n\r\n--", "Content-Type: /\r\n\r\n",
                             "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n--\r\n"})
        message::parse(junk);
}

TEST_CASE("MIME: a generated corpus parses as Python's email package parses it") {
    auto dir = std::filesystem::temp_directory_path() / "mailsim-mime-corpus";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    Rng rng(5321);
    std::vector<std::string> files;
    for (int i = 0; i < 300; ++i) {
        int boundary_no = 0;
        std::string msg = "From: a@b.c\r\nSubject: corpus " + std::to_string(i) + "\r\nMIME-Version: 1.0\r\n";
        std::string body = make_part(rng, 0, boundary_no);
        if (rng.below(4) == 0)  // nested message/rfc822
            body = "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\n"
                   "Subject: inner\r\nMIME-Version: 1.0\r\n" + body + "\r\n--outer--\r\n";
        msg += body;
        std::string path = (dir / ("m" + std::to_string(i) + ".eml")).string();
        std::ofstream(path, std::ios::binary) << msg;
        files.push_back(path);
    }
    std::string cmd = "python3 " + std::string(MAILSIM_SOURCE_DIR) + "/tests/mime_reference.py";
    for (const auto& f : files) cmd += " " + f;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    std::array<char, 65536> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    REQUIRE(::pclose(p) == 0);
    std::istringstream lines(out);
    std::string line;
    size_t i = 0;
    while (std::getline(lines, line)) {
        INFO("message " << files.at(i));
        auto python = nlohmann::json::parse(line);
        std::ifstream in(files[i], std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        auto m = message::parse(ss.str());
        auto ours = tree(m, *m.root);
        CHECK(ours.dump() == python.dump());
        ++i;
    }
    REQUIRE(i == files.size());
    if (!std::getenv("MAILSIM_KEEP_CORPUS")) std::filesystem::remove_all(dir);
}

#include "agents/user_agent.hpp"
#include "support.hpp"

TEST_CASE("a mail may hold its parts in multipart/parallel or digest, where forwarded messages need no header") {
    auto w = test::run_scenario(test::two_domains(R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu",
        "subject": "digest", "body": "Two questions.", "multipart": "digest",
        "attachments": [ { "filename": "q1.eml", "content_type": "message/rfc822", "text": "Subject: Port 25?\n\nWhich port?\n" },
                         { "filename": "q2.eml", "content_type": "message/rfc822", "text": "Subject: 系统\n\n8-bit\n" } ] },
        { "at": "2s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "subject": "parallel", "body": "Look and listen.",
          "multipart": "parallel", "attachments": [ { "filename": "a.png", "content_type": "image/png", "size": 30 },
                                                   { "filename": "q.eml", "content_type": "message/rfc822", "text": "Subject: x\n\ny\n" } ] })"));
    const auto& box = w->server("mail.hamburger.edu")->mailboxes().of("bob");
    REQUIRE(box.size() == 2);
    auto digest = message::parse(box.at(0).content);
    REQUIRE(digest.damage.empty());
    REQUIRE(digest.root->content_type.full() == "multipart/digest");
    REQUIRE(digest.root->children.size() == 3);
    CHECK(digest.root->children[0]->content_type.full() == "text/plain");
    for (size_t i : {1u, 2u}) {
        const auto& q = *digest.root->children[i];
        CHECK(q.header("Content-Type") == nullptr);  // the default type, message/rfc822, is not written
        CHECK(q.content_type.full() == "message/rfc822");
        CHECK(q.transfer_encoding != "base64");  // RFC 2046 §5.2.1: 7bit or 8bit only
        REQUIRE(q.children.size() == 1);
    }
    CHECK(digest.root->children[1]->children[0]->header("Subject")->value == "Port 25?");
    CHECK(digest.root->children[1]->headers.empty());
    CHECK(digest.root->children[2]->transfer_encoding == "8bit");
    auto parallel = message::parse(box.at(1).content);
    REQUIRE(parallel.root->content_type.full() == "multipart/parallel");
    REQUIRE(parallel.root->children.size() == 3);
    CHECK(parallel.root->children[2]->header("Content-Type")->value == "message/rfc822");
    CHECK(parallel.root->children[2]->filename == "q.eml");
    // A subtype that cannot hold attachments, or one named without attachments, is refused by name.
    auto bad = scenario::parse_scenario(test::two_domains(R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu",
        "body": "x", "multipart": "alternative", "attachments": [ { "filename": "a", "text": "b" } ] })"));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message().find("mails[0].multipart: expected \"mixed\", \"parallel\" or \"digest\"") != std::string::npos);
    auto none = scenario::parse_scenario(test::two_domains(R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu",
        "body": "x", "multipart": "digest" })"));
    REQUIRE_FALSE(none);
    CHECK(none.error().message().find("mails[0].multipart: a mail without \"attachments\"") != std::string::npos);
}

TEST_CASE("a user agent builds text + HTML as multipart/alternative, with attachments in multipart/mixed") {
    auto w = test::run_scenario(test::two_domains(R"({ "at": "1s", "from": "alice@crepes.fr", "to": "bob@hamburger.edu",
        "subject": "photos", "body": "Voilà les photos.", "html": "<p>Voilà les <b>photos</b>.</p>",
        "attachments": [ { "filename": "crêpe.png", "content_type": "image/png", "size": 5000 },
                         { "filename": "notes.txt", "content_type": "text/plain", "text": "eggs\nmilk\n" },
                         { "filename": "song.mp3", "content_type": "audio/mpeg", "size": 300 } ] })"));
    const std::string& stored = w->server("mail.hamburger.edu")->mailboxes().of("bob").at(0).content;
    auto m = message::parse(stored);
    REQUIRE(m.damage.empty());
    REQUIRE(m.root->content_type.full() == "multipart/mixed");
    REQUIRE(m.root->children.size() == 4);
    const auto& alt = *m.root->children[0];
    REQUIRE(alt.content_type.full() == "multipart/alternative");
    REQUIRE(alt.children.at(0)->content_type.full() == "text/plain");
    REQUIRE(alt.children.at(1)->content_type.full() == "text/html");
    REQUIRE(alt.children[0]->transfer_encoding == "quoted-printable");
    REQUIRE(message::decoded_body(m, *alt.children[0]) == "Voilà les photos.\r\n");
    const auto& png = *m.root->children[1];
    REQUIRE(png.content_type.full() == "image/png");
    REQUIRE(png.disposition == "attachment");
    REQUIRE(message::decoded_body(m, png).size() == 5000);
    REQUIRE(png.filename == "=?UTF-8?B?Y3LDqnBlLnBuZw==?=");
    REQUIRE(message::decoded_body(m, *m.root->children[2]) == "eggs\nmilk\n");
    REQUIRE(m.root->children[3]->content_type.full() == "audio/mpeg");
    REQUIRE(!has_8bit(stored));  // everything 7-bit: multipart text is encoded at once
}

TEST_CASE("a bad attachment in a scenario names its place") {
    auto s = scenario::parse_scenario(test::two_domains(
        R"({ "from": "alice@crepes.fr", "to": "bob@hamburger.edu", "attachments": [ { "filename": "x", "base64": "!!" } ] })"), "s.json");
    REQUIRE(!s);
    REQUIRE(s.error().message().find("s.json: mails[0].attachments[0].base64: not base64") == 0);
}
