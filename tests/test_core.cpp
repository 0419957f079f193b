// test_core.cpp — time, scheduler, network, line framer, trace files.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/allocator.hpp"
#include "core/network.hpp"
#include "core/printable.hpp"
#include "core/trace_json.hpp"
#include "protocol/line_framer.hpp"
#include "support.hpp"

using namespace mailsim;

TEST_CASE("durations parse in every unit the scenarios use") {
    REQUIRE(parse_duration("90s") == 90 * kSecond);
    REQUIRE(parse_duration("250ms") == 250 * kMillisecond);
    REQUIRE(parse_duration("5m") == 5 * kMinute);
    REQUIRE(parse_duration("1h30m") == 90 * kMinute);
    REQUIRE(parse_duration("1.5s") == 1500 * kMillisecond);
    REQUIRE(parse_duration("2d") == 2 * kDay);
    REQUIRE(parse_duration("42") == 42 * kSecond);
    REQUIRE(!parse_duration("ten seconds"));
    REQUIRE(!parse_duration(""));
    REQUIRE(!parse_duration("5x"));
    REQUIRE(format_seconds(90 * kSecond + 5 * kMillisecond) == "90.005s");
    REQUIRE(format_duration(90 * kMinute) == "90m");
    REQUIRE(rfc5322_date(1795338000, 5 * kSecond) == "Sun, 22 Nov 2026 09:00:05 +0000");
}

TEST_CASE("the scheduler runs actions by time, and at the same time in insertion order") {
    Scheduler s;
    std::string order;
    s.at(20, [&] { order += "c"; });
    s.at(10, [&] { order += "a"; });
    s.at(10, [&] { order += "b"; });
    s.at(10, [&] { s.after(0, [&] { order += "d"; }); });
    while (s.step()) {
    }
    REQUIRE(order == "abdc");
    REQUIRE(s.now() == 20);
}

TEST_CASE("the seeded generator gives the same numbers for the same seed") {
    Rng a(42), b(42), c(43);
    for (int i = 0; i < 100; ++i) {
        auto x = a.next();
        REQUIRE(x == b.next());
        (void)c;
    }
    REQUIRE(Rng(1).next() != Rng(2).next());
}

namespace {
struct Recorder : StreamEndpoint {
    std::string* log;
    std::string name;
    bool echo = false;
    Recorder(std::string* l, std::string n, bool e = false) : log(l), name(std::move(n)), echo(e) {}
    void on_open(Network& net, ConnectionId id) override {
        *log += name + ":open@" + std::to_string(net.now() / kMillisecond) + " ";
        if (echo) net.send(id, Side::server, "hello\r\n", {});
    }
    void on_data(Network& net, ConnectionId, std::string_view b) override {
        *log += name + ":data(" + std::string(b.substr(0, b.size() - 2)) + ")@" + std::to_string(net.now() / kMillisecond) + " ";
    }
    void on_close(Network& net, ConnectionId, CloseReason why) override {
        *log += name + ":" + std::string(to_string(why)) + "@" + std::to_string(net.now() / kMillisecond) + " ";
    }
};
}  // namespace

TEST_CASE("a connection: SYN one latency, greeting back, bytes in order, close") {
    Scheduler s;
    Trace t;
    Network net(s, t);
    net.add_host("a");
    net.add_host("b");
    net.add_link("a", "b", 5 * kMillisecond);
    std::string log;
    net.listen("b", 25, [&](ConnectionId) { return std::make_unique<Recorder>(&log, "srv", true); });
    auto id = net.connect("a", "b", 25, std::make_unique<Recorder>(&log, "cli"));
    s.run_until(20 * kMillisecond);
    net.send(id, Side::client, "one\r\n", {});
    net.send(id, Side::client, "two\r\n", {});
    net.close(id, Side::client);
    s.run_until(100 * kMillisecond);
    // Writes made at the same instant arrive together, in one read.
    REQUIRE(log == "srv:open@5 cli:open@10 cli:data(hello)@10 srv:data(one\r\ntwo)@25 srv:closed@25 cli:closed@30 ");
    REQUIRE(!test::events_of(t, EventKind::accept).empty());
}

TEST_CASE("nothing listening: refused after a round trip, host down: timed out") {
    Scheduler s;
    Trace t;
    Network net(s, t);
    net.add_host("a");
    net.add_host("b");
    net.set_default_latency(10 * kMillisecond);
    std::string log;
    net.connect("a", "b", 25, std::make_unique<Recorder>(&log, "x"));
    s.run_until(kSecond);
    REQUIRE(log == "x:refused@20 ");
    log.clear();
    net.set_host_up("b", false);
    net.set_connect_timeout(7 * kSecond);
    net.connect("a", "b", 25, std::make_unique<Recorder>(&log, "y"));
    s.run_until(10 * kSecond);
    REQUIRE(log == "y:timed out@8000 ");  // 7 s after the connect at 1 s
}

TEST_CASE("a host going down loses its open connections") {
    Scheduler s;
    Trace t;
    Network net(s, t);
    net.add_host("a");
    net.add_host("b");
    std::string log;
    net.listen("b", 25, [&](ConnectionId) { return std::make_unique<Recorder>(&log, "srv"); });
    net.connect("a", "b", 25, std::make_unique<Recorder>(&log, "cli"));
    s.run_until(kSecond);
    log.clear();
    net.set_host_up("b", false);
    REQUIRE(log == "cli:lost@1000 srv:lost@1000 ");
}

TEST_CASE("the line framer splits CRLF lines, byte by byte as whole") {
    for (bool trickle : {false, true}) {
        protocol::LineFramer f(512);
        std::string input = "HELO a\r\nMAIL FROM:<x@y.z>\r\nNOOP\r\n";
        std::vector<std::string> lines;
        auto drain = [&] {
            while (auto l = f.next()) lines.emplace_back(l->text);
        };
        if (trickle)
            for (char c : input) {
                f.feed(std::string_view(&c, 1));
                drain();
            }
        else {
            f.feed(input);
            drain();
        }
        REQUIRE(lines == std::vector<std::string>{"HELO a", "MAIL FROM:<x@y.z>", "NOOP"});
    }
}

TEST_CASE("an over-long line is cut, marked and does not grow memory") {
    protocol::LineFramer f(512);
    for (int i = 0; i < 1000; ++i) f.feed(std::string(1000, 'a'));
    REQUIRE(!f.next());
    REQUIRE(f.pending() < 1024);
    f.feed("\r\nNOOP\r\n");
    auto l = f.next();
    REQUIRE(l);
    REQUIRE(l->too_long);
    REQUIRE(l->wire_size == 1000 * 1000 + 2);
    REQUIRE(f.next()->text == "NOOP");
}

TEST_CASE("in text mode a bare LF stays inside the line") {
    protocol::LineFramer f(1000);
    f.set_lf_ends_line(false);
    f.feed("a\n.\nb\r\n");
    auto l = f.next();
    REQUIRE(l->text == "a\n.\nb");
    REQUIRE(l->bare_lf);
}

TEST_CASE("text runs come unstuffed, whole as byte by byte, and only CRLF.CRLF ends them") {
    // What each input stores, and that "NEXT\r\n" after the end is left unread.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a\r\n..b\r\n.c\r\n\r\n.\r\nNEXT\r\n", "a\r\n.b\r\nc\r\n\r\n"},
        {"x\n.\ny\r\n.\r\nNEXT\r\n", "x\n.\ny\r\n"},      // <LF>.<LF>
        {"x\n.\r\ny\r\n.\r\nNEXT\r\n", "x\n.\r\ny\r\n"},  // <LF>.<CR><LF>
        {"x\r\n.\ny\r\n.\r\nNEXT\r\n", "x\r\n\ny\r\n"},   // <CR><LF>.<LF>: a line that starts with a dot
        {"x\r.\ry\r\n.\r\nNEXT\r\n", "x\r.\ry\r\n"},      // bare CRs
        {".\r\nNEXT\r\n", ""},
        {std::string(1200, 'l') + "\r\n.\r\nNEXT\r\n", std::string(80, 'l') + "\r\n"},  // cut, marked
    };
    for (const auto& [input, stored] : cases) {
        INFO(input.substr(0, 40));
        for (size_t step : {input.size(), size_t(1), size_t(7)}) {  // whole, byte by byte, in pieces
            protocol::LineFramer f(1000);
            f.set_lf_ends_line(false);
            std::string got, after;
            bool ended = false, cut = false;
            for (size_t i = 0; i < input.size(); i += step) {
                std::string_view bytes = std::string_view(input).substr(i, step);
                while (!ended) {
                    auto run = f.next_text(bytes);
                    if (!run) break;
                    got += run->text;
                    cut = cut || run->too_long;
                    ended = run->end;
                }
                if (ended) after += f.take_rest() + std::string(bytes);
            }
            REQUIRE(got == stored);
            REQUIRE(ended);
            REQUIRE(after == "NEXT\r\n");
            REQUIRE(cut == (input.size() > 1000));
        }
    }
}

TEST_CASE("dot-stuffing doubles leading dots and ends with a lone dot") {
    REQUIRE(protocol::dot_stuff(".\r\nabc\r\n.x") == "..\r\nabc\r\n..x\r\n.\r\n");
    REQUIRE(protocol::dot_unstuff("..x") == ".x");
}

TEST_CASE("a trace survives JSON and back, byte for byte, even with 8-bit bytes") {
    auto w = test::run_scenario(scenario::default_scenario_json());
    Trace& t = w->trace();
    Event e;
    e.kind = EventKind::bytes;
    e.time = t.at(t.size() - 1).time;
    e.bytes = "\xff\xfe raw 8-bit \r\n";
    e.host = "x";
    t.append(e);
    std::string json = trace_to_json(t);
    auto back = trace_from_json(json);
    REQUIRE(back);
    REQUIRE(back->size() == t.size());
    REQUIRE(back->at(back->size() - 1).bytes == e.bytes);
    REQUIRE(trace_to_json(*back) == json);
    REQUIRE(back->hosts == t.hosts);
    REQUIRE(back->source == t.source);
}

TEST_CASE("a broken trace file says where and what was expected") {
    auto bad_syntax = trace_from_json("{\"format\": \"mailsim-trace\", \"version\": 1, \"events\": [ {\"seq\": 0,, } ] }", "t.json");
    REQUIRE(!bad_syntax);
    REQUIRE(bad_syntax.error().where.find("t.json: byte 64 (line 1, column 65)") == 0);
    auto bad_kind = trace_from_json(R"({"format":"mailsim-trace","version":1,"events":[{"seq":0,"t":0,"kind":"teleport"}]})", "t.json");
    REQUIRE(!bad_kind);
    REQUIRE(bad_kind.error().message().find("t.json: events[0].kind: unknown kind \"teleport\"") == 0);
    auto bad_order = trace_from_json(R"({"format":"mailsim-trace","version":1,"events":[{"seq":0,"t":5,"kind":"note"},{"seq":1,"t":2,"kind":"note"}]})");
    REQUIRE(!bad_order);
    REQUIRE(bad_order.error().message().find("events[1].t: time goes backwards") != std::string::npos);
    auto future = trace_from_json(R"({"format":"mailsim-trace","version":99,"events":[]})");
    REQUIRE(!future);
    REQUIRE(future.error().what.find("version 99") != std::string::npos);
    auto truncated = trace_from_json(R"({"format":"mailsim-trace","version":1,"events":[{"seq":0)");
    REQUIRE(!truncated);
    REQUIRE(truncated.error().what.find("invalid JSON") == 0);
}

TEST_CASE("saving a trace is atomic: a failed save leaves the old file whole") {
    auto dir = std::filesystem::temp_directory_path() / "mailsim-test-save";
    std::filesystem::create_directories(dir);
    std::string path = (dir / "t.json").string();
    Trace t;
    t.source.name = "first";
    REQUIRE(!save_trace(t, path));
    auto err = save_trace(t, (dir / "no-such-dir" / "t.json").string());
    REQUIRE(err);
    REQUIRE(err->message().find("no-such-dir") != std::string::npos);
    auto loaded = load_trace(path);
    REQUIRE(loaded);
    REQUIRE(loaded->source.name == "first");
    for (auto& entry : std::filesystem::directory_iterator(dir))
        REQUIRE(entry.path().filename().string().find(".tmp.") == std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("control bytes become question marks wherever they stand, in whole words of text and in odd tails") {
    // The word-at-a-time scan against the byte-at-a-time rule, every byte value at every position.
    auto reference = [](std::string_view s) {
        std::string out;
        for (char c : s) out += is_control_byte(static_cast<unsigned char>(c)) ? '?' : c;
        return out;
    };
    for (size_t len : {1, 7, 8, 9, 16, 23}) {
        for (int b = 0; b < 256; ++b) {
            for (size_t at = 0; at < len; ++at) {
                std::string s(len, 'a');
                if (len > 3) s[len / 2] = static_cast<char>(0xE7);  // a UTF-8 byte nearby is kept
                s[at] = static_cast<char>(b);
                std::string out = "x";
                append_without_controls(out, s);
                REQUIRE(out == "x" + reference(s));
            }
        }
    }
    CHECK(without_controls("HELO a\rb\x7F\tc") == "HELO a?b?\tc");
}

TEST_CASE("a trace keeps a large buffer given to it instead of copying it, a small one it copies") {
    Trace t;
    std::string big(3u << 20, 'm');
    big.reserve(4u << 20);
    const char* where = big.data();
    Event e;
    e.kind = EventKind::bytes;
    e.args = "3145728 bytes";
    e.detail = "d";
    t.append(e, std::move(big));
    std::string small = "QUIT\r\n";
    t.append(e, std::move(small));
    REQUIRE(t.size() == 2);
    CHECK(t[0].bytes.data() == where);
    CHECK(t[0].bytes.size() == (3u << 20));
    CHECK(t[0].bytes.find_first_not_of('m') == std::string_view::npos);
    CHECK(t[0].args == "3145728 bytes");
    CHECK(t[0].detail == "d");
    CHECK(t[1].bytes == "QUIT\r\n");
    CHECK(t[1].args == "3145728 bytes");
    CHECK(t.memory_bytes() > (3u << 20));
    t.clear();
    CHECK(t.empty());
}

TEST_CASE("a cleared trace keeps its first blocks and fills them again correctly") {
    Trace t;
    Event e;
    e.kind = EventKind::bytes;
    e.host = "a";
    // More than one block of records (32768 a block) and more than one chunk (4 MiB).
    const std::string line(200, 'x');
    auto fill = [&](char mark, int n) {
        for (int i = 0; i < n; ++i) {
            std::string b = line;
            b[0] = mark;
            b += std::to_string(i);
            e.bytes = b;
            e.verb = i % 2 ? "MAIL" : "RCPT";
            t.append(e);
        }
    };
    fill('1', 40000);
    const size_t before = t.memory_bytes();
    t.clear();
    CHECK(t.empty());
    CHECK(t.memory_bytes() < before);
    CHECK(t.memory_bytes() >= (4u << 20));  // the first chunk stays
    fill('2', 40000);
    REQUIRE(t.size() == 40000);
    for (size_t i : {size_t{0}, size_t{1}, size_t{20000}, size_t{32767}, size_t{32768}, size_t{39999}}) {
        CHECK(t[i].seq == i);
        CHECK(t[i].host == "a");
        CHECK(t[i].verb == (i % 2 ? "MAIL" : "RCPT"));
        CHECK(t[i].bytes == "2" + line.substr(1) + std::to_string(i));
    }
    t.clear();
    fill('3', 3);
    CHECK(t.size() == 3);
    CHECK(t[2].bytes == "3" + line.substr(1) + "2");
}

namespace {
double resident_mib_now() {
    long pages = 0, resident = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return static_cast<double>(resident) * 4096.0 / (1 << 20);
}
}  // namespace

TEST_CASE("release() empties a string and gives a large buffer's pages back at once") {
    std::string small(1000, 'x');
    mailsim::release(small);
    CHECK(small.empty());
    CHECK(small.capacity() < 1000);

    std::string large(4u << 20, 'x');  // written: every page in memory
    const double before = resident_mib_now();
    mailsim::release(large);
    const double after = resident_mib_now();
    CHECK(large.empty());
    CHECK(before - after > 3.0);  // (mimalloc alone would have kept them a while)
    // The memory can be had again, and holds what is written into it.
    std::string again(4u << 20, 'y');
    CHECK(again[0] == 'y');
    CHECK(again[(4u << 20) - 1] == 'y');
}
