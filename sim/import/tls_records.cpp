// tls_records.cpp — the 5-byte record header, and a count per content type.
#include "import/tls_records.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mailsim::import {

namespace {
constexpr std::array<std::string_view, 5> kTypeNames{"change_cipher_spec", "alert", "handshake", "application_data",
                                                     "other"};
}

/*  TLSPlaintext / TLSCiphertext (RFC 8446 §5.1, RFC 5246 §6.2):
      ContentType type; ProtocolVersion legacy_record_version;
      uint16 length; opaque fragment[length];                     */
void TlsRecordCounter::feed(std::string_view b) {
    bytes_ += b.size();
    if (lost_) {
        unframed_ += b.size();
        return;
    }
    while (!b.empty()) {
        if (body_left_ > 0) {
            const size_t n = std::min(body_left_, b.size());
            body_left_ -= n;
            b.remove_prefix(n);
            continue;
        }
        header_[header_have_++] = static_cast<std::uint8_t>(b.front());
        b.remove_prefix(1);
        if (header_have_ < header_.size()) continue;
        header_have_ = 0;
        const std::uint8_t type = header_[0];
        if (type < 20 || type > 24 || header_[1] != 3) {  // not a record: count the rest without framing
            lost_ = true;
            unframed_ += 5 + b.size();
            return;
        }
        const size_t slot = type <= 23 ? type - 20u : 4u;
        body_left_ = static_cast<size_t>(header_[3]) << 8 | header_[4];
        ++records_[slot];
        record_bytes_[slot] += 5 + body_left_;
    }
}

std::string TlsRecordCounter::summary() const {
    std::uint64_t n = 0;
    std::string parts;
    for (size_t i = 0; i < records_.size(); ++i) {
        n += records_[i];
        if (records_[i]) parts += fmt::format("{}{} ×{}", parts.empty() ? "" : ", ", kTypeNames[i], records_[i]);
    }
    std::string s = fmt::format("{} TLS record{}, {} bytes", n, n == 1 ? "" : "s", bytes_);
    if (!parts.empty()) s += ": " + parts;
    if (unframed_) s += fmt::format("; {} bytes not framed as records", unframed_);
    return s;
}

std::string TlsRecordCounter::detail() const {
    nlohmann::json d = {{"bytes", bytes_}};
    nlohmann::json records = nlohmann::json::object();
    for (size_t i = 0; i < records_.size(); ++i)
        if (records_[i]) records[std::string(kTypeNames[i])] = {{"count", records_[i]}, {"bytes", record_bytes_[i]}};
    d["records"] = std::move(records);
    if (unframed_) d["unframed_bytes"] = unframed_;
    return d.dump();
}

void TlsRecordCounter::take() {
    records_.fill(0);
    record_bytes_.fill(0);
    bytes_ = unframed_ = 0;
}

}  // namespace mailsim::import
