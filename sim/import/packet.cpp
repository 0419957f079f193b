// packet.cpp — link layer, IPv4/IPv6 and TCP headers.
#include "import/packet.hpp"

#include <arpa/inet.h>
#include <pcap/dlt.h>

namespace mailsim::import {

namespace {

std::uint16_t be16(std::string_view b, size_t at) {
    return static_cast<std::uint16_t>(static_cast<std::uint8_t>(b[at]) << 8 | static_cast<std::uint8_t>(b[at + 1]));
}
std::uint32_t be32(std::string_view b, size_t at) {
    return static_cast<std::uint32_t>(be16(b, at)) << 16 | be16(b, at + 2);
}

constexpr std::uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86DD, kEtherVlan = 0x8100, kEtherQinQ = 0x88A8;
constexpr int kLinuxSll2 = 276;  // DLT_LINUX_SLL2, missing from older headers

/*  TCP header (RFC 9293 §3.1): source port, destination port, sequence
    number, acknowledgment number, data offset (4 bits) … flags, window,
    checksum, urgent pointer, options; data offset counts 32-bit words. */
Decoded decode_tcp(std::string_view seg, std::uint32_t declared, TcpSegment& out) {
    if (seg.size() < 20) return Decoded::malformed;
    const size_t header = (static_cast<std::uint8_t>(seg[12]) >> 4) * 4u;
    if (header < 20 || header > seg.size() || header > declared) return Decoded::malformed;
    out.src.port = be16(seg, 0);
    out.dst.port = be16(seg, 2);
    out.seq = be32(seg, 4);
    out.ack = be32(seg, 8);
    out.flags = static_cast<std::uint8_t>(seg[13]) & 0x1F;
    out.payload = seg.substr(header);
    out.payload_len = declared - static_cast<std::uint32_t>(header);
    if (out.payload.size() > out.payload_len) out.payload = out.payload.substr(0, out.payload_len);
    return Decoded::tcp;
}

/*  IPv4 header (RFC 791 §3.1): version and IHL, total length at 2, flags and
    fragment offset at 6, protocol at 9, source at 12, destination at 16. */
Decoded decode_ipv4(std::string_view p, TcpSegment& out) {
    if (p.size() < 20) return Decoded::malformed;
    const size_t ihl = (static_cast<std::uint8_t>(p[0]) & 0x0F) * 4u;
    const size_t total = be16(p, 2);
    if (ihl < 20 || total < ihl || p.size() < ihl) return Decoded::malformed;
    if (static_cast<std::uint8_t>(p[9]) != 6) return Decoded::not_tcp;
    if ((be16(p, 6) & 0x3FFF) != 0) return Decoded::fragment;  // MF set or an offset
    out.src = {};
    out.dst = {};
    for (int i = 0; i < 4; ++i) {
        out.src.addr[i] = static_cast<std::uint8_t>(p[12 + i]);
        out.dst.addr[i] = static_cast<std::uint8_t>(p[16 + i]);
    }
    // The captured bytes may be fewer than the total (a snapshot length),
    // or more (Ethernet pads short frames).
    std::string_view seg = p.substr(ihl, std::min(p.size(), total) - ihl);
    return decode_tcp(seg, static_cast<std::uint32_t>(total - ihl), out);
}

/*  IPv6 header (RFC 8200 §3): payload length at 4, next header at 6,
    source at 8, destination at 24; extension headers (§4) chain on. */
Decoded decode_ipv6(std::string_view p, TcpSegment& out) {
    if (p.size() < 40) return Decoded::malformed;
    size_t declared = be16(p, 4);
    if (declared == 0) declared = p.size() - 40;  // a jumbogram (RFC 2675): what was captured
    out.src = {};
    out.dst = {};
    out.src.v6 = out.dst.v6 = true;
    for (int i = 0; i < 16; ++i) {
        out.src.addr[i] = static_cast<std::uint8_t>(p[8 + i]);
        out.dst.addr[i] = static_cast<std::uint8_t>(p[24 + i]);
    }
    std::uint8_t next = static_cast<std::uint8_t>(p[6]);
    size_t at = 40, end = 40 + declared;
    for (int hops = 0; hops < 16; ++hops) {
        if (next == 6) {
            const size_t captured_end = std::min(p.size(), end);
            if (at > captured_end) return Decoded::malformed;
            return decode_tcp(p.substr(at, captured_end - at), static_cast<std::uint32_t>(end - at), out);
        }
        if (at + 8 > p.size()) return Decoded::malformed;
        switch (next) {
        case 0: case 43: case 60:  // hop-by-hop, routing, destination options: (length + 1) × 8
            next = static_cast<std::uint8_t>(p[at]);
            at += (static_cast<std::uint8_t>(p[at + 1]) + 1u) * 8;
            break;
        case 51:  // AH (RFC 4302 §2.2): (length + 2) × 4
            next = static_cast<std::uint8_t>(p[at]);
            at += (static_cast<std::uint8_t>(p[at + 1]) + 2u) * 4;
            break;
        case 44:  // fragment (RFC 8200 §4.5): an offset or "more" makes it a piece
            if ((be16(p, at + 2) & 0xFFF9) != 0) return Decoded::fragment;
            next = static_cast<std::uint8_t>(p[at]);
            at += 8;
            break;
        default: return Decoded::not_tcp;
        }
    }
    return Decoded::malformed;
}

Decoded decode_ip(std::string_view p, TcpSegment& out) {
    if (p.empty()) return Decoded::malformed;
    switch (static_cast<std::uint8_t>(p[0]) >> 4) {
    case 4: return decode_ipv4(p, out);
    case 6: return decode_ipv6(p, out);
    default: return Decoded::not_tcp;
    }
}

Decoded decode_ethertype(std::uint16_t type, std::string_view p, TcpSegment& out) {
    if (type == kEtherIpv4 || type == kEtherIpv6) return decode_ip(p, out);
    return Decoded::not_tcp;
}

}  // namespace

std::string address_text(const Endpoint& e) {
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(e.v6 ? AF_INET6 : AF_INET, e.addr.data(), buf, sizeof buf);
    return buf;
}

bool known_link_type(int dlt) {
    switch (dlt) {
    case DLT_EN10MB: case DLT_NULL: case 108 /* DLT_LOOP */: case 12: case 14 /* DLT_RAW */: case DLT_IPV4:
    case DLT_IPV6: case DLT_LINUX_SLL: case kLinuxSll2: return true;
    default: return false;
    }
}

Decoded decode_frame(int dlt, std::string_view f, TcpSegment& out) {
    switch (dlt) {
    case DLT_EN10MB: {
        if (f.size() < 14) return Decoded::malformed;
        std::uint16_t type = be16(f, 12);
        size_t at = 14;
        while ((type == kEtherVlan || type == kEtherQinQ) && f.size() >= at + 4) {
            type = be16(f, at + 2);
            at += 4;
        }
        return decode_ethertype(type, f.substr(at), out);
    }
    case DLT_NULL:
    case 108:  // DLT_LOOP: a 4-byte address family (host or network order), then IP
        if (f.size() < 4) return Decoded::malformed;
        return decode_ip(f.substr(4), out);
    case 12:
    case 14:
    case DLT_IPV4:
    case DLT_IPV6: return decode_ip(f, out);
    case DLT_LINUX_SLL:  // 16 bytes; the protocol (an EtherType) at 14
        if (f.size() < 16) return Decoded::malformed;
        return decode_ethertype(be16(f, 14), f.substr(16), out);
    case kLinuxSll2:  // 20 bytes; the protocol at 0
        if (f.size() < 20) return Decoded::malformed;
        return decode_ethertype(be16(f, 0), f.substr(20), out);
    default: return Decoded::unknown_link;
    }
}

}  // namespace mailsim::import
