// checkpoint.cpp — reading a lesson's checkpoints and grading answers
// against facts of the trace (see checkpoint.hpp).
#include "scenario/checkpoint.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/json_input.hpp"

namespace mailsim::scenario {

namespace ji = json_input;
using nlohmann::json;

namespace {

constexpr std::string_view kKindNames[] = {"choice", "type", "predict", "click"};
const std::vector<std::string_view> kFacts = {"verb", "args", "line", "host",   "peer",   "protocol",
                                              "port", "header", "text", "detail", "count"};

// Trimmed, runs of white space made one space, ASCII letters lower case.
std::string normalize(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

std::string_view first_line(std::string_view b) {
    size_t end = b.find_first_of("\r\n");
    return end == std::string_view::npos ? b : b.substr(0, end);
}

// The value of header `name` in message text (folded lines joined), or "".
std::string header_value(std::string_view text, std::string_view name) {
    for (size_t pos = 0; pos < text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty() || line == "\r") break;  // the blank line that ends the header
        if (line.size() > name.size() && line[name.size()] == ':' &&
            normalize(line.substr(0, name.size())) == normalize(name)) {
            std::string v(line.substr(name.size() + 1));
            while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) {  // folded
                size_t e = text.find('\n', pos);
                if (e == std::string_view::npos) e = text.size();
                v += text.substr(pos, e - pos);
                pos = e + 1;
            }
            size_t b = v.find_first_not_of(" \t");
            if (b == std::string::npos) return {};
            return v.substr(b, v.find_last_not_of(" \t\r") + 1 - b);
        }
    }
    return {};
}

std::string truncated(std::string_view s, size_t max) {
    if (s.size() <= max) return std::string(s);
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    return std::string(s.substr(0, cut)) + "…";
}

std::string panel_name(const Checkpoint& c, text::Lang lang) {
    return c.panel.empty() ? text::get(lang, "gui.panel.transcript") : text::get(lang, "gui.panel." + c.panel);
}

}  // namespace

bool EventSelector::matches(const Event& e) const {
    if (kind && e.kind != *kind) return false;
    if (!verb.empty() && e.verb != verb) return false;
    if (!host.empty() && e.host != host) return false;
    if (!contains.empty() && e.bytes.find(contains) == std::string_view::npos &&
        e.args.find(contains) == std::string_view::npos)
        return false;
    return true;
}

std::string EventSelector::describe() const {
    std::string s;
    auto add = [&](std::string_view k, std::string_view v) {
        if (!v.empty()) s += fmt::format("{}{}: \"{}\"", s.empty() ? "" : ", ", k, v);
    };
    add("kind", kind ? mailsim::to_string(*kind) : std::string_view{});
    add("verb", verb);
    add("host", host);
    add("contains", contains);
    return fmt::format("{{{}}} (occurrence {})", s, nth);
}

EventSelector read_selector(const json& o, const std::string& p) {
    ji::check_keys(o, p, {"kind", "verb", "host", "contains", "nth"});
    EventSelector a;
    if (const json* v = ji::find(o, "kind")) {
        std::string k = ji::as_string(*v, ji::child(p, "kind"));
        a.kind = parse_event_kind(k);
        if (!a.kind) {
            std::string all;
            for (auto n : kEventKindNames) all += (all.empty() ? "" : ", ") + std::string(n);
            ji::fail(ji::child(p, "kind"), "unknown event kind \"" + k + "\"; expected one of " + all);
        }
    }
    if (const json* v = ji::find(o, "verb")) a.verb = ji::as_string(*v, ji::child(p, "verb"));
    if (const json* v = ji::find(o, "host")) a.host = ji::as_string(*v, ji::child(p, "host"));
    if (const json* v = ji::find(o, "contains")) a.contains = ji::as_string(*v, ji::child(p, "contains"));
    if (const json* v = ji::find(o, "nth")) a.nth = static_cast<long>(ji::as_int(*v, ji::child(p, "nth"), 1, 1000000));
    return a;
}

size_t find_event(const Trace& t, const EventSelector& s, const std::string& path, size_t from) {
    long seen = 0;
    for (size_t k = from; k < t.size(); ++k)
        if (s.matches(t.at(k)) && ++seen == s.nth) return k;
    ji::fail(path, "no event of the scenario's trace matches " + s.describe() +
                       (seen ? fmt::format("; only {} do", seen) : std::string{}));
}

std::string_view to_string(CheckpointKind k) { return kKindNames[static_cast<size_t>(k)]; }

std::string describe_event(const Event& e) {
    std::string where(e.host);
    if (e.kind == EventKind::bytes && !e.peer.empty()) where += fmt::format(" → {}", e.peer);
    std::string_view what = e.kind == EventKind::bytes ? first_line(e.bytes) : e.args;
    if (what.empty()) what = e.verb;
    return fmt::format("#{} {}: {}", e.seq, where, truncated(what, 72));
}

std::string fact_value(const Checkpoint& c, const Trace& t) {
    const Event e = t.at(c.event);
    const std::string& f = c.fact;
    if (c.kind == CheckpointKind::click) return std::to_string(e.seq);
    if (f == "verb") return std::string(e.verb);
    if (f == "args") return std::string(e.args);
    if (f == "line") return std::string(first_line(e.bytes));
    if (f == "host") return std::string(e.host);
    if (f == "peer") return std::string(e.peer);
    if (f == "protocol") return std::string(e.protocol);
    if (f == "port") {
        size_t p = e.args.rfind("port ");
        return p == std::string_view::npos ? std::string{} : std::string(e.args.substr(p + 5));
    }
    if (f == "header") return header_value(e.bytes, c.fact_arg);
    if (f == "text") {
        const std::string_view in = e.bytes.empty() ? e.args : e.bytes;  // a queue event has only its description
        size_t start = c.fact_from.empty() ? 0 : in.find(c.fact_from);
        if (start == std::string_view::npos) return {};
        size_t a = in.find(c.fact_arg, start);
        if (a == std::string_view::npos) return {};
        a += c.fact_arg.size();
        size_t b = in.find(c.fact_arg2, a);
        if (b == std::string_view::npos || c.fact_arg2.empty()) return {};
        return std::string(in.substr(a, b - a));
    }
    if (f == "detail") {
        if (e.detail.empty()) return {};
        json d = json::parse(e.detail, nullptr, false);
        if (!d.is_object() || !d.contains(c.fact_arg)) return {};
        const json& v = d[c.fact_arg];
        return v.is_string() ? v.get<std::string>() : v.dump();
    }
    if (f == "count") {
        size_t n = 0;
        for (size_t k = 0; k < c.count_until; ++k) n += c.count_of->matches(t.at(k));
        return std::to_string(n);
    }
    return {};
}

int right_choice(const Checkpoint& c, const Trace& t) {
    if (c.choices.empty()) return -1;
    if (c.given_choice >= 0) return c.given_choice;
    const std::string want = normalize(fact_value(c, t));
    int found = -2;
    for (size_t i = 0; i < c.choices.size(); ++i) {
        if (normalize(c.choices[i].en) != want && normalize(c.choices[i].zh) != want) continue;
        if (found != -2) return -2;
        found = static_cast<int>(i);
    }
    return found;
}

std::string teacher_answer(const Checkpoint& c, const Trace& t) {
    int r = right_choice(c, t);
    if (r >= 0) return std::to_string(r + 1);
    if (c.fact.empty() && !c.given_text.empty()) return c.given_text.front();
    return fact_value(c, t);
}

std::string shown_answer(const Checkpoint& c, const Trace& t, text::Lang lang) {
    int r = right_choice(c, t);
    if (r >= 0) return fmt::format("{}. {}", r + 1, c.choices[static_cast<size_t>(r)].in(lang));
    if (c.kind == CheckpointKind::click) return describe_event(t.at(c.event));
    return teacher_answer(c, t);
}

Grade grade(const Checkpoint& c, const Trace& t, std::string_view answer, text::Lang lang) {
    const std::string a = normalize(answer);
    bool ok = false;
    if (!c.choices.empty()) {
        // A choice's own text first ("25" is the choice 25, not the 25th), then its number, then its letter.
        int picked = -1;
        int n = 0;
        for (size_t i = 0; i < c.choices.size() && picked < 0; ++i)
            if (normalize(c.choices[i].en) == a || normalize(c.choices[i].zh) == a) picked = static_cast<int>(i);
        if (picked >= 0) {
        } else if (!a.empty() && std::from_chars(a.data(), a.data() + a.size(), n).ptr == a.data() + a.size()) {
            picked = n - 1;
        } else if (a.size() == 1 && a[0] >= 'a' && a[0] < static_cast<char>('a' + c.choices.size())) {
            picked = a[0] - 'a';
        }
        ok = picked >= 0 && picked == right_choice(c, t);
    } else if (c.kind == CheckpointKind::click) {
        std::string_view d = a;
        if (!d.empty() && d[0] == '#') d.remove_prefix(1);
        std::uint64_t seq = 0;
        ok = !d.empty() && std::from_chars(d.data(), d.data() + d.size(), seq).ptr == d.data() + d.size() &&
             seq == t.at(c.event).seq;
    } else if (c.fact.empty()) {
        for (const auto& g : c.given_text) ok = ok || normalize(g) == a;
    } else {
        ok = !a.empty() && normalize(fact_value(c, t)) == a;
    }
    Grade g;
    g.correct = ok;
    if (ok) {
        g.feedback = text::get(lang, "cli.checkpoint.right", {{"answer", shown_answer(c, t, lang)}});
        return g;
    }
    g.feedback = text::get(lang, c.kind == CheckpointKind::predict ? "cli.checkpoint.wrong_predict" : "cli.checkpoint.wrong",
                           {{"panel", panel_name(c, lang)}, {"event", describe_event(t.at(c.event))}});
    if (!c.hint.en.empty()) g.feedback += " " + c.hint.in(lang);
    return g;
}

Bilingual read_bilingual(const json& o, const std::string& path, std::string_view key, bool required,
                         std::vector<std::string>* missing_zh) {
    const json* v = ji::find(o, key);
    if (!v) {
        if (required) ji::require(o, path, key);
        return {};
    }
    const std::string p = ji::child(path, key);
    Bilingual b;
    if (v->is_string()) b.en = v->get<std::string>();
    else {
        ji::check_keys(*v, p, {"en", "zh"});
        b.en = ji::as_string(ji::require(*v, p, "en"), ji::child(p, "en"));
        if (const json* zh = ji::find(*v, "zh")) b.zh = ji::as_string(*zh, ji::child(p, "zh"));
    }
    if (b.en.empty()) ji::fail(b.en.empty() && !v->is_string() ? ji::child(p, "en") : p, "the English text is empty");
    if (b.zh.empty() && missing_zh) missing_zh->push_back(p);
    return b;
}

Checkpoint read_checkpoint(const json& o, const std::string& p, const Trace& t, size_t previous_stop, size_t stop,
                           const std::string& step_panel, std::vector<std::string>* missing_zh) {
    ji::check_keys(o, p, {"kind", "question", "choices", "answer", "hint", "panel"});
    Checkpoint c;
    const std::string kind = ji::as_string(ji::require(o, p, "kind"), ji::child(p, "kind"));
    auto k = std::find(std::begin(kKindNames), std::end(kKindNames), kind);
    if (k == std::end(kKindNames))
        ji::fail(ji::child(p, "kind"), "unknown checkpoint kind \"" + kind + "\"; expected choice, type, predict or click");
    c.kind = static_cast<CheckpointKind>(k - std::begin(kKindNames));
    c.question = read_bilingual(o, p, "question", true, missing_zh);
    c.hint = read_bilingual(o, p, "hint", false, missing_zh);
    c.panel = step_panel;
    if (const json* v = ji::find(o, "panel")) c.panel = ji::as_string(*v, ji::child(p, "panel"));
    if (const json* v = ji::find(o, "choices")) {
        const std::string cp = ji::child(p, "choices");
        const json& arr = ji::as_array(*v, cp);
        for (size_t i = 0; i < arr.size(); ++i) {
            json holder = {{"c", arr[i]}};
            Bilingual b = read_bilingual(holder, ji::index(cp, i), "c", true, nullptr);
            if (b.zh.empty() && arr[i].is_object() && missing_zh) missing_zh->push_back(ji::index(cp, i));
            c.choices.push_back(std::move(b));
        }
        if (c.kind == CheckpointKind::type || c.kind == CheckpointKind::click)
            ji::fail(cp, "a \"" + kind + "\" checkpoint has no choices (use kind \"choice\")");
        if (c.choices.size() < 2) ji::fail(cp, "give at least two choices");
        // A student answers with a choice's number: a choice that reads as another's number is ambiguous.
        for (size_t i = 0; i < c.choices.size(); ++i) {
            const std::string& t = c.choices[i].en;
            int n = 0;
            if (!t.empty() && std::from_chars(t.data(), t.data() + t.size(), n).ptr == t.data() + t.size() && n >= 1 &&
                n <= static_cast<int>(c.choices.size()) && n != static_cast<int>(i) + 1)
                ji::fail(ji::index(cp, i), fmt::format("\"{}\" reads as the number of choice {}: ambiguous; make it a "
                                                       "typed question, or word the choices", t, n));
        }
    } else if (c.kind == CheckpointKind::choice) {
        ji::require(o, p, "choices");
    }

    const std::string ap = ji::child(p, "answer");
    const json* answer = ji::find(o, "answer");
    if (!answer && c.kind != CheckpointKind::click) ji::require(o, p, "answer");
    json empty_answer = json::object();
    const json& a = answer ? *answer : empty_answer;
    ji::check_keys(a, ap, {"fact", "at", "name", "key", "from", "after", "before", "of", "choice", "text"});
    c.event = stop - 1;  // the step's own event, unless "at" picks another
    if (const json* at = ji::find(a, "at")) c.event = find_event(t, read_selector(*at, ji::child(ap, "at")), ji::child(ap, "at"));
    const bool given = ji::find(a, "choice") || ji::find(a, "text");
    if (const json* f = ji::find(a, "fact")) {
        c.fact = ji::as_string(*f, ji::child(ap, "fact"));
        if (std::find(kFacts.begin(), kFacts.end(), c.fact) == kFacts.end()) {
            std::string hint = ji::nearest(c.fact, kFacts);
            ji::fail(ji::child(ap, "fact"), "no fact \"" + c.fact + "\"" +
                                                 (hint.empty() ? "; expected verb, args, line, host, peer, protocol, "
                                                                 "port, header, text, detail or count"
                                                               : "; did you mean \"" + hint + "\"?"));
        }
        if (given) ji::fail(ap, "give either a fact of the trace or the answer itself, not both");
        if (c.kind == CheckpointKind::click) ji::fail(ji::child(ap, "fact"), "a click is answered by its event: give only \"at\"");
        auto need = [&](std::string_view key) {
            return ji::as_string(ji::require(a, ap, key), ji::child(ap, key));
        };
        if (c.fact == "header") c.fact_arg = need("name");
        if (c.fact == "detail") c.fact_arg = need("key");
        if (c.fact == "text") {
            c.fact_arg = need("after");
            c.fact_arg2 = need("before");
            if (const json* v = ji::find(a, "from")) c.fact_from = ji::as_string(*v, ji::child(ap, "from"));
        }
        if (c.fact == "count") {
            c.count_of = read_selector(ji::require(a, ap, "of"), ji::child(ap, "of"));
            c.count_until = stop;
        }
    } else if (const json* ch = ji::find(a, "choice")) {
        if (c.choices.empty()) ji::fail(ji::child(ap, "choice"), "this checkpoint has no choices");
        c.given_choice = static_cast<int>(ji::as_int(*ch, ji::child(ap, "choice"), 1, static_cast<long>(c.choices.size()))) - 1;
    } else if (const json* tx = ji::find(a, "text")) {
        if (!c.choices.empty()) ji::fail(ji::child(ap, "text"), "a checkpoint with choices is answered by {\"choice\": N}");
        if (tx->is_array())
            for (size_t i = 0; i < tx->size(); ++i) c.given_text.push_back(ji::as_string((*tx)[i], ji::index(ji::child(ap, "text"), i)));
        else c.given_text.push_back(ji::as_string(*tx, ji::child(ap, "text")));
        if (c.given_text.empty()) ji::fail(ji::child(ap, "text"), "give at least one accepted answer");
    } else if (c.kind != CheckpointKind::click) {
        ji::fail(ap, "say where the answer comes from: {\"fact\": ...} of the trace (or, only where the trace cannot "
                     "decide, {\"choice\": N} or {\"text\": ...})");
    }
    if (c.kind == CheckpointKind::predict && c.fact.empty())
        ji::fail(ap, "a prediction is graded by what the trace does: give {\"fact\": ...}");

    // Answerable from what the student sees, and with one answer.
    const Event e = t.at(c.event);
    if (c.kind == CheckpointKind::predict) {
        if (c.event < previous_stop || c.event >= stop)
            ji::fail(ap, fmt::format("a prediction is graded by an event the step reveals (#{} to #{}), but the answer "
                                     "comes from {}",
                                     previous_stop, stop - 1, describe_event(e)));
    } else if (c.event >= stop) {
        ji::fail(ap, fmt::format("the answer comes from {}, after the step stops (at #{}): the student cannot see it "
                                 "yet; make it a \"predict\" checkpoint or move the step's \"at\"",
                                 describe_event(e), stop - 1));
    }
    if (!c.fact.empty() && fact_value(c, t).empty())
        ji::fail(ap, fmt::format("the fact \"{}\" of {} is empty: nothing to answer", c.fact, describe_event(e)));
    if (!c.fact.empty() && !c.choices.empty()) {
        const std::string v = fact_value(c, t);
        size_t n = 0;
        for (const auto& ch : c.choices) n += normalize(ch.en) == normalize(v) || normalize(ch.zh) == normalize(v);
        if (n != 1)
            ji::fail(ji::child(p, "choices"),
                     fmt::format("the trace's answer \"{}\" ({}) must be exactly one choice, but {} are", v,
                                 describe_event(e), n));
    }
    return c;
}

}  // namespace mailsim::scenario
