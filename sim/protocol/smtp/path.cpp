// path.cpp — reverse-path, forward-path and ESMTP parameter parsing.
#include "protocol/smtp/path.hpp"

#include "core/ascii.hpp"

#include <array>

namespace mailsim::smtp {

namespace {

// Byte classes, ASCII whatever the C locale says: every MAIL and RCPT
// argument is checked here, so a table beats <cctype> calls.
enum : unsigned char { kAtext = 1, kLetDigHyp = 2 };
constexpr std::array<unsigned char, 256> kClass = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 256; ++c)
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) t[c] = kAtext | kLetDigHyp;
    for (unsigned char c : std::string_view("!#$%&'*+-/=?^_`{|}~")) t[c] |= kAtext;  // RFC 5322 §3.2.3 atext
    t['-'] |= kLetDigHyp;
    return t;
}();
inline bool is_class(char c, unsigned char cls) { return kClass[static_cast<unsigned char>(c)] & cls; }

// RFC 6531 §3.3: atext =/ UTF8-non-ascii, and a sub-domain may be a
// U-label; so bytes of well-formed UTF-8 (checked once, is_valid_mailbox)
// count as atext and as letters here.
inline bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

bool is_dot_string(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') return false;
    char prev = 0;
    for (char c : s) {
        if (c == '.') {
            if (prev == '.') return false;
        } else if (!is_class(c, kAtext) && !is_non_ascii(c)) {
            return false;
        }
        prev = c;
    }
    return true;
}

bool is_quoted_string(std::string_view s) {
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == '\\') {
            if (++i + 1 >= s.size()) return false;
        } else if (c == '"' || c < 32 || c == 127) {
            return false;
        }
    }
    return true;
}

}  // namespace

// Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str]
// (RFC 5321 §4.1.2): labels of 1 to 63 letters, digits and hyphens, not
// starting or ending with a hyphen. One pass over the bytes.
bool is_valid_domain(std::string_view d) {
    if (d.empty() || d.size() > 255) return false;
    if (d.front() == '[') return d.back() == ']' && d.size() > 2;  // address literal
    size_t label = 0;  // length of the label so far
    char prev = '.';
    for (char c : d) {
        if (c == '.') {
            if (label == 0 || prev == '-') return false;
            label = 0;
        } else {
            if ((!is_class(c, kLetDigHyp) && !is_non_ascii(c)) || (label == 0 && c == '-') || ++label > 63) return false;
        }
        prev = c;
    }
    return label > 0 && prev != '-';
}

// UTF8-non-ascii = UTF8-2 / UTF8-3 / UTF8-4 (RFC 6532 §3.1, RFC 3629 §4):
// no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        const size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        const unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        if (c1 < lo || c1 > hi) return false;
        for (size_t k = 2; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

bool is_valid_mailbox(std::string_view m) {
    if (!is_utf8(m)) return false;
    size_t at = m.rfind('@');
    if (at == std::string_view::npos || at == 0) return false;
    std::string_view local = m.substr(0, at), domain = m.substr(at + 1);
    if (local.size() > 64) return false;  // §4.5.3.1.1
    return (is_dot_string(local) || is_quoted_string(local)) && is_valid_domain(domain);
}

std::string domain_of(std::string_view m) {
    size_t at = m.rfind('@');
    if (at == std::string_view::npos) return {};
    return to_lower(m.substr(at + 1));
}

std::string local_part_of(std::string_view m) {
    size_t at = m.rfind('@');
    return std::string(at == std::string_view::npos ? m : m.substr(0, at));
}

PathArgument parse_path_argument(std::string_view args, std::string_view keyword, bool allow_null) {
    PathArgument r;
    if (!istarts_with(args, keyword)) {
        r.error = "expected " + std::string(keyword) + "<address>";
        return r;
    }
    std::string_view rest = args.substr(keyword.size());
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);  // tolerated, as Postfix does
    if (rest.empty() || rest.front() != '<') {
        r.error = "the address must be in angle brackets: <user@domain>";
        return r;
    }
    size_t close = rest.find('>');
    if (close == std::string_view::npos) {
        r.error = "missing '>' after the address";
        return r;
    }
    std::string_view path = rest.substr(1, close - 1);
    std::string_view tail = rest.substr(close + 1);
    // ESMTP parameters, separated by spaces
    while (!tail.empty()) {
        if (tail.front() != ' ') {
            r.error = "unexpected text after '>'";
            return r;
        }
        while (!tail.empty() && tail.front() == ' ') tail.remove_prefix(1);
        if (tail.empty()) break;
        size_t sp = tail.find(' ');
        std::string_view param = tail.substr(0, sp);
        tail = sp == std::string_view::npos ? std::string_view{} : tail.substr(sp);
        size_t eq = param.find('=');
        std::string kw = to_upper(param.substr(0, eq));
        if (kw.empty()) {
            r.error = "empty parameter keyword";
            return r;
        }
        r.params.emplace_back(kw, eq == std::string_view::npos ? std::string{} : std::string(param.substr(eq + 1)));
    }
    // Source route "@a,@b:user@domain": keep the mailbox after ':'
    if (!path.empty() && path.front() == '@') {
        size_t colon = path.find(':');
        if (colon == std::string_view::npos) {
            r.status = PathArgument::Status::bad_mailbox;
            r.error = "source route without ':'";
            return r;
        }
        path = path.substr(colon + 1);
    }
    if (path.empty()) {
        if (allow_null) {
            r.status = PathArgument::Status::ok;
            return r;
        }
        r.status = PathArgument::Status::bad_mailbox;
        r.error = "empty address";
        return r;
    }
    bool postmaster = !allow_null && path.size() == 10 && istarts_with(path, "postmaster");
    if (!postmaster && !is_valid_mailbox(path)) {
        r.status = PathArgument::Status::bad_mailbox;
        r.error = "\"" + std::string(path) + "\" is not a mailbox address";
        return r;
    }
    r.status = PathArgument::Status::ok;
    r.mailbox = std::string(path);
    return r;
}

}  // namespace mailsim::smtp
