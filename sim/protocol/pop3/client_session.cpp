// client_session.cpp — the user agent's POP3 conversation.
#include "protocol/pop3/client_session.hpp"

#include <charconv>

#include <fmt/format.h>

#include "codec/md5.hpp"
#include "protocol/catalog.hpp"

namespace mailsim::pop3 {

std::string_view Pop3ClientSession::state_name(State s) {
    static constexpr std::string_view names[] = {"Greeting", "User", "Pass", "Apop", "Stat", "List",
                                                 "Uidl",     "Retr", "Dele", "Quit", "Done"};
    static_assert(std::size(names) == static_cast<size_t>(State::Done) + 1);
    return names[static_cast<size_t>(s)];
}

Pop3ClientSession::Pop3ClientSession(Pop3ClientSettings settings) : settings_(std::move(settings)) {
    framer_.set_lf_ends_line(true);
}

void Pop3ClientSession::set_state(State s) { outbox_.change_state(state_, s); }

void Pop3ClientSession::send(std::string_view verb, std::string_view args) {
    protocol::Outgoing o;
    o.bytes = args.empty() ? fmt::format("{}\r\n", verb) : fmt::format("{} {}\r\n", verb, args);
    const catalog::CommandRow* row = catalog::find_command("pop3", verb);
    o.verb = row ? row->verb : std::string_view{};
    o.key = row ? row->key : std::string_view{};
    outbox_.send(std::move(o));
}

bool Pop3ClientSession::expects_multiline() const {
    return state_ == State::List || state_ == State::Uidl || state_ == State::Retr;
}

// scan-listing = msg SP size    unique-id-listing = msg SP unique-id (RFC 1939 §5, §7)
void Pop3ClientSession::take_listing(std::string_view body, bool uids) {
    size_t pos = 0;
    while (pos < body.size()) {
        size_t eol = body.find("\r\n", pos);
        std::string_view line = body.substr(pos, eol - pos);
        pos = eol == std::string_view::npos ? body.size() : eol + 2;
        size_t sp = line.find(' ');
        if (sp == std::string_view::npos) continue;
        size_t n = 0;
        std::from_chars(line.data(), line.data() + sp, n);
        std::string_view rest = line.substr(sp + 1);
        rest = rest.substr(0, rest.find(' '));  // a size may be followed by more (RFC 1939 §7: "should not")
        if (n == 0) continue;
        if (!uids) {
            size_t size = 0;
            std::from_chars(rest.data(), rest.data() + rest.size(), size);
            listed_.emplace_back(n, size);
            continue;
        }
        for (auto& t : todo_)
            if (t.first == n) t.second = std::string(rest);
    }
}

void Pop3ClientSession::receive(std::string_view bytes) {
    if (state_ == State::Done) return;
    while (state_ != State::Done) {
        auto line = framer_.next(bytes);
        if (!line) break;
        if (in_body_) {
            if (line->text == ".") {
                in_body_ = false;
                on_response(true, first_line_, std::move(body_));
                body_.clear();
            } else {
                body_.append(protocol::dot_unstuff(line->text)).append("\r\n");
            }
            continue;
        }
        std::string_view text = line->text;
        bool ok = text.rfind("+OK", 0) == 0;
        bool err = text.rfind("-ERR", 0) == 0;
        if (!ok && !err) {
            quit(false, fmt::format("not a POP3 response: \"{}\"", text.substr(0, 60)));
            continue;
        }
        std::string_view rest = text.substr(ok ? 3 : 4);
        if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (ok && expects_multiline()) {
            in_body_ = true;
            first_line_ = std::string(rest);
            continue;
        }
        on_response(ok, rest, {});
    }
}

void Pop3ClientSession::quit(bool ok, std::string error) {
    failed_ = !ok;
    error_ = std::move(error);
    send("QUIT", "");
    set_state(State::Quit);
}

void Pop3ClientSession::on_response(bool ok, std::string_view first, std::string body) {
    switch (state_) {
        case State::Greeting: {
            if (!ok) return quit(false, std::string(first));
            size_t lt = first.find('<'), gt = first.find('>', lt == std::string_view::npos ? 0 : lt);
            if (settings_.apop && lt != std::string_view::npos && gt != std::string_view::npos) {
                std::string stamp(first.substr(lt, gt - lt + 1));
                send("APOP", settings_.user + " " + codec::md5_hex(stamp + settings_.password));
                set_state(State::Apop);
            } else {
                send("USER", settings_.user);
                set_state(State::User);
            }
            return;
        }
        case State::User:
            if (!ok) return quit(false, std::string(first));
            send("PASS", settings_.password);
            set_state(State::Pass);
            return;
        case State::Pass:
        case State::Apop:
            if (!ok) return quit(false, std::string(first));
            send("STAT", "");
            set_state(State::Stat);
            return;
        case State::Stat:
            if (!ok) return quit(false, std::string(first));
            if (settings_.survey) {
                send("LIST", "");
                set_state(State::List);
                return;
            }
            send("UIDL", "");
            set_state(State::Uidl);
            return;
        case State::List:
            if (!ok) return quit(false, std::string(first));
            take_listing(body, false);
            for (const auto& [n, size] : listed_) {
                if (settings_.max_messages && todo_.size() == settings_.max_messages) break;
                todo_.emplace_back(n, std::to_string(n));  // the number, until UIDL names it
            }
            send("UIDL", "");
            set_state(State::Uidl);
            return;
        case State::Uidl: {
            if (settings_.survey) {  // UIDL is optional (RFC 1939 §7): without it the numbers stay
                if (ok) take_listing(body, true);
                next_ = 0;
                next_message();
                return;
            }
            if (!ok) return quit(false, std::string(first));
            // "n uid" lines: fetch what this agent has not seen
            size_t pos = 0;
            while (pos < body.size()) {
                size_t eol = body.find("\r\n", pos);
                std::string_view line = std::string_view(body).substr(pos, eol - pos);
                pos = eol == std::string::npos ? body.size() : eol + 2;
                size_t sp = line.find(' ');
                if (sp == std::string_view::npos) continue;
                size_t n = 0;
                std::from_chars(line.data(), line.data() + sp, n);
                std::string uid(line.substr(sp + 1));
                if (n > 0 && !settings_.seen.count(uid)) todo_.emplace_back(n, uid);
            }
            next_ = 0;
            next_message();
            return;
        }
        case State::Retr:
            if (ok) {
                settings_.seen.insert(todo_[next_].second);
                size_t size = 0;
                for (const auto& [n, s] : listed_)
                    if (n == todo_[next_].first) size = s;
                outbox_.report({SessionEvent::Type::retrieved, state_, state_, todo_[next_].second, std::move(body),
                                   true, {}, todo_[next_].first, size});
                if (settings_.mode == RetrievalMode::remove) {
                    send("DELE", std::to_string(todo_[next_].first));
                    set_state(State::Dele);
                    return;
                }
            }
            ++next_;
            next_message();
            return;
        case State::Dele:
            ++next_;
            next_message();
            return;
        case State::Quit:
            set_state(State::Done);
            close_ = true;
            outbox_.report({SessionEvent::Type::finished, state_, state_, {}, {}, !failed_, error_});
            return;
        case State::Done:
            return;
    }
}

void Pop3ClientSession::next_message() {
    if (next_ >= todo_.size()) return quit(true, {});
    send("RETR", std::to_string(todo_[next_].first));
    set_state(State::Retr);
}

}  // namespace mailsim::pop3
