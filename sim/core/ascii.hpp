// ascii.hpp — case-insensitive ASCII helpers (mail names are ASCII-case-
// insensitive: commands, domains, header names; RFC 5321 §2.4).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim {

// ASCII only, whatever the C locale says (and without a library call).
inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }
inline char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - ('a' - 'A')) : c; }
inline bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
inline bool ascii_alnum(char c) { return ascii_digit(c) || (ascii_upper(c) >= 'A' && ascii_upper(c) <= 'Z'); }

// Upper-case hex digits, as quoted-printable and encoded words write them.
inline constexpr char kHexDigits[] = "0123456789ABCDEF";

// A short verb ("MAIL", "rcpt") upper-cased into one word, a byte a letter:
// four-letter SMTP verbs compare as one 32-bit number.
inline std::uint32_t upper_word(std::string_view v) {
    std::uint32_t w = 0;
    for (char c : v) w = (w << 8) | static_cast<unsigned char>(ascii_upper(c));
    return w;
}

// Any byte with the high bit set? Eight bytes at a time: every message
// passes here (8BITMIME decisions).
inline bool has_8bit(std::string_view s) {
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if (w & 0x8080808080808080ULL) return true;
    }
    for (; i < s.size(); ++i)
        if (static_cast<unsigned char>(s[i]) >= 0x80) return true;
    return false;
}

inline std::string to_lower(std::string_view s) {
    std::string r(s);
    for (auto& c : r) c = ascii_lower(c);
    return r;
}

inline std::string to_upper(std::string_view s) {
    std::string r(s);
    for (auto& c : r) c = ascii_upper(c);
    return r;
}

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

inline bool icontains(std::string_view hay, std::string_view needle) {
    if (needle.empty()) return true;
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
        if (iequals(hay.substr(i, needle.size()), needle)) return true;
    return false;
}

// Rows found by (group, name), the name matched as iequals() matches it.
// Catalogs are asked for every command an engine sends, where a linear scan
// with case-insensitive compares showed in profiles. Open addressing over a
// power-of-two table (at most half full); of rows with equal keys the one
// added first wins, as a scan from the top would find it. The group and
// name views must outlive the index (catalog rows are static).
template <class Row>
class NameIndex {
public:
    void add(std::string_view group, std::string_view name, const Row* row) {
        if (find(group, name)) return;
        if ((count_ + 1) * 2 > slots_.size()) grow();
        insert({group, name, row});
        ++count_;
    }

    const Row* find(std::string_view group, std::string_view name) const {
        if (slots_.empty()) return nullptr;
        size_t mask = slots_.size() - 1;
        for (size_t i = hash(group, name) & mask;; i = (i + 1) & mask) {
            const Slot& s = slots_[i];
            if (!s.row) return nullptr;
            if (s.group == group && iequals(s.name, name)) return s.row;
        }
    }

private:
    struct Slot {
        std::string_view group, name;
        const Row* row = nullptr;
    };
    // FNV-1a over the upper-cased name, then the group's size and ends:
    // groups are a few protocol names, so that tells them apart, and the
    // slot's full compare settles the rest.
    static size_t hash(std::string_view group, std::string_view name) {
        std::uint64_t h = 14695981039346656037ULL;
        for (char c : name) h = (h ^ static_cast<unsigned char>(ascii_upper(c))) * 1099511628211ULL;
        if (!group.empty()) {
            std::uint64_t g = group.size() | static_cast<std::uint64_t>(static_cast<unsigned char>(group.front())) << 8 |
                              static_cast<std::uint64_t>(static_cast<unsigned char>(group.back())) << 16;
            h = (h ^ g) * 1099511628211ULL;
        }
        return static_cast<size_t>(h ^ (h >> 29));
    }
    void insert(const Slot& slot) {
        size_t mask = slots_.size() - 1;
        size_t i = hash(slot.group, slot.name) & mask;
        while (slots_[i].row) i = (i + 1) & mask;
        slots_[i] = slot;
    }
    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
        for (const Slot& s : old)
            if (s.row) insert(s);
    }
    std::vector<Slot> slots_;
    size_t count_ = 0;
};

}  // namespace mailsim
