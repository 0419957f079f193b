// server_session.cpp — the webmail's HTTP server: requests framed by
// message.cpp, routed by one table, one handler per route; one state,
// changed only by set_state().
#include "protocol/http/server_session.hpp"

#include <array>
#include <random>

#include <fmt/format.h>

#include "codec/encoded_word.hpp"
#include "codec/sha256.hpp"
#include "core/ascii.hpp"
#include "protocol/catalog.hpp"

namespace mailsim::http {

namespace {

using Args = std::vector<std::string>;

constexpr std::string_view kHtml = "text/html; charset=utf-8";
// RFC 8259 §11: application/json defines no charset parameter (it is UTF-8).
constexpr std::string_view kJson = "application/json";

// Methods this server knows: the first four it implements; for PUT, DELETE
// and PATCH a route answers 405. Any other method (CONNECT, TRACE, FROB) is
// 501: not implemented for any resource (RFC 9110 §15.6.2).
constexpr std::array<std::string_view, 7> kKnownMethods{"GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"};

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    path.remove_prefix(1);  // the leading '/'
    while (true) {
        size_t slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path = path.substr(slash + 1);
    }
    return out;
}

// Whether `path` fits `pattern` ("/message/*/part/*"), each '*' one
// non-empty segment, collected still percent-encoded.
bool match(std::string_view pattern, std::string_view path, std::vector<std::string_view>* args) {
    auto ps = segments(pattern), ss = segments(path);
    if (ps.size() != ss.size()) return false;
    args->clear();
    for (size_t i = 0; i < ps.size(); ++i) {
        if (ps[i] == "*") {
            if (ss[i].empty()) return false;
            args->push_back(ss[i]);
        } else if (ps[i] != ss[i]) {
            return false;
        }
    }
    return true;
}

// request-target = origin-form / absolute-form / authority-form / asterisk-form   (RFC 9112 §3.2)
// origin-form    = absolute-path [ "?" query ]
// Returns the absolute-path, "*" for asterisk-form, or nullopt.
std::optional<std::string_view> path_of(std::string_view target) {
    if (target == "*") return target;
    for (std::string_view scheme : {"http://", "https://"})
        if (istarts_with(target, scheme)) {  // absolute-form: what a proxy is sent; servers accept it too
            target.remove_prefix(scheme.size());
            size_t slash = target.find('/');
            target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
        }
    if (target.empty() || target.front() != '/') return std::nullopt;
    return target.substr(0, target.find_first_of("?#"));
}

std::string_view method_row(std::string_view method) {
    for (auto m : kKnownMethods)
        if (m == method) return m;
    return {};
}

void set_body(Response& r, std::string_view type, std::string body) {
    r.fields.add("Content-Type", std::string(type));
    r.body = std::move(body);
}

// If-None-Match = "*" / #entity-tag, compared weakly (RFC 9110 §13.1.2).
bool none_match(const Request& req, std::string_view etag) {
    const std::string* v = req.fields.find("If-None-Match");
    if (!v) return false;
    std::string_view rest = *v;
    while (!rest.empty()) {
        size_t comma = rest.find(',');
        std::string_view tag = rest.substr(0, comma);
        while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
        while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
        if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
        if (tag == "*" || tag == etag) return true;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return false;
}

// Content-Disposition: inline; filename="a.png", or filename*=UTF-8''… when
// the name is not ASCII (RFC 6266 §4.3, RFC 8187).
std::string disposition(const message::Part& p, std::string_view filename) {
    std::string d = p.disposition == "attachment" ? "attachment" : "inline";
    if (filename.empty()) return d;
    if (has_8bit(filename)) return d + "; filename*=UTF-8''" + percent_encode(filename);
    std::string quoted;
    for (char c : filename) {
        if (c == '"' || c == '\\') quoted += '\\';
        if (static_cast<unsigned char>(c) >= 32) quoted += c;
    }
    return d + "; filename=\"" + quoted + "\"";
}

}  // namespace

const HttpServerSession::Route HttpServerSession::kRoutes[] = {
    {"GET", "/", &HttpServerSession::on_login_page, false, false},
    {"POST", "/login", &HttpServerSession::on_login, false, false},
    {"POST", "/logout", &HttpServerSession::on_logout, false, false},
    {"GET", "/inbox", &HttpServerSession::on_inbox, true, false},
    {"GET", "/api/inbox", &HttpServerSession::on_api_inbox, true, true},
    {"GET", "/message/*", &HttpServerSession::on_message, true, false},
    {"GET", "/api/message/*", &HttpServerSession::on_api_message, true, true},
    {"GET", "/message/*/part/*", &HttpServerSession::on_part, true, false},
    {"GET", "/message/*/raw", &HttpServerSession::on_raw, true, false},
    {"POST", "/message/*/delete", &HttpServerSession::on_delete, true, false},
};

std::string_view HttpServerSession::state_name(State s) {
    static constexpr std::string_view names[] = {"RequestLine", "FieldLines", "MessageBody", "Closed"};
    static_assert(std::size(names) == static_cast<size_t>(State::Closed) + 1);
    return names[static_cast<size_t>(s)];
}

HttpServerSession::HttpServerSession(HttpSettings settings, WebmailBackend& backend)
    : settings_(std::move(settings)),
      backend_(backend),
      parser_(ParserLimits{settings_.request_line_limit, settings_.field_section_limit, settings_.body_limit}) {}

void HttpServerSession::set_state(State s) { outbox_.change_state(state_, s); }

// The session's state is the part of the request the parser is reading.
void HttpServerSession::mirror_stages() {
    for (Stage st : parser_.take_stages()) {
        if (st == Stage::StartLine) set_state(State::RequestLine);
        else if (st == Stage::FieldLines) set_state(State::FieldLines);
        else if (st == Stage::MessageBody) set_state(State::MessageBody);
    }
}

std::string random_cookie_secret() {
    std::random_device device;
    std::string bytes;
    for (int i = 0; i < 8; ++i) {
        const std::uint32_t v = device();
        bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    return codec::sha256_hex(bytes);
}

std::string HttpServerSession::session_token(std::string_view user) const {
    std::string mac = codec::sha256_hex(settings_.cookie_secret + "\n" + std::string(user)).substr(0, 32);
    return percent_encode(user) + "." + mac;
}

// Cookie: name=value *( ";" SP name=value )   (RFC 6265 §4.2.1)
std::optional<std::string> HttpServerSession::logged_in_user(const Request& req) const {
    for (const auto& [name, value] : req.fields.list) {
        if (!iequals(name, "Cookie")) continue;
        std::string_view rest = value;
        while (!rest.empty()) {
            size_t semi = rest.find(';');
            std::string_view pair = rest.substr(0, semi);
            while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            if (pair.substr(0, 8) != "session=") continue;
            std::string_view token = pair.substr(8);
            size_t dot = token.rfind('.');
            if (dot == std::string_view::npos) continue;
            auto user = percent_decode(token.substr(0, dot));
            if (user && session_token(*user) == token) return user;
        }
    }
    return std::nullopt;
}

void HttpServerSession::receive(std::string_view bytes) {
    if (close_) return;
    parser_.feed(bytes);
    while (!close_) {
        auto req = parser_.next();
        mirror_stages();
        if (!req) {
            if (const auto& f = parser_.failure()) {
                Response r;
                status(r, f->status, f->why);
                respond(nullptr, r);
            }
            break;
        }
        on_request(*req);
    }
}

void HttpServerSession::status(Response& resp, int code, std::string_view text) {
    resp.status = code;
    resp.reason = std::string(reason_phrase(code));
    if (code != 204 && code != 304) set_body(resp, kHtml, simple_page(code, resp.reason, text));
}

void HttpServerSession::on_request(const Request& req) {
    Response resp;
    user_.clear();
    inbox_.clear();
    auto path = path_of(req.target);
    std::string_view method = method_row(req.method);
    if (req.minor >= 1 && req.fields.count("Host") != 1) {
        status(resp, 400, "an HTTP/1.1 request needs exactly one Host field (RFC 9112 §3.2)");
    } else if (method.empty() || method == "CONNECT" || method == "TRACE") {
        status(resp, 501, fmt::format("this server does not implement the {} method", req.method.substr(0, 40)));
    } else if (!path || (*path == "*" && method != "OPTIONS")) {
        status(resp, 400, "the request-target is not a path");
    } else if (auto o = backend_.override_for(method, *path)) {
        // A scenario rule: "503 Service Unavailable"
        int code = 0;
        for (size_t i = 0; i < 3 && i < o->size(); ++i)
            code = (*o)[i] >= '0' && (*o)[i] <= '9' ? code * 10 + ((*o)[i] - '0') : -1000;
        if (code < 100 || code > 599) code = 500;
        status(resp, code, "a rule of the scenario answers this request");
        if (o->size() > 4) resp.reason = o->substr(4);
        if (code == 503) resp.fields.add("Retry-After", "120");
    } else if (*path == "*") {  // OPTIONS *: what the server as a whole can do
        resp.status = 204;
        resp.reason = std::string(reason_phrase(204));
        resp.fields.add("Allow", "GET, HEAD, POST, OPTIONS");
    } else if (path->size() > 1 && path->back() == '/' && (method == "GET" || method == "HEAD")) {
        std::string_view p = *path;
        while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
        status(resp, 301, "the address has no trailing slash");
        resp.fields.add("Location", std::string(p));
    } else {
        std::string_view as = method == "HEAD" ? "GET" : method;
        const Route* route = nullptr;
        std::vector<std::string_view> raw_args;
        std::string allow;
        for (const auto& r : kRoutes) {
            std::vector<std::string_view> a;
            if (!match(r.pattern, *path, &a)) continue;
            allow += allow.empty() ? "" : ", ";
            allow += r.method == "GET" ? "GET, HEAD" : std::string(r.method);
            if (r.method == as) route = &r, raw_args = a;
        }
        Args args;
        bool bad_escape = false;
        for (auto a : raw_args) {
            auto d = percent_decode(a);
            bad_escape |= !d;
            args.push_back(d.value_or(""));
        }
        const std::string* origin = req.fields.find("Origin");
        const std::string* host = req.fields.find("Host");
        std::string self = "http://" + (host ? *host : settings_.hostname);
        if (allow.empty()) {
            status(resp, 404, "there is nothing at this address");
        } else if (method == "OPTIONS") {
            resp.status = 204;
            resp.reason = std::string(reason_phrase(204));
            resp.fields.add("Allow", allow + ", OPTIONS");
        } else if (!route) {
            status(resp, 405, fmt::format("{} is not allowed here; Allow lists what is", req.method));
            resp.fields.add("Allow", allow);
        } else if (bad_escape) {
            status(resp, 400, "a bad %-escape in the path");
        } else if (method == "POST" && origin && *origin != self && *origin != "https://" + self.substr(7)) {
            status(resp, 403, "a form on another site may not post here");
        } else if (method == "POST" && !req.fields.find("Content-Length")) {
            status(resp, 411, "a POST needs a Content-Length");
        } else if (auto user = logged_in_user(req); route->login && !user) {
            if (route->api) {
                status(resp, 401, "log in first: POST /login");
                resp.fields.add("WWW-Authenticate", "Form realm=\"webmail\", action=\"/login\"");
            } else {
                status(resp, 302, "log in first");
                resp.fields.add("Location", "/");
            }
        } else {
            try {
                if (user) user_ = *user;
                if (route->login) inbox_ = backend_.inbox(user_);
                (this->*(route->handler))(req, args, resp);
            } catch (const std::exception&) {
                resp = {};
                status(resp, 500, "the server failed while answering");
            }
        }
    }
    respond(&req, resp);
}

// Adds the fields every response has and queues it; closes when the
// request (or its absence) says so.
void HttpServerSession::respond(const Request* req, Response& resp) {
    if (resp.reason.empty()) resp.reason = std::string(reason_phrase(resp.status));
    bool keep = req && req->keep_alive();
    Fields f;
    f.add("Date", imf_fixdate(backend_.now()));
    f.add("Server", settings_.server);
    for (auto& field : resp.fields.list) f.list.push_back(std::move(field));
    // RFC 9110 §8.6: no Content-Length in a 204; a 304 sends none here, as its body is the cached one.
    if (resp.status != 204 && resp.status != 304) f.add("Content-Length", std::to_string(resp.body.size()));
    if (!keep) f.add("Connection", "close");
    else if (req->minor == 0) f.add("Connection", "keep-alive");
    resp.fields = std::move(f);
    if ((req && req->method == "HEAD") || resp.status == 204 || resp.status == 304) resp.body.clear();

    protocol::Outgoing o;
    o.bytes = write(resp);
    const StatusLabel label = status_label(resp.status);
    o.verb = label.verb;
    o.key = label.key;
    outbox_.send(std::move(o));
    SessionEvent e{SessionEvent::Type::request, state_, state_, req ? req->method : "", req ? req->target : "",
                   resp.status};
    outbox_.report(std::move(e));
    if (!keep) {
        close_ = true;
        set_state(State::Closed);
    }
}

const InboxMessage* HttpServerSession::find_message(const std::string& id) {
    for (const auto& m : inbox_)
        if (m.id == id) return &m;
    return nullptr;
}

void HttpServerSession::on_login_page(const Request&, const Args&, Response& resp) {
    set_body(resp, kHtml, login_page(""));
}

// POST /login with user=…&password=… (application/x-www-form-urlencoded)
void HttpServerSession::on_login(const Request& req, const Args&, Response& resp) {
    const std::string* type = req.fields.find("Content-Type");
    std::string_view t = type ? std::string_view(*type) : std::string_view{};
    t = t.substr(0, t.find(';'));
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (!iequals(t, "application/x-www-form-urlencoded"))
        return status(resp, 415, "the login form is sent as application/x-www-form-urlencoded");
    auto form = parse_form(req.body);
    const std::string& user = form["user"];
    if (user.empty() || !backend_.check_login(user, form["password"])) {
        resp.status = 401;
        // RFC 9110 §11.6.1: a 401 carries a challenge; a form login has no
        // registered scheme, so this one names the form.
        resp.fields.add("WWW-Authenticate", "Form realm=\"webmail\", action=\"/login\"");
        return set_body(resp, kHtml, login_page("Wrong user name or password."));
    }
    status(resp, 303, "logged in: see /inbox");
    resp.fields.add("Location", "/inbox");
    resp.fields.add("Set-Cookie", "session=" + session_token(user) + "; Path=/; HttpOnly; SameSite=Strict");
}

void HttpServerSession::on_logout(const Request&, const Args&, Response& resp) {
    status(resp, 303, "logged out");
    resp.fields.add("Location", "/");
    resp.fields.add("Set-Cookie", "session=; Path=/; Max-Age=0");
}

void HttpServerSession::on_inbox(const Request&, const Args&, Response& resp) {
    std::vector<InboxRow> rows;
    for (const auto& m : inbox_) rows.push_back(inbox_row(m));
    set_body(resp, kHtml, inbox_page(user_, rows));
}

void HttpServerSession::on_api_inbox(const Request&, const Args&, Response& resp) {
    std::vector<InboxRow> rows;
    for (const auto& m : inbox_) rows.push_back(inbox_row(m));
    set_body(resp, kJson, inbox_json(user_, rows));
}

// Opening a message reads it: marking it \Seen is the one side effect a
// webmail's GET is allowed (RFC 9110 §9.2.1 calls it incidental).
void HttpServerSession::on_message(const Request& req, const Args& args, Response& resp) {
    const InboxMessage* m = find_message(args[0]);
    if (!m) return status(resp, 404, "no such message");
    if (!m->seen && req.method == "GET") backend_.mark_seen(user_, m->id);
    set_body(resp, kHtml, message_page(m->id, open_message(*m->content)));
}

void HttpServerSession::on_api_message(const Request& req, const Args& args, Response& resp) {
    const InboxMessage* m = find_message(args[0]);
    if (!m) return status(resp, 404, "no such message");
    if (!m->seen && req.method == "GET") backend_.mark_seen(user_, m->id);
    set_body(resp, kJson, message_json(m->id, open_message(*m->content)));
}

// One object: the part's bytes with its transfer encoding undone, sent as
// what it is (image/png), not as text inside the page.
void HttpServerSession::on_part(const Request& req, const Args& args, Response& resp) {
    const InboxMessage* m = find_message(args[0]);
    if (!m) return status(resp, 404, "no such message");
    message::Message mime = message::parse(*m->content);
    const message::Part* p = find_part(*mime.root, args[1]);
    if (!p) return status(resp, 404, fmt::format("message {} has no part {}", m->id, args[1].substr(0, 20)));
    std::string etag = "\"" + percent_encode(m->id) + "-" + args[1] + "\"";
    resp.fields.add("ETag", etag);
    if (none_match(req, etag)) return status(resp, 304);
    std::string type = p->content_type.full();
    if (p->content_type.type == "text") type += "; charset=" + p->charset;
    resp.fields.add("Content-Disposition", disposition(*p, codec::decode_words(p->filename)));
    set_body(resp, type, message::decoded_body(mime, *p));
}

void HttpServerSession::on_raw(const Request& req, const Args& args, Response& resp) {
    const InboxMessage* m = find_message(args[0]);
    if (!m) return status(resp, 404, "no such message");
    std::string etag = "\"" + percent_encode(m->id) + "-raw\"";
    resp.fields.add("ETag", etag);
    if (none_match(req, etag)) return status(resp, 304);
    set_body(resp, "message/rfc822", *m->content);
}

void HttpServerSession::on_delete(const Request&, const Args& args, Response& resp) {
    const InboxMessage* m = find_message(args[0]);
    if (!m) return status(resp, 404, "no such message");
    backend_.remove(user_, m->id);
    status(resp, 303, "deleted: see /inbox");
    resp.fields.add("Location", "/inbox");
}

}  // namespace mailsim::http
