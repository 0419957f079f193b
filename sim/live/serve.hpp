// serve.hpp — real clients talking to simulated servers (DESIGN.md: the
// serve-session row; wall clock).
//
// A Server builds the scenario's World and puts real sockets in front of one
// of its mail servers: a real client's connection becomes a connection of
// the simulated network, from a host named after the client's address, so
// the same engines answer it as answer the simulated agents, with the
// scenario's reply overrides and faults. Mail sent in is delivered by the
// simulated server (its mailboxes, or its queue towards other simulated
// hosts) and can be read back by POP3, IMAP and the webmail. The World's
// clock is the wall clock: time 0 is when serving began.
//
// What the client sends is cut into commands by the annotator
// (sim/protocol/annotate), so the trace shows a command an event, however
// the bytes came (a slow peer's one byte a second gives one event).
//
// TLS: STARTTLS (SMTP, RFC 3207), STLS (POP3, RFC 2595) and IMAP STARTTLS
// are offered when a certificate is at hand; implicit-TLS ports (RFC 8314)
// start the handshake at once. Bytes a client sends after STARTTLS and
// before the handshake are discarded (no plaintext injection), and the trace
// says how many.
//
// Sockets are POSIX, non-blocking, in one epoll loop (SDL_net's send waits
// until everything is written, so a client that stops reading would stall
// every other one). Bytes from clients are hostile: each limit below is a
// named setting with a default, and a client that breaks one gets its
// protocol's error and is closed, while the others go on.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/world.hpp"
#include "core/error.hpp"
#include "live/tls_server.hpp"
#include "protocol/annotate.hpp"
#include "scenario/scenario.hpp"

namespace mailsim::live {

// The limits of serve mode's transport. Line lengths, message size (SIZE,
// 552), recipients per message, commands before a transaction and the IMAP
// literal size are the simulated server's own settings (scenario.hpp,
// `mailsim explain settings`), the same for real and simulated clients.
struct ServeLimits {
    size_t max_connections = 1000;         // open at once, in all (over it: the protocol's "busy" answer)
    size_t max_per_address = 50;           // open at once from one client address (Postfix's default)
    int idle_timeout_s = 300;              // RFC 5321 §4.5.3.2.7: 5 minutes without a byte either way, then closed
    size_t max_unit_bytes = 64 * 1024;     // bytes of one command line not yet ended (message text and
                                           // IMAP literals: their own limits plus this)
    size_t max_output_backlog = 64 << 20;  // bytes waiting for a client that does not read
    size_t read_chunk = 64 * 1024;         // bytes read from one client a round (fairness)
};

struct ServePort {
    std::string protocol;       // "smtp", "submission", "pop3", "imap", "http"
    std::uint16_t port = 0;     // the real port (0: any free one; bound() says which)
    bool implicit_tls = false;  // smtps (465), pop3s (995), imaps (993)
};

struct ServeOptions {
    std::string bind = "127.0.0.1";
    std::string server;             // the simulated host to serve; "" = the scenario's receiving server
    std::vector<ServePort> ports;
    bool tls = true;                // offer STARTTLS and serve implicit-TLS ports
    std::string cert_file, key_file;  // "" = serve mode's own certificate
    std::string cert_dir;           // where its own is kept ("" = default_certificate_dir())
    ServeLimits limits;
    bool play = false;              // also send the scenario's mails and fetches
    bool record = true;             // the trace records every event (off: a benchmark's figures)
    bool keep_secrets = false;      // PASS, LOGIN and AUTH arguments stay in the trace
};

class Server {
public:
    Server(scenario::Scenario s, ServeOptions o);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Builds the World and binds every port; false with `error` set.
    bool open(std::string* error);
    // The ports as bound (a 0 asked for is the port the system gave).
    const std::vector<ServePort>& bound() const { return bound_; }
    // One round: waits up to `max_wait_ms` for sockets or the next
    // scheduled event, then reads, runs the World to now and writes.
    void poll(int max_wait_ms);
    // Closes every connection (their close in the trace) and every port.
    void close();

    agents::World& world() { return *world_; }
    const std::string& served_host() const { return host_; }
    const ServerCertificate* certificate() const { return cert_ ? &*cert_ : nullptr; }
    bool made_certificate() const { return made_cert_; }
    size_t open_connections() const { return conns_.size(); }
    std::uint64_t accepted() const { return accepted_; }

    struct Conn;
    class Peer;

private:
    void accept_on(size_t listener);
    void refuse(int fd, const ServePort& port, const std::string& address, std::string_view why, std::string_view key);
    void read_from(Conn& c);
    void client_bytes(Conn& c, std::string_view plain);
    void record(Conn& c, protocol::Unit u);
    void server_bytes(Conn& c, std::string_view bytes);
    void start_tls(Conn& c);
    void write_to(Conn& c);
    void queue_out(Conn& c, std::string_view plain);
    void client_closed(Conn& c);
    void cut_off(Conn& c, std::string_view why, std::string_view key);
    void destroy(std::uint64_t key);
    void note(const Conn* c, std::string_view verb, std::string_view args, std::string_view key,
              const nlohmann::json& detail = nullptr);
    SimTime wall_now() const;
    std::string client_host(const std::string& address);

    scenario::Scenario scenario_;
    ServeOptions opts_;
    std::unique_ptr<agents::World> world_;
    std::string host_;
    std::optional<ServerCertificate> cert_;
    bool made_cert_ = false;
    std::vector<ServePort> bound_;
    std::vector<int> listen_fds_;
    // epoll: each listener and each connection, the ready ones reported (a
    // listener's data is its index with kListenerTag, a connection's its key).
    int epoll_fd_ = -1;
    static constexpr std::uint64_t kListenerTag = std::uint64_t{1} << 63;
    void watch_output(Conn& c);  // asks epoll for "writable" while output waits
    std::map<std::uint64_t, std::unique_ptr<Conn>> conns_;
    std::map<std::string, size_t> per_address_;
    std::uint64_t next_key_ = 1;
    std::uint64_t accepted_ = 0;
    std::int64_t start_ns_ = 0;  // steady clock at time 0
};

// Which simulated port a served protocol reaches: smtp 25, submission 587,
// pop3 110, imap 143, http 80.
std::uint16_t simulated_port(const std::string& protocol);

}  // namespace mailsim::live
