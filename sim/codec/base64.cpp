// base64.cpp — see base64.hpp.
#include "codec/base64.hpp"

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

std::string base64_encode(std::string_view data, bool line_breaks) {
    std::string out;
    size_t chars = (data.size() + 2) / 3 * 4;
    out.reserve(chars + (line_breaks ? chars / 76 * 2 + 2 : 0));
    size_t col = 0;
    auto put = [&](char c) {
        if (line_breaks && col == 76) {
            out += "\r\n";
            col = 0;
        }
        out += c;
        ++col;
    };
    size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        std::uint32_t v = std::uint32_t(static_cast<unsigned char>(data[i])) << 16 |
                          std::uint32_t(static_cast<unsigned char>(data[i + 1])) << 8 |
                          std::uint32_t(static_cast<unsigned char>(data[i + 2]));
        put(kAlphabet[v >> 18]);
        put(kAlphabet[(v >> 12) & 63]);
        put(kAlphabet[(v >> 6) & 63]);
        put(kAlphabet[v & 63]);
    }
    size_t rest = data.size() - i;
    if (rest > 0) {
        std::uint32_t v = std::uint32_t(static_cast<unsigned char>(data[i])) << 16;
        if (rest == 2) v |= std::uint32_t(static_cast<unsigned char>(data[i + 1])) << 8;
        put(kAlphabet[v >> 18]);
        put(kAlphabet[(v >> 12) & 63]);
        put(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
        put('=');
    }
    if (line_breaks && !out.empty()) out += "\r\n";
    return out;
}

void Base64Decoder::feed(std::string_view text) {
    for (char c : text) {
        size_t at = offset_++;
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t') continue;  // line breaks and folding
        if (c == '=') {
            if (count_ < 2) {
                errors_.push_back({at, "'=' (padding) too early in a group of four"});
                continue;
            }
            ++padding_;
            if (count_ + padding_ == 4) {  // "xx==" or "xxx="
                out_ += static_cast<char>(bits_ >> (count_ == 2 ? 4 : 10));
                if (count_ == 3) out_ += static_cast<char>((bits_ >> 2) & 0xFF);
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
            out_ += static_cast<char>(bits_ >> 16);
            out_ += static_cast<char>((bits_ >> 8) & 0xFF);
            out_ += static_cast<char>(bits_ & 0xFF);
            bits_ = 0;
            count_ = 0;
        }
    }
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
    Base64Decoder d;
    d.feed(text);
    std::string out = d.finish();
    if (errors) *errors = d.errors();
    return out;
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
