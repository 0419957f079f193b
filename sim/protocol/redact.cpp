// redact.cpp — see redact.hpp.
#include "protocol/redact.hpp"

#include <vector>

#include "core/ascii.hpp"
#include "protocol/sasl.hpp"

namespace mailsim::protocol {

namespace {

// The line with its words from `keep` on replaced by "[redacted]".
std::string keep_words(const std::vector<std::string_view>& w, size_t keep) {
    std::string out;
    for (size_t i = 0; i < w.size(); ++i) {
        if (i) out += ' ';
        out.append(i < keep ? w[i] : kRedacted);
    }
    return out + "\r\n";
}

// A command line: how many of its words stay (the rest are secrets); kAll
// when it carries none. (Asked of every command a simulation records, so it
// looks at the labels only.)
constexpr size_t kAll = static_cast<size_t>(-1);
size_t words_kept(std::string_view protocol, std::string_view verb, std::string_view key) {
    if (key == "smtp.auth.response" || key == "imap.auth.response") return 0;  // a line answering 334 or "+"
    if (verb == "PASS") return 1;                                  // PASS secret
    if (verb == "APOP") return 2;                                  // APOP user digest
    if (verb == "AUTH") return 2;                                  // AUTH PLAIN initial-response
    if (verb == "LOGIN" && protocol == "imap") return 2;           // tag LOGIN user password
    if (verb == "AUTHENTICATE") return 3;                          // tag AUTHENTICATE PLAIN initial-response
    // (AUTH and AUTHENTICATE keep one word less when the mechanism is missing: redact_secrets.)
    return kAll;
}

// cookie-pair *( ";" SP cookie-pair ), cookie-pair = name "=" value (RFC 6265 §4.2.1):
// each value redacted; with `first_only`, a Set-Cookie's one cookie (its attributes stay).
std::string cookie_values(std::string_view v, bool first_only, bool* changed) {
    std::string out;
    size_t pos = 0;
    while (pos < v.size()) {
        size_t semi = v.find(';', pos);
        if (semi == std::string_view::npos) semi = v.size();
        std::string_view pair = v.substr(pos, semi - pos);
        const size_t eq = pair.find('=');
        if (eq != std::string_view::npos && eq + 1 < pair.size()) {
            out.append(pair.substr(0, eq + 1)).append(kRedacted);
            *changed = true;
        } else {
            out.append(pair);
        }
        if (semi < v.size()) out += ';';
        pos = semi + 1;
        if (first_only) {
            if (pos < v.size()) out.append(v.substr(pos));
            break;
        }
    }
    return out;
}

// A urlencoded form's password fields: "user=bob&password=secret" → "user=bob&password=[redacted]".
std::string form_without_passwords(std::string_view body, bool* changed) {
    std::string out;
    size_t pos = 0;
    while (pos <= body.size()) {
        size_t amp = body.find('&', pos);
        if (amp == std::string_view::npos) amp = body.size();
        std::string_view field = body.substr(pos, amp - pos);
        const size_t eq = field.find('=');
        const std::string name = to_lower(field.substr(0, eq == std::string_view::npos ? field.size() : eq));
        if (eq != std::string_view::npos && eq + 1 < field.size() &&
            (name.find("pass") != std::string::npos || name == "pwd" || name == "secret")) {
            out.append(field.substr(0, eq + 1)).append(kRedacted);
            *changed = true;
        } else {
            out.append(field);
        }
        if (amp < body.size()) out += '&';
        pos = amp + 1;
    }
    return out;
}

// An HTTP message: its cookies and a form's passwords, with Content-Length
// made to match the body as recorded.
std::optional<std::string> redact_http(std::string_view bytes) {
    const size_t head_end = bytes.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return std::nullopt;
    const std::string_view head = bytes.substr(0, head_end + 2);
    std::string_view body = bytes.substr(head_end + 4);
    bool changed = false, form = false;
    std::vector<std::string> lines;
    for (size_t pos = 0; pos < head.size();) {
        const size_t end = head.find("\r\n", pos);
        std::string_view line = head.substr(pos, end - pos);
        pos = end + 2;
        const size_t colon = line.find(':');
        const std::string_view name = colon == std::string_view::npos ? line : line.substr(0, colon);
        std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (iequals(name, "Cookie") || iequals(name, "Set-Cookie"))
            lines.push_back(std::string(name) + ": " + cookie_values(value, iequals(name, "Set-Cookie"), &changed));
        else
            lines.emplace_back(line);
        if (iequals(name, "Content-Type") && istarts_with(value, "application/x-www-form-urlencoded")) form = true;
    }
    std::string new_body = form ? form_without_passwords(body, &changed) : std::string(body);
    if (!changed) return std::nullopt;
    std::string out;
    for (auto& line : lines) {
        if (istarts_with(line, "Content-Length:") && new_body.size() != body.size())
            line = "Content-Length: " + std::to_string(new_body.size());
        out += line + "\r\n";
    }
    return out + "\r\n" + new_body;
}

}  // namespace

std::vector<std::string_view> command_words(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    std::vector<std::string_view> out;
    for (size_t pos = 0; pos < line.size();) {
        const size_t sp = line.find_first_of(" \t", pos);
        const size_t end = sp == std::string_view::npos ? line.size() : sp;
        if (end > pos) out.push_back(line.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

std::optional<std::string> redact_secrets(std::string_view protocol, std::string_view verb, std::string_view key,
                                          std::string_view bytes, bool from_client) {
    if (protocol == "http") return redact_http(bytes);
    if (!from_client) return std::nullopt;
    size_t keep = words_kept(protocol, verb, key);
    if (keep == kAll) return std::nullopt;
    const auto w = command_words(bytes);
    // (A password in capitals of 20 or fewer looks like a mechanism's name and stays: a heuristic's price.)
    if ((verb == "AUTH" || verb == "AUTHENTICATE") && keep > 0 && w.size() >= keep && !sasl_mechanism_name(w[keep - 1])) --keep;
    if (keep >= w.size()) return std::nullopt;
    return keep == 0 ? std::string(kRedacted) + "\r\n" : keep_words(w, keep);
}

}  // namespace mailsim::protocol
