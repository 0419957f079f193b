// base64.cpp — see base64.hpp.
#include "codec/base64.hpp"

#include <cstring>

#include <fmt/format.h>

namespace mailsim::codec {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> kValue = [] {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    return t;
}();

std::string describe(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7F) return fmt::format("'{}'", c);
    return fmt::format("byte 0x{:02X}", u);
}

}  // namespace

// Two output characters for each 12-bit value: one table lookup writes half
// a group. 8 KiB, built once.
const std::array<char, 8192>& pairs() {
    static const std::array<char, 8192> t = [] {
        std::array<char, 8192> a{};
        for (int v = 0; v < 4096; ++v) {
            a[static_cast<size_t>(2 * v)] = kAlphabet[v >> 6];
            a[static_cast<size_t>(2 * v + 1)] = kAlphabet[v & 63];
        }
        return a;
    }();
    return t;
}

inline void put_group(char* out, const unsigned char* in, const char* pair) {
    const std::uint32_t v = std::uint32_t(in[0]) << 16 | std::uint32_t(in[1]) << 8 | in[2];
    std::memcpy(out, pair + 2 * (v >> 12), 2);
    std::memcpy(out + 2, pair + 2 * (v & 0xFFF), 2);
}

std::string base64_encode(std::string_view data, bool line_breaks) {
    std::string out;
    base64_encode_into(data, out, line_breaks);
    return out;
}

void base64_encode_into(std::string_view data, std::string& out, bool line_breaks) {
    // Written straight into a buffer of the final size: 76 characters (57
    // bytes) a line, each line ended by CRLF, the last one too.
    const size_t chars = (data.size() + 2) / 3 * 4;
    const size_t lines = line_breaks ? (chars + 75) / 76 : 0;
    out.resize(chars + 2 * lines);
    char* o = out.data();
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    const char* pair = pairs().data();
    size_t left = data.size();
    if (line_breaks)
        for (; left >= 57; left -= 57, in += 57) {  // whole lines
            for (int g = 0; g < 19; ++g, o += 4) put_group(o, in + 3 * g, pair);
            *o++ = '\r';
            *o++ = '\n';
        }
    for (; left >= 3; left -= 3, in += 3, o += 4) put_group(o, in, pair);
    if (left > 0) {
        std::uint32_t v = std::uint32_t(in[0]) << 16;
        if (left == 2) v |= std::uint32_t(in[1]) << 8;
        *o++ = kAlphabet[v >> 18];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = left == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    if (line_breaks && o != out.data() && o[-1] != '\n') {
        *o++ = '\r';
        *o++ = '\n';
    }
    out.resize(static_cast<size_t>(o - out.data()));
}

// The value of each character shifted into place for the four positions of a
// group; characters outside the alphabet carry bit 24, so one OR of four
// lookups both assembles the 24 bits and says whether all four were valid.
struct DecodeTables {
    std::array<std::uint32_t, 256> t[4];
};
const DecodeTables& decode_tables() {
    static const DecodeTables d = [] {
        DecodeTables x;
        for (int k = 0; k < 4; ++k)
            for (int c = 0; c < 256; ++c) {
                const std::int8_t v = kValue[static_cast<size_t>(c)];
                x.t[k][static_cast<size_t>(c)] = v < 0 ? 1u << 24 : static_cast<std::uint32_t>(v) << (18 - 6 * k);
            }
        return x;
    }();
    return d;
}

void Base64Decoder::feed(std::string_view text) {
    // Room for everything this text can decode to; written through a pointer.
    size_t used = out_.size();
    out_.resize(used + text.size() / 4 * 3 + 3);
    const DecodeTables& d = decode_tables();
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        // Fast path: between groups, four alphabet characters make three bytes.
        if (count_ == 0 && padding_ == 0) {
            while (i + 4 <= n) {
                const std::uint32_t v = d.t[0][p[i]] | d.t[1][p[i + 1]] | d.t[2][p[i + 2]] | d.t[3][p[i + 3]];
                if (v >> 24) {
                    if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') {  // a line break between groups
                        i += 2;
                        continue;
                    }
                    break;
                }
                char* o = out_.data() + used;
                o[0] = static_cast<char>(v >> 16);
                o[1] = static_cast<char>(v >> 8);
                o[2] = static_cast<char>(v);
                used += 3;
                i += 4;
            }
            if (i >= n) break;
        }
        // Slow path, one character: line breaks inside a group, padding, errors.
        const char c = static_cast<char>(p[i++]);
        offset_ = base_ + i - 1;
        size_t at = offset_++;
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t') continue;  // line breaks and folding
        if (c == '=') {
            if (count_ < 2) {
                errors_.push_back({at, "'=' (padding) too early in a group of four"});
                continue;
            }
            ++padding_;
            if (count_ + padding_ == 4) {  // "xx==" or "xxx="
                out_[used++] = static_cast<char>(bits_ >> (count_ == 2 ? 4 : 10));
                if (count_ == 3) out_[used++] = static_cast<char>((bits_ >> 2) & 0xFF);
                bits_ = 0;
                count_ = 0;
                padding_ = 0;
            }
            continue;
        }
        std::int8_t v = kValue[static_cast<unsigned char>(c)];
        if (v < 0) {
            errors_.push_back({at, describe(c) + " is not a base64 character"});
            continue;
        }
        if (padding_ > 0) {
            errors_.push_back({at, "data after '=' padding"});
            padding_ = 0;
            bits_ = 0;
            count_ = 0;
        }
        if (count_ == 0) group_start_ = at;
        bits_ = bits_ << 6 | static_cast<std::uint32_t>(v);
        if (++count_ == 4) {
            out_[used++] = static_cast<char>(bits_ >> 16);
            out_[used++] = static_cast<char>((bits_ >> 8) & 0xFF);
            out_[used++] = static_cast<char>(bits_ & 0xFF);
            bits_ = 0;
            count_ = 0;
        }
    }
    out_.resize(used);
    base_ += n;
    offset_ = base_;
}

std::string Base64Decoder::finish() {
    if (count_ == 1) {
        errors_.push_back({group_start_, "a lone base64 character at the end: 6 bits cannot make a byte"});
    } else if (count_ > 1) {
        // Missing padding: keep the whole bytes, but say so.
        errors_.push_back({group_start_, fmt::format("the last group has {} characters and no '=' padding", count_)});
        out_ += static_cast<char>(bits_ >> (count_ == 2 ? 4 : 10));
        if (count_ == 3) out_ += static_cast<char>((bits_ >> 2) & 0xFF);
    }
    bits_ = 0;
    count_ = 0;
    return std::move(out_);
}

std::string base64_decode(std::string_view text, std::vector<CodecError>* errors) {
    std::string out;
    base64_decode_into(text, out, errors);
    return out;
}

void base64_decode_into(std::string_view text, std::string& out, std::vector<CodecError>* errors) {
    out.clear();
    Base64Decoder d(std::move(out));
    d.feed(text);
    out = d.finish();
    if (errors) *errors = d.errors();
}

std::vector<Base64Group> explain_base64(std::string_view data) {
    std::vector<Base64Group> groups;
    for (size_t i = 0; i < data.size(); i += 3) {
        Base64Group g;
        g.bytes = std::string(data.substr(i, 3));
        std::uint32_t v = 0;
        for (size_t k = 0; k < 3; ++k)
            v = v << 8 | (k < g.bytes.size() ? static_cast<unsigned char>(g.bytes[k]) : 0u);
        for (int b = 23; b >= 0; --b) g.bits += (v >> b) & 1 ? '1' : '0';
        int used = static_cast<int>(g.bytes.size()) + 1;  // 1 byte → 2 sextets, 2 → 3, 3 → 4
        g.padding = 4 - used;
        for (int k = 0; k < 4; ++k) {
            if (k < used) {
                g.sextets[k] = static_cast<int>((v >> (18 - 6 * k)) & 63);
                g.chars += kAlphabet[g.sextets[k]];
            } else {
                g.sextets[k] = -1;
                g.chars += '=';
            }
        }
        groups.push_back(std::move(g));
    }
    return groups;
}

}  // namespace mailsim::codec
