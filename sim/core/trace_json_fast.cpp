// trace_json_fast.cpp — reading a trace without building a JSON DOM.
//
// A long trace (a million transcript lines is 120 MiB of JSON) must open in
// well under two seconds; nlohmann's DOM of it costs many times that. Traces
// are written one event a line as flat objects (traces/FORMAT.md), so this
// scanner reads that shape directly into the Trace: strings are unescaped
// into reused buffers and appended, numbers read with from_chars, and only a
// "detail" object goes through nlohmann (to keep its canonical form).
//
// It reads only what it is sure of. Anything unexpected — a key it does not
// know, a repeated key, a value of another type, invalid UTF-8, an event out
// of order — and it returns nullopt; the DOM reader then reads the file and
// names the mistake exactly. The header (format, version, source, hosts,
// links: a few lines) always goes through the DOM reader.
#include <charconv>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/json_input.hpp"
#include "core/trace_json.hpp"

namespace mailsim::detail {

namespace {

class Scanner {
public:
    explicit Scanner(std::string_view text) : s_(text) {}

    void skip_ws() {
        while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t')) ++p_;
    }
    bool eat(char c) {
        skip_ws();
        if (p_ < s_.size() && s_[p_] == c) {
            ++p_;
            return true;
        }
        return false;
    }
    bool at_end() {
        skip_ws();
        return p_ == s_.size();
    }
    size_t pos() const { return p_; }

    // A JSON string into `out` (unescaped, valid UTF-8); false on anything else.
    bool string(std::string& out) {
        out.clear();
        if (!eat('"')) return false;
        size_t run = p_;
        while (p_ < s_.size()) {
            const auto c = static_cast<unsigned char>(s_[p_]);
            if (c == '"') {
                out.append(s_.data() + run, p_ - run);
                ++p_;
                return true;
            }
            if (c < 0x20) return false;
            if (c == '\\') {
                out.append(s_.data() + run, p_ - run);
                if (!escape(out)) return false;
                run = p_;
                continue;
            }
            if (c < 0x80) {
                ++p_;
                continue;
            }
            if (!utf8_char()) return false;
        }
        return false;
    }

    // An integer within [min, max].
    bool integer(std::int64_t& v, std::int64_t min, std::int64_t max) {
        skip_ws();
        const char* b = s_.data() + p_;
        const char* e = s_.data() + s_.size();
        auto [ptr, ec] = std::from_chars(b, e, v);
        if (ec != std::errc{} || ptr == b) return false;
        if (ptr < e && (*ptr == '.' || *ptr == 'e' || *ptr == 'E')) return false;  // not an integer: let the DOM say so
        p_ += static_cast<size_t>(ptr - b);
        return v >= min && v <= max;
    }

    // A balanced {...} (strings respected) nesting at most max_depth levels; the raw text.
    bool object_text(std::string_view& raw, int max_depth) {
        skip_ws();
        if (p_ >= s_.size() || s_[p_] != '{') return false;
        const size_t begin = p_;
        int depth = 0;
        for (; p_ < s_.size(); ++p_) {
            const char c = s_[p_];
            if (c == '"') {
                for (++p_; p_ < s_.size() && s_[p_] != '"'; ++p_)
                    if (s_[p_] == '\\') ++p_;
                if (p_ >= s_.size()) return false;
            } else if (c == '{' || c == '[') {
                if (++depth > max_depth) return false;  // the DOM reader names where
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    ++p_;
                    raw = s_.substr(begin, p_ - begin);
                    return true;
                }
            }
        }
        return false;
    }

private:
    bool hex4(unsigned& v) {
        if (p_ + 4 > s_.size()) return false;
        v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = s_[p_++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
            else return false;
        }
        return true;
    }

    bool escape(std::string& out) {
        ++p_;  // the backslash
        if (p_ >= s_.size()) return false;
        const char c = s_[p_++];
        switch (c) {
        case '"': out += '"'; return true;
        case '\\': out += '\\'; return true;
        case '/': out += '/'; return true;
        case 'b': out += '\b'; return true;
        case 'f': out += '\f'; return true;
        case 'n': out += '\n'; return true;
        case 'r': out += '\r'; return true;
        case 't': out += '\t'; return true;
        case 'u': {
            unsigned cp;
            if (!hex4(cp)) return false;
            if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (p_ + 2 > s_.size() || s_[p_] != '\\' || s_[p_ + 1] != 'u') return false;
                p_ += 2;
                if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(out, cp);
            return true;
        }
        default: return false;
        }
    }

    static void put_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // One UTF-8 encoded character at p_ (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
    bool utf8_char() {
        const auto c = static_cast<unsigned char>(s_[p_]);
        size_t n;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
        else return false;
        if (p_ + n > s_.size()) return false;
        for (size_t k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s_[p_ + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        p_ += n;
        return true;
    }

    std::string_view s_;
    size_t p_ = 0;
};

enum Field : unsigned {
    f_seq, f_t, f_until, f_kind, f_host, f_peer, f_conn, f_dir, f_proto, f_verb, f_args, f_key, f_bytes, f_latin1, f_detail, f_count
};
constexpr std::string_view kFieldNames[] = {"seq", "t",    "until", "kind", "host",  "peer",         "conn",  "dir",
                                            "proto", "verb", "args", "key",  "bytes", "bytes_latin1", "detail"};
static_assert(std::size(kFieldNames) == f_count);

int field_of(std::string_view name) {
    for (unsigned i = 0; i < f_count; ++i)
        if (kFieldNames[i] == name) return static_cast<int>(i);
    return -1;
}

}  // namespace

std::optional<Trace> trace_from_json_fast(std::string_view text) {
    // The header: everything before the events, read by the DOM reader.
    static constexpr std::string_view kEvents = "\"events\":[";
    const size_t at = text.find(kEvents);
    if (at == std::string_view::npos || at > 1 << 20) return std::nullopt;
    std::string header(text.substr(0, at));
    header += "\"events\":[]}";
    auto head = trace_from_json_dom(header, "trace");
    if (!head) return std::nullopt;
    Trace t = std::move(head.value());

    Scanner sc(text.substr(at + kEvents.size()));
    std::string strings[f_count];  // reused: no allocation once they have grown
    std::string name, detail;
    SimTime last = INT64_MIN;
    for (std::uint64_t i = 0; !sc.eat(']'); ++i) {  // "[]", or events separated by ',' up to ']'
        if (i > 0 && !sc.eat(',')) return std::nullopt;
        if (!sc.eat('{')) return std::nullopt;
        Event e;
        unsigned seen = 0;
        std::int64_t n = 0;
        for (bool first_key = true;; first_key = false) {
            if (sc.eat('}')) break;
            if (!first_key && !sc.eat(',')) return std::nullopt;
            if (!sc.string(name) || !sc.eat(':')) return std::nullopt;
            const int f = field_of(name);
            if (f < 0 || (seen & (1u << f))) return std::nullopt;
            seen |= 1u << f;
            switch (f) {
            case f_seq:
                if (!sc.integer(n, 0, INT64_MAX) || static_cast<std::uint64_t>(n) != i) return std::nullopt;
                break;
            case f_t:
                if (!sc.integer(e.time, INT64_MIN / 4, INT64_MAX / 4)) return std::nullopt;
                break;
            case f_until:
                if (!sc.integer(e.until, INT64_MIN / 4, INT64_MAX / 4)) return std::nullopt;
                break;
            case f_conn:
                if (!sc.integer(n, 0, UINT32_MAX)) return std::nullopt;
                e.conn = static_cast<std::uint32_t>(n);
                break;
            case f_detail: {
                std::string_view raw;
                // root { events [ event { detail {: the file's nesting limit counts those three
                if (!sc.object_text(raw, static_cast<int>(json_input::kMaxDepth) - 3)) return std::nullopt;
                nlohmann::json d = nlohmann::json::parse(raw, nullptr, false);
                if (!d.is_object()) return std::nullopt;
                detail = d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                break;
            }
            default:
                if (!sc.string(strings[f])) return std::nullopt;
            }
        }
        if (!(seen & (1u << f_seq)) || !(seen & (1u << f_t)) || !(seen & (1u << f_kind))) return std::nullopt;
        if (e.time < last) return std::nullopt;
        last = e.time;
        auto kind = parse_event_kind(strings[f_kind]);
        if (!kind) return std::nullopt;
        e.kind = *kind;
        if (seen & (1u << f_dir)) {
            auto dir = parse_direction(strings[f_dir]);
            if (!dir || strings[f_dir].empty()) return std::nullopt;
            e.dir = *dir;
        }
        auto str = [&](Field f) { return (seen & (1u << f)) ? std::string_view(strings[f]) : std::string_view{}; };
        e.host = str(f_host);
        e.peer = str(f_peer);
        e.protocol = str(f_proto);
        e.verb = str(f_verb);
        e.args = str(f_args);
        e.key = str(f_key);
        e.bytes = str(f_bytes);
        std::optional<std::string> latin1;
        if (seen & (1u << f_latin1)) {
            latin1 = utf8_to_latin1(strings[f_latin1]);
            if (!latin1) return std::nullopt;
            e.bytes = *latin1;
        }
        e.detail = (seen & (1u << f_detail)) ? std::string_view(detail) : std::string_view{};
        t.append(e);
    }
    if (!sc.eat('}') || !sc.at_end()) return std::nullopt;
    return t;
}

}  // namespace mailsim::detail
