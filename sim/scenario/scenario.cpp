// scenario.cpp — reading, checking and building scenarios.
#include "scenario/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "agents/mail_server.hpp"
#include "codec/base64.hpp"
#include "agents/user_agent.hpp"
#include "core/ascii.hpp"
#include "core/json_input.hpp"
#include "protocol/smtp/path.hpp"

namespace mailsim::scenario {

namespace ji = json_input;
using nlohmann::json;

std::string_view to_string(FaultSpec::Type t) {
    switch (t) {
        case FaultSpec::Type::host_down: return "host-down";
        case FaultSpec::Type::service_down: return "service-down";
        case FaultSpec::Type::link_down: return "link-down";
        case FaultSpec::Type::greeting_421: return "greeting-421";
    }
    return "?";
}

namespace {

// A text that ends up inside one protocol line or one header field: a reply
// override, a greeting, a Subject, a display name, a password. A CR or LF in
// it would put lines of the scenario's choosing on the wire (an extra "+OK",
// "* BYE", an HTTP "Set-Cookie", a "Bcc:" header); NUL, ESC and the other
// control characters have no place there either. TAB is folding white space.
std::string one_line(const json& v, const std::string& path) {
    std::string t = ji::as_string(v, path);
    for (size_t i = 0; i < t.size(); ++i) {
        const auto c = static_cast<unsigned char>(t[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            ji::fail(path, fmt::format("control character 0x{:02X}{} at byte {}: this text goes into one protocol line or "
                                       "header field, where CR, LF, NUL and other control characters are not allowed",
                                       c, c == '\r' ? " (CR)" : c == '\n' ? " (LF)" : c == 0 ? " (NUL)" : c == 0x1B ? " (ESC)" : "",
                                       i));
    }
    return t;
}

std::string opt_line(const json& o, const std::string& path, std::string_view key) {
    const json* v = ji::find(o, key);
    return v ? one_line(*v, ji::child(path, key)) : std::string{};
}

using Setter = std::function<void(agents::MailServerConfig&, const json&, const std::string&)>;

struct SettingRow {
    SettingInfo info;
    Setter set;
};

Setter boolean(bool smtp::ServerSettings::*field) {
    return [field](agents::MailServerConfig& c, const json& v, const std::string& p) { c.smtp.*field = ji::as_bool(v, p); };
}
Setter count(size_t smtp::ServerSettings::*field, std::int64_t min) {
    return [field, min](agents::MailServerConfig& c, const json& v, const std::string& p) {
        c.smtp.*field = static_cast<size_t>(ji::as_int(v, p, min, 1LL << 40));
    };
}
Setter duration(SimTime agents::QueueSettings::*field) {
    return [field](agents::MailServerConfig& c, const json& v, const std::string& p) { c.queue.*field = ji::as_duration(v, p); };
}

const std::vector<SettingRow>& setting_rows() {
    static const std::vector<SettingRow> rows = {
        {{"greeting", "RFC 5321 §4.2", "text after the host name in the 220 greeting"},
         [](auto& c, const json& v, const std::string& p) { c.smtp.greeting_text = one_line(v, p); }},
        {{"esmtp", "RFC 5321 §4.1.1.1", "answer EHLO; false makes an RFC 821 server that only knows HELO"},
         boolean(&smtp::ServerSettings::esmtp)},
        {{"extensions", "RFC 5321 §4.1.1.1",
          "ESMTP extensions offered: any of SIZE, 8BITMIME, PIPELINING, ENHANCEDSTATUSCODES, SMTPUTF8"},
         [](auto& c, const json& v, const std::string& p) {
             ji::as_array(v, p);
             c.smtp.size = c.smtp.eightbitmime = c.smtp.pipelining = c.smtp.enhancedstatuscodes = c.smtp.smtputf8 = false;
             for (size_t i = 0; i < v.size(); ++i) {
                 std::string e = to_upper(ji::as_string(v[i], ji::index(p, i)));
                 if (e == "SIZE") c.smtp.size = true;
                 else if (e == "8BITMIME") c.smtp.eightbitmime = true;
                 else if (e == "PIPELINING") c.smtp.pipelining = true;
                 else if (e == "ENHANCEDSTATUSCODES") c.smtp.enhancedstatuscodes = true;
                 else if (e == "SMTPUTF8") c.smtp.smtputf8 = true;
                 else ji::fail(ji::index(p, i),
                               "unknown extension \"" + e + "\"; expected SIZE, 8BITMIME, PIPELINING, ENHANCEDSTATUSCODES or SMTPUTF8");
             }
         }},
        {{"size", "RFC 1870", "offer SIZE and refuse larger messages"}, boolean(&smtp::ServerSettings::size)},
        {{"message_size_limit", "RFC 1870 §4", "largest message accepted, in bytes (552 above it)"},
         [](auto& c, const json& v, const std::string& p) {
             c.smtp.message_size_limit = static_cast<std::uint64_t>(ji::as_int(v, p, 1, 1LL << 40));
         }},
        {{"8bitmime", "RFC 6152", "offer 8BITMIME; without it 8-bit message text is refused"},
         boolean(&smtp::ServerSettings::eightbitmime)},
        {{"pipelining", "RFC 2920", "offer PIPELINING: the client may send MAIL, RCPT and DATA at once"},
         boolean(&smtp::ServerSettings::pipelining)},
        {{"enhancedstatuscodes", "RFC 2034", "add X.Y.Z enhanced status codes to replies"},
         boolean(&smtp::ServerSettings::enhancedstatuscodes)},
        {{"smtputf8", "RFC 6531", "offer SMTPUTF8: UTF-8 addresses after MAIL ... SMTPUTF8 (default off; 553 5.6.7 without it)"},
         boolean(&smtp::ServerSettings::smtputf8)},
        {{"auth", "RFC 4954",
          "offer AUTH PLAIN LOGIN for the server's users, after STARTTLS where it is offered (530 before); a user "
          "logged in may relay (default off; serve mode turns it on)"},
         boolean(&smtp::ServerSettings::auth)},
        {{"rfc821_mode", "RFC 821 §4.1.1", "implement SEND, SOML, SAML and TURN (otherwise 502)"},
         boolean(&smtp::ServerSettings::rfc821_mode)},
        {{"vrfy", "RFC 5321 §3.5", "answer VRFY (otherwise 252)"}, boolean(&smtp::ServerSettings::vrfy)},
        {{"expn", "RFC 5321 §3.5", "answer EXPN (otherwise 502)"}, boolean(&smtp::ServerSettings::expn)},
        {{"recipient_limit", "RFC 5321 §4.5.3.1.8", "recipients per message before 452"},
         count(&smtp::ServerSettings::recipient_limit, 1)},
        {{"command_line_limit", "RFC 5321 §4.5.3.1.4", "longest command line, CRLF included (500 above it)"},
         count(&smtp::ServerSettings::command_line_limit, 16)},
        {{"text_line_limit", "RFC 5321 §4.5.3.1.6", "longest message text line, CRLF included (500 above it)"},
         count(&smtp::ServerSettings::text_line_limit, 16)},
        {{"commands_before_transaction_limit", "Postfix smtpd_junk_command_limit",
          "commands (NOOP, VRFY, RSET, HELP...) without a MAIL before 421 and a close"},
         count(&smtp::ServerSettings::commands_before_transaction_limit, 1)},
        {{"imap_literal_limit", "RFC 7162 §4", "largest IMAP literal taken, in bytes (APPEND's message; BAD above it)"},
         [](auto& c, const json& v, const std::string& p) {
             c.imap_literal_limit = static_cast<size_t>(ji::as_int(v, p, 1, 1LL << 40));
         }},
        {{"accept_bare_lf_commands", "RFC 5321 §2.3.8", "let a lone LF end a command line (never a text line)"},
         boolean(&smtp::ServerSettings::accept_bare_lf_commands)},
        {{"queue_run_delay", "Postfix queue_run_delay", "time between queue scans"},
         duration(&agents::QueueSettings::queue_run_delay)},
        {{"minimal_backoff_time", "Postfix minimal_backoff_time", "delay before the first retry; doubles after each"},
         duration(&agents::QueueSettings::minimal_backoff_time)},
        {{"maximal_backoff_time", "Postfix maximal_backoff_time", "longest delay between retries"},
         duration(&agents::QueueSettings::maximal_backoff_time)},
        {{"maximal_queue_lifetime", "RFC 5321 §4.5.4.1", "give up and bounce after a message waited this long"},
         duration(&agents::QueueSettings::maximal_queue_lifetime)},
        {{"retry_schedule", "RFC 5321 §4.5.4.1", "explicit delays between attempts, the last repeating"},
         [](auto& c, const json& v, const std::string& p) {
             ji::as_array(v, p);
             if (v.empty()) ji::fail(p, "expected at least one duration");
             c.queue.retry_schedule.clear();
             for (size_t i = 0; i < v.size(); ++i) c.queue.retry_schedule.push_back(ji::as_duration(v[i], ji::index(p, i)));
         }},
        {{"max_hops", "RFC 5321 §6.3", "Received lines before a message is refused as a loop (554)"},
         [](auto& c, const json& v, const std::string& p) { c.queue.max_hops = static_cast<int>(ji::as_int(v, p, 1, 1000)); }},
        {{"turn", "RFC 821 §4.1.1", "after delivering, ask the receiver to TURN and send us its mail"},
         [](auto& c, const json& v, const std::string& p) { c.queue.turn = ji::as_bool(v, p); }},
        {{"storage_limit", "RFC 5321 §4.2.2", "bytes in all mailboxes before MAIL gets 452, 0 = none"},
         [](auto& c, const json& v, const std::string& p) {
             c.storage_limit = static_cast<std::uint64_t>(ji::as_int(v, p, 0, 1LL << 50));
         }},
    };
    return rows;
}

std::string opt_string(const json& o, const std::string& path, std::string_view key) {
    const json* v = ji::find(o, key);
    return v ? ji::as_string(*v, ji::child(path, key)) : std::string{};
}

std::string address(const json& v, const std::string& path) {
    if (!v.is_string()) ji::fail(path, "expected an address such as bob@hamburger.edu, found " + ji::describe(v));
    std::string a = v.get<std::string>();
    if (!smtp::is_valid_mailbox(a))
        ji::fail(path, "expected an address such as bob@hamburger.edu, found \"" + a + "\"");
    return a;
}

std::vector<std::string> address_list(const json& o, const std::string& path, std::string_view key) {
    std::vector<std::string> out;
    const json* v = ji::find(o, key);
    if (!v) return out;
    std::string p = ji::child(path, key);
    if (v->is_string()) {
        out.push_back(address(*v, p));
        return out;
    }
    if (!v->is_array()) ji::fail(p, "expected an address or a list of addresses, found " + ji::describe(*v));
    for (size_t i = 0; i < v->size(); ++i) out.push_back(address((*v)[i], ji::index(p, i)));
    return out;
}

std::string host_name(const json& v, const std::string& path) {
    std::string h = ji::as_string(v, path);
    if (!smtp::is_valid_domain(h) || h.front() == '[')
        ji::fail(path, "expected a host name such as mail.hamburger.edu, found \"" + h + "\"");
    return h;
}

agents::UserConfig read_user(const json& v, const std::string& p) {
    agents::UserConfig u;
    if (v.is_string()) {
        u.name = v.get<std::string>();
    } else {
        ji::check_keys(v, p, {"name", "display_name", "busy", "moved_to", "forward_to", "terminal", "quota", "password"});
        u.name = ji::as_string(ji::require(v, p, "name"), ji::child(p, "name"));
        u.display_name = opt_line(v, p, "display_name");
        if (auto* b = ji::find(v, "busy")) u.busy = ji::as_bool(*b, ji::child(p, "busy"));
        if (auto* m = ji::find(v, "moved_to")) u.moved_to = address(*m, ji::child(p, "moved_to"));
        if (auto* f = ji::find(v, "forward_to")) u.forward_to = address(*f, ji::child(p, "forward_to"));
        if (auto* t = ji::find(v, "terminal")) u.terminal = ji::as_bool(*t, ji::child(p, "terminal"));
        if (auto* pw = ji::find(v, "password")) u.password = one_line(*pw, ji::child(p, "password"));
        if (auto* q = ji::find(v, "quota")) u.quota = static_cast<std::uint64_t>(ji::as_int(*q, ji::child(p, "quota"), 0, 1LL << 50));
    }
    if (u.name.empty() || !smtp::is_valid_mailbox(u.name + "@x.example"))
        ji::fail(v.is_string() ? p : ji::child(p, "name"), "expected a user name (the part before @), found \"" + u.name + "\"");
    return u;
}

Scenario read(const json& root) {
    Scenario s;
    ji::check_keys(root, "", {"name", "title", "seed", "start", "latency", "connect_timeout", "dns", "servers",
                              "agents", "links", "mails", "fetches", "faults", "overrides", "until", "description"});
    s.name = opt_string(root, "", "name");
    if (auto* t = ji::find(root, "title")) {
        ji::check_keys(*t, "title", {"en", "zh"});
        s.title_en = opt_string(*t, "title", "en");
        s.title_zh = opt_string(*t, "title", "zh");
    }
    if (auto* v = ji::find(root, "seed")) s.seed = static_cast<std::uint64_t>(ji::as_int(*v, "seed", 0, INT64_MAX));
    if (auto* v = ji::find(root, "start")) {
        auto e = parse_iso8601_utc(ji::as_string(*v, "start"));
        if (!e) ji::fail("start", "expected a UTC time such as \"2026-11-22T09:00:00Z\"");
        s.start_epoch = *e;
    }
    if (auto* v = ji::find(root, "latency")) s.default_latency = ji::as_duration(*v, "latency");
    if (auto* v = ji::find(root, "connect_timeout")) s.connect_timeout = ji::as_duration(*v, "connect_timeout");
    if (auto* v = ji::find(root, "until")) s.until = ji::as_duration(*v, "until");

    std::set<std::string> hosts;
    auto new_host = [&](const std::string& h, const std::string& p) {
        if (!hosts.insert(h).second) ji::fail(p, "host \"" + h + "\" is defined twice");
    };

    if (auto* d = ji::find(root, "dns")) {
        ji::check_keys(*d, "dns", {"host", "timeout", "mx"});
        if (auto* h = ji::find(*d, "host")) {
            s.dns_host = host_name(*h, "dns.host");
            new_host(s.dns_host, "dns.host");
        }
        if (auto* t = ji::find(*d, "timeout")) s.dns_timeout = ji::as_duration(*t, "dns.timeout");
        if (auto* mx = ji::find(*d, "mx")) {
            ji::expect_object(*mx, "dns.mx");
            for (auto& [domain, list] : mx->items()) {
                std::string p = ji::child("dns.mx", domain);
                if (!smtp::is_valid_domain(domain)) ji::fail(p, "expected a domain name as the key");
                ji::as_array(list, p);
                for (size_t i = 0; i < list.size(); ++i) {
                    std::string rp = ji::index(p, i);
                    ji::check_keys(list[i], rp, {"host", "preference"});
                    MxRecord r;
                    r.host = host_name(ji::require(list[i], rp, "host"), ji::child(rp, "host"));
                    if (auto* pr = ji::find(list[i], "preference"))
                        r.preference = static_cast<int>(ji::as_int(*pr, ji::child(rp, "preference"), 0, 65535));
                    s.mx.emplace_back(domain, r);
                }
            }
        }
    }

    const json& servers = ji::as_array(ji::require(root, "", "servers"), "servers");
    for (size_t i = 0; i < servers.size(); ++i) {
        std::string p = ji::index("servers", i);
        const json& o = servers[i];
        ji::check_keys(o, p, {"host", "domain", "users", "lists", "settings"});
        agents::MailServerConfig c;
        c.host = host_name(ji::require(o, p, "host"), ji::child(p, "host"));
        new_host(c.host, ji::child(p, "host"));
        c.domain = ji::as_string(ji::require(o, p, "domain"), ji::child(p, "domain"));
        if (!smtp::is_valid_domain(c.domain)) ji::fail(ji::child(p, "domain"), "expected a domain name such as hamburger.edu");
        if (auto* us = ji::find(o, "users")) {
            ji::as_array(*us, ji::child(p, "users"));
            for (size_t k = 0; k < us->size(); ++k) c.users.push_back(read_user((*us)[k], ji::index(ji::child(p, "users"), k)));
        }
        if (auto* ls = ji::find(o, "lists")) {
            ji::expect_object(*ls, ji::child(p, "lists"));
            for (auto& [name, members] : ls->items()) {
                std::string lp = ji::child(ji::child(p, "lists"), name);
                ji::as_array(members, lp);
                std::vector<std::string> m;
                for (size_t k = 0; k < members.size(); ++k) m.push_back(one_line(members[k], ji::index(lp, k)));
                c.lists[name] = m;
            }
        }
        if (auto* st = ji::find(o, "settings")) {
            std::string sp = ji::child(p, "settings");
            ji::expect_object(*st, sp);
            for (auto& [key, value] : st->items()) {
                const SettingRow* row = nullptr;
                for (const auto& r : setting_rows())
                    if (r.info.name == key) row = &r;
                if (!row) {
                    std::vector<std::string_view> names;
                    for (const auto& r : setting_rows()) names.push_back(r.info.name);
                    std::string best = ji::nearest(key, names);
                    ji::fail(ji::child(sp, key), "unknown setting \"" + key + "\"" +
                                                     (best.empty() ? std::string("; `mailsim explain settings` lists them")
                                                                   : " (did you mean \"" + best + "\"?)"));
                }
                row->set(c, value, ji::child(sp, key));
            }
        }
        s.servers.push_back(std::move(c));
    }
    std::set<std::string> server_hosts;
    for (const auto& c : s.servers) server_hosts.insert(c.host);

    if (auto* as = ji::find(root, "agents")) {
        ji::as_array(*as, "agents");
        for (size_t i = 0; i < as->size(); ++i) {
            std::string p = ji::index("agents", i);
            const json& o = (*as)[i];
            ji::check_keys(o, p, {"host", "user", "name", "server", "retry", "password"});
            agents::UserAgentConfig a;
            a.host = host_name(ji::require(o, p, "host"), ji::child(p, "host"));
            new_host(a.host, ji::child(p, "host"));
            a.address = address(ji::require(o, p, "user"), ji::child(p, "user"));
            a.display_name = opt_line(o, p, "name");
            a.server = ji::as_string(ji::require(o, p, "server"), ji::child(p, "server"));
            if (!server_hosts.count(a.server))
                ji::fail(ji::child(p, "server"), "no server \"" + a.server + "\" in servers[]");
            if (auto* r = ji::find(o, "retry")) a.retry = ji::as_duration(*r, ji::child(p, "retry"));
            if (auto* pw = ji::find(o, "password")) a.password = one_line(*pw, ji::child(p, "password"));
            s.agents.push_back(std::move(a));
        }
    }
    if (auto* ls = ji::find(root, "links")) {
        ji::as_array(*ls, "links");
        for (size_t i = 0; i < ls->size(); ++i) {
            std::string p = ji::index("links", i);
            const json& o = (*ls)[i];
            ji::check_keys(o, p, {"between", "latency"});
            const json& b = ji::as_array(ji::require(o, p, "between"), ji::child(p, "between"));
            if (b.size() != 2) ji::fail(ji::child(p, "between"), "expected two host names");
            LinkSpec l;
            l.a = ji::as_string(b[0], ji::index(ji::child(p, "between"), 0));
            l.b = ji::as_string(b[1], ji::index(ji::child(p, "between"), 1));
            for (int k = 0; k < 2; ++k) {
                const std::string& h = k == 0 ? l.a : l.b;
                if (!hosts.count(h)) ji::fail(ji::index(ji::child(p, "between"), k), "no host \"" + h + "\" in this scenario");
            }
            l.latency = ji::as_duration(ji::require(o, p, "latency"), ji::child(p, "latency"));
            s.links.push_back(l);
        }
    }
    if (auto* ms = ji::find(root, "mails")) {
        ji::as_array(*ms, "mails");
        for (size_t i = 0; i < ms->size(); ++i) {
            std::string p = ji::index("mails", i);
            const json& o = (*ms)[i];
            ji::check_keys(o, p, {"at", "from", "to", "cc", "bcc", "subject", "body", "html", "attachments", "multipart", "mode",
                                  "headers", "commands"});
            agents::OutgoingMail m;
            if (auto* at = ji::find(o, "at")) m.at = ji::as_duration(*at, ji::child(p, "at"));
            std::string from = address(ji::require(o, p, "from"), ji::child(p, "from"));
            for (const auto& a : s.agents)
                if (a.address == from) m.agent = a.host;
            if (m.agent.empty())
                ji::fail(ji::child(p, "from"), "no agent in agents[] has the user \"" + from + "\"");
            if (!ji::find(o, "to") && !ji::find(o, "cc") && !ji::find(o, "bcc")) ji::fail(ji::child(p, "to"), "missing (a mail needs a recipient)");
            m.to = address_list(o, p, "to");
            m.cc = address_list(o, p, "cc");
            m.bcc = address_list(o, p, "bcc");
            m.subject = opt_line(o, p, "subject");
            m.body = opt_string(o, p, "body");
            m.html = opt_string(o, p, "html");
            if (auto* as = ji::find(o, "attachments")) {
                std::string ap = ji::child(p, "attachments");
                ji::as_array(*as, ap);
                for (size_t k = 0; k < as->size(); ++k) {
                    std::string ip = ji::index(ap, k);
                    const json& a = (*as)[k];
                    ji::check_keys(a, ip, {"filename", "content_type", "text", "base64", "size", "inline", "description"});
                    message::Attachment att;
                    att.filename = one_line(ji::require(a, ip, "filename"), ji::child(ip, "filename"));
                    if (auto* ct = ji::find(a, "content_type")) {
                        att.content_type = to_lower(one_line(*ct, ji::child(ip, "content_type")));
                        if (att.content_type.find('/') == std::string::npos)
                            ji::fail(ji::child(ip, "content_type"), "expected type/subtype such as image/png");
                    }
                    int given = (ji::find(a, "text") ? 1 : 0) + (ji::find(a, "base64") ? 1 : 0) + (ji::find(a, "size") ? 1 : 0);
                    if (given != 1) ji::fail(ip, "expected exactly one of \"text\", \"base64\" or \"size\" (generated bytes)");
                    if (auto* t = ji::find(a, "text")) att.data = ji::as_string(*t, ji::child(ip, "text"));
                    if (auto* b = ji::find(a, "base64")) {
                        std::vector<codec::CodecError> errors;
                        att.data = codec::base64_decode(ji::as_string(*b, ji::child(ip, "base64")), &errors);
                        if (!errors.empty())
                            ji::fail(ji::child(ip, "base64"), fmt::format("not base64 at character {}: {}", errors[0].offset, errors[0].what));
                    }
                    if (auto* sz = ji::find(a, "size")) {
                        auto n = ji::as_int(*sz, ji::child(ip, "size"), 0, 64 << 20);
                        Rng gen(static_cast<std::uint64_t>(n) * 7919 + k);  // the same bytes every run
                        att.data.resize(static_cast<size_t>(n));
                        for (auto& ch : att.data) ch = static_cast<char>(gen.below(256));
                    }
                    if (auto* in = ji::find(a, "inline")) att.inline_part = ji::as_bool(*in, ji::child(ip, "inline"));
                    if (auto* d = ji::find(a, "description")) att.description = one_line(*d, ji::child(ip, "description"));
                    m.attachments.push_back(std::move(att));
                }
            }
            if (auto* mp = ji::find(o, "multipart")) {
                m.multipart = ji::as_string(*mp, ji::child(p, "multipart"));
                if (!message::is_attachment_multipart(m.multipart))
                    ji::fail(ji::child(p, "multipart"), "expected \"mixed\", \"parallel\" or \"digest\", found \"" + m.multipart + "\"");
                if (m.attachments.empty())
                    ji::fail(ji::child(p, "multipart"), "a mail without \"attachments\" has no multipart to name");
            }
            if (auto* mode = ji::find(o, "mode")) {
                std::string md = ji::as_string(*mode, ji::child(p, "mode"));
                if (md == "mail") m.mode = smtp::MailMode::mail;
                else if (md == "send") m.mode = smtp::MailMode::send;
                else if (md == "soml") m.mode = smtp::MailMode::soml;
                else if (md == "saml") m.mode = smtp::MailMode::saml;
                else ji::fail(ji::child(p, "mode"), "expected \"mail\", \"send\", \"soml\" or \"saml\", found \"" + md + "\"");
            }
            if (auto* hs = ji::find(o, "headers")) {
                ji::expect_object(*hs, ji::child(p, "headers"));
                for (auto& [name, value] : hs->items()) {
                    const std::string hp = ji::child(ji::child(p, "headers"), name);
                    // field-name = 1*ftext; ftext = %d33-57 / %d59-126 (RFC 5322 §3.6.8)
                    if (name.empty() || std::any_of(name.begin(), name.end(), [](char ch) {
                            return ch < 33 || ch > 126 || ch == ':';
                        }))
                        ji::fail(hp, "expected a header field name such as X-Course (printable ASCII without spaces or colons)");
                    m.headers.emplace_back(name, one_line(value, hp));
                }
            }
            if (auto* cs = ji::find(o, "commands")) {
                // SMTP command lines sent before MAIL: any verb a student may try
                // (VRFY, EXPN, HELP, NOOP, RSET, an unknown one for its 500), but
                // none that moves the session on, which the client does itself.
                static const std::set<std::string> own = {"HELO", "EHLO", "MAIL", "SEND", "SOML", "SAML", "RCPT",
                                                          "DATA", "BDAT", "QUIT", "TURN", "STARTTLS"};
                const std::string cp = ji::child(p, "commands");
                ji::as_array(*cs, cp);
                for (size_t k = 0; k < cs->size(); ++k) {
                    std::string c = one_line((*cs)[k], ji::index(cp, k));
                    const std::string verb = to_upper(c.substr(0, c.find(' ')));
                    if (verb.empty())
                        ji::fail(ji::index(cp, k), "expected one command line such as \"VRFY bob\", without CR or LF");
                    if (own.count(verb))
                        ji::fail(ji::index(cp, k), verb + " is sent by the client itself; commands are for VRFY, EXPN, HELP, "
                                                          "NOOP, RSET and the like, sent before MAIL");
                    m.commands.push_back(std::move(c));
                }
            }
            s.mails.push_back(std::move(m));
        }
    }
    if (auto* fs = ji::find(root, "fetches")) {
        ji::as_array(*fs, "fetches");
        for (size_t i = 0; i < fs->size(); ++i) {
            std::string p = ji::index("fetches", i);
            const json& o = (*fs)[i];
            ji::check_keys(o, p, {"at", "agent", "protocol", "mode", "apop", "partial", "file_into", "idle", "commands"});
            agents::Retrieval r;
            if (auto* at = ji::find(o, "at")) r.at = ji::as_duration(*at, ji::child(p, "at"));
            r.agent = ji::as_string(ji::require(o, p, "agent"), ji::child(p, "agent"));
            bool known = false;
            for (const auto& a : s.agents) known = known || a.host == r.agent;
            if (!known) ji::fail(ji::child(p, "agent"), "no agent \"" + r.agent + "\" in agents[]");
            if (auto* pr = ji::find(o, "protocol")) {
                r.protocol = ji::as_string(*pr, ji::child(p, "protocol"));
                if (r.protocol != "pop3" && r.protocol != "imap" && r.protocol != "http")
                    ji::fail(ji::child(p, "protocol"), "expected \"pop3\", \"imap\" or \"http\", found \"" + r.protocol + "\"");
            }
            // Each protocol's own keys; another protocol's key is a mistake worth naming.
            auto only_for = [&](const char* key, const char* protocol) {
                if (ji::find(o, key) && r.protocol != protocol)
                    ji::fail(ji::child(p, key), std::string("only for \"protocol\": \"") + protocol + "\", not \"" + r.protocol + "\"");
            };
            only_for("mode", "pop3");
            only_for("apop", "pop3");
            only_for("partial", "imap");
            only_for("file_into", "imap");
            only_for("idle", "imap");
            if (auto* m = ji::find(o, "mode")) {
                std::string mode = ji::as_string(*m, ji::child(p, "mode"));
                if (mode != "delete" && mode != "keep")
                    ji::fail(ji::child(p, "mode"), "expected \"delete\" (download-and-delete) or \"keep\" (download-and-keep), found \"" + mode + "\"");
                r.keep = mode == "keep";
            }
            if (auto* a = ji::find(o, "apop")) r.apop = ji::as_bool(*a, ji::child(p, "apop"));
            if (auto* v = ji::find(o, "partial")) r.partial = ji::as_bool(*v, ji::child(p, "partial"));
            if (auto* v = ji::find(o, "file_into")) {
                r.file_into = one_line(*v, ji::child(p, "file_into"));
                if (r.file_into.empty() || r.file_into.find_first_of("*%\r\n\"") != std::string::npos)
                    ji::fail(ji::child(p, "file_into"), "expected a folder name such as \"INBOX/Courses/Networks\"");
            }
            if (auto* v = ji::find(o, "idle")) r.idle = ji::as_duration(*v, ji::child(p, "idle"));
            if (auto* cs = ji::find(o, "commands")) {
                if (r.protocol == "pop3") ji::fail(ji::child(p, "commands"), "only for \"protocol\": \"imap\" or \"http\"");
                const std::string cp = ji::child(p, "commands");
                ji::as_array(*cs, cp);
                for (size_t k = 0; k < cs->size(); ++k) {
                    std::string c = one_line((*cs)[k], ji::index(cp, k));
                    if (c.empty())
                        ji::fail(ji::index(cp, k), "expected one command line, without CR or LF");
                    if (r.protocol == "http") {
                        const size_t sp = c.find(' ');
                        static const std::set<std::string> methods = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"};
                        if (sp == std::string::npos || !methods.count(c.substr(0, sp)) || c.size() == sp + 1 || c[sp + 1] != '/')
                            ji::fail(ji::index(cp, k), "expected a request such as \"GET /inbox\" or \"POST /login user=bob&password=secret\", found \"" + c + "\"");
                    }
                    r.commands.push_back(std::move(c));
                }
            }
            s.fetches.push_back(r);
        }
    }
    if (auto* fs = ji::find(root, "faults")) {
        ji::as_array(*fs, "faults");
        for (size_t i = 0; i < fs->size(); ++i) {
            std::string p = ji::index("faults", i);
            const json& o = (*fs)[i];
            ji::check_keys(o, p, {"type", "host", "between", "from", "until"});
            FaultSpec f;
            std::string type = ji::as_string(ji::require(o, p, "type"), ji::child(p, "type"));
            if (type == "host-down") f.type = FaultSpec::Type::host_down;
            else if (type == "service-down") f.type = FaultSpec::Type::service_down;
            else if (type == "link-down") f.type = FaultSpec::Type::link_down;
            else if (type == "greeting-421") f.type = FaultSpec::Type::greeting_421;
            else ji::fail(ji::child(p, "type"), "expected \"host-down\", \"service-down\", \"link-down\" or \"greeting-421\", found \"" + type + "\"");
            if (f.type == FaultSpec::Type::link_down) {
                const json& b = ji::as_array(ji::require(o, p, "between"), ji::child(p, "between"));
                if (b.size() != 2) ji::fail(ji::child(p, "between"), "expected two host names");
                f.a = ji::as_string(b[0], ji::index(ji::child(p, "between"), 0));
                f.b = ji::as_string(b[1], ji::index(ji::child(p, "between"), 1));
                for (int k = 0; k < 2; ++k)
                    if (!hosts.count(k == 0 ? f.a : f.b))
                        ji::fail(ji::index(ji::child(p, "between"), k), "no host \"" + (k == 0 ? f.a : f.b) + "\" in this scenario");
            } else {
                f.host = ji::as_string(ji::require(o, p, "host"), ji::child(p, "host"));
                bool ok = f.type == FaultSpec::Type::host_down ? hosts.count(f.host) != 0 : server_hosts.count(f.host) != 0;
                if (!ok) ji::fail(ji::child(p, "host"), "no " + std::string(f.type == FaultSpec::Type::host_down ? "host" : "mail server") + " \"" + f.host + "\" in this scenario");
            }
            if (auto* v = ji::find(o, "from")) f.from = ji::as_duration(*v, ji::child(p, "from"));
            if (auto* v = ji::find(o, "until")) f.until = ji::as_duration(*v, ji::child(p, "until"));
            if (f.until != 0 && f.until <= f.from) ji::fail(ji::child(p, "until"), "must be later than \"from\"");
            s.faults.push_back(f);
        }
    }
    if (auto* os = ji::find(root, "overrides")) {
        ji::as_array(*os, "overrides");
        for (size_t i = 0; i < os->size(); ++i) {
            std::string p = ji::index("overrides", i);
            const json& o = (*os)[i];
            ji::check_keys(o, p, {"server", "protocol", "command", "match", "reply", "from", "until", "times"});
            OverrideSpec ov;
            ov.server = ji::as_string(ji::require(o, p, "server"), ji::child(p, "server"));
            if (!server_hosts.count(ov.server)) ji::fail(ji::child(p, "server"), "no mail server \"" + ov.server + "\" in servers[]");
            std::string cmd = to_upper(ji::as_string(ji::require(o, p, "command"), ji::child(p, "command")));
            if (auto* pr = ji::find(o, "protocol")) {
                ov.rule.protocol = ji::as_string(*pr, ji::child(p, "protocol"));
                if (ov.rule.protocol != "smtp" && ov.rule.protocol != "pop3" && ov.rule.protocol != "imap" && ov.rule.protocol != "http")
                    ji::fail(ji::child(p, "protocol"), "expected \"smtp\", \"pop3\", \"imap\" or \"http\", found \"" + ov.rule.protocol + "\"");
            }
            auto times_and_window = [&] {
                if (auto* v = ji::find(o, "from")) ov.rule.from = ji::as_duration(*v, ji::child(p, "from"));
                if (auto* v = ji::find(o, "until")) ov.rule.until = ji::as_duration(*v, ji::child(p, "until"));
                if (auto* v = ji::find(o, "times")) ov.rule.times = static_cast<int>(ji::as_int(*v, ji::child(p, "times"), 0, 1000000));
            };
            if (ov.rule.protocol == "imap") {
                static const std::set<std::string> imap_commands = {
                    "CONNECT", "CAPABILITY", "NOOP", "LOGOUT", "LOGIN", "AUTHENTICATE", "SELECT", "EXAMINE", "CREATE",
                    "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "STATUS", "APPEND", "CHECK", "CLOSE",
                    "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "UID", "IDLE"};
                if (!imap_commands.count(cmd))
                    ji::fail(ji::child(p, "command"), "expected an IMAP command (LOGIN SELECT FETCH STORE ...) or CONNECT; found \"" + cmd + "\"");
                ov.rule.command = cmd;
                ov.rule.match = opt_line(o, p, "match");
                ov.reply_text = one_line(ji::require(o, p, "reply"), ji::child(p, "reply"));
                const std::string kind = to_upper(ov.reply_text.substr(0, ov.reply_text.find(' ')));
                const bool ok = kind == "OK" || kind == "NO" || kind == "BAD" || (cmd == "CONNECT" && (kind == "BYE" || kind == "PREAUTH"));
                if (!ok)
                    ji::fail(ji::child(p, "reply"), "expected an IMAP status response such as \"NO [TRYCREATE] no such mailbox\" (OK, NO or BAD; BYE or PREAUTH for CONNECT), found \"" + ov.reply_text + "\"");
                ov.rule.response = ov.reply_text;
                times_and_window();
                s.overrides.push_back(std::move(ov));
                continue;
            }
            if (ov.rule.protocol == "http") {
                static const std::set<std::string> methods = {"CONNECT", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"};
                if (!methods.count(cmd))
                    ji::fail(ji::child(p, "command"), "expected an HTTP method (GET HEAD POST PUT DELETE OPTIONS); found \"" + cmd + "\"");
                ov.rule.command = cmd;
                ov.rule.match = opt_line(o, p, "match");
                ov.reply_text = one_line(ji::require(o, p, "reply"), ji::child(p, "reply"));
                const std::string& t = ov.reply_text;
                const bool ok = t.size() >= 3 && t[0] >= '1' && t[0] <= '5' && std::isdigit(static_cast<unsigned char>(t[1])) &&
                                std::isdigit(static_cast<unsigned char>(t[2])) && (t.size() == 3 || t[3] == ' ');
                if (!ok) ji::fail(ji::child(p, "reply"), "expected an HTTP status such as \"503 Service Unavailable\", found \"" + t + "\"");
                ov.rule.response = ov.reply_text;
                times_and_window();
                s.overrides.push_back(std::move(ov));
                continue;
            }
            if (ov.rule.protocol == "pop3") {
                static const std::set<std::string> pop3_commands = {"CONNECT", "USER", "PASS", "APOP", "STAT", "LIST", "RETR",
                                                                    "DELE",    "NOOP", "RSET", "TOP",  "UIDL", "QUIT", "CAPA"};
                if (!pop3_commands.count(cmd))
                    ji::fail(ji::child(p, "command"), "expected a POP3 command (USER PASS APOP STAT LIST RETR DELE NOOP RSET TOP UIDL QUIT CAPA) or CONNECT; found \"" + cmd + "\"");
                ov.rule.command = cmd;
                ov.rule.match = opt_line(o, p, "match");
                ov.reply_text = one_line(ji::require(o, p, "reply"), ji::child(p, "reply"));
                if (ov.reply_text.rfind("-ERR", 0) != 0 && ov.reply_text.rfind("+OK", 0) != 0)
                    ji::fail(ji::child(p, "reply"), "expected a POP3 response such as \"-ERR maildrop locked\", found \"" + ov.reply_text + "\"");
                ov.rule.response = ov.reply_text;
                times_and_window();
                s.overrides.push_back(std::move(ov));
                continue;
            }
            static const std::set<std::string> commands = {"CONNECT", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "END-OF-DATA",
                                                           "RSET", "NOOP", "QUIT", "VRFY", "EXPN", "HELP", "SEND",
                                                           "SOML", "SAML", "TURN"};
            if (!commands.count(cmd))
                ji::fail(ji::child(p, "command"), "expected an SMTP command (HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY EXPN HELP SEND SOML SAML TURN), CONNECT or END-OF-DATA; found \"" + cmd + "\"");
            ov.rule.command = cmd;
            ov.rule.match = opt_line(o, p, "match");
            ov.reply_text = one_line(ji::require(o, p, "reply"), ji::child(p, "reply"));
            auto r = smtp::parse_reply_text(ov.reply_text);
            if (!r) ji::fail(ji::child(p, "reply"), "expected a reply line such as \"550 5.1.1 No such user here\", found \"" + ov.reply_text + "\"");
            if (r->code < 200) ji::fail(ji::child(p, "reply"), "reply codes run from 200 to 599");
            ov.rule.reply = *r;
            times_and_window();
            s.overrides.push_back(std::move(ov));
        }
    }
    for (const auto& [domain, r] : s.mx)
        if (!hosts.count(r.host)) ji::fail("dns.mx." + domain, "no host \"" + r.host + "\" in this scenario");
    return s;
}

}  // namespace

const std::vector<SettingInfo>& server_settings() {
    static const std::vector<SettingInfo> v = [] {
        std::vector<SettingInfo> out;
        for (const auto& r : setting_rows()) out.push_back(r.info);
        return out;
    }();
    return v;
}

Result<Scenario> parse_scenario(std::string_view text, const std::string& file_name) {
    auto root = ji::parse(text, file_name);
    if (!root) return root.error();
    try {
        return read(*root);
    } catch (const InputError& e) {
        return Error{file_name + ": " + (e.where.empty() ? "(top level)" : e.where), e.what()};
    }
}

Result<Scenario> load_scenario(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    return parse_scenario(*text, path);
}

std::unique_ptr<agents::World> build_world(const Scenario& s, bool record) {
    auto w = std::make_unique<agents::World>(s.seed, s.start_epoch);
    w->trace().set_recording(record);
    w->trace().source.name = s.name;
    Network& net = w->network();
    net.set_default_latency(s.default_latency);
    net.set_connect_timeout(s.connect_timeout);
    if (!s.dns_host.empty()) w->add_dns_server(s.dns_host);
    w->dns().set_timeout(s.dns_timeout);
    for (const auto& [domain, r] : s.mx) w->dns().add_mx(domain, r.preference, r.host);
    for (auto c : s.servers) {
        for (const auto& o : s.overrides)
            if (o.server == c.host) c.overrides.push_back(o.rule);
        w->add_server(std::move(c));
    }
    for (const auto& a : s.agents) w->add_agent(a);
    for (const auto& l : s.links) {
        net.add_link(l.a, l.b, l.latency);
        w->trace().links.push_back({l.a, l.b, l.latency});
    }
    for (const auto& m : s.mails) w->schedule_mail(m);
    for (const auto& f : s.fetches) w->schedule_fetch(f);
    agents::World* world = w.get();
    for (const auto& f : s.faults) {
        auto apply = [world, f](bool begin) {
            std::string what = f.type == FaultSpec::Type::link_down ? f.a + " - " + f.b : f.host;
            world->emit(EventKind::fault, f.type == FaultSpec::Type::link_down ? f.a : f.host, to_string(f.type),
                        fmt::format("{} on {} {}", to_string(f.type), what, begin ? "begins" : "ends"),
                        begin ? "fault.begin" : "fault.end",
                        {{"type", std::string(to_string(f.type))}, {"target", what}, {"begin", begin}},
                        f.type == FaultSpec::Type::link_down ? std::string_view(f.b) : std::string_view{});
            Network& n = world->network();
            switch (f.type) {
                case FaultSpec::Type::host_down: n.set_host_up(f.host, !begin); break;
                case FaultSpec::Type::link_down: n.set_link_up(f.a, f.b, !begin); break;
                case FaultSpec::Type::service_down:
                    if (begin) {
                        for (std::uint16_t port : {25, 587, 110}) n.unlisten(f.host, port);
                    } else if (auto* srv = world->server(f.host)) {
                        srv->start();
                    }
                    break;
                case FaultSpec::Type::greeting_421: break;  // an override rule, below
            }
        };
        if (f.type == FaultSpec::Type::greeting_421) {
            if (auto* srv = w->server(f.host)) {
                agents::OverrideRule r;
                r.command = "CONNECT";
                r.reply = smtp::Reply(421, "4.3.2", f.host + " Service not available, closing transmission channel");
                r.from = f.from;
                r.until = f.until == 0 ? std::numeric_limits<SimTime>::max() : f.until;
                srv->config().overrides.push_back(r);
            }
        }
        w->scheduler().at(f.from, [apply] { apply(true); });
        if (f.until != 0) w->scheduler().at(f.until, [apply] { apply(false); });
    }
    return w;
}

}  // namespace mailsim::scenario
