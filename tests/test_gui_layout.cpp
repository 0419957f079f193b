// test_gui_layout.cpp — issue 16's readability: labels that do not fit end
// in "…" with a tooltip (the fitting rule, the audit, and mailsim-gui's own
// check under Xvfb at scale 1 and 1.5, in English and Chinese), the UI
// scale's flag and script action, and a 1,000-host topology grouped by domain.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "model/label_fit.hpp"
#include "model/session.hpp"
#include "model/topology.hpp"
#include "support.hpp"

using namespace mailsim;
using namespace mailsim::gui;

namespace {

// Ten pixels a character (a UTF-8 lead byte or ASCII), whatever its width.
float ten_a_char(std::string_view s) {
    float w = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) w += 10;
    return w;
}

// The 1,000-host scenario, made by the screenshots' generator.
std::string thousand_hosts() {
    const std::string out = (std::filesystem::temp_directory_path() / "mailsim-thousand-hosts.json").string();
    int status = 0;
    const std::string log = test::run_command("python3 " + std::string(MAILSIM_SOURCE_DIR) + "/gui/screenshots/thousand_hosts.py " + out, &status);
    INFO(log);
    REQUIRE(status == 0);
    return out;
}

}  // namespace

TEST_CASE("a label too long for its room ends in an ellipsis at a character boundary, one that fits is whole", "[gui]") {
    CHECK(fit_label("RCPT TO:<bob>", 200, ten_a_char).shown == "RCPT TO:<bob>");
    CHECK_FALSE(fit_label("RCPT TO:<bob>", 200, ten_a_char).shortened);
    auto f = fit_label("RCPT TO:<bob@hamburger.edu>", 100, ten_a_char);
    CHECK(f.shortened);
    CHECK(f.shown == "RCPT TO:<…");  // 9 characters and the ellipsis: 100 pixels
    CHECK(ten_a_char(f.shown) <= 100);
    CHECK(fit_label("250 OK here", 50, ten_a_char).shown == "250…");  // the blank before the ellipsis dropped
    // Chinese is cut between characters, never inside one.
    f = fit_label("邮件服务器收到了信", 50, ten_a_char);
    CHECK(f.shown == "邮件服务…");
    // A second line is never shown in a one-line label: it counts as shortened.
    f = fit_label("250 OK\r\nmore", 500, ten_a_char);
    CHECK(f.shown == "250 OK…");
    CHECK(f.shortened);
    // No room even for the ellipsis: nothing, and still shortened (the tooltip has it).
    f = fit_label("mail.crepes.fr", 5, ten_a_char);
    CHECK(f.shown.empty());
    CHECK(f.shortened);
    CHECK(fit_label("mail.crepes.fr", 10, ten_a_char).shown == "…");
}

TEST_CASE("the label audit names each label cut without a tooltip, and counts the shortened ones", "[gui]") {
    LabelAudit audit;
    audit.begin_frame();
    audit.fitted();
    audit.fitted();
    audit.cut({"queue: Recipients", "bob@hamburger.edu (waiting)", 220, 120, true});
    CHECK(audit.without_tooltip().empty());
    CHECK(audit.report() == "labels: 2 fitted, 1 shortened with a tooltip, 0 cut without one");
    audit.cut({"encoding: 24 bits (4 × 6)", "a cell 40 px wider than its column", 240, 200, false});
    REQUIRE(audit.without_tooltip().size() == 1);
    CHECK(audit.report().find("cut without a tooltip in encoding: 24 bits (4 × 6)") != std::string::npos);
    audit.begin_frame();
    CHECK(audit.cut_labels().empty());
}

TEST_CASE("topology: a thousand hosts are grouped by domain, each inside its frame, no two boxes overlapping", "[gui]") {
    Session s;
    REQUIRE_FALSE(s.open(thousand_hosts()));
    REQUIRE(s.trace().hosts.size() == 1000);
    const TopologyLayout layout = layout_topology(s.trace());
    REQUIRE(layout.grouped());
    CHECK(layout.groups.size() == 50);
    std::map<std::string, const DomainGroup*> frame;
    for (const auto& g : layout.groups) frame[g.domain] = &g;
    size_t in_frames = 0;
    for (const auto& p : layout.hosts) {
        CHECK(p.height > 0);
        auto it = frame.find(p.domain);
        if (it == frame.end()) {
            CHECK(p.role == "dns");
            continue;
        }
        const DomainGroup& g = *it->second;
        ++in_frames;
        // The whole box inside its domain's frame.
        CHECK(p.x - p.width / 2 >= g.x);
        CHECK(p.x + p.width / 2 <= g.x + g.w);
        CHECK(p.y - p.height / 2 >= g.y);
        CHECK(p.y + p.height / 2 <= g.y + g.h);
    }
    CHECK(in_frames == 999);
    // A mail server and 19 agents a domain, 18 in the last one.
    for (size_t i = 0; i < layout.groups.size(); ++i) CHECK(layout.groups[i].hosts == (i < 49 ? 20u : 19u));
    size_t overlaps = 0;
    for (size_t i = 0; i < layout.hosts.size(); ++i)
        for (size_t j = i + 1; j < layout.hosts.size(); ++j) {
            const auto &a = layout.hosts[i], &b = layout.hosts[j];
            if (std::abs(a.x - b.x) < (a.width + b.width) / 2 && std::abs(a.y - b.y) < (a.height + b.height) / 2) ++overlaps;
        }
    CHECK(overlaps == 0);
    // A small network keeps the textbook picture.
    Session small;
    small.open_default();
    CHECK_FALSE(layout_topology(small.trace()).grouped());
}

TEST_CASE("mailsim-gui refuses a scale out of range, in --scale and in a script", "[gui]") {
    int status = 0;
    std::string out = test::run_command(std::string(MAILSIM_GUI_BIN) + " --scale 5", &status);
    CHECK(WEXITSTATUS(status) != 0);
    CHECK(out.find("--scale") != std::string::npos);
    out = test::run_command(std::string(MAILSIM_GUI_BIN) + " --script 'scale huge; quit'", &status);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(out.find("action 1: expected scale F with F from 0.5 to 3, found \"huge\"") != std::string::npos);
    out = test::run_command(std::string(MAILSIM_GUI_BIN) + " --script 'topology-zoom 0.2; quit'", &status);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(out.find("action 1: expected topology-zoom Z [X Y]") != std::string::npos);
}

TEST_CASE("GUI: at 1280x800, scale 1 and 1.5, English and Chinese, no label is cut without an ellipsis and a tooltip (Xvfb)", "[gui]") {
    if (!test::have_xvfb()) {
        WARN("xvfb-run is not installed: the label check is skipped");
        return;
    }
    const std::string lesson = std::string(MAILSIM_SOURCE_DIR) + "/lessons/01-smtp-alice-to-bob.json";
    const std::string mime = std::string(MAILSIM_SOURCE_DIR) + "/lessons/02-mime-parts-and-encodings.json";
    // Every panel at the 550 of lesson 1 (scale 1 in English, 1.5 in
    // Chinese), the MIME lesson's message (1.5, Chinese), the reply-code lab
    // without a lesson (1, English), and the 1,000-host campus whole (1,
    // English) and zoomed in (1.5, Chinese).
    std::string script = "open " + lesson + "; lesson-step 11; answer 1; answer 2; wait 1; check-labels";
    script += "; scale 1.5; lang zh; wait 2; check-labels";
    script += "; open " + mime + "; lesson-step 5; part 1.2; wait 2; check-labels";
    script += "; open " + lesson + "; end; scale 1; lang en; wait 2; check-labels";
    script += "; open " + thousand_hosts() + "; step 40; wait 2; check-labels";
    script += "; scale 1.5; lang zh; topology-zoom 6 0.3 0.3; wait 2; check-labels; quit";
    int status = 0;
    const std::string out = test::run_command(test::xvfb_run() +
                                            std::string(MAILSIM_GUI_BIN) + " --width 1280 --height 800 --script '" + script + "'",
                                        &status);
    INFO(out);
    CHECK(WEXITSTATUS(status) == 0);
    // Each check's figures: labels fitted, shortened with a tooltip, cut without one.
    size_t checks = 0, shortened_somewhere = 0;
    for (size_t pos = 0; (pos = out.find("check-labels: labels: ", pos)) != std::string::npos; ++pos) {
        size_t fitted = 0, shortened = 0, cut = 99;
        REQUIRE(std::sscanf(out.c_str() + pos, "check-labels: labels: %zu fitted, %zu shortened with a tooltip, %zu cut without one",
                            &fitted, &shortened, &cut) == 3);
        ++checks;
        CHECK(fitted > 20);
        CHECK(cut == 0);
        shortened_somewhere += shortened;
    }
    CHECK(checks == 6);
    // The helper is at work: somewhere a label was too long and got its ellipsis and tooltip.
    CHECK(shortened_somewhere > 0);
}

TEST_CASE("every panel alone at scale 1.5 in Chinese has no label cut without a tooltip (Xvfb)", "[gui]") {
    if (!test::have_xvfb()) {
        WARN("xvfb-run is not installed: the label check is skipped");
        return;
    }
    // A projector's scale, each panel over the whole window, then the typed-command box with answers in it.
    const std::string lesson = std::string(MAILSIM_SOURCE_DIR) + "/lessons/01-smtp-alice-to-bob.json";
    std::string script = "open " + lesson + "; lesson-step 11; answer-teacher; scale 1.5; lang zh";
    const char* panels[] = {"topology", "sequence", "transcript", "timeline", "queue", "message", "encoding", "replylab", "lesson", "live"};
    for (const char* p : panels) script += std::string("; solo ") + p + "; wait 2; check-labels";
    script += "; solo transcript; tab 2; cursor 49; wait 2; type-command VRFY bob; wait 1; type-command EXPN staff; wait 2; check-labels; quit";
    int status = 0;
    const std::string out = test::run_command(test::xvfb_run() +
                                                  std::string(MAILSIM_GUI_BIN) + " --width 1280 --height 800 --script '" + script + "'",
                                              &status);
    INFO(out);
    CHECK(WEXITSTATUS(status) == 0);
    size_t checks = 0;
    for (size_t pos = 0; (pos = out.find(", 0 cut without one", pos)) != std::string::npos; ++pos) ++checks;
    CHECK(checks == std::size(panels) + 1);
}
