// test_client_feed.cpp — live/client_feed: a LiveSession on a worker
// thread, its events handed to the viewer's trace by poll(), its state, and
// a feed that goes away while its worker still waits on the network.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <thread>

#include "live/client_feed.hpp"
#include "live/tls_server.hpp"
#include "support.hpp"

using namespace mailsim;

namespace client_feed_test {

// Polls the feed (as a frame would) until `done` or 10 s.
template <class Done>
void poll_until(live::ClientFeed& feed, Done done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < until) {
        feed.poll(1000);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    feed.poll(1000);
}

// A port that takes connections (the kernel's backlog) and never says a word.
struct SilentServer {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int port = 0;
    SilentServer() {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd, 4) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~SilentServer() { ::close(fd); }
};

// A feed to 127.0.0.1:port with this time-out.
std::unique_ptr<live::ClientFeed> feed_to(int port, int timeout_ms) {
    auto target = live::parse_target("smtp://127.0.0.1:" + std::to_string(port));
    REQUIRE(target);
    live::LiveOptions o;
    o.timeout_ms = timeout_ms;
    return std::make_unique<live::ClientFeed>(*target, o);
}

}  // namespace client_feed_test

TEST_CASE("a client feed that cannot connect says failed with the reason, and its trace has the connect and the refusal", "[live]") {
    auto owned = client_feed_test::feed_to(test::free_port(), 30000);
    live::ClientFeed& feed = *owned;
    CHECK(feed.trace().source.kind == "live");
    client_feed_test::poll_until(feed, [&] { return feed.finished(); });
    REQUIRE(feed.finished());
    const auto st = feed.status();
    CHECK(st.phase == live::ClientStatus::Phase::failed);
    CHECK(st.error.find("could not connect") != std::string::npos);
    // The same reason as a key and values, said in the viewer's language.
    CHECK(st.failure.key == "live.error.connect");
    CHECK(st.failure.message() == st.error);
    CHECK(st.failure.message(text::Lang::zh).starts_with("无法连接到 127.0.0.1 的 "));
    CHECK(st.queued == 0);
    REQUIRE(feed.trace().size() == 2);
    CHECK(feed.trace().at(0).kind == EventKind::connect);
    CHECK(feed.trace().at(1).kind == EventKind::refuse);
    CHECK_FALSE(feed.poll(1000));  // nothing more comes
    feed.command("EHLO late");     // nobody is there to do it: dropped, not queued for ever
    CHECK(feed.status().queued == 0);
}

TEST_CASE("a client feed waiting for a greeting that never comes is destroyed at once, not after its time-out", "[live]") {
    client_feed_test::SilentServer silent;
    auto feed = client_feed_test::feed_to(silent.port, 20000);
    client_feed_test::poll_until(*feed, [&] { return feed->trace().size() >= 1; });  // connected, waiting
    CHECK(feed->status().phase == live::ClientStatus::Phase::connecting);
    CHECK_FALSE(feed->finished());
    const auto t0 = std::chrono::steady_clock::now();
    feed.reset();
    const auto waited = std::chrono::steady_clock::now() - t0;
    CHECK(waited < std::chrono::seconds(1));
}

TEST_CASE("fill_credentials fills {user}, {password} and {auth-plain}, and not what they bring in", "[live]") {
    CHECK(live::fill_credentials("USER {user}", "bob", "x") == "USER bob");
    CHECK(live::fill_credentials("AUTH PLAIN {auth-plain}", "bob", "ketchup") == "AUTH PLAIN AGJvYgBrZXRjaHVw");
    CHECK(live::fill_credentials("A1 LOGIN {user} {password}", "{password}", "p{user}") == "A1 LOGIN {password} p{user}");
}

TEST_CASE("compose_message writes From, To, an RFC 2047 Subject, Date, Message-ID and the text with CRLF", "[live]") {
    const std::string m = live::compose_message("alice@crepes.fr", {"bob@hamburger.edu", "carol@hamburger.edu"}, "你好",
                                                "line one\nline two", 1764666000);
    CHECK(m.starts_with("From: alice@crepes.fr\r\nTo: bob@hamburger.edu, carol@hamburger.edu\r\nSubject: =?UTF-8?B?5L2g5aW9?=\r\n"));
    CHECK(m.find("Date: Tue, 02 Dec 2025 09:00:00 +0000\r\n") != std::string::npos);
    CHECK(m.find("Message-ID: <1764666000.") != std::string::npos);
    CHECK(m.find("@crepes.fr>\r\n") != std::string::npos);
    CHECK(m.ends_with("\r\n\r\nline one\r\nline two\r\n"));
}

TEST_CASE("a greeting that does not come in time leaves the reason, kept after Disconnect", "[live]") {
    client_feed_test::SilentServer silent;
    auto owned = client_feed_test::feed_to(silent.port, 1000);
    live::ClientFeed& feed = *owned;
    client_feed_test::poll_until(feed, [&] { return !feed.status().error.empty(); });
    CHECK(feed.status().error == "no reply within 1 s");
    CHECK(feed.status().phase == live::ClientStatus::Phase::connected);  // still connected: a command may follow
    feed.close();
    client_feed_test::poll_until(feed, [&] { return feed.finished(); });
    REQUIRE(feed.finished());
    const auto st = feed.status();
    CHECK(st.phase == live::ClientStatus::Phase::closed);
    CHECK(st.error == "no reply within 1 s");
    CHECK(test::events_of(feed.trace(), EventKind::close).size() == 1);
}

TEST_CASE("Disconnect while a reply is awaited cuts the wait short and records the client's close", "[live]") {
    client_feed_test::SilentServer silent;
    auto owned = client_feed_test::feed_to(silent.port, 20000);
    live::ClientFeed& feed = *owned;
    client_feed_test::poll_until(feed, [&] { return feed.trace().size() >= 1; });  // connected, waiting for the greeting
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE_FALSE(feed.finished());
    const auto t0 = std::chrono::steady_clock::now();
    feed.close();
    CHECK(feed.status().close_asked);
    client_feed_test::poll_until(feed, [&] { return feed.finished(); });
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));  // not the 20 s time-out
    REQUIRE(feed.finished());
    const auto st = feed.status();
    CHECK(st.phase == live::ClientStatus::Phase::closed);
    CHECK(st.error == "closed while waiting for the server");
    CHECK(st.failure.message(text::Lang::zh) == "在等待服务器时关闭了连接");
    const auto closes = test::events_of(feed.trace(), EventKind::close);
    REQUIRE(closes.size() == 1);
    CHECK(closes[0].dir == Direction::to_server);  // by the client
}

TEST_CASE("after interrupt() a session sends nothing more: a command queued before a Disconnect does not go out", "[live]") {
    // A server that greets and then only listens: what it is sent is counted.
    client_feed_test::SilentServer server;
    std::atomic<long> heard{-1};
    std::thread greeter([&] {
        const int c = ::accept(server.fd, nullptr, nullptr);
        if (c < 0) return;
        (void)!::send(c, "220 hi\r\n", 8, MSG_NOSIGNAL);
        char buf[256];
        long total = 0;
        for (ssize_t n; (n = ::recv(c, buf, sizeof buf, 0)) > 0;) total += n;
        heard = total;
        ::close(c);
    });
    auto target = live::parse_target("smtp://127.0.0.1:" + std::to_string(server.port));
    bool opened = false;
    if (target) {
        live::LiveSession session(*target, {});
        opened = session.open();
        session.interrupt();
        CHECK_FALSE(session.command("EHLO queued"));
        CHECK(session.failure().key == "live.error.interrupted");
        CHECK_FALSE(session.connected());
        CHECK(test::events_of(session.trace(), EventKind::bytes).size() == 1);  // the greeting only
        CHECK(test::events_of(session.trace(), EventKind::close).size() == 1);
    }
    if (!opened) ::shutdown(server.fd, SHUT_RDWR);  // (the greeter's accept returns)
    greeter.join();  // before any REQUIRE: a joinable thread must not be destroyed
    REQUIRE(target);
    REQUIRE(opened);
    CHECK(heard == 0);  // the server heard nothing before the close
}

TEST_CASE("Disconnect during a TLS handshake that gets no answer closes at once", "[live]") {
    client_feed_test::SilentServer silent;
    auto target = live::parse_target("smtps://127.0.0.1:" + std::to_string(silent.port));
    REQUIRE(target);
    live::LiveOptions o;
    o.timeout_ms = 20000;
    live::ClientFeed feed(*target, o);
    client_feed_test::poll_until(feed, [&] { return feed.trace().size() >= 1; });  // connecting
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // connected, the ClientHello sent, no answer
    REQUIRE_FALSE(feed.finished());
    const auto t0 = std::chrono::steady_clock::now();
    feed.close();
    client_feed_test::poll_until(feed, [&] { return feed.finished(); });
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));  // not the 20 s time-out
    REQUIRE(feed.finished());
    const auto st = feed.status();
    CHECK(st.phase == live::ClientStatus::Phase::closed);
    CHECK(st.failure.key == "live.error.interrupted");
    const auto closes = test::events_of(feed.trace(), EventKind::close);
    REQUIRE(closes.size() == 1);
    CHECK(closes[0].dir == Direction::to_server);  // by the client
    CHECK(test::events_of(feed.trace(), EventKind::note).empty());  // not said as a failed handshake
}

namespace client_feed_test {

// A server that greets as `talk` says (on the accepted socket) until the
// client goes; the thread is joined on destruction.
struct TalkingServer {
    SilentServer port;
    std::thread thread;
    template <class Talk>
    explicit TalkingServer(Talk talk) {
        thread = std::thread([this, talk] {
            const int c = ::accept(port.fd, nullptr, nullptr);
            if (c < 0) return;
            talk(c);
            ::close(c);
        });
    }
    ~TalkingServer() {
        ::shutdown(port.fd, SHUT_RDWR);  // (an accept that never got its client returns)
        thread.join();
    }
};

// A session to the talking server (not yet open) with this time-out and reply cap.
std::unique_ptr<live::LiveSession> session_to(const TalkingServer& server, int timeout_ms,
                                              std::size_t max_reply_bytes = live::LiveOptions{}.max_reply_bytes) {
    auto target = live::parse_target("smtp://127.0.0.1:" + std::to_string(server.port.port));
    REQUIRE(target);
    live::LiveOptions o;
    o.timeout_ms = timeout_ms;
    o.max_reply_bytes = max_reply_bytes;
    return std::make_unique<live::LiveSession>(*target, o);
}

// Sends all of `s`; false once the client is gone.
bool say(int fd, std::string_view s) {
    while (!s.empty()) {
        const ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        s.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

}  // namespace client_feed_test

TEST_CASE("a server that sends its greeting a byte at a time, never ending it, is given up after the time-out", "[live]") {
    // One byte every 50 ms: each wait hears something well within the
    // time-out, so only the reply's own deadline can end it.
    client_feed_test::TalkingServer server([](int c) {
        if (!client_feed_test::say(c, "220 ")) return;
        for (int i = 0; i < 2000 && client_feed_test::say(c, "x"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    });
    auto owned = client_feed_test::session_to(server, 1000);
    live::LiveSession& session = *owned;
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(session.open());
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took >= std::chrono::milliseconds(1000));
    CHECK(took < std::chrono::seconds(5));
    CHECK(session.failure().key == "live.error.reply_slow");
    CHECK(session.error().starts_with("the server's reply was still not whole after 1 s ("));
    CHECK(session.error().ends_with("slower than 500 bytes a second); closed the connection"));
    CHECK_FALSE(session.connected());
    // What came is kept, cut where it stopped; the close is the client's.
    const auto bytes = test::events_of(session.trace(), EventKind::bytes);
    REQUIRE(bytes.size() == 1);
    CHECK(bytes[0].bytes.starts_with("220 xxxx"));
    const auto closes = test::events_of(session.trace(), EventKind::close);
    REQUIRE(closes.size() == 1);
    CHECK(closes[0].dir == Direction::to_server);
}

TEST_CASE("a reply that never ends is given up at max_reply_bytes, fast, with what came recorded", "[live]") {
    // A greeting's continuation lines as fast as the socket takes them.
    client_feed_test::TalkingServer server([](int c) {
        std::string lines;
        for (int i = 0; i < 1000; ++i) lines += "220-and more of the greeting\r\n";
        for (int i = 0; i < 20000 && client_feed_test::say(c, lines); ++i) {
        }
    });
    auto owned = client_feed_test::session_to(server, 20000, 1 << 20);
    live::LiveSession& session = *owned;
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(session.open());
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
    CHECK(session.failure().key == "live.error.reply_long");
    CHECK(session.error() == "the server's reply went past 1048576 bytes without ending; closed the connection");
    CHECK(session.failure().message(text::Lang::zh) == "服务器的应答超过 1048576 字节仍未结束；已关闭连接");
    CHECK_FALSE(session.connected());
    size_t kept = 0;
    for (const auto& e : test::events_of(session.trace(), EventKind::bytes)) kept += e.bytes.size();
    CHECK(kept > (1u << 20));
    CHECK(kept < (1u << 20) + 65536);  // what had come, not more
}

TEST_CASE("a long reply that comes slowly but steadily is not cut by the time-out", "[live]") {
    // 115 KB of greeting in 24 pieces, 4.8 KB every 60 ms: about 1.4 s in all,
    // longer than the 1 s time-out, never silent for long.
    client_feed_test::TalkingServer server([](int c) {
        const std::string piece = [] {
            std::string p;
            for (int i = 0; i < 100; ++i) p += "220-forty-eight bytes of a long, long greeting\r\n";
            return p;
        }();
        for (int i = 0; i < 24; ++i) {
            if (!client_feed_test::say(c, piece)) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(60));
        }
        client_feed_test::say(c, "220 ready\r\n");
        char buf[256];
        while (::recv(c, buf, sizeof buf, 0) > 0) {
        }
    });
    auto owned = client_feed_test::session_to(server, 1000);
    live::LiveSession& session = *owned;
    REQUIRE(session.open());
    CHECK(session.error().empty());
    size_t kept = 0;
    for (const auto& e : test::events_of(session.trace(), EventKind::bytes)) kept += e.bytes.size();
    CHECK(kept == 24 * 100 * 48 + 11);
    session.close();
}

TEST_CASE("silence in the middle of a reply ends the session (what is left must not be taken for the next reply)", "[live]") {
    client_feed_test::TalkingServer server([](int c) {
        if (!client_feed_test::say(c, "220-part of a greeting\r\n")) return;
        char buf[64];
        while (::recv(c, buf, sizeof buf, 0) > 0) {
        }
    });
    auto owned = client_feed_test::session_to(server, 1000);
    live::LiveSession& session = *owned;
    CHECK_FALSE(session.open());
    CHECK(session.failure().key == "live.error.reply_stalled");
    CHECK(session.error() == "the server went silent for 1 s in the middle of its reply (24 bytes came); closed the connection");
    CHECK_FALSE(session.connected());
    const auto bytes = test::events_of(session.trace(), EventKind::bytes);
    REQUIRE(bytes.size() == 1);
    CHECK(bytes[0].bytes == "220-part of a greeting\r\n");
}

TEST_CASE("over TLS a record sent a byte at a time is a reply too slow and not a wait without end", "[live]") {
    char dir[] = "/tmp/mailsim-tls-trickle-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    bool made = false;
    auto cert = live::ServerCertificate::own(dir, &made);
    REQUIRE(cert);
    client_feed_test::TalkingServer server([&cert](int c) {
        live::ServerTls tls(*cert);
        char buf[4096];
        std::string plain;
        while (!tls.handshake_done()) {  // the handshake, as serve does it
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0 || !tls.feed(std::string_view(buf, static_cast<size_t>(n)), plain)) return;
            if (!client_feed_test::say(c, tls.take_cipher())) return;
        }
        // One record, its bytes a tenth of a second apart (about 7 s in all).
        tls.write("220 a greeting that comes one byte of its record at a time\r\n");
        const std::string record = tls.take_cipher();
        for (char ch : record) {
            if (!client_feed_test::say(c, std::string_view(&ch, 1))) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    auto target = live::parse_target("smtps://127.0.0.1:" + std::to_string(server.port.port));
    REQUIRE(target);
    live::LiveOptions o;
    o.timeout_ms = 1000;
    o.tls.insecure = true;  // (serve's own certificate, made above)
    live::LiveSession session(*target, o);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(session.open());
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(4));
    CHECK(session.failure().key == "live.error.reply_slow");
    CHECK_FALSE(session.connected());
    std::system((std::string("rm -rf ") + dir).c_str());
}
