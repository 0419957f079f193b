// smtp_receiver.cpp — recipient checks, overrides, storing and queueing.
#include "agents/smtp_receiver.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "agents/mail_server.hpp"
#include "agents/user_agent.hpp"
#include "agents/world.hpp"
#include "core/ascii.hpp"
#include "core/printable.hpp"
#include "core/str_cat.hpp"
#include "protocol/smtp/path.hpp"

namespace mailsim::agents {

namespace {

int count_received(const std::string& content) {
    int n = 0;
    size_t pos = 0;
    while (pos < content.size()) {
        size_t eol = content.find("\r\n", pos);
        if (eol == pos || eol == std::string::npos) break;  // end of header
        if (content.compare(pos, 9, "Received:") == 0 || content.compare(pos, 9, "received:") == 0) ++n;
        pos = eol + 2;
    }
    return n;
}

}  // namespace

SmtpReceiver::SmtpReceiver(MailServer& server, ConnectionId id, bool submission)
    : server_(server), id_(id), submission_(submission) {}

std::optional<smtp::Reply> SmtpReceiver::override_for(std::string_view command, std::string_view args) {
    SimTime now = server_.world().now();
    for (auto& rule : server_.config().overrides) {
        if (rule.protocol != "smtp" || !iequals(rule.command, command)) continue;
        if (now < rule.from || now >= rule.until) continue;
        if (rule.times > 0 && rule.used >= rule.times) continue;
        if (!rule.match.empty() && !icontains(args, rule.match)) continue;
        ++rule.used;
        server_.world().emit(EventKind::note, server_.host(), std::string(command), rule.reply.summary(),
                             "agent.override.applied",
                             {{"command", std::string(command)}, {"match", rule.match}, {"reply", rule.reply.summary()}},
                             server_.world().network().host_of(id_, Side::client), id_, "smtp");
        return rule.reply;
    }
    return std::nullopt;
}

smtp::Reply SmtpReceiver::check_sender(const smtp::Envelope&, const std::string& reverse_path) {
    const auto& cfg = server_.config();
    if (cfg.storage_limit > 0 && server_.mailboxes().total_bytes() >= cfg.storage_limit)
        return {452, "4.3.1", "Insufficient system storage"};
    return {250, "2.1.0", str_cat({"Sender <", reverse_path, "> OK"})};
}

smtp::Reply SmtpReceiver::check_recipient(const smtp::Envelope& env, const std::string& mailbox) {
    std::string domain = smtp::domain_of(mailbox);
    std::string local = to_lower(smtp::local_part_of(mailbox));
    bool postmaster = domain.empty() && local == "postmaster";
    if (!postmaster && !server_.is_local_domain(domain)) {
        if (submission_ || !env.auth_user.empty()) return {250, "2.1.5", str_cat({"Recipient <", mailbox, "> OK (will relay)"})};
        return {554, "5.7.1", fmt::format(FMT_COMPILE("<{}>: Relay access denied"), mailbox)};
    }
    const auto& cfg = server_.config();
    if (cfg.lists.count(local)) return {250, "2.1.5", fmt::format(FMT_COMPILE("Recipient <{}> OK (mailing list)"), mailbox)};
    const UserConfig* u = server_.find_user(local);
    if (!u) {
        if (postmaster || local == "postmaster") return {250, "2.1.5", "Recipient <postmaster> OK"};
        return {550, "5.1.1", fmt::format(FMT_COMPILE("<{}>: No such user here"), mailbox)};
    }
    if (!u->moved_to.empty())
        return {551, "5.1.6", fmt::format(FMT_COMPILE("User not local; please try <{}>"), u->moved_to)};
    if (!u->forward_to.empty())
        return {251, "2.1.5", fmt::format(FMT_COMPILE("User not local; will forward to <{}>"), u->forward_to)};
    if (u->busy) return {450, "4.2.1", fmt::format(FMT_COMPILE("<{}>: Mailbox busy, try again later"), mailbox)};
    if (u->quota > 0 && server_.mailboxes().used(u->name) + env.declared_size >= u->quota)
        return {552, "5.2.2", fmt::format(FMT_COMPILE("<{}>: Mailbox full (quota {} bytes)"), mailbox, u->quota)};
    if (env.mode == smtp::MailMode::send && !u->terminal)
        return {450, "4.2.1", fmt::format(FMT_COMPILE("<{}>: User not active at a terminal"), mailbox)};
    return {250, "2.1.5", str_cat({"Recipient <", mailbox, "> OK"})};
}

void SmtpReceiver::notify_terminal(const smtp::Envelope& env, const std::string& rcpt, const std::string& content) {
    World& w = server_.world();
    std::string where = server_.host();
    for (const auto& a : w.agents())
        if (to_lower(a->address()) == to_lower(rcpt)) where = a->host();
    size_t body = content.find("\r\n\r\n");
    std::string text = body == std::string::npos ? content : content.substr(body + 4);
    if (text.size() > 300) text = text.substr(0, 300) + "...";
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    std::string first = text.substr(0, text.find("\r\n"));
    w.emit(EventKind::notice, where, std::string(smtp::to_string(env.mode)),
           fmt::format(FMT_COMPILE("message from {} on {}'s terminal: {}"), env.reverse_path, rcpt, first), "agent.notice.terminal",
           {{"from", env.reverse_path}, {"to", rcpt}, {"text", text}, {"message_id", header_value(content, "Message-ID")}},
           server_.host());
}

void SmtpReceiver::deliver_local(const smtp::Envelope& env, const std::string& rcpt, const std::string& content,
                                 const std::string& queue_id, std::vector<std::string>& onward, int depth) {
    std::string domain = smtp::domain_of(rcpt);
    std::string local = to_lower(smtp::local_part_of(rcpt));
    if (!domain.empty() && !server_.is_local_domain(domain)) {
        onward.push_back(rcpt);
        return;
    }
    const auto& cfg = server_.config();
    if (auto it = cfg.lists.find(local); it != cfg.lists.end() && depth < 5) {
        for (const auto& member : it->second) {
            std::string m = member.find('@') == std::string::npos ? member + "@" + server_.domain() : member;
            deliver_local(env, m, content, queue_id, onward, depth + 1);
        }
        return;
    }
    const UserConfig* u = server_.find_user(local);
    if (u && !u->forward_to.empty()) {
        onward.push_back(u->forward_to);
        return;
    }
    bool to_terminal = env.mode != smtp::MailMode::mail && u && u->terminal;
    bool to_mailbox = env.mode == smtp::MailMode::mail || env.mode == smtp::MailMode::saml ||
                      (env.mode == smtp::MailMode::soml && !to_terminal) || !u;
    if (to_terminal) notify_terminal(env, rcpt, content);
    if (to_mailbox) server_.store_locally(u ? u->name : local, rcpt, env.reverse_path, content, queue_id, env.reverse_path.empty());
}

smtp::Reply SmtpReceiver::accept_message(const smtp::Envelope& env, const std::string& content) {
    const auto& cfg = server_.config();
    int hops = count_received(content);
    if (hops >= cfg.queue.max_hops)
        return {554, "5.4.6", fmt::format(FMT_COMPILE("Too many hops ({} Received lines): mail loop?"), hops)};
    World& w = server_.world();
    std::string qid = server_.new_queue_id();
    const std::string& peer = w.network().host_of(id_, Side::client);
    // The trace line, then the content, written into one buffer:
    //   Received: from <helo> (<peer>)\r\n\tby <host> (mailsim) with <proto> id <qid>[\r\n\tfor <rcpt>]; <date>\r\n
    std::string full;
    // RFC 3848: ESMTPS over TLS, ESMTPA after AUTH, ESMTPSA both; a session
    // that began with HELO is SMTP. (The simulated agents use neither TLS
    // nor AUTH: their mail says ESMTP; real clients in serve mode may.)
    static constexpr std::string_view kWith[] = {"ESMTP", "ESMTPS", "ESMTPA", "ESMTPSA"};
    std::string_view with = env.esmtp ? kWith[(env.tls ? 1 : 0) + (env.auth_user.empty() ? 0 : 2)] : "SMTP";
    bool one_rcpt = env.forward_paths.size() == 1;
    std::string_view for_rcpt = one_rcpt ? std::string_view(env.forward_paths.front()) : "";
    std::string date = w.date_now();
    full.reserve(80 + env.client_name.size() + peer.size() + server_.host().size() + qid.size() + for_rcpt.size() +
                 date.size() + content.size());
    // The HELO name is the client's own text: a CR or LF of theirs must not end
    // the field and start one of their choosing (a Bcc:, a body) in the stored message.
    const std::string helo = without_controls(env.client_name);
    str_append(full, {"Received: from ", helo, " (", peer, ")\r\n\tby ", server_.host(), " (mailsim) with ", with,
                      " id ", qid});
    if (one_rcpt) str_append(full, {"\r\n\tfor <", for_rcpt, ">"});
    str_append(full, {"; ", date, "\r\n", content});
    std::vector<std::string> onward;
    for (const auto& rcpt : env.forward_paths) deliver_local(env, rcpt, full, qid, onward, 0);
    smtp::Reply ok{250, "2.0.0", str_cat({"Ok: queued as ", qid})};
    if (!onward.empty()) server_.enqueue(env.reverse_path, std::move(onward), std::move(full), std::move(qid), env.mode);
    return ok;
}

bool SmtpReceiver::authenticate(const std::string& user, const std::string& password) {
    // "bob", or "bob@" this server's domain.
    if (user.find('@') != std::string::npos && !server_.is_local_domain(smtp::domain_of(user))) return false;
    return server_.password_matches(smtp::local_part_of(user), password);
}

smtp::Reply SmtpReceiver::verify(const std::string& argument) {
    std::string arg = argument;
    if (arg.size() > 2 && arg.front() == '<' && arg.back() == '>') arg = arg.substr(1, arg.size() - 2);
    std::string local = to_lower(smtp::local_part_of(arg));
    std::string domain = smtp::domain_of(arg);
    if (!domain.empty() && !server_.is_local_domain(domain))
        return {551, "5.1.6", fmt::format(FMT_COMPILE("User not local; please try <{}>"), arg)};
    std::vector<const UserConfig*> found;
    for (const auto& u : server_.config().users) {
        if (to_lower(u.name) == local) {
            found = {&u};
            break;
        }
        if (domain.empty() && (icontains(u.display_name, arg) || icontains(u.name, arg))) found.push_back(&u);
    }
    if (found.empty()) return {550, "5.1.1", fmt::format(FMT_COMPILE("String does not match anything: {}"), argument)};
    if (found.size() > 1) {
        smtp::Reply r(553, "5.1.4", fmt::format(FMT_COMPILE("User ambiguous: {} matches"), argument));
        for (const auto* u : found) r.lines.push_back(fmt::format(FMT_COMPILE("{} <{}@{}>"), u->display_name, u->name, server_.domain()));
        return r;
    }
    const UserConfig* u = found.front();
    if (!u->moved_to.empty()) return {551, "5.1.6", fmt::format(FMT_COMPILE("User not local; please try <{}>"), u->moved_to)};
    if (!u->forward_to.empty()) return {251, "2.1.5", fmt::format(FMT_COMPILE("User not local; will forward to <{}>"), u->forward_to)};
    std::string name = u->display_name.empty() ? u->name : u->display_name;
    return {250, "2.1.5", fmt::format(FMT_COMPILE("{} <{}@{}>"), name, u->name, server_.domain())};
}

smtp::Reply SmtpReceiver::expand(const std::string& argument) {
    std::string local = to_lower(smtp::local_part_of(argument));
    const auto& lists = server_.config().lists;
    auto it = lists.find(local);
    if (it == lists.end()) return {550, "5.1.1", fmt::format(FMT_COMPILE("No such mailing list: {}"), argument)};
    if (it->second.empty()) return {250, "2.1.5", "(the list is empty)"};
    smtp::Reply r;
    r.code = 250;
    r.enhanced = "2.1.5";
    for (const auto& m : it->second) {
        std::string addr = m.find('@') == std::string::npos ? m + "@" + server_.domain() : m;
        const UserConfig* u = server_.is_local_domain(smtp::domain_of(addr)) ? server_.find_user(to_lower(smtp::local_part_of(addr))) : nullptr;
        r.lines.push_back(u && !u->display_name.empty() ? fmt::format(FMT_COMPILE("{} <{}>"), u->display_name, addr)
                                                         : fmt::format(FMT_COMPILE("<{}>"), addr));
    }
    return r;
}

std::vector<std::string> SmtpReceiver::status_lines() {
    const auto& q = server_.queue();
    std::vector<std::string> lines;
    lines.push_back(fmt::format(FMT_COMPILE("queue: {} messages (incoming {}, active {}, deferred {})"), q.size(),
                                q.count(QueuedMessage::Queue::incoming), q.count(QueuedMessage::Queue::active),
                                q.count(QueuedMessage::Queue::deferred)));
    lines.push_back(fmt::format(FMT_COMPILE("mailboxes: {} messages, {} bytes"), server_.mailboxes().count(),
                                server_.mailboxes().total_bytes()));
    lines.push_back(fmt::format(FMT_COMPILE("next queue scan every {}"), format_duration(server_.config().queue.queue_run_delay)));
    return lines;
}

}  // namespace mailsim::agents
