// tcp_reassembly.hpp — one direction of a TCP connection: segments in the
// order they were captured → the byte stream in sequence order.
//
// RFC 9293 §3.4: each byte has a 32-bit sequence number, wrapping; the SYN
// takes the number before the first byte of data. Segments may come out of
// order, twice (retransmitted), or overlapping: bytes already delivered are
// dropped (the first copy seen is kept, as most receivers do), bytes ahead
// of the next expected one wait. A hole that the capture never fills is a
// gap: reported with its size, and the stream goes on after it. Bytes are
// never glued across a gap.
//
// A hole is declared missing when the peer acknowledges bytes beyond it
// (they reached the receiver, but not the capture), when the connection
// ends, or when more than `hold_limit` bytes wait behind it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace mailsim::import {

class TcpReassembly {
public:
    struct Sink {
        std::function<void(std::string_view)> data;    // bytes in order
        std::function<void(std::uint64_t)> gap;        // this many bytes are missing here
    };
    explicit TcpReassembly(size_t hold_limit = 32u << 20) : hold_limit_(hold_limit) {}

    // The SYN's sequence number: data starts at isn + 1.
    void syn(std::uint32_t isn);
    bool started() const { return started_; }
    // A segment's bytes. When the capture's snapshot length cut it, the
    // bytes after the cut are a hole like any other.
    void segment(std::uint32_t seq, std::string_view payload, const Sink& out);
    // A FIN at `seq` (after the segment's data): the stream ends there.
    void fin(std::uint32_t seq, std::uint32_t payload_len);
    // The peer acknowledged up to `ack`: a hole before it will not be filled.
    void acknowledged(std::uint32_t ack, const Sink& out);
    // The connection is over: what waits behind holes comes out after gaps.
    void flush(const Sink& out);

    // True when a FIN was seen and every byte before it was delivered.
    bool finished() const { return fin_seen_ && next_ >= fin_at_; }
    std::uint64_t delivered() const { return next_; }
    std::uint64_t retransmitted_bytes() const { return retransmitted_; }
    std::uint64_t held_bytes() const { return held_bytes_; }

private:
    // The 64-bit stream offset of a sequence number, taken nearest to next_.
    std::int64_t unwrap(std::uint32_t seq) const;
    void deliver(std::string_view bytes, const Sink& out);
    void drain(const Sink& out);
    // Skips a hole: its bytes are reported missing, then what waits after it comes out.
    void skip_to(std::uint64_t offset, const Sink& out);

    size_t hold_limit_;
    bool started_ = false;
    std::uint32_t base_ = 0;       // sequence number of stream offset 0
    std::uint64_t next_ = 0;       // the offset of the next byte expected
    std::map<std::uint64_t, std::string> held_;  // out-of-order bytes by offset, never overlapping
    std::uint64_t held_bytes_ = 0;
    std::uint64_t retransmitted_ = 0;
    bool fin_seen_ = false;
    std::uint64_t fin_at_ = 0;
};

}  // namespace mailsim::import
