// test_http.cpp — the HTTP/1.1 webmail engines: framing whole and byte by
// byte, persistent connections, every route and status code, HEAD, escaping,
// a message whose objects each take one more request, bad input, and a
// browser engine joined to the server engine in memory.
#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>

#include "message/builder.hpp"
#include "protocol/catalog.hpp"
#include "protocol/http/client_session.hpp"
#include "protocol/http/server_session.hpp"
#include "text/text.hpp"

using namespace mailsim;
using namespace mailsim::http;

namespace {

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string("\0\0\0\rIHDR", 8) + "pixels";
const std::string kPdf = "%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n";

std::shared_ptr<const std::string> stored(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

// Alice's mail to Bob: text, an inline image and an attachment (multipart/mixed).
std::string multipart_message(bool with_html = false) {
    message::BodySpec spec;
    spec.text = "Hi Bob,\nthe picture is below, the report attached.\n";
    if (with_html) spec.html = "<p>Hi Bob,</p>";
    spec.attachments.push_back({"photo.png", "image/png", kPng, true, ""});
    spec.attachments.push_back({"report.pdf", "application/pdf", kPdf, false, ""});
    auto b = message::build_body(spec, "t1");
    return "From: =?UTF-8?B?5byg5LiJ?= <alice@crepes.fr>\r\nTo: bob@hamburger.edu\r\n"
           "Subject: =?UTF-8?B?57O757uf?= report\r\nDate: Sun, 22 Nov 2026 09:00:00 +0000\r\n" +
           b.headers + "\r\n" + b.body;
}

struct WebTestBackend : WebmailBackend {
    std::map<std::string, std::vector<InboxMessage>> boxes;
    std::map<std::string, std::string> overrides;  // "GET /inbox" → "503 Service Unavailable"
    bool broken = false;
    std::int64_t clock = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example
    WebTestBackend() {
        boxes["bob"] = {
            {"m1", stored("From: Carol <carol@x.org>\r\nSubject: Lunch <today> & \"soon\"\r\n\r\nNoon?\r\n"), 100, false},
            {"m2", stored(multipart_message()), 200, false}};
    }
    std::optional<std::string> override_for(std::string_view method, std::string_view path) override {
        auto it = overrides.find(std::string(method) + " " + std::string(path));
        return it == overrides.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    bool check_login(const std::string& u, const std::string& p) override { return u == "bob" && p == "hamburger"; }
    std::vector<InboxMessage> inbox(const std::string& u) override {
        if (broken) throw std::runtime_error("disk on fire");
        return boxes[u];
    }
    void mark_seen(const std::string& u, const std::string& id) override {
        for (auto& m : boxes[u])
            if (m.id == id) m.seen = true;
    }
    void remove(const std::string& u, const std::string& id) override {
        std::erase_if(boxes[u], [&](auto& m) { return m.id == id; });
    }
    std::int64_t now() override { return clock; }
};

std::string request(std::string_view method, std::string_view target, std::string_view fields = "",
                    std::string_view body = "") {
    std::string r = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: mail.example\r\n";
    r += fields;
    if (!body.empty() || method == "POST") r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    return r + "\r\n" + std::string(body);
}

Response parse_response(const std::string& bytes, std::string_view method = "GET") {
    ResponseParser p;
    p.expect(method);
    p.feed(bytes);
    auto r = p.next();
    REQUIRE(r);
    return *r;
}

struct WebTestServer {
    WebTestBackend backend;
    HttpServerSession session{HttpSettings{}, backend};
    std::vector<protocol::Outgoing> units;
    std::string cookie() const { return "Cookie: session=" + session.session_token("bob") + "\r\n"; }
    // Sends bytes; returns the responses they got.
    std::vector<Response> send(std::string_view bytes, std::string_view method = "GET") {
        session.receive(bytes);
        std::vector<Response> got;
        for (auto& o : session.take_output()) {
            got.push_back(parse_response(o.bytes, method));
            units.push_back(std::move(o));
        }
        return got;
    }
    Response one(std::string_view bytes, std::string_view method = "GET") {
        auto r = send(bytes, method);
        REQUIRE(r.size() == 1);
        return r[0];
    }
    Response get(std::string_view target, bool logged_in = true) {
        return one(request("GET", target, logged_in ? cookie() : ""));
    }
};

std::string field(const Response& r, std::string_view name) {
    const std::string* v = r.fields.find(name);
    return v ? *v : std::string("(none)");
}

}  // namespace

TEST_CASE("a request is parsed the same whole and byte by byte", "[http]") {
    std::string wire = "\r\nPOST /login HTTP/1.1\r\nHost: mail.example\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                       "Content-Length: 27\r\n\r\nuser=bob&password=hamburgerGET /inbox HTTP/1.0\nCookie: a=b\n\n";
    auto run = [&](size_t piece) {
        RequestParser p;
        std::vector<Request> got;
        std::vector<Stage> stages;
        for (size_t i = 0; i < wire.size(); i += piece) {
            p.feed(std::string_view(wire).substr(i, piece));
            while (auto r = p.next()) got.push_back(std::move(*r));
            for (auto s : p.take_stages()) stages.push_back(s);
        }
        return std::make_pair(got, stages);
    };
    auto [whole, whole_stages] = run(wire.size());
    auto [bytes, byte_stages] = run(1);
    REQUIRE(whole.size() == 2);
    REQUIRE(bytes.size() == 2);
    for (size_t i = 0; i < 2; ++i) {
        REQUIRE(whole[i].method == bytes[i].method);
        REQUIRE(whole[i].target == bytes[i].target);
        REQUIRE(whole[i].fields.list == bytes[i].fields.list);
        REQUIRE(whole[i].body == bytes[i].body);
    }
    REQUIRE(whole[0].body == "user=bob&password=hamburger");
    REQUIRE(whole[0].keep_alive());
    REQUIRE(whole[1].minor == 0);
    REQUIRE(!whole[1].keep_alive());
    REQUIRE(*whole[1].fields.find("cookie") == "a=b");
    REQUIRE(whole_stages == byte_stages);
    REQUIRE(whole_stages == std::vector<Stage>{Stage::FieldLines, Stage::MessageBody, Stage::StartLine, Stage::FieldLines,
                                               Stage::StartLine});
}

TEST_CASE("a response is parsed the same whole and byte by byte, a body until the close included", "[http]") {
    std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"
                       "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nHTTP/1.0 200 OK\r\n\r\nrest of it";
    auto run = [&](size_t piece) {
        ResponseParser p;
        for (auto m : {"GET", "GET", "HEAD", "GET"}) p.expect(m);
        std::vector<Response> got;
        for (size_t i = 0; i < wire.size(); i += piece) {
            p.feed(std::string_view(wire).substr(i, piece));
            while (auto r = p.next()) got.push_back(std::move(*r));
        }
        if (auto r = p.finish()) got.push_back(std::move(*r));
        return got;
    };
    auto whole = run(wire.size()), bytes = run(1);
    REQUIRE(whole.size() == 4);
    REQUIRE(bytes.size() == 4);
    for (size_t i = 0; i < 4; ++i) {
        REQUIRE(whole[i].status == bytes[i].status);
        REQUIRE(whole[i].body == bytes[i].body);
    }
    REQUIRE(whole[0].body == "hello");
    REQUIRE(whole[1].status == 304);
    REQUIRE(whole[2].body.empty());  // HEAD: Content-Length 99 but no body
    REQUIRE(whole[3].body == "rest of it");
    REQUIRE(!whole[3].keep_alive());
}

TEST_CASE("GET / is the login page with Date, Server, Content-Type and Content-Length", "[http]") {
    WebTestServer s;
    auto r = s.get("/", false);
    REQUIRE(r.status == 200);
    REQUIRE(r.reason == "OK");
    REQUIRE(field(r, "Date") == "Sun, 06 Nov 1994 08:49:37 GMT");
    REQUIRE(field(r, "Server") == "mailsim-webmail/0.1");
    REQUIRE(field(r, "Content-Type") == "text/html; charset=utf-8");
    REQUIRE(field(r, "Content-Length") == std::to_string(r.body.size()));
    REQUIRE(r.body.find("<form method=\"post\" action=\"/login\">") != std::string::npos);
    REQUIRE(r.fields.list[0].first == "Date");
    REQUIRE(s.units[0].bytes.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    REQUIRE(s.units[0].verb == "200");
    REQUIRE(s.units[0].key == "http.status.200");
    REQUIRE(!s.session.wants_close());
}

TEST_CASE("POST /login with the right password gets 303 to /inbox and a session cookie", "[http]") {
    WebTestServer s;
    auto r = s.one(request("POST", "/login", "Content-Type: application/x-www-form-urlencoded\r\n",
                           "user=bob&password=hamburger"));
    REQUIRE(r.status == 303);
    REQUIRE(field(r, "Location") == "/inbox");
    REQUIRE(field(r, "Set-Cookie") == "session=" + s.session.session_token("bob") + "; Path=/; HttpOnly; SameSite=Strict");
    // deterministic for a secret: the same user gets the same token on another connection
    // with that secret; the default secret is random (issue 17), so another run's differs
    HttpSettings keyed;
    keyed.cookie_secret = "a secret";
    WebTestBackend b1, b2;
    HttpServerSession one(keyed, b1), other(keyed, b2);
    REQUIRE(other.session_token("bob") == one.session_token("bob"));
    REQUIRE(HttpServerSession(HttpSettings{}, b2).session_token("bob") != s.session.session_token("bob"));
    REQUIRE(s.session.session_token("bob") != s.session.session_token("alice"));
}

TEST_CASE("a wrong password gets 401 with the form again, a form of another type gets 415", "[http]") {
    WebTestServer s;
    auto r = s.one(request("POST", "/login", "Content-Type: application/x-www-form-urlencoded\r\n",
                           "user=bob&password=ketchup"));
    REQUIRE(r.status == 401);
    REQUIRE(field(r, "WWW-Authenticate").rfind("Form", 0) == 0);
    REQUIRE(r.body.find("Wrong user name or password.") != std::string::npos);
    REQUIRE(r.body.find("action=\"/login\"") != std::string::npos);
    REQUIRE(!r.fields.find("Set-Cookie"));
    auto t = s.one(request("POST", "/login", "Content-Type: application/json\r\n", "{}"));
    REQUIRE(t.status == 415);
    REQUIRE(!s.session.wants_close());
}

TEST_CASE("GET /inbox without the cookie is sent to the login page, the API gets 401", "[http]") {
    WebTestServer s;
    auto r = s.get("/inbox", false);
    REQUIRE(r.status == 302);
    REQUIRE(field(r, "Location") == "/");
    auto forged = s.one(request("GET", "/inbox", "Cookie: session=bob.0000\r\n"));
    REQUIRE(forged.status == 302);
    auto api = s.get("/api/inbox", false);
    REQUIRE(api.status == 401);
    REQUIRE(r.fields.find("WWW-Authenticate") == nullptr);
    REQUIRE(api.fields.find("WWW-Authenticate") != nullptr);
    REQUIRE(s.get("/message/m1", false).status == 302);
}

TEST_CASE("the inbox page escapes what the messages say, the JSON lists them", "[http]") {
    WebTestServer s;
    auto r = s.get("/inbox");
    REQUIRE(r.status == 200);
    REQUIRE(r.body.find("Lunch &lt;today&gt; &amp; &quot;soon&quot;") != std::string::npos);
    REQUIRE(r.body.find("<today>") == std::string::npos);
    REQUIRE(r.body.find("href=\"/message/m2\"") != std::string::npos);
    REQUIRE(r.body.find("action=\"/message/m1/delete\"") != std::string::npos);
    REQUIRE(r.body.find("系统 report") != std::string::npos);  // RFC 2047 decoded, UTF-8
    auto j = s.get("/api/inbox");
    REQUIRE(field(j, "Content-Type") == "application/json");
    REQUIRE(j.body.find("\"subject\": \"Lunch <today> & \\\"soon\\\"\"") != std::string::npos);
    REQUIRE(j.body.find("\"parts\": 3") != std::string::npos);
    REQUIRE(j.body.find("\"seen\": false") != std::string::npos);
    REQUIRE(j.body.find("\"from\": \"张三 <alice@crepes.fr>\"") != std::string::npos);
}

TEST_CASE("the message page shows the text and refers to each other part by URL", "[http]") {
    WebTestServer s;
    auto r = s.get("/message/m2");
    REQUIRE(r.status == 200);
    REQUIRE(r.body.find("<h1>系统 report</h1>") != std::string::npos);
    REQUIRE(r.body.find("<pre>Hi Bob,\r\nthe picture is below, the report attached.\r\n</pre>") != std::string::npos);
    REQUIRE(r.body.find("<img src=\"/message/m2/part/2\" alt=\"photo.png\">") != std::string::npos);
    REQUIRE(r.body.find("<a href=\"/message/m2/part/3\">report.pdf</a> (application/pdf, " +
                        std::to_string(kPdf.size()) + " bytes)") != std::string::npos);
    REQUIRE(r.body.find("/part/1") == std::string::npos);  // the text is in the page, not an object
    REQUIRE(s.backend.boxes["bob"][1].seen);
    auto j = s.get("/api/message/m2");
    REQUIRE(j.body.find("\"url\": \"/message/m2/part/2\"") != std::string::npos);
    REQUIRE(j.body.find("\"inline\": true") != std::string::npos);
    REQUIRE(s.get("/message/nope").status == 404);
    REQUIRE(s.get("/api/message/nope").status == 404);
}

TEST_CASE("text and HTML alternatives: only the text is shown, still two objects", "[http]") {
    WebTestServer s;
    s.backend.boxes["bob"].push_back({"m3", stored(multipart_message(true)), 300, false});
    auto r = s.get("/message/m3");
    REQUIRE(r.body.find("src=\"/message/m3/part/2\"") != std::string::npos);
    REQUIRE(r.body.find("href=\"/message/m3/part/3\"") != std::string::npos);
    REQUIRE(r.body.find("/part/1") == std::string::npos);
    REQUIRE(s.get("/message/m3/part/1.2").status == 200);  // the HTML is still there to fetch
    REQUIRE(field(s.get("/message/m3/part/1.2"), "Content-Type") == "text/html; charset=us-ascii");
}

TEST_CASE("a part comes decoded, with its own Content-Type, length and disposition", "[http]") {
    WebTestServer s;
    auto img = s.get("/message/m2/part/2");
    REQUIRE(img.status == 200);
    REQUIRE(field(img, "Content-Type") == "image/png");
    REQUIRE(img.body == kPng);
    REQUIRE(field(img, "Content-Length") == std::to_string(kPng.size()));
    REQUIRE(field(img, "Content-Disposition") == "inline; filename=\"photo.png\"");
    auto pdf = s.get("/message/m2/part/3");
    REQUIRE(field(pdf, "Content-Type") == "application/pdf");
    REQUIRE(field(pdf, "Content-Disposition") == "attachment; filename=\"report.pdf\"");
    REQUIRE(pdf.body == kPdf);
    auto txt = s.get("/message/m2/part/1");
    REQUIRE(field(txt, "Content-Type") == "text/plain; charset=us-ascii");
    REQUIRE(s.get("/message/m1/part/1").body == "Noon?\r\n");  // a single-part message's body is part 1
    REQUIRE(s.get("/message/m2/part/9").status == 404);
    REQUIRE(s.get("/message/m2/part/1.2").status == 404);
    REQUIRE(s.get("/message/m2/part/0").status == 404);
    REQUIRE(s.get("/message/m2/part/x").status == 404);
}

TEST_CASE("a non-ASCII file name goes as filename*, a GB2312 text is shown in UTF-8", "[http]") {
    WebTestServer s;
    message::BodySpec spec;
    spec.text = "see";
    spec.attachments.push_back({"报告.pdf", "application/pdf", kPdf, false, ""});
    auto b = message::build_body(spec, "t2");
    s.backend.boxes["bob"].push_back({"m4", stored("Subject: x\r\n" + b.headers + "\r\n" + b.body), 1, false});
    auto pdf = s.get("/message/m4/part/2");
    REQUIRE(field(pdf, "Content-Disposition") == "attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf");
    REQUIRE(s.get("/message/m4").body.find(">报告.pdf</a>") != std::string::npos);
    s.backend.boxes["bob"].push_back(
        {"m5", stored("Subject: gb\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n\xCF\xB5\xCD\xB3\r\n"), 1, false});
    REQUIRE(s.get("/message/m5").body.find("<pre>系统\r\n</pre>") != std::string::npos);
}

TEST_CASE("GET /message/ID/raw is the stored message, If-None-Match gets 304", "[http]") {
    WebTestServer s;
    auto r = s.get("/message/m1/raw");
    REQUIRE(field(r, "Content-Type") == "message/rfc822");
    REQUIRE(r.body == *s.backend.boxes["bob"][0].content);
    std::string etag = field(r, "ETag");
    REQUIRE(etag == "\"m1-raw\"");
    auto again = s.one(request("GET", "/message/m1/raw", s.cookie() + "If-None-Match: W/\"x\", " + etag + "\r\n"));
    REQUIRE(again.status == 304);
    REQUIRE(again.body.empty());
    REQUIRE(!again.fields.find("Content-Length"));
    REQUIRE(s.units.back().bytes.find("\r\n\r\n") == s.units.back().bytes.size() - 4);
    auto part = s.one(request("GET", "/message/m2/part/2", s.cookie() + "If-None-Match: \"m2-2\"\r\n"));
    REQUIRE(part.status == 304);
}

TEST_CASE("POST /message/ID/delete removes it and sends the browser to /inbox", "[http]") {
    WebTestServer s;
    auto r = s.one(request("POST", "/message/m1/delete", s.cookie()), "POST");
    REQUIRE(r.status == 303);
    REQUIRE(field(r, "Location") == "/inbox");
    REQUIRE(s.backend.boxes["bob"].size() == 1);
    REQUIRE(s.one(request("POST", "/message/m1/delete", s.cookie()), "POST").status == 404);
    REQUIRE(s.one(request("POST", "/message/m2/delete"), "POST").status == 302);  // no cookie
    REQUIRE(s.backend.boxes["bob"].size() == 1);
}

TEST_CASE("POST /logout clears the cookie and sends the browser to /", "[http]") {
    WebTestServer s;
    auto r = s.one(request("POST", "/logout", s.cookie()), "POST");
    REQUIRE(r.status == 303);
    REQUIRE(field(r, "Location") == "/");
    REQUIRE(field(r, "Set-Cookie") == "session=; Path=/; Max-Age=0");
}

TEST_CASE("HEAD gets the fields GET would get and no body", "[http]") {
    WebTestServer s;
    auto get = s.get("/message/m2/part/2");
    auto head = s.one(request("HEAD", "/message/m2/part/2", s.cookie()), "HEAD");
    REQUIRE(head.status == 200);
    REQUIRE(field(head, "Content-Length") == field(get, "Content-Length"));
    REQUIRE(field(head, "Content-Type") == "image/png");
    REQUIRE(s.units.back().bytes.size() == s.units.back().bytes.find("\r\n\r\n") + 4);
    REQUIRE(s.units.back().verb == "200");
}

TEST_CASE("a persistent connection carries several requests, Connection: close ends it", "[http]") {
    WebTestServer s;
    auto rs = s.send(request("GET", "/") + request("GET", "/inbox", s.cookie()) + request("GET", "/nowhere"));
    REQUIRE(rs.size() == 3);
    REQUIRE(rs[0].status == 200);
    REQUIRE(rs[1].status == 200);
    REQUIRE(rs[2].status == 404);
    REQUIRE(!s.session.wants_close());
    auto last = s.one(request("GET", "/", "Connection: close\r\n"));
    REQUIRE(field(last, "Connection") == "close");
    REQUIRE(s.session.wants_close());
    REQUIRE(s.session.state() == HttpServerSession::State::Closed);
    REQUIRE(s.send(request("GET", "/")).empty());  // nothing is read after the close
}

TEST_CASE("HTTP/1.0 closes after the response unless it asks to keep the connection", "[http]") {
    WebTestServer s;
    auto ka = s.one("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    REQUIRE(field(ka, "Connection") == "keep-alive");
    REQUIRE(!s.session.wants_close());
    auto r = s.one("GET / HTTP/1.0\r\n\r\n");
    REQUIRE(r.status == 200);
    REQUIRE(s.units.back().bytes.rfind("HTTP/1.1 200 OK", 0) == 0);  // the server's own version
    REQUIRE(field(r, "Connection") == "close");
    REQUIRE(s.session.wants_close());
}

TEST_CASE("unknown methods get 501, PUT gets 405 with Allow, OPTIONS gets 204, and the connection goes on", "[http]") {
    WebTestServer s;
    REQUIRE(s.one(request("FROB", "/inbox")).status == 501);
    REQUIRE(s.one(request("TRACE", "/")).status == 501);
    auto put = s.one(request("PUT", "/inbox", "", "hi"));
    REQUIRE(put.status == 405);
    REQUIRE(field(put, "Allow") == "GET, HEAD");
    auto del = s.one(request("DELETE", "/message/m1"));
    REQUIRE(del.status == 405);
    REQUIRE(s.one(request("GET", "/login")).status == 405);
    REQUIRE(field(s.one(request("GET", "/login")), "Allow") == "POST");
    auto opt = s.one(request("OPTIONS", "/message/m1"));
    REQUIRE(opt.status == 204);
    REQUIRE(field(opt, "Allow") == "GET, HEAD, OPTIONS");
    REQUIRE(!opt.fields.find("Content-Length"));
    REQUIRE(s.one(request("OPTIONS", "*")).status == 204);
    REQUIRE(s.one(request("GET", "*")).status == 400);
    REQUIRE(s.get("/no/such/page").status == 404);
    auto slash = s.get("/inbox/");
    REQUIRE(slash.status == 301);
    REQUIRE(field(slash, "Location") == "/inbox");
    REQUIRE(s.get("http://mail.example/inbox?x=1").status == 200);  // absolute-form and a query
    REQUIRE(!s.session.wants_close());
}

TEST_CASE("bad input that keeps the framing gets an error and the connection goes on", "[http]") {
    WebTestServer s;
    REQUIRE(s.one("GET / HTTP/1.1\r\n\r\n").status == 400);  // HTTP/1.1 needs Host
    REQUIRE(s.one("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status == 400);
    REQUIRE(s.one("POST /logout HTTP/1.1\r\nHost: mail.example\r\n\r\n").status == 411);
    REQUIRE(s.one(request("GET", "/message/%zz", s.cookie())).status == 400);
    REQUIRE(!s.session.wants_close());
    REQUIRE(s.get("/").status == 200);
}

TEST_CASE("bad input that breaks the framing gets its status and the connection closes", "[http]") {
    struct Case {
        std::string wire;
        int status;
    };
    HttpSettings small;
    small.field_section_limit = 1024;
    small.request_line_limit = 256;
    small.body_limit = 100;
    std::string many_fields;  // each line short, together over the limit
    for (int i = 0; i < 30; ++i) many_fields += "X-" + std::to_string(i) + ": " + std::string(50, 'v') + "\r\n";
    std::vector<Case> cases = {
        {"HELLO THERE\r\n\r\n", 400},
        {"GET /\r\n\r\n", 400},
        {"GET / HTTP/1.1 extra\r\n\r\n", 400},
        {"GET / HTTQ/1.1\r\n\r\n", 400},
        {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
        {"GET / HTTP/1.1\r\nHost x\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n", 431},
        {"GET / HTTP/1.1\r\nHost: x\r\n" + many_fields + "\r\n", 431},
        {"GET /" + std::string(300, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
        {"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400},
        {"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 400},
        {"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", 413},
        {"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 501},
    };
    for (auto& c : cases) {
        INFO(c.wire.substr(0, 60));
        WebTestBackend b;
        HttpServerSession server(small, b);
        server.receive(c.wire + request("GET", "/"));
        auto out = server.take_output();
        REQUIRE(out.size() == 1);  // the request after it is never read
        auto r = parse_response(out[0].bytes);
        REQUIRE(r.status == c.status);
        REQUIRE(field(r, "Connection") == "close");
        REQUIRE(server.wants_close());
        REQUIRE(out[0].key == "http.status." + std::to_string(c.status));
    }
}

TEST_CASE("an override answers 503 Service Unavailable", "[http]") {
    WebTestServer s;
    s.backend.overrides["GET /inbox"] = "503 Service Unavailable";
    auto r = s.get("/inbox");
    REQUIRE(r.status == 503);
    REQUIRE(r.reason == "Service Unavailable");
    REQUIRE(field(r, "Retry-After") == "120");
    REQUIRE(s.units.back().key == "http.status.503");
    REQUIRE(s.get("/api/inbox").status == 200);
    s.backend.overrides["GET /"] = "418 I'm a teapot";  // not in the catalog: labelled by its class
    REQUIRE(s.get("/").status == 418);
    REQUIRE(s.units.back().verb == "4xx");
    REQUIRE(s.units.back().key == "http.status.class.4");
}

TEST_CASE("a backend that fails gets 500, a form from another site gets 403", "[http]") {
    WebTestServer s;
    s.backend.broken = true;
    REQUIRE(s.get("/inbox").status == 500);
    s.backend.broken = false;
    REQUIRE(s.get("/inbox").status == 200);
    auto forged = s.one(request("POST", "/message/m1/delete", s.cookie() + "Origin: http://evil.example\r\n"), "POST");
    REQUIRE(forged.status == 403);
    REQUIRE(s.backend.boxes["bob"].size() == 2);
    auto own = s.one(request("POST", "/message/m1/delete", s.cookie() + "Origin: http://mail.example\r\n"), "POST");
    REQUIRE(own.status == 303);
}

TEST_CASE("the server's state follows the parts of the request, whole or byte by byte", "[http]") {
    auto run = [](size_t piece) {
        WebTestBackend b;
        HttpServerSession server(HttpSettings{}, b);
        std::string wire = request("POST", "/logout", "", "x=1") + request("GET", "/");
        for (size_t i = 0; i < wire.size(); i += piece) server.receive(std::string_view(wire).substr(i, piece));
        std::vector<std::string> trail;
        while (auto e = server.next_event()) {
            if (e->type == HttpServerSession::SessionEvent::Type::state_change)
                trail.push_back(std::string(HttpServerSession::state_name(e->to)));
            else
                trail.push_back(e->method + " " + e->target + " " + std::to_string(e->status));
        }
        return trail;
    };
    auto whole = run(10000);
    REQUIRE(whole == std::vector<std::string>{"FieldLines", "MessageBody", "POST /logout 303", "RequestLine", "FieldLines",
                                              "GET / 200", "RequestLine"});
    REQUIRE(run(1) == whole);
    REQUIRE(run(7) == whole);
}

TEST_CASE("the HTTP catalog has the methods and every status code the server sends, with texts", "[http]") {
    for (auto m : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH"}) {
        const auto* row = catalog::find_command("http", m);
        REQUIRE(row);
        REQUIRE(row->rfc.find("RFC") == 0);
    }
    for (int code : {200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405, 411, 413, 414, 415, 431, 500, 501, 503, 505}) {
        INFO(code);
        const auto* row = catalog::find_reply("http", std::to_string(code));
        REQUIRE(row);
        REQUIRE(!row->text.empty());
        REQUIRE(reason_phrase(code) == row->text);
    }
    // States and class keys are built at run time, so test_text's scan of the sources cannot see them all.
    std::vector<std::string> keys;
    for (int i = 0; i <= static_cast<int>(HttpServerSession::State::Closed); ++i)
        keys.push_back("http.state." + std::string(HttpServerSession::state_name(static_cast<HttpServerSession::State>(i))));
    for (int i = 0; i <= static_cast<int>(HttpClientSession::State::Done); ++i)
        keys.push_back("http.state." + std::string(HttpClientSession::state_name(static_cast<HttpClientSession::State>(i))));
    for (char c : std::string("12345")) keys.push_back(std::string("http.status.class.") + c);
    for (const auto& k : keys)
        for (auto lang : {text::Lang::en, text::Lang::zh}) {
            INFO(k);
            REQUIRE(text::find(lang, k));
        }
}

namespace {

struct Conversation {
    std::vector<std::string> requests;        // "GET /inbox"
    std::vector<HttpClientSession::SessionEvent> events;
    std::vector<std::string> verbs;           // of the client's Outgoing units
    bool server_closed = false;
};

// The browser and the server joined in memory, like h11's ConnectionPair.
Conversation browse(WebTestBackend& backend, HttpClientSettings cs) {
    HttpServerSession server(HttpSettings{}, backend);
    HttpClientSession client(std::move(cs));
    Conversation c;
    client.start();
    for (int guard = 0; guard < 200; ++guard) {
        bool moved = false;
        for (auto& o : client.take_output()) {
            c.requests.push_back(o.bytes.substr(0, o.bytes.find(" HTTP/1.1")));
            c.verbs.push_back(std::string(o.verb));
            server.receive(o.bytes);
            moved = true;
        }
        for (auto& o : server.take_output()) {
            client.receive(o.bytes);
            moved = true;
        }
        if (server.wants_close() && !c.server_closed) {
            c.server_closed = true;
            client.peer_closed();
        }
        while (auto e = client.next_event()) c.events.push_back(std::move(*e));
        if (!moved) break;
    }
    return c;
}

using CType = HttpClientSession::SessionEvent::Type;

const HttpClientSession::SessionEvent& finished(const Conversation& c) {
    REQUIRE(!c.events.empty());
    REQUIRE(c.events.back().type == CType::finished);
    return c.events.back();
}

}  // namespace

TEST_CASE("the browser logs in, reads each new message and fetches one object per part", "[http]") {
    WebTestBackend b;
    Conversation c = browse(b, {"mail.example", "bob", "hamburger", {}, {}, true, "mailsim-browser/0.1", 5});
    REQUIRE(c.requests == std::vector<std::string>{"GET /", "POST /login", "GET /inbox", "GET /api/inbox", "GET /message/m1",
                                                   "GET /message/m2", "GET /message/m2/part/2", "GET /message/m2/part/3",
                                                   "POST /logout"});
    REQUIRE(c.verbs[1] == "POST");
    REQUIRE(finished(c).ok);
    REQUIRE(c.server_closed);  // the logout asked for Connection: close
    std::vector<std::string> read;
    std::vector<HttpClientSession::SessionEvent> objects;
    for (const auto& e : c.events) {
        if (e.type == CType::message_read) read.push_back(e.id);
        if (e.type == CType::response && e.target.find("/part/") != std::string::npos) objects.push_back(e);
    }
    REQUIRE(read == std::vector<std::string>{"m1", "m2"});
    REQUIRE(objects.size() == 2);
    REQUIRE(objects[0].status == 200);
    REQUIRE(objects[0].content_type == "image/png");
    REQUIRE(objects[0].body_size == kPng.size());
    REQUIRE(objects[1].content_type == "application/pdf");
    REQUIRE(objects[1].body_size == kPdf.size());
    REQUIRE(b.boxes["bob"][0].seen);
    REQUIRE(b.boxes["bob"][1].seen);
}

TEST_CASE("the browser skips messages this device has seen, and images-only leaves the attachment", "[http]") {
    WebTestBackend b;
    HttpClientSettings cs;
    cs.user = "bob";
    cs.password = "hamburger";
    cs.seen = {"m1"};
    cs.download_attachments = false;
    Conversation c = browse(b, cs);
    REQUIRE(c.requests == std::vector<std::string>{"GET /", "POST /login", "GET /inbox", "GET /api/inbox", "GET /message/m2",
                                                   "GET /message/m2/part/2", "POST /logout"});
    REQUIRE(finished(c).ok);
    REQUIRE(!b.boxes["bob"][0].seen);
}

TEST_CASE("the browser with a wrong password, or a server answering 503, finishes with an error", "[http]") {
    WebTestBackend b;
    HttpClientSettings cs;
    cs.user = "bob";
    cs.password = "ketchup";
    Conversation c = browse(b, cs);
    REQUIRE(c.requests == std::vector<std::string>{"GET /", "POST /login"});
    REQUIRE(!finished(c).ok);
    REQUIRE(finished(c).error.find("401") != std::string::npos);
    WebTestBackend busy;
    busy.overrides["GET /inbox"] = "503 Service Unavailable";
    cs.password = "hamburger";
    Conversation d = browse(busy, cs);
    REQUIRE(d.requests.back() == "GET /inbox");
    REQUIRE(finished(d).error == "GET /inbox answered 503 Service Unavailable");
}

TEST_CASE("an explicit request list is sent as written, redirects followed and cookies kept", "[http]") {
    WebTestBackend b;
    HttpClientSettings cs;
    cs.requests = {"POST /login user=bob&password=hamburger", "GET /message/m1", "HEAD /message/m2/part/2",
                   "DELETE /inbox", "POST /message/m1/delete"};
    Conversation c = browse(b, cs);
    REQUIRE(c.requests == std::vector<std::string>{"POST /login", "GET /inbox", "GET /message/m1", "HEAD /message/m2/part/2",
                                                   "DELETE /inbox", "POST /message/m1/delete"});
    std::vector<int> statuses;
    for (const auto& e : c.events)
        if (e.type == CType::response) statuses.push_back(e.status);
    REQUIRE(statuses == std::vector<int>{303, 200, 200, 200, 405, 303});
    REQUIRE(finished(c).ok);
    REQUIRE(b.boxes["bob"].size() == 1);
    bool read_m1 = false;
    for (const auto& e : c.events) read_m1 |= e.type == CType::message_read && e.id == "m1";
    REQUIRE(read_m1);
}
