// fetch.cpp — FETCH items, ENVELOPE, BODYSTRUCTURE and sections; see fetch.hpp.
#include "protocol/imap/fetch.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace mailsim::imap {

namespace {

using message::Message;
using message::Part;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string literal(std::string_view s) { return fmt::format("{{{}}}\r\n{}", s.size(), s); }

std::string nstring(const message::HeaderField* f) { return f ? quote_string(f->value) : "NIL"; }

std::string_view span_of(const Message& m, size_t begin, size_t end) {
    return std::string_view(m.raw).substr(begin, end - begin);
}

// ---------------------------------------------------------------------------
// Addresses, RFC 5322 §3.4, as far as ENVELOPE needs them:
//   address = mailbox / group       mailbox = name-addr / addr-spec
//   name-addr = [display-name] "<" addr-spec ">"     group = display-name ":" [mailbox-list] ";"

std::string unquote(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
        std::string out;
        for (size_t i = 1; i + 1 < s.size(); ++i) {
            if (s[i] == '\\' && i + 2 < s.size()) ++i;
            out += s[i];
        }
        return out;
    }
    return std::string(s);
}

// address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"
std::string one_address(std::string_view item) {
    item = trim(item);
    std::string name, spec;
    size_t lt = std::string_view::npos;
    bool quoted = false;
    for (size_t i = 0; i < item.size(); ++i) {
        if (item[i] == '"' && (i == 0 || item[i - 1] != '\\')) quoted = !quoted;
        if (item[i] == '<' && !quoted) {
            lt = i;
            break;
        }
    }
    if (lt != std::string_view::npos) {
        name = unquote(item.substr(0, lt));
        size_t gt = item.find('>', lt);
        spec = std::string(trim(item.substr(lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1)));
    } else {
        spec = std::string(item);
    }
    size_t at = spec.rfind('@');
    std::string mailbox = at == std::string::npos ? spec : spec.substr(0, at);
    std::string host = at == std::string::npos ? "" : spec.substr(at + 1);
    return fmt::format("({} NIL {} {})", name.empty() ? "NIL" : quote_string(name), quote_string(mailbox),
                       quote_string(host));
}

// env-from etc. = "(" 1*address ")" / nil. A group becomes (NIL NIL "name" NIL)
// ... (NIL NIL NIL NIL), as §7.4.2 says.
std::string address_list(const message::HeaderField* f) {
    if (!f || trim(f->value).empty()) return "NIL";
    std::string out;
    std::string_view v = f->value;
    std::string item;
    bool quoted = false, in_group = false;
    int angle = 0, comment = 0;
    auto flush = [&] {
        if (!trim(item).empty()) out += one_address(item);
        item.clear();
    };
    for (size_t i = 0; i < v.size(); ++i) {
        char c = v[i];
        if (comment) {  // comments are dropped
            if (c == '(') ++comment;
            else if (c == ')') --comment;
            continue;
        }
        if (c == '"' && (i == 0 || v[i - 1] != '\\')) quoted = !quoted;
        if (!quoted) {
            if (c == '(') {
                ++comment;
                continue;
            }
            if (c == '<') ++angle;
            if (c == '>' && angle) --angle;
            if (!angle && c == ',') {
                flush();
                continue;
            }
            if (!angle && c == ':' && !in_group) {
                out += fmt::format("(NIL NIL {} NIL)", quote_string(unquote(item)));
                item.clear();
                in_group = true;
                continue;
            }
            if (!angle && c == ';' && in_group) {
                flush();
                out += "(NIL NIL NIL NIL)";
                in_group = false;
                continue;
            }
        }
        item += c;
    }
    flush();
    if (in_group) out += "(NIL NIL NIL NIL)";
    return out.empty() ? "NIL" : "(" + out + ")";
}

// body-fld-param = "(" string SP string *(SP string SP string) ")" / nil
std::string params(const std::map<std::string, std::string>& p) {
    if (p.empty()) return "NIL";
    std::string out = "(";
    for (const auto& [k, v] : p) {
        if (out.size() > 1) out += ' ';
        out += quote_string(to_upper(k)) + " " + quote_string(v);
    }
    return out + ")";
}

size_t line_count(std::string_view body) {
    size_t n = 0;
    for (char c : body) n += c == '\n';
    if (!body.empty() && body.back() != '\n') ++n;
    return n;
}

// body-fld-dsp = "(" string SP body-fld-param ")" / nil
std::string disposition(const Part& p) {
    const auto* cd = p.header("Content-Disposition");
    if (!cd || p.disposition.empty()) return "NIL";
    return fmt::format("({} {})", quote_string(to_upper(p.disposition)), params(message::parse_parameters(cd->value)));
}

// The message a section's HEADER / TEXT refers to: the root, or the
// message inside a message/rfc822 part.
const Part* as_message(const Part* p, bool top) {
    if (top) return p;
    if (p->content_type.full() == "message/rfc822" && !p->children.empty()) return p->children.front().get();
    return nullptr;
}

// section-part = nz-number *("." nz-number)
const Part* resolve(const Part& root, const std::vector<std::uint32_t>& path) {
    const Part* p = &root;
    for (size_t i = 0; i < path.size(); ++i) {
        if (i > 0) {  // descending below a part: only a multipart or an rfc822 message has inner parts
            if (p->content_type.full() == "message/rfc822" && !p->children.empty()) p = p->children.front().get();
            else if (p->content_type.type != "multipart") return nullptr;
        }
        std::uint32_t n = path[i];
        if (p->content_type.type == "multipart") {
            if (n == 0 || n > p->children.size()) return nullptr;
            p = p->children[n - 1].get();
        } else if (n != 1) {
            return nullptr;
        }
    }
    return p;
}

std::string section_label(const FetchItem& it) {
    std::string spec;
    for (auto n : it.part) spec += (spec.empty() ? "" : ".") + std::to_string(n);
    if (!it.text.empty()) spec += (spec.empty() ? "" : ".") + it.text;
    if (!it.fields.empty()) {
        spec += " (";
        for (size_t i = 0; i < it.fields.size(); ++i) spec += (i ? " " : "") + it.fields[i];
        spec += ")";
    }
    std::string label = "BODY[" + spec + "]";
    if (it.origin) label += fmt::format("<{}>", *it.origin);
    return label;
}

}  // namespace

bool FetchItem::sets_seen() const {
    return !peek && (kind == Kind::section || kind == Kind::rfc822 || kind == Kind::rfc822_text);
}

// fetch-att = "ENVELOPE" / "FLAGS" / "INTERNALDATE" / "RFC822" [".HEADER" / ".SIZE" / ".TEXT"] /
//             "BODY" ["STRUCTURE"] / "UID" / "BODY" section ["<" number "." nz-number ">"] /
//             "BODY.PEEK" section ["<" number "." nz-number ">"]
// section = "[" [section-spec] "]"
// section-spec = section-msgtext / (section-part ["." section-text])
// section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
// section-text = section-msgtext / "MIME"
// header-list = "(" header-fld-name *(SP header-fld-name) ")"
std::optional<std::vector<FetchItem>> parse_fetch_items(Args& a, std::string* error) {
    using K = FetchItem::Kind;
    std::vector<FetchItem> items;
    auto fail = [&](std::string why) -> std::optional<std::vector<FetchItem>> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    bool parens = a.eat('(');
    for (;;) {
        std::string name = to_upper(a.take_until(" ()[<"));
        if (name.empty()) return fail("a FETCH data item is missing");
        if (!parens && (name == "ALL" || name == "FAST" || name == "FULL")) {
            items.push_back(FetchItem::of(K::flags));
            items.push_back(FetchItem::of(K::internaldate));
            items.push_back(FetchItem::of(K::rfc822_size));
            if (name != "FAST") items.push_back(FetchItem::of(K::envelope));
            if (name == "FULL") items.push_back(FetchItem::of(K::body));
        } else if (name == "UID") items.push_back(FetchItem::of(K::uid));
        else if (name == "FLAGS") items.push_back(FetchItem::of(K::flags));
        else if (name == "INTERNALDATE") items.push_back(FetchItem::of(K::internaldate));
        else if (name == "RFC822.SIZE") items.push_back(FetchItem::of(K::rfc822_size));
        else if (name == "RFC822") items.push_back(FetchItem::of(K::rfc822));
        else if (name == "RFC822.HEADER") items.push_back(FetchItem::of(K::rfc822_header));
        else if (name == "RFC822.TEXT") items.push_back(FetchItem::of(K::rfc822_text));
        else if (name == "ENVELOPE") items.push_back(FetchItem::of(K::envelope));
        else if (name == "BODYSTRUCTURE") items.push_back(FetchItem::of(K::bodystructure));
        else if ((name == "BODY" || name == "BODY.PEEK") && a.eat('[')) {
            FetchItem it;
            it.kind = K::section;
            it.peek = name == "BODY.PEEK";
            std::string spec = to_upper(a.take_until("] ("));
            std::string_view s = spec;
            while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
                size_t dot = s.find('.');
                std::string_view num = s.substr(0, dot);
                std::uint32_t n = 0;
                auto r = std::from_chars(num.data(), num.data() + num.size(), n);
                if (r.ec != std::errc{} || r.ptr != num.data() + num.size() || n == 0)
                    return fail("a section part number must be 1, 2, 3...");
                it.part.push_back(n);
                s = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
            }
            it.text = std::string(s);
            bool fields = it.text == "HEADER.FIELDS" || it.text == "HEADER.FIELDS.NOT";
            if (!(it.text.empty() || it.text == "HEADER" || it.text == "TEXT" || fields ||
                  (it.text == "MIME" && !it.part.empty())))
                return fail(fmt::format("unknown section \"{}\"", it.text.substr(0, 30)));
            if (fields) {
                if (!a.space() || !a.eat('(')) return fail("HEADER.FIELDS needs a list of field names");
                while (!a.eat(')')) {
                    if (!it.fields.empty() && !a.space()) return fail("bad header field list");
                    auto f = a.astring();
                    if (!f) return fail("bad header field list");
                    it.fields.push_back(to_upper(*f));
                }
                if (it.fields.empty()) return fail("HEADER.FIELDS needs at least one field name");
            }
            if (!a.eat(']')) return fail("a section must end with ]");
            if (a.eat('<')) {
                auto origin = a.number();
                auto count = a.eat('.') ? a.number() : std::nullopt;
                if (!origin || !count || *count == 0 || !a.eat('>')) return fail("a partial range is <origin.count>");
                it.origin = *origin;
                it.count = *count;
            }
            items.push_back(std::move(it));
        } else if (name == "BODY") items.push_back(FetchItem::of(K::body));
        else return fail(fmt::format("unknown FETCH data item \"{}\"", name.substr(0, 30)));
        if (!parens) break;
        if (a.eat(')')) break;
        if (!a.space()) return fail("FETCH data items are separated by spaces");
    }
    if (!a.done()) return fail("unexpected text after the FETCH data items");
    return items;
}

// envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP
//            env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"
std::string envelope(const Message&, const Part& root) {
    const auto* from = root.header("From");
    const auto* sender = root.header("Sender");
    const auto* reply_to = root.header("Reply-To");
    // §7.4.2: a missing Sender or Reply-To is the From.
    return fmt::format("({} {} {} {} {} {} {} {} {} {})", nstring(root.header("Date")), nstring(root.header("Subject")),
                       address_list(from), address_list(sender ? sender : from),
                       address_list(reply_to ? reply_to : from), address_list(root.header("To")),
                       address_list(root.header("Cc")), address_list(root.header("Bcc")),
                       nstring(root.header("In-Reply-To")), nstring(root.header("Message-ID")));
}

// body = "(" (body-type-1part / body-type-mpart) ")"
// body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]
// body-type-text  = media-text SP body-fields SP body-fld-lines
// body-type-msg   = media-message SP body-fields SP envelope SP body SP body-fld-lines
// body-fields     = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets
// body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
// body-ext-1part  = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
// body-ext-mpart  = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
std::string body_structure(const Message& m, const Part& p, bool extensible) {
    const auto& ct = p.content_type;
    if (ct.type == "multipart") {
        std::string out = "(";
        for (const auto& child : p.children) out += body_structure(m, *child, extensible);
        if (p.children.empty()) out += R"(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0))";  // §7.4.2 needs 1*body
        out += " " + quote_string(to_upper(ct.subtype));
        if (extensible)
            out += fmt::format(" {} {} {} {}", params(ct.params), disposition(p), nstring(p.header("Content-Language")),
                               nstring(p.header("Content-Location")));
        return out + ")";
    }
    auto prm = ct.params;
    if (ct.type == "text" && !prm.count("charset")) prm["charset"] = "us-ascii";
    std::string_view body = span_of(m, p.body_span.begin, p.body_span.end);
    std::string out = fmt::format("({} {} {} {} {} {} {}", quote_string(to_upper(ct.type)), quote_string(to_upper(ct.subtype)),
                                  params(prm), nstring(p.header("Content-ID")), nstring(p.header("Content-Description")),
                                  quote_string(to_upper(p.transfer_encoding)), body.size());
    if (ct.full() == "message/rfc822" && !p.children.empty())
        out += fmt::format(" {} {} {}", envelope(m, *p.children.front()), body_structure(m, *p.children.front(), extensible),
                           line_count(body));
    else if (ct.type == "text")
        out += fmt::format(" {}", line_count(body));
    if (extensible)
        out += fmt::format(" {} {} {} {}", nstring(p.header("Content-MD5")), disposition(p),
                           nstring(p.header("Content-Language")), nstring(p.header("Content-Location")));
    return out + ")";
}

std::optional<std::string> section_octets(const Message& m, const FetchItem& it) {
    const Part* p = resolve(*m.root, it.part);
    if (!p) return std::nullopt;
    if (it.text.empty()) {
        if (it.part.empty()) return m.raw;
        return std::string(span_of(m, p->body_span.begin, p->body_span.end));
    }
    if (it.text == "MIME") return std::string(span_of(m, p->header_span.begin, p->body_span.begin));
    const Part* msg = as_message(p, it.part.empty());
    if (!msg) return std::nullopt;
    if (it.text == "TEXT") return std::string(span_of(m, msg->body_span.begin, msg->body_span.end));
    if (it.text == "HEADER") return std::string(span_of(m, msg->header_span.begin, msg->body_span.begin));
    bool want = it.text == "HEADER.FIELDS";
    std::string out;
    for (const auto& h : msg->headers) {
        bool listed = false;
        for (const auto& f : it.fields) listed = listed || iequals(f, h.name);
        if (listed == want) out.append(span_of(m, h.span.begin, h.span.end));
    }
    return out + "\r\n";  // the blank line that ends a header
}

std::string fetch_data(const FetchSource& src, const std::vector<FetchItem>& items, size_t* octets) {
    using K = FetchItem::Kind;
    std::optional<Message> parsed;
    auto msg = [&]() -> const Message& {
        if (!parsed) parsed = message::parse(*src.content);
        return *parsed;
    };
    std::vector<std::string> out;
    size_t carried = 0;
    auto add_octets = [&](std::string label, std::string_view data) {
        carried += data.size();
        out.push_back(label + " " + literal(data));
    };
    for (const auto& it : items) {
        switch (it.kind) {
            case K::uid: out.push_back(fmt::format("UID {}", src.uid)); break;
            case K::flags: out.push_back("FLAGS " + flag_list(*src.flags)); break;
            case K::internaldate: out.push_back("INTERNALDATE \"" + format_date_time(src.internaldate) + "\""); break;
            case K::rfc822_size: out.push_back(fmt::format("RFC822.SIZE {}", src.content->size())); break;
            case K::rfc822: add_octets("RFC822", *src.content); break;
            case K::rfc822_header:
                add_octets("RFC822.HEADER",
                           span_of(msg(), msg().root->header_span.begin, msg().root->body_span.begin));
                break;
            case K::rfc822_text:
                add_octets("RFC822.TEXT", span_of(msg(), msg().root->body_span.begin, msg().root->body_span.end));
                break;
            case K::envelope: out.push_back("ENVELOPE " + envelope(msg(), *msg().root)); break;
            case K::body: out.push_back("BODY " + body_structure(msg(), *msg().root, false)); break;
            case K::bodystructure: out.push_back("BODYSTRUCTURE " + body_structure(msg(), *msg().root, true)); break;
            case K::section: {
                // A part that does not exist is empty (as Dovecot and Cyrus answer), not an error.
                std::string data = it.part.empty() && it.text.empty() ? *src.content
                                                                      : section_octets(msg(), it).value_or("");
                std::string_view view = data;
                if (it.origin) view = *it.origin >= view.size() ? std::string_view{} : view.substr(*it.origin, it.count);
                add_octets(section_label(it), view);
                break;
            }
        }
    }
    if (octets) *octets = carried;
    std::string joined = "(";
    for (size_t i = 0; i < out.size(); ++i) joined += (i ? " " : "") + out[i];
    return joined + ")";
}

}  // namespace mailsim::imap
