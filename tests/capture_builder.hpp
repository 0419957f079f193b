// capture_builder.hpp — pcap and pcapng files made in code, for the import
// tests, the fuzz seeds and the import benchmark: frames (Ethernet or raw
// IP, IPv4 or IPv6, TCP) and a TCP conversation that hands out its
// segments, so a test can reorder, repeat, overlap or drop them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace capture {

inline void put16(std::string& o, std::uint16_t v) { o += static_cast<char>(v >> 8), o += static_cast<char>(v & 0xFF); }
inline void put32(std::string& o, std::uint32_t v) { put16(o, static_cast<std::uint16_t>(v >> 16)), put16(o, static_cast<std::uint16_t>(v)); }
inline void le16(std::string& o, std::uint16_t v) { o += static_cast<char>(v & 0xFF), o += static_cast<char>(v >> 8); }
inline void le32(std::string& o, std::uint32_t v) { le16(o, static_cast<std::uint16_t>(v)), le16(o, static_cast<std::uint16_t>(v >> 16)); }

struct Address {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};
};
inline Address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) { return {false, {a, b, c, d}}; }
// 2001:db8::N
inline Address v6(std::uint8_t n) {
    Address x{true, {}};
    x.bytes[0] = 0x20, x.bytes[1] = 0x01, x.bytes[2] = 0x0d, x.bytes[3] = 0xb8, x.bytes[15] = n;
    return x;
}

enum Flags : std::uint8_t { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

// An IP packet carrying one TCP segment (checksums left 0: nothing checks them).
inline std::string ip_tcp(const Address& src, std::uint16_t sport, const Address& dst, std::uint16_t dport,
                          std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, std::string_view payload) {
    std::string tcp;
    put16(tcp, sport), put16(tcp, dport), put32(tcp, seq), put32(tcp, ack);
    tcp += static_cast<char>(5 << 4), tcp += static_cast<char>(flags);
    put16(tcp, 65535), put16(tcp, 0), put16(tcp, 0);
    tcp += payload;
    std::string ip;
    if (!src.v6) {
        ip += static_cast<char>(0x45), ip += '\0';
        put16(ip, static_cast<std::uint16_t>(20 + tcp.size()));
        put16(ip, 0), put16(ip, 0x4000);  // id, don't fragment
        ip += static_cast<char>(64), ip += static_cast<char>(6);
        put16(ip, 0);
        ip.append(reinterpret_cast<const char*>(src.bytes.data()), 4);
        ip.append(reinterpret_cast<const char*>(dst.bytes.data()), 4);
    } else {
        put32(ip, 0x60000000);
        put16(ip, static_cast<std::uint16_t>(tcp.size()));
        ip += static_cast<char>(6), ip += static_cast<char>(64);
        ip.append(reinterpret_cast<const char*>(src.bytes.data()), 16);
        ip.append(reinterpret_cast<const char*>(dst.bytes.data()), 16);
    }
    return ip + tcp;
}

// Ethernet II around an IP packet.
inline std::string ethernet(const std::string& ip) {
    std::string f = std::string("\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
    put16(f, (static_cast<std::uint8_t>(ip[0]) >> 4) == 6 ? 0x86DD : 0x0800);
    return f + ip;
}

struct Packet {
    std::int64_t time_us = 0;
    std::string frame;
    std::uint32_t interface = 0;  // pcapng
};

constexpr std::uint32_t kEthernet = 1, kRaw = 101;

inline std::string pcap(const std::vector<Packet>& packets, std::uint32_t link = kEthernet) {
    std::string o;
    le32(o, 0xa1b2c3d4), le16(o, 2), le16(o, 4), le32(o, 0), le32(o, 0), le32(o, 262144), le32(o, link);
    for (const auto& p : packets) {
        le32(o, static_cast<std::uint32_t>(p.time_us / 1000000)), le32(o, static_cast<std::uint32_t>(p.time_us % 1000000));
        le32(o, static_cast<std::uint32_t>(p.frame.size())), le32(o, static_cast<std::uint32_t>(p.frame.size()));
        o += p.frame;
    }
    return o;
}

// A pcapng block: type, total length, body padded to 4, total length.
inline std::string block(std::uint32_t type, std::string body) {
    while (body.size() % 4) body += '\0';
    std::string o;
    le32(o, type), le32(o, static_cast<std::uint32_t>(body.size() + 12));
    o += body;
    le32(o, static_cast<std::uint32_t>(body.size() + 12));
    return o;
}

struct Interface {
    std::uint32_t link = kEthernet;
    std::uint8_t tsresol = 6;  // if_tsresol: 10^-6 s (the default) or 9 for nanoseconds
};

inline std::string pcapng(const std::vector<Packet>& packets, const std::vector<Interface>& interfaces) {
    std::string shb;
    le32(shb, 0x1A2B3C4D), le16(shb, 1), le16(shb, 0), le32(shb, 0xFFFFFFFF), le32(shb, 0xFFFFFFFF);
    std::string o = block(0x0A0D0D0A, shb);
    for (const auto& i : interfaces) {
        std::string idb;
        le16(idb, static_cast<std::uint16_t>(i.link)), le16(idb, 0), le32(idb, 262144);
        le16(idb, 9), le16(idb, 1), idb += static_cast<char>(i.tsresol), idb += std::string(3, '\0');  // if_tsresol
        le16(idb, 0), le16(idb, 0);  // opt_endofopt
        o += block(1, idb);
    }
    for (const auto& p : packets) {
        std::uint64_t ts = static_cast<std::uint64_t>(p.time_us);
        if (interfaces[p.interface].tsresol == 9) ts *= 1000;
        std::string epb;
        le32(epb, p.interface), le32(epb, static_cast<std::uint32_t>(ts >> 32)), le32(epb, static_cast<std::uint32_t>(ts));
        le32(epb, static_cast<std::uint32_t>(p.frame.size())), le32(epb, static_cast<std::uint32_t>(p.frame.size()));
        epb += p.frame;
        o += block(6, epb);
    }
    return o;
}

// One TCP connection: hands out segments as the two ends would send them.
// Sequence numbers start at the given ISNs (near the wrap, if a test likes).
struct Conversation {
    Address client, server;
    std::uint16_t client_port = 40000, server_port = 25;
    std::uint32_t client_isn = 1000, server_isn = 900000;
    bool ethernet_frames = true;
    std::uint32_t client_next = 0, server_next = 0;  // offsets sent so far

    std::string frame(bool from_client, std::uint32_t offset, std::uint8_t flags, std::string_view payload) const {
        const std::uint32_t seq = (from_client ? client_isn : server_isn) + 1 + offset;
        const std::uint32_t ack = (from_client ? server_isn + 1 + server_next : client_isn + 1 + client_next);
        const std::string ip = from_client ? ip_tcp(client, client_port, server, server_port, seq, ack, flags, payload)
                                           : ip_tcp(server, server_port, client, client_port, seq, ack, flags, payload);
        return ethernet_frames ? ethernet(ip) : ip;
    }
    std::vector<std::string> handshake() const {
        std::string syn = ip_tcp(client, client_port, server, server_port, client_isn, 0, SYN, {});
        std::string synack = ip_tcp(server, server_port, client, client_port, server_isn, client_isn + 1, SYN | ACK, {});
        std::string ack = ip_tcp(client, client_port, server, server_port, client_isn + 1, server_isn + 1, ACK, {});
        if (ethernet_frames) syn = ethernet(syn), synack = ethernet(synack), ack = ethernet(ack);
        return {syn, synack, ack};
    }
    // The next bytes one way, as one segment (or `mss`-sized ones).
    std::vector<std::string> send(bool from_client, std::string_view bytes, size_t mss = 1460) {
        std::vector<std::string> out;
        std::uint32_t& next = from_client ? client_next : server_next;
        for (size_t at = 0; at < bytes.size(); at += mss) {
            std::string_view piece = bytes.substr(at, mss);
            out.push_back(frame(from_client, next, PSH | ACK, piece));
            next += static_cast<std::uint32_t>(piece.size());
        }
        return out;
    }
    std::string fin(bool from_client) {
        std::uint32_t& next = from_client ? client_next : server_next;
        std::string f = frame(from_client, next, FIN | ACK, {});
        next += 1;
        return f;
    }
};

// Frames with times 1 ms apart from `start`.
inline std::vector<Packet> timed(const std::vector<std::string>& frames, std::int64_t start = 1795338000000000) {
    std::vector<Packet> out;
    for (size_t i = 0; i < frames.size(); ++i) out.push_back({start + static_cast<std::int64_t>(i) * 1000, frames[i], 0});
    return out;
}

}  // namespace capture
