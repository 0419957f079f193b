// link.cpp — SDL_net's TCP socket, OpenSSL over two memory BIOs.
#include "live/link.hpp"

#include <SDL2/SDL_net.h>
#include <SDL2/SDL_thread.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <mutex>

namespace mailsim::live {

struct Link::Impl {
    TCPsocket sock = nullptr;
    SDLNet_SocketSet set = nullptr;
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    BIO* rbio = nullptr;  // ciphertext from the peer, for OpenSSL to read (owned by ssl)
    BIO* wbio = nullptr;  // ciphertext OpenSSL wrote, for the peer (owned by ssl)

    ~Impl() {
        if (ssl) SSL_free(ssl);
        if (ctx) SSL_CTX_free(ctx);
        if (set) SDLNet_FreeSocketSet(set);
        if (sock) SDLNet_TCP_Close(sock);
    }
};

namespace {

bool net_ready() {
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] { ok = SDLNet_Init() == 0; });
    return ok;
}

std::string openssl_error() {
    const unsigned long e = ERR_get_error();
    if (e == 0) return "the TLS handshake failed";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

}  // namespace

void end_link_thread() { SDL_TLSCleanup(); }

std::string x509_name_line(X509_NAME* name) {
    if (!name) return {};
    BIO* b = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    std::string out(data, static_cast<size_t>(n > 0 ? n : 0));
    BIO_free(b);
    return out;
}


Link::~Link() = default;

std::unique_ptr<Link> Link::open(const std::string& host, std::uint16_t port, Failure* error) {
    if (!net_ready()) {
        *error = {"live.error.sdl_net", {{"reason", SDLNet_GetError()}}};
        return nullptr;
    }
    IPaddress ip;
    if (SDLNet_ResolveHost(&ip, host.c_str(), port) != 0) {
        *error = {"live.error.no_host", {{"host", host}}};
        return nullptr;
    }
    std::unique_ptr<Link> link(new Link());
    link->impl_ = std::make_unique<Impl>();
    link->impl_->sock = SDLNet_TCP_Open(&ip);
    if (!link->impl_->sock) {
        *error = {"live.error.connect", {{"host", host}, {"port", std::to_string(port)}, {"reason", SDLNet_GetError()}}};
        return nullptr;
    }
    link->impl_->set = SDLNet_AllocSocketSet(1);
    SDLNet_TCP_AddSocket(link->impl_->set, link->impl_->sock);
    const Uint32 a = SDLNet_Read32(&ip.host);
    link->peer_ = std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) +
                  "." + std::to_string(a & 255);
    return link;
}

bool Link::tls_on() const { return impl_->ssl != nullptr; }

bool Link::read_socket(int timeout_ms, std::string& into, bool* closed) {
    *closed = false;
    if (SDLNet_CheckSockets(impl_->set, static_cast<Uint32>(timeout_ms < 0 ? 0 : timeout_ms)) <= 0 ||
        !SDLNet_SocketReady(impl_->sock))
        return false;
    char buf[16384];
    const int n = SDLNet_TCP_Recv(impl_->sock, buf, sizeof buf);
    if (n <= 0) {
        *closed = true;
        return false;
    }
    into.append(buf, static_cast<size_t>(n));
    received_ += static_cast<std::uint64_t>(n);
    return true;
}

bool Link::flush_tls() {
    char buf[16384];
    int n;
    while ((n = BIO_read(impl_->wbio, buf, sizeof buf)) > 0)
        if (SDLNet_TCP_Send(impl_->sock, buf, n) < n) return false;
    return true;
}

bool Link::send(std::string_view bytes) {
    if (!impl_->ssl) {
        return bytes.empty() || SDLNet_TCP_Send(impl_->sock, bytes.data(), static_cast<int>(bytes.size())) ==
                                    static_cast<int>(bytes.size());
    }
    while (!bytes.empty()) {
        const int n = SSL_write(impl_->ssl, bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), 1 << 20)));
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<size_t>(n));
        if (!flush_tls()) return false;
    }
    return true;
}

bool Link::tls_holds_part() const {
    return impl_->ssl && (SSL_has_pending(impl_->ssl) == 1 || BIO_ctrl_pending(impl_->rbio) > 0);
}

std::optional<std::string> Link::receive(int timeout_ms) {
    std::string got;
    bool closed = false;
    if (!impl_->ssl) {
        if (read_socket(timeout_ms, got, &closed)) return got;
        if (closed) return std::string();
        return std::nullopt;
    }
    char buf[16384];
    // One wait on the socket a call: a peer that sends a record a byte at a
    // time does not keep the caller here (it looks at its own clock and at
    // interrupt() between calls).
    bool waited = false;
    for (;;) {
        const int n = SSL_read(impl_->ssl, buf, sizeof buf);
        if (n > 0) {
            got.append(buf, static_cast<size_t>(n));
            if (SSL_pending(impl_->ssl) > 0) continue;
            return got;
        }
        const int err = SSL_get_error(impl_->ssl, n);
        flush_tls();  // a session ticket or key update may want an answer
        if (err != SSL_ERROR_WANT_READ) return std::string();  // closed (close_notify) or broken
        if (waited) return std::nullopt;
        std::string cipher;
        if (!read_socket(timeout_ms, cipher, &closed)) return closed ? std::optional<std::string>(std::string()) : std::nullopt;
        waited = true;
        BIO_write(impl_->rbio, cipher.data(), static_cast<int>(cipher.size()));
    }
}

bool Link::start_tls(const std::string& server_name, const TlsOptions& options, int timeout_ms, Failure* error,
                     const std::atomic<bool>* interrupted) {
    Impl& m = *impl_;
    m.ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(m.ctx, TLS1_2_VERSION);
    const bool trusted = options.cafile.empty() ? SSL_CTX_set_default_verify_paths(m.ctx) == 1
                                                : SSL_CTX_load_verify_locations(m.ctx, options.cafile.c_str(), nullptr) == 1;
    if (!trusted) {
        *error = {"live.error.cafile", {{"path", options.cafile}, {"reason", openssl_error()}}};
        return false;
    }
    // Verification runs and its result is kept; whether to go on is decided
    // below, so that the trace can say why a certificate was refused.
    SSL_CTX_set_verify(m.ctx, SSL_VERIFY_NONE, nullptr);
    m.ssl = SSL_new(m.ctx);
    m.rbio = BIO_new(BIO_s_mem());
    m.wbio = BIO_new(BIO_s_mem());
    SSL_set_bio(m.ssl, m.rbio, m.wbio);
    SSL_set_tlsext_host_name(m.ssl, server_name.c_str());
    SSL_set1_host(m.ssl, server_name.c_str());
    SSL_set_connect_state(m.ssl);
    // One deadline for the whole handshake (a server that trickles bytes
    // does not restart it), waited for in tenths of a second so that
    // `interrupted` is seen within one, before anything more is sent.
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));
    const auto cut_short = [&] {
        if (!interrupted || !interrupted->load()) return false;
        *error = {"live.error.interrupted", {}};
        return true;
    };
    for (;;) {
        if (cut_short()) return false;
        const int r = SSL_do_handshake(m.ssl);
        if (!flush_tls()) {
            *error = {"live.error.tls_closed", {}};
            return false;
        }
        if (r == 1) break;
        if (SSL_get_error(m.ssl, r) != SSL_ERROR_WANT_READ) {
            *error = {"live.error.tls_failed", {{"reason", openssl_error()}}};
            return false;
        }
        std::string cipher;
        bool closed = false;
        for (;;) {
            if (cut_short()) return false;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) {
                *error = {"live.error.tls_timeout", {{"seconds", std::to_string(timeout_ms / 1000)}}};
                return false;
            }
            if (read_socket(static_cast<int>(std::min<long long>(kWaitSliceMs, left)), cipher, &closed)) break;
            if (closed) {
                *error = {"live.error.tls_server_closed", {}};
                return false;
            }
        }
        BIO_write(m.rbio, cipher.data(), static_cast<int>(cipher.size()));
    }
    facts_.version = SSL_get_version(m.ssl);
    facts_.cipher = SSL_CIPHER_get_name(SSL_get_current_cipher(m.ssl));
    X509* cert = SSL_get1_peer_certificate(m.ssl);
    if (cert) {
        facts_.subject = x509_name_line(X509_get_subject_name(cert));
        facts_.issuer = x509_name_line(X509_get_issuer_name(cert));
        X509_free(cert);
    }
    const long v = SSL_get_verify_result(m.ssl);
    facts_.verified = cert && v == X509_V_OK;
    facts_.verify_result = !cert ? "no certificate" : v == X509_V_OK ? "ok" : X509_verify_cert_error_string(v);
    if (!facts_.verified && !options.insecure) {
        *error = {"live.error.certificate", {{"reason", facts_.verify_result}, {"host", server_name}}};
        return false;
    }
    return true;
}

}  // namespace mailsim::live
