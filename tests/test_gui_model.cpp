// test_gui_model.cpp — what each panel shows at a cursor, without a window;
// and one run of mailsim-gui under Xvfb whose screenshot is looked at.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <stb_image.h>

#include "agents/world_feed.hpp"
#include "core/error.hpp"
#include "core/trace_json.hpp"
#include "model/file_browser.hpp"
#include "model/message_view.hpp"
#include "model/outcome.hpp"
#include "model/session.hpp"
#include "model/topology.hpp"
#include "scenario/scenario.hpp"
#include "scenario/lesson.hpp"
#include "text/text.hpp"
#include "view/transcript.hpp"
#include "support.hpp"

using namespace mailsim;
using namespace mailsim::gui;

namespace {

Session default_session() {
    Session s;
    s.open_default();
    return s;
}

size_t first_of(const Trace& t, EventKind kind, std::string_view key = {}) {
    for (size_t i = 0; i < t.size(); ++i)
        if (t.at(i).kind == kind && (key.empty() || t.at(i).key == key)) return i;
    FAIL("no such event");
    return 0;
}

}  // namespace

TEST_CASE("the default scenario opens with every event hidden and the golden trace's length", "[gui]") {
    Session s = default_session();
    CHECK(s.is_scenario());
    CHECK(s.cursor() == 0);
    auto golden = load_trace(std::string(MAILSIM_SOURCE_DIR) + "/traces/default.json");
    REQUIRE(golden);
    CHECK(s.trace().size() == golden->size());
    CHECK(s.index().connections_begun(0) == 0);
    CHECK(s.index().connections_begun(s.trace().size()) == 13);
}

TEST_CASE("stepping, jumping and selecting move one cursor", "[gui]") {
    Session s = default_session();
    s.step(5);
    CHECK(s.cursor() == 5);
    s.step(-10);
    CHECK(s.cursor() == 0);
    REQUIRE(s.jump_next(EventKind::queue_scan));
    const Event scan = s.trace().at(s.cursor() - 1);
    CHECK(scan.kind == EventKind::queue_scan);
    CHECK(*s.selected == s.cursor() - 1);
    REQUIRE(s.jump_next(EventKind::queue_scan));
    CHECK(s.trace().at(s.cursor() - 1).time > scan.time);
    REQUIRE(s.jump_prev(EventKind::queue_scan));
    CHECK(s.trace().at(s.cursor() - 1).time == scan.time);
    s.select(150);
    CHECK(s.cursor() == 151);
    s.set_cursor(1000000);
    CHECK(s.cursor() == s.trace().size());
}

TEST_CASE("playing reveals one event per tick and stops at the end", "[gui]") {
    Session s = default_session();
    s.speed = 10;
    s.playing = true;
    s.advance(0.35);  // 3.5 ticks
    CHECK(s.cursor() == 3);
    CHECK(s.phase == Approx(0.5f));
    s.advance(1000);
    CHECK(s.cursor() == s.trace().size());
    CHECK_FALSE(s.playing);
}

TEST_CASE("the transcript index gives each connection its C:/S: lines, coloured by class", "[gui]") {
    Session s = default_session();
    const TraceIndex& ix = s.index();
    REQUIRE(ix.connections().size() == 13);
    const ConnectionInfo& c1 = ix.connections()[0];
    CHECK(c1.client == "alice-pc");
    CHECK(c1.server == "mail.crepes.fr");
    CHECK(c1.protocol == "smtp");
    CHECK(c1.port == "port 587");
    REQUIRE(c1.lines.size() > 10);
    CHECK(c1.lines[0].cls == LineClass::tcp);
    CHECK(line_text(s.trace(), c1.lines[1]) == "220 mail.crepes.fr ESMTP mailsim");
    CHECK(c1.lines[1].cls == LineClass::reply2);
    CHECK_FALSE(c1.lines[1].from_client);
    size_t total = 0;
    bool saw_550 = false, saw_354 = false, saw_421 = false;
    for (const auto& c : ix.connections()) {
        total += c.lines.size();
        for (const auto& l : c.lines) {
            std::string_view t = line_text(s.trace(), l);
            if (t.starts_with("550 ")) saw_550 = l.cls == LineClass::reply5;
            if (t.starts_with("354 ")) saw_354 = l.cls == LineClass::reply3;
            if (t.starts_with("421 ")) saw_421 = l.cls == LineClass::reply4;
        }
    }
    CHECK(saw_550);
    CHECK(saw_354);
    CHECK(saw_421);
    CHECK(ix.all_lines().size() == total);
    // Lines appear only once their event is shown.
    const size_t data = first_of(s.trace(), EventKind::bytes, "smtp.message");
    CHECK(TraceIndex::lines_before(c1, data) < TraceIndex::lines_before(c1, data + 1));
    CHECK(TraceIndex::lines_before(c1, 0) == 0);
}

TEST_CASE("a long message is listed up to a limit, then counted", "[gui]") {
    Trace t;
    Event e;
    e.kind = EventKind::bytes;
    e.conn = 1;
    e.dir = Direction::to_server;
    e.host = "a";
    e.peer = "b";
    e.protocol = "smtp";
    e.key = "smtp.message";
    std::string body;
    for (int i = 0; i < 30; ++i) body += "line " + std::to_string(i) + "\r\n";
    e.bytes = body;
    t.append(e);
    TraceIndex ix(t, 12);
    const auto& lines = ix.connections()[0].lines;
    REQUIRE(lines.size() == 13);
    CHECK(lines[11].cls == LineClass::message);
    CHECK(line_text(t, lines[11]) == "line 11");
    CHECK(lines[12].cls == LineClass::more);
    CHECK(lines[12].offset == 18);  // lines left out
}

TEST_CASE("the queue panel shows the sender server's queue at the cursor", "[gui]") {
    Session s = default_session();
    const Trace& t = s.trace();
    auto hosts = queue_hosts(t, s.index());
    REQUIRE(hosts.size() >= 1);
    CHECK(hosts[0] == "mail.crepes.fr");
    const size_t enq = first_of(t, EventKind::queue_enqueue);
    CHECK(queue_at(t, s.index(), "mail.crepes.fr", enq).entries.empty());
    auto q = queue_at(t, s.index(), "mail.crepes.fr", enq + 1);
    REQUIRE(q.entries.size() == 1);
    CHECK(q.entries[0].queue == "incoming");
    CHECK(q.entries[0].attempts == 0);
    REQUIRE(q.entries[0].rcpts.size() == 2);
    CHECK(q.entries[0].rcpts[1].to == "nobody@hamburger.edu");
    CHECK(q.next_scan_hint == 30 * kSecond);
    // After the deferral: the retry is due later, one attempt made.
    const size_t defer = first_of(t, EventKind::queue_defer);
    auto d = queue_at(t, s.index(), "mail.crepes.fr", defer + 1);
    REQUIRE(d.entries.size() == 1);
    CHECK(d.entries[0].queue == "deferred");
    CHECK(d.entries[0].attempts == 1);
    CHECK(d.entries[0].next_attempt > t.at(defer).time);
    // At the end every message has left the queue.
    CHECK(queue_at(t, s.index(), "mail.crepes.fr", t.size()).entries.empty());
}

TEST_CASE("recipient fates follow the trace: queued, deferred, delivered, bounced", "[gui]") {
    Session s = default_session();
    const Trace& t = s.trace();
    auto at_end = outcomes_at(t, t.size());
    REQUIRE(at_end.size() == 5);
    CHECK(at_end[0].rcpt == "bob@hamburger.edu");
    CHECK(at_end[0].fate == Fate::delivered);
    CHECK(at_end[1].rcpt == "nobody@hamburger.edu");
    CHECK(at_end[1].fate == Fate::bounced);
    CHECK(at_end[2].subject == "Crepes tonight");
    CHECK(at_end[2].fate == Fate::delivered);
    CHECK(at_end[3].subject == "Slides for Tuesday");
    CHECK(at_end[4].fate == Fate::delivered);
    const size_t defer = first_of(t, EventKind::queue_defer);
    auto mid = outcomes_at(t, defer + 1);
    CHECK(mid[2].fate == Fate::deferred);
    CHECK(mid[2].reply.find("421") != std::string::npos);
    CHECK(outcomes_at(t, first_of(t, EventKind::note, "agent.compose") + 1)[0].fate == Fate::queued);
}

TEST_CASE("the reply-code lab: 550 on RCPT for bob turns his delivery into a bounce", "[gui]") {
    Session s = default_session();
    s.set_cursor(s.trace().size());
    const SimTime end_time = s.cursor_time();
    REQUIRE_FALSE(s.rerun({{"mail.hamburger.edu", "smtp", "RCPT", "bob", "550 5.1.1 No such user here"}}));
    REQUIRE(s.previous_outcome());
    CHECK((*s.previous_outcome())[0].fate == Fate::delivered);
    auto after = outcomes_at(s.trace(), s.cursor());
    CHECK(after[0].fate == Fate::bounced);
    CHECK(after[2].fate == Fate::bounced);
    CHECK(s.cursor_time() <= end_time);
    CHECK(s.overrides().size() == 1);
    REQUIRE(s.previous_transcript());
    CHECK(*s.previous_transcript() != wire_lines(s.trace(), s.cursor()));
}

TEST_CASE("the reply-code lab: 421 at connect makes a retry, a bad row is refused by name", "[gui]") {
    Session s = default_session();
    s.set_cursor(s.trace().size());
    REQUIRE_FALSE(s.rerun({{"mail.hamburger.edu", "smtp", "CONNECT", "", "421 Service not available"}}));
    auto after = outcomes_at(s.trace(), s.cursor());
    CHECK(after[0].fate != Fate::delivered);
    const size_t before_size = s.trace().size();
    auto err = s.rerun({{"mail.hamburger.edu", "smtp", "RCPT", "", "hello"}});
    REQUIRE(err);
    CHECK(err->message().find("overrides[0].reply") != std::string::npos);
    CHECK(s.trace().size() == before_size);  // nothing changed
    err = s.rerun({{"mail.nowhere.org", "smtp", "RCPT", "", "550 no"}});
    REQUIRE(err);
    CHECK(err->message().find("overrides[0].server") != std::string::npos);
}

TEST_CASE("the message panel finds the message text and its envelope", "[gui]") {
    Session s = default_session();
    const Trace& t = s.trace();
    const size_t data = first_of(t, EventKind::bytes, "smtp.message");
    CHECK_FALSE(message_at(t, s.index(), data, std::nullopt));
    auto m = message_at(t, s.index(), data + 1, std::nullopt);
    REQUIRE(m);
    CHECK(m->seq == data);
    CHECK(m->mail_from == "alice@crepes.fr");
    CHECK(m->rcpt_to == std::vector<std::string>{"bob@hamburger.edu", "nobody@hamburger.edu"});
    CHECK(m->raw.find("Subject: Do you like ketchup?\r\n") != std::string::npos);
    CHECK(m->raw.find("\r\n.\r\n") == std::string::npos);  // the end-of-data line is gone
    // A POP3 RETR answer carries the stored message, Received line and all.
    const size_t retr = first_of(t, EventKind::bytes, "pop3.cmd.RETR");
    auto pop = message_at(t, s.index(), retr + 2, std::nullopt);
    REQUIRE(pop);
    CHECK(t.at(pop->seq).protocol == "pop3");
    CHECK(pop->raw.rfind("Return-Path:", 0) == 0);
    CHECK(pop->mail_from.empty());
    // So does an IMAP FETCH of BODY[] (the phone's, last in the trace).
    auto last = message_at(t, s.index(), t.size(), std::nullopt);
    REQUIRE(last);
    CHECK(t.at(last->seq).protocol == "imap");
    CHECK(last->raw.rfind("Return-Path:", 0) == 0);
    CHECK(last->raw.find("Subject: Room change\r\n") != std::string::npos);
    CHECK(last->mail_from.empty());
}

TEST_CASE("topology: the textbook order left to right, DNS on top, units in flight", "[gui]") {
    Session s = default_session();
    auto places = place_hosts(s.trace());
    auto find = [&](std::string_view n) {
        for (const auto& p : places)
            if (p.name == n) return p;
        FAIL("no host " << n);
        return HostPlace{};
    };
    CHECK(find("alice-pc").x < find("mail.crepes.fr").x);
    CHECK(find("mail.crepes.fr").x < find("mail.hamburger.edu").x);
    CHECK(find("mail.hamburger.edu").x < find("bob-pc").x);
    CHECK(find("dns.isp.net").y < find("mail.crepes.fr").y);
    const Trace& t = s.trace();
    const size_t b = first_of(t, EventKind::bytes);
    const Event e = t.at(b);
    auto f = in_flight(t, b + 1, e.time + (e.until - e.time) / 4, false);
    REQUIRE_FALSE(f.empty());
    CHECK(f.back().seq == b);
    CHECK(f.back().fraction == Approx(0.25f));
    CHECK(in_flight(t, b + 1, e.until, false).empty());
    CHECK(in_flight(t, b + 1, e.time, true).back().fraction == Approx(0.5f));
}

TEST_CASE("opening: a trace file, and bad files named with the place", "[gui]") {
    Session s = default_session();
    REQUIRE_FALSE(s.open(std::string(MAILSIM_SOURCE_DIR) + "/traces/default.json"));
    CHECK_FALSE(s.is_scenario());
    CHECK(s.trace().size() > 100);
    const size_t size = s.trace().size();
    const auto dir = std::filesystem::temp_directory_path();
    const std::string bad = (dir / "mailsim-gui-bad.json").string();
    std::ofstream(bad) << R"({"mails": [{"from": "alice@crepes.fr", "to": 42}]})";
    auto err = s.open(bad);
    REQUIRE(err);
    CHECK(err->message().find("mailsim-gui-bad.json") != std::string::npos);
    CHECK(s.trace().size() == size);
    std::ofstream(bad) << R"({"format": "mailsim-trace", "version": 1, "events": [{"seq": 0, "kind": "warp"}]})";
    err = s.open(bad);
    REQUIRE(err);
    INFO(err->message());
    CHECK(err->message().find("events[0]") != std::string::npos);
    CHECK_FALSE(s.open("/nonexistent/x.json") == std::nullopt);
    std::filesystem::remove(bad);
}

TEST_CASE("a lesson on a recorded trace opens that trace, its steps move the cursor, and no lab re-run", "[gui]") {
    Session s = default_session();
    REQUIRE_FALSE(s.open(std::string(MAILSIM_SOURCE_DIR) + "/lessons/09-real-pop3-server-list.json"));
    REQUIRE(s.lesson());
    CHECK_FALSE(s.is_scenario());  // nothing to re-run in the reply-code lab
    CHECK(s.trace().size() == s.lesson()->trace().size());
    CHECK(s.cursor() == s.lesson()->steps[0].cursor);
    s.go_to_step(3);  // STAT and LIST
    CHECK(s.trace().at(s.cursor() - 1).bytes.find("1 messages:") != std::string_view::npos);
    // Opened again, it is another reading: the GUI's answers start afresh.
    const void* first = s.lesson()->run_id();
    REQUIRE_FALSE(s.open(std::string(MAILSIM_SOURCE_DIR) + "/lessons/09-real-pop3-server-list.json"));
    CHECK(s.lesson()->run_id() != first);
}

TEST_CASE("opening a lesson or trace nested 200,000 levels deep names the place, not a crash", "[gui][hardening]") {
    Session s = default_session();
    const size_t size = s.trace().size();
    const std::string deep = (std::filesystem::temp_directory_path() / "mailsim-gui-deep.json").string();
    std::ofstream(deep) << "{\"title\": \"T\", \"steps\": [], \"scenario\": " << std::string(200000, '[');
    auto err = s.open(deep);
    REQUIRE(err);
    INFO(err->message());
    CHECK(err->where.find("mailsim-gui-deep.json: byte ") != std::string::npos);
    CHECK(err->what.find("nest") != std::string::npos);
    std::ofstream(deep) << "{\"format\": \"mailsim-trace\", \"version\": 1, \"events\": [{\"seq\": 0, \"t\": 0, "
                           "\"kind\": \"note\", \"detail\": {\"a\":" << std::string(200000, '[') << "}}]}";
    err = s.open(deep);
    REQUIRE(err);
    CHECK(err->what.find("nest") != std::string::npos);
    CHECK(s.trace().size() == size);
    std::filesystem::remove(deep);
}

TEST_CASE("texts the panels build from parts exist in both languages", "[gui]") {
    for (auto lang : {text::Lang::en, text::Lang::zh}) {
        for (auto p : {"topology", "sequence", "transcript", "timeline", "queue", "message", "encoding", "replylab", "lesson"})
            CHECK(text::find(lang, std::string("gui.panel.") + p));
        for (auto q : {"incoming", "active", "deferred"}) CHECK(text::find(lang, std::string("gui.queue.name.") + q));
        for (auto q : {"pending", "sent", "failed"}) CHECK(text::find(lang, std::string("gui.queue.state.") + q));
        for (auto m : {"text", "image", "audio", "video", "model", "application", "message", "multipart"})
            CHECK(text::find(lang, std::string("gui.mime.") + m));
        for (auto f : {Fate::queued, Fate::deferred, Fate::relayed, Fate::delivered, Fate::bounced})
            CHECK(text::find(lang, fate_key(f)));
        for (auto k : gui::kFileKindNames) CHECK(text::find(lang, "gui.open.kind." + std::string(k)));
    }
}

TEST_CASE("mailsim-gui refuses a bad script before opening a window", "[gui]") {
    int status = 0;
    std::string out = test::run_command(std::string(MAILSIM_GUI_BIN) + " --script 'step 3; fly away'", &status);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(out.find("action 2: unknown action \"fly\"") != std::string::npos);
    out = test::run_command(std::string(MAILSIM_GUI_BIN) + " --script 'solo kitchen'", &status);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(out.find("no panel \"kitchen\"") != std::string::npos);
}

TEST_CASE("GUI smoke test: under Xvfb, stepping through the default scenario draws the transcript's colours", "[gui]") {
    int status = 0;
    test::run_command("command -v xvfb-run", &status);
    if (status != 0) {
        WARN("xvfb-run is not installed: the GUI smoke test is skipped");
        return;
    }
    const std::string png = (std::filesystem::temp_directory_path() / "mailsim-gui-smoke.png").string();
    std::filesystem::remove(png);
    // Under the sanitizers, Mesa's own allocations would count as leaks.
    std::string out = test::run_command(test::xvfb_run() + std::string(MAILSIM_GUI_BIN) +
                              " --script 'step 30; jump scan; step 30; lang zh; wait 1; screenshot " + png + "; quit'",
                          &status);
    INFO(out);
    REQUIRE(WEXITSTATUS(status) == 0);
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(png.c_str(), &w, &h, &n, 3);
    REQUIRE(px);
    CHECK(w == 1280);
    CHECK(h == 800);
    size_t green = 0, red = 0, cyan = 0;
    std::set<unsigned> colours;
    for (int i = 0; i < w * h; ++i) {
        const unsigned char* p = px + 3 * i;
        colours.insert(unsigned(p[0]) << 16 | unsigned(p[1]) << 8 | p[2]);
        if (p[0] == 115 && p[1] == 230 && p[2] == 115) ++green;  // 2xx
        if (p[0] == 255 && p[1] == 102 && p[2] == 102) ++red;    // 5xx (the 550 for nobody)
        if (p[0] == 115 && p[1] == 204 && p[2] == 255) ++cyan;   // commands
    }
    stbi_image_free(px);
    CHECK(colours.size() > 50);  // not blank
    CHECK(green > 50);
    CHECK(red > 20);
    CHECK(cyan > 50);
    std::filesystem::remove(png);
}

TEST_CASE("GUI: the Lesson panel asks a checkpoint, a wrong answer gets its hint, a right one scores (Xvfb)", "[gui]") {
    int status = 0;
    test::run_command("command -v xvfb-run", &status);
    if (status != 0) {
        WARN("xvfb-run is not installed: the lesson panel test is skipped");
        return;
    }
    const std::string png = (std::filesystem::temp_directory_path() / "mailsim-gui-checkpoint.png").string();
    std::filesystem::remove(png);
    const std::string lesson = std::string(MAILSIM_SOURCE_DIR) + "/lessons/01-smtp-alice-to-bob.json";
    // Step 6 asks for the code that invites the text (354): 250 is wrong, then 354 is right but
    // does not score; step 4's click on event 5 (EHLO) and step 3's prediction (220) do.
    std::string out = test::run_command(test::xvfb_run() + std::string(MAILSIM_GUI_BIN) +
                              " --script 'open " + lesson + "; lesson-step 6; wait 1; answer 250; wait 1; screenshot " + png +
                              "; answer 354; expect-score 0; lesson-step 4; answer #5; expect-score 1; lesson-step 3; answer 1; "
                              "expect-score 2; lang zh; lesson-step 2; answer 3; quit'",
                          &status);
    INFO(out);
    REQUIRE(WEXITSTATUS(status) == 0);
    CHECK(out.find("answer 250: Not quite. Look at the Transcript panel, event #20 mail.crepes.fr → alice-pc: 354") != std::string::npos);
    CHECK(out.find("answer 354: Right: 354.") != std::string::npos);
    CHECK(out.find("answer #5: Right: #5 alice-pc → mail.crepes.fr: EHLO alice-pc.") != std::string::npos);
    CHECK(out.find("answer 3: 不对。请看“时序图”面板中的事件 #1") != std::string::npos);
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(png.c_str(), &w, &h, &n, 3);
    REQUIRE(px);
    size_t amber = 0;  // the hint's colour
    for (int i = 0; i < w * h; ++i)
        if (px[3 * i] == 255 && px[3 * i + 1] == 191 && px[3 * i + 2] == 51) ++amber;
    stbi_image_free(px);
    CHECK(amber > 100);
    // A wrong score expected fails the run: the test can fail.
    test::run_command(test::xvfb_run() + std::string(MAILSIM_GUI_BIN) + " --script 'open " + lesson +
            "; lesson-step 6; answer 250; expect-score 1; quit'",
        &status);
    CHECK(WEXITSTATUS(status) == 1);
    std::filesystem::remove(png);
}

TEST_CASE("a handout of the default trace: sequence and transcript pages as PNG, and Markdown", "[gui]") {
    int status = 0;
    test::run_command("command -v xvfb-run", &status);
    if (status != 0) {
        WARN("xvfb-run is not installed: the handout test is skipped");
        return;
    }
    const auto dir = std::filesystem::temp_directory_path() / "mailsim-handout-test";
    std::filesystem::remove_all(dir);
    std::string out = test::run_command(test::xvfb_run() + std::string(MAILSIM_GUI_BIN) +
                              " " + MAILSIM_SOURCE_DIR + "/traces/default.json --handout " + dir.string(),
                          &status);
    INFO(out);
    REQUIRE(WEXITSTATUS(status) == 0);
    auto md = read_file((dir / "handout.md").string());
    REQUIRE(md);
    CHECK(md->rfind("# default\n", 0) == 0);
    CHECK(md->find("![sequence-1.png](sequence-1.png)") != std::string::npos);
    CHECK(md->find("![transcript-1.png](transcript-1.png)") != std::string::npos);
    CHECK(md->find("S: 550 5.1.1 <nobody@hamburger.edu>: No such user here") != std::string::npos);
    CHECK(md->find("Summary: 5 delivered") != std::string::npos);
    size_t pngs = 0;
    for (const auto& f : std::filesystem::directory_iterator(dir)) pngs += f.path().extension() == ".png";
    CHECK(pngs >= 4);  // the default trace is several pages of each
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load((dir / "sequence-1.png").string().c_str(), &w, &h, &n, 3);
    REQUIRE(px);
    stbi_image_free(px);
    CHECK(w == 1280);
    std::filesystem::remove_all(dir);
}

namespace {

std::unique_ptr<agents::WorldFeed> default_feed() {
    auto s = scenario::parse_scenario(scenario::default_scenario_json(), "default");
    REQUIRE(s);
    return std::make_unique<agents::WorldFeed>(scenario::build_world(*s, true), 30 * kDay);
}

void require_same_index(const Trace& t, const TraceIndex& grown, const TraceIndex& whole) {
    CHECK(grown.indexed() == whole.indexed());
    CHECK(grown.connections() == whole.connections());
    CHECK(grown.all_lines() == whole.all_lines());
    CHECK(grown.arrows() == whole.arrows());
    for (size_t k = 0; k < kEventKindNames.size(); ++k)
        CHECK(grown.of_kind(static_cast<EventKind>(k)) == whole.of_kind(static_cast<EventKind>(k)));
    REQUIRE(grown.messages().size() == whole.messages().size());
    for (size_t i = 0; i < whole.messages().size(); ++i) {
        CHECK(grown.messages()[i].seq == whole.messages()[i].seq);
        CHECK(grown.messages()[i].where.rcpt_to == whole.messages()[i].where.rcpt_to);
    }
    for (size_t i = 0; i < t.size(); ++i) CHECK(grown.event_class(i) == whole.event_class(i));
}

}  // namespace

TEST_CASE("an index that follows a growing trace equals one built whole", "[gui]") {
    auto feed = default_feed();
    TraceIndex grown(feed->trace());
    CHECK(grown.indexed() == 0);
    size_t polls = 0;
    while (!feed->finished()) {  // a few events at a time, as frames would take them
        feed->poll(7);
        grown.extend(feed->trace());
        CHECK(grown.indexed() == feed->trace().size());
        ++polls;
    }
    CHECK(polls > 20);
    const TraceIndex whole(feed->trace());
    require_same_index(feed->trace(), grown, whole);
    CHECK(whole.messages().size() >= 5);  // DATA texts, RETR answers, FETCH literals
    // Polled in pieces, the World made the golden trace all the same.
    auto golden = read_file(std::string(MAILSIM_SOURCE_DIR) + "/traces/default.json");
    REQUIRE(golden);
    CHECK(trace_to_json(feed->trace()) == *golden);
}

TEST_CASE("a session following a feed keeps its cursor at the end, or where the student left it", "[gui]") {
    Session s;
    s.follow(default_feed(), "growing", "");
    CHECK(s.trace().empty());
    CHECK(s.growing());
    s.poll(50);
    CHECK(s.trace().size() >= 50);
    CHECK(s.cursor() == s.trace().size());  // it sat at the end: it follows
    s.set_cursor(10);
    s.poll(50);
    CHECK(s.cursor() == 10);  // stepped back: it stays
    while (s.growing()) s.poll(1000);
    CHECK(!s.poll());
    require_same_index(s.trace(), s.index(), TraceIndex(s.trace()));
}

TEST_CASE("a session given a feed that already holds events follows it from there", "[gui]") {
    // As serve's feed does: its LISTEN lines are there before the first frame.
    auto feed = default_feed();
    feed->poll(20);
    const size_t before = feed->trace().size();
    REQUIRE(before > 0);
    Session s;
    s.follow(std::move(feed), "growing", "");
    CHECK(s.cursor() == before);
    s.poll(50);
    CHECK(s.cursor() == s.trace().size());
    CHECK(s.cursor() > before);
}

TEST_CASE("the terminal and the GUI colour every reply by one class from the catalog", "[gui]") {
    // IMAP's NO is a transient failure and BAD a permanent one, in both.
    Session s = default_session();
    for (const auto& line : s.index().all_lines()) {
        const Event e = s.trace().at(line.seq);
        if (line.from_client || line.cls == LineClass::tcp || line.cls == LineClass::more || line.offset != 0) continue;
        CHECK(line.cls == line_class(catalog::reply_class(e.protocol, e.verb)));
    }
    CHECK(line_class(catalog::reply_class("imap", "NO")) == LineClass::reply4);
    CHECK(line_class(catalog::reply_class("imap", "BAD")) == LineClass::reply5);
    CHECK(line_class(catalog::reply_class("pop3", "-ERR")) == LineClass::reply5);
    CHECK(line_class(catalog::reply_class("smtp", "299")) == LineClass::reply2);
    view::TranscriptOptions o;
    o.color = true;
    const std::string bad = view::format_event(
        Event{0, 0, 0, EventKind::bytes, Direction::to_client, 1, "mx", "pc", "imap", "BAD", "x", "imap.reply.BAD", "A1 BAD x\r\n", {}}, o);
    CHECK(bad.find("\x1b[31m") != std::string::npos);  // red, as the GUI's reply5
}

namespace {
// Every lesson played in the Lesson panel with the teacher's answers, in one language (one window run).
void play_every_lesson_in_the_gui(const char* lang) {
    int status = 0;
    test::run_command("command -v xvfb-run", &status);
    if (status != 0) {
        WARN("xvfb-run is not installed: the lesson panel test is skipped");
        return;
    }
    std::vector<std::string> files;
    for (const auto& f : std::filesystem::directory_iterator(std::string(MAILSIM_SOURCE_DIR) + "/lessons"))
        if (f.path().extension() == ".json") files.push_back(f.path().string());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 5);
    std::string script;
    for (const auto& f : files) {
        auto l = scenario::load_lesson(f);
        REQUIRE(l);
        script += std::string("open ") + f + "\nlang " + lang + "\n";
        for (size_t i = 0; i < l->steps.size(); ++i) script += "lesson-step " + std::to_string(i + 1) + "\nanswer-teacher\n";
        script += "expect-score " + std::to_string(scenario::checkpoint_count(*l)) + "\n";
    }
    script += "quit\n";
    const std::string file = (std::filesystem::temp_directory_path() / (std::string("mailsim-gui-lessons-") + lang + ".txt")).string();
    REQUIRE_FALSE(write_file_atomically(file, script));
    std::string out = test::run_command(test::xvfb_run() + std::string(MAILSIM_GUI_BIN) +
                              " --script @" + file,
                          &status);
    INFO(out);
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(out.find("Not quite") == std::string::npos);
    CHECK(out.find("不对") == std::string::npos);
}
}  // namespace

TEST_CASE("GUI: every lesson plays step by step to full marks in the Lesson panel, in English (Xvfb)", "[gui]") {
    play_every_lesson_in_the_gui("en");
}

TEST_CASE("GUI: every lesson plays step by step to full marks in the Lesson panel, in Chinese (Xvfb)", "[gui]") {
    play_every_lesson_in_the_gui("zh");
}
