// search.cpp — see search.hpp.
#include "protocol/imap/search.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "message/mime.hpp"

namespace mailsim::imap {

namespace {

using Op = SearchKey::Op;

struct Reader {
    Args& a;
    std::string error;
    int depth = 0;

    std::optional<SearchKey> fail(std::string why) {
        if (error.empty()) error = std::move(why);
        return std::nullopt;
    }

    std::optional<std::string> string_arg(std::string_view what) {
        if (!a.space()) return fail(fmt::format("{} needs an argument", what)), std::nullopt;
        auto s = a.astring();
        if (!s) return fail(fmt::format("{} needs a string", what)), std::nullopt;
        return s;
    }

    // search-key = "ALL" / "ANSWERED" / "BCC" SP astring / "BEFORE" SP date / "BODY" SP astring /
    //   "CC" SP astring / "DELETED" / "FLAGGED" / "FROM" SP astring / "KEYWORD" SP flag-keyword /
    //   "NEW" / "OLD" / "ON" SP date / "RECENT" / "SEEN" / "SINCE" SP date / "SUBJECT" SP astring /
    //   "TEXT" SP astring / "TO" SP astring / "UNANSWERED" / "UNDELETED" / "UNFLAGGED" /
    //   "UNKEYWORD" SP flag-keyword / "UNSEEN" / "DRAFT" / "HEADER" SP header-fld-name SP astring /
    //   "LARGER" SP number / "NOT" SP search-key / "OR" SP search-key SP search-key /
    //   "SMALLER" SP number / "UID" SP sequence-set / "UNDRAFT" / sequence-set /
    //   "(" search-key *(SP search-key) ")"
    std::optional<SearchKey> key() {
        if (++depth > 64) return fail("search keys nested too deep");
        struct Leave {
            int& d;
            ~Leave() { --d; }
        } leave{depth};
        SearchKey k;
        if (a.eat('(')) {
            k.op = Op::and_;
            for (;;) {
                auto sub = key();
                if (!sub) return std::nullopt;
                k.keys.push_back(std::move(*sub));
                if (a.eat(')')) return k;
                if (!a.space()) return fail("search keys in parentheses are separated by spaces");
            }
        }
        std::string word = std::string(a.take_until(" ()"));
        std::string up = to_upper(word);
        if (up.empty()) return fail("a search key is missing");
        static const struct {
            std::string_view word;
            Op op;
            std::string_view flag;
        } simple[] = {
            {"ALL", Op::all, ""},          {"ANSWERED", Op::flag, "\\Answered"},  {"DELETED", Op::flag, "\\Deleted"},
            {"FLAGGED", Op::flag, "\\Flagged"}, {"SEEN", Op::flag, "\\Seen"},     {"DRAFT", Op::flag, "\\Draft"},
            {"UNANSWERED", Op::no_flag, "\\Answered"}, {"UNDELETED", Op::no_flag, "\\Deleted"},
            {"UNFLAGGED", Op::no_flag, "\\Flagged"},   {"UNSEEN", Op::no_flag, "\\Seen"},
            {"UNDRAFT", Op::no_flag, "\\Draft"},       {"NEW", Op::is_new, ""},
            {"OLD", Op::old, ""},                      {"RECENT", Op::recent, ""},
        };
        for (const auto& s : simple)
            if (up == s.word) {
                k.op = s.op;
                k.name = std::string(s.flag);
                return k;
            }
        static const std::pair<std::string_view, std::string_view> fields[] = {
            {"FROM", "From"}, {"TO", "To"}, {"CC", "Cc"}, {"BCC", "Bcc"}, {"SUBJECT", "Subject"}};
        for (const auto& [w, field] : fields)
            if (up == w) {
                auto v = string_arg(w);
                if (!v) return std::nullopt;
                k.op = Op::header;
                k.name = std::string(field);
                k.value = std::move(*v);
                return k;
            }
        if (up == "HEADER") {
            auto name = string_arg("HEADER");
            auto v = name ? string_arg("HEADER") : std::nullopt;
            if (!v) return std::nullopt;
            k.op = Op::header;
            k.name = std::move(*name);
            k.value = std::move(*v);
            return k;
        }
        if (up == "BODY" || up == "TEXT") {
            auto v = string_arg(up);
            if (!v) return std::nullopt;
            k.op = up == "BODY" ? Op::body : Op::text;
            k.value = std::move(*v);
            return k;
        }
        if (up == "KEYWORD" || up == "UNKEYWORD") {
            auto v = string_arg(up);
            if (!v) return std::nullopt;
            k.op = up == "KEYWORD" ? Op::flag : Op::no_flag;
            k.name = canonical_flag(*v);
            return k;
        }
        if (up == "LARGER" || up == "SMALLER") {
            if (!a.space()) return fail(up + " needs a number");
            auto n = a.number();
            if (!n) return fail(up + " needs a number");
            k.op = up == "LARGER" ? Op::larger : Op::smaller;
            k.number = *n;
            return k;
        }
        if (up == "BEFORE" || up == "ON" || up == "SINCE") {
            auto v = string_arg(up);
            auto day = v ? parse_date(*v) : std::nullopt;
            if (!day) return fail(up + " needs a date like 1-Feb-2024");
            k.op = up == "BEFORE" ? Op::before : up == "ON" ? Op::on : Op::since;
            k.number = *day;
            return k;
        }
        if (up == "NOT") {
            if (!a.space()) return fail("NOT needs a search key");
            auto sub = key();
            if (!sub) return std::nullopt;
            k.op = Op::not_;
            k.keys.push_back(std::move(*sub));
            return k;
        }
        if (up == "OR") {
            if (!a.space()) return fail("OR needs two search keys");
            auto x = key();
            if (!x || !a.space()) return fail("OR needs two search keys");
            auto y = key();
            if (!y) return std::nullopt;
            k.op = Op::or_;
            k.keys.push_back(std::move(*x));
            k.keys.push_back(std::move(*y));
            return k;
        }
        if (up == "UID") {
            if (!a.space()) return fail("UID needs a set of UIDs");
            auto set = parse_sequence_set(a.take_until(" ()"));
            if (!set) return fail("UID needs a set of UIDs like 4:7,9");
            k.op = Op::uid;
            k.set = std::move(*set);
            return k;
        }
        if (auto set = parse_sequence_set(word)) {
            k.op = Op::seq;
            k.set = std::move(*set);
            return k;
        }
        return fail(fmt::format("unknown search key \"{}\"", word.substr(0, 30)));
    }
};

}  // namespace

std::optional<SearchKey> parse_search(Args& a, std::string* error) {
    Reader r{a, {}};
    SearchKey all;
    all.op = Op::and_;
    if (istarts_with(a.rest(), "CHARSET ")) {
        a.take_until(" ");
        a.space();
        auto cs = a.astring();
        if (!cs || !(iequals(*cs, "US-ASCII") || iequals(*cs, "UTF-8"))) {
            if (error) *error = "[BADCHARSET (US-ASCII UTF-8)] only US-ASCII and UTF-8 are supported";
            return std::nullopt;
        }
        if (!a.space()) {
            if (error) *error = "search keys must follow the charset";
            return std::nullopt;
        }
    }
    for (;;) {
        auto k = r.key();
        if (!k) {
            if (error) *error = r.error;
            return std::nullopt;
        }
        all.keys.push_back(std::move(*k));
        if (a.done()) return all;
        if (!a.space()) {
            if (error) *error = "search keys are separated by spaces";
            return std::nullopt;
        }
    }
}

namespace {

struct Matcher {
    const SearchTarget& t;
    std::optional<message::Message> parsed;

    const message::Message& msg() {
        if (!parsed) parsed = message::parse(*t.message->content);
        return *parsed;
    }

    bool test(const SearchKey& k) {
        const auto& flags = t.message->flags;
        std::int64_t day = t.message->internaldate >= 0 ? t.message->internaldate / 86400
                                                        : -((-t.message->internaldate + 86399) / 86400);
        switch (k.op) {
            case Op::all: return true;
            case Op::and_:
                for (const auto& s : k.keys)
                    if (!test(s)) return false;
                return true;
            case Op::or_: return test(k.keys[0]) || test(k.keys[1]);
            case Op::not_: return !test(k.keys[0]);
            case Op::flag: return flags.count(k.name) != 0;
            case Op::no_flag: return flags.count(k.name) == 0;
            case Op::is_new: return t.recent && !flags.count("\\Seen");  // §6.4.4: RECENT UNSEEN
            case Op::old: return !t.recent;
            case Op::recent: return t.recent;
            case Op::header: {
                for (const auto& h : msg().root->headers)
                    if (iequals(h.name, k.name) && icontains(h.value, k.value)) return true;
                return false;
            }
            case Op::body: {
                const auto& span = msg().root->body_span;
                return icontains(std::string_view(msg().raw).substr(span.begin, span.end - span.begin), k.value);
            }
            case Op::text: return icontains(*t.message->content, k.value);
            case Op::larger: return t.message->size() > static_cast<std::uint64_t>(k.number);
            case Op::smaller: return t.message->size() < static_cast<std::uint64_t>(k.number);
            case Op::uid: return contains(k.set, t.uid, t.max_uid);
            case Op::seq: return contains(k.set, t.seq, t.max_seq);
            case Op::before: return day < k.number;
            case Op::on: return day == k.number;
            case Op::since: return day >= k.number;
        }
        return false;
    }
};

}  // namespace

bool search_matches(const SearchKey& key, const SearchTarget& target) {
    Matcher m{target, std::nullopt};
    return m.test(key);
}

}  // namespace mailsim::imap
