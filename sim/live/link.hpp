// link.hpp — a real connection: TCP from SDL_net, and TLS from OpenSSL fed
// through memory BIOs, so that TLS too is bytes in, bytes out (DESIGN.md:
// only sim/live touches sockets and TLS).
//
// A Link is a client's end: it connects (with a time-out), sends, and waits
// for bytes (with a time-out), in plain text until start_tls() and through
// TLS after it (at once for implicit TLS: 465, 995, 993). The handshake's
// facts — version, cipher, the certificate's subject and issuer, whether it
// verified against the system's CA store (or --cafile) and the host name —
// are kept for the trace. A certificate that does not verify stops the
// handshake unless the caller said insecure.
//
// Bytes from the peer are untrusted: reads are bounded, nothing here parses
// them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "text/text.hpp"

typedef struct X509_name_st X509_NAME;

namespace mailsim::live {

// An X.509 name on one line ("O = mailsim serve, CN = localhost"), as the
// trace shows a certificate's subject and issuer; "" for none.
std::string x509_name_line(X509_NAME* name);

// A thread of our own that used a Link calls this before it ends: SDL keeps
// per-thread state (its error text) that it frees only for threads it made
// itself (SDL_TLSCleanup).
void end_link_thread();

// Why a live call failed: a key of sim/text ("live.error.timeout") and its
// values, so that each viewer says it in its own language (the GUI's Live
// panel in Chinese); message() is the text, English by default (the CLI's
// and the tests'). A value may hold a library's or a server's own words.
struct Failure {
    std::string key;
    text::Params params;
    std::string message(text::Lang lang = text::Lang::en) const { return key.empty() ? std::string() : text::get(lang, key, params); }
};

struct TlsOptions {
    std::string cafile;     // trust this CA (a lab's) instead of the system's store
    bool insecure = false;  // go on when the certificate does not verify (shown in the trace)
};

struct TlsFacts {
    std::string version;    // "TLSv1.3"
    std::string cipher;     // "TLS_AES_256_GCM_SHA384"
    std::string subject;    // the certificate's subject, one line
    std::string issuer;
    bool verified = false;
    std::string verify_result;  // "ok", or OpenSSL's reason: "unable to get local issuer certificate"
};

// Waits for a peer are cut into slices this long, so that a Disconnect
// (LiveSession::interrupt) is seen within one.
inline constexpr int kWaitSliceMs = 100;

class Link {
public:
    ~Link();
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    // Connects to host:port; an error names what failed ("connection refused", "no such host").
    static std::unique_ptr<Link> open(const std::string& host, std::uint16_t port, Failure* error);

    // Sends everything (through TLS once it is on); false when the connection is gone.
    bool send(std::string_view bytes);
    // Waits once, up to `timeout_ms`, for bytes: nullopt when none came to
    // hand over (on TLS: also when ciphertext came but not yet a whole
    // record), "" when the peer closed. bytes_received() says whether the
    // peer sent anything at all.
    std::optional<std::string> receive(int timeout_ms);
    // Every byte read from the socket so far, ciphertext included.
    std::uint64_t bytes_received() const { return received_; }
    // TLS holds ciphertext it has not yet made plaintext of (part of a
    // record): a reply is on its way.
    bool tls_holds_part() const;
    // The TLS handshake as a client, for `server_name`; on failure `error`
    // says why (a certificate that does not verify names the reason). Its
    // waits are tenths of a second: `interrupted`, when set from another
    // thread, ends the handshake within one (live.error.interrupted).
    bool start_tls(const std::string& server_name, const TlsOptions& options, int timeout_ms, Failure* error,
                   const std::atomic<bool>* interrupted = nullptr);
    bool tls_on() const;
    const TlsFacts& tls() const { return facts_; }
    const std::string& peer_address() const { return peer_; }

private:
    Link() = default;
    // Ciphertext to and from the socket while the handshake or a read goes on.
    bool flush_tls();
    bool read_socket(int timeout_ms, std::string& into, bool* closed);

    struct Impl;
    std::unique_ptr<Impl> impl_;
    TlsFacts facts_;
    std::string peer_;
    std::uint64_t received_ = 0;
};

}  // namespace mailsim::live
