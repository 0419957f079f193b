// client_session.cpp — the browser's side of webmail; see client_session.hpp.
#include "protocol/http/client_session.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/ascii.hpp"
#include "core/json_input.hpp"
#include "protocol/catalog.hpp"
#include "protocol/http/webmail.hpp"

namespace mailsim::http {

namespace {

using Type = HttpClientSession::SessionEvent::Type;

bool redirect(int status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }

// Location = URI-reference: a path, or an absolute URI whose path we keep.
std::string location_path(std::string_view loc) {
    for (std::string_view scheme : {"http://", "https://"})
        if (istarts_with(loc, scheme)) {
            loc.remove_prefix(scheme.size());
            size_t slash = loc.find('/');
            return slash == std::string_view::npos ? "/" : std::string(loc.substr(slash));
        }
    return loc.empty() || loc.front() != '/' ? "/" + std::string(loc) : std::string(loc);
}

// The objects a message page refers to: src="…" (images, always fetched by a
// browser) and href="…" (attachments, fetched when the user downloads them).
std::vector<std::string> part_links(std::string_view page, bool hrefs) {
    std::vector<std::string> urls;
    for (std::string_view attr : {"src=\"", "href=\""}) {
        if (attr == "href=\"" && !hrefs) continue;
        for (size_t pos = page.find(attr); pos != std::string_view::npos; pos = page.find(attr, pos + 1)) {
            size_t begin = pos + attr.size(), end = page.find('"', begin);
            if (end == std::string_view::npos) break;
            std::string url(page.substr(begin, end - begin));
            if (url.rfind("/message/", 0) == 0 && url.find("/part/") != std::string::npos &&
                std::find(urls.begin(), urls.end(), url) == urls.end())
                urls.push_back(url);
        }
    }
    return urls;
}

}  // namespace

std::string_view HttpClientSession::state_name(State s) {
    static constexpr std::string_view names[] = {"LoginPage", "Login",  "Inbox",    "InboxList", "Message",
                                                 "Object",    "Logout", "Scripted", "Done"};
    static_assert(std::size(names) == static_cast<size_t>(State::Done) + 1);
    return names[static_cast<size_t>(s)];
}

HttpClientSession::HttpClientSession(HttpClientSettings settings)
    : settings_(std::move(settings)), state_(settings_.requests.empty() ? State::LoginPage : State::Scripted) {}

void HttpClientSession::set_state(State s) { outbox_.change_state(state_, s); }

void HttpClientSession::send(std::string_view method, std::string target, std::string form, bool last) {
    Request r;
    r.method = std::string(method);
    r.target = target;
    r.fields.add("Host", settings_.host);
    r.fields.add("User-Agent", settings_.user_agent);
    r.fields.add("Accept", target.rfind("/api/", 0) == 0 ? "application/json" : "text/html, */*");
    if (!cookie_.empty()) r.fields.add("Cookie", cookie_);
    if (method == "POST") {
        r.fields.add("Content-Type", "application/x-www-form-urlencoded");
        r.fields.add("Content-Length", std::to_string(form.size()));
        r.body = form;
    }
    if (last) r.fields.add("Connection", "close");
    protocol::Outgoing o;
    o.bytes = write(r);
    if (const catalog::CommandRow* row = catalog::find_command("http", method); row && row->verb == method) {
        o.verb = row->verb;
        o.key = row->key;
    } else {
        o.key = "http.method.other";
    }
    outbox_.send(std::move(o));
    parser_.expect(method);
    method_ = r.method;
    target_ = std::move(target);
    form_ = std::move(form);
    last_ = last;
}

void HttpClientSession::start() {
    if (state_ == State::Scripted) {
        if (settings_.requests.empty()) return finish(true, {});
        on_script(Response{});  // sends the first entry
        return;
    }
    send("GET", "/");
}

void HttpClientSession::receive(std::string_view bytes) {
    if (state_ == State::Done) return;
    parser_.feed(bytes);
    while (state_ != State::Done) {
        auto resp = parser_.next();
        if (!resp) {
            if (const auto& f = parser_.failure()) finish(false, "not an HTTP response: " + f->why);
            return;
        }
        on_response(std::move(*resp));
    }
}

void HttpClientSession::peer_closed() {
    if (state_ == State::Done) return;
    if (auto resp = parser_.finish()) on_response(std::move(*resp));
    if (state_ != State::Done) finish(false, "the server closed the connection");
}

void HttpClientSession::on_response(Response resp) {
    SessionEvent e;
    e.type = Type::response;
    e.method = method_;
    e.target = target_;
    e.status = resp.status;
    if (const std::string* t = resp.fields.find("Content-Type")) e.content_type = *t;
    e.body_size = resp.body.size();
    outbox_.report(std::move(e));
    // Set-Cookie: session=…; Path=/ …  (RFC 6265 §4.1); Max-Age=0 or an empty value removes it.
    for (const auto& [name, value] : resp.fields.list) {
        if (!iequals(name, "Set-Cookie") || value.rfind("session=", 0) != 0) continue;
        std::string pair = value.substr(0, value.find(';'));
        cookie_ = pair == "session=" || icontains(value, "Max-Age=0") ? std::string() : pair;
    }
    bool closing = !resp.keep_alive();
    std::string answered = method_ + " " + target_;
    if (state_ == State::Scripted) on_script(resp);
    else on_plan(resp);
    if (closing && state_ != State::Done) {
        outbox_.drop_output();  // the next request cannot go on this connection
        finish(false, "the server closed the connection after " + answered);
    }
}

// A browser follows a redirect: 301, 302 and 303 with GET, 307 and 308 with
// the same method and body (RFC 9110 §15.4).
void HttpClientSession::on_script(const Response& resp) {
    const std::string* loc = resp.fields.find("Location");
    // Not after the last request, sent with "Connection: close": the connection ends there.
    if (!method_.empty() && !last_ && redirect(resp.status) && loc && redirects_ < settings_.max_redirects) {
        ++redirects_;
        bool same = resp.status == 307 || resp.status == 308;
        send(same ? method_ : "GET", location_path(*loc), same ? form_ : std::string());
        return;
    }
    redirects_ = 0;
    if (resp.status == 200 && method_ == "GET" && target_.rfind("/message/", 0) == 0 &&
        target_.find('/', 9) == std::string::npos) {
        SessionEvent e;
        e.type = Type::message_read;
        e.id = percent_decode(target_.substr(9)).value_or(target_.substr(9));
        e.page = resp.body;
        outbox_.report(std::move(e));
    }
    if (script_ >= settings_.requests.size()) return finish(true, {});
    std::string_view entry = settings_.requests[script_++];
    size_t sp = entry.find(' ');
    std::string method(entry.substr(0, sp));
    std::string_view rest = sp == std::string_view::npos ? "/" : entry.substr(sp + 1);
    size_t sp2 = rest.find(' ');
    std::string target(rest.substr(0, sp2));
    std::string form = sp2 == std::string_view::npos ? std::string() : std::string(rest.substr(sp2 + 1));
    send(method, target, method == "POST" ? form : std::string(), script_ >= settings_.requests.size());
}

void HttpClientSession::on_plan(const Response& resp) {
    auto fail = [&](std::string_view what) {
        finish(false, fmt::format("{} {} answered {} {}{}", method_, target_, resp.status, resp.reason,
                                  what.empty() ? "" : ": " + std::string(what)));
    };
    switch (state_) {
        case State::LoginPage:
            if (resp.status != 200) return fail("");
            set_state(State::Login);
            send("POST", "/login",
                 "user=" + percent_encode(settings_.user) + "&password=" + percent_encode(settings_.password));
            return;
        case State::Login: {
            const std::string* loc = resp.fields.find("Location");
            if (!redirect(resp.status) || !loc) return fail(resp.status == 401 ? "wrong user name or password" : "");
            if (cookie_.empty()) return fail("no session cookie");
            set_state(State::Inbox);
            send("GET", location_path(*loc));
            return;
        }
        case State::Inbox:
            if (resp.status != 200) return fail("");
            set_state(State::InboxList);
            send("GET", "/api/inbox");
            return;
        case State::InboxList: {
            if (resp.status != 200) return fail("");
            auto j = json_input::parse_or_discard(resp.body);  // a live server may nest it deep
            if (j.is_discarded() || !j.contains("messages") || !j["messages"].is_array())
                return fail("not the inbox as JSON");
            for (const auto& m : j["messages"])
                if (m.contains("id") && m["id"].is_string() && !settings_.seen.count(m["id"].get<std::string>()))
                    todo_.push_back(m["id"].get<std::string>());
            return next_message();
        }
        case State::Message: {
            if (resp.status != 200) return fail("");
            settings_.seen.insert(current_);
            SessionEvent e;
            e.type = Type::message_read;
            e.id = current_;
            e.page = resp.body;
            outbox_.report(std::move(e));
            for (auto& url : part_links(resp.body, settings_.download_attachments)) objects_.push_back(std::move(url));
            return next_object();
        }
        case State::Object:
            if (resp.status != 200) return fail("");
            return next_object();
        case State::Logout:
            return finish(true, {});
        case State::Scripted:
        case State::Done:
            return;
    }
}

void HttpClientSession::next_message() {
    if (todo_.empty()) {
        set_state(State::Logout);
        send("POST", "/logout", {}, true);
        return;
    }
    current_ = todo_.front();
    todo_.erase(todo_.begin());
    set_state(State::Message);
    send("GET", "/message/" + percent_encode(current_));
}

void HttpClientSession::next_object() {
    if (objects_.empty()) return next_message();
    std::string url = std::move(objects_.front());
    objects_.pop_front();
    set_state(State::Object);
    send("GET", std::move(url));
}

void HttpClientSession::finish(bool ok, std::string error) {
    if (state_ == State::Done) return;
    set_state(State::Done);
    close_ = true;
    SessionEvent e;
    e.type = Type::finished;
    e.ok = ok;
    e.error = std::move(error);
    outbox_.report(std::move(e));
}

}  // namespace mailsim::http
