// encoded_word.cpp — see encoded_word.hpp.
#include "codec/encoded_word.hpp"

#include <cctype>

#include <fmt/format.h>

#include "codec/charset.hpp"
#include "core/ascii.hpp"

namespace mailsim::codec {

namespace {

// RFC 2047 §4.2: in Q, "_" is a space; only these may stand as themselves.
bool q_plain(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' || c == '*' ||
           c == '+' || c == '-' || c == '/';
}

std::string q_encode(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) {
        if (c == ' ') out += '_';
        else if (q_plain(c)) out += static_cast<char>(c);
        else out += {'=', kHexDigits[c >> 4], kHexDigits[c & 15]};
    }
    return out;
}

size_t utf8_char_length(std::string_view s, size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    return i + n <= s.size() ? n : 1;
}

std::string encoded_text(std::string_view bytes, char enc) {
    return enc == 'B' ? base64_encode(bytes, false) : q_encode(bytes);
}

}  // namespace

Result<std::string> encode_words(std::string_view utf8, std::string_view charset, char encoding) {
    encoding = ascii_upper(encoding);
    if (encoding != 'B' && encoding != 'Q') return Error{"encoding", "expected B or Q"};
    if (!has_8bit(utf8)) return std::string(utf8);
    std::string cs = to_upper(charset);
    size_t overhead = cs.size() + 7;  // =? cs ?X? ... ?=
    std::vector<std::string> words;
    std::string chunk_src;     // UTF-8 characters in the current word
    std::string chunk_text;    // their encoded text so far
    size_t i = 0;
    while (i < utf8.size()) {
        size_t n = utf8_char_length(utf8, i);
        std::string candidate = chunk_src + std::string(utf8.substr(i, n));
        auto converted = convert_charset(candidate, "UTF-8", cs);
        if (!converted)
            return Error{fmt::format("byte {}", i),
                         fmt::format("the character \"{}\" has no form in {}", utf8.substr(i, n), cs)};
        std::string text = encoded_text(*converted, encoding);
        if (overhead + text.size() > 75 && !chunk_src.empty()) {
            words.push_back(fmt::format("=?{}?{}?{}?=", cs, encoding, chunk_text));
            chunk_src.clear();
            continue;  // the same character starts the next word
        }
        chunk_src = std::move(candidate);
        chunk_text = std::move(text);
        i += n;
    }
    if (!chunk_src.empty()) words.push_back(fmt::format("=?{}?{}?{}?=", cs, encoding, chunk_text));
    std::string out;
    for (size_t k = 0; k < words.size(); ++k) out += (k ? "\r\n " : "") + words[k];
    return out;
}

std::string decode_words(std::string_view header, std::vector<CodecError>* errors) {
    std::string out;
    size_t i = 0;
    bool last_was_word = false;
    std::string pending_space;  // white space after an encoded word, dropped if another follows
    while (i < header.size()) {
        size_t start = header.find("=?", i);
        if (start == std::string_view::npos) start = header.size();
        std::string_view plain = header.substr(i, start - i);
        bool only_space = plain.find_first_not_of(" \t\r\n") == std::string_view::npos;
        if (!(last_was_word && only_space && start < header.size())) out.append(plain);
        if (start >= header.size()) break;
        // =?charset?X?text?=
        size_t q1 = header.find('?', start + 2);
        size_t q2 = q1 == std::string_view::npos ? q1 : header.find('?', q1 + 1);
        size_t end = q2 == std::string_view::npos ? q2 : header.find("?=", q2 + 1);
        if (end == std::string_view::npos || q2 != q1 + 2) {
            if (errors) errors->push_back({start, "\"=?\" does not start a complete encoded word"});
            out += "=?";
            i = start + 2;
            last_was_word = false;
            continue;
        }
        std::string charset(header.substr(start + 2, q1 - start - 2));
        if (auto star = charset.find('*'); star != std::string::npos) charset.resize(star);  // RFC 2231 language
        char enc = ascii_upper(header[q1 + 1]);
        std::string_view text = header.substr(q2 + 1, end - q2 - 1);
        std::string bytes;
        std::vector<CodecError> word_errors;
        if (enc == 'B') {
            bytes = base64_decode(text, &word_errors);
        } else if (enc == 'Q') {
            for (size_t k = 0; k < text.size(); ++k) {
                char c = text[k];
                if (c == '_') bytes += ' ';
                else if (c == '=' && k + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[k + 1])) &&
                         std::isxdigit(static_cast<unsigned char>(text[k + 2]))) {
                    bytes += static_cast<char>(std::stoi(std::string(text.substr(k + 1, 2)), nullptr, 16));
                    k += 2;
                } else {
                    if (c == '=') word_errors.push_back({k, "bad =XX escape"});
                    bytes += c;
                }
            }
        } else {
            word_errors.push_back({q1 + 1 - start, fmt::format("unknown encoding '{}' (expected B or Q)", enc)});
        }
        auto utf8 = word_errors.empty() ? convert_charset(bytes, charset, "UTF-8") : Result<std::string>(Error{"", ""});
        if (!word_errors.empty() || !utf8) {
            if (errors) {
                std::string why = !word_errors.empty() ? word_errors.front().what : utf8.error().what;
                errors->push_back({start, "encoded word kept as it is: " + why});
            }
            out.append(header.substr(start, end + 2 - start));
        } else {
            out += *utf8;
        }
        i = end + 2;
        last_was_word = true;
    }
    return out;
}

}  // namespace mailsim::codec
