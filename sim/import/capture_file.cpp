// capture_file.cpp — libpcap's offline reader, from a path or from memory.
#include "import/capture_file.hpp"

#include <cstring>

#include <pcap/pcap.h>

namespace mailsim::import {

namespace {
pcap_t* handle(void* p) { return static_cast<pcap_t*>(p); }
}  // namespace

bool looks_like_capture(std::string_view head) {
    if (head.size() < 4) return false;
    static constexpr std::string_view kMagic[] = {
        "\xd4\xc3\xb2\xa1", "\xa1\xb2\xc3\xd4",  // pcap, microseconds (little, big endian)
        "\x4d\x3c\xb2\xa1", "\xa1\xb2\x3c\x4d",  // pcap, nanoseconds
        "\x0a\x0d\x0d\x0a",                      // pcapng Section Header Block
    };
    for (auto m : kMagic)
        if (head.substr(0, 4) == m) return true;
    return false;
}

bool CaptureFile::open_path(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        error_ = std::string("cannot open: ") + std::strerror(errno);
        return false;
    }
    return start(f);
}

bool CaptureFile::open_memory(std::string_view memory) {
    if (memory.empty()) {
        error_ = "the file is empty";
        return false;
    }
    // fmemopen reads the caller's bytes in place ("r" never writes them).
    std::FILE* f = ::fmemopen(const_cast<char*>(memory.data()), memory.size(), "r");
    if (!f) {
        error_ = std::string("cannot read from memory: ") + std::strerror(errno);
        return false;
    }
    return start(f);
}

bool CaptureFile::start(std::FILE* f) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (!p) {
        std::fclose(f);
        error_ = errbuf;
        return false;
    }
    pcap_ = p;
    file_ = f;  // pcap_close closes it
    next_record_ = offset();  // after the file header
    pcapng_ = pcap_major_version(p) != 2 || next_record_ != 24;
    link_type_ = pcap_datalink(p);
    return true;
}

CaptureFile::~CaptureFile() {
    if (pcap_) pcap_close(handle(pcap_));
}

std::uint64_t CaptureFile::offset() const {
    if (!file_) return 0;
    const long at = std::ftell(file_);
    return at < 0 ? 0 : static_cast<std::uint64_t>(at);
}

std::optional<CapturedPacket> CaptureFile::next() {
    if (!pcap_ || !error_.empty()) return std::nullopt;
    // A pcap record is its 16-byte header and the bytes captured, so where
    // each starts is counted; a pcapng file has other blocks between, so
    // there the stream is asked.
    const std::uint64_t record = pcapng_ ? offset() : next_record_;
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(handle(pcap_), &header, &data);
    if (rc == 1) {
        CapturedPacket p;
        p.time_us = static_cast<std::int64_t>(header->ts.tv_sec) * 1000000 + header->ts.tv_usec;
        p.data = {reinterpret_cast<const char*>(data), header->caplen};
        p.wire_len = header->len;
        next_record_ = record + 16 + header->caplen;
        return p;
    }
    if (rc == PCAP_ERROR) {
        error_ = pcap_geterr(handle(pcap_));
        if (error_.empty()) error_ = "unreadable record";
        error_offset_ = record;
    }
    return std::nullopt;
}

}  // namespace mailsim::import
