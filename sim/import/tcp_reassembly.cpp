// tcp_reassembly.cpp — sequence arithmetic, holding and draining.
#include "import/tcp_reassembly.hpp"

#include <algorithm>

namespace mailsim::import {

void TcpReassembly::syn(std::uint32_t isn) {
    if (started_) return;  // a retransmitted SYN
    started_ = true;
    base_ = isn + 1;
}

std::int64_t TcpReassembly::unwrap(std::uint32_t seq) const {
    const auto expected = static_cast<std::uint32_t>(base_ + next_);
    const auto delta = static_cast<std::int32_t>(seq - expected);
    return static_cast<std::int64_t>(next_) + delta;
}

void TcpReassembly::deliver(std::string_view bytes, const Sink& out) {
    if (bytes.empty()) return;
    next_ += bytes.size();
    out.data(bytes);
}

void TcpReassembly::drain(const Sink& out) {
    while (!held_.empty() && held_.begin()->first <= next_) {
        auto it = held_.begin();
        const std::uint64_t start = it->first;
        std::string bytes = std::move(it->second);
        held_.erase(it);
        held_bytes_ -= bytes.size();
        if (start + bytes.size() <= next_) continue;  // covered already
        deliver(std::string_view(bytes).substr(next_ - start), out);
    }
}

void TcpReassembly::skip_to(std::uint64_t offset, const Sink& out) {
    if (offset <= next_) return;
    out.gap(offset - next_);
    next_ = offset;
    drain(out);
}

void TcpReassembly::segment(std::uint32_t seq, std::string_view payload, const Sink& out) {
    if (!started_) {  // the capture began after the SYN: the stream starts here
        started_ = true;
        base_ = seq;
    }
    if (payload.empty()) return;
    std::int64_t start = unwrap(seq);
    const std::int64_t end = start + static_cast<std::int64_t>(payload.size());
    if (end <= static_cast<std::int64_t>(next_)) {
        retransmitted_ += payload.size();
        return;
    }
    if (start < static_cast<std::int64_t>(next_)) {
        const auto cut = static_cast<size_t>(static_cast<std::int64_t>(next_) - start);
        retransmitted_ += cut;
        payload.remove_prefix(cut);
        start = static_cast<std::int64_t>(next_);
    }
    const auto at = static_cast<std::uint64_t>(start);
    if (at == next_) {
        deliver(payload, out);
        drain(out);
    } else {
        // Keep only the parts no held segment covers yet (the first copy wins).
        std::uint64_t pos = at;
        const std::uint64_t stop = at + payload.size();
        while (pos < stop) {
            auto after = held_.upper_bound(pos);
            if (after != held_.begin()) {
                auto before = std::prev(after);
                const std::uint64_t before_end = before->first + before->second.size();
                if (before_end > pos) {
                    retransmitted_ += std::min(before_end, stop) - pos;
                    pos = before_end;
                    continue;
                }
            }
            const std::uint64_t piece_end = after == held_.end() ? stop : std::min(stop, after->first);
            held_.emplace(pos, std::string(payload.substr(pos - at, piece_end - pos)));
            held_bytes_ += piece_end - pos;
            pos = piece_end;
        }
        if (held_bytes_ > hold_limit_) skip_to(held_.begin()->first, out);
    }
}

void TcpReassembly::fin(std::uint32_t seq, std::uint32_t payload_len) {
    if (!started_ || fin_seen_) return;
    fin_seen_ = true;
    const std::int64_t at = unwrap(seq) + payload_len;
    fin_at_ = at < 0 ? 0 : static_cast<std::uint64_t>(at);
}

void TcpReassembly::acknowledged(std::uint32_t ack, const Sink& out) {
    if (!started_ || held_.empty()) return;
    const std::int64_t acked = unwrap(ack);
    // The receiver has bytes past the hole: the capture missed them.
    if (acked > static_cast<std::int64_t>(next_)) skip_to(held_.begin()->first, out);
}

void TcpReassembly::flush(const Sink& out) {
    while (!held_.empty()) skip_to(held_.begin()->first, out);
    if (fin_seen_ && fin_at_ > next_) {  // bytes before the FIN never seen
        out.gap(fin_at_ - next_);
        next_ = fin_at_;
    }
}

}  // namespace mailsim::import
