// tls_server.cpp — OpenSSL as a server over memory BIOs; the certificate
// serve mode makes for itself.
#include "live/tls_server.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace mailsim::live {

namespace {

std::string openssl_reason(std::string_view fallback) {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return std::string(fallback);
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

std::string fingerprint_of(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(cert, EVP_sha256(), md, &n);
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
        if (i) out += ':';
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string pem_of(int (*write)(BIO*, void*), void* what) {
    BIO* b = BIO_new(BIO_s_mem());
    write(b, what);
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    std::string out(data, static_cast<size_t>(n > 0 ? n : 0));
    BIO_free(b);
    return out;
}

// Writes with the given mode through a temp file and a rename: never a partial key.
std::optional<Error> write_private(const std::string& path, const std::string& content, mode_t mode) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return Error{path, std::string("cannot write: ") + std::strerror(errno)};
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n <= 0) {
            ::close(fd);
            ::unlink(tmp.c_str());
            return Error{path, std::string("cannot write: ") + std::strerror(errno)};
        }
        done += static_cast<size_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return Error{path, std::string("cannot write: ") + std::strerror(errno)};
    }
    return std::nullopt;
}

// A self-signed P-256 certificate for localhost and 127.0.0.1, valid 825 days.
std::optional<Error> make_certificate(const std::string& cert_file, const std::string& key_file) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key) return Error{key_file, "cannot make a key: " + openssl_reason("EVP_EC_gen failed")};
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 825L * 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("mailsim serve"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
                              std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                              std::pair{NID_key_usage, "critical,digitalSignature"},
                              std::pair{NID_ext_key_usage, "serverAuth"}}) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
    }
    std::optional<Error> err;
    if (!X509_sign(cert, key, EVP_sha256())) {
        err = Error{cert_file, "cannot sign the certificate: " + openssl_reason("X509_sign failed")};
    } else {
        const std::string key_pem = pem_of(
            [](BIO* b, void* k) { return PEM_write_bio_PrivateKey(b, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0, nullptr, nullptr); },
            key);
        const std::string cert_pem = pem_of([](BIO* b, void* c) { return PEM_write_bio_X509(b, static_cast<X509*>(c)); }, cert);
        err = write_private(key_file, key_pem, 0600);
        if (!err) err = write_private(cert_file, cert_pem, 0644);
    }
    X509_free(cert);
    EVP_PKEY_free(key);
    return err;
}

}  // namespace

std::string default_certificate_dir() {
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::string(x) + "/mailsim";
    if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.local/share/mailsim";
    return ".mailsim";
}

Result<ServerCertificate> ServerCertificate::load(const std::string& cert_file, const std::string& key_file) {
    SSL_CTX* raw = SSL_CTX_new(TLS_server_method());
    if (!raw) return Error{cert_file, "cannot start TLS: " + openssl_reason("SSL_CTX_new failed")};
    ServerCertificate c;
    c.ctx_.reset(raw, SSL_CTX_free);
    SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(raw, cert_file.c_str()) != 1)
        return Error{cert_file, "not a usable PEM certificate: " + openssl_reason("unreadable")};
    if (SSL_CTX_use_PrivateKey_file(raw, key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        return Error{key_file, "not a usable PEM private key: " + openssl_reason("unreadable")};
    if (SSL_CTX_check_private_key(raw) != 1)
        return Error{key_file, "this key does not belong to the certificate " + cert_file};
    X509* cert = SSL_CTX_get0_certificate(raw);
    c.cert_file_ = cert_file;
    c.subject_ = x509_name_line(X509_get_subject_name(cert));
    c.fingerprint_ = fingerprint_of(cert);
    return c;
}

Result<ServerCertificate> ServerCertificate::own(const std::string& dir, bool* made) {
    *made = false;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error{dir, "cannot make the folder for serve mode's certificate: " + ec.message()};
    const std::string cert_file = dir + "/serve-cert.pem", key_file = dir + "/serve-key.pem";
    if (!std::filesystem::exists(cert_file) || !std::filesystem::exists(key_file)) {
        if (auto err = make_certificate(cert_file, key_file)) return *err;
        *made = true;
    }
    return load(cert_file, key_file);
}

ServerTls::ServerTls(const ServerCertificate& cert) {
    ssl_ = SSL_new(cert.context());
    rbio_ = BIO_new(BIO_s_mem());
    wbio_ = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_, rbio_, wbio_);
    SSL_set_accept_state(ssl_);
    X509* ours = SSL_get_certificate(ssl_);
    facts_.subject = x509_name_line(X509_get_subject_name(ours));
    facts_.issuer = x509_name_line(X509_get_issuer_name(ours));
}

ServerTls::~ServerTls() {
    if (ssl_) SSL_free(ssl_);
}

bool ServerTls::feed(std::string_view cipher, std::string& plain) {
    if (!error_.empty()) return false;
    while (!cipher.empty()) {
        const int n = BIO_write(rbio_, cipher.data(), static_cast<int>(std::min<size_t>(cipher.size(), 1 << 20)));
        if (n <= 0) break;
        cipher.remove_prefix(static_cast<size_t>(n));
    }
    if (!done_) {
        const int r = SSL_do_handshake(ssl_);
        if (r != 1) {
            const int e = SSL_get_error(ssl_, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
            error_ = "TLS handshake failed: " + openssl_reason("the client gave up (it may not trust the certificate)");
            return false;
        }
        done_ = true;
        facts_.version = SSL_get_version(ssl_);
        facts_.cipher = SSL_CIPHER_get_name(SSL_get_current_cipher(ssl_));
        facts_.verified = true;
        facts_.verify_result = "ours";
    }
    char buf[16384];
    for (;;) {
        const int n = SSL_read(ssl_, buf, sizeof buf);
        if (n > 0) {
            plain.append(buf, static_cast<size_t>(n));
            continue;
        }
        const int e = SSL_get_error(ssl_, n);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
        if (e == SSL_ERROR_ZERO_RETURN) {
            peer_closed_ = true;
            return true;
        }
        error_ = "TLS stream broken: " + openssl_reason("bad record");
        return false;
    }
}

bool ServerTls::write(std::string_view plain) {
    while (!plain.empty()) {
        const int n = SSL_write(ssl_, plain.data(), static_cast<int>(std::min<size_t>(plain.size(), 1 << 20)));
        if (n <= 0) {
            error_ = "TLS write failed: " + openssl_reason("SSL_write failed");
            return false;
        }
        plain.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

std::string ServerTls::take_cipher() {
    std::string out;
    char buf[16384];
    int n;
    while ((n = BIO_read(wbio_, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
}

}  // namespace mailsim::live
