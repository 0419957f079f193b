// capture_file.hpp — the packets of a pcap or pcapng file, read by libpcap.
//
// libpcap (Debian's libpcap-dev) reads both formats, with each pcapng
// interface's timestamp resolution and offset applied, and several
// interfaces in one file as long as they share a link type (libpcap refuses
// a file whose interfaces differ, and says so; the error is passed on).
// It is the reader tcpdump and Wireshark's dumpcap rely on, so it is kept
// well and knows the format's corners better than a parser of our own would.
//
// A file that ends in the middle of a record, or whose record is broken,
// gives the packets before it and an error naming the byte offset of the
// record where reading stopped.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace mailsim::import {

struct CapturedPacket {
    std::int64_t time_us = 0;    // Unix time in microseconds
    std::string_view data;       // the bytes captured (valid until the next call)
    std::uint32_t wire_len = 0;  // the frame's length on the wire
};

class CaptureFile {
public:
    // Opens `path`, or the bytes in `memory` when given (kept by the caller).
    // False with error() set when the file is not a capture libpcap reads.
    bool open_path(const std::string& path);
    bool open_memory(std::string_view memory);
    ~CaptureFile();

    int link_type() const { return link_type_; }
    // The next packet, or nullopt at the end or at an error (then error() is set).
    std::optional<CapturedPacket> next();
    // How far reading has come, in bytes from the start of the file.
    std::uint64_t offset() const;
    // Why reading stopped early ("" at a clean end), and the byte offset of the record there.
    const std::string& error() const { return error_; }
    std::uint64_t error_offset() const { return error_offset_; }

private:
    bool start(std::FILE* f);

    void* pcap_ = nullptr;  // pcap_t*
    std::FILE* file_ = nullptr;
    int link_type_ = 0;
    bool pcapng_ = false;
    std::uint64_t next_record_ = 0;  // pcap: where the next record starts
    std::string error_;
    std::uint64_t error_offset_ = 0;
};

// Whether the bytes start like a pcap (either byte order, micro- or
// nanosecond) or pcapng (a Section Header Block) file.
bool looks_like_capture(std::string_view head);

}  // namespace mailsim::import
