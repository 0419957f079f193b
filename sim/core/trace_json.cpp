// trace_json.cpp — Trace ⇄ JSON, one event a line.
#include "core/trace_json.hpp"

#include <fmt/format.h>

#include "core/json_input.hpp"

namespace mailsim {

using nlohmann::json;
namespace ji = json_input;

namespace {

bool valid_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        if (n == 2 && c < 0xC2) return false;  // overlong
        i += n;
    }
    return true;
}

// Bytes that are not UTF-8 are kept losslessly as Latin-1: byte N → U+00NN.
std::string latin1_to_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size() * 2);
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out += ch;
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

std::string quote(std::string_view s) {
    return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

void put_string(std::string& out, std::string_view name, std::string_view value) {
    if (value.empty()) return;
    fmt::format_to(std::back_inserter(out), ",\"{}\":{}", name, quote(value));
}

}  // namespace

std::string trace_to_json(const Trace& trace) {
    json head;
    head["format"] = "mailsim-trace";
    head["version"] = kTraceFormatVersion;
    head["source"] = {{"kind", trace.source.kind},
                      {"clock", trace.source.clock},
                      {"name", trace.source.name},
                      {"seed", trace.source.seed},
                      {"start_epoch", trace.source.start_epoch}};
    json hosts = json::array();
    for (const auto& h : trace.hosts) {
        json o = {{"name", h.name}, {"role", h.role}};
        if (!h.domain.empty()) o["domain"] = h.domain;
        if (!h.user.empty()) o["user"] = h.user;
        hosts.push_back(o);
    }
    json links = json::array();
    for (const auto& l : trace.links) links.push_back({{"a", l.a}, {"b", l.b}, {"latency_us", l.latency}});

    std::string out = "{\"format\":\"mailsim-trace\",\"version\":" + std::to_string(kTraceFormatVersion) + ",\n";
    out += "\"source\":" + head["source"].dump(-1, ' ', false, json::error_handler_t::replace) + ",\n";
    out += "\"hosts\":" + hosts.dump(-1, ' ', false, json::error_handler_t::replace) + ",\n";
    out += "\"links\":" + links.dump(-1, ' ', false, json::error_handler_t::replace) + ",\n";
    out += "\"events\":[";
    for (size_t i = 0; i < trace.size(); ++i) {
        Event e = trace.at(i);
        out += i == 0 ? "\n" : ",\n";
        fmt::format_to(std::back_inserter(out), "{{\"seq\":{},\"t\":{},\"kind\":\"{}\"", e.seq, e.time,
                       to_string(e.kind));
        if (e.until != 0) fmt::format_to(std::back_inserter(out), ",\"until\":{}", e.until);
        put_string(out, "host", e.host);
        put_string(out, "peer", e.peer);
        if (e.conn != 0) fmt::format_to(std::back_inserter(out), ",\"conn\":{}", e.conn);
        if (e.dir != Direction::none) fmt::format_to(std::back_inserter(out), ",\"dir\":\"{}\"", to_string(e.dir));
        put_string(out, "proto", e.protocol);
        put_string(out, "verb", e.verb);
        put_string(out, "args", e.args);
        put_string(out, "key", e.key);
        if (!e.bytes.empty()) {
            if (valid_utf8(e.bytes)) put_string(out, "bytes", e.bytes);
            else put_string(out, "bytes_latin1", latin1_to_utf8(e.bytes));
        }
        if (!e.detail.empty()) out.append(",\"detail\":").append(e.detail);
        out += "}";
    }
    out += "\n]}\n";
    return out;
}

namespace {

std::string opt_string(const json& o, const std::string& path, std::string_view key) {
    const json* v = ji::find(o, key);
    return v ? ji::as_string(*v, ji::child(path, key)) : std::string{};
}

Trace read_trace(const json& root) {
    ji::check_keys(root, "", {"format", "version", "source", "hosts", "links", "events"});
    if (ji::as_string(ji::require(root, "", "format"), "format") != "mailsim-trace")
        ji::fail("format", "expected \"mailsim-trace\"");
    auto version = ji::as_int(ji::require(root, "", "version"), "version", 1, 1000);
    if (version > kTraceFormatVersion)
        ji::fail("version", fmt::format("this trace is version {}; this mailsim reads up to version {}", version,
                                        kTraceFormatVersion));
    Trace t;
    if (const json* s = ji::find(root, "source")) {
        ji::check_keys(*s, "source", {"kind", "clock", "name", "seed", "start_epoch"});
        t.source.kind = opt_string(*s, "source", "kind");
        t.source.clock = opt_string(*s, "source", "clock");
        t.source.name = opt_string(*s, "source", "name");
        if (const json* v = ji::find(*s, "seed"))
            t.source.seed = static_cast<std::uint64_t>(ji::as_int(*v, "source.seed", 0, INT64_MAX));
        if (const json* v = ji::find(*s, "start_epoch"))
            t.source.start_epoch = ji::as_int(*v, "source.start_epoch", 0, INT64_MAX);
    }
    if (const json* hs = ji::find(root, "hosts")) {
        ji::as_array(*hs, "hosts");
        for (size_t i = 0; i < hs->size(); ++i) {
            std::string p = ji::index("hosts", i);
            const json& h = (*hs)[i];
            ji::check_keys(h, p, {"name", "role", "domain", "user"});
            t.hosts.push_back({ji::as_string(ji::require(h, p, "name"), ji::child(p, "name")),
                               opt_string(h, p, "role"), opt_string(h, p, "domain"), opt_string(h, p, "user")});
        }
    }
    if (const json* ls = ji::find(root, "links")) {
        ji::as_array(*ls, "links");
        for (size_t i = 0; i < ls->size(); ++i) {
            std::string p = ji::index("links", i);
            const json& l = (*ls)[i];
            ji::check_keys(l, p, {"a", "b", "latency_us"});
            t.links.push_back({ji::as_string(ji::require(l, p, "a"), ji::child(p, "a")),
                               ji::as_string(ji::require(l, p, "b"), ji::child(p, "b")),
                               ji::as_int(ji::require(l, p, "latency_us"), ji::child(p, "latency_us"), 0,
                                          INT64_MAX / 4)});
        }
    }
    const json& events = ji::as_array(ji::require(root, "", "events"), "events");
    SimTime last = INT64_MIN;
    for (size_t i = 0; i < events.size(); ++i) {
        std::string p = ji::index("events", i);
        const json& o = events[i];
        ji::check_keys(o, p, {"seq", "t", "until", "kind", "host", "peer", "conn", "dir", "proto", "verb", "args",
                              "key", "bytes", "bytes_latin1", "detail"});
        Event e;
        auto seq = ji::as_int(ji::require(o, p, "seq"), ji::child(p, "seq"), 0, INT64_MAX);
        if (static_cast<size_t>(seq) != i)
            ji::fail(ji::child(p, "seq"), fmt::format("expected {} (events are numbered in order), found {}", i, seq));
        e.time = ji::as_int(ji::require(o, p, "t"), ji::child(p, "t"), INT64_MIN / 4, INT64_MAX / 4);
        if (e.time < last)
            ji::fail(ji::child(p, "t"), fmt::format("time goes backwards: {} after {}", e.time, last));
        last = e.time;
        if (const json* v = ji::find(o, "until"))
            e.until = ji::as_int(*v, ji::child(p, "until"), INT64_MIN / 4, INT64_MAX / 4);
        std::string kind = ji::as_string(ji::require(o, p, "kind"), ji::child(p, "kind"));
        auto k = parse_event_kind(kind);
        if (!k) {
            std::string all;
            for (auto n : kEventKindNames) all += (all.empty() ? "" : ", ") + std::string(n);
            ji::fail(ji::child(p, "kind"), "unknown kind \"" + kind + "\"; expected one of " + all);
        }
        e.kind = *k;
        std::string host = opt_string(o, p, "host"), peer = opt_string(o, p, "peer"),
                    proto = opt_string(o, p, "proto"), verb = opt_string(o, p, "verb"),
                    args = opt_string(o, p, "args"), key = opt_string(o, p, "key"),
                    bytes = opt_string(o, p, "bytes"), detail;
        if (const json* v = ji::find(o, "bytes_latin1")) {
            auto raw = detail::utf8_to_latin1(ji::as_string(*v, ji::child(p, "bytes_latin1")));
            if (!raw) ji::fail(ji::child(p, "bytes_latin1"), "expected characters U+0000 to U+00FF only");
            bytes = *raw;
        }
        if (const json* v = ji::find(o, "conn"))
            e.conn = static_cast<std::uint32_t>(ji::as_int(*v, ji::child(p, "conn"), 0, UINT32_MAX));
        if (const json* v = ji::find(o, "dir")) {
            std::string d = ji::as_string(*v, ji::child(p, "dir"));
            auto dir = parse_direction(d);
            if (!dir || d.empty()) ji::fail(ji::child(p, "dir"), "expected \"c2s\" or \"s2c\", found \"" + d + "\"");
            e.dir = *dir;
        }
        if (const json* v = ji::find(o, "detail")) {
            ji::expect_object(*v, ji::child(p, "detail"));
            detail = v->dump(-1, ' ', false, json::error_handler_t::replace);
        }
        e.host = host;
        e.peer = peer;
        e.protocol = proto;
        e.verb = verb;
        e.args = args;
        e.key = key;
        e.bytes = bytes;
        e.detail = detail;
        t.append(e);
    }
    return t;
}

}  // namespace

namespace detail {

std::optional<std::string> utf8_to_latin1(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            out += s[i];
        } else if ((c == 0xC2 || c == 0xC3) && i + 1 < s.size()) {
            out += static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F));
            ++i;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

}  // namespace detail

Result<Trace> trace_from_json(std::string_view text, const std::string& file_name) {
    if (auto t = detail::trace_from_json_fast(text)) return std::move(*t);
    return detail::trace_from_json_dom(text, file_name);
}

Result<Trace> detail::trace_from_json_dom(std::string_view text, const std::string& file_name) {
    auto root = json_input::parse(text, file_name);
    if (!root) return root.error();
    try {
        return read_trace(*root);
    } catch (const InputError& e) {
        return Error{file_name + ": " + (e.where.empty() ? "(top level)" : e.where), e.what()};
    }
}

std::optional<Error> save_trace(const Trace& trace, const std::string& path) {
    return write_file_atomically(path, trace_to_json(trace));
}

Result<Trace> load_trace(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    return trace_from_json(*text, path);
}

}  // namespace mailsim
