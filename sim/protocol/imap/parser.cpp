// parser.cpp — see parser.hpp.
#include "protocol/imap/parser.hpp"

#include <chrono>
#include <charconv>

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace mailsim::imap {

namespace {

constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A trailing literal = "{" number ["+"] "}" at the very end of a line.
// Returns false when the line does not end so; `bad` when the count is
// unusable (no digits, too many digits).
bool trailing_literal(std::string_view line, size_t* n, bool* sync, bool* bad) {
    if (line.empty() || line.back() != '}') return false;
    size_t open = line.rfind('{');
    if (open == std::string_view::npos) return false;
    std::string_view inside = line.substr(open + 1, line.size() - open - 2);
    *sync = true;
    if (!inside.empty() && inside.back() == '+') {
        *sync = false;
        inside.remove_suffix(1);
    }
    *bad = false;
    if (inside.empty()) return false;  // "{}" is just text; the parser will refuse it
    for (char c : inside)
        if (c < '0' || c > '9') return false;  // "{abc}": not a literal, the parser says BAD
    if (inside.size() > 10) {
        *bad = true;
        return true;
    }
    std::uint64_t v = 0;
    std::from_chars(inside.data(), inside.data() + inside.size(), v);
    if (v > 0xFFFFFFFFu) *bad = true;
    *n = static_cast<size_t>(v);
    return true;
}

bool astring_char(char c) { return is_atom_char(c) || c == ']'; }
bool list_char(char c) { return is_atom_char(c) || c == ']' || c == '%' || c == '*'; }

}  // namespace

// ---------------------------------------------------------------------------
// CommandReader

CommandReader::CommandReader(size_t line_limit, size_t literal_limit)
    : framer_(line_limit), literal_limit_(literal_limit) {
    framer_.set_lf_ends_line(true);  // people type commands with netcat
}

void CommandReader::feed(std::string_view bytes) {
    if (in_literal_) pending_.append(bytes);
    else framer_.feed(bytes);
}

std::optional<CommandReader::Item> CommandReader::next() {
    for (;;) {
        if (in_literal_) {
            size_t take = std::min(literal_left_, pending_.size());
            if (!skipping_) command_.append(pending_, 0, take);
            pending_.erase(0, take);
            literal_left_ -= take;
            if (literal_left_ > 0) return std::nullopt;
            in_literal_ = false;
            skipping_ = false;
            framer_.feed(pending_);  // what follows the literal is lines again
            pending_.clear();
        }
        auto line = framer_.next();
        if (!line) return std::nullopt;
        if (drop_line_) {  // the rest of a command whose literal was refused
            drop_line_ = false;
            command_.clear();
            continue;
        }
        if (line->too_long) {
            Item it{Item::Kind::too_long, command_.empty() ? std::string(line->text) : command_.substr(0, 80), 0};
            command_.clear();
            return it;
        }
        command_.append(line->text);
        size_t n = 0;
        bool sync = true, bad = false;
        if (!trailing_literal(line->text, &n, &sync, &bad)) {
            Item it{Item::Kind::command, std::move(command_), 0};
            command_.clear();
            return it;
        }
        if (bad || n > literal_limit_ || command_.size() + n > literal_limit_ + framer_.max_length()) {
            Item it{Item::Kind::too_large, command_.substr(0, 80), n};
            command_.clear();
            if (!sync && !bad) {  // the octets come anyway: count them off, keep none
                in_literal_ = skipping_ = drop_line_ = true;
                literal_left_ = n;
                pending_ = framer_.take_rest();
            }
            return it;
        }
        command_.append("\r\n");
        in_literal_ = true;
        literal_left_ = n;
        pending_ = framer_.take_rest();
        if (sync) return Item{Item::Kind::literal_wanted, command_.substr(0, 80), n};
    }
}

void CommandReader::refuse_literal() {
    if (!in_literal_) return;
    in_literal_ = skipping_ = false;
    literal_left_ = 0;
    command_.clear();
    framer_.feed(pending_);
    pending_.clear();
}

// ---------------------------------------------------------------------------
// Args

// ATOM-CHAR = <any CHAR except atom-specials>
// atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
bool is_atom_char(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x1f || u >= 0x7f) return false;
    switch (c) {
        case '(': case ')': case '{': case ' ': case '%': case '*': case '"': case '\\': case ']': return false;
        default: return true;
    }
}

bool Args::eat(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
}

std::optional<std::string> Args::atom() {
    size_t start = pos_;
    while (pos_ < s_.size() && is_atom_char(s_[pos_])) ++pos_;
    if (pos_ == start) return std::nullopt;
    return std::string(s_.substr(start, pos_ - start));
}

// quoted  = DQUOTE *QUOTED-CHAR DQUOTE
// QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials
// literal = "{" number ["+"] "}" CRLF *CHAR8
std::optional<std::string> Args::string() {
    size_t start = pos_;
    if (eat('"')) {
        std::string out;
        while (pos_ < s_.size()) {
            char c = s_[pos_++];
            if (c == '"') return out;
            if (c == '\r' || c == '\n') break;
            if (c == '\\') {
                if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\\')) break;
                c = s_[pos_++];
            }
            out += c;
        }
        pos_ = start;
        return std::nullopt;
    }
    if (eat('{')) {
        size_t close = s_.find('}', pos_);
        if (close == std::string_view::npos) return pos_ = start, std::nullopt;
        std::string_view count = s_.substr(pos_, close - pos_);
        if (!count.empty() && count.back() == '+') count.remove_suffix(1);
        size_t n = 0;
        auto r = std::from_chars(count.data(), count.data() + count.size(), n);
        if (count.empty() || r.ec != std::errc{} || r.ptr != count.data() + count.size() ||
            s_.substr(close + 1, 2) != "\r\n" || s_.size() - (close + 3) < n) {
            pos_ = start;
            return std::nullopt;
        }
        pos_ = close + 3 + n;
        return std::string(s_.substr(close + 3, n));
    }
    return std::nullopt;
}

std::optional<std::string> Args::chars_or_string(bool (*ok)(char)) {
    if (peek('"') || peek('{')) return string();
    size_t start = pos_;
    while (pos_ < s_.size() && ok(s_[pos_])) ++pos_;
    if (pos_ == start) return std::nullopt;
    return std::string(s_.substr(start, pos_ - start));
}

std::optional<std::string> Args::astring() { return chars_or_string(astring_char); }
std::optional<std::string> Args::list_mailbox() { return chars_or_string(list_char); }

std::optional<std::uint32_t> Args::number() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    std::uint32_t n = 0;
    auto r = std::from_chars(s_.data() + start, s_.data() + pos_, n);
    if (pos_ == start || r.ec != std::errc{}) return pos_ = start, std::nullopt;
    return n;
}

std::string_view Args::take_until(std::string_view stops) {
    size_t start = std::min(pos_, s_.size());
    size_t end = s_.find_first_of(stops, start);
    if (end == std::string_view::npos) end = s_.size();
    pos_ = end;
    return s_.substr(start, end - start);
}

std::optional<std::string> Args::response_atom() {
    size_t start = pos_;
    while (pos_ < s_.size()) {
        char c = s_[pos_];
        if (c == '[') {  // a section may hold spaces and parentheses: BODY[HEADER.FIELDS (FROM)]
            size_t close = s_.find(']', pos_);
            if (close == std::string_view::npos) break;
            pos_ = close + 1;
            continue;
        }
        if (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{' || c == '\r' || c == '\n') break;
        ++pos_;
    }
    if (pos_ == start) return std::nullopt;
    return std::string(s_.substr(start, pos_ - start));
}

// ---------------------------------------------------------------------------
// Writing strings

std::string quote_string(std::string_view s) {
    bool literal = s.size() > 1000;
    for (char c : s)
        if (c == '\r' || c == '\n' || c == '\0' || static_cast<unsigned char>(c) >= 0x80) literal = true;
    if (literal) return fmt::format("{{{}}}\r\n{}", s.size(), s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string astring_out(std::string_view s) {
    bool atom = !s.empty() && !iequals(s, "NIL");
    for (char c : s) atom = atom && astring_char(c);
    return atom ? std::string(s) : quote_string(s);
}

// ---------------------------------------------------------------------------
// Sequence sets

std::optional<SequenceSet> parse_sequence_set(std::string_view text) {
    SequenceSet set;
    auto seq_number = [](std::string_view t) -> std::optional<std::uint32_t> {
        if (t == "*") return 0u;
        std::uint32_t n = 0;
        auto r = std::from_chars(t.data(), t.data() + t.size(), n);
        if (t.empty() || r.ec != std::errc{} || r.ptr != t.data() + t.size() || n == 0) return std::nullopt;
        return n;
    };
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t comma = text.find(',', pos);
        std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        size_t colon = item.find(':');
        auto lo = seq_number(item.substr(0, colon));
        auto hi = colon == std::string_view::npos ? lo : seq_number(item.substr(colon + 1));
        if (!lo || !hi) return std::nullopt;
        set.push_back({*lo, *hi});
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return set;
}

bool contains(const SequenceSet& set, std::uint32_t n, std::uint32_t star) {
    for (const auto& r : set) {
        std::uint32_t lo = r.lo ? r.lo : star, hi = r.hi ? r.hi : star;
        if (lo > hi) std::swap(lo, hi);  // "4:2" is "2:4" (§9, seq-range)
        if (n >= lo && n <= hi) return true;
    }
    return false;
}

// ---------------------------------------------------------------------------
// Flags

std::string canonical_flag(std::string_view flag) {
    for (std::string_view f : {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", "\\Recent"})
        if (iequals(flag, f)) return std::string(f);
    return std::string(flag);
}

// flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword / flag-extension
// flag-keyword = atom     flag-extension = "\" atom
std::optional<std::set<std::string>> read_flags(Args& a, bool parens_required) {
    std::set<std::string> flags;
    bool parens = a.eat('(');
    if (!parens && parens_required) return std::nullopt;
    while (!a.done() && !a.peek(')')) {
        if (!flags.empty() && !a.space()) return std::nullopt;
        bool system = a.eat('\\');
        auto name = a.atom();
        if (!name) return std::nullopt;
        flags.insert(canonical_flag(system ? "\\" + *name : *name));
        if (!parens) return flags;
    }
    if (parens && !a.eat(')')) return std::nullopt;
    return flags;
}

std::string flag_list(const std::set<std::string>& flags) {
    std::string out = "(";
    for (const auto& f : flags) {
        if (out.size() > 1) out += ' ';
        out += f;
    }
    return out + ")";
}

// ---------------------------------------------------------------------------
// Dates

std::string format_date_time(std::int64_t t) {
    using namespace std::chrono;
    std::int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    std::int64_t secs = t - days * 86400;
    year_month_day ymd{sys_days{std::chrono::days{days}}};
    return fmt::format("{:02}-{}-{:04} {:02}:{:02}:{:02} +0000", static_cast<unsigned>(ymd.day()),
                       kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()), secs / 3600,
                       secs / 60 % 60, secs % 60);
}

namespace {

// date-day "-" date-month "-" date-year at the start of `t`; the rest left in `t`.
std::optional<std::int64_t> read_date(std::string_view& t) {
    using namespace std::chrono;
    if (!t.empty() && t.front() == ' ') t.remove_prefix(1);  // date-day-fixed = (SP DIGIT) / 2DIGIT
    size_t d1 = t.find('-');
    if (d1 == std::string_view::npos || d1 == 0 || d1 > 2) return std::nullopt;
    unsigned day = 0;
    std::from_chars(t.data(), t.data() + d1, day);
    std::string_view mon = t.substr(d1 + 1, 3);
    unsigned month = 0;
    for (unsigned i = 0; i < 12; ++i)
        if (iequals(mon, kMonths[i])) month = i + 1;
    if (!month || t.size() < d1 + 9 || t[d1 + 4] != '-') return std::nullopt;
    int year = 0;
    auto r = std::from_chars(t.data() + d1 + 5, t.data() + d1 + 9, year);
    if (r.ptr != t.data() + d1 + 9) return std::nullopt;
    year_month_day ymd{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
    if (!ymd.ok()) return std::nullopt;
    t.remove_prefix(d1 + 9);
    return sys_days{ymd}.time_since_epoch().count();
}

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view text) {
    auto days = read_date(text);
    if (!days || !text.empty()) return std::nullopt;
    return days;
}

// time = 2DIGIT ":" 2DIGIT ":" 2DIGIT      zone = ("+" / "-") 4DIGIT
std::optional<std::int64_t> parse_date_time(std::string_view t) {
    auto days = read_date(t);
    if (!days || t.size() != 15 || t[0] != ' ' || t[3] != ':' || t[6] != ':' || t[9] != ' ') return std::nullopt;
    auto two = [&](size_t at) -> int {
        char a = t[at], b = t[at + 1];
        return a >= '0' && a <= '9' && b >= '0' && b <= '9' ? (a - '0') * 10 + (b - '0') : -1;
    };
    int h = two(1), m = two(4), s = two(7), zh = two(11), zm = two(13);
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60 || zh < 0 || zm < 0 || (t[10] != '+' && t[10] != '-'))
        return std::nullopt;
    std::int64_t zone = (zh * 60 + zm) * 60 * (t[10] == '-' ? -1 : 1);
    return *days * 86400 + h * 3600 + m * 60 + s - zone;
}

// ---------------------------------------------------------------------------
// Response values

std::optional<Value> read_value(Args& a, int depth) {
    if (depth > 64) return std::nullopt;  // nesting bound: BODYSTRUCTURE is shallow in practice
    Value v;
    if (a.eat('(')) {
        v.kind = Value::Kind::list;
        while (!a.eat(')')) {
            if (a.done()) return std::nullopt;
            // Items are separated by SP, except where lists follow each other:
            // address lists and multipart bodies are written "(...)(...)".
            if (!v.items.empty() && !a.space() && !(v.items.back().is_list() && a.peek('('))) return std::nullopt;
            if (a.eat(')')) break;
            auto item = read_value(a, depth + 1);
            if (!item) return std::nullopt;
            v.items.push_back(std::move(*item));
        }
        return v;
    }
    if (a.peek('"') || a.peek('{')) {
        auto s = a.string();
        if (!s) return std::nullopt;
        v.kind = Value::Kind::string;
        v.text = std::move(*s);
        return v;
    }
    auto atom = a.response_atom();
    if (!atom) return std::nullopt;
    v.kind = iequals(*atom, "NIL") ? Value::Kind::nil : Value::Kind::atom;
    v.text = std::move(*atom);
    return v;
}

}  // namespace mailsim::imap
