// webmail.cpp — opening a message for the browser, and the pages; see webmail.hpp.
#include "protocol/http/webmail.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "codec/charset.hpp"
#include "codec/encoded_word.hpp"
#include "core/ascii.hpp"
#include "protocol/http/message.hpp"

namespace mailsim::http {

namespace {

std::string header_text(const message::Part& root, std::string_view name) {
    const message::HeaderField* f = root.header(name);
    return f ? codec::decode_words(f->value) : std::string();
}

bool is_multipart(const message::Part& p) { return p.content_type.type == "multipart"; }

// Walks the leaves in order, numbering them, choosing the text to show and
// listing the rest as objects.
void walk(OpenedMessage& om, const message::Part& p, const std::string& number) {
    if (is_multipart(p)) {
        bool alternative = p.content_type.subtype == "alternative";
        std::string shown_before = om.text_number;
        for (size_t i = 0; i < p.children.size(); ++i) {
            std::string n = number.empty() ? std::to_string(i + 1) : number + "." + std::to_string(i + 1);
            // In multipart/alternative the parts say the same thing: once one
            // is shown, the others are not objects of the page.
            if (alternative && om.text_number != shown_before) {
                ++om.leaves;
                continue;
            }
            walk(om, *p.children[i], n);
        }
        return;
    }
    std::string n = number.empty() ? "1" : number;
    ++om.leaves;
    bool attachment = p.disposition == "attachment";
    if (om.text_number.empty() && p.content_type.full() == "text/plain" && !attachment) {
        om.text_number = n;
        om.text = text_as_utf8(om.mime, p);
        return;
    }
    ObjectRef o;
    o.number = n;
    o.content_type = p.content_type.full();
    o.filename = codec::decode_words(p.filename);
    o.image = p.content_type.type == "image" && !attachment;
    o.size = message::decoded_body(om.mime, p).size();
    om.objects.push_back(std::move(o));
}

std::string page(std::string_view title, std::string_view body) {
    return fmt::format(
        "<!DOCTYPE html>\r\n<html lang=\"en\">\r\n<head><meta charset=\"utf-8\"><title>{}</title></head>\r\n"
        "<body>\r\n{}</body>\r\n</html>\r\n",
        escape_html(title), body);
}

std::string json_text(const nlohmann::json& j) {
    // Bytes that are not UTF-8 (a header in raw 8-bit) become U+FFFD rather than an exception.
    return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string text_as_utf8(const message::Message& m, const message::Part& p) {
    std::string body = message::decoded_body(m, p);
    std::string cs = to_lower(p.charset);
    if (cs.empty() || cs == "us-ascii" || cs == "utf-8" || cs == "utf8") return body;
    auto utf8 = codec::convert_charset(body, cs, "UTF-8");
    return utf8 ? *utf8 : body;
}

OpenedMessage open_message(std::string raw) {
    OpenedMessage om;
    om.mime = message::parse(std::move(raw));
    const message::Part& root = *om.mime.root;
    om.from = header_text(root, "From");
    om.to = header_text(root, "To");
    om.cc = header_text(root, "Cc");
    om.subject = header_text(root, "Subject");
    om.date = header_text(root, "Date");
    walk(om, root, "");
    return om;
}

const message::Part* find_part(const message::Part& root, std::string_view number) {
    const message::Part* p = &root;
    bool top = true;
    while (!number.empty()) {
        size_t dot = number.find('.');
        std::string_view item = number.substr(0, dot);
        size_t n = 0;
        for (char c : item) {
            if (c < '0' || c > '9' || n > 10000) return nullptr;
            n = n * 10 + static_cast<size_t>(c - '0');
        }
        if (item.empty() || n == 0) return nullptr;
        if (is_multipart(*p)) {
            if (n > p->children.size()) return nullptr;
            p = p->children[n - 1].get();
        } else if (!(top && n == 1)) {  // a single-part message's body is part 1
            return nullptr;
        }
        top = false;
        number = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
    }
    return top || is_multipart(*p) ? nullptr : p;
}

std::string escape_html(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string percent_encode(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_' || c == '~';
        if (unreserved) out += static_cast<char>(c);
        else out += fmt::format("%{:02X}", c);
    }
    return out;
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        c = ascii_lower(c);
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+' && plus_is_space) {
            out += ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::map<std::string, std::string> parse_form(std::string_view body) {
    std::map<std::string, std::string> form;
    while (!body.empty()) {
        size_t amp = body.find('&');
        std::string_view pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        auto name = percent_decode(pair.substr(0, eq), true);
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (name && value && !form.count(*name)) form[*name] = *value;
    }
    return form;
}

InboxRow inbox_row(const InboxMessage& m) {
    OpenedMessage om = open_message(*m.content);
    InboxRow r;
    r.id = m.id;
    r.from = om.from;
    r.subject = om.subject;
    r.date = om.date.empty() ? imf_fixdate(m.arrived) : om.date;
    r.size = m.content->size();
    r.seen = m.seen;
    r.parts = om.leaves;
    return r;
}

std::string login_page(std::string_view error) {
    std::string body = "<h1>Webmail</h1>\r\n";
    if (!error.empty()) body += fmt::format("<p class=\"error\">{}</p>\r\n", escape_html(error));
    body +=
        "<form method=\"post\" action=\"/login\">\r\n"
        "<label>User <input name=\"user\"></label>\r\n"
        "<label>Password <input name=\"password\" type=\"password\"></label>\r\n"
        "<button>Log in</button>\r\n</form>\r\n";
    return page("Webmail - Log in", body);
}

std::string inbox_page(std::string_view user, const std::vector<InboxRow>& rows) {
    std::string body = fmt::format("<h1>Inbox of {}</h1>\r\n", escape_html(user));
    body += "<form method=\"post\" action=\"/logout\"><button>Log out</button></form>\r\n";
    if (rows.empty()) body += "<p>No messages.</p>\r\n";
    body += "<table>\r\n<tr><th>From</th><th>Subject</th><th>Date</th><th>Size</th><th></th></tr>\r\n";
    for (const auto& r : rows) {
        std::string url = "/message/" + percent_encode(r.id);
        std::string subject = escape_html(r.subject.empty() ? "(no subject)" : r.subject);
        if (!r.seen) subject = "<b>" + subject + "</b>";
        body += fmt::format(
            "<tr class=\"{}\"><td>{}</td><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td>"
            "<td><form method=\"post\" action=\"{}/delete\"><button>Delete</button></form></td></tr>\r\n",
            r.seen ? "seen" : "unseen", escape_html(r.from), url, subject, escape_html(r.date), r.size, url);
    }
    body += "</table>\r\n";
    return page("Webmail - Inbox", body);
}

std::string message_page(std::string_view id, const OpenedMessage& m) {
    std::string url = "/message/" + percent_encode(id);
    std::string body = fmt::format("<p><a href=\"/inbox\">Inbox</a></p>\r\n<h1>{}</h1>\r\n<dl>\r\n",
                                   escape_html(m.subject.empty() ? "(no subject)" : m.subject));
    auto row = [&](std::string_view name, const std::string& value) {
        if (!value.empty()) body += fmt::format("<dt>{}</dt><dd>{}</dd>\r\n", name, escape_html(value));
    };
    row("From", m.from);
    row("To", m.to);
    row("Cc", m.cc);
    row("Date", m.date);
    body += "</dl>\r\n";
    if (!m.text_number.empty()) body += fmt::format("<pre>{}</pre>\r\n", escape_html(m.text));
    for (const auto& o : m.objects) {
        std::string href = url + "/part/" + o.number;
        std::string name = o.filename.empty() ? "part " + o.number : o.filename;
        if (o.image)
            body += fmt::format("<p><img src=\"{}\" alt=\"{}\"></p>\r\n", href, escape_html(name));
        else
            body += fmt::format("<p><a href=\"{}\">{}</a> ({}, {} bytes)</p>\r\n", href, escape_html(name),
                                escape_html(o.content_type), o.size);
    }
    body += fmt::format(
        "<p><a href=\"{0}/raw\">Show original</a></p>\r\n"
        "<form method=\"post\" action=\"{0}/delete\"><button>Delete</button></form>\r\n",
        url);
    return page(m.subject.empty() ? "(no subject)" : m.subject, body);
}

std::string simple_page(int status, std::string_view reason, std::string_view text) {
    std::string title = fmt::format("{} {}", status, reason);
    return page(title, fmt::format("<h1>{}</h1>\r\n<p>{}</p>\r\n", escape_html(title), escape_html(text)));
}

std::string inbox_json(std::string_view user, const std::vector<InboxRow>& rows) {
    nlohmann::json j;
    j["user"] = std::string(user);
    j["messages"] = nlohmann::json::array();
    for (const auto& r : rows)
        j["messages"].push_back({{"id", r.id},
                                 {"from", r.from},
                                 {"subject", r.subject},
                                 {"date", r.date},
                                 {"size", r.size},
                                 {"seen", r.seen},
                                 {"parts", r.parts},
                                 {"url", "/message/" + percent_encode(r.id)}});
    return json_text(j);
}

std::string message_json(std::string_view id, const OpenedMessage& m) {
    std::string url = "/message/" + percent_encode(id);
    nlohmann::json j = {{"id", std::string(id)}, {"from", m.from}, {"to", m.to}, {"cc", m.cc},
                        {"subject", m.subject},  {"date", m.date}, {"text", m.text}};
    j["objects"] = nlohmann::json::array();
    for (const auto& o : m.objects)
        j["objects"].push_back({{"part", o.number},
                                {"type", o.content_type},
                                {"filename", o.filename},
                                {"inline", o.image},
                                {"size", o.size},
                                {"url", url + "/part/" + o.number}});
    return json_text(j);
}

}  // namespace mailsim::http
