// serve.cpp — real clients on real sockets, simulated servers behind them.
#include "live/serve.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>
#include <openssl/rand.h>

#include "agents/mail_server.hpp"
#include "core/str_cat.hpp"
#include "protocol/annotate.hpp"
#include "protocol/redact.hpp"

namespace mailsim::live {

std::uint16_t simulated_port(const std::string& protocol) {
    if (protocol == "smtp") return 25;
    if (protocol == "submission") return 587;
    if (protocol == "pop3") return 110;
    if (protocol == "imap") return 143;
    if (protocol == "http") return 80;
    return 0;
}

namespace {

// The annotator's and the trace's name of a served protocol.
std::string_view wire_protocol(const std::string& p) { return p == "submission" ? std::string_view("smtp") : p; }

std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// The line a protocol's server says when it will not go on with a client.
std::string refusal(std::string_view protocol, const std::string& host, std::string_view why) {
    if (protocol == "smtp") return fmt::format("421 4.7.0 {} Error: {}, closing\r\n", host, why);
    if (protocol == "pop3") return fmt::format("-ERR [SYS/TEMP] {}, closing\r\n", why);
    if (protocol == "imap") return fmt::format("* BYE [UNAVAILABLE] {}, closing\r\n", why);
    return fmt::format("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n"
                       "Connection: close\r\n\r\n{}\n",
                       why.size() + 1, why);
}

}  // namespace

// One real client's connection.
struct Server::Conn {
    std::uint64_t key = 0;
    int fd = -1;
    ServePort port;
    std::string address;        // "127.0.0.1"
    std::string host;           // its host in the simulated network
    ConnectionId id = 0;        // its connection there
    std::string_view protocol;  // "smtp", "pop3", "imap", "http"
    // Follows both directions: cuts what the client sends into commands, and
    // knows which reply answers which (STARTTLS's answer).
    protocol::Annotator ann{"smtp"};
    std::unique_ptr<ServerTls> tls;
    std::string out;            // bytes for the socket (ciphertext once TLS is on)
    size_t out_pos = 0;
    std::string held;           // the server's plaintext while a handshake goes on
    std::int64_t last_active_ns = 0;  // when the client last sent bytes or took some of ours
    int unsent_at_half = -1;          // the socket's unsent bytes half-way through the idle time (-1: not yet)
    // STARTTLS: the client asked (its command number, or IMAP its tag);
    // what it sends until the answer is thrown away.
    bool tls_asked = false;
    size_t tls_command = 0;
    std::string tls_tag;
    size_t commands = 0, replies = 0;
    std::uint64_t discarded = 0;
    bool client_gone = false;   // EOF or error from the socket
    // What epoll reports for this socket (Server::watch_output): readable
    // while the client is there, writable while output waits.
    std::uint32_t watched = EPOLLIN;
    bool server_gone = false;   // the simulated side closed
    // Output given up on: closed with a reset, so that the kernel does not
    // go on holding what the socket's buffer still has for the client.
    bool abort = false;

    // Stops waiting for the client to take what waits for it.
    void give_up() {
        out.clear();
        out_pos = 0;
        client_gone = true;
        abort = true;
    }
};

// The client's end in the simulated network: what the simulated server
// sends reaches the real socket through it.
class Server::Peer : public StreamEndpoint {
public:
    Peer(Server& s, std::uint64_t key) : s_(s), key_(key) {}
    void on_open(Network&, ConnectionId) override {}
    void on_data(Network&, ConnectionId, std::string_view bytes) override {
        if (auto it = s_.conns_.find(key_); it != s_.conns_.end()) s_.server_bytes(*it->second, bytes);
    }
    void on_close(Network&, ConnectionId, CloseReason) override {
        if (auto it = s_.conns_.find(key_); it != s_.conns_.end()) it->second->server_gone = true;
    }

private:
    Server& s_;
    std::uint64_t key_;
};

Server::Server(scenario::Scenario s, ServeOptions o) : scenario_(std::move(s)), opts_(std::move(o)) {
    for (auto& server : scenario_.servers) {
        server.smtp.smtputf8 = true;  // real clients may send UTF-8 addresses (RFC 6531)
        server.smtp.auth = true;      // and log in (RFC 4954), as Thunderbird does on port 587
    }
}

Server::~Server() { close(); }

SimTime Server::wall_now() const { return (steady_ns() - start_ns_) / 1000; }

bool Server::open(std::string* error) {
    // The served host: as asked, or where the scenario's first mail goes.
    host_ = opts_.server;
    if (host_.empty()) {
        std::string domain;
        if (!scenario_.mails.empty() && !scenario_.mails.front().to.empty()) {
            const std::string& rcpt = scenario_.mails.front().to.front();
            domain = rcpt.substr(rcpt.rfind('@') + 1);
        }
        for (const auto& sc : scenario_.servers)
            if (host_.empty() || sc.domain == domain) host_ = sc.host;
    }
    bool found = false;
    for (const auto& sc : scenario_.servers) found = found || sc.host == host_;
    if (!found) {
        *error = host_.empty() ? "the scenario has no mail server to serve"
                               : "the scenario has no mail server called \"" + host_ + "\"";
        return false;
    }
    if (opts_.tls) {
        auto c = opts_.cert_file.empty()
                     ? ServerCertificate::own(opts_.cert_dir.empty() ? default_certificate_dir() : opts_.cert_dir, &made_cert_)
                     : ServerCertificate::load(opts_.cert_file, opts_.key_file);
        if (!c) {
            *error = c.error().message();
            return false;
        }
        cert_ = std::move(*c);
    }
    for (const auto& p : opts_.ports)
        if (p.implicit_tls && !cert_) {
            *error = "port " + std::to_string(p.port) + " is for implicit TLS, but TLS is off";
            return false;
        }
    // The World, its clock the wall clock from now.
    if (!opts_.play) {
        scenario_.mails.clear();
        scenario_.fetches.clear();
    }
    // Time 0 is the start of the second serving began in (as in live mode):
    // start_epoch + the World's time is the time of day, so that a Received
    // line's date is not a fraction of a second behind the Date its client
    // wrote a moment before.
    const std::int64_t wall_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    start_ns_ = steady_ns() - wall_us % 1'000'000 * 1000;
    scenario_.start_epoch = wall_us / 1'000'000;
    world_ = scenario::build_world(scenario_, opts_.record);
    Trace& t = world_->trace();
    t.source.kind = "serve";
    t.source.clock = "wall";
    // Real clients log in to the webmail: its cookies are signed with a
    // random secret, not one derived from the scenario's seed.
    for (const auto& ms : world_->servers()) {
        unsigned char key[32];
        RAND_bytes(key, sizeof key);
        static constexpr char hex[] = "0123456789abcdef";
        std::string secret;
        for (unsigned char b : key) secret += {hex[b >> 4], hex[b & 15]};
        ms->set_webmail_secret(std::move(secret));
    }
    world_->run_until(wall_now());  // (the LISTEN notes at the moment they are said; the secrets set first)
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) {
        *error = std::string("cannot make an epoll instance: ") + std::strerror(errno);
        return false;
    }
    // Clients of a loopback address come from this machine: their host is
    // on the map from the start.
    if (opts_.bind.starts_with("127.")) client_host("127.0.0.1");
    if (opts_.bind == "::1") client_host("::1");

    for (const auto& p : opts_.ports) {
        const int fd = ::socket(opts_.bind.find(':') == std::string::npos ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            *error = std::string("cannot make a socket: ") + std::strerror(errno);
            return false;
        }
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        // Replies go out as they are made, not held for Nagle's algorithm;
        // Linux gives each accepted socket the listener's setting (one system
        // call here rather than one a connection).
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_storage ss{};
        socklen_t len = 0;
        if (opts_.bind.find(':') == std::string::npos) {
            auto* a = reinterpret_cast<sockaddr_in*>(&ss);
            a->sin_family = AF_INET;
            a->sin_port = htons(p.port);
            if (::inet_pton(AF_INET, opts_.bind.c_str(), &a->sin_addr) != 1) {
                ::close(fd);
                *error = "--bind " + opts_.bind + ": not an IPv4 or IPv6 address";
                return false;
            }
            len = sizeof(sockaddr_in);
        } else {
            auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
            a->sin6_family = AF_INET6;
            a->sin6_port = htons(p.port);
            if (::inet_pton(AF_INET6, opts_.bind.c_str(), &a->sin6_addr) != 1) {
                ::close(fd);
                *error = "--bind " + opts_.bind + ": not an IPv4 or IPv6 address";
                return false;
            }
            len = sizeof(sockaddr_in6);
        }
        if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 1024) != 0) {
            *error = fmt::format("cannot listen on {} port {} ({}): {}", opts_.bind, p.port, p.protocol, std::strerror(errno));
            ::close(fd);
            return false;
        }
        set_nonblocking(fd);
        ServePort b = p;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
        b.port = ntohs(ss.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                                : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = kListenerTag | listen_fds_.size();
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
        listen_fds_.push_back(fd);
        bound_.push_back(b);
        note(nullptr, "LISTEN", fmt::format("{} {} port {} → {} port {}{}", b.protocol, opts_.bind, b.port, host_,
                                            simulated_port(b.protocol), b.implicit_tls ? " (implicit TLS)" : ""),
             "serve.listen",
             nlohmann::json{{"protocol", b.protocol}, {"bind", opts_.bind}, {"port", b.port}, {"implicit_tls", b.implicit_tls}});
    }
    return true;
}

void Server::note(const Conn* c, std::string_view verb, std::string_view args, std::string_view key, const nlohmann::json& detail) {
    if (!world_->trace().recording()) return;
    world_->emit(EventKind::note, host_, verb, args, key, detail, c ? std::string_view(c->host) : std::string_view{},
                 c ? c->id : 0, c ? c->protocol : std::string_view{});
}

std::string Server::client_host(const std::string& address) {
    std::string name = "client-" + address;
    Network& net = world_->network();
    if (!net.has_host(name)) {
        net.add_host(name);
        net.add_link(name, host_, 0);
        world_->trace().hosts.push_back(TraceHost{name, "client", "", ""});
        world_->trace().links.push_back(TraceLink{name, host_, 0});
    }
    return name;
}

void Server::refuse(int fd, const ServePort& port, const std::string& address, std::string_view why, std::string_view key) {
    const std::string line = refusal(wire_protocol(port.protocol), host_, why);
    if (!port.implicit_tls) (void)!::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
    note(nullptr, "REFUSED", fmt::format("{} from {} on port {}: {}", port.protocol, address, port.port, why), key,
         nlohmann::json{{"address", address}, {"port", port.port}, {"sent", port.implicit_tls ? std::string() : line}});
}

void Server::accept_on(size_t li) {
    const ServePort& port = bound_[li];
    for (;;) {
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        const int fd = ::accept4(listen_fds_[li], reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;  // EAGAIN: no more for now (or an error that the next round sees again)
        char buf[INET6_ADDRSTRLEN] = "?";
        if (ss.ss_family == AF_INET) ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, buf, sizeof buf);
        else ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, buf, sizeof buf);
        const std::string address = buf;
        if (conns_.size() >= opts_.limits.max_connections) {
            refuse(fd, port, address, fmt::format("too many connections ({} open)", conns_.size()), "serve.limit.connections");
            continue;
        }
        if (per_address_[address] >= opts_.limits.max_per_address) {
            refuse(fd, port, address, fmt::format("too many connections from {} ({} open)", address, per_address_[address]),
                   "serve.limit.per_address");
            continue;
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = next_key_;
        if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
            refuse(fd, port, address, std::string("cannot watch the socket: ") + std::strerror(errno), "serve.limit.connections");
            continue;
        }
        ++accepted_;
        ++per_address_[address];
        auto c = std::make_unique<Conn>();
        c->key = next_key_++;
        c->fd = fd;
        c->port = port;
        c->address = address;
        c->protocol = wire_protocol(port.protocol);
        c->ann = protocol::Annotator(c->protocol);
        c->host = client_host(address);
        c->last_active_ns = steady_ns();
        Conn& conn = *c;
        conns_.emplace(conn.key, std::move(c));
        world_->run_until(std::max(world_->now(), wall_now()));
        Network& net = world_->network();
        conn.id = net.connect(conn.host, host_, simulated_port(port.protocol), std::make_unique<Peer>(*this, conn.key));
        net.set_security(conn.id, TransportSecurity{cert_.has_value() && !port.implicit_tls && conn.protocol != "http",
                                                    port.implicit_tls});
        if (port.implicit_tls) {
            conn.tls = std::make_unique<ServerTls>(*cert_);
        }
    }
}

// What the simulated server sends: to the socket, through TLS once it is on.
void Server::server_bytes(Conn& c, std::string_view bytes) {
    if (c.tls && !c.tls->handshake_done()) {
        c.held.append(bytes);
        return;
    }
    queue_out(c, bytes);
    // The annotator follows the replies too (an IMAP literal waits for "+").
    // Is this STARTTLS's answer? SMTP and POP3 answer every command once
    // (after the greeting); IMAP's answer carries the command's tag.
    for (auto& u : c.ann.feed(Direction::to_client, bytes)) {
        if (c.protocol != "imap") ++c.replies;
        if (!c.tls_asked) continue;
        bool answer = false, yes = false;
        if (c.protocol == "imap") {
            const std::string_view b = u.bytes;
            answer = b.starts_with(c.tls_tag + " ");
            yes = answer && (b.substr(c.tls_tag.size() + 1).starts_with("OK") || b.substr(c.tls_tag.size() + 1).starts_with("ok"));
        } else {
            answer = c.replies == c.tls_command + 1;  // +1: the greeting
            yes = answer && (c.protocol == "smtp" ? u.a.verb == "220" : u.a.verb == "+OK");
        }
        if (!answer) continue;
        c.tls_asked = false;
        if (yes) start_tls(c);
        break;
    }
}

void Server::start_tls(Conn& c) {
    if (c.discarded)
        note(&c, "DISCARDED",
             fmt::format("{} bytes the client sent after STARTTLS, before the TLS handshake, thrown away (RFC 3207 §4.2)",
                         c.discarded),
             "serve.tls.discarded", nlohmann::json{{"bytes", c.discarded}});
    c.discarded = 0;
    // The annotator goes on: the session inside TLS is the same one.
    c.tls = std::make_unique<ServerTls>(*cert_);
    world_->network().set_security(c.id, TransportSecurity{false, true});
}

void Server::queue_out(Conn& c, std::string_view plain) {
    if (c.tls) {
        if (!c.tls->write(plain)) return;
        c.out += c.tls->take_cipher();
    } else {
        c.out.append(plain);
    }
}

// A command from the client to the simulated server: its bytes as sent, and
// in the trace with any password taken out (protocol/redact.hpp) unless the
// session keeps secrets.
void Server::record(Conn& c, protocol::Unit u) {
    std::optional<std::string> redacted;
    if (!opts_.keep_secrets) redacted = protocol::redact_secrets(c.protocol, u.a.verb, u.a.key, u.bytes, u.a.from_client);
    Network& net = world_->network();
    if (!redacted) {
        net.send(c.id, Side::client, std::move(u.bytes), Annotation{c.protocol, u.a.verb, u.a.args, u.a.key, nullptr, {}});
        return;
    }
    const std::string args = protocol::unit_args(*redacted, u.a.verb);
    net.send(c.id, Side::client, std::move(u.bytes),
             Annotation{c.protocol, u.a.verb, args, u.a.key, &*redacted, R"({"redacted":true})"});
}

void Server::client_bytes(Conn& c, std::string_view plain) {
    if (c.tls_asked) {  // RFC 3207 §4.2: nothing before the handshake counts
        c.discarded += plain.size();
        return;
    }
    for (auto& u : c.ann.feed(Direction::to_server, plain)) {
        if (c.tls_asked) {
            c.discarded += u.bytes.size();
            continue;
        }
        ++c.commands;
        const bool starttls = u.a.verb == "STARTTLS" || (c.protocol == "pop3" && u.a.verb == "STLS");
        const std::string tag = c.protocol == "imap" ? u.bytes.substr(0, u.bytes.find(' ')) : std::string();
        record(c, std::move(u));
        if (starttls && cert_) {
            c.tls_asked = true;
            c.tls_command = c.commands;
            c.tls_tag = tag;
        }
    }
    if (c.tls_asked) {
        c.discarded += c.ann.pending(Direction::to_server);
        return;
    }
    // A command line that does not end, or a message beyond its limit: the
    // annotator must not hold it without bound.
    const agents::MailServer* ms = world_->server(host_);
    const size_t cap = opts_.limits.max_unit_bytes +
                       std::max<size_t>(ms->config().smtp.message_size_limit, ms->config().imap_literal_limit);
    if (c.ann.pending(Direction::to_server) > cap)
        cut_off(c, fmt::format("more than {} bytes without the end of a command or message", cap), "serve.limit.unit");
}

void Server::read_from(Conn& c) {
    char buf[16384];
    size_t budget = opts_.limits.read_chunk;
    std::string plain;
    while (budget > 0 && !c.client_gone) {
        const size_t want = std::min(sizeof buf, budget);
        const ssize_t n = ::recv(c.fd, buf, want, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
        if (n <= 0) {
            c.client_gone = true;
            break;
        }
        budget -= static_cast<size_t>(n);
        c.last_active_ns = steady_ns();
        // A short read took everything the socket had: asking again would
        // only hear EAGAIN (a system call a message wasted); epoll says
        // when there is more.
        if (static_cast<size_t>(n) < want) budget = 0;
        if (!c.tls) {
            plain.append(buf, static_cast<size_t>(n));
            continue;
        }
        const bool was_done = c.tls->handshake_done();
        if (!c.tls->feed(std::string_view(buf, static_cast<size_t>(n)), plain)) {
            c.out += c.tls->take_cipher();  // the alert
            note(&c, "TLS", c.tls->error(), "serve.tls.failed", nlohmann::json{{"error", c.tls->error()}});
            c.client_gone = true;
            break;
        }
        c.out += c.tls->take_cipher();
        if (!was_done && c.tls->handshake_done()) {
            const TlsFacts& f = c.tls->facts();
            note(&c, "TLS", fmt::format("{} {}, certificate {}", f.version, f.cipher, f.subject), "serve.tls.handshake",
                 nlohmann::json{{"version", f.version}, {"cipher", f.cipher}, {"subject", f.subject}, {"issuer", f.issuer},
                                {"fingerprint", cert_->fingerprint()}});
            std::string held = std::move(c.held);
            c.held.clear();
            if (!held.empty()) queue_out(c, held);
        }
        if (c.tls->peer_closed()) c.client_gone = true;
    }
    if (!plain.empty()) {
        world_->run_until(std::max(world_->now(), wall_now()));
        client_bytes(c, plain);
    }
}

void Server::cut_off(Conn& c, std::string_view why, std::string_view key) {
    note(&c, "CUT OFF", why, key, nlohmann::json{{"address", c.address}});
    c.last_active_ns = steady_ns();  // the idle time again for the client to take the refusal
    const std::string line = refusal(c.protocol, host_, why);
    Network& net = world_->network();
    if (net.is_open(c.id, Side::server)) {
        const protocol::Annotation a = protocol::annotate_reply(c.protocol, line);
        net.send(c.id, Side::server, line, Annotation{c.protocol, a.verb, a.args, a.key, nullptr, {}});
        net.close(c.id, Side::server);
    } else {
        queue_out(c, line);
    }
    c.client_gone = true;
}

void Server::client_closed(Conn& c) {
    Network& net = world_->network();
    if (!net.is_open(c.id, Side::client)) return;
    if (!c.tls_asked)
        for (auto& u : c.ann.finish(Direction::to_server)) record(c, std::move(u));
    net.close(c.id, Side::client);
}

void Server::write_to(Conn& c) {
    bool taken = false;
    while (c.out_pos < c.out.size()) {
        const ssize_t n = ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
        if (n <= 0) {
            c.client_gone = true;
            c.out.clear();
            c.out_pos = 0;
            return;
        }
        c.out_pos += static_cast<size_t>(n);
        taken = true;
    }
    if (taken) c.last_active_ns = steady_ns();  // (a long answer read slowly is not idleness)
    if (c.out_pos == c.out.size()) {
        c.out.clear();
        c.out_pos = 0;
    } else if (c.out_pos > (1u << 20)) {
        c.out.erase(0, c.out_pos);
        c.out_pos = 0;
    }
}

void Server::destroy(std::uint64_t key) {
    auto it = conns_.find(key);
    if (it == conns_.end()) return;
    Conn& c = *it->second;
    if (c.abort) {
        const linger reset{1, 0};
        ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    }
    ::close(c.fd);
    if (--per_address_[c.address] == 0) per_address_.erase(c.address);
    conns_.erase(it);
}

void Server::watch_output(Conn& c) {
    // A client that is gone (cut off, or closed) is not read from again: a
    // readable socket that nobody reads would wake every epoll_wait.
    const std::uint32_t want = (c.client_gone ? 0u : std::uint32_t(EPOLLIN)) | (c.out_pos < c.out.size() ? std::uint32_t(EPOLLOUT) : 0u);
    if (want == c.watched) return;
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = c.key;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
    c.watched = want;
}

void Server::poll(int max_wait_ms) {
    // Wake for the World's next event, and for the next idle time-out.
    int wait = max_wait_ms;
    Scheduler& sched = world_->scheduler();
    if (!sched.empty()) {
        const SimTime until = sched.next_time() - wall_now();
        wait = static_cast<int>(std::clamp<SimTime>(until / 1000 + 1, 0, wait));
    }
    // Only the sockets with something to say come back (a system call's
    // work does not grow with the connections that are quiet).
    epoll_event ready[256];
    const int n = ::epoll_wait(epoll_fd_, ready, 256, wait);
    for (int i = 0; i < n; ++i) {
        const std::uint64_t tag = ready[i].data.u64;
        if (tag & kListenerTag) {
            accept_on(static_cast<size_t>(tag & ~kListenerTag));
            continue;
        }
        auto it = conns_.find(tag);
        if (it == conns_.end()) continue;
        if (ready[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_from(*it->second);
    }
    world_->run_until(std::max(world_->now(), wall_now()));

    // Idle clients, backlogs, closes; then write what is waiting.
    const std::int64_t now_ns = steady_ns();
    std::vector<std::uint64_t> done;
    for (auto& [key, cp] : conns_) {
        Conn& c = *cp;
        const std::int64_t quiet = now_ns - c.last_active_ns, limit = std::int64_t(opts_.limits.idle_timeout_s) * 1'000'000'000;
        bool idle = quiet > limit;
        // The client reading what the kernel still holds for it (up to
        // megabytes, after our last write) is activity too: what it holds is
        // looked at half-way through the idle time and at its end.
        if (quiet <= limit / 2) {
            c.unsent_at_half = -1;
        } else if (c.unsent_at_half < 0) {
            int unsent = 0;
            c.unsent_at_half = ::ioctl(c.fd, SIOCOUTQ, &unsent) == 0 ? unsent : 0;
        } else if (idle && c.unsent_at_half > 0) {
            int unsent = 0;
            if (::ioctl(c.fd, SIOCOUTQ, &unsent) == 0 && unsent < c.unsent_at_half) {
                c.last_active_ns = now_ns;
                c.unsent_at_half = -1;
                idle = false;
            }
        }
        if (idle && !c.client_gone && !c.server_gone) {
            cut_off(c, fmt::format("idle for {} s", opts_.limits.idle_timeout_s), "serve.limit.idle");
        } else if (idle && c.out_pos < c.out.size()) {
            // A client that is gone, or that the server has closed on, and
            // that has taken nothing of the last words for the idle time is
            // not waited for any longer.
            c.give_up();
        }
        if (c.out.size() - c.out_pos > opts_.limits.max_output_backlog) {
            note(&c, "CUT OFF", fmt::format("more than {} bytes wait for a client that does not read", opts_.limits.max_output_backlog),
                 "serve.limit.backlog", nlohmann::json{{"address", c.address}});
            c.give_up();
        }
        if (c.client_gone) client_closed(c);
    }
    world_->run_until(std::max(world_->now(), wall_now()));
    for (auto& [key, cp] : conns_) {
        Conn& c = *cp;
        if (c.out_pos < c.out.size()) write_to(c);
        const bool flushed = c.out_pos == c.out.size();
        watch_output(c);
        if ((c.server_gone && flushed) || (c.client_gone && (flushed || c.out.empty()))) {
            if (!c.client_gone) client_closed(c);
            done.push_back(key);
        }
    }
    for (auto key : done) destroy(key);
    if (done.empty()) return;
    world_->run_until(std::max(world_->now(), wall_now()));
    // What that run queued is written next round: epoll must wake for it.
    for (auto& [key, cp] : conns_) watch_output(*cp);
}

void Server::close() {
    if (!world_) return;
    std::vector<std::uint64_t> keys;
    for (auto& [key, c] : conns_) {
        client_closed(*c);
        keys.push_back(key);
    }
    world_->run_until(std::max(world_->now(), wall_now()));
    for (auto key : keys) destroy(key);
    for (int fd : listen_fds_) ::close(fd);
    listen_fds_.clear();
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
    epoll_fd_ = -1;
}

}  // namespace mailsim::live
