// test_trace_load.cpp — the fast trace reader agrees with the DOM reader,
// and gives way to it whenever a file is not exactly what it expects.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/trace_json.hpp"

using namespace mailsim;

namespace {

Trace sample() {
    Trace t;
    t.source.name = "sample \"quoted\"";
    t.source.seed = 7;
    t.hosts = {{"a", "mail-server", "a.example", ""}, {"b-pc", "user-agent", "", "b@a.example"}};
    t.links = {{"a", "b-pc", 1500}};
    Event e;
    e.time = 5;
    e.kind = EventKind::bytes;
    e.dir = Direction::to_server;
    e.conn = 4294967295u;
    e.host = "b-pc";
    e.peer = "a";
    e.protocol = "smtp";
    e.verb = "MAIL";
    e.args = "FROM:<b@a.example> \"x\\y\"\t/";
    e.key = "smtp.cmd.MAIL";
    e.bytes = "MAIL FROM:<b@a.example>\r\n\x01\x1f 系统 😀 é\r\n";
    e.until = 9;
    t.append(e);
    Event raw = e;
    raw.time = 6;
    raw.bytes = std::string_view("\xff\xfe\x80 not UTF-8\r\n", 15);
    t.append(raw);
    Event d;
    d.time = 6;
    d.kind = EventKind::queue_scan;
    d.host = "a";
    d.detail = R"({"due":1,"messages":[{"id":"X","rcpts":[{"to":"b@a.example"}]}],"note":"{[\"}"})";
    t.append(d);
    return t;
}

std::string dump(const Trace& t) { return trace_to_json(t); }

}  // namespace

TEST_CASE("the fast reader reads what trace_to_json writes, exactly as the DOM reader does", "[trace]") {
    for (const std::string& text :
         {dump(sample()), *read_file(std::string(MAILSIM_SOURCE_DIR) + "/traces/default.json")}) {
        auto fast = detail::trace_from_json_fast(text);
        REQUIRE(fast);
        auto dom = detail::trace_from_json_dom(text, "t");
        REQUIRE(dom);
        CHECK(dump(*fast) == dump(*dom));
        CHECK(dump(*fast) == text);
        CHECK(fast->hosts == dom->hosts);
        CHECK(fast->links == dom->links);
        CHECK(fast->source == dom->source);
    }
    auto t = detail::trace_from_json_fast(dump(sample()));
    REQUIRE(t);
    CHECK(t->at(0).bytes == sample().at(0).bytes);
    CHECK(t->at(1).bytes == std::string_view("\xff\xfe\x80 not UTF-8\r\n", 15));
    CHECK(t->at(2).detail == sample().at(2).detail);
    CHECK(t->at(0).conn == 4294967295u);
}

TEST_CASE("a trace laid out another way still loads, through the DOM reader if need be", "[trace]") {
    const std::string text = dump(sample());
    const std::string pretty = nlohmann::json::parse(text).dump(2);  // keys sorted, indented
    auto t = trace_from_json(pretty, "pretty.json");
    REQUIRE(t);
    CHECK(dump(*t) == text);
    // Escapes the writer never uses: \u for ASCII, a surrogate pair, \/.
    std::string escaped = text;
    auto at = escaped.find("MAIL FROM:");
    escaped.replace(at, 4, "\\u004dAIL");
    auto fast = detail::trace_from_json_fast(escaped);
    REQUIRE(fast);
    CHECK(dump(*fast) == text);
    std::string pair = text;
    at = pair.find("😀");
    pair.replace(at, std::string("😀").size(), "\\ud83d\\ude00");
    REQUIRE(detail::trace_from_json_fast(pair));
    CHECK(dump(*detail::trace_from_json_fast(pair)) == text);
}

TEST_CASE("anything unexpected makes the fast reader give way, and the error still names the place", "[trace]") {
    const std::string text = dump(sample());
    struct Case {
        std::string from, to, where;
    };
    const Case cases[] = {
        {"\"seq\":1", "\"seq\":5", "events[1].seq"},
        {"\"t\":6,\"kind\":\"bytes\"", "\"t\":2,\"kind\":\"bytes\"", "events[1].t"},
        {"\"kind\":\"queue-scan\"", "\"kind\":\"warp\"", "events[2].kind"},
        {"\"verb\":\"MAIL\"", "\"verb\":\"MAIL\",\"verbs\":1", "events[0]"},
        {"\"dir\":\"c2s\"", "\"dir\":\"up\"", "events[0].dir"},
        {"\"conn\":4294967295", "\"conn\":4294967296", "events[0].conn"},
        {"\"t\":5", "\"t\":5.5", "events[0].t"},
        {"\"host\":\"a\",", "\"host\":7,", "events[2].host"},
        {"\"detail\":{", "\"detail\":[{", ""},
    };
    for (const auto& c : cases) {
        INFO(c.to);
        std::string broken = text;
        auto at = broken.find(c.from);
        REQUIRE(at != std::string::npos);
        broken.replace(at, c.from.size(), c.to);
        CHECK_FALSE(detail::trace_from_json_fast(broken));
        auto r = trace_from_json(broken, "broken.json");
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("broken.json") == 0);
        if (!c.where.empty()) CHECK(r.error().message().find(c.where) != std::string::npos);
    }
    // Invalid UTF-8 inside a string, a lone surrogate, a truncated file, a trailing comma.
    for (std::string broken : {text, text, text, text}) {
        static int k = 0;
        switch (k++ % 4) {
        case 0: broken.replace(broken.find("系统"), 3, "\xe7\xb3"); break;
        case 1: broken.replace(broken.find("😀"), std::string("😀").size(), "\\ud83d"); break;
        case 2: broken.resize(broken.size() - 10); break;
        case 3: broken.replace(broken.rfind('}', broken.size() - 4), 1, "},"); break;
        }
        CHECK_FALSE(detail::trace_from_json_fast(broken));
        CHECK_FALSE(trace_from_json(broken, "broken.json"));
    }
}
