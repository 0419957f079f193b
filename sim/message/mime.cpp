// mime.cpp — parsing header fields and the MIME tree; see mime.hpp.
#include "message/mime.hpp"

#include <fmt/format.h>

#include "codec/base64.hpp"
#include "codec/quoted_printable.hpp"
#include "codec/rfc2231.hpp"
#include "core/ascii.hpp"

namespace mailsim::message {

namespace {

// What one parse may grow to, whatever the input: a message of millions of
// empty parts, header lines or broken lines would otherwise cost hundreds of
// bytes of tree for each byte of input.
struct Budget {
    std::vector<Damage>& damage;
    size_t parts = 1;  // the root
    bool parts_noted = false, fields_noted = false;
    void note(size_t offset, std::string what) {
        if (damage.size() < kMaxDamage) damage.push_back({offset, std::move(what)});
        else if (damage.size() == kMaxDamage)
            damage.push_back({offset, fmt::format("more than {} problems: the rest are not listed", kMaxDamage)});
    }
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
}

// The end of the line starting at `pos` (the index of its LF, or the end).
size_t line_end(std::string_view raw, size_t pos, size_t limit) {
    size_t lf = raw.find('\n', pos);
    return lf == std::string_view::npos || lf >= limit ? limit : lf;
}

// Reads header fields from [begin, limit); returns where the body starts.
size_t parse_header(std::string_view raw, size_t begin, size_t limit, Part& part, Budget& budget) {
    size_t pos = begin;
    while (pos < limit) {
        size_t eol = line_end(raw, pos, limit);
        std::string_view line = raw.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        size_t next = eol < limit ? eol + 1 : limit;
        if (line.empty()) {  // the blank line: the body follows
            part.header_span = {begin, pos};
            return next;
        }
        if (line.front() == ' ' || line.front() == '\t') {  // a folded continuation
            if (part.headers.empty()) {
                budget.note(pos, "a continuation line with no header field before it");
            } else {
                part.headers.back().value += " " + std::string(trim(line));
                part.headers.back().span.end = next;
            }
            pos = next;
            continue;
        }
        size_t colon = line.find(':');
        bool good_name = colon != std::string_view::npos && colon > 0;
        for (size_t i = 0; good_name && i < colon; ++i)
            good_name = line[i] > 32 && line[i] < 127;
        if (!good_name) {
            budget.note(pos, fmt::format("header line without a colon: \"{}\"", line.substr(0, 40)));
            pos = next;
            continue;
        }
        if (part.headers.size() >= kMaxFields) {
            if (!budget.fields_noted)
                budget.note(pos, fmt::format("more than {} header fields in a part: the rest are skipped", kMaxFields));
            budget.fields_noted = true;
            pos = next;
            continue;
        }
        part.headers.push_back({std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))), {pos, next}});
        pos = next;
    }
    part.header_span = {begin, limit};
    return limit;  // no body
}

void parse_part(std::string_view raw, size_t begin, size_t end, Part& part, const ContentType& default_type,
                Budget& budget, int depth);

void parse_multipart(std::string_view raw, Part& part, Budget& budget, int depth) {
    const std::string& boundary = part.content_type.params["boundary"];
    size_t begin = part.body_span.begin, end = part.body_span.end;
    if (boundary.empty()) {
        budget.note(part.header_span.begin, "multipart without a boundary parameter: the body is kept whole");
        return;
    }
    ContentType child_default;
    if (part.content_type.subtype == "digest") child_default = {"message", "rfc822", {}};
    std::string delimiter = "--" + boundary;
    // Find delimiter lines: "--boundary" or "--boundary--" at the start of a line.
    std::vector<std::pair<size_t, size_t>> lines;  // (line start, next line start)
    bool closed = false;
    size_t pos = begin;
    // Past the message's part budget the rest is not split: it stays in the
    // last part (or the epilogue), so the tree stays small.
    const size_t room = kMaxParts > budget.parts ? kMaxParts - budget.parts : 0;
    bool capped = false;
    while (pos < end) {
        size_t eol = line_end(raw, pos, end);
        size_t next = eol < end ? eol + 1 : end;
        std::string_view line = raw.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.rfind(delimiter, 0) == 0 && lines.size() >= room) {
            capped = true;
            if (!budget.parts_noted)
                budget.note(pos, fmt::format("more than {} MIME parts in the message: the rest is not split into parts",
                                             kMaxParts));
            budget.parts_noted = true;
            break;
        }
        if (line.rfind(delimiter, 0) == 0) {
            std::string_view rest = trim(line.substr(delimiter.size()));
            if (rest == "--") {
                lines.push_back({pos, next});
                closed = true;
                part.boundaries.push_back({pos, next});
                part.epilogue = {next, end};
                break;
            }
            if (rest.empty()) {
                lines.push_back({pos, next});
                part.boundaries.push_back({pos, next});
            }
        }
        pos = next;
    }
    if (lines.empty()) {
        budget.note(begin, fmt::format("no boundary line \"{}\" in the multipart body", delimiter));
        return;
    }
    part.preamble = {begin, lines.front().first};
    if (!closed) {
        if (!capped) budget.note(end, fmt::format("the closing boundary \"{}--\" is missing", delimiter));
        lines.push_back({end, end});
    }
    budget.parts += lines.size() - 1;
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
        size_t p_begin = lines[i].second;
        size_t p_end = lines[i + 1].first;
        // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        if (p_end > p_begin && raw[p_end - 1] == '\n') --p_end;
        if (p_end > p_begin && raw[p_end - 1] == '\r') --p_end;
        auto child = std::make_unique<Part>();
        parse_part(raw, p_begin, p_end, *child, child_default, budget, depth + 1);
        part.children.push_back(std::move(child));
    }
}

void parse_part(std::string_view raw, size_t begin, size_t end, Part& part, const ContentType& default_type,
                Budget& budget, int depth) {
    part.span = {begin, end};
    size_t body = parse_header(raw, begin, end, part, budget);
    part.body_span = {body, end};
    part.content_type = default_type;
    const HeaderField* ct = part.header("Content-Type");
    if (ct) part.content_type = parse_content_type(ct->value, &budget.damage, ct->span.begin);
    if (const HeaderField* cte = part.header("Content-Transfer-Encoding"))
        part.transfer_encoding = to_lower(trim(cte->value));
    if (const HeaderField* cd = part.header("Content-Disposition")) {
        std::string_view v = cd->value;
        part.disposition = to_lower(trim(v.substr(0, v.find(';'))));
        part.filename = parameter(parse_parameters(v), "filename", &budget.damage, cd->span.begin);
    }
    if (const HeaderField* id = part.header("Content-ID")) part.content_id = trim(id->value);
    if (const HeaderField* d = part.header("Content-Description")) part.description = trim(d->value);
    if (part.filename.empty())
        part.filename = parameter(part.content_type.params, "name", &budget.damage, ct ? ct->span.begin : begin);
    if (part.content_type.type == "text") {
        part.charset = to_lower(parameter(part.content_type.params, "charset", &budget.damage, ct ? ct->span.begin : begin));
        if (part.charset.empty()) part.charset = "us-ascii";
    }
    if (depth > 50) {
        budget.note(begin, "MIME parts nested more than 50 deep: the rest is kept whole");
        return;
    }
    if (part.content_type.type == "multipart") {
        parse_multipart(raw, part, budget, depth);
    } else if (part.content_type.full() == "message/rfc822" && budget.parts < kMaxParts) {
        ++budget.parts;
        auto child = std::make_unique<Part>();
        parse_part(raw, body, end, *child, ContentType{}, budget, depth + 1);
        part.children.push_back(std::move(child));
    }
}

}  // namespace

const HeaderField* Part::header(std::string_view name) const {
    for (const auto& h : headers)
        if (iequals(h.name, name)) return &h;
    return nullptr;
}

std::map<std::string, std::string> parse_parameters(std::string_view value) {
    std::map<std::string, std::string> params;
    size_t pos = value.find(';');
    while (pos != std::string_view::npos && pos < value.size()) {
        ++pos;
        while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t')) ++pos;
        size_t eq = value.find('=', pos);
        if (eq == std::string_view::npos) break;
        std::string name = to_lower(trim(value.substr(pos, eq - pos)));
        size_t v = eq + 1;
        while (v < value.size() && value[v] == ' ') ++v;
        std::string val;
        if (v < value.size() && value[v] == '"') {  // quoted-string with \-escapes
            size_t i = v + 1;
            for (; i < value.size() && value[i] != '"'; ++i) {
                if (value[i] == '\\' && i + 1 < value.size()) ++i;
                val += value[i];
            }
            pos = value.find(';', i);
        } else {
            size_t semi = value.find(';', v);
            val = std::string(trim(value.substr(v, semi == std::string_view::npos ? std::string_view::npos : semi - v)));
            pos = semi;
        }
        if (!name.empty()) params[name] = val;
    }
    return params;
}

std::string parameter(const std::map<std::string, std::string>& params, std::string_view name,
                      std::vector<Damage>* damage, size_t offset) {
    std::vector<codec::CodecError> errors;
    std::string v = codec::parameter_value(params, name, &errors);
    if (damage)
        for (auto& e : errors)
            if (damage->size() < kMaxDamage) damage->push_back({offset, std::move(e.what)});
    return v;
}

ContentType parse_content_type(std::string_view value, std::vector<Damage>* damage, size_t offset) {
    ContentType ct;
    std::string_view main = trim(value.substr(0, value.find(';')));
    size_t slash = main.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 >= main.size()) {
        if (damage)
            damage->push_back({offset, fmt::format("Content-Type \"{}\" is not type/subtype; text/plain assumed", main)});
        return ct;
    }
    ct.type = to_lower(trim(main.substr(0, slash)));
    ct.subtype = to_lower(trim(main.substr(slash + 1)));
    ct.params = parse_parameters(value);
    return ct;
}

Message parse(std::string raw) {
    Message m;
    m.raw = std::move(raw);
    m.root = std::make_unique<Part>();
    Budget budget{m.damage};
    parse_part(m.raw, 0, m.raw.size(), *m.root, ContentType{}, budget, 0);
    return m;
}

std::string decoded_body(const Message& m, const Part& p, std::vector<Damage>* damage) {
    std::string_view body = std::string_view(m.raw).substr(p.body_span.begin, p.body_span.end - p.body_span.begin);
    std::vector<codec::CodecError> errors;
    std::string out;
    if (p.transfer_encoding == "base64") out = codec::base64_decode(body, &errors);
    else if (p.transfer_encoding == "quoted-printable") out = codec::qp_decode(body, &errors);
    else out = std::string(body);
    if (damage)
        for (const auto& e : errors) {
            if (damage->size() > kMaxDamage) break;
            damage->push_back({p.body_span.begin + e.offset, p.transfer_encoding + ": " + e.what});
        }
    return out;
}

}  // namespace mailsim::message
