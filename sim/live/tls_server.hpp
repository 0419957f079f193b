// tls_server.hpp — serve mode's TLS: OpenSSL as a server over two memory
// BIOs, so that TLS is bytes in, bytes out like every engine (DESIGN.md:
// only sim/live touches TLS).
//
// A ServerCertificate is the certificate and key every TLS connection of a
// serve session shows: one given by path, or the one serve mode makes for
// itself on first use (a self-signed P-256 certificate for localhost and
// 127.0.0.1, kept with its key, mode 0600, for the next run). Its SHA-256
// fingerprint is printed, so that a student can compare what the client
// shows.
//
// A ServerTls is one connection's TLS, fed the peer's ciphertext and handing
// back ciphertext to send; the handshake runs as bytes arrive. Bytes from the
// peer are untrusted: OpenSSL parses them, nothing here does.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "live/link.hpp"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace mailsim::live {

class ServerCertificate {
public:
    // PEM files; an error names the file and OpenSSL's reason.
    static Result<ServerCertificate> load(const std::string& cert_file, const std::string& key_file);
    // serve-cert.pem and serve-key.pem in `dir` (made if missing), made on
    // first use; `made` says whether they were made now.
    static Result<ServerCertificate> own(const std::string& dir, bool* made);

    const std::string& cert_file() const { return cert_file_; }
    const std::string& subject() const { return subject_; }
    const std::string& fingerprint() const { return fingerprint_; }  // SHA-256, "AB:CD:..."
    SSL_CTX* context() const { return ctx_.get(); }

private:
    std::shared_ptr<SSL_CTX> ctx_;
    std::string cert_file_, subject_, fingerprint_;
};

// Where serve mode keeps the certificate it made: $XDG_DATA_HOME/mailsim, or
// ~/.local/share/mailsim.
std::string default_certificate_dir();

class ServerTls {
public:
    explicit ServerTls(const ServerCertificate& cert);
    ~ServerTls();
    ServerTls(const ServerTls&) = delete;
    ServerTls& operator=(const ServerTls&) = delete;

    // Ciphertext from the peer; the plaintext it completes is appended to
    // `plain`. False when the handshake or the stream failed (error()).
    bool feed(std::string_view cipher, std::string& plain);
    // Plaintext for the peer, encrypted (after the handshake).
    bool write(std::string_view plain);
    // Ciphertext waiting for the socket: handshake records, data, alerts.
    std::string take_cipher();
    // The peer sent close_notify.
    bool peer_closed() const { return peer_closed_; }
    bool handshake_done() const { return done_; }
    const std::string& error() const { return error_; }
    // Version and cipher once done (subject and issuer: ours).
    const TlsFacts& facts() const { return facts_; }

private:
    SSL* ssl_ = nullptr;
    BIO* rbio_ = nullptr;  // owned by ssl_
    BIO* wbio_ = nullptr;  // owned by ssl_
    bool done_ = false;
    bool peer_closed_ = false;
    std::string error_;
    TlsFacts facts_;
};

}  // namespace mailsim::live
